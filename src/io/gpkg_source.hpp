// The GeoPackage adapter of the data-access port (core/project_source.hpp): reads a project's
// layers as core records, through GDAL's Arrow stream where the driver offers it (column batches,
// no OGRFeature per row) and feature by feature otherwise. Links GDAL.
#pragma once
#include <memory>
#include <string>

#include "core/project_source.hpp"
#include "io/ogr_features.hpp"
#include "io/project.hpp"
#include "io/sources.hpp"

namespace ruralatlas::io {

class GpkgSource : public ProjectSource {
public:
    // Opens the project read-only; throws DataError naming the file when it is not a project.
    explicit GpkgSource(const std::string& path);
    // Reads through a project already open (it must outlive this source).
    explicit GpkgSource(Project& project);
    ~GpkgSource() override;

    std::string name() const override { return m_project->path(); }
    int epsg() override { return m_project->epsg(); }
    std::unique_ptr<ProjectSource> connect() const override;
    bool hasLayer(const std::string& layer) override;
    long long featureCount(const std::string& layer) override;
    std::vector<FidRange> slices(const std::string& layer, int parts) override;

    std::vector<std::vector<XY>> rivers() override;
    std::optional<Raster> dem() override;
    std::vector<Standard> standards() override;
    std::vector<Township> townships() override;

    std::vector<std::string> layerNames() override { return ogrLayerNames(m_project->dataset()); }
    std::optional<LayerInfo> layerInfo(const std::string& layer) override { return ogrLayerInfo(m_project->dataset(), layer); }
    bool inCrs(const std::string& layer, int epsg) override { return ogrInCrs(m_project->dataset(), layer, epsg); }
    bool mayRead(const std::string& layer) override { return ogrMayRead(m_project->dataset(), layer); }
    void readFeatures(const std::string& layer, const FeatureQuery& query, const std::function<void(const Feature&)>& visit) override {
        ogrReadFeatures(m_project->dataset(), m_project->path(), layer, query, visit);
    }
    std::string meta(const std::string& key) override { return m_project->meta(key); }
    // A file project's gridded layers (its DEM, grids an analysis saved into it); a server
    // project's DEM when it holds one.
    std::vector<std::string> gridNames() override;
    std::optional<ResultGrid> readGrid(const std::string& grid) override;

    Project& project() { return *m_project; }

protected:
    std::vector<Village> readVillages(VillageFields fields, const FidRange* range) override;
    std::vector<Facility> readFacilities(const std::string& kind, const std::vector<std::string>& statuses, const FidRange* range) override;
    std::vector<Road> readRoads(const FidRange* range) override;

private:
    std::unique_ptr<Project> m_owned;
    Project* m_project = nullptr;
};

}  // namespace ruralatlas::io
