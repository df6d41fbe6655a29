// The `site` analysis (选址优化): which candidate sites to open for the villages' demand —
// p-median, maximal covering, set covering or p-center, with fixed (existing) sites and
// optional capacities — on a sparse cost matrix from the shared travel-cost engine (straight
// line or road network, within a cut-off). Every run reports the objective, a proven bound and
// the gap, and says "optimal" only when proven. `--orlib FILE` solves an OR-Library p-median
// instance directly, with no project.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "analysis/analysis.hpp"
#include "analysis/coverage.hpp"
#include "analysis/road_network.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/spatial_index.hpp"
#include "location/cbc_models.hpp"
#include "location/orlib.hpp"
#include "location/pmedian.hpp"

namespace ruralatlas::relocation {

using namespace analysis;
using location::Problem;
using location::ProblemKind;
using location::Solution;

namespace {

struct Demand {
    std::string code, name;
    double weight = 0;
    XY at;
};

struct Candidate {
    std::string id, name;
    XY at;
    double capacity = -1;
    bool fixed = false;
};

ProblemKind kindOf(const std::string& s) {
    if (s == "max-cover") return ProblemKind::MaxCover;
    if (s == "set-cover") return ProblemKind::SetCover;
    if (s == "p-center") return ProblemKind::PCenter;
    return ProblemKind::PMedian;
}

const char* kindTitle(ProblemKind k) {
    switch (k) {
        case ProblemKind::PMedian:
            return "p-中位（总出行最小）";
        case ProblemKind::MaxCover:
            return "最大覆盖";
        case ProblemKind::SetCover:
            return "集合覆盖（设点最少）";
        case ProblemKind::PCenter:
            return "p-中心（最远出行最小）";
    }
    return "";
}

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

std::string number(double v) {
    if (!std::isfinite(v)) return "null";
    if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    return fmt(v, 3);
}

// The figures every run prints (--json), the same for projects and OR-Library files.
std::string solutionJson(const Problem& pr, const Solution& s, const std::string& extra) {
    return "{\"problem\": " + jsonQuote(location::kindName(pr.kind)) + ", \"p\": " + std::to_string(pr.p) +
           ", \"demands\": " + std::to_string(pr.demands()) + ", \"candidates\": " + std::to_string(pr.sites) +
           ", \"arcs\": " + std::to_string(pr.arcCount()) + ", \"fixed\": " + std::to_string(pr.fixed.size()) +
           ", \"objective\": " + number(s.objective) + (pr.kind == ProblemKind::MaxCover ? ", \"upper_bound\": " : ", \"lower_bound\": ") +
           number(s.bound) + ", \"bound\": " + number(s.bound) + ", \"gap\": " + number(s.gap()) +
           ", \"optimal\": " + (s.optimal ? "true" : "false") + ", \"seconds\": " + fmt(s.seconds, 3) +
           ", \"method\": " + jsonQuote(s.method) + ", \"open\": " + std::to_string(s.open.size()) +
           ", \"served_weight\": " + number(s.servedWeight) + ", \"unserved_weight\": " + number(s.unservedWeight) + extra + "}";
}

std::string solutionText(const Problem& pr, const Solution& s) {
    std::string t = std::string("选址优化（") + kindTitle(pr.kind) + "）：" + std::to_string(pr.demands()) + " 个需求点，" +
                    std::to_string(pr.sites) + " 个候选点，选 " + std::to_string(s.open.size()) + " 个（其中固定 " +
                    std::to_string(pr.fixed.size()) + " 个）\n";
    t += "目标值 " + number(s.objective) + (pr.kind == ProblemKind::MaxCover ? "，上界 " : "，下界 ") + number(s.bound) + "，差距 " +
         fmt(100 * s.gap(), 2) + "%，" + (s.optimal ? "已证明最优" : "未证明最优") + "（" + s.method + "，" + fmt(s.seconds, 2) + " 秒）\n";
    if (s.unservedWeight > 0) t += "截止范围内无法服务的需求：" + number(s.unservedWeight) + "\n";
    return t;
}

Solution solve(const Problem& pr, const std::string& engine, double seconds) {
    if (pr.kind == ProblemKind::PMedian && !pr.capacitated() && engine != "cbc") {
        location::PMedianOptions o;
        o.timeLimitSeconds = seconds;
        return location::solvePMedian(pr, o);
    }
    location::CbcOptions o;
    o.timeLimitSeconds = seconds;
    return location::solveWithCbc(pr, o);
}

class SiteAnalysis final : public Analysis {
public:
    SiteAnalysis() {
        m_spec = {
            "site",
            "安置点选址优化",
            "Which sites to build: p-median, maximal covering, set covering, p-center (with fixed and capacitated sites)",
            {
                {"problem",
                 ParamType::Choice,
                 "问题类型",
                 "Problem",
                 std::string("p-median"),
                 {},
                 {},
                 {"p-median", "max-cover", "set-cover", "p-center"}},
                {"p", ParamType::Integer, "选址数量（含固定点）", "Sites to open, fixed ones included", std::nullopt, 1.0, 1e6},
                {"candidates", ParamType::Text, "候选点图层", "Layer of candidate sites (points or polygons)",
                 std::string("resettlement_sites")},
                {"fixed", ParamType::Text, "固定保留的候选点编号（逗号分隔）", "Candidate ids kept open (comma-separated)"},
                {"exclude", ParamType::Text, "排除的候选点编号（逗号分隔）", "Candidate ids left out (comma-separated)"},
                {"demand", ParamType::Text, "需求字段（村图层）", "Demand: a numeric field of villages", std::string("population")},
                {"mode",
                 ParamType::Choice,
                 "出行方式",
                 "Travel: straight line or road network",
                 std::string("road"),
                 {},
                 {},
                 {"straight", "road"}},
                {"cutoff", ParamType::Real, "成本截止（分钟，直线为米）", "Cost cut-off (minutes; metres for straight)", std::nullopt, 0.0,
                 1e9},
                {"radius", ParamType::Real, "覆盖半径（分钟，直线为米）", "Covering radius (minutes; metres for straight)", std::nullopt,
                 0.0, 1e9},
                {"capacity-field", ParamType::Text, "候选点容量字段", "Candidates' capacity field (e.g. capacity_people)"},
                {"split", ParamType::Flag, "需求可拆分到多个点", "A village's demand may be split between sites"},
                {"engine",
                 ParamType::Choice,
                 "求解器",
                 "Solver for uncapacitated p-median (own engine or CBC)",
                 std::string("own"),
                 {},
                 {},
                 {"own", "cbc"}},
                {"time-limit", ParamType::Real, "求解时限（秒）", "Solver time limit (s)", std::string("60"), 0.1, 86400.0},
                {"orlib", ParamType::Text, "OR-Library 实例文件（不需项目）", "Solve an OR-Library p-median file (no project)"},
                {"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, false},
            },
            {{"site_chosen", "选中的站点", "Chosen sites"}, {"site_allocation", "村到站点分配", "Village-to-site allocation"}}};
        m_spec.standaloneWith = "orlib";
    }
    const AnalysisSpec& spec() const override { return m_spec; }

    AnalysisResult runStandalone(const ParamValues& p, Feedback& feedback) const override {
        feedback.setProgress(0.05, "读取 OR-Library 实例");
        location::OrLibInstance in;
        try {
            in = location::readOrLib(p.text("orlib"));
        } catch (const std::runtime_error& e) {
            throw DataError({p.text("orlib")}, e.what());
        }
        Problem& pr = in.problem;
        if (p.has("p")) pr.p = static_cast<int>(p.integer("p"));
        feedback.setProgress(0.2, "求解");
        const Solution s = solve(pr, p.text("engine"), p.real("time-limit"));
        AnalysisResult r;
        std::string extra = ", \"file\": " + jsonQuote(p.text("orlib")) + ", \"edges_declared\": " + std::to_string(in.edgesDeclared) +
                            ", \"edges_read\": " + std::to_string(in.edgesRead);
        std::string openList;
        for (std::uint32_t f : s.open) openList += (openList.empty() ? "" : ", ") + std::to_string(f + 1);
        extra += ", \"sites\": [" + openList + "]";
        r.summaryJson = solutionJson(pr, s, extra);
        r.summaryText = solutionText(pr, s) + "选中顶点：" + openList + "\n";
        if (in.edgesRead < in.edgesDeclared)
            r.summaryText += "注意：文件首行声明 " + std::to_string(in.edgesDeclared) + " 条边，实际只有 " + std::to_string(in.edgesRead) +
                             " 条（文件不完整），结果对应读到的图 / the file holds fewer edges than it declares\n";
        return r;
    }

    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// A number, strictly: text must be a whole decimal number ("800", "1.5e3"), not "约800".
std::optional<double> strictNumber(const ResultValue& v) {
    if (const auto* t = std::get_if<std::string>(&v)) {
        const char* b = t->c_str();
        char* end = nullptr;
        const double x = std::strtod(b, &end);
        if (t->empty() || end == b || *end != '\0' || !std::isfinite(x)) return std::nullopt;
        return x;
    }
    return valueAsReal(v);
}

// Where a feature stands: its point, or a point on a polygon's surface.
std::optional<XY> locationOf(const FeatureGeometry& g) {
    if (g.kind == ShapeKind::Point && g.xy.size() >= 2) return XY{g.xy[0], g.xy[1]};
    if (g.kind == ShapeKind::Polygon && g.hasAnchor) return g.anchor;
    return std::nullopt;
}

std::vector<Demand> readDemand(ProjectSource& project, const std::string& field, long long& noPoint, long long& noValue) {
    const std::optional<LayerInfo> info = project.layerInfo("villages");
    if (!info) throw DataError({project.name(), "villages"}, "the project has no villages layer: there is no demand");
    const int fi = info->fieldIndex(field);
    if (fi < 0)
        throw DataError({project.name(), "villages", "", field}, "no such field in the villages layer (--demand names a numeric field)");
    const FieldKind kind = info->fields[static_cast<std::size_t>(fi)].kind;
    if (kind != FieldKind::Integer && kind != FieldKind::Real)
        throw DataError({project.name(), "villages", "", field}, "the demand field is not numeric");
    std::vector<Demand> out;
    FeatureQuery q;
    q.fields = {"code", "name", field};
    q.anchors = true;
    project.readFeatures("villages", q, [&](const Feature& f) {
        const std::optional<double> w = valueAsReal(f.values[2]);
        const std::optional<XY> at = locationOf(f.geometry);
        if (!at) {
            ++noPoint;
            return;
        }
        if (!w) {
            ++noValue;
            return;
        }
        if (*w < 0) throw DataError({project.name(), "villages", valueAsText(f.values[0]), field}, "a negative demand");
        out.push_back({valueAsText(f.values[0]), valueAsText(f.values[1]), *w, *at});
    });
    return out;
}

std::vector<Candidate> readCandidates(ProjectSource& project, const std::string& layer, const std::string& capacityField,
                                      const std::vector<std::string>& fixedIds, const std::vector<std::string>& excludedIds) {
    const std::optional<LayerInfo> info = project.layerInfo(layer);
    if (!info) throw DataError({project.name(), layer}, "no such layer in the project (--candidates)");
    std::vector<std::string> fields;
    const bool hasId = info->fieldIndex("id") >= 0, hasName = info->fieldIndex("name") >= 0;
    if (hasId) fields.push_back("id");
    if (hasName) fields.push_back("name");
    if (!capacityField.empty()) {
        const int ci = info->fieldIndex(capacityField);
        if (ci < 0) throw DataError({project.name(), layer, "", capacityField}, "no such field in the candidates layer (--capacity-field)");
        fields.push_back(capacityField);
    }
    std::vector<Candidate> out;
    FeatureQuery q;
    q.fields = fields;
    q.anchors = true;
    project.readFeatures(layer, q, [&](const Feature& f) {
        Candidate c;
        std::size_t k = 0;
        c.id = hasId ? valueAsText(f.values[k++]) : std::to_string(f.fid);
        if (c.id.empty()) c.id = std::to_string(f.fid);
        c.name = hasName ? valueAsText(f.values[k++]) : "";
        if (!capacityField.empty()) {
            const std::optional<double> cap = strictNumber(f.values[k]);
            if (!cap || *cap < 0)
                throw DataError({project.name(), layer, c.id, capacityField}, "the capacity is missing or not a non-negative number");
            c.capacity = *cap;
        }
        const std::optional<XY> at = locationOf(f.geometry);
        if (!at) return;  // no location: cannot be a site
        c.at = *at;
        out.push_back(std::move(c));
    });
    std::set<std::string> ids;
    for (const Candidate& c : out) ids.insert(c.id);
    for (const std::string& id : fixedIds)
        if (!ids.count(id))
            throw DataError({project.name(), layer, id, "id"}, "a fixed site (--fixed) is not among the candidates with a location");
    const std::set<std::string> excluded(excludedIds.begin(), excludedIds.end());
    for (const std::string& id : excludedIds) {
        if (!ids.count(id))
            throw DataError({project.name(), layer, id, "id"}, "an excluded site (--exclude) is not among the candidates with a location");
        if (std::find(fixedIds.begin(), fixedIds.end(), id) != fixedIds.end())
            throw UsageError("--fixed and --exclude both name " + id + ": a site is either kept or left out");
    }
    std::erase_if(out, [&](const Candidate& c) { return excluded.count(c.id) > 0; });
    for (Candidate& c : out) c.fixed = std::find(fixedIds.begin(), fixedIds.end(), c.id) != fixedIds.end();
    return out;
}

// Long on purpose: read, cost, solve and tabulate read best as one sequence.
AnalysisResult SiteAnalysis::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    if (p.has("orlib")) return runStandalone(p, feedback);
    const ProblemKind kind = kindOf(p.text("problem"));
    if (kind != ProblemKind::SetCover && !p.has("p")) throw UsageError("--p is required for " + p.text("problem"));
    const std::string mode = p.text("mode");
    const bool road = mode == "road";
    const double cutoff = p.optionalReal("cutoff").value_or(road ? 60.0 : 20000.0);
    const double radius = p.optionalReal("radius").value_or(road ? 30.0 : 5000.0);
    const std::string unit = road ? "分钟" : "米";

    feedback.setProgress(0.02, "读取村庄需求");
    long long noPoint = 0, noValue = 0;
    const std::vector<Demand> demand = readDemand(project, p.text("demand"), noPoint, noValue);
    double totalWeight = 0;
    for (const Demand& d : demand) totalWeight += d.weight;
    if (demand.empty() || totalWeight <= 0)
        throw DataError({project.name(), "villages", "", p.text("demand")},
                        "no village has a located, positive demand in this field: there is nothing to serve");
    const std::vector<Candidate> cands =
        readCandidates(project, p.text("candidates"), p.text("capacity-field"), splitList(p.text("fixed")), splitList(p.text("exclude")));
    if (cands.empty()) throw DataError({project.name(), p.text("candidates")}, "no candidate site has a location (or all are excluded)");

    // The sparse cost matrix: every (village, site) pair within the cut-off.
    feedback.setProgress(0.1, "计算出行成本");
    std::vector<std::vector<location::Arc>> arcs(demand.size());
    if (road) {
        CoverageContext context(project);
        const RoadNetwork& net = context.network(NetworkOptions{}, feedback);
        std::vector<XY> targets;
        for (const Demand& d : demand) targets.push_back(d.at);
        std::vector<XY> sites;
        for (const Candidate& c : cands) sites.push_back(c.at);
        Feedback costs([&feedback](double f, const std::string& s) {
            feedback.checkCancelled();
            feedback.setProgress(0.1 + 0.3 * f, s);
        });
        const auto rows = net.withinFromEach(sites, targets, cutoff, &costs);
        for (std::size_t j = 0; j < cands.size(); ++j)
            for (const auto& [i, minutes] : rows[j]) arcs[i].push_back({static_cast<std::uint32_t>(j), minutes});
    } else {
        std::vector<Bounds> boxes;
        for (const Demand& d : demand) boxes.push_back({d.at.x, d.at.y, d.at.x, d.at.y});
        const BoxIndex index(boxes);
        std::vector<std::uint32_t> hits;
        for (std::size_t j = 0; j < cands.size(); ++j) {
            const XY c = cands[j].at;
            index.query({c.x - cutoff, c.y - cutoff, c.x + cutoff, c.y + cutoff}, hits);
            for (std::uint32_t i : hits) {
                const double dist = std::hypot(demand[i].at.x - c.x, demand[i].at.y - c.y);
                if (dist <= cutoff) arcs[i].push_back({static_cast<std::uint32_t>(j), dist});
            }
        }
    }
    Problem pr;
    pr.kind = kind;
    pr.sites = cands.size();
    for (std::size_t i = 0; i < demand.size(); ++i) {
        pr.weight.push_back(demand[i].weight);
        std::sort(arcs[i].begin(), arcs[i].end(),
                  [](const location::Arc& a, const location::Arc& b) { return a.cost < b.cost || (a.cost == b.cost && a.site < b.site); });
    }
    pr.arcs = std::move(arcs);
    // p-center and an uncapacitated cover of every village need every village reached: say which is not.
    if (kind == ProblemKind::PCenter)
        for (std::size_t i = 0; i < demand.size(); ++i)
            if (pr.arcs[i].empty())
                throw DataError({project.name(), "villages", demand[i].code, ""},
                                demand[i].name + ": no candidate site within the cut-off (" + fmt(cutoff, 0) + " " + unit +
                                    (road ? ", by road" : "") +
                                    "); p-center needs every village reached (raise --cutoff, or check the village's road access)");
    pr.p = kind == ProblemKind::SetCover ? 0 : static_cast<int>(p.integer("p"));
    for (std::size_t j = 0; j < cands.size(); ++j)
        if (cands[j].fixed) pr.fixed.push_back(static_cast<std::uint32_t>(j));
    pr.radius = radius;
    // A village no open site reaches within the cut-off counts as served at the cut-off: the
    // least it would cost (said in the summary).
    pr.unservedCost = cutoff;
    if (!p.text("capacity-field").empty()) {
        for (const Candidate& c : cands) pr.capacity.push_back(c.capacity);
        pr.split = p.flag("split");
    }
    try {
        pr.check();
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()));
    }
    feedback.setProgress(0.5, "求解");
    Solution s;
    try {
        s = solve(pr, p.text("engine"), p.real("time-limit"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()));
    }
    feedback.setProgress(0.95, "输出");

