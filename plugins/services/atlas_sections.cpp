// What the services module prints in an atlas: four sections a layout's table frames name.
//   services          village pages: each coverage the layout asks for, the nearest facility,
//                     its distance and time, and whether the standard is met
//   coverage_summary  township pages: per coverage, villages, villages meeting the standard,
//                     unreachable villages, and the share of people covered
//   villages_ranking  township pages: the villages by number of gaps, then population
//   gaps              village pages: one sentence per unmet standard (paragraphs);
//                     township pages: gaps by what is missing, villages and people affected
// They read the coverage_<kind>_<mode> and gaps result layers through the feature port, whether
// the results were given as files or computed for this atlas.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "analysis/atlas_section.hpp"
#include "core/error.hpp"
#include "core/schema.hpp"

namespace ruralatlas::services {

using namespace analysis;

namespace {

// A number with `decimals` places, ties rounded away from zero (as the atlas prints numbers);
// "—" for an unknown value.
std::string fixed(double v, int decimals) {
    if (std::isnan(v)) return "—";
    // The decimal expansion well past the last printed place decides the rounding exactly.
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", decimals + 25, v);
    std::string s = buf;
    const bool negative = s[0] == '-';
    if (negative) s.erase(0, 1);
    const size_t dot = s.find('.');
    const char next = s[dot + 1 + size_t(decimals)];
    std::string kept = s.substr(0, decimals > 0 ? dot + 1 + size_t(decimals) : dot);
    if (next >= '5') {
        // Add one unit in the last place, carrying through the digits.
        int i = int(kept.size()) - 1;
        for (; i >= 0; --i) {
            if (kept[size_t(i)] == '.') continue;
            if (kept[size_t(i)] == '9') {
                kept[size_t(i)] = '0';
            } else {
                ++kept[size_t(i)];
                break;
            }
        }
        if (i < 0) kept.insert(kept.begin(), '1');
    }
    const bool zero = std::all_of(kept.begin(), kept.end(), [](char c) { return c == '0' || c == '.'; });
    return (negative && !zero ? "-" : "") + kept;
}

std::string groupDigits(long long n) {
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
    return n < 0 ? "-" + s : s;
}

std::string enumTitle(const char* enumeration, const std::string& code) {
    const auto t = codeTitle(enumeration, code);
    return t ? std::string(*t) : code;
}

std::string modeWord(const std::string& mode) { return mode == "road" ? "（道路）" : mode == "walk" ? "（步行）" : "（直线）"; }

std::string text(const ResultValue& v) { return valueAsText(v); }
long long integer(const ResultValue& v, long long fallback) { return valueAsInteger(v).value_or(fallback); }
double real(const ResultValue& v) { return valueAsReal(v).value_or(NAN); }

// Reads `fields` of a result layer (missing optional fields as null); DataError naming the
// source when a required one is missing.
void readLayer(FeatureSource& source, const std::string& layer, const std::vector<std::string>& fields,
               const std::vector<std::string>& required, const std::string& what,
               const std::function<void(const std::vector<ResultValue>&)>& fn) {
    const std::optional<LayerInfo> info = source.layerInfo(layer);
    for (const auto& r : required)
        if (!info || info->fieldIndex(r) < 0)
            throw DataError({source.name(), layer, "", r}, "not a " + what + " result: the field is missing");
    FeatureQuery q;
    q.geometry = false;
    readFields(source, layer, fields, q, [&](const Feature&, const std::vector<ResultValue>& v) { fn(v); });
}

struct ServiceRow {
    std::string kind, mode, facilityName;
    double distanceM = NAN, minutes = NAN;
    bool covered = false, reachable = false;
    bool judged = true;  // false: the run had no data to judge by ("covered" left empty)
};

struct GapRow {
    std::string missing, sentence;
    long long population = -1;  // -1: not recorded
};

// Coverage rows per village, in the layout's order of coverage requests.
std::map<std::string, std::vector<ServiceRow>> readCoverage(const SectionInputs& in) {
    std::map<std::string, std::vector<ServiceRow>> out;
    for (const auto& [kind, mode] : in.coverage) {
        const std::string layer = "coverage_" + kind + "_" + mode;
        FeatureSource* source = findResultLayer(in.layers, layer);
        if (!source)
            throw DataError({in.layers.empty() ? in.layoutFile : in.layers.front()->name(), layer, "", ""},
                            "no coverage result layer " + layer + " among the results");
        readLayer(*source, layer, {"village_code", "facility_name", "distance_m", "minutes", "covered", "reachable"},
                  {"village_code", "covered"}, "coverage", [&, k = kind, m = mode](const std::vector<ResultValue>& v) {
                      ServiceRow s;
                      s.kind = k;
                      s.mode = m;
                      s.facilityName = text(v[1]);
                      s.distanceM = real(v[2]);
                      s.minutes = real(v[3]);
                      s.judged = valueAsInteger(v[4]).has_value();
                      s.covered = integer(v[4], 0) != 0;
                      s.reachable = s.judged && integer(v[5], 1) != 0;
                      out[text(v[0])].push_back(s);
                  });
    }
    return out;
}

// Gaps per village.
std::map<std::string, std::vector<GapRow>> readGaps(const SectionInputs& in) {
    std::map<std::string, std::vector<GapRow>> out;
    FeatureSource* source = findResultLayer(in.layers, "gaps");
    if (!source)
        throw DataError({in.layers.empty() ? in.layoutFile : in.layers.front()->name(), "gaps", "", ""},
                        "no gaps result layer among the results");
    readLayer(*source, "gaps", {"village_code", "missing", "population_affected", "sentence"}, {"village_code", "missing"}, "gaps",
              [&](const std::vector<ResultValue>& v) {
                  out[text(v[0])].push_back({text(v[1]), text(v[3]), integer(v[2], -1)});
              });
    return out;
}

// The within-rules of the standards table by "kind|mode" (the rules the gaps analysis applies).
std::map<std::string, Standard> withinRules(const std::vector<Standard>& standards) {
    std::map<std::string, Standard> out;
    for (const auto& s : standards)
        if (s.rule == "within" && s.threshold && (s.mode == "straight" ? s.measure == "distance_m" : s.measure == "minutes"))
            out.emplace(s.kind + "|" + s.mode, s);
    return out;
}

std::string modeName(const std::string& mode) { return mode == "road" ? "道路" : mode == "walk" ? "步行" : "直线"; }

// "道路≤30分钟" for the rule of a kind and mode; "无道路标准" when the table has none.
std::string ruleText(const std::map<std::string, Standard>& rules, const std::string& kind, const std::string& mode) {
    auto it = rules.find(kind + "|" + mode);
    if (it == rules.end()) return "无" + modeName(mode) + "标准";
    return modeName(mode) + "≤" + fixed(*it->second.threshold, 0) + (mode == "straight" ? "米" : "分钟");
}

// Whether a coverage row meets the rule of its own kind and mode; nullopt when there is none.
std::optional<bool> meets(const std::map<std::string, Standard>& rules, const ServiceRow& s) {
    auto it = rules.find(s.kind + "|" + s.mode);
    if (it == rules.end()) return std::nullopt;
    const double value = s.mode == "straight" ? s.distanceM : s.minutes;
    return s.reachable && std::isfinite(value) && value <= *it->second.threshold;
}

// One page, one truth: a row is judged only by the standard of its own service and mode (the
// rule the gaps list applies), and names it; a mode without a standard is shown, not judged.
// The kinds the gaps analysis could not judge for want of data (kind, title); empty when the
// results have no such table (all data present, or results written before it existed).
std::vector<std::pair<std::string, std::string>> readMissingData(const SectionInputs& in) {
    std::vector<std::pair<std::string, std::string>> out;
    if (FeatureSource* source = findResultLayer(in.layers, "gaps_missing_data"))
        readLayer(*source, "gaps_missing_data", {"kind", "title"}, {"kind"}, "gaps",
                  [&](const std::vector<ResultValue>& v) { out.emplace_back(text(v[0]), text(v[1])); });
    return out;
}

// The titles of what could not be judged, once each: "幼儿园、公交站点".
std::string missingTitles(const std::vector<std::pair<std::string, std::string>>& missing) {
    std::string titles;
    for (const auto& [kind, title] : missing)
        if (titles.find(title) == std::string::npos) titles += (titles.empty() ? "" : "、") + title;
    return titles;
}

class ServicesSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& in) override {
        m_rows = readCoverage(in);
        m_rules = withinRules(in.standards);
        for (const auto& s : in.standards)
            if (s.rule == "within" && s.threshold) m_kindRules[s.kind].push_back(s);
        // The gaps, when the atlas has them: the verdict of the kind's own standards.
        for (const auto& [kind, title] : readMissingData(in)) m_missingKinds.insert(kind);
        for (const auto& [village, rows] : m_rows)
            for (const auto& s : rows)
                if (s.reachable) m_reachableKinds.insert(s.kind + "|" + s.mode);
        if (FeatureSource* source = findResultLayer(in.layers, "gaps")) {
            m_haveGaps = true;
            readLayer(*source, "gaps", {"village_code", "kind"}, {"village_code", "kind"}, "gaps",
                      [&](const std::vector<ResultValue>& v) { m_gapKinds.insert(text(v[0]) + "|" + text(v[1])); });
        }
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        t.header = {"服务（方式）", "最近的设施", "距离(公里)", "用时(分钟)", "标准", "是否达标"};
        t.widths = {1.4, 1.7, 0.8, 0.8, 1.9, 1.1};
        t.align = {SectionAlign::Left,  SectionAlign::Left,   SectionAlign::Right,
                   SectionAlign::Right, SectionAlign::Center, SectionAlign::Center};
        if (auto it = m_rows.find(page.code); it != m_rows.end())
            for (const auto& s : it->second) {
                const auto met = meets(m_rules, s);
                std::string standard = ruleText(m_rules, s.kind, s.mode);
                std::string verdict = !s.reachable ? "不可达" : !met ? "未评价" : *met ? "达标" : "未达标";
                // No rule for this mode: the kind's own rules judge, as in the gaps list.
                if (!m_reachableKinds.count(s.kind + "|" + s.mode) || m_missingKinds.count(s.kind)) {
                    verdict = "无数据，未评价";
                } else if (!s.reachable) {
                    verdict = "不可达";
                } else if (!met && m_haveGaps) {
                    if (auto kr = m_kindRules.find(s.kind); kr != m_kindRules.end()) {
                        standard.clear();
                        for (const auto& r : kr->second)
                            standard += (standard.empty() ? "" : "或") + modeName(r.mode) + "≤" + fixed(*r.threshold, 0) +
                                        (r.mode == "straight" ? "米" : "分钟");
                        verdict = m_gapKinds.count(page.code + "|" + s.kind) ? "未达标（见短板）" : "达标";
                    }
                }
                t.rows.push_back({enumTitle("facility_kind", s.kind) + modeWord(s.mode), s.reachable ? s.facilityName : "—",
                                  s.reachable ? fixed(s.distanceM / 1000, 2) : "—", s.reachable ? fixed(s.minutes, 0) : "—", standard,
                                  verdict});
            }
        return t;
    }

private:
    std::map<std::string, std::vector<ServiceRow>> m_rows;
    std::map<std::string, Standard> m_rules;                   // "kind|mode" -> its within-rule
    std::map<std::string, std::vector<Standard>> m_kindRules;  // kind -> its within-rules
    bool m_haveGaps = false;
    std::set<std::string> m_gapKinds;        // "village|kind" with a gap
    std::set<std::string> m_missingKinds;    // kinds the gaps could not judge
    std::set<std::string> m_reachableKinds;  // "kind|mode" with at least one reachable facility
};

