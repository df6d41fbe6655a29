// The GeoPackage adapter of the data-access port (core/project_source.hpp): reads a project's
// layers as core records, through GDAL's Arrow stream where the driver offers it (column batches,
// no OGRFeature per row) and feature by feature otherwise. Links GDAL.
#pragma once
#include <memory>
#include <string>

#include "core/project_source.hpp"
#include "io/project.hpp"

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

    Project& project() { return *m_project; }

protected:
    std::vector<Village> readVillages(VillageFields fields, const FidRange* range) override;
    std::vector<Facility> readFacilities(const std::string& kind, const std::vector<std::string>& statuses, const FidRange* range) override;
    std::vector<Road> readRoads(const FidRange* range) override;

private:
    std::unique_ptr<Project> m_owned;
    Project* m_project = nullptr;
};

// The port for a project given by the user: a GeoPackage path today (a server connection string
// with the PostGIS adapter).
std::unique_ptr<ProjectSource> openProjectSource(const std::string& project);

}  // namespace ruralatlas::io
