// The domain records analyses work on, one per layer of the data model they read, in the
// project CRS. Plain values: no GDAL, no Qt. `XY` is registered as a Boost.Geometry point, so
// the R-trees and distance functions take it as it is.
#pragma once
#include <boost/geometry/core/access.hpp>
#include <boost/geometry/core/coordinate_dimension.hpp>
#include <boost/geometry/core/coordinate_system.hpp>
#include <boost/geometry/core/coordinate_type.hpp>
#include <boost/geometry/core/cs.hpp>
#include <boost/geometry/core/tag.hpp>
#include <boost/geometry/core/tags.hpp>
#include <boost/geometry/geometries/register/point.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ruralatlas {

struct XY {
    double x = 0, y = 0;
};

// A village (行政村) of the `villages` layer.
struct Village {
    long long fid = 0;
    std::string code, name, townshipCode, status, terrain;
    long long population = 0, households = 0;
    bool populationKnown = false;  // the field holds a value (an unknown population is not 0)
    bool householdsKnown = false;
    std::optional<double> tapWaterRate, sanitaryToiletRate;
    std::optional<int> hardenedRoad, hasVillagePlan;
    bool hasPoint = false;
    XY at;
};

// A public-service facility of the `facilities` layer (school, clinic, water works...).
struct Facility {
    std::string id, name, kind, status, villageCode;
    long long capacity = 0;
    XY at;
};

// One part of a road of the `roads` layer (a multi-part road gives one record per part).
struct Road {
    std::vector<XY> line;
    std::string cls, surface;
    double speedKmh = 0;  // 0 = from class and surface
    bool oneway = false;
};

// A north-up raster with square cells (the project's DEM).
struct Raster {
    double x0 = 0, y1 = 0, cell = 0;  // left and top edges, cell size
    int width = 0, height = 0;
    std::vector<float> z;
    float nodata = -32768.f;
};

// A township (乡镇): code and name.
struct Township {
    std::string code, name;
};

// A polygon: outer ring first, then holes; rings closed (first point repeated last).
using Ring = std::vector<XY>;
struct Polygon {
    std::vector<Ring> rings;
};
using Polygons = std::vector<Polygon>;  // a multi-polygon

// A relocation resettlement site (易地扶贫搬迁安置点) of the `resettlement_sites` layer.
// Counts are -1 when the layer leaves them empty (unknown is not zero).
struct ResettlementSite {
    long long fid = 0;
    std::string id, name, villageCode;
    long long plannedHouseholds = -1, movedInHouseholds = -1, capacityPeople = -1, jobsNearby = -1;
    long long oldHomesTotal = -1, oldHomesDemolished = -1;
    std::optional<double> reclaimedAreaMu;
    bool hasPoint = false;
    XY at;
};

// One source village's households moved to a site (`relocations`), never single households.
struct Relocation {
    std::string sourceVillageCode, siteId;
    long long households = -1, people = -1, year = -1;
};

// An industry project (产业项目) of the `industry_projects` layer.
struct IndustryProject {
    long long fid = 0;
    std::string id, name, sector, status, villageCode;
    std::optional<double> investment;  // 万元
    long long jobs = -1, beneficiaryHouseholds = -1, startYear = -1;
    bool hasPoint = false;
    XY at;
};

// A land-use parcel of a village plan (`landuse_plan`): 2023 用地用海 code, current or planned.
struct LandUseParcel {
    long long fid = 0;
    std::string villageCode, landuseCode, period;  // period: current | planned
    Polygons shape;
    // The layer's other fields as text, null ones absent (filled by the plan editor; the record
    // readers leave it empty).
    std::map<std::string, std::string> fields;
};

// A control zone (`constraints`): ecological red line, permanent basic farmland, urban
// development boundary, hazard zones (constraint_kind).
struct Constraint {
    long long fid = 0;
    std::string kind, name;
    Polygons shape;
};

}  // namespace ruralatlas

BOOST_GEOMETRY_REGISTER_POINT_2D(ruralatlas::XY, double, boost::geometry::cs::cartesian, x, y)