class CoverageSummarySection final : public AtlasSection {
public:
    void prepare(const SectionInputs& in) override {
        m_rows = readCoverage(in);
        m_coverage = in.coverage;
        m_villages = in.villages;
        m_rules = withinRules(in.standards);
        for (const auto& [kind, title] : readMissingData(in)) m_missingKinds.insert(kind);
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        t.header = {"服务（方式）", "标准", "村数", "达标村", "不可达", "人口达标率"};
        t.widths = {1.5, 1.3, 0.6, 0.7, 0.7, 0.9};
        t.align = {SectionAlign::Left,  SectionAlign::Center, SectionAlign::Right,
                   SectionAlign::Right, SectionAlign::Right,  SectionAlign::Right};
        for (const auto& [kind, mode] : m_coverage) {
            long long n = 0, ok = 0, unreachable = 0, pop = 0, popOk = 0, popUnknown = 0, notJudged = 0;
            for (const auto& v : m_villages) {
                if (v.townshipCode != page.code) continue;
                auto it = m_rows.find(v.code);
                if (it == m_rows.end()) continue;
                for (const auto& s : it->second)
                    if (s.kind == kind && s.mode == mode) {
                        ++n;
                        notJudged += s.judged ? 0 : 1;
                        // The rate is over the villages that record a population.
                        if (v.populationKnown)
                            pop += v.population;
                        else
                            ++popUnknown;
                        if (!s.reachable) ++unreachable;
                        if (meets(m_rules, s).value_or(false)) {
                            ++ok;
                            if (v.populationKnown) popOk += v.population;
                        }
                    }
            }
            // Judged: a rule for this mode, and data to judge by (facilities, roads).
            // (Results written before "covered" was left empty: the gaps' missing data, when no
            // village reaches a facility.)
            const bool noData = notJudged > 0 || (m_missingKinds.count(kind) && unreachable == n);
            const bool judged = m_rules.count(kind + "|" + mode) > 0 && !noData;
            t.rows.push_back({enumTitle("facility_kind", kind) + modeWord(mode), ruleText(m_rules, kind, mode), std::to_string(n),
                              noData   ? "无数据"
                              : judged ? std::to_string(ok)
                                       : "未评价",
                              noData ? "—" : std::to_string(unreachable),
                              !judged          ? "—"
                              : pop > 0        ? fixed(100.0 * double(popOk) / double(pop), 1) + "%"
                              : popUnknown > 0 ? "人口未录入"
                                               : "—"});
        }
        return t;
    }

private:
    std::map<std::string, std::vector<ServiceRow>> m_rows;
    std::vector<std::pair<std::string, std::string>> m_coverage;
    std::vector<SectionVillage> m_villages;
    std::map<std::string, Standard> m_rules;
    std::set<std::string> m_missingKinds;  // kinds the gaps could not judge
};

class VillagesRankingSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& in) override {
        m_gaps = readGaps(in);
        m_villages = in.villages;
        m_missing = !readMissingData(in).empty();
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        t.header = {"序", "村名", "村类别", "户籍人口", "短板数", "主要短板"};
        t.widths = {0.55, 1.2, 1.1, 1.1, 0.9, 2.9};
        t.align = {SectionAlign::Center, SectionAlign::Left,  SectionAlign::Left,
                   SectionAlign::Right,  SectionAlign::Right, SectionAlign::Left};
        struct Rank {
            const SectionVillage* v;
            size_t gaps;
            std::string missing;
        };
        std::vector<Rank> ranks;
        for (const auto& v : m_villages) {
            if (v.townshipCode != page.code) continue;
            Rank r{&v, 0, {}};
            if (auto it = m_gaps.find(v.code); it != m_gaps.end()) {
                r.gaps = it->second.size();
                for (const auto& g : it->second) r.missing += (r.missing.empty() ? "" : "、") + g.missing;
            }
            ranks.push_back(r);
        }
        std::stable_sort(ranks.begin(), ranks.end(), [](const Rank& a, const Rank& b) {
            return a.gaps != b.gaps ? a.gaps > b.gaps : a.v->population > b.v->population;
        });
        int i = 0;
        for (const auto& r : ranks)
            t.rows.push_back({std::to_string(++i), r.v->name, r.v->status.empty() ? "未录入" : enumTitle("village_status", r.v->status),
                              r.v->populationKnown ? groupDigits(r.v->population) : "未录入", std::to_string(r.gaps),
                              !r.missing.empty() ? r.missing
                              : m_missing        ? "无（部分未评价）"
                                                 : "无"});
        return t;
    }

