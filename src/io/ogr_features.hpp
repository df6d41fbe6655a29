// The OGR adapter of the generic feature port (core/feature_source.hpp): any vector file GDAL
// opens (result GeoPackages, CSVs), and the helpers GpkgSource uses for a project's layers.
// Links GDAL.
#pragma once
#include <memory>
#include <string>

#include "core/feature_source.hpp"
#include "io/gdal_util.hpp"
#include "io/sources.hpp"

namespace ruralatlas::io {

std::vector<std::string> ogrLayerNames(GDALDataset& ds);
std::optional<LayerInfo> ogrLayerInfo(GDALDataset& ds, const std::string& layer);
bool ogrInCrs(GDALDataset& ds, const std::string& layer, int epsg);
// A server dataset: whether the login has the SELECT right on the layer (other datasets: true).
bool ogrMayRead(GDALDataset& ds, const std::string& layer);
// `file` names the data in messages.
void ogrReadFeatures(GDALDataset& ds, const std::string& file, const std::string& layer, const FeatureQuery& query,
                     const std::function<void(const Feature&)>& visit);

// The gridded coverages of a GeoPackage (gpkg_contents rows of data type 2d-gridded-coverage);
// none for other formats.
std::vector<std::string> gpkgGridNames(GDALDataset& ds);
// One gridded coverage of the GeoPackage at `path`, band 1 read whole (see FeatureSource::readGrid).
std::optional<ResultGrid> readGpkgGrid(const std::string& path, const std::string& table);

class OgrFeatureSource : public FeatureSource {
public:
    explicit OgrFeatureSource(const std::string& path);
    std::string name() const override { return m_path; }
    std::unique_ptr<FeatureSource> reopen() const override { return std::make_unique<OgrFeatureSource>(m_path); }
    std::vector<std::string> layerNames() override { return ogrLayerNames(*m_ds); }
    std::optional<LayerInfo> layerInfo(const std::string& layer) override { return ogrLayerInfo(*m_ds, layer); }
    bool inCrs(const std::string& layer, int epsg) override { return ogrInCrs(*m_ds, layer, epsg); }
    void readFeatures(const std::string& layer, const FeatureQuery& query, const std::function<void(const Feature&)>& visit) override {
        ogrReadFeatures(*m_ds, m_path, layer, query, visit);
    }
    std::string meta(const std::string&) override { return {}; }
    std::vector<std::string> gridNames() override { return gpkgGridNames(*m_ds); }
    std::optional<ResultGrid> readGrid(const std::string& grid) override { return readGpkgGrid(m_path, grid); }

private:
    std::string m_path;
    DatasetPtr m_ds;
};

}  // namespace ruralatlas::io
