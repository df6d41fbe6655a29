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

// Which village fields to read: all that analyses use, or only what coverage writes (code, name,
// township, population, point): fewer columns is a third less time on 600,000 villages.
enum class VillageFields { All, Coverage };
// A slice of a layer by feature id, [first, last) (the type's lowest and highest values mean no
// bound): lets several threads read one table.
struct FidRange {
    long long first = 0, last = 0;
    long long expected = 0;  // about how many features it holds (room is made for them up front)
};

std::vector<VillageRec> loadVillages(io::Project& project, VillageFields fields = VillageFields::All, const FidRange* range = nullptr);
// Facilities of `kind` whose status is in `statuses` (empty status counts as existing).
std::vector<FacilityRec> loadFacilities(io::Project& project, const std::string& kind, const std::vector<std::string>& statuses,
                                        const FidRange* range = nullptr);
std::vector<RoadRec> loadRoads(io::Project& project, const FidRange* range = nullptr);

// Villages, facilities of one kind and roads read at once on `threads` threads, each with its own
// connection to the GeoPackage (GDAL handles are not shared between threads); the larger tables
// are cut into feature-id slices and put back together in order, so the result is the same as
// reading them one after the other.
struct LoadRequest {
    bool villages = false;
    VillageFields villageFields = VillageFields::All;
    bool facilities = false;
    std::string facilityKind;
    std::vector<std::string> facilityStatuses;
    bool roads = false;
};
struct LoadedData {
    std::vector<VillageRec> villages;
    std::vector<FacilityRec> facilities;
    std::vector<RoadRec> roads;
};
// `project` serves the calling thread; the others open their own.
LoadedData loadInParallel(io::Project& project, const LoadRequest& request, int threads = 2);
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
