// The `site-audit` analysis (安置点用地适宜性核查): every existing resettlement site scored against
// the suitability criteria (data/site_criteria.json or --criteria FILE) and flagged when it lies
// on excluded land (ecological red line, permanent basic farmland, flood or geohazard zone,
// slope above the limit, a river) or scores low, with the reason in Chinese. Weights are given
// directly, by an AHP matrix (consistency checked) or by entropy over the sites audited.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "analysis/analysis.hpp"
#include "analysis/coverage.hpp"
#include "analysis/road_network.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/install_paths.hpp"
#include "core/json.hpp"
#include "core/json_value.hpp"
#include "core/record_readers.hpp"
#include "core/schema.hpp"
#include "site_terrain.hpp"
#include "suitability/weights.hpp"

namespace ruralatlas::relocation {

using namespace analysis;

namespace {

struct Criterion {
    std::string id, title, measure, to, unit;
    double best = 0, worst = 1, radius = 1000;
    // Scored linearly: 1 at `best` or better, 0 at `worst` or worse.
    double score(double v) const { return std::clamp((worst - v) / (worst - best), 0.0, 1.0); }
};

struct Criteria {
    std::string file;
    std::vector<std::string> excludedKinds;
    double maxSlope = 25, riverBuffer = 50, minScore = 0.5;
    std::vector<Criterion> items;
    std::string weightMethod = "direct";
    std::vector<double> weights;           // direct or AHP, in item order
    std::vector<std::vector<double>> ahp;  // the matrix, when AHP
    double cr = 0;                         // its consistency ratio
};

[[noreturn]] void bad(const std::string& file, const JsonValue& at, const std::string& key, const std::string& what) {
    throw DataError({file, "", "line " + std::to_string(at.line()), key}, what);
}

double number(const std::string& file, const JsonValue& v, const std::string& key) {
    if (v.isNumber()) return v.number();
    if (v.isString()) {  // a judgement written as a fraction: "1/3"
        const std::string& s = v.string();
        char* end = nullptr;
        const double a = std::strtod(s.c_str(), &end);
        if (end != s.c_str() && *end == '/') {
            const char* rest = end + 1;
            const double b = std::strtod(rest, &end);
            if (end != rest && *end == '\0' && b != 0) return a / b;
        }
    }
    bad(file, v, key, "must be a number (or a fraction such as \"1/3\")");
}

Criteria readCriteria(const std::string& file) {
    const JsonValue root = readJsonFile(file);
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
        for (const auto& [id, v] : values->members()) {
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
        const suitability::AhpResult r = suitability::ahpWeights(c.ahp, titles, file);
        suitability::requireConsistent(r, titles, file);
        c.weights = r.weights;
        c.cr = r.cr;
    } else if (c.weightMethod != "entropy") {
        bad(file, method ? *method : *weights, "weights.method", "the method is direct, ahp or entropy");
    }
    return c;
}

// A point of each township seat: villages classed 111 (主城区), 121 (镇中心区) or 210 (乡中心区).
std::vector<XY> townshipSeats(ProjectSource& project) {
    std::vector<XY> out;
    const auto info = project.layerInfo("villages");
    if (!info || info->fieldIndex("class_code") < 0) return out;
    FeatureQuery q;
    q.fields = {"class_code"};
    project.readFeatures("villages", q, [&](const Feature& f) {
        const std::string cls = valueAsText(f.values[0]);
        if ((cls == "111" || cls == "121" || cls == "210") && f.geometry.kind == ShapeKind::Point && f.geometry.xy.size() >= 2)
            out.push_back({f.geometry.xy[0], f.geometry.xy[1]});
    });
    return out;
}

class SiteAudit final : public Analysis {
public:
    SiteAudit() {
        m_spec = {
            "site-audit",
            "安置点用地适宜性核查",
            "Resettlement-site audit: each existing site scored against the suitability criteria and flagged on excluded land",
            {{"criteria", ParamType::Text, "适宜性准则文件（JSON；默认 data/site_criteria.json）",
              "Criteria file (JSON; default data/site_criteria.json)"},
             {"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, false}},
            {{"site_audit", "安置点用地适宜性核查", "Resettlement-site audit"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: read, measure every criterion at every site, weigh, judge and tabulate.
AnalysisResult SiteAudit::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    const std::string criteriaFile = p.has("criteria") ? p.text("criteria") : shippedDir("data") + "/site_criteria.json";
    Criteria c = readCriteria(criteriaFile);
    feedback.setProgress(0.05, "读取安置点");
    if (!project.layerInfo("resettlement_sites"))
        throw DataError({project.name(), "resettlement_sites"}, "the project has no resettlement_sites layer: nothing to audit");
    const std::vector<ResettlementSite> sites = readResettlementSites(project);
    std::vector<XY> at;
    std::vector<std::size_t> located;
    for (std::size_t i = 0; i < sites.size(); ++i)
        if (sites[i].hasPoint) {
            at.push_back(sites[i].at);
            located.push_back(i);
        }
    const std::vector<Constraint> constraints = project.layerInfo("constraints") ? readConstraints(project) : std::vector<Constraint>{};
    const std::optional<Raster> dem = project.dem();
    std::vector<std::vector<XY>> roadLines;
    for (Road& r : project.roads()) roadLines.push_back(std::move(r.line));
    const std::vector<std::vector<XY>> rivers = project.rivers();

    // Each criterion measured at each located site; NaN where it cannot be (said once why).
    const std::size_t n = c.items.size(), m = at.size();
    std::vector<std::vector<double>> value(n, std::vector<double>(m, NAN));
    std::vector<std::string> missing(n);  // why a criterion could not be judged at all
    CoverageContext context(project);
    for (std::size_t k = 0; k < n; ++k) {
        feedback.checkCancelled();
        feedback.setProgress(0.1 + 0.7 * double(k) / double(n), c.items[k].title);
        const Criterion& q = c.items[k];
        if (q.measure == "slope" || q.measure == "relief") {
            if (!dem) {
                missing[k] = "项目中没有数字高程模型（DEM）";
                continue;
            }
            for (std::size_t i = 0; i < m; ++i) value[k][i] = q.measure == "slope" ? slopeAt(*dem, at[i]) : reliefAt(*dem, at[i], q.radius);
            continue;
        }
        std::vector<XY> targets;
        std::string what;
        if (q.to == "roads") {
            what = "道路";
        } else if (q.to == "township_seats") {
            targets = townshipSeats(project);
            what = "乡镇驻地（城乡分类代码111、121、210的村）";
        } else if (q.to == "jobs") {
            if (project.layerInfo("industry_projects"))
                for (const IndustryProject& pr : readIndustryProjects(project))
                    if (pr.hasPoint && pr.jobs > 0 && pr.status != "planned") targets.push_back(pr.at);
            what = "有就业岗位的产业项目";
        } else {
            for (const Facility& f : project.facilities(q.to, {"existing"})) targets.push_back(f.at);
            for (const auto& v : findEnumeration("facility_kind")->values)
                if (v.code == q.to) what = std::string(v.titleZh);
        }
        if (q.to == "roads" ? roadLines.empty() : targets.empty()) {
            missing[k] = "项目中没有" + what;
            continue;
        }
        if (q.measure == "distance") {
            for (std::size_t i = 0; i < m; ++i) {
                if (q.to == "roads") {
                    value[k][i] = distanceToLines(roadLines, at[i]);
                } else {
                    double best = INFINITY;
                    for (const XY& t : targets) best = std::min(best, std::hypot(t.x - at[i].x, t.y - at[i].y));
                    value[k][i] = best;
                }
            }
        } else {
            if (roadLines.empty()) {
                missing[k] = "项目中没有道路，无法计算车程";
                continue;
            }
            const RoadNetwork& net = context.network(NetworkOptions{}, feedback);
            const std::vector<Route> routes = net.nearest(targets, at, feedback);
            for (std::size_t i = 0; i < m; ++i) value[k][i] = routes[i].reachable() ? routes[i].minutes : INFINITY;
        }
    }

    // Scores, and the weights over the criteria that could be judged.
    std::vector<std::vector<double>> score(n, std::vector<double>(m, NAN));
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t i = 0; i < m; ++i)
            if (!std::isnan(value[k][i])) score[k][i] = c.items[k].score(value[k][i]);
    std::vector<double> w(n, 0);
    if (c.weightMethod == "entropy") {
        std::vector<std::vector<double>> judged;
        std::vector<std::string> titles;
        std::vector<std::size_t> which;
        for (std::size_t k = 0; k < n; ++k) {
            if (!missing[k].empty()) continue;
            std::vector<double> col;
            for (double s : score[k]) col.push_back(std::isnan(s) ? 0.0 : s);
            judged.push_back(std::move(col));
            titles.push_back(c.items[k].title);
            which.push_back(k);
        }
        if (judged.empty()) throw DataError({project.name()}, "no criterion can be judged with the project's data: nothing to weigh");
        const std::vector<double> e = suitability::entropyWeights(judged, titles, c.file);
        for (std::size_t j = 0; j < which.size(); ++j) w[which[j]] = e[j];
    } else {
        double sum = 0;
        for (std::size_t k = 0; k < n; ++k)
            if (missing[k].empty()) sum += c.weights[k];
        for (std::size_t k = 0; k < n; ++k) w[k] = missing[k].empty() && sum > 0 ? c.weights[k] / sum : 0;
    }

    // Per site: exclusions with reasons, the weighted score, the verdict.
    feedback.setProgress(0.85, "核查");
    std::vector<ResultColumn> cols = {
        {"site_id", ResultFieldType::Text, "安置点编号"},       {"site_name", ResultFieldType::Text, "安置点"},
        {"verdict", ResultFieldType::Text, "核查结论"},         {"verdict_code", ResultFieldType::Text, "结论代码"},
        {"excluded_by", ResultFieldType::Text, "禁止建设原因"}, {"score", ResultFieldType::Real, "综合评分（0-1）"}};
    for (const Criterion& q : c.items) {
        cols.push_back({"value_" + q.id, ResultFieldType::Real, q.title + (q.unit.empty() ? "" : "（" + q.unit + "）")});
        cols.push_back({"score_" + q.id, ResultFieldType::Real, q.title + "得分"});
    }
    cols.push_back({"sentence", ResultFieldType::Text, "说明"});
    ResultTableBuilder table("site_audit", "安置点用地适宜性核查", ResultGeometry::Point, cols);
    std::map<std::string, int> tally;
    std::vector<std::string> flagged;
    std::size_t j = 0;  // index among the located sites
    for (std::size_t s = 0; s < sites.size(); ++s) {
        const ResettlementSite& site = sites[s];
        std::vector<ResultValue> row = {site.id, site.name};
        const std::string name = site.name.empty() ? site.id : site.name;
        if (!site.hasPoint) {
            row.insert(row.end(), {std::string("无位置，未核查"), std::string("unlocated"), ResultValue(), ResultValue()});
            for (std::size_t k = 0; k < n; ++k) row.insert(row.end(), {ResultValue(), ResultValue()});
            row.push_back(name + "：安置点无位置，未核查。");
            ++tally["unlocated"];
            table.add(std::move(row), {});
            continue;
        }
        const std::size_t i = j++;
        std::vector<std::string> reasons;
        for (const Constraint& con : constraints)
            if (std::find(c.excludedKinds.begin(), c.excludedKinds.end(), con.kind) != c.excludedKinds.end() && inside(con.shape, at[i])) {
                std::string title;
                for (const auto& v : findEnumeration("constraint_kind")->values)
                    if (v.code == con.kind) title = std::string(v.titleZh);
                const std::string r = "位于" + title + (con.name.empty() ? "" : "（" + con.name + "）") + "内";
                if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) reasons.push_back(r);
            }
        if (dem) {
            const double sl = slopeAt(*dem, at[i]);
            if (std::isfinite(sl) && sl > c.maxSlope) reasons.push_back("坡度" + fmt(sl, 0) + "°，超过" + fmt(c.maxSlope, 0) + "°");
        }
        if (!rivers.empty() && c.riverBuffer > 0) {
            const double d = distanceToLines(rivers, at[i]);
            if (d < c.riverBuffer) reasons.push_back("距河流" + fmt(d, 0) + "米，不足" + fmt(c.riverBuffer, 0) + "米");
        }
        double total = 0, weight = 0;
        std::string parts;
        for (std::size_t k = 0; k < n; ++k) {
            if (w[k] <= 0 || std::isnan(score[k][i])) continue;
            total += w[k] * score[k][i];
            weight += w[k];
            parts += (parts.empty() ? "" : "，") + c.items[k].title + fmt(score[k][i], 2);
        }
        const bool scored = weight > 0;
        const double sc = scored ? total / weight : NAN;
        std::string verdict, code;
        if (!reasons.empty()) {
            verdict = "不宜：禁止建设区域";
            code = "excluded";
        } else if (!scored) {
            verdict = "未评价：缺少数据";
            code = "not_judged";
        } else if (sc < c.minScore) {
            verdict = "评分偏低";
            code = "low";
        } else {
            verdict = "适宜";
            code = "suitable";
        }
        ++tally[code];
        std::string reasonText;
        for (const std::string& r : reasons) reasonText += (reasonText.empty() ? "" : "；") + r;
        std::string sentence = name + "：" + verdict + (reasonText.empty() ? "" : "（" + reasonText + "）") +
                               (scored ? "；综合评分" + fmt(sc, 2) + (parts.empty() ? "" : "（" + parts + "）") : "") + "。";
        if (code == "excluded" || code == "low") flagged.push_back(sentence);
        row.insert(row.end(), {verdict, code, reasonText.empty() ? ResultValue() : ResultValue(reasonText),
                               scored ? ResultValue(std::round(sc * 1000) / 1000) : ResultValue()});
        for (std::size_t k = 0; k < n; ++k) {
            const double v = value[k][i];
            row.push_back(std::isfinite(v) ? ResultValue(std::round(v * 100) / 100) : ResultValue());
            row.push_back(std::isnan(score[k][i]) ? ResultValue() : ResultValue(std::round(score[k][i] * 1000) / 1000));
        }
        row.push_back(sentence);
        table.add(std::move(row), {at[i]});
    }

    AnalysisResult r;
    r.tables.push_back(std::move(table).build());
    r.tables[0].style = "relocation/site_audit.json";
    std::string weightsJson, missingJson;
    for (std::size_t k = 0; k < n; ++k) {
        weightsJson += (weightsJson.empty() ? "" : ", ") + jsonQuote(c.items[k].id) + ": " + fmt(w[k], 4);
        if (!missing[k].empty()) missingJson += (missingJson.empty() ? "" : ", ") + jsonQuote(c.items[k].id);
    }
    r.summaryJson = "{\"sites\": " + std::to_string(sites.size()) + ", \"excluded\": " + std::to_string(tally["excluded"]) +
                    ", \"low\": " + std::to_string(tally["low"]) + ", \"suitable\": " + std::to_string(tally["suitable"]) +
                    ", \"not_judged\": " + std::to_string(tally["not_judged"]) + ", \"unlocated\": " + std::to_string(tally["unlocated"]) +
                    ", \"weights_method\": " + jsonQuote(c.weightMethod) +
                    (c.weightMethod == "ahp" ? ", \"consistency_ratio\": " + fmt(c.cr, 4) : std::string()) + ", \"weights\": {" +
                    weightsJson + "}, \"not_judged_criteria\": [" + missingJson + "], \"min_score\": " + fmt(c.minScore, 2) + "}";
    std::string t = "安置点用地适宜性核查：" + std::to_string(sites.size()) + " 个安置点，不宜（禁止建设区域）" +
                    std::to_string(tally["excluded"]) + " 个，评分偏低（<" + fmt(c.minScore, 2) + "）" + std::to_string(tally["low"]) +
                    " 个，适宜 " + std::to_string(tally["suitable"]) + " 个";
    if (tally["not_judged"]) t += "，缺少数据未评价 " + std::to_string(tally["not_judged"]) + " 个";
    if (tally["unlocated"]) t += "，无位置 " + std::to_string(tally["unlocated"]) + " 个";
    t += "\n  权重（" +
         (c.weightMethod == "ahp"       ? "层次分析法，CR = " + fmt(c.cr, 3)
          : c.weightMethod == "entropy" ? std::string("熵权法")
                                        : std::string("直接给定")) +
         "）：";
    for (std::size_t k = 0; k < n; ++k) t += (k ? "，" : "") + c.items[k].title + " " + fmt(w[k], 3);
    t += "\n";
    for (std::size_t k = 0; k < n; ++k)
        if (!missing[k].empty()) t += "  缺少数据，未评价“" + c.items[k].title + "”：" + missing[k] + "（其余准则的权重按比例放大）\n";
    for (const std::string& f : flagged) t += "  - " + f + "\n";
    r.summaryText = t;
    return r;
}

}  // namespace

std::unique_ptr<Analysis> makeSiteAudit() { return std::make_unique<SiteAudit>(); }

}  // namespace ruralatlas::relocation
