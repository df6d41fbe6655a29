// What the analyses read from a project: villages, facilities, roads, rivers, the DEM and the
// standards table, as plain records in the project CRS. Links io (GDAL).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/standards.hpp"
#include "io/project.hpp"

namespace ruralatlas::analysis {

struct XY {
    double x = 0, y = 0;
};

struct VillageRec {
    long long fid = 0;
    std::string code, name, townshipCode, status, terrain;
    long long population = 0, households = 0;
    std::optional<double> tapWaterRate, sanitaryToiletRate;
    std::optional<int> hardenedRoad, hasVillagePlan;
    bool hasPoint = false;
    XY at;
};

struct FacilityRec {
    std::string id, name, kind, status, villageCode;
    long long capacity = 0;
    XY at;
};

struct RoadRec {
    std::vector<XY> line;
    std::string cls, surface;
    double speedKmh = 0;  // 0 = from class and surface
    bool oneway = false;
};

struct Raster {
    double x0 = 0, y1 = 0, cell = 0;  // left and top edges, cell size
    int width = 0, height = 0;
    std::vector<float> z;
    float nodata = -32768.f;
};

std::vector<VillageRec> loadVillages(io::Project& project);
// Facilities of `kind` whose status is in `statuses` (empty status counts as existing).
std::vector<FacilityRec> loadFacilities(io::Project& project, const std::string& kind, const std::vector<std::string>& statuses);
std::vector<RoadRec> loadRoads(io::Project& project);
std::vector<std::vector<XY>> loadRivers(io::Project& project);
// The `dem` raster of the project; throws DataError when there is none.
Raster loadDem(const std::string& projectPath);
std::vector<Standard> loadStandards(io::Project& project);
// Township code -> name.
std::vector<std::pair<std::string, std::string>> loadTownships(io::Project& project);

// Which statuses a --status choice means: existing = in service; planned = the planned
// scenario (existing + under construction + planned); all = every status.
std::vector<std::string> statusesFor(const std::string& choice);

}  // namespace ruralatlas::analysis
