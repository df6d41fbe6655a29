// The `gaps` analysis: every village against every standard of the project, one row per unmet
// standard, ranked by population affected, with a sentence a planner can paste into a report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "analysis/analysis.hpp"
#include "analysis/coverage.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"

namespace ruralatlas::services {

using namespace analysis;

namespace {
std::string kindTitle(const std::string& kind) {
    for (const auto& v : findEnumeration("facility_kind")->values)
        if (v.code == kind) return std::string(v.titleZh);
    if (kind == "tap_water_rate") return "自来水普及率";
    if (kind == "sanitary_toilet_rate") return "卫生厕所普及率";
    if (kind == "hardened_road") return "硬化路";
    if (kind == "has_village_plan") return "村庄规划";
    return kind;
}
std::string thousands(double v) {
    std::string s = fmt(v, 0), out;
    int n = 0;
    for (auto it = s.rbegin(); it != s.rend(); ++it) {
        if (n && n % 3 == 0 && *it != '-') out.insert(out.begin(), ',');
        out.insert(out.begin(), *it);
        ++n;
    }
    return out;
}

// Data needed to judge a standard that the project lacks: reported as such, never as a gap.
struct MissingData {
    std::string kind, what;
    long long villages = 0;  // villages concerned (0: the whole county)
};

struct Gap {
    const VillageRec* village = nullptr;  // null for a township- or county-level gap
    std::string township, standardId, kind, missing, unit, sentence;
    double shortfall = 0;
    double population = 0;
    bool populationKnown = true;  // false: no village concerned records its population
};

// Populations over the villages that record one; the others are counted, not taken as 0.
struct GroupTally {
    long long villages = 0, villagesWithGaps = 0, gaps = 0, populationUnknown = 0;
    double population = 0, populationAffected = 0;
};

// "，影响人口1,200人。", or, when the village's population is not recorded, says so instead of 0.
std::string affected(const VillageRec& v, double population) {
    return v.populationKnown ? "，影响人口" + thousands(population) + "人。" : std::string("，人口未录入。");
}

class GapsAnalysis final : public Analysis {
public:
    GapsAnalysis() {
        m_spec = {
            "gaps",
            "公共服务短板分析",
            "Service gaps against the standards",
            {
                {"status",
                 ParamType::Choice,
                 "设施状态（已建/含规划/全部）",
                 "Facilities: existing, planned scenario, or all",
                 std::string("existing"),
                 {},
                 {},
                 {"existing", "planned", "all"}},
                {"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, true},
            },
            {{"gaps", "短板清单", "Gaps, one row per unmet standard"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }

    // Long on purpose: the rules of the standards table applied in turn to each village.
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override {
        CoverageContext context(project);
        const auto standards = project.standards();
        if (standards.empty()) throw DataError({project.name(), "standards"}, "the project has no standards");
        const auto villagesShared = context.villages();
        const auto& villages = *villagesShared;
        std::map<std::string, std::string> townshipName;
        for (const auto& t : project.townships()) townshipName.emplace(t.code, t.name);
        const std::string status = p.text("status");

        // Facilities per village, by kind (presence rules).
        std::map<std::string, std::set<std::string>> present;        // kind -> village codes
        std::map<std::string, std::set<std::string>> townshipsWith;  // kind -> township codes
        for (const auto& f : project.facilities("", statusesFor(status))) {
            present[f.kind].insert(f.villageCode);
            if (f.villageCode.size() >= 9) townshipsWith[f.kind].insert(f.villageCode.substr(0, 9));
        }
        // Kinds of which the project holds no facility at all (any status): missing data, not gaps.
        std::set<std::string> anyOfKind;
        for (const auto& f : project.facilities("", statusesFor("all"))) anyOfKind.insert(f.kind);
        std::vector<MissingData> missingData;
        std::vector<Gap> gaps;
        std::set<std::string> kinds;
        for (const auto& s : standards) kinds.insert(s.kind);
        // The walking-time searches (one per kind, the costly part) run on every core first.
        std::vector<std::string> walkKinds;
        for (const auto& s : standards)
            if (s.rule == "within" && s.mode == "walk" && s.threshold && findEnumeration("facility_kind")->resolve(s.kind) &&
                std::find(walkKinds.begin(), walkKinds.end(), s.kind) == walkKinds.end())
                walkKinds.push_back(s.kind);
        feedback.setProgress(0.05, "walking time");
        context.prefetchWalk(walkKinds, status, feedback);
        std::size_t step = 0;
        for (const std::string& kind : kinds) {
            feedback.checkCancelled();
            feedback.setProgress(0.05 + 0.8 * static_cast<double>(step++) / static_cast<double>(kinds.size()), kind);
            std::vector<Standard> rules;
            for (const auto& s : standards)
                if (s.kind == kind) rules.push_back(s);
            const bool facilityKind = findEnumeration("facility_kind")->resolve(kind).has_value();
            if (facilityKind && !anyOfKind.count(kind)) {
                missingData.push_back({kind,
                                       "项目中没有任何" + kindTitle(kind) +
                                           "：无法判断，请先导入（ruralatlas import PROJECT FILE --into facilities --set kind=" + kind +
                                           "）",
                                       0});
            } else if (facilityKind) {
                facilityGaps(context, kind, rules, villages, present, townshipsWith, townshipName, status, gaps, missingData, feedback);
            } else {
                rateGaps(kind, rules, villages, townshipName, gaps, missingData);
            }
        }
        std::stable_sort(gaps.begin(), gaps.end(), [](const Gap& a, const Gap& b) { return a.population > b.population; });

        // The result table: one row per gap, with the village's point.
        feedback.setProgress(0.9, "writing");
        ResultTableBuilder table("gaps", "公共服务短板", ResultGeometry::Point,
                                 {{"rank", ResultFieldType::Integer, "排序"},
                                  {"village_code", ResultFieldType::Text, "村代码"},
                                  {"village_name", ResultFieldType::Text, "村名"},
                                  {"township_code", ResultFieldType::Text, "乡镇代码"},
                                  {"township_name", ResultFieldType::Text, "乡镇"},
                                  {"standard_id", ResultFieldType::Text, "标准编号"},
                                  {"kind", ResultFieldType::Text, "对象"},
                                  {"missing", ResultFieldType::Text, "短板"},
                                  {"shortfall", ResultFieldType::Real, "差距"},
                                  {"shortfall_unit", ResultFieldType::Text, "差距单位"},
                                  {"population_affected", ResultFieldType::Integer64, "影响人口"},
                                  {"former_poor", ResultFieldType::Integer, "脱贫村"},
                                  {"sentence", ResultFieldType::Text, "说明"}});
        long long rank = 0;
        for (const Gap& g : gaps) {
            std::vector<XY> at;
            if (g.village && g.village->hasPoint) at.push_back(g.village->at);
            using V = ResultValue;
            table.add({++rank, g.village ? V(g.village->code) : V(), g.village ? V(g.village->name) : V(),
                       g.township.empty() ? V() : V(g.township), g.township.empty() ? V() : V(townshipName[g.township]), g.standardId,
                       g.kind, g.missing, std::round(g.shortfall * 100) / 100, g.unit,
                       g.populationKnown ? V(static_cast<long long>(std::llround(g.population))) : V(),
                       static_cast<long long>(g.village && g.village->status == "former_poor"), g.sentence},
                      std::move(at));
        }

        // Summaries: per township, and former-poor versus other villages.
        std::map<std::string, GroupTally> byTownship;
        GroupTally poor, other, unclassed;
        std::map<std::string, std::pair<int, double>> perVillage;  // code -> (gaps, population)
        for (const Gap& g : gaps)
            if (g.village) ++perVillage[g.village->code].first;
        for (const auto& v : villages) {
            const auto it = perVillage.find(v.code);
            const long long n = it == perVillage.end() ? 0 : it->second.first;
            // A village whose class (村类别) is not recorded is neither former-poor nor other.
            GroupTally* group = v.status.empty() ? &unclassed : v.status == "former_poor" ? &poor : &other;
            for (GroupTally* t : {&byTownship[v.townshipCode], group}) {
                ++t->villages;
                if (v.populationKnown)
                    t->population += static_cast<double>(v.population);
                else
                    ++t->populationUnknown;
                t->gaps += n;
                if (n > 0) {
                    ++t->villagesWithGaps;
                    if (v.populationKnown) t->populationAffected += static_cast<double>(v.population);
                }
            }
        }
        auto tallyJson = [](const GroupTally& t) {
            return "\"villages\": " + std::to_string(t.villages) + ", \"villages_with_gaps\": " + std::to_string(t.villagesWithGaps) +
                   ", \"gaps\": " + std::to_string(t.gaps) + ", \"population\": " + fmt(t.population, 0) +
                   ", \"population_in_villages_with_gaps\": " + fmt(t.populationAffected, 0) +
                   ", \"villages_population_unknown\": " + std::to_string(t.populationUnknown);
        };
        AnalysisResult res;
        res.tables.push_back(std::move(table).build());
        res.tables.back().style = "services/gaps.json";
        // What could not be judged, as its own table (only when something is missing), so that
        // pages and maps say "no data" instead of "all met".
        if (!missingData.empty()) {
            ResultTableBuilder missingTable("gaps_missing_data", "缺少数据（未评价）", ResultGeometry::None,
                                            {{"kind", ResultFieldType::Text, "对象"},
                                             {"title", ResultFieldType::Text, "名称"},
                                             {"villages", ResultFieldType::Integer64, "涉及村数（0为全县）"},
                                             {"what", ResultFieldType::Text, "说明"}});
            for (const auto& m : missingData) missingTable.add({m.kind, kindTitle(m.kind), m.villages, m.what});
            res.tables.push_back(std::move(missingTable).build());
        }
        std::string j = "{\"gaps\": " + std::to_string(gaps.size()) + ", \"status\": " + jsonQuote(status) + ", \"former_poor\": {" +
                        tallyJson(poor) + "}, \"other\": {" + tallyJson(other) + "}" +
                        (unclassed.villages ? ", \"status_unknown\": {" + tallyJson(unclassed) + "}" : std::string()) +
                        ", \"townships\": [";
        bool first = true;
        for (const auto& [code, t] : byTownship) {
            j += std::string(first ? "" : ", ") + "{\"code\": " + jsonQuote(code) + ", \"name\": " + jsonQuote(townshipName[code]) + ", " +
                 tallyJson(t) + "}";
            first = false;
        }
        j += "], \"top\": [";
        for (std::size_t i = 0; i < std::min<std::size_t>(10, gaps.size()); ++i)
            j += std::string(i ? ", " : "") + "{\"village_code\": " + jsonQuote(gaps[i].village ? gaps[i].village->code : "") +
                 ", \"standard_id\": " + jsonQuote(gaps[i].standardId) +
                 ", \"population_affected\": " + (gaps[i].populationKnown ? fmt(gaps[i].population, 0) : std::string("null")) +
                 ", \"sentence\": " + jsonQuote(gaps[i].sentence) + "}";
        j += "]";
        // What could not be judged for want of data (only when something is missing).
        if (!missingData.empty()) {
            j += ", \"missing_data\": [";
            for (std::size_t i = 0; i < missingData.size(); ++i)
                j += std::string(i ? ", " : "") + "{\"kind\": " + jsonQuote(missingData[i].kind) +
                     ", \"villages\": " + std::to_string(missingData[i].villages) + ", \"what\": " + jsonQuote(missingData[i].what) + "}";
            j += "]";
        }
        j += "}";
        res.summaryJson = j;
        auto share = [](const GroupTally& t) {
            return t.villages ? fmt(100.0 * static_cast<double>(t.villagesWithGaps) / static_cast<double>(t.villages), 1)
                              : std::string("0");
        };
        std::string t = "公共服务短板：共 " + std::to_string(gaps.size()) + " 条\n";
        t += "  脱贫村 " + std::to_string(poor.villages) + " 个，有短板 " + std::to_string(poor.villagesWithGaps) + " 个（" + share(poor) +
             "%），短板 " + std::to_string(poor.gaps) + " 条\n";
        t += "  其他村 " + std::to_string(other.villages) + " 个，有短板 " + std::to_string(other.villagesWithGaps) + " 个（" +
             share(other) + "%），短板 " + std::to_string(other.gaps) + " 条\n";
        if (unclassed.villages)
            t += "  村类别未录入 " + std::to_string(unclassed.villages) + " 个，有短板 " + std::to_string(unclassed.villagesWithGaps) +
                 " 个（" + share(unclassed) + "%），短板 " + std::to_string(unclassed.gaps) + " 条\n";
        if (!gaps.empty()) t += "  影响人口最多的短板：\n";
        for (std::size_t i = 0; i < std::min<std::size_t>(8, gaps.size()); ++i)
            t += "    " + std::to_string(i + 1) + ". " + gaps[i].sentence + "\n";
        if (!missingData.empty()) {
            t += "  缺少数据，未评价（不计入短板）/ not judged for want of data:\n";
            for (const auto& m : missingData) t += "    - " + m.what + "\n";
        }
        res.summaryText = t;
        return res;
    }

private:
    static void facilityGaps(CoverageContext& context, const std::string& kind, const std::vector<Standard>& rules,
                             const std::vector<VillageRec>& villages, std::map<std::string, std::set<std::string>>& present,
                             std::map<std::string, std::set<std::string>>& townshipsWith, std::map<std::string, std::string>& townshipName,
                             const std::string& status, std::vector<Gap>& gaps, std::vector<MissingData>& missingData, Feedback& feedback) {
        const std::string title = kindTitle(kind);
        const bool perTownship = kind == "township_health_center";
        const Standard* presence = nullptr;
        std::vector<const Standard*> reach;
        for (const auto& r : rules) {
            if (r.rule == "present_in_village")
                presence = &r;
            else if (r.rule == "within" && r.threshold)
                reach.push_back(&r);
        }
        // Per-township presence (one health centre per township).
        if (perTownship && presence) {
            std::map<std::string, double> pop;
            std::map<std::string, long long> unknown;  // villages whose population is not recorded
            for (const auto& v : villages) {
                pop[v.townshipCode] += static_cast<double>(v.population);
                if (!v.populationKnown) ++unknown[v.townshipCode];
            }
            for (const auto& [code, population] : pop)
                if (!townshipsWith[kind].count(code)) {
                    const long long n = unknown[code];
                    Gap g;
                    g.township = code;
                    g.standardId = presence->id;
                    g.kind = kind;
                    g.missing = "乡镇无" + title;
                    g.shortfall = 1;
                    g.unit = "处";
                    g.population = population;
                    g.populationKnown = population > 0 || n == 0;
                    g.sentence =
                        townshipName[code] + "没有" + title + "，不符合“" + presence->title + "”，" +
                        (n == 0 ? "涉及人口" + thousands(population) + "人。"
                         : population > 0 ? "涉及人口至少" + thousands(population) + "人（" + std::to_string(n) + "个村人口未录入）。"
                                          : std::string("人口未录入。"));
                    gaps.push_back(g);
                }
        }
        // Reach: the village meets the kind's standard when any reach rule holds (or, for
        // village-level presence rules, when it has one itself).
        std::vector<std::pair<const Standard*, CoverageResult>> results;
        for (const Standard* s : reach) {
            CoverageOptions o;
            o.kind = kind;
            o.mode = s->mode;
            o.status = status;
            o.threshold = s->threshold;
            try {
                results.emplace_back(s, computeCoverage(context, o, feedback));
            } catch (const DataError& e) {
                // No DEM (walk) or no roads (road): this rule cannot judge; the others still do.
                missingData.push_back({kind,
                                       title + "：" +
                                           (s->mode == "walk"   ? "无法计算步行时间（缺少数字高程模型，请导入DEM）"
                                            : s->mode == "road" ? "无法计算车程（缺少道路，请导入道路）"
                                                                : "无法计算距离") +
                                           "，“" + s->title + "”未评价：" + e.what(),
                                       0});
                continue;
            }
        }
        // Villages hosting the township health centre are exempt from the clinic rule.
        const auto& hostsCentre = present["township_health_center"];
        for (std::size_t i = 0; i < villages.size(); ++i) {
            const VillageRec& v = villages[i];
            const bool has = !perTownship && presence && present[kind].count(v.code);
            const bool exempt = kind == "village_clinic" && hostsCentre.count(v.code);
            if (has || exempt) continue;
            bool met = false;
            const Standard* worstRule = nullptr;
            const VillageCoverage* worstRow = nullptr;
            const CoverageResult* worstResult = nullptr;
            double bestExcess = kUnreachable;
            for (const auto& [s, r] : results) {
                const VillageCoverage& row = r.rows[i];
                if (row.covered) {
                    met = true;
                    break;
                }
                const double measure =
                    !row.route.reachable() ? kUnreachable : (s->mode == "straight" ? row.route.metres : row.route.minutes);
                const double excess = measure - *s->threshold;
                if (!worstRule || excess < bestExcess) {
                    bestExcess = excess;
                    worstRule = s;
                    worstRow = &row;
                    worstResult = &r;
                }
            }
            if (met) continue;
            if (!presence && results.empty()) continue;
            Gap g;
            g.village = &v;
            g.township = v.townshipCode;
            g.kind = kind;
            g.population = static_cast<double>(v.population);
            g.populationKnown = v.populationKnown;
            const std::string where = (townshipName[v.townshipCode].empty() ? v.name : v.name + "（" + townshipName[v.townshipCode] + "）");
            if (!worstRule) {
                g.standardId = presence->id;
                g.missing = "村内无" + title;
                g.shortfall = 1;
                g.unit = "处";
                g.sentence = where + "没有" + title + "，不符合“" + presence->title + "”" + affected(v, g.population);
            } else {
                g.standardId = worstRule->id;
                const bool straight = worstRule->mode == "straight";
                const std::string unit = straight ? "米" : "分钟";
                const std::string how = straight ? "直线距离" : worstRule->mode == "road" ? "车程" : "步行";
                g.unit = straight ? "m" : "min";
                g.missing = (presence && !perTownship ? "村内无" + title + "，且" : std::string()) + title + "超出服务范围";
                if (!worstRow->route.reachable()) {
                    g.shortfall = kUnreachable;
                    g.unit = "unreachable";
                    g.sentence = where + (presence && !perTownship ? "没有" + title + "，且" : std::string()) + "无法经" +
                                 (worstRule->mode == "road" ? "道路" : "步行") + "到达任何" + title + affected(v, g.population);
                } else {
                    const auto& f = worstResult->facilities[static_cast<std::size_t>(worstRow->facility)];
                    const double value = straight ? worstRow->route.metres : worstRow->route.minutes;
                    g.shortfall = value - *worstRule->threshold;
                    g.sentence = where + (presence && !perTownship ? "没有" + title + "，" : std::string()) + "最近的" + title + "为" +
                                 f.name + "，" + how + fmt(value, straight ? 0 : 0) + unit + "，超出" + fmt(*worstRule->threshold, 0) +
                                 unit + "的标准" + fmt(g.shortfall, 0) + unit + affected(v, g.population);
                }
            }
            gaps.push_back(std::move(g));
        }
    }

    static void rateGaps(const std::string& kind, const std::vector<Standard>& rules, const std::vector<VillageRec>& villages,
                         std::map<std::string, std::string>& townshipName, std::vector<Gap>& gaps, std::vector<MissingData>& missingData) {
        for (const auto& s : rules) {
            if (s.rule != "rate_at_least" || !s.threshold) continue;
            const double target = *s.threshold;
            if (kind == "has_village_plan") {
                // A county-level rate: one row for the county.
                double with = 0, all = 0, pop = 0;
                for (const auto& v : villages) {
                    if (!v.hasVillagePlan) continue;
                    all += 1;
                    with += *v.hasVillagePlan;
                    if (*v.hasVillagePlan == 0) pop += static_cast<double>(v.population);
                }
                if (all == 0)
                    missingData.push_back({kind, "没有任何村的村庄规划编制情况：未评价“" + s.title + "”，请导入村台账",
                                           static_cast<long long>(villages.size())});
                if (all > 0 && with / all < target) {
                    Gap g;
                    g.standardId = s.id;
                    g.kind = kind;
                    g.missing = "村庄规划覆盖率不足";
                    g.shortfall = (target - with / all) * 100;
                    g.unit = "percentage_points";
                    g.population = pop;
                    g.sentence = "全县村庄规划覆盖率为" + fmt(100 * with / all, 1) + "%，低于" + fmt(100 * target, 0) + "%的目标" +
                                 fmt(g.shortfall, 1) + "个百分点，未编制规划的村涉及人口" + thousands(pop) + "人。";
                    gaps.push_back(g);
                }
                continue;
            }
            long long unknown = 0;
            for (const auto& v : villages) {
                std::optional<double> value;
                if (kind == "tap_water_rate")
                    value = v.tapWaterRate;
                else if (kind == "sanitary_toilet_rate")
                    value = v.sanitaryToiletRate;
                else if (kind == "hardened_road" && v.hardenedRoad)
                    value = static_cast<double>(*v.hardenedRoad);
                if (!value) {
                    ++unknown;
                    continue;
                }
                if (*value >= target) continue;
                Gap g;
                g.village = &v;
                g.township = v.townshipCode;
                g.standardId = s.id;
                g.kind = kind;
                const std::string where =
                    (townshipName[v.townshipCode].empty() ? v.name : v.name + "（" + townshipName[v.townshipCode] + "）");
                if (kind == "hardened_road") {
                    g.missing = "未通硬化路";
                    g.shortfall = 1;
                    g.unit = "road";
                    g.population = static_cast<double>(v.population);
                    g.populationKnown = v.populationKnown;
                    g.sentence = where + "尚未通硬化路，不符合“" + s.title + "”" + affected(v, g.population);
                } else {
                    g.missing = kindTitle(kind) + "不足";
                    g.shortfall = (target - *value) * 100;
                    g.unit = "percentage_points";
                    g.population = std::round(static_cast<double>(v.population) * (1 - *value));
                    g.populationKnown = v.populationKnown;
                    g.sentence = where + kindTitle(kind) + "为" + fmt(100 * *value, 0) + "%，低于" + fmt(100 * target, 0) + "%的目标" +
                                 fmt(g.shortfall, 0) + "个百分点，" +
                                 (v.populationKnown ? "约" + thousands(g.population) + "人未覆盖。" : std::string("人口未录入。"));
                }
                gaps.push_back(std::move(g));
            }
            if (unknown > 0)
                missingData.push_back(
                    {kind, std::to_string(unknown) + "个村没有" + kindTitle(kind) + "数据：未评价“" + s.title + "”，请导入村台账",
                     unknown});
        }
    }

    AnalysisSpec m_spec;
};
}  // namespace

std::unique_ptr<Analysis> makeGapsAnalysis() { return std::make_unique<GapsAnalysis>(); }

}  // namespace ruralatlas::services
