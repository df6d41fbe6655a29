#include "suitability/criteria.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/error.hpp"
#include "core/json_value.hpp"
#include "core/landuse.hpp"
#include "core/schema.hpp"
#include "suitability/weights.hpp"

namespace ruralatlas::suitability {

double Criterion::score(double v) const { return std::clamp((worst - v) / (worst - best), 0.0, 1.0); }

namespace {

[[noreturn]] void bad(const std::string& file, const JsonValue& at, const std::string& key, const std::string& what) {
    throw DataError({file, "", "line " + std::to_string(at.line()), key}, what);
}

double number(const std::string& file, const JsonValue& v, const std::string& key) {
    if (v.isNumber()) {
        if (!std::isfinite(v.number())) bad(file, v, key, "must be a finite number");
        return v.number();
    }
    if (v.isString()) {  // a judgement written as a fraction: "1/3"
        const std::string& s = v.string();
        char* end = nullptr;
        const double a = std::strtod(s.c_str(), &end);
        if (end != s.c_str() && *end == '/') {
            const char* rest = end + 1;
            const double b = std::strtod(rest, &end);
            if (end != rest && *end == '\0' && b != 0 && std::isfinite(a / b)) return a / b;
        }
    }
    bad(file, v, key, "must be a number (or a fraction such as \"1/3\")");
}

Criteria fromJson(const JsonValue& root, const std::string& file) {
    Criteria c;
    c.file = file;
    if (!root.isObject()) bad(file, root, "", "a criteria file is a JSON object");
    if (const JsonValue* ex = root.find("exclude")) {
        if (const JsonValue* kinds = ex->find("constraints")) {
            if (!kinds->isArray()) bad(file, *kinds, "exclude.constraints", "must be a list of constraint kinds");
            const Enumeration* e = findEnumeration("constraint_kind");
            for (const JsonValue& k : kinds->array()) {
                const bool known =
                    k.isString() && std::any_of(e->values.begin(), e->values.end(), [&](const auto& v) { return v.code == k.string(); });
                if (!known)
                    bad(file, k, "exclude.constraints",
                        "unknown constraint kind (the model's kinds: ecological_redline, basic_farmland, urban_boundary, flood_zone, "
                        "geohazard, heritage)");
                c.excludedKinds.push_back(k.string());
            }
        }
        if (const JsonValue* v = ex->find("max_slope_deg")) c.maxSlope = number(file, *v, "exclude.max_slope_deg");
        if (const JsonValue* v = ex->find("river_buffer_m")) c.riverBuffer = number(file, *v, "exclude.river_buffer_m");
        if (const JsonValue* water = ex->find("water_landuse")) {
            if (!water->isArray()) bad(file, *water, "exclude.water_landuse", "must be a list of land-use codes (e.g. \"1701\")");
            c.waterLanduse.clear();
            for (const JsonValue& k : water->array()) {
                if (!k.isString() || !isLanduseCode(k.string()))
                    bad(file, k, "exclude.water_landuse", "not a land-use code of the 2023 classification (e.g. 1701 河流水面)");
                c.waterLanduse.push_back(k.string());
            }
        }
    }
    if (const JsonValue* v = root.find("min_score")) c.minScore = number(file, *v, "min_score");
    const JsonValue* items = root.find("criteria");
    if (!items || !items->isArray() || items->array().empty())
        bad(file, items ? *items : root, "criteria", "the file needs a list of criteria");
    for (const JsonValue& it : items->array()) {
        Criterion k;
        const auto text = [&](const char* key, bool required) {
            const JsonValue* v = it.find(key);
            if (!v) {
                if (required) bad(file, it, std::string("criteria.") + key, "missing");
                return std::string();
            }
            if (!v->isString()) bad(file, *v, std::string("criteria.") + key, "must be text");
            return v->string();
        };
        k.id = text("id", true);
        k.title = text("title", false);
        if (k.title.empty()) k.title = k.id;
        k.measure = text("measure", true);
        k.to = text("to", false);
        k.unit = text("unit", false);
        if (k.measure != "slope" && k.measure != "relief" && k.measure != "distance" && k.measure != "road_time")
            bad(file, it, "criteria." + k.id + ".measure", "\"" + k.measure + "\" is not a measure (slope, relief, distance, road_time)");
        if ((k.measure == "distance" || k.measure == "road_time") && k.to.empty())
            bad(file, it, "criteria." + k.id + ".to",
                "a distance or travel time needs \"to\": roads, township_seats, jobs or a facility kind");
        if (!k.to.empty() && k.to != "roads" && k.to != "township_seats" && k.to != "jobs") {
            const Enumeration* e = findEnumeration("facility_kind");
            if (!std::any_of(e->values.begin(), e->values.end(), [&](const auto& v) { return v.code == k.to; }))
                bad(file, it, "criteria." + k.id + ".to", "\"" + k.to + "\" is neither roads, township_seats, jobs nor a facility kind");
        }
        if (k.measure == "road_time" && k.to == "roads")
            bad(file, it, "criteria." + k.id + ".to", "the time to a road is measured as a distance");
        const JsonValue* b = it.find("best");
        const JsonValue* w = it.find("worst");
        if (!b || !w) bad(file, it, "criteria." + k.id, "needs \"best\" and \"worst\" (the values scoring 1 and 0)");
        k.best = number(file, *b, "criteria." + k.id + ".best");
        k.worst = number(file, *w, "criteria." + k.id + ".worst");
        if (k.best == k.worst) bad(file, *w, "criteria." + k.id + ".worst", "must differ from best");
        if (const JsonValue* r = it.find("radius_m")) k.radius = number(file, *r, "criteria." + k.id + ".radius_m");
        for (const Criterion& other : c.items)
            if (other.id == k.id) bad(file, it, "criteria." + k.id, "the id is used twice");
        c.items.push_back(k);
    }
    std::vector<std::string> titles;
    for (const Criterion& k : c.items) titles.push_back(k.title);
    const JsonValue* weights = root.find("weights");
    if (!weights) {
        c.weights.assign(c.items.size(), 1.0 / double(c.items.size()));
        return c;
    }
    const JsonValue* method = weights->find("method");
    c.weightMethod = method && method->isString() ? method->string() : "";
    if (c.weightMethod == "direct") {
        const JsonValue* values = weights->find("values");
        if (!values || !values->isObject()) bad(file, *weights, "weights.values", "direct weights are an object of criterion id to weight");
        c.weights.assign(c.items.size(), -1);
        for (const auto& member : values->members()) {
            const std::string& id = member.first;  // (not a structured binding: clang 14 cannot capture one)
            const JsonValue& v = member.second;
            const auto at = std::find_if(c.items.begin(), c.items.end(), [&](const Criterion& k) { return k.id == id; });
            if (at == c.items.end()) bad(file, v, "weights.values." + id, "no criterion has this id");
            const double x = number(file, v, "weights.values." + id);
            if (x < 0) bad(file, v, "weights.values." + id, "a weight cannot be negative");
            c.weights[std::size_t(at - c.items.begin())] = x;
        }
        double sum = 0;
        for (std::size_t i = 0; i < c.weights.size(); ++i) {
            if (c.weights[i] < 0) bad(file, *values, "weights.values." + c.items[i].id, "missing: every criterion needs a weight");
            sum += c.weights[i];
        }
        if (sum <= 0) bad(file, *values, "weights.values", "the weights sum to 0");
        for (double& x : c.weights) x /= sum;
    } else if (c.weightMethod == "ahp") {
        const JsonValue* m = weights->find("matrix");
        if (!m || !m->isArray()) bad(file, *weights, "weights.matrix", "an AHP matrix is a list of rows");
        for (const JsonValue& row : m->array()) {
            if (!row.isArray()) bad(file, row, "weights.matrix", "each row is a list of judgements");
            std::vector<double> r;
            for (const JsonValue& x : row.array()) r.push_back(number(file, x, "weights.matrix"));
            c.ahp.push_back(std::move(r));
        }
        if (c.ahp.size() != c.items.size())
            bad(file, *m, "weights.matrix",
                "the matrix has " + std::to_string(c.ahp.size()) + " rows for " + std::to_string(c.items.size()) +
                    " criteria (one row and column per criterion, in order)");
        const AhpResult r = ahpWeights(c.ahp, titles, file);
        requireConsistent(r, titles, file);
        c.weights = r.weights;
        c.cr = r.cr;
    } else if (c.weightMethod != "entropy") {
        bad(file, method ? *method : *weights, "weights.method", "the method is direct, ahp or entropy");
    }
    return c;
}

}  // namespace

Criteria parseCriteria(std::string_view text, const std::string& file) { return fromJson(parseJson(text, file), file); }

Criteria readCriteria(const std::string& path) { return fromJson(readJsonFile(path), path); }

}  // namespace ruralatlas::suitability
