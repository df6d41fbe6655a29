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
#include "core/landuse.hpp"
#include "core/record_readers.hpp"
#include "core/schema.hpp"
#include "site_terrain.hpp"
#include "suitability/criteria.hpp"
#include "suitability/targets.hpp"
#include "suitability/water.hpp"
#include "suitability/weights.hpp"

namespace ruralatlas::relocation {

using namespace analysis;

namespace {

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
    const suitability::Criteria c = suitability::readCriteria(criteriaFile);
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
    const std::vector<suitability::WaterParcel> water = suitability::readWater(project, c);
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
        const suitability::Criterion& q = c.items[k];
        if (q.measure == "slope" || q.measure == "relief") {
            if (!dem) {
                missing[k] = "项目中没有数字高程模型（DEM）";
                continue;
            }
            for (std::size_t i = 0; i < m; ++i) value[k][i] = q.measure == "slope" ? slopeAt(*dem, at[i]) : reliefAt(*dem, at[i], q.radius);
            continue;
        }
        const auto [targets, what] = suitability::criterionTargets(project, q.to);
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
    for (const suitability::Criterion& q : c.items) {
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
        for (const suitability::WaterParcel& wp : water)
            if (inside(wp.shape, at[i])) {
                const std::string r = "位于水域（" + std::string(landuseTitle(wp.code)) + "）内";
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
