// The `relocation-followup` analysis (后续扶持): how the moved families are doing, per
// resettlement site and per move.
//   * flows: the register (`relocations`) as lines from each origin village to its site, with
//     the reasons the origin village needed moving, computed from the data (inside a geohazard
//     or flood zone, slope over 25 degrees at the village, no road within reach); a move of
//     fewer than 5 households is printed without its counts (personal-data rule);
//   * sites: occupancy (moved in / planned), the register's households against the site's
//     own figure, old homes demolished (拆旧) and land reclaimed (复垦), road minutes from the
//     site to the nearest primary school, kindergarten, village clinic and township health
//     centre judged against the standards table, and the jobs of industry projects within 30
//     minutes, with one Chinese sentence per site.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "analysis/analysis.hpp"
#include "analysis/coverage.hpp"
#include "analysis/road_network.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/record_readers.hpp"
#include "site_terrain.hpp"

namespace ruralatlas::relocation {

using namespace analysis;

namespace {

constexpr long long kMinHouseholds = 5;  // DATA-MODEL.md: no figure below 5 households leaves the database
constexpr double kSteepDegrees = 25;     // 《易地扶贫搬迁“十三五”规划》: 25 degrees and steeper
constexpr double kJobsMinutes = 30;

struct AccessKind {
    const char* kind;
    const char* title;
};
const AccessKind kAccess[] = {
    {"primary_school", "小学"}, {"kindergarten", "幼儿园"}, {"village_clinic", "村卫生室"}, {"township_health_center", "乡镇卫生院"}};

ResultValue count(long long v) { return v >= 0 ? ResultValue(v) : ResultValue(); }
ResultValue ratio(long long a, long long b) { return a >= 0 && b > 0 ? ResultValue(double(a) / double(b)) : ResultValue(); }

class FollowupAnalysis final : public Analysis {
public:
    FollowupAnalysis() {
        m_spec = {
            "relocation-followup",
            "易地搬迁后续扶持跟踪",
            "Relocation follow-up: flows from origin villages, occupancy, demolition, access from each site",
            {{"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, false}},
            {{"relocation_sites", "安置点后续扶持", "Resettlement sites: follow-up"},
             {"relocation_flows", "搬迁流向", "Relocation flows"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: read, compute per move, per site and for the county, then tabulate.
AnalysisResult FollowupAnalysis::run(ProjectSource& project, const ParamValues&, Feedback& feedback) const {
    feedback.setProgress(0.02, "读取安置点与搬迁登记");
    if (!project.layerInfo("resettlement_sites"))
        throw DataError({project.name(), "resettlement_sites"}, "the project has no resettlement_sites layer: nothing to follow up");
    const std::vector<ResettlementSite> sites = readResettlementSites(project);
    const std::vector<Relocation> moves = project.layerInfo("relocations") ? readRelocations(project) : std::vector<Relocation>{};
    const std::vector<IndustryProject> projects =
        project.layerInfo("industry_projects") ? readIndustryProjects(project) : std::vector<IndustryProject>{};
    const std::vector<Constraint> constraints = project.layerInfo("constraints") ? readConstraints(project) : std::vector<Constraint>{};
    const std::optional<Raster> dem = project.dem();
    std::map<std::string, Village> villages;
    for (Village& v : project.villages(VillageFields::Coverage)) villages[v.code] = std::move(v);
    std::map<std::string, const ResettlementSite*> siteById;
    for (const ResettlementSite& s : sites) siteById[s.id] = &s;

    feedback.setProgress(0.1, "构建路网");
    CoverageContext context(project);
    const RoadNetwork& net = context.network(NetworkOptions{}, feedback);
    // Without roads there is no road time: access and nearby jobs are not judged (never "unreachable").
    const auto roadsInfo = project.layerInfo("roads");
    const bool haveRoads = roadsInfo && roadsInfo->featureCount != 0;
    const std::vector<Standard> standards = project.standards();

    // Access from every located site, by road.
    std::vector<XY> sitePoints;
    std::vector<std::size_t> located;
    for (std::size_t i = 0; i < sites.size(); ++i)
        if (sites[i].hasPoint) {
            sitePoints.push_back(sites[i].at);
            located.push_back(i);
        }
    std::vector<std::array<double, 4>> minutes(sites.size(), {NAN, NAN, NAN, NAN});
    std::vector<std::array<bool, 4>> hasKind(sites.size(), {false, false, false, false});
    for (std::size_t k = 0; k < 4; ++k) {
        feedback.checkCancelled();
        std::vector<XY> fac;
        for (const Facility& f : project.facilities(kAccess[k].kind, {"existing"})) fac.push_back(f.at);
        if (fac.empty() || sitePoints.empty() || !haveRoads) continue;
        const std::vector<Route> routes = net.nearest(fac, sitePoints, feedback);
        for (std::size_t i = 0; i < located.size(); ++i) {
            hasKind[located[i]][k] = true;
            minutes[located[i]][k] = routes[i].reachable() ? routes[i].minutes : INFINITY;
        }
    }
    feedback.setProgress(0.6, "就业岗位");
    std::vector<XY> jobPoints;
    std::vector<long long> jobCount;
    for (const IndustryProject& pr : projects)
        if (pr.hasPoint && pr.jobs > 0 && pr.status != "planned") {
            jobPoints.push_back(pr.at);
            jobCount.push_back(pr.jobs);
        }
    std::vector<long long> jobs(sites.size(), -1);
    std::vector<long long> jobProjects(sites.size(), 0);
    for (std::size_t i : located) {
        if (!haveRoads || projects.empty()) continue;  // not known: no roads, or no industry data at all
        jobs[i] = 0;
        if (jobPoints.empty()) continue;
        const std::vector<Route> r = net.fromOne(sites[i].at, jobPoints, kJobsMinutes);
        for (std::size_t j = 0; j < r.size(); ++j)
            if (r[j].reachable()) {
                jobs[i] += jobCount[j];
                ++jobProjects[i];
            }
    }

    // Per move: the line and the reasons.
    feedback.setProgress(0.7, "搬迁原因");
    ResultTableBuilder flows("relocation_flows", "搬迁流向", ResultGeometry::LineString,
                             {{"source_village_code", ResultFieldType::Text, "迁出村代码"},
                              {"source_village_name", ResultFieldType::Text, "迁出村"},
                              {"site_id", ResultFieldType::Text, "安置点编号"},
                              {"site_name", ResultFieldType::Text, "安置点"},
                              {"households", ResultFieldType::Integer, "搬迁户数"},
                              {"people", ResultFieldType::Integer, "搬迁人数"},
                              {"year", ResultFieldType::Integer, "搬迁年份"},
                              {"reasons", ResultFieldType::Text, "迁出原因（据数据计算）"}});
    std::map<std::string, long long> registered, registeredPeople, origins;
    long long suppressed = 0, unknownSite = 0, unknownVillage = 0;
    std::map<std::string, long long> reasonCount;
    for (const Relocation& m : moves) {
        const auto site = siteById.find(m.siteId);
        if (site == siteById.end()) {
            ++unknownSite;
            continue;
        }
        if (m.households > 0) registered[m.siteId] += m.households;
        if (m.people > 0) registeredPeople[m.siteId] += m.people;
        ++origins[m.siteId];
        const auto v = villages.find(m.sourceVillageCode);
        std::vector<std::string> reasons;
        std::vector<XY> line;
        if (v == villages.end() || !v->second.hasPoint) {
            ++unknownVillage;
        } else {
            const XY at = v->second.at;
            for (const Constraint& c : constraints)
                if ((c.kind == "geohazard" || c.kind == "flood_zone") && inside(c.shape, at)) {
                    const std::string r = c.kind == "geohazard" ? "位于地质灾害隐患区" : "位于洪涝风险区";
                    if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) reasons.push_back(r);
                }
            if (dem) {
                const double s = slopeAt(*dem, at);
                if (std::isfinite(s) && s > kSteepDegrees) reasons.push_back("坡度 " + fmt(s, 0) + "°（超过25°）");
            }
            if (!(net.attach(at).walk <= NetworkOptions{}.maxWalkMetres)) reasons.push_back("2公里内无道路");
            if (site->second->hasPoint) line = {at, site->second->at};
        }
        for (const std::string& r : reasons) ++reasonCount[r.substr(0, r.find(' '))];
        std::string joined;
        for (const std::string& r : reasons) joined += (joined.empty() ? "" : "；") + r;
        const bool small = m.households >= 0 && m.households < kMinHouseholds;
        suppressed += small ? 1 : 0;
        flows.add({m.sourceVillageCode, v == villages.end() ? ResultValue() : ResultValue(v->second.name), m.siteId, site->second->name,
                   small ? ResultValue() : count(m.households), small ? ResultValue() : count(m.people), count(m.year),
                   v == villages.end() || !v->second.hasPoint ? ResultValue("迁出村无位置")
                                                              : ResultValue(joined.empty() ? "数据中未见" : joined)},
                  line);
    }

    // Per site.
    feedback.setProgress(0.85, "安置点指标");
    std::vector<ResultColumn> cols = {{"site_id", ResultFieldType::Text, "安置点编号"},
                                      {"site_name", ResultFieldType::Text, "安置点"},
                                      {"planned_households", ResultFieldType::Integer, "规划户数"},
                                      {"moved_in_households", ResultFieldType::Integer, "已入住户数"},
                                      {"occupancy", ResultFieldType::Real, "入住率"},
                                      {"registered_households", ResultFieldType::Integer, "登记迁入户数"},
                                      {"origin_villages", ResultFieldType::Integer, "迁出村数"},
                                      {"old_homes_total", ResultFieldType::Integer, "旧房总数"},
                                      {"old_homes_demolished", ResultFieldType::Integer, "已拆除旧房"},
                                      {"demolition_rate", ResultFieldType::Real, "拆旧率"},
                                      {"reclaimed_area_mu", ResultFieldType::Real, "复垦面积（亩）"}};
    for (const AccessKind& a : kAccess)
        cols.push_back({std::string("minutes_") + a.kind, ResultFieldType::Real, std::string("到") + a.title + "（分钟）"});
    cols.push_back({"jobs_30min", ResultFieldType::Integer, "30分钟内产业岗位"});
    cols.push_back({"access_gaps", ResultFieldType::Integer, "服务短板数"});
    cols.push_back({"summary", ResultFieldType::Text, "跟踪结论"});
    ResultTableBuilder table("relocation_sites", "安置点后续扶持", ResultGeometry::Point, cols);
    long long planned = 0, moved = 0, oldTotal = 0, demolished = 0, sitesWithGaps = 0, registerMismatch = 0;
    double reclaimed = 0;
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const ResettlementSite& s = sites[i];
        planned += std::max(0LL, s.plannedHouseholds);
        moved += std::max(0LL, s.movedInHouseholds);
        oldTotal += std::max(0LL, s.oldHomesTotal);
        demolished += std::max(0LL, s.oldHomesDemolished);
        reclaimed += s.reclaimedAreaMu.value_or(0);
        const long long reg = registered.count(s.id) ? registered[s.id] : 0;
        std::vector<ResultValue> row = {s.id,
                                        s.name,
                                        count(s.plannedHouseholds),
                                        count(s.movedInHouseholds),
                                        ratio(s.movedInHouseholds, s.plannedHouseholds),
                                        reg,
                                        origins.count(s.id) ? origins[s.id] : 0LL,
                                        count(s.oldHomesTotal),
                                        count(s.oldHomesDemolished),
                                        ratio(s.oldHomesDemolished, s.oldHomesTotal),
                                        s.reclaimedAreaMu ? ResultValue(*s.reclaimedAreaMu) : ResultValue()};
        std::string sentence;
        long long gaps = 0;
        if (s.hasPoint && !haveRoads) sentence += "项目中没有道路，未计算服务可达与周边岗位；";
        if (s.hasPoint && haveRoads && projects.empty()) sentence += "项目中没有产业项目数据，未统计周边岗位；";
        for (std::size_t k = 0; k < 4; ++k) {
            const double m = minutes[i][k];
            row.push_back(std::isfinite(m) ? ResultValue(m) : ResultValue());
            if (!s.hasPoint || !haveRoads) continue;
            const std::optional<Standard> st = standardFor(standards, kAccess[k].kind, "road");
            if (!hasKind[i][k]) {
                sentence += std::string("县内无") + kAccess[k].title + "数据；";
            } else if (!std::isfinite(m)) {
                sentence += std::string("道路无法到达") + kAccess[k].title + "；";
                ++gaps;
            } else if (st && st->threshold && st->measure == "minutes" && m > *st->threshold) {
                sentence +=
                    std::string("到") + kAccess[k].title + " " + fmt(m, 0) + " 分钟，超出标准（" + fmt(*st->threshold, 0) + " 分钟）；";
                ++gaps;
            }
        }
        row.push_back(count(jobs[i]));
        row.push_back(s.hasPoint && haveRoads ? ResultValue(gaps) : ResultValue());
        if (!s.hasPoint) sentence = "安置点无位置，无法计算可达性；";
        if (s.movedInHouseholds >= 0 && s.plannedHouseholds > 0 && s.movedInHouseholds < s.plannedHouseholds)
            sentence += "入住 " + std::to_string(s.movedInHouseholds) + "/" + std::to_string(s.plannedHouseholds) + " 户；";
        if (s.movedInHouseholds >= 0 && !moves.empty() && reg != s.movedInHouseholds) {
            sentence += "登记迁入 " + std::to_string(reg) + " 户与安置点记录 " + std::to_string(s.movedInHouseholds) + " 户不符；";
            ++registerMismatch;
        }
        if (s.oldHomesTotal > 0 && s.oldHomesDemolished >= 0 && s.oldHomesDemolished < s.oldHomesTotal)
            sentence += "旧房未拆 " + std::to_string(s.oldHomesTotal - s.oldHomesDemolished) + " 处；";
        if (jobs[i] == 0) sentence += "30分钟内无产业岗位；";
        if (sentence.empty())
            sentence = "入住、拆旧与服务可达均达标";
        else if (sentence.ends_with("；"))
            sentence.erase(sentence.size() - std::string("；").size());
        sitesWithGaps += gaps > 0 ? 1 : 0;
        row.push_back(sentence);
        table.add(std::move(row), s.hasPoint ? std::vector<XY>{s.at} : std::vector<XY>{});
    }

    AnalysisResult r;
    r.tables.push_back(std::move(table).build());
    r.tables.push_back(std::move(flows).build());
    r.tables[0].style = r.tables[1].style = "relocation/followup.json";
    std::string reasonsJson;
    for (const auto& [k, n] : reasonCount) reasonsJson += (reasonsJson.empty() ? "" : ", ") + jsonQuote(k) + ": " + std::to_string(n);
    r.summaryJson = "{\"sites\": " + std::to_string(sites.size()) + ", \"planned_households\": " + std::to_string(planned) +
                    ", \"moved_in_households\": " + std::to_string(moved) +
                    ", \"occupancy\": " + (planned > 0 ? fmt(double(moved) / double(planned), 4) : std::string("null")) +
                    ", \"old_homes_total\": " + std::to_string(oldTotal) + ", \"old_homes_demolished\": " + std::to_string(demolished) +
                    ", \"reclaimed_area_mu\": " + fmt(reclaimed, 1) + ", \"moves\": " + std::to_string(moves.size()) +
                    ", \"moves_below_5_households\": " + std::to_string(suppressed) +
                    ", \"moves_to_unknown_sites\": " + std::to_string(unknownSite) +
                    ", \"moves_from_unlocated_villages\": " + std::to_string(unknownVillage) +
                    ", \"sites_with_access_gaps\": " + std::to_string(sitesWithGaps) +
                    ", \"sites_register_mismatch\": " + std::to_string(registerMismatch) + ", \"reasons\": {" + reasonsJson + "}";
    std::vector<std::string> missing;
    if (sites.empty()) missing.push_back("resettlement_sites");
    if (!haveRoads) missing.push_back("roads");
    if (projects.empty()) missing.push_back("industry_projects");
    if (moves.empty()) missing.push_back("relocations");
    r.summaryJson += ", \"missing_data\": [";
    for (std::size_t i = 0; i < missing.size(); ++i) r.summaryJson += (i ? ", " : "") + jsonQuote(missing[i]);
    r.summaryJson += "]}";
    r.summaryText = "易地搬迁后续扶持：" + std::to_string(sites.size()) + " 个安置点，规划 " + std::to_string(planned) + " 户，已入住 " +
                    std::to_string(moved) + " 户" + (planned > 0 ? "（" + fmt(100.0 * double(moved) / double(planned), 1) + "%）" : "") +
                    "；旧房拆除 " + std::to_string(demolished) + "/" + std::to_string(oldTotal) + "，复垦 " + fmt(reclaimed, 1) + " 亩\n" +
                    "搬迁登记 " + std::to_string(moves.size()) + " 条；" + std::to_string(sitesWithGaps) + " 个安置点存在服务可达短板；" +
                    std::to_string(registerMismatch) + " 个安置点登记户数与入住户数不符\n";
    if (sites.empty())
        r.summaryText +=
            "缺少数据：项目中没有安置点（resettlement_sites），入住、拆旧与服务可达均未评价；请先导入（ruralatlas import PROJECT FILE "
            "--into "
            "resettlement_sites）\n";
    else if (!haveRoads)
        r.summaryText += "缺少数据：项目中没有道路，安置点到学校、卫生院、集中供水和岗位的车程未计算，不计入短板\n";
    if (moves.empty()) r.summaryText += "缺少数据：项目中没有搬迁登记（relocations），搬迁流向无法绘制\n";
    if (unknownSite) r.summaryText += "缺少数据：" + std::to_string(unknownSite) + " 条登记的安置点编号不在安置点图层中\n";
    if (suppressed) r.summaryText += std::to_string(suppressed) + " 条登记不足5户，户数与人数不输出\n";
    return r;
}

}  // namespace

std::unique_ptr<Analysis> makeFollowupAnalysis() { return std::make_unique<FollowupAnalysis>(); }

}  // namespace ruralatlas::relocation