    // Per chosen site: the demand it serves, its villages and their costs.
    struct SiteRow {
        double served = 0, costSum = 0, maxCost = 0;
        long long villages = 0;
    };
    std::map<std::uint32_t, SiteRow> perSite;
    for (std::uint32_t f : s.open) perSite[f];
    ResultTableBuilder alloc("site_allocation", "村到站点分配", ResultGeometry::LineString,
                             {{"village_code", ResultFieldType::Text, "村代码"},
                              {"village_name", ResultFieldType::Text, "村名"},
                              {"site_id", ResultFieldType::Text, "站点编号"},
                              {"site_name", ResultFieldType::Text, "站点名称"},
                              {"cost", ResultFieldType::Real, road ? "出行时间（分钟）" : "距离（米）"},
                              {"demand", ResultFieldType::Real, "需求"},
                              {"share", ResultFieldType::Real, "分配比例"}});
    for (std::size_t i = 0; i < demand.size(); ++i)
        for (const auto& [site, share] : s.assign[i]) {
            double c = 0;
            for (const location::Arc& a : pr.arcs[i])
                if (a.site == site) {
                    c = a.cost;
                    break;
                }
            SiteRow& row = perSite[site];
            row.served += share * demand[i].weight;
            row.costSum += share * demand[i].weight * c;
            row.maxCost = std::max(row.maxCost, c);
            ++row.villages;
            alloc.add({demand[i].code, demand[i].name, cands[site].id, cands[site].name, c, demand[i].weight, share},
                      {demand[i].at, cands[site].at});
        }
    ResultTableBuilder chosen("site_chosen", "选中的站点", ResultGeometry::Point,
                              {{"site_id", ResultFieldType::Text, "站点编号"},
                               {"site_name", ResultFieldType::Text, "站点名称"},
                               {"fixed", ResultFieldType::Integer, "固定保留"},
                               {"villages", ResultFieldType::Integer, "服务村数"},
                               {"demand_served", ResultFieldType::Real, "服务需求"},
                               {"mean_cost", ResultFieldType::Real, road ? "平均出行时间（分钟）" : "平均距离（米）"},
                               {"max_cost", ResultFieldType::Real, road ? "最远出行时间（分钟）" : "最远距离（米）"},
                               {"capacity", ResultFieldType::Real, "容量"}});
    for (const auto& [site, row] : perSite) {
        const Candidate& c = cands[site];
        chosen.add({c.id, c.name, static_cast<long long>(c.fixed ? 1 : 0), row.villages, row.served,
                    row.served > 0 ? ResultValue(row.costSum / row.served) : ResultValue(), row.maxCost,
                    c.capacity >= 0 ? ResultValue(c.capacity) : ResultValue()},
                   {c.at});
    }
    AnalysisResult r;
    r.tables.push_back(std::move(chosen).build());
    r.tables.push_back(std::move(alloc).build());
    r.tables[0].style = r.tables[1].style = "relocation/site.json";
    std::string sitesJson;
    for (std::uint32_t f : s.open) sitesJson += (sitesJson.empty() ? "" : ", ") + jsonQuote(cands[f].id);
    const std::string extra =
        ", \"mode\": " + jsonQuote(mode) + ", \"cutoff\": " + number(cutoff) +
        (kind == ProblemKind::MaxCover || kind == ProblemKind::SetCover ? ", \"radius\": " + number(radius) : "") +
        ", \"demand_field\": " + jsonQuote(p.text("demand")) + ", \"total_weight\": " + number(totalWeight) +
        ", \"villages_without_point\": " + std::to_string(noPoint) + ", \"villages_without_demand\": " + std::to_string(noValue) +
        ", \"capacitated\": " + (pr.capacitated() ? (pr.split ? "\"split\"" : "\"whole\"") : "false") + ", \"sites\": [" + sitesJson + "]";
    r.summaryJson = solutionJson(pr, s, extra);
    r.summaryText = solutionText(pr, s);
    for (std::uint32_t f : s.open) {
        const SiteRow& row = perSite[f];
        r.summaryText += "  " + cands[f].id + " " + cands[f].name + (cands[f].fixed ? "（固定）" : "") + "：服务 " +
                         std::to_string(row.villages) + " 个村，需求 " + number(row.served) + "，平均 " +
                         fmt(row.served > 0 ? row.costSum / row.served : 0, 1) + " " + unit + "\n";
    }
    if (kind == ProblemKind::PMedian) r.summaryText += "（截止 " + fmt(cutoff, 0) + " " + unit + " 内无站点的村按截止值计成本）\n";
    if (noPoint || noValue)
        r.summaryText += "缺少数据：" + std::to_string(noPoint) + " 个村无位置、" + std::to_string(noValue) + " 个村无需求值，未计入\n";
    return r;
}

}  // namespace

std::unique_ptr<Analysis> makeSiteAnalysis() { return std::make_unique<SiteAnalysis>(); }

}  // namespace ruralatlas::relocation
