// Water surfaces from the project's current land use: the parcels of `landuse_plan` (period
// current) whose class the criteria file lists as water (1701-1704 by default). Read by
// `site-audit` and `suitability` alike.
#pragma once
#include <string>
#include <vector>

#include "core/feature_source.hpp"
#include "core/records.hpp"
#include "suitability/criteria.hpp"

namespace ruralatlas::suitability {

struct WaterParcel {
    std::string code;  // its land-use class, e.g. 1701
    Polygons shape;
};

// Empty when the project has no land use or the criteria list no water class.
std::vector<WaterParcel> readWater(FeatureSource& project, const Criteria& criteria);

}  // namespace ruralatlas::suitability
