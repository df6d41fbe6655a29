#include "plan_rules.hpp"

#include <cctype>
#include <cmath>

#include "core/error.hpp"
#include "core/json_value.hpp"

namespace ruralatlas::villageplan {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

const JsonValue& object(const JsonValue& parent, std::string_view key, const std::string& file) {
    static const JsonValue empty;
    const JsonValue* v = parent.find(key);
    if (!v) return empty;
    if (!v->isObject()) throw DataError({file, "", "", std::string(key)}, "\"" + std::string(key) + "\" must be an object");
    return *v;
}

void number(const JsonValue& parent, std::string_view section, std::string_view key, double& out, const std::string& file, double min,
            double max) {
    const JsonValue* v = parent.find(key);
    if (!v) return;
    const std::string where = std::string(section) + "." + std::string(key);
    if (!v->isNumber() || !std::isfinite(v->number()) || v->number() < min || v->number() > max)
        throw DataError({file, "", "", where}, "\"" + where + "\" must be a number from " + std::to_string(min) + " to " +
                                                   std::to_string(max) + " (line " + std::to_string(v->line()) + ")");
    out = v->number();
}

void strings(const JsonValue& parent, std::string_view section, std::string_view key, std::vector<std::string>& out,
             const std::string& file) {
    const JsonValue* v = parent.find(key);
    if (!v) return;
    const std::string where = std::string(section) + "." + std::string(key);
    if (!v->isArray()) throw DataError({file, "", "", where}, "\"" + where + "\" must be a list of strings");
    out.clear();
    for (const JsonValue& x : v->array()) {
        if (!x.isString() || x.string().empty())
            throw DataError({file, "", "", where},
                            "\"" + where + "\" must be a list of non-empty strings (line " + std::to_string(x.line()) + ")");
        out.push_back(x.string());
    }
}

}  // namespace

bool PlanRules::matches(const std::vector<std::string>& prefixes, std::string_view code) {
    for (const std::string& p : prefixes)
        if (startsWith(code, p)) return true;
    return false;
}

bool PlanRules::isConstruction(std::string_view code) const {
    for (const std::string& n : notConstruction)
        if (startsWith(code, n)) return false;
    for (const std::string& c : constructionClasses)
        if (startsWith(code, c)) return true;
    return false;
}

namespace {

PlanRules rulesFrom(const JsonValue& root, const std::string& file) {
    if (!root.isObject()) throw DataError({file}, "a rules file is a JSON object");
    PlanRules r;
    r.file = file;
    const JsonValue& codes = object(root, "codes", file);
    if (const JsonValue* v = codes.find("levels")) {
        if (!v->isArray() || v->array().empty())
            throw DataError({file, "", "", "codes.levels"}, "\"codes.levels\" must be a list such as [4]");
        r.levels.clear();
        for (const JsonValue& x : v->array()) {
            if (!x.isNumber() || (x.number() != 2 && x.number() != 4 && x.number() != 6))
                throw DataError({file, "", "", "codes.levels"},
                                "\"codes.levels\" holds code lengths 2 (first-level class), 4 (second-level) or 6 (third-level), not " +
                                    (x.isNumber() ? std::to_string(x.number()) : std::string(JsonValue::typeName(x.type()))));
            r.levels.push_back(static_cast<int>(x.number()));
        }
    }
    const JsonValue& t = object(root, "topology", file);
    const double big = 1e12;
    number(t, "topology", "overlap_min_area_m2", r.overlapMinArea, file, 0, big);
    number(t, "topology", "gap_min_area_m2", r.gapMinArea, file, 0, big);
    number(t, "topology", "allowed_gap_max_area_m2", r.allowedGapMaxArea, file, 0, big);
    number(t, "topology", "sliver_max_area_m2", r.sliverMaxArea, file, 0, big);
    number(t, "topology", "sliver_thin_max_area_m2", r.sliverThinMaxArea, file, 0, big);
    number(t, "topology", "sliver_min_compactness", r.sliverMinCompactness, file, 0, 1);
    number(t, "topology", "outside_min_area_m2", r.outsideMinArea, file, 0, big);
    number(t, "topology", "area_sum_tolerance", r.areaSumTolerance, file, 0, 1);
    strings(t, "topology", "allowed_gap_classes", r.allowedGapClasses, file);
    if (const JsonValue* v = t.find("allowed_gap_layer")) {
        if (!v->isString())
            throw DataError({file, "", "", "topology.allowed_gap_layer"}, "\"topology.allowed_gap_layer\" must be a layer name");
        r.allowedGapLayer = v->string();
    }
    const JsonValue& c = object(root, "conflicts", file);
    strings(c, "conflicts", "construction_classes", r.constructionClasses, file);
    strings(c, "conflicts", "not_construction", r.notConstruction, file);
    strings(c, "conflicts", "forbidden", r.forbidden, file);
    strings(c, "conflicts", "new_construction_forbidden", r.newConstructionForbidden, file);
    number(c, "conflicts", "min_area_m2", r.conflictMinArea, file, 0, big);
    if (const JsonValue* v = codes.find("current_crosswalk")) {
        if (!v->isString()) throw DataError({file, "", "", "codes.current_crosswalk"}, "\"codes.current_crosswalk\" must be a file name");
        r.currentCrosswalk = v->string();
    }
    const JsonValue& g = object(root, "targets", file);
    number(g, "targets", "tolerance_ha", r.targetToleranceHa, file, 0, big);
    strings(g, "targets", "cultivated_land_classes", r.cultivatedClasses, file);
    strings(g, "targets", "forest_classes", r.forestClasses, file);
    strings(g, "targets", "homestead_classes", r.homesteadClasses, file);
    number(g, "targets", "homestead_max_m2_per_household", r.homesteadMaxM2PerHousehold, file, 0, 1e6);
    return r;
}

}  // namespace

PlanRules parsePlanRules(std::string_view text, const std::string& file) { return rulesFrom(parseJson(text, file), file); }

PlanRules readPlanRules(const std::string& path) { return rulesFrom(readJsonFile(path), path); }

bool isLegacySurveyCode(std::string_view code) {
    if (code.size() == 3 && code[0] == '2' && code[1] == '0' && code[2] >= '1' && code[2] <= '5') return true;  // 201-205 城镇村
    for (char ch : code)
        if (std::isalpha(static_cast<unsigned char>(ch))) return true;  // 08H1, 05H1, 1109A, 1107A...
    return false;
}

}  // namespace ruralatlas::villageplan
