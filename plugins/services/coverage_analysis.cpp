// The `coverage` analysis: which villages are served by a kind of facility, and how badly not.
#include <algorithm>
#include <cmath>
#include <map>
#include <thread>
#include <unordered_map>

#include "analysis/analysis.hpp"
#include "analysis/coverage.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/timing.hpp"

namespace ruralatlas::services {

using namespace analysis;

namespace {
// Populations are summed over the villages that record one; `populationUnknown` counts the
// others (an unknown population is not 0, and a coverage rate over none is not 0 %).
struct Tally {
    long long villages = 0, covered = 0, unreachable = 0, populationUnknown = 0;
    double population = 0, populationCovered = 0, demand = 0, served = 0;
    std::string rate() const {
        if (population > 0) return fmt(100.0 * populationCovered / population, 1) + "%";
        return populationUnknown > 0 ? "人口未录入" : "—";
    }
};

class CoverageAnalysis final : public Analysis {
public:
    CoverageAnalysis() {
        std::vector<std::string> kinds;
        for (const auto& v : findEnumeration("facility_kind")->values) kinds.emplace_back(v.code);
        m_spec = {
            "coverage",
            "公共服务覆盖分析",
            "Service coverage",
            {
                {"kind", ParamType::Choice, "设施类型", "Facility kind", std::nullopt, {}, {}, kinds, true},
                {"mode",
                 ParamType::Choice,
                 "计算方式（直线/道路/步行）",
                 "Mode: straight line, road network or walking time",
                 std::string("straight"),
                 {},
                 {},
                 {"straight", "road", "walk"}},
                {"threshold", ParamType::Real, "阈值（米或分钟；默认取服务标准）",
                 "Threshold in metres or minutes (default: the standards table)", std::nullopt, 0.0, 1e7},
                {"status",
                 ParamType::Choice,
                 "设施状态（已建/含规划/全部）",
                 "Facilities: existing, planned scenario, or all",
                 std::string("existing"),
                 {},
                 {},
                 {"existing", "planned", "all"}},
                {"capacity", ParamType::Flag, "按服务能力分配", "Capacity-aware coverage (AccessMod style)"},
                {"demand-ratio", ParamType::Real, "服务人口比例（默认按设施类型）",
                 "Share of population using the service (default by kind)", std::nullopt, 0.0, 1.0},
                {"walk-kmh", ParamType::Real, "步行速度（公里/小时）", "Walking speed of the legs to and from the road (km/h)",
                 std::string("5"), 0.5, 20.0},
                {"max-walk", ParamType::Real, "距道路最大步行距离（米）",
                 "Farthest walk to a road before a place counts as off the network (m)", std::string("2000"), 0.0, 1e6},
                {"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, true},
            },
            {{"coverage", "村覆盖结果", "Village coverage"}, {"coverage_links", "村到设施连线", "Village-to-facility lines"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    std::vector<std::string> outputNames(const ParamValues& p) const override {
        const std::string main = layerName(p.text("kind"), p.has("mode") ? p.text("mode") : "road");
        return {main, main + "_links"};
    }
    static std::string layerName(const std::string& kind, const std::string& mode) { return "coverage_" + kind + "_" + mode; }

    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override {
        CoverageOptions o;
        o.kind = p.text("kind");
        o.mode = p.text("mode");
        o.status = p.text("status");
        o.threshold = p.optionalReal("threshold");
        o.capacity = p.flag("capacity");
        o.demandRatio = p.optionalReal("demand-ratio");
        o.walkKmh = p.real("walk-kmh");
        o.maxWalkMetres = p.real("max-walk");
        PhaseTimer total("coverage");
        CoverageContext context(project);
        // Shared with the result tables' row functions, which the host calls after run returns.
        const auto shared = std::make_shared<const CoverageResult>(computeCoverage(context, o, feedback));
        const CoverageResult& r = *shared;
        const auto townships = project.townships();
        std::unordered_map<std::string, std::string> townshipName;
        for (const auto& t : townships) townshipName.emplace(t.code, t.name);

        // Missing data is not a finding: with no facility of the kind, or no roads for road time,
        // every village is "unreachable" only for want of data; the summary says so instead.
        std::string missing;
        if (r.facilities.empty())
            missing = "项目中没有任何" + kindTitle(r.kind) +
                      "：无法判断覆盖，请先导入（ruralatlas import PROJECT FILE --into facilities --set kind=" + r.kind + "）";
        else if (r.mode == "road")
            if (auto roads = project.layerInfo("roads"); !roads || roads->featureCount == 0)
                missing =
                    "项目中没有道路：无法计算车程，请先导入道路（例如 OpenStreetMap：ruralatlas import PROJECT extract.osm.pbf --into "
                    "roads）";

        AnalysisResult res;
        res.tables = tables(shared, missing.empty());
        std::optional<PhaseTimer> phase("tallies");
        // Tallies per township (hashed: a national run has 46,000 townships) and for the whole.
        std::unordered_map<std::string, Tally> tallies;
        Tally county;
        for (const auto& row : r.rows) {
            const VillageRec& v = *row.village;
            const bool reachable = row.route.reachable();
            for (Tally* t : {&county, &tallies[v.townshipCode]}) {
                ++t->villages;
                if (v.populationKnown)
                    t->population += static_cast<double>(v.population);
                else
                    ++t->populationUnknown;
                if (row.covered) {
                    ++t->covered;
                    if (v.populationKnown) t->populationCovered += static_cast<double>(v.population);
                }
                if (!reachable) ++t->unreachable;
                t->demand += row.demand;
                t->served += row.served;
            }
        }
        std::vector<std::pair<std::string, Tally>> byTownship(tallies.begin(), tallies.end());
        std::sort(byTownship.begin(), byTownship.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        phase.emplace("summary");
        // The worst served: unreachable first, then the farthest.
        std::vector<const VillageCoverage*> worst;
        for (const auto& row : r.rows)
            if (!row.covered) worst.push_back(&row);
        auto measure = [&](const VillageCoverage* x) {
            return !x->route.reachable() ? kUnreachable : (r.mode == "straight" ? x->route.metres : x->route.minutes);
        };
        const std::size_t keep = std::min<std::size_t>(10, worst.size());
        std::partial_sort(worst.begin(), worst.begin() + static_cast<std::ptrdiff_t>(keep), worst.end(),
                          [&](auto* a, auto* b) { return measure(a) > measure(b); });
        worst.resize(keep);

        std::string j = "{\"kind\": " + jsonQuote(r.kind) + ", \"mode\": " + jsonQuote(r.mode) + ", \"status\": " + jsonQuote(r.status) +
                        ", \"threshold\": " + fmt(r.threshold, 3) + ", \"threshold_unit\": " + jsonQuote(r.thresholdUnit) +
                        ", \"standard\": " + jsonQuote(r.standardId) + ", \"facilities\": " + std::to_string(r.facilities.size()) +
                        ", \"villages\": " + std::to_string(county.villages) + ", \"villages_covered\": " + std::to_string(county.covered) +
                        ", \"population\": " + fmt(county.population, 0) + ", \"population_covered\": " + fmt(county.populationCovered, 0) +
                        ", \"villages_population_unknown\": " + std::to_string(county.populationUnknown) +
                        ", \"unreachable\": " + std::to_string(county.unreachable);
        if (r.capacity)
            j += ", \"demand\": " + fmt(county.demand, 1) + ", \"served\": " + fmt(county.served, 1) +
                 ", \"population_unserved\": " + fmt(county.demand - county.served, 1);
        j += ", \"townships\": [";
        bool first = true;
        for (const auto& [code, t] : byTownship) {
            j += std::string(first ? "" : ", ") + "{\"code\": " + jsonQuote(code) + ", \"name\": " + jsonQuote(townshipName[code]) +
                 ", \"villages\": " + std::to_string(t.villages) + ", \"villages_covered\": " + std::to_string(t.covered) +
                 ", \"population\": " + fmt(t.population, 0) + ", \"population_covered\": " + fmt(t.populationCovered, 0) +
                 ", \"villages_population_unknown\": " + std::to_string(t.populationUnknown) +
                 ", \"unreachable\": " + std::to_string(t.unreachable) + "}";
            first = false;
        }
        j += "], \"worst\": [";
        first = true;
        for (const auto* x : worst) {
            j += std::string(first ? "" : ", ") + "{\"code\": " + jsonQuote(x->village->code) +
                 ", \"name\": " + jsonQuote(x->village->name) + ", \"reachable\": " + (x->route.reachable() ? "true" : "false") +
                 (x->route.reachable() ? ", \"distance_m\": " + fmt(x->route.metres, 1) +
                                             (r.mode != "straight" ? ", \"minutes\": " + fmt(x->route.minutes, 1) : std::string())
                                       : std::string()) +
                 "}";
            first = false;
        }
        j += "]";
        if (!missing.empty()) j += ", \"missing_data\": " + jsonQuote(missing);
        j += "}";
        res.summaryJson = j;

        std::string t = kindTitle(r.kind) + "覆盖（" + modeTitle(r.mode) + "，阈值 " + fmt(r.threshold, r.thresholdUnit == "m" ? 0 : 1) +
                        (r.thresholdUnit == "m" ? " 米" : " 分钟") + (r.standardId.empty() ? "" : "，标准 " + r.standardId) + "）\n";
        if (!missing.empty()) {
            t += "  设施 " + std::to_string(r.facilities.size()) + " 处；村 " + std::to_string(county.villages) + " 个\n";
            t += "  缺少数据，未评价 / not judged for want of data: " + missing + "\n";
            t += "  （结果表的“达标”“可达”两列留空：未评价 / 'covered' and 'reachable' are left empty: not judged）\n";
            res.summaryText = t;
            return res;
        }
        t += "  设施 " + std::to_string(r.facilities.size()) + " 处；村 " + std::to_string(county.villages) + " 个，达标 " +
             std::to_string(county.covered) + " 个，不可达 " + std::to_string(county.unreachable) + " 个；人口 " +
             fmt(county.population, 0) + "，达标人口 " + fmt(county.populationCovered, 0) +
             (county.populationUnknown ? "（另有 " + std::to_string(county.populationUnknown) + " 个村人口未录入，不计入人口和覆盖率）"
                                       : std::string()) +
             "\n";
        if (r.capacity)
            t += "  按服务能力：需求 " + fmt(county.demand, 0) + " 人，已服务 " + fmt(county.served, 0) + " 人，未服务 " +
                 fmt(county.demand - county.served, 0) + " 人\n";
        t += "  乡镇 / township                 村  达标  不可达   人口覆盖率\n";
        for (const auto& [code, tt] : byTownship)
            t += "  " + code + " " + townshipName[code] +
                 std::string(std::max<int>(1, 12 - static_cast<int>(townshipName[code].size() / 3 * 2)), ' ') +
                 fmt(static_cast<double>(tt.villages), 0) + "  " + fmt(static_cast<double>(tt.covered), 0) + "  " +
                 fmt(static_cast<double>(tt.unreachable), 0) + "  " + tt.rate() +
                 (tt.populationUnknown && tt.population > 0 ? "（" + std::to_string(tt.populationUnknown) + " 村人口未录入）"
                                                            : std::string()) +
                 "\n";
        if (!worst.empty()) {
            t += "  最差的村 / worst served:\n";
            for (const auto* x : worst)
                t += "    " + x->village->code + " " + x->village->name + "  " +
                     (x->route.reachable() ? (r.mode == "straight" ? fmt(x->route.metres, 0) + " 米" : fmt(x->route.minutes, 1) + " 分钟")
                                           : std::string("不可达")) +
                     "\n";
        }
        res.summaryText = t;
        return res;
    }

    // The per-village rows (a point each) and the lines from each village to its facility.
    // Not `judged` (no facility of the kind, or no roads for road time): "covered" and
    // "reachable" are left empty, not 0, so maps and tables say "no data", not "not covered".
    static std::vector<ResultTable> tables(const std::shared_ptr<const CoverageResult>& shared, bool judged) {
        const CoverageResult& r = *shared;
        std::vector<ResultColumn> cols = {
            {"village_code", ResultFieldType::Text, "村代码"},        {"village_name", ResultFieldType::Text, "村名"},
            {"township_code", ResultFieldType::Text, "乡镇代码"},     {"facility_id", ResultFieldType::Text, "最近设施编号"},
            {"facility_name", ResultFieldType::Text, "最近设施名称"}, {"distance_m", ResultFieldType::Real, "距离（米）"},
            {"minutes", ResultFieldType::Real, "时间（分钟）"},       {"covered", ResultFieldType::Integer, "达标"},
            {"reachable", ResultFieldType::Integer, "可达"},          {"population", ResultFieldType::Integer64, "人口"}};
        if (r.capacity) {
            cols.push_back({"demand", ResultFieldType::Real, "服务需求（人）"});
            cols.push_back({"served", ResultFieldType::Real, "已服务（人）"});
        }
        const bool withMinutes = r.mode != "straight";
        ResultTable main{layerName(r.kind, r.mode), "覆盖分析：" + kindTitle(r.kind), ResultGeometry::Point, cols, r.rows.size(), {}, {}};
        main.row = [shared, withMinutes, judged](std::size_t i, RowSink& sink) {
            const VillageCoverage& row = shared->rows[i];
            const VillageRec& v = *row.village;
            const bool reachable = row.route.reachable();
            const FacilityRec* f = row.facility >= 0 ? &shared->facilities[static_cast<std::size_t>(row.facility)] : nullptr;
            sink.text(v.code);
            sink.text(v.name);
            sink.text(v.townshipCode);
            f ? sink.text(f->id) : sink.null();
            f ? sink.text(f->name) : sink.null();
            reachable ? sink.real(std::round(row.route.metres * 100) / 100) : sink.null();
            reachable&& withMinutes ? sink.real(std::round(row.route.minutes * 100) / 100) : sink.null();
            judged ? sink.integer(row.covered ? 1 : 0) : sink.null();
            judged ? sink.integer(reachable ? 1 : 0) : sink.null();
            v.populationKnown ? sink.integer(v.population) : sink.null();
            if (shared->capacity) {
                sink.real(row.demand);
                sink.real(row.served);
            }
        };
        main.shape = [shared](std::size_t i, std::vector<XY>& out) {
            const VillageRec& v = *shared->rows[i].village;
            if (v.hasPoint) out.push_back(v.at);
            return v.hasPoint;
        };
        // A line for every village with a point and a facility.
        auto linked = std::make_shared<std::vector<std::size_t>>();
        for (std::size_t i = 0; i < r.rows.size(); ++i)
            if (r.rows[i].facility >= 0 && r.rows[i].village->hasPoint) linked->push_back(i);
        ResultTable links{layerName(r.kind, r.mode) + "_links",
                          "村到设施连线",
                          ResultGeometry::LineString,
                          {{"village_code", ResultFieldType::Text, "村代码"},
                           {"facility_id", ResultFieldType::Text, "设施编号"},
                           {"distance_m", ResultFieldType::Real, "距离（米）"},
                           {"minutes", ResultFieldType::Real, "时间（分钟）"}},
                          linked->size(),
                          {},
                          {}};
        links.row = [shared, linked, withMinutes](std::size_t i, RowSink& sink) {
            const VillageCoverage& row = shared->rows[(*linked)[i]];
            sink.text(row.village->code);
            sink.text(shared->facilities[static_cast<std::size_t>(row.facility)].id);
            sink.real(std::round(row.route.metres * 100) / 100);
            withMinutes ? sink.real(std::round(row.route.minutes * 100) / 100) : sink.null();
        };
        links.shape = [shared, linked](std::size_t i, std::vector<XY>& out) {
            const VillageCoverage& row = shared->rows[(*linked)[i]];
            out.push_back(row.village->at);
            out.push_back(shared->facilities[static_cast<std::size_t>(row.facility)].at);
            return true;
        };
        main.style = "services/coverage.json";
        links.style = "services/coverage.json";
        std::vector<ResultTable> out;
        out.push_back(std::move(main));
        out.push_back(std::move(links));
        return out;
    }

    static std::string kindTitle(const std::string& kind) {
        auto t = findEnumeration("facility_kind")->values;
        for (const auto& v : t)
            if (v.code == kind) return std::string(v.titleZh);
        return kind;
    }
    static std::string modeTitle(const std::string& mode) {
        return mode == "straight" ? "直线距离" : mode == "road" ? "道路通行时间" : "步行时间";
    }

private:
    AnalysisSpec m_spec;
};
}  // namespace

std::unique_ptr<Analysis> makeCoverageAnalysis() { return std::make_unique<CoverageAnalysis>(); }

}  // namespace ruralatlas::services