private:
    std::map<std::string, std::vector<GapRow>> m_gaps;
    std::vector<SectionVillage> m_villages;
    bool m_missing = false;  // some standards could not be judged for want of data
};

class GapsSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& in) override {
        m_gaps = readGaps(in);
        m_villages = in.villages;
        m_missing = readMissingData(in);
        std::set<std::string> kinds, missing;
        for (const auto& s : in.standards) kinds.insert(s.kind);
        for (const auto& [kind, title] : m_missing) missing.insert(kind);
        m_someJudged = std::any_of(kinds.begin(), kinds.end(), [&](const std::string& k) { return !missing.count(k); });
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        if (page.kind == "villages") {
            // One sentence per unmet standard, the most people affected first.
            t.paragraphs = true;
            t.empty = "对照各项标准均已达标。";
            if (auto it = m_gaps.find(page.code); it != m_gaps.end()) {
                auto rows = it->second;
                std::stable_sort(rows.begin(), rows.end(), [](const GapRow& a, const GapRow& b) { return a.population > b.population; });
                for (const auto& g : rows) t.rows.push_back({g.sentence.empty() ? g.missing : g.sentence});
            }
            // What could not be judged is said, never passed over as "met".
            if (!m_missing.empty()) {
                const std::string titles = missingTitles(m_missing);
                t.rows.push_back({(t.rows.empty() && m_someJudged ? std::string("已评价的标准均已达标；") : std::string()) +
                                  "缺少数据，未评价：" + titles + "（导入后重新分析）。"});
            }
            return t;
        }
        t.header = {"短板", "涉及村数", "影响人口"};
        t.widths = {2.2, 0.8, 1};
        t.align = {SectionAlign::Left, SectionAlign::Right, SectionAlign::Right};
        t.empty = "各村均达到标准";
        struct Affected {
            long long villages = 0, population = 0, unknown = 0;  // unknown: villages with no population recorded
        };
        std::map<std::string, Affected> byMissing;
        for (const auto& v : m_villages) {
            if (v.townshipCode != page.code) continue;
            if (auto it = m_gaps.find(v.code); it != m_gaps.end())
                for (const auto& g : it->second) {
                    Affected& a = byMissing[g.missing];
                    ++a.villages;
                    if (g.population >= 0)
                        a.population += g.population;
                    else
                        ++a.unknown;
                }
        }
        std::vector<std::pair<std::string, Affected>> rows(byMissing.begin(), byMissing.end());
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.population > b.second.population; });
        for (const auto& [m, a] : rows)
            t.rows.push_back({m, std::to_string(a.villages),
                              a.unknown == 0            ? groupDigits(a.population)
                              : a.unknown == a.villages ? std::string("未录入")
                                                        : groupDigits(a.population) + "+（" + std::to_string(a.unknown) + "村未录入）"});
        // What could not be judged is said, never passed over as "all met".
        if (!m_missing.empty()) {
            const std::string titles = missingTitles(m_missing);
            t.rows.push_back({"缺少数据，未评价：" + titles, "—", "—"});
        }
        return t;
    }

private:
    std::map<std::string, std::vector<GapRow>> m_gaps;
    std::vector<SectionVillage> m_villages;
    std::vector<std::pair<std::string, std::string>> m_missing;  // kind, title
    bool m_someJudged = true;
};

}  // namespace

void registerAtlasSections(Registry& registry) {
    registry.addSection(
        {"services", "公共服务可达性", "Access to public services", {"villages"}, {}, [] { return std::make_unique<ServicesSection>(); }});
    registry.addSection({"coverage_summary", "服务覆盖汇总", "Coverage summary", {"townships"}, {}, [] {
                             return std::make_unique<CoverageSummarySection>();
                         }});
    registry.addSection({"villages_ranking", "各村短板排序", "Villages by gaps", {"townships"}, {{"gaps", {}}}, [] {
                             return std::make_unique<VillagesRankingSection>();
                         }});
    registry.addSection({"gaps", "公共服务短板", "Service gaps", {"villages", "townships"}, {{"gaps", {}}}, [] {
                             return std::make_unique<GapsSection>();
                         }});
}

}  // namespace ruralatlas::services
