#include "suitability/water.hpp"

#include <algorithm>

#include "core/record_readers.hpp"

namespace ruralatlas::suitability {

std::vector<WaterParcel> readWater(FeatureSource& project, const Criteria& criteria) {
    std::vector<WaterParcel> out;
    if (criteria.waterLanduse.empty()) return out;
    const auto info = project.layerInfo("landuse_plan");
    if (!info || info->fieldIndex("landuse_code") < 0 || info->fieldIndex("period") < 0) return out;
    FeatureQuery q;
    q.fields = {"landuse_code", "period"};
    std::string in;
    for (const std::string& code : criteria.waterLanduse) in += (in.empty() ? "'" : ", '") + code + "'";
    q.where = "period = 'current' AND landuse_code IN (" + in + ")";
    q.whereIsHint = true;  // the values are checked below too
    project.readFeatures("landuse_plan", q, [&](const Feature& f) {
        const std::string code = valueAsText(f.values[0]);
        if (valueAsText(f.values[1]) != "current") return;
        if (std::find(criteria.waterLanduse.begin(), criteria.waterLanduse.end(), code) == criteria.waterLanduse.end()) return;
        Polygons shape = polygonsOf(f.geometry);
        if (!shape.empty()) out.push_back({code, std::move(shape)});
    });
    return out;
}

}  // namespace ruralatlas::suitability
