// The `risk` analysis (防返贫监测): monitored households (脱贫不稳定户, 边缘易致贫户, 突发严重困难户)
// by village, township and county — counts by status and main cause, newly identified and
// risk-eliminated by year — and where risk concentrates: local Gi* of each village's monitored
// share among the villages within a radius, with a permutation p-value, so a township sees the
// clusters behind a 规模性返贫 warning.
//
// Household figures are personal data: every count goes through SmallCounts (small_counts.hpp),
// so no table prints, or lets a reader work out, a count of 1 to 4 households; a blanked count is
// null and the row says so. A village whose households the project does not hold takes its
// monitored count from the villages layer (村级统计) and has no breakdown; a village with neither
// is missing, never 0.
#include "risk.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "common.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "hotspots.hpp"
#include "indicators.hpp"
#include "small_counts.hpp"

namespace ruralatlas::revitalization {

using namespace analysis;

RiskData readRiskData(ProjectSource& project) {
    RiskData d;
    d.dataYear = dataYearOf(project.meta("data_date"));
    if (!project.layerInfo("villages")) throw DataError({project.name(), "villages"}, "the project has no villages layer");
    std::unordered_map<std::string, std::size_t> index;
    FeatureQuery q;
    readFields(project, "villages", {"code", "name", "township_code", "households", "monitored_households"}, q,
               [&](const Feature& f, const std::vector<ResultValue>& v) {
                   RiskVillage r;
                   r.code = valueAsText(v[0]);
                   r.name = valueAsText(v[1]);
                   r.townshipCode = valueAsText(v[2]);
                   r.households = valueAsInteger(v[3]);
                   r.monitoredRecorded = valueAsInteger(v[4]);
                   if (f.geometry.kind == ShapeKind::Point && f.geometry.xy.size() >= 2) {
                       r.hasPoint = true;
                       r.at = {f.geometry.xy[0], f.geometry.xy[1]};
                   }
                   index[r.code] = d.villages.size();
                   d.villages.push_back(std::move(r));
               });
    for (const auto& t : project.townships()) d.townshipNames[t.code] = t.name;
    if (!project.layerInfo("households")) return d;
    FeatureQuery hq;
    hq.geometry = false;  // household points never leave the database
    readFields(project, "households", {"village_code", "status", "cause", "monitored", "identified_year", "eliminated_year"}, hq,
               [&](const Feature&, const std::vector<ResultValue>& v) {
                   const auto it = index.find(valueAsText(v[0]));
                   if (it == index.end()) {
                       ++d.householdsUnknownVillage;
                       return;
                   }
                   RiskVillage& r = d.villages[it->second];
                   r.hasRecords = true;
                   d.hasHouseholdLayer = true;
                   const std::string status = valueAsText(v[1]), cause = valueAsText(v[2]);
                   const auto flagged = valueAsInteger(v[3]);
                   const auto s = std::find(kMonitoredStatuses.begin(), kMonitoredStatuses.end(), status);
                   const bool monitored = s != kMonitoredStatuses.end() || (flagged && *flagged == 1);
                   if (monitored) {
                       ++r.monitored;
                       if (s != kMonitoredStatuses.end()) ++r.byStatus[std::size_t(s - kMonitoredStatuses.begin())];
                       const auto c = std::find(kCauses.begin(), kCauses.end(), cause);
                       if (c != kCauses.end()) ++r.byCause[std::size_t(c - kCauses.begin())];
                   }
                   if (auto y = valueAsInteger(v[4])) ++r.identified[int(*y)];
                   if (auto y = valueAsInteger(v[5])) ++r.eliminated[int(*y)];
               });
    return d;
}

namespace {

std::string statusTitle(std::size_t s) {
    static const char* t[] = {"脱贫不稳定户", "边缘易致贫户", "突发严重困难户"};
    return t[s];
}
std::string causeTitle(std::size_t c) {
    static const char* t[] = {"因病", "因残", "因学", "缺劳力", "缺技术", "缺资金", "因灾", "其他"};
    return t[c];
}

// The protected cells of one village, township or the county.
struct Cells {
    std::optional<std::size_t> households, monitored;
    bool breakdown = false;  // status and cause cells exist
    std::array<std::size_t, 3> status{};
    std::array<std::size_t, 8> cause{};
    std::map<int, std::size_t> identified, eliminated;
};

class Risk final : public Analysis {
public:
    Risk() {
        m_spec = {"risk",
                  "防返贫监测与风险聚集",
                  "Return-to-poverty monitoring: monitored households by village and township, and clusters of risk (Gi*)",
                  {{"year", ParamType::Integer, "新识别与消除风险的年度（默认：数据年份）",
                    "Year of new and eliminated cases (default: data year)", std::nullopt, 1980, 2100},
                   {"radius", ParamType::Real, "聚集分析邻近半径（公里）", "Cluster neighbourhood radius (km)", std::string("5"), 0.1, 100},
                   {"permutations", ParamType::Integer, "置换检验次数（0：按 z 值判定）", "Permutations (0: judge by z)",
                    std::string("999"), 0, 99999},
                   {"seed", ParamType::Integer, "随机种子（结果可复现）", "Random seed (reproducible results)", std::string("20241"), 0,
                    2147483647},
                   outputParam()},
                  {{"risk_villages", "村级防返贫监测", "Monitoring by village"},
                   {"risk_areas", "乡镇与全县防返贫监测", "Monitoring by township and county"},
                   {"risk_years", "历年新识别与风险消除", "Newly identified and eliminated by year"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: the cells, their protection and the three tables share one set of ids.
AnalysisResult Risk::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    feedback.setProgress(0.05, "读取村庄与农户");
    const RiskData d = readRiskData(project);
    const std::size_t nV = d.villages.size();
    std::set<int> years;
    for (const RiskVillage& v : d.villages) {
        for (const auto& [y, n] : v.identified) years.insert(y);
        for (const auto& [y, n] : v.eliminated) years.insert(y);
    }
    int year = p.has("year") ? int(p.integer("year")) : d.dataYear;
    if (year == 0 && !years.empty()) year = *years.rbegin();
    if (year != 0) years.insert(year);

    // Cells: villages, then townships, then the county.
    SmallCounts sc(kMinHouseholdsShown);
    std::vector<Cells> vc(nV);
    std::map<std::string, std::vector<std::size_t>> byTownship;
    for (std::size_t i = 0; i < nV; ++i) byTownship[d.villages[i].townshipCode].push_back(i);
    auto makeCells = [&](Cells& c, const std::vector<Cells*>& parts, std::optional<long long> households,
                         std::optional<long long> monitored, bool breakdown, const std::array<long long, 3>& st,
                         const std::array<long long, 8>& ca, const std::map<int, long long>& ident, const std::map<int, long long>& elim,
                         bool printYears) {
        if (households) c.households = sc.cell(*households);
        if (monitored) c.monitored = sc.cell(*monitored);
        c.breakdown = breakdown;
        if (breakdown) {
            long long sumS = 0, sumC = 0;
            for (std::size_t s = 0; s < 3; ++s) sumS += st[s];
            for (std::size_t k = 0; k < 8; ++k) sumC += ca[k];
            for (std::size_t s = 0; s < 3; ++s) c.status[s] = sc.cell(st[s]);
            for (std::size_t k = 0; k < 8; ++k) c.cause[k] = sc.cell(ca[k]);
            if (c.monitored) {
                // The remainders (no status or cause recorded; villages with no records) are hidden cells.
                std::vector<std::size_t> s(c.status.begin(), c.status.end()), k(c.cause.begin(), c.cause.end());
                s.push_back(sc.cell(*monitored - sumS, false));
                k.push_back(sc.cell(*monitored - sumC, false));
                sc.equation(*c.monitored, s);
                sc.equation(*c.monitored, k);
            }
        }
        for (int y : years) {
            auto a = ident.find(y);
            c.identified[y] = sc.cell(a == ident.end() ? 0 : a->second, printYears || y == year);
            auto b = elim.find(y);
            c.eliminated[y] = sc.cell(b == elim.end() ? 0 : b->second, printYears || y == year);
        }
        // Sums over the parts.
        if (parts.empty()) return;
        auto sumOf = [&](auto member) {
            std::vector<std::size_t> ids;
            for (Cells* part : parts)
                if (auto id = member(*part)) ids.push_back(*id);
            return ids;
        };
        if (c.households) sc.equation(*c.households, sumOf([](Cells& x) { return x.households; }));
        if (c.monitored) sc.equation(*c.monitored, sumOf([](Cells& x) { return x.monitored; }));
        if (breakdown) {
            for (std::size_t s = 0; s < 3; ++s)
                sc.equation(c.status[s],
                            sumOf([s](Cells& x) { return x.breakdown ? std::optional<std::size_t>(x.status[s]) : std::nullopt; }));
            for (std::size_t k = 0; k < 8; ++k)
                sc.equation(c.cause[k],
                            sumOf([k](Cells& x) { return x.breakdown ? std::optional<std::size_t>(x.cause[k]) : std::nullopt; }));
        }
        for (int y : years) {
            sc.equation(c.identified[y], sumOf([y](Cells& x) {
                            return x.identified.count(y) ? std::optional<std::size_t>(x.identified.at(y)) : std::nullopt;
                        }));
            sc.equation(c.eliminated[y], sumOf([y](Cells& x) {
                            return x.eliminated.count(y) ? std::optional<std::size_t>(x.eliminated.at(y)) : std::nullopt;
                        }));
        }
    };
    // Totals of a set of villages (the township and county cells are sums of exactly these).
    struct Totals {
        std::optional<long long> households, monitored;
        bool breakdown = false;
        std::array<long long, 3> st{};
        std::array<long long, 8> ca{};
        std::map<int, long long> ident, elim;
        long long withoutData = 0, withRecords = 0;
    };
    auto totalsOf = [&](const std::vector<std::size_t>& list) {
        Totals t;
        for (std::size_t i : list) {
            const RiskVillage& v = d.villages[i];
            if (v.households) t.households = t.households.value_or(0) + *v.households;
            if (auto m = v.monitoredCount())
                t.monitored = t.monitored.value_or(0) + *m;
            else
                ++t.withoutData;
            if (!v.hasRecords) continue;
            t.breakdown = true;
            ++t.withRecords;
            for (std::size_t s = 0; s < 3; ++s) t.st[s] += v.byStatus[s];
            for (std::size_t k = 0; k < 8; ++k) t.ca[k] += v.byCause[k];
            for (const auto& [y, n] : v.identified) t.ident[y] += n;
            for (const auto& [y, n] : v.eliminated) t.elim[y] += n;
        }
        return t;
    };
    for (std::size_t i = 0; i < nV; ++i) {
        const RiskVillage& v = d.villages[i];
        makeCells(vc[i], {}, v.households, v.monitoredCount(), v.hasRecords, v.byStatus, v.byCause, v.identified, v.eliminated, false);
    }
    struct Area {
        std::string level, code, name;
        std::vector<std::size_t> villages;
        Totals totals;
        Cells cells;
    };
    std::vector<Area> areas;
    for (const auto& [code, list] : byTownship) {
        const auto n = d.townshipNames.find(code);
        areas.push_back({"township", code, n == d.townshipNames.end() ? code : n->second, list, totalsOf(list), {}});
    }
    std::vector<std::size_t> everyone(nV);
    for (std::size_t i = 0; i < nV; ++i) everyone[i] = i;
    areas.push_back({"county", project.meta("county_code"), project.meta("county_name"), everyone, totalsOf(everyone), {}});
    for (Area& a : areas) {
        if (a.level != "township") continue;
        std::vector<Cells*> parts;
        for (std::size_t i : a.villages) parts.push_back(&vc[i]);
        const Totals& t = a.totals;
        makeCells(a.cells, parts, t.households, t.monitored, t.breakdown, t.st, t.ca, t.ident, t.elim, true);
    }
    {
        std::vector<Cells*> parts;
        for (Area& a : areas)
            if (a.level == "township") parts.push_back(&a.cells);
        Area& c = areas.back();
        makeCells(c.cells, parts, c.totals.households, c.totals.monitored, c.totals.breakdown, c.totals.st, c.totals.ca, c.totals.ident,
                  c.totals.elim, true);
    }
    const std::size_t complements = sc.protect();

    // Clusters: Gi* of the monitored share.
    feedback.setProgress(0.3, "风险聚集分析（Gi*）");
    std::vector<std::size_t> rated;
    std::vector<XY> at;
    std::vector<double> share;
    for (std::size_t i = 0; i < nV; ++i) {
        const RiskVillage& v = d.villages[i];
        const auto m = v.monitoredCount();
        if (!v.hasPoint || !m || !v.households || *v.households <= 0) continue;
        rated.push_back(i);
        at.push_back(v.at);
        share.push_back(double(*m) / double(*v.households));
    }
    const int permutations = int(p.integer("permutations"));
    const double radius = p.real("radius") * 1000.0;
    const std::vector<GiStar> gi = localGiStar(at, share, radius, permutations, std::uint64_t(p.integer("seed")));
    std::vector<std::optional<GiStar>> giOf(nV);
    for (std::size_t k = 0; k < rated.size(); ++k) giOf[rated[k]] = gi[k];
    const bool byPermutation = permutations > 0;

    auto count = [&](std::optional<std::size_t> id) -> ResultValue {
        if (!id) return {};
        if (auto v = sc.shown(*id)) return *v;
        return {};
    };
    auto anyBlanked = [&](const Cells& c) {
        auto b = [&](std::optional<std::size_t> id) { return id && sc.blanked(*id); };
        bool x = b(c.households) || b(c.monitored);
        if (c.breakdown) {
            for (std::size_t s : c.status) x = x || sc.blanked(s);
            for (std::size_t k : c.cause) x = x || sc.blanked(k);
        }
        if (auto it = c.identified.find(year); it != c.identified.end()) x = x || sc.blanked(it->second);
        if (auto it = c.eliminated.find(year); it != c.eliminated.end()) x = x || sc.blanked(it->second);
        return x;
    };
    auto rate = [&](const Cells& c) -> ResultValue {
        if (!c.households || !c.monitored) return {};
        const auto h = sc.value(*c.households);
        const auto m = sc.shown(*c.monitored);
        if (!m || h <= 0) return {};
        return std::round(double(*m) / double(h) * 10000.0) / 100.0;
    };
    const std::string yearText = year ? std::to_string(year) : std::string("当年");
    std::vector<ResultColumn> countCols;
    countCols.push_back({"households", ResultFieldType::Integer, "户数"});
    countCols.push_back({"monitored", ResultFieldType::Integer, "监测户数"});
    countCols.push_back({"monitored_share", ResultFieldType::Real, "监测户占比（%）", "0.00"});
    for (std::size_t s = 0; s < 3; ++s) countCols.push_back({kMonitoredStatuses[s], ResultFieldType::Integer, statusTitle(s)});
    for (std::size_t k = 0; k < 8; ++k)
        countCols.push_back({std::string("cause_") + kCauses[k], ResultFieldType::Integer, causeTitle(k) + "（户）"});
    countCols.push_back({"identified", ResultFieldType::Integer, yearText + "年新识别"});
    countCols.push_back({"eliminated", ResultFieldType::Integer, yearText + "年风险消除"});
    auto countValues = [&](const Cells& c, std::vector<ResultValue>& row) {
        row.push_back(count(c.households));
        row.push_back(count(c.monitored));
        row.push_back(rate(c));
        for (std::size_t s = 0; s < 3; ++s) row.push_back(c.breakdown ? count(c.status[s]) : ResultValue());
        for (std::size_t k = 0; k < 8; ++k) row.push_back(c.breakdown ? count(c.cause[k]) : ResultValue());
        auto yi = c.identified.find(year);
        auto ye = c.eliminated.find(year);
        row.push_back(c.breakdown || !c.identified.empty() ? count(yi == c.identified.end() ? std::nullopt : std::optional(yi->second))
                                                           : ResultValue());
        row.push_back(c.breakdown || !c.eliminated.empty() ? count(ye == c.eliminated.end() ? std::nullopt : std::optional(ye->second))
                                                           : ResultValue());
    };
    const char* kBlankNote = "部分户数已隐去（不足5户或可由其他数推算）";

    std::vector<ResultColumn> villageCols = {{"village_code", ResultFieldType::Text, "村代码"},
                                             {"village_name", ResultFieldType::Text, "村名"},
                                             {"township_code", ResultFieldType::Text, "乡镇代码"},
                                             {"township_name", ResultFieldType::Text, "乡镇"}};
    villageCols.insert(villageCols.end(), countCols.begin(), countCols.end());
    villageCols.push_back({"source", ResultFieldType::Text, "数据来源"});
    villageCols.push_back({"gi_z", ResultFieldType::Real, "Gi* z 值", "0.00"});
    villageCols.push_back({"gi_p", ResultFieldType::Real, "置换检验 p 值", "0.000"});
    villageCols.push_back({"neighbours", ResultFieldType::Integer, "邻近村数（含本村）"});
    villageCols.push_back({"cluster", ResultFieldType::Text, "风险聚集"});
    villageCols.push_back({"note", ResultFieldType::Text, "说明"});
    ResultTableBuilder vt("risk_villages", "村级防返贫监测", ResultGeometry::Point, villageCols);
    long long hot = 0, cold = 0;
    std::map<std::string, std::pair<long long, long long>> hotByTownship;
    for (std::size_t i = 0; i < nV; ++i) {
        const RiskVillage& v = d.villages[i];
        std::vector<ResultValue> row = {v.code, v.name, v.townshipCode};
        const auto tn = d.townshipNames.find(v.townshipCode);
        row.push_back(tn == d.townshipNames.end() ? ResultValue() : ResultValue(tn->second));
        countValues(vc[i], row);
        row.push_back(v.hasRecords ? ResultValue("农户台账") : v.monitoredRecorded ? ResultValue("村级统计") : ResultValue());
        if (const auto& g = giOf[i]) {
            row.push_back(std::isnan(g->z) ? ResultValue() : ResultValue(std::round(g->z * 1000.0) / 1000.0));
            row.push_back(std::isnan(g->p) ? ResultValue() : ResultValue(std::round(g->p * 10000.0) / 10000.0));
            row.push_back((long long)g->neighbours);
            row.push_back(clusterClass(*g, byPermutation));
            const int level = clusterLevel(*g, byPermutation);
            if (level >= 2) ++hot, ++hotByTownship[v.townshipCode].first;
            if (level <= -2) ++cold, ++hotByTownship[v.townshipCode].second;
        } else {
            row.insert(row.end(), {ResultValue(), ResultValue(), ResultValue(), ResultValue("无数据")});
        }
        std::string note;
        if (!v.monitoredCount()) note = "无监测户数据";
        if (anyBlanked(vc[i])) note += std::string(note.empty() ? "" : "；") + kBlankNote;
        row.push_back(note.empty() ? ResultValue() : ResultValue(note));
        std::vector<XY> shape;
        if (v.hasPoint) shape.push_back(v.at);
        vt.add(std::move(row), std::move(shape));
    }

    // Areas.
    std::vector<ResultColumn> areaCols = {
        {"level", ResultFieldType::Text, "层级"},
        {"code", ResultFieldType::Text, "代码"},
        {"name", ResultFieldType::Text, "名称"},
        {"villages", ResultFieldType::Integer, "村数"},
        {"villages_without_data", ResultFieldType::Integer, "无监测数据的村"},
        {"villages_with_records", ResultFieldType::Integer, "有农户明细的村（类别、原因、年度只含这些村）"}};
    areaCols.insert(areaCols.end(), countCols.begin(), countCols.end());
    areaCols.push_back({"hot_villages", ResultFieldType::Integer, "高值聚集村（≥95%）"});
    areaCols.push_back({"cold_villages", ResultFieldType::Integer, "低值聚集村（≥95%）"});
    areaCols.push_back({"finding", ResultFieldType::Text, "研判"});
    ResultTableBuilder atb("risk_areas", "乡镇与全县防返贫监测", ResultGeometry::None, areaCols);
    std::string summary = "防返贫监测：" + project.meta("county_name") + "，" + std::to_string(nV) + "个村";
    const Area& county = areas.back();
    const ResultValue countyShare = rate(county.cells);
    std::vector<std::pair<long long, std::string>> warned;  // hot villages, township
    for (const Area& a : areas) {
        std::vector<ResultValue> row = {a.level, a.code, a.name, (long long)a.villages.size(), a.totals.withoutData, a.totals.withRecords};
        countValues(a.cells, row);
        const auto hc = a.level == "county" ? std::pair<long long, long long>{hot, cold} : hotByTownship[a.code];
        row.push_back(hc.first);
        row.push_back(hc.second);
        std::string finding;
        // One village alone is no 规模性 risk (and one in twenty is significant by chance at 95 %):
        // a warning takes two or more hot villages.
        if (hc.first >= 2) {
            finding = std::to_string(hc.first) + "个村处于监测户占比高值聚集区（95%以上置信），需警惕规模性返贫风险";
            if (a.level == "township") warned.push_back({hc.first, a.name});
        } else if (hc.first == 1) {
            finding = "1个村处于监测户占比高值聚集区（95%以上置信）";
        }
        if (a.level == "township") {
            const ResultValue s = rate(a.cells);
            if (const double* x = std::get_if<double>(&s); x && std::holds_alternative<double>(countyShare)) {
                const double c = std::get<double>(countyShare);
                finding += std::string(finding.empty() ? "" : "；") + "监测户占比" + fmt(*x, 2) + "%，" + (*x > c ? "高于" : "不高于") +
                           "全县（" + fmt(c, 2) + "%）";
            }
        }
        if (a.totals.withoutData)
            finding += std::string(finding.empty() ? "" : "；") + std::to_string(a.totals.withoutData) + "个村无监测数据";
        if (anyBlanked(a.cells)) finding += std::string(finding.empty() ? "" : "；") + kBlankNote;
        row.push_back(finding.empty() ? ResultValue() : ResultValue(finding));
        atb.add(std::move(row));
    }

    // Years: townships and the county.
    ResultTableBuilder yt("risk_years", "历年新识别与风险消除", ResultGeometry::None,
                          {{"level", ResultFieldType::Text, "层级"},
                           {"code", ResultFieldType::Text, "代码"},
                           {"name", ResultFieldType::Text, "名称"},
                           {"year", ResultFieldType::Integer, "年度"},
                           {"identified", ResultFieldType::Integer, "新识别监测户"},
                           {"eliminated", ResultFieldType::Integer, "风险消除户"}});
    if (d.hasHouseholdLayer)
        for (const Area& a : areas)
            for (int y : years) {
                if (!a.cells.identified.count(y)) continue;
                yt.add({a.level, a.code, a.name, (long long)y, count(a.cells.identified.at(y)), count(a.cells.eliminated.at(y))});
            }

    const ResultValue countyMonitored = count(county.cells.monitored);
    summary +=
        "，监测户 " + (std::holds_alternative<long long>(countyMonitored) ? std::to_string(std::get<long long>(countyMonitored)) + " 户"
                                                                          : std::string("（不足5户或无数据）"));
    if (const double* x = std::get_if<double>(&countyShare)) summary += "，占总户数 " + fmt(*x, 2) + "%";
    summary += "\n  风险聚集（Gi*，半径 " + fmt(radius / 1000.0, 1) + " 公里，" +
               (byPermutation ? std::to_string(permutations) + " 次置换检验" : std::string("按 z 值判定")) + "）：高值聚集村 " +
               std::to_string(hot) + " 个，低值聚集村 " + std::to_string(cold) + " 个（95%以上置信）\n";
    if (!warned.empty()) {
        std::stable_sort(warned.begin(), warned.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        summary += "  需警惕规模性返贫风险的乡镇（2个以上高值聚集村）" + std::to_string(warned.size()) + "个：";
        for (std::size_t k = 0; k < warned.size() && k < 10; ++k)
            summary += (k ? "、" : "") + warned[k].second + "（" + std::to_string(warned[k].first) + "个村）";
        if (warned.size() > 10) summary += "等";
        summary += "\n";
    }
    if (!d.hasHouseholdLayer) summary += "  项目没有农户记录（households）：只有村级监测户数，无类别、原因与年度明细\n";
    if (d.householdsUnknownVillage)
        summary += "  " + std::to_string(d.householdsUnknownVillage) + " 条农户记录的村代码不在村庄图层中，未计入\n";
    if (complements) summary += "  为保护个人信息另隐去 " + std::to_string(complements) + " 个可推算的户数\n";

    AnalysisResult res;
    res.tables.push_back(std::move(vt).build());
    res.tables.back().style = "revitalization/risk.json";
    res.tables.push_back(std::move(atb).build());
    res.tables.push_back(std::move(yt).build());
    res.summaryText = summary;
    auto jsonCount = [](const ResultValue& v) {
        return std::holds_alternative<long long>(v) ? std::to_string(std::get<long long>(v)) : std::string("null");
    };
    res.summaryJson = "{\"year\": " + std::to_string(year) + ", \"villages\": " + std::to_string(nV) +
                      ", \"villages_rated\": " + std::to_string(rated.size()) + ", \"monitored\": " + jsonCount(countyMonitored) +
                      ", \"hot_villages\": " + std::to_string(hot) + ", \"cold_villages\": " + std::to_string(cold) +
                      ", \"townships_warned\": " + std::to_string(warned.size()) + ", \"permutations\": " + std::to_string(permutations) +
                      ", \"seed\": " + std::to_string(p.integer("seed")) + ", \"radius_km\": " + fmt(radius / 1000.0, 3) +
                      ", \"complementary_suppressions\": " + std::to_string(complements) + "}";
    feedback.setProgress(1.0, "完成");
    return res;
}

}  // namespace

std::unique_ptr<Analysis> makeRisk() { return std::make_unique<Risk>(); }

}  // namespace ruralatlas::revitalization
