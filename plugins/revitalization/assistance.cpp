// The `assistance` analysis (帮扶力量与督查整改): who helps which village on a date — village work
// teams (驻村工作队), first secretaries, sponsor units, partner enterprises, east-west partners
// (assistance_units) — the villages that should have a team and have none (应派未派: former-poor
// villages, key-assisted villages and villages hosting a resettlement site, after the 2021
// 中共中央办公厅《关于向重点乡村持续选派驻村第一书记和工作队的意见》), teams per township; and
// the inspection register (督查整改台账, inspection_issues) with overdue items.
//
// Personal names (assistance_units.person_name) never leave the project unless --with-names
// is given.
#include "assistance.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "common.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"

namespace ruralatlas::revitalization {

using namespace analysis;

namespace {

long long daysFromCivil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

}  // namespace

std::optional<long long> parseDay(const std::string& raw) {
    std::string t;
    for (char c : raw)
        if (c != ' ') t += c;
    int y = 0, m = 0, d = 0;
    char extra = 0;
    auto isDigits = [](const std::string& s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (t.size() == 8 && isDigits(t)) {
        y = std::stoi(t.substr(0, 4));
        m = std::stoi(t.substr(4, 2));
        d = std::stoi(t.substr(6, 2));
    } else {
        // A time after the date (GeoPackage DATETIME) is dropped.
        if (t.size() > 10 && (t[10] == 'T' || t[10] == ' ')) t = t.substr(0, 10);
        for (char& c : t)
            if (c == '/' || c == '.') c = '-';
        if (std::sscanf(t.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) return std::nullopt;
    }
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return std::nullopt;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return std::nullopt;
    return daysFromCivil(y, unsigned(m), unsigned(d));
}

std::string dayText(long long z) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", y + (m <= 2), m, d);
    return buf;
}

namespace {

struct AVillage : VillageBase {
    bool hostsSite = false;
    long long teams = 0, members = 0, secretaries = 0;
    std::set<std::string> sponsors, enterprises, eastWest, names;
    long long issues = 0, open = 0, overdue = 0, rectified = 0;
    std::string shouldReason() const {
        std::string r;
        if (status == "former_poor") r = "脱贫村";
        if (status == "key_assisted") r = "乡村振兴重点帮扶村";
        if (hostsSite) r += std::string(r.empty() ? "" : "、") + "易地搬迁集中安置村";
        return r;
    }
};

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& x : s) out += (out.empty() ? "" : "、") + x;
    return out;
}

class Assistance final : public Analysis {
public:
    Assistance() {
        m_spec = {"assistance",
                  "帮扶力量与督查整改",
                  "Who helps which village, villages that should have a team and have none, and the inspection register",
                  {{"date", ParamType::Text, "统计日期 YYYY-MM-DD（默认：数据日期）", "Date YYYY-MM-DD (default: the data date)"},
                   {"with-names", ParamType::Flag, "输出帮扶负责人姓名（个人信息，默认不输出）",
                    "Print the persons' names (personal data; off by default)"},
                   outputParam()},
                  {{"assistance_villages", "村级帮扶力量", "Assistance by village"},
                   {"assistance_areas", "乡镇与全县帮扶力量与整改", "By township and county"},
                   {"inspection_register", "督查整改台账", "Inspection register"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: the villages, their units and issues, three tables.
AnalysisResult Assistance::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    feedback.setProgress(0.05, "读取村庄、帮扶力量与督查台账");
    const std::string dateText = p.has("date") ? p.text("date") : project.meta("data_date");
    const auto today = parseDay(dateText);
    if (!today) {
        if (p.has("date")) throw UsageError("--date " + dateText + ": not a date (YYYY-MM-DD)");
        throw DataError({project.name(), "project_meta", "data_date", "value"},
                        "the project's data date '" + dateText + "' is not a date (YYYY-MM-DD); give --date");
    }
    const bool withNames = p.flag("with-names");
    std::vector<AVillage> vs;
    const auto index = readVillageRows<AVillage>(project, {}, vs);
    std::map<std::string, std::string> townNames;
    for (const auto& t : project.townships()) townNames[t.code] = t.name;
    if (project.layerInfo("resettlement_sites")) {
        FeatureQuery q;
        q.geometry = false;
        readFields(project, "resettlement_sites", {"village_code", "status"}, q, [&](const Feature&, const std::vector<ResultValue>& v) {
            const auto it = index.find(valueAsText(v[0]));
            const std::string st = valueAsText(v[1]);
            if (it != index.end() && st != "closed" && st != "planned") vs[it->second].hostsSite = true;
        });
    }
    auto dateOf = [&](const std::string& layer, const Feature& f, const std::string& field,
                      const ResultValue& v) -> std::optional<long long> {
        const std::string t = valueAsText(v);
        if (t.empty()) return std::nullopt;
        const auto d = parseDay(t);
        if (!d)
            throw DataError({project.name(), layer, "fid " + std::to_string(f.fid), field},
                            "'" + t + "' is not a date (write it as YYYY-MM-DD)");
        return d;
    };
    const bool hasUnits = project.layerInfo("assistance_units").has_value();
    long long unitsActive = 0, unitsUnknownVillage = 0;
    if (hasUnits) {
        FeatureQuery q;
        q.geometry = false;
        readFields(project, "assistance_units", {"village_code", "kind", "unit_name", "members", "start_date", "end_date", "person_name"},
                   q, [&](const Feature& f, const std::vector<ResultValue>& v) {
                       const auto start = dateOf("assistance_units", f, "start_date", v[4]);
                       const auto end = dateOf("assistance_units", f, "end_date", v[5]);
                       if ((start && *start > *today) || (end && *end < *today)) return;  // not on the date
                       const auto it = index.find(valueAsText(v[0]));
                       if (it == index.end()) {
                           ++unitsUnknownVillage;
                           return;
                       }
                       ++unitsActive;
                       AVillage& r = vs[it->second];
                       const std::string kind = valueAsText(v[1]), unit = valueAsText(v[2]);
                       if (kind == "work_team") {
                           ++r.teams;
                           r.members += valueAsInteger(v[3]).value_or(0);
                           r.sponsors.insert(unit);  // the team's sending unit helps the village too
                       } else if (kind == "first_secretary") {
                           ++r.secretaries;
                       } else if (kind == "sponsor_unit") {
                           r.sponsors.insert(unit);
                       } else if (kind == "partner_enterprise") {
                           r.enterprises.insert(unit);
                       } else if (kind == "east_west") {
                           r.eastWest.insert(unit);
                       }
                       const std::string person = valueAsText(v[6]);
                       if (withNames && !person.empty())
                           r.names.insert(person + "（" + std::string(codeTitle("assistance_kind", kind).value_or(kind)) + "）");
                   });
    }
    // The register.
    struct Issue {
        std::string id, village, source, category, issue, status, followUp;
        long long found = 0;
        std::optional<long long> deadline, closed;
        std::size_t v = SIZE_MAX;
    };
    std::vector<Issue> issues;
    const bool hasIssues = project.layerInfo("inspection_issues").has_value();
    if (hasIssues) {
        FeatureQuery q;
        q.geometry = false;
        readFields(project, "inspection_issues",
                   {"id", "village_code", "found_date", "source", "category", "issue", "deadline", "status", "closed_date", "follow_up"}, q,
                   [&](const Feature& f, const std::vector<ResultValue>& v) {
                       Issue is;
                       is.id = valueAsText(v[0]);
                       is.village = valueAsText(v[1]);
                       const auto found = dateOf("inspection_issues", f, "found_date", v[2]);
                       if (!found)
                           throw DataError({project.name(), "inspection_issues", "fid " + std::to_string(f.fid), "found_date"},
                                           "an issue needs the date it was found");
                       is.found = *found;
                       if (is.found > *today) return;  // not yet found on the date
                       is.source = valueAsText(v[3]);
                       is.category = valueAsText(v[4]);
                       is.issue = valueAsText(v[5]);
                       is.deadline = dateOf("inspection_issues", f, "deadline", v[6]);
                       is.status = valueAsText(v[7]);
                       is.closed = dateOf("inspection_issues", f, "closed_date", v[8]);
                       // Closed after the date: still open on it.
                       if (is.status != "open" && is.closed && *is.closed > *today) {
                           is.status = "open";
                           is.closed.reset();
                       }
                       if (is.status != "open" && is.status != "rectified" && is.status != "verified")
                           throw DataError({project.name(), "inspection_issues", "fid " + std::to_string(f.fid), "status"},
                                           "'" + is.status + "' is not a status (open 整改中, rectified 已整改, verified 已验收销号)");
                       is.followUp = valueAsText(v[9]);
                       if (auto it = index.find(is.village); it != index.end()) is.v = it->second;
                       issues.push_back(std::move(is));
                   });
    }
    std::sort(issues.begin(), issues.end(),
              [](const Issue& a, const Issue& b) { return std::tie(a.found, a.id) < std::tie(b.found, b.id); });
    long long issuesUnknownVillage = 0;
    for (const Issue& is : issues) {
        if (is.v == SIZE_MAX) {
            ++issuesUnknownVillage;
            continue;
        }
        AVillage& r = vs[is.v];
        ++r.issues;
        if (is.status == "open") {
            ++r.open;
            if (is.deadline && *is.deadline < *today) ++r.overdue;
        } else {
            ++r.rectified;
        }
    }

    // Villages.
    std::vector<ResultColumn> vcols = {{"village_code", ResultFieldType::Text, "村代码"},
                                       {"village_name", ResultFieldType::Text, "村名"},
                                       {"township_code", ResultFieldType::Text, "乡镇代码"},
                                       {"status", ResultFieldType::Text, "村类别"},
                                       {"should_have_team", ResultFieldType::Integer, "应派驻村工作队"},
                                       {"should_have_reason", ResultFieldType::Text, "选派依据"},
                                       {"work_teams", ResultFieldType::Integer, "驻村工作队"},
                                       {"team_members", ResultFieldType::Integer, "工作队员"},
                                       {"first_secretaries", ResultFieldType::Integer, "第一书记"},
                                       {"missing_team", ResultFieldType::Integer, "应派未派"},
                                       {"sponsor_units", ResultFieldType::Text, "帮扶单位"},
                                       {"enterprises", ResultFieldType::Text, "结对企业"},
                                       {"east_west", ResultFieldType::Text, "东西部协作"},
                                       {"issues_open", ResultFieldType::Integer, "整改中问题"},
                                       {"issues_overdue", ResultFieldType::Integer, "逾期未整改"},
                                       {"issues_rectified", ResultFieldType::Integer, "已整改问题"}};
    if (withNames) vcols.push_back({"persons", ResultFieldType::Text, "帮扶负责人"});
    ResultTableBuilder vt("assistance_villages", "村级帮扶力量", ResultGeometry::Point, vcols);
    for (const AVillage& v : vs) {
        const std::string reason = v.shouldReason();
        const bool should = !reason.empty(), hasTeam = v.teams > 0 || v.secretaries > 0;
        std::vector<ResultValue> row = {v.code,
                                        v.name,
                                        v.town,
                                        v.status.empty() ? ResultValue() : ResultValue(v.status),
                                        (long long)(should ? 1 : 0),
                                        reason.empty() ? ResultValue() : ResultValue(reason),
                                        hasUnits ? ResultValue(v.teams) : ResultValue(),
                                        hasUnits ? ResultValue(v.members) : ResultValue(),
                                        hasUnits ? ResultValue(v.secretaries) : ResultValue(),
                                        hasUnits ? ResultValue((long long)(should && !hasTeam ? 1 : 0)) : ResultValue(),
                                        v.sponsors.empty() ? ResultValue() : ResultValue(joined(v.sponsors)),
                                        v.enterprises.empty() ? ResultValue() : ResultValue(joined(v.enterprises)),
                                        v.eastWest.empty() ? ResultValue() : ResultValue(joined(v.eastWest)),
                                        hasIssues ? ResultValue(v.open) : ResultValue(),
                                        hasIssues ? ResultValue(v.overdue) : ResultValue(),
                                        hasIssues ? ResultValue(v.rectified) : ResultValue()};
        if (withNames) row.push_back(v.names.empty() ? ResultValue() : ResultValue(joined(v.names)));
        std::vector<XY> shape;
        if (v.hasPoint) shape.push_back(v.at);
        vt.add(std::move(row), std::move(shape));
    }

    // Areas.
    ResultTableBuilder at("assistance_areas", "乡镇与全县帮扶力量与整改", ResultGeometry::None,
                          {{"level", ResultFieldType::Text, "层级"},
                           {"code", ResultFieldType::Text, "代码"},
                           {"name", ResultFieldType::Text, "名称"},
                           {"villages", ResultFieldType::Integer, "村数"},
                           {"villages_should_have", ResultFieldType::Integer, "应派驻的村"},
                           {"villages_with_team", ResultFieldType::Integer, "已派驻的村（应派驻中）"},
                           {"villages_missing_team", ResultFieldType::Integer, "应派未派的村"},
                           {"work_teams", ResultFieldType::Integer, "驻村工作队"},
                           {"team_members", ResultFieldType::Integer, "工作队员"},
                           {"first_secretaries", ResultFieldType::Integer, "第一书记"},
                           {"sponsor_units", ResultFieldType::Integer, "帮扶单位（个）"},
                           {"issues", ResultFieldType::Integer, "督查问题"},
                           {"issues_open", ResultFieldType::Integer, "整改中"},
                           {"issues_overdue", ResultFieldType::Integer, "逾期未整改"},
                           {"issues_rectified", ResultFieldType::Integer, "已整改"},
                           {"finding", ResultFieldType::Text, "研判"}});
    std::map<std::string, std::vector<std::size_t>> byTown;
    for (std::size_t i = 0; i < vs.size(); ++i) byTown[vs[i].town].push_back(i);
    std::string summary;
    auto addArea = [&](const std::string& level, const std::string& code, const std::string& name, const std::vector<std::size_t>& list) {
        long long should = 0, with = 0, missing = 0, teams = 0, members = 0, secretaries = 0, n = 0, open = 0, overdue = 0, rectified = 0;
        std::set<std::string> sponsors;
        std::vector<std::string> missingNames;
        for (std::size_t i : list) {
            const AVillage& v = vs[i];
            const bool s = !v.shouldReason().empty(), has = v.teams > 0 || v.secretaries > 0;
            should += s;
            with += s && has;
            if (s && !has) {
                ++missing;
                missingNames.push_back(v.name);
            }
            teams += v.teams;
            members += v.members;
            secretaries += v.secretaries;
            sponsors.insert(v.sponsors.begin(), v.sponsors.end());
            n += v.issues;
            open += v.open;
            overdue += v.overdue;
            rectified += v.rectified;
        }
        std::string finding;
        if (hasUnits && missing) {
            finding = "应派未派" + std::to_string(missing) + "个村（";
            for (std::size_t k = 0; k < missingNames.size() && k < 5; ++k) finding += (k ? "、" : "") + missingNames[k];
            finding += missingNames.size() > 5 ? "等）" : "）";
        }
        if (overdue) finding += std::string(finding.empty() ? "" : "；") + std::to_string(overdue) + "个督查问题逾期未整改";
        auto unitsOr = [&](long long x) { return hasUnits ? ResultValue(x) : ResultValue(); };
        auto issuesOr = [&](long long x) { return hasIssues ? ResultValue(x) : ResultValue(); };
        at.add({level, code, name, (long long)list.size(), should, unitsOr(with), unitsOr(missing), unitsOr(teams), unitsOr(members),
                unitsOr(secretaries), unitsOr((long long)sponsors.size()), issuesOr(n), issuesOr(open), issuesOr(overdue),
                issuesOr(rectified), finding.empty() ? ResultValue() : ResultValue(finding)});
        if (level == "county") {
            summary = "帮扶力量与督查整改（" + dayText(*today) + "）：" + name + "，" + std::to_string(list.size()) + "个村\n";
            if (hasUnits)
                summary += "  应派驻村工作队的村 " + std::to_string(should) + " 个，已派驻 " + std::to_string(with) + " 个，应派未派 " +
                           std::to_string(missing) + " 个；驻村工作队 " + std::to_string(teams) + " 支（队员 " + std::to_string(members) +
                           " 人），第一书记 " + std::to_string(secretaries) + " 名，帮扶单位 " + std::to_string(sponsors.size()) + " 个\n";
            else
                summary += "  项目没有帮扶力量表（assistance_units）：应派驻的村 " + std::to_string(should) + " 个，派驻情况无数据\n";
            if (hasIssues)
                summary += "  督查问题 " + std::to_string(n) + " 个：整改中 " + std::to_string(open) + " 个（逾期 " +
                           std::to_string(overdue) + " 个），已整改 " + std::to_string(rectified) + " 个\n";
            else
                summary += "  项目没有督查整改台账（inspection_issues）\n";
        }
    };
    for (const auto& [t, list] : byTown) {
        const auto nm = townNames.find(t);
        addArea("township", t, nm == townNames.end() ? t : nm->second, list);
    }
    std::vector<std::size_t> all(vs.size());
    for (std::size_t i = 0; i < vs.size(); ++i) all[i] = i;
    addArea("county", project.meta("county_code"), project.meta("county_name"), all);
    if (unitsUnknownVillage) summary += "  帮扶力量表中 " + std::to_string(unitsUnknownVillage) + " 行的村代码不在村庄图层中，未计入\n";
    if (issuesUnknownVillage)
        summary += "  督查台账中 " + std::to_string(issuesUnknownVillage) + " 个问题的村代码不在村庄图层中（列于台账，不在地图上）\n";

    // The register.
    ResultTableBuilder rt("inspection_register", "督查整改台账", ResultGeometry::Point,
                          {{"id", ResultFieldType::Text, "问题编号"},
                           {"village_code", ResultFieldType::Text, "村代码"},
                           {"village_name", ResultFieldType::Text, "村名"},
                           {"township_name", ResultFieldType::Text, "乡镇"},
                           {"found_date", ResultFieldType::Text, "发现日期"},
                           {"source", ResultFieldType::Text, "问题来源"},
                           {"category", ResultFieldType::Text, "问题类别"},
                           {"issue", ResultFieldType::Text, "问题描述"},
                           {"deadline", ResultFieldType::Text, "整改时限"},
                           {"status", ResultFieldType::Text, "整改状态"},
                           {"closed_date", ResultFieldType::Text, "整改完成日期"},
                           {"overdue", ResultFieldType::Text, "是否逾期"},
                           {"days_overdue", ResultFieldType::Integer, "逾期天数"},
                           {"days_to_close", ResultFieldType::Integer, "整改用时（天）"},
                           {"follow_up", ResultFieldType::Text, "跟踪情况"}});
    for (const Issue& is : issues) {
        const AVillage* v = is.v == SIZE_MAX ? nullptr : &vs[is.v];
        const bool open = is.status == "open";
        const bool late = open && is.deadline && *is.deadline < *today;
        const bool closedLate = !open && is.deadline && is.closed && *is.closed > *is.deadline;
        std::string overdueText = open ? (late ? "逾期" : is.deadline ? "未到期" : "无时限") : (closedLate ? "逾期整改" : "按期整改");
        auto opt = [](const std::string& s) { return s.empty() ? ResultValue() : ResultValue(s); };
        std::string town;
        if (v)
            if (auto t = townNames.find(v->town); t != townNames.end()) town = t->second;
        std::vector<XY> shape;
        if (v && v->hasPoint) shape.push_back(v->at);
        rt.add({is.id, is.village, v ? ResultValue(v->name) : ResultValue(), opt(town), dayText(is.found), opt(is.source), opt(is.category),
                is.issue, is.deadline ? ResultValue(dayText(*is.deadline)) : ResultValue(),
                std::string(codeTitle("issue_status", is.status).value_or(is.status)),
                is.closed ? ResultValue(dayText(*is.closed)) : ResultValue(), overdueText,
                late ? ResultValue(*today - *is.deadline) : ResultValue(), is.closed ? ResultValue(*is.closed - is.found) : ResultValue(),
                opt(is.followUp)},
               std::move(shape));
    }

    AnalysisResult res;
    res.tables.push_back(std::move(vt).build());
    res.tables.back().style = "revitalization/assistance.json";
    res.tables.push_back(std::move(at).build());
    res.tables.push_back(std::move(rt).build());
    res.tables.back().style = "revitalization/assistance.json";
    res.summaryText = summary;
    long long should = 0, missing = 0, open = 0, overdue = 0;
    for (const AVillage& v : vs) {
        const bool s = !v.shouldReason().empty();
        should += s;
        missing += s && v.teams == 0 && v.secretaries == 0;
        open += v.open;
        overdue += v.overdue;
    }
    res.summaryJson = "{\"date\": " + jsonQuote(dayText(*today)) + ", \"villages\": " + std::to_string(vs.size()) +
                      ", \"villages_should_have_team\": " + std::to_string(should) +
                      ", \"villages_missing_team\": " + (hasUnits ? std::to_string(missing) : std::string("null")) +
                      ", \"units_active\": " + std::to_string(unitsActive) + ", \"issues\": " + std::to_string(issues.size()) +
                      ", \"issues_open\": " + std::to_string(open) + ", \"issues_overdue\": " + std::to_string(overdue) + "}";
    feedback.setProgress(1.0, "完成");
    return res;
}

}  // namespace

std::unique_ptr<Analysis> makeAssistance() { return std::make_unique<Assistance>(); }

}  // namespace ruralatlas::revitalization
