// The atlas sections of revitalization monitoring (township, village and county pages; the
// battle-map layout styles/atlas/township_battle_map.json and the county overview
// styles/atlas/county_overview.json print them): the indicators of the page and their
// trend as a chart, return-to-poverty risk, assistance and the open inspection issues, industry
// and the collective economy. Each reads the result layers of its analysis (given with --result,
// else run by the atlas); household counts arrive already protected (risk.cpp), so a blank
// prints as "<5 或已隐去" and never as a figure.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "analysis/analysis.hpp"
#include "analysis/atlas_section.hpp"
#include "core/error.hpp"
#include "core/format.hpp"

namespace ruralatlas::revitalization {

using namespace analysis;

namespace {

using Row = std::map<std::string, ResultValue>;

// Every row of a result layer (none when the atlas has no such layer), after checking it holds
// the fields the section reads.
std::vector<Row> readRows(const SectionInputs& inputs, const std::string& layer, const std::vector<std::string>& needed,
                          const std::string& analysis) {
    std::vector<Row> rows;
    FeatureSource* source = findResultLayer(inputs.layers, layer);
    if (!source) return rows;
    const std::optional<LayerInfo> info = source->layerInfo(layer);
    for (const std::string& f : needed)
        if (info->fieldIndex(f) < 0)
            throw DataError({source->name(), layer, "", f}, "not a result of `" + analysis + "`: the field is missing");
    FeatureQuery q;
    q.allFields = true;
    q.geometry = false;
    source->readFeatures(layer, q, [&](const Feature& f) {
        Row row;
        for (std::size_t i = 0; i < info->fields.size() && i < f.values.size(); ++i) row[info->fields[i].name] = f.values[i];
        rows.push_back(std::move(row));
    });
    return rows;
}

ResultValue get(const Row& r, const std::string& k) {
    const auto it = r.find(k);
    return it == r.end() ? ResultValue() : it->second;
}
std::string text(const Row& r, const std::string& k) { return valueAsText(get(r, k)); }
// A household count as printed: blank (protected) or missing says so, never 0.
std::string households(const Row& r, const std::string& k) {
    const auto v = valueAsInteger(get(r, k));
    return v ? std::to_string(*v) + " 户" : std::string("<5 或已隐去");
}
std::string whole(const Row& r, const std::string& k, const std::string& unit) {
    const auto v = valueAsInteger(get(r, k));
    return v ? std::to_string(*v) + unit : std::string("无数据");
}
std::string real(const Row& r, const std::string& k, int decimals, const std::string& unit) {
    const auto v = valueAsReal(get(r, k));
    return v ? fmt(*v, decimals) + unit : std::string("无数据");
}

SectionTable twoColumns(const std::string& empty) {
    SectionTable t;
    t.header = {"项目", "情况"};
    t.widths = {1, 2.4};
    t.align = {SectionAlign::Left, SectionAlign::Left};
    t.empty = empty;
    return t;
}

// --- indicators: the page's values against their targets, and the trend of the rates ---------

class IndicatorTableSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (Row& r : readRows(inputs, "indicators_areas", {"level", "code", "group", "title", "value", "target", "met"}, "indicators"))
            if (text(r, "group") == "全部村") m_areas[text(r, "code")].push_back(std::move(r));
        for (Row& r : readRows(inputs, "indicators_trend", {"level", "code", "indicator", "title", "unit", "year", "value"}, "indicators"))
            if (text(r, "level") == "village") m_villages[text(r, "code")].push_back(std::move(r));
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        t.header = {"指标", "数值", "较上年", "目标", "达标"};
        t.widths = {2.6, 1, 1, 1, 0.8};
        t.align = {SectionAlign::Left, SectionAlign::Right, SectionAlign::Right, SectionAlign::Right, SectionAlign::Center};
        t.empty = "无指标数据";
        if (page.kind != "villages") {  // a township or the county
            const auto it = m_areas.find(page.code);
            if (it == m_areas.end()) return t;
            for (const Row& r : it->second) {
                const std::string unit = text(r, "unit");
                const auto v = valueAsReal(get(r, "value")), c = valueAsReal(get(r, "change"));
                t.rows.push_back({text(r, "title") + (unit.empty() ? "" : "（" + unit + "）"), v ? fmt(*v, 1) : "无数据",
                                  c ? (*c >= 0 ? "+" : "") + fmt(*c, 1) : "—", text(r, "target").empty() ? "—" : text(r, "target"),
                                  text(r, "met").empty() ? "—" : text(r, "met")});
            }
            return t;
        }
        // A village page: the latest year and the one before, from the trend rows.
        const auto it = m_villages.find(page.code);
        if (it == m_villages.end()) return t;
        std::map<std::string, std::map<long long, double>> byIndicator;
        std::map<std::string, std::string> titles;
        std::vector<std::string> order;
        for (const Row& r : it->second) {
            const std::string id = text(r, "indicator");
            if (!titles.count(id)) order.push_back(id);
            const std::string unit = text(r, "unit");
            titles[id] = text(r, "title") + (unit.empty() ? "" : "（" + unit + "）");
            if (auto y = valueAsInteger(get(r, "year")))
                if (auto v = valueAsReal(get(r, "value"))) byIndicator[id][*y] = *v;
        }
        for (const std::string& id : order) {
            const auto& years = byIndicator[id];
            if (years.empty()) continue;
            const auto last = years.rbegin();
            const auto before = years.find(last->first - 1);
            t.rows.push_back(
                {titles[id], fmt(last->second, 1),
                 before == years.end() ? "—" : (last->second >= before->second ? "+" : "") + fmt(last->second - before->second, 1), "—",
                 "—"});
        }
        return t;
    }

private:
    std::map<std::string, std::vector<Row>> m_areas, m_villages;
};

class IndicatorTrendSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (Row& r :
             readRows(inputs, "indicators_trend", {"level", "code", "indicator", "title", "unit", "year", "value"}, "indicators")) {
            if (text(r, "unit") != "%") continue;  // one axis: the rates
            const auto y = valueAsInteger(get(r, "year"));
            const auto v = valueAsReal(get(r, "value"));
            if (!y || !v) continue;
            Series& s = m_series[text(r, "code")][text(r, "indicator")];
            s.title = text(r, "title");
            s.values[*y] = *v;
        }
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        t.empty = "无历年指标数据（指标台账 village_indicators）";
        const auto it = m_series.find(page.code);
        if (it == m_series.end()) return t;
        std::set<long long> years;
        for (const auto& [id, s] : it->second)
            for (const auto& [y, v] : s.values) years.insert(y);
        t.chart.unit = "%";
        for (long long y : years) t.chart.categories.push_back(std::to_string(y));
        for (const auto& [id, s] : it->second) {
            SectionChart::Series out{s.title, {}};
            for (long long y : years) {
                const auto v = s.values.find(y);
                out.values.push_back(v == s.values.end() ? std::nan("") : v->second);
            }
            t.chart.series.push_back(std::move(out));
        }
        return t;
    }

private:
    struct Series {
        std::string title;
        std::map<long long, double> values;
    };
    std::map<std::string, std::map<std::string, Series>> m_series;  // code -> indicator -> series
};

// --- risk ----------------------------------------------------------------------------------------

class RiskSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (Row& r : readRows(inputs, "risk_areas", {"code", "monitored", "hot_villages", "finding"}, "risk"))
            m_areas[text(r, "code")] = std::move(r);
        for (Row& r : readRows(inputs, "risk_villages", {"village_code", "monitored", "cluster"}, "risk"))
            m_villages[text(r, "village_code")] = std::move(r);
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t = twoColumns("无防返贫监测数据");
        const bool town = page.kind != "villages";  // a township or the county
        const auto& rows = town ? m_areas : m_villages;
        const auto it = rows.find(page.code);
        if (it == rows.end()) return t;
        const Row& r = it->second;
        const auto share = valueAsReal(get(r, "monitored_share"));
        t.rows.push_back({"监测户", households(r, "monitored") + (share ? "（占总户数 " + fmt(*share, 2) + "%）" : std::string())});
        t.rows.push_back({"脱贫不稳定户", households(r, "monitored_unstable")});
        t.rows.push_back({"边缘易致贫户", households(r, "monitored_edge")});
        t.rows.push_back({"突发严重困难户", households(r, "monitored_sudden_hardship")});
        t.rows.push_back({"当年新识别 / 风险消除", households(r, "identified") + " / " + households(r, "eliminated")});
        if (town) {
            t.rows.push_back({"风险高值聚集村", whole(r, "hot_villages", " 个") + "（Gi*，95%以上置信）"});
            if (!text(r, "finding").empty()) t.rows.push_back({"研判", text(r, "finding")});
        } else {
            t.rows.push_back({"风险聚集", text(r, "cluster")});
            if (!text(r, "note").empty()) t.rows.push_back({"说明", text(r, "note")});
        }
        return t;
    }

private:
    std::map<std::string, Row> m_areas, m_villages;
};

// The page's township's villages in a risk cluster (95 % and above), hottest first.
class RiskVillagesSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (Row& r :
             readRows(inputs, "risk_villages", {"village_code", "village_name", "township_code", "monitored", "cluster", "gi_z"}, "risk"))
            m_byTown[text(r, "township_code")].push_back(std::move(r));
        for (auto& [t, rows] : m_byTown)
            std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
                return valueAsReal(get(a, "gi_z")).value_or(-1e9) > valueAsReal(get(b, "gi_z")).value_or(-1e9);
            });
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        t.header = {"村", "监测户", "占比", "风险聚集"};
        t.widths = {1.4, 1, 0.8, 1.5};
        t.align = {SectionAlign::Left, SectionAlign::Right, SectionAlign::Right, SectionAlign::Left};
        t.empty = "无风险聚集村";
        std::vector<const Row*> rows;
        if (page.kind == "county") {
            for (const auto& [town, list] : m_byTown)
                for (const Row& r : list) rows.push_back(&r);
            std::stable_sort(rows.begin(), rows.end(), [](const Row* a, const Row* b) {
                return valueAsReal(get(*a, "gi_z")).value_or(-1e9) > valueAsReal(get(*b, "gi_z")).value_or(-1e9);
            });
        } else if (const auto it = m_byTown.find(page.kind == "townships" ? page.code : page.townshipCode); it != m_byTown.end()) {
            for (const Row& r : it->second) rows.push_back(&r);
        }
        for (const Row* row : rows) {
            const Row& r = *row;
            // The villages the summary counts: hot at 95 % and above.
            const std::string c = text(r, "cluster");
            if (c != "高值聚集（99%）" && c != "高值聚集（95%）") continue;
            const auto share = valueAsReal(get(r, "monitored_share"));
            t.rows.push_back({text(r, "village_name"), households(r, "monitored"), share ? fmt(*share, 2) + "%" : "—", c});
        }
        return t;
    }

private:
    std::map<std::string, std::vector<Row>> m_byTown;
};

// --- assistance and the inspection register ----------------------------------------------------------

class AssistanceSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (Row& r : readRows(inputs, "assistance_areas", {"code", "villages_missing_team", "work_teams"}, "assistance"))
            m_areas[text(r, "code")] = std::move(r);
        for (Row& r : readRows(inputs, "assistance_villages", {"village_code", "missing_team", "work_teams"}, "assistance"))
            m_villages[text(r, "village_code")] = std::move(r);
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t = twoColumns("无帮扶力量数据");
        if (page.kind != "villages") {
            const auto it = m_areas.find(page.code);
            if (it == m_areas.end()) return t;
            const Row& r = it->second;
            t.rows.push_back({"应派驻的村", whole(r, "villages_should_have", " 个") + "，已派驻 " + whole(r, "villages_with_team", " 个")});
            t.rows.push_back({"应派未派", whole(r, "villages_missing_team", " 个")});
            t.rows.push_back({"驻村工作队", whole(r, "work_teams", " 支") + "（队员 " + whole(r, "team_members", " 人") + "）"});
            t.rows.push_back({"第一书记", whole(r, "first_secretaries", " 名")});
            t.rows.push_back({"帮扶单位", whole(r, "sponsor_units", " 个")});
            t.rows.push_back({"督查问题", whole(r, "issues", " 个") + "：整改中 " + whole(r, "issues_open", " 个") + "（逾期 " +
                                              whole(r, "issues_overdue", " 个") + "），已整改 " + whole(r, "issues_rectified", " 个")});
            if (!text(r, "finding").empty()) t.rows.push_back({"研判", text(r, "finding")});
            return t;
        }
        const auto it = m_villages.find(page.code);
        if (it == m_villages.end()) return t;
        const Row& r = it->second;
        const std::string reason = text(r, "should_have_reason");
        t.rows.push_back({"选派要求", reason.empty() ? "非必派村" : "应派驻（" + reason + "）"});
        t.rows.push_back({"驻村工作队", whole(r, "work_teams", " 支") + "（队员 " + whole(r, "team_members", " 人") + "），第一书记 " +
                                            whole(r, "first_secretaries", " 名") +
                                            (valueAsInteger(get(r, "missing_team")).value_or(0) == 1 ? "（应派未派）" : "")});
        if (!text(r, "sponsor_units").empty()) t.rows.push_back({"帮扶单位", text(r, "sponsor_units")});
        if (!text(r, "enterprises").empty()) t.rows.push_back({"结对企业", text(r, "enterprises")});
        t.rows.push_back({"督查问题", "整改中 " + whole(r, "issues_open", " 个") + "（逾期 " + whole(r, "issues_overdue", " 个") +
                                          "），已整改 " + whole(r, "issues_rectified", " 个")});
        return t;
    }

private:
    std::map<std::string, Row> m_areas, m_villages;
};

// The open issues of the page (overdue first), as paragraphs.
class InspectionSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (Row& r :
             readRows(inputs, "inspection_register", {"id", "village_code", "village_name", "issue", "status", "overdue"}, "assistance"))
            if (text(r, "status") == "整改中") m_open.push_back(std::move(r));
        std::stable_sort(m_open.begin(), m_open.end(), [](const Row& a, const Row& b) {
            return valueAsInteger(get(a, "days_overdue")).value_or(-1) > valueAsInteger(get(b, "days_overdue")).value_or(-1);
        });
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t;
        t.paragraphs = true;
        t.empty = "无整改中的督查问题";
        const std::set<std::string> villages = page.kind != "villages"
                                                   ? std::set<std::string>(page.villageCodes.begin(), page.villageCodes.end())
                                                   : std::set<std::string>{page.code};
        for (const Row& r : m_open) {
            if (!villages.count(text(r, "village_code"))) continue;
            std::string s = text(r, "village_name") + "：" + text(r, "issue") + "（" + text(r, "source");
            if (!text(r, "deadline").empty()) s += (text(r, "source").empty() ? "" : "，") + std::string("时限 ") + text(r, "deadline");
            if (text(r, "overdue") == "逾期") s += "，逾期 " + whole(r, "days_overdue", " 天");
            s += "）";
            t.rows.push_back({s});
        }
        return t;
    }

private:
    std::vector<Row> m_open;
};

// --- industry and the collective economy ------------------------------------------------------------

class IndustrySection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (Row& r : readRows(inputs, "industry_areas", {"code", "projects", "hhi", "shell_villages"}, "industry"))
            m_areas[text(r, "code")] = std::move(r);
        for (Row& r : readRows(inputs, "industry_villages", {"village_code", "projects_linked", "income_class"}, "industry"))
            m_villages[text(r, "village_code")] = std::move(r);
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable t = twoColumns("无产业项目数据");
        if (page.kind != "villages") {
            const auto it = m_areas.find(page.code);
            if (it == m_areas.end()) return t;
            const Row& r = it->second;
            t.rows.push_back({"产业项目", whole(r, "projects", " 个") + "，" + whole(r, "sectors", " 类产业")});
            if (!text(r, "main_sector").empty())
                t.rows.push_back({"主导产业", text(r, "main_sector") + "（占 " + real(r, "main_sector_share", 0, "%") + "，HHI " +
                                                  real(r, "hhi", 2, "") + "）"});
            t.rows.push_back({"无联农带农项目的村", whole(r, "villages_without_project", " 个")});
            t.rows.push_back({"人均受益投资", real(r, "investment_per_person", 0, " 元")});
            t.rows.push_back({"相邻村同产业", whole(r, "same_sector_pairs", " 对")});
            t.rows.push_back({"集体经济", "空壳村 " + whole(r, "shell_villages", " 个") + "，5万元以下 " + whole(r, "under_5", " 个")});
            return t;
        }
        const auto it = m_villages.find(page.code);
        if (it == m_villages.end()) return t;
        const Row& r = it->second;
        t.rows.push_back({"联农带农项目", whole(r, "projects_linked", " 个") +
                                              (text(r, "sectors_here").empty() ? "" : "（本村：" + text(r, "sectors_here") + "）")});
        t.rows.push_back({"受益户数", households(r, "households_benefiting")});
        t.rows.push_back({"人均受益投资", real(r, "investment_per_person", 0, " 元")});
        t.rows.push_back({"集体经营性收入", real(r, "collective_income", 1, " 万元") + "（" + text(r, "income_class") + "）"});
        if (!text(r, "homogeneity").empty()) t.rows.push_back({"产业雷同", text(r, "homogeneity")});
        return t;
    }

private:
    std::map<std::string, Row> m_areas, m_villages;
};

template <typename S>
std::function<std::unique_ptr<AtlasSection>()> maker() {
    return [] { return std::make_unique<S>(); };
}

}  // namespace

void registerSections(Registry& registry) {
    const std::vector<std::string> both = {"townships", "villages", "county"};
    registry.addSection({"revitalization_indicators",
                         "乡村振兴监测指标",
                         "Revitalization indicators",
                         both,
                         {{"indicators", {{"trend", "1"}}}},
                         maker<IndicatorTableSection>()});
    registry.addSection({"revitalization_trend",
                         "历年指标趋势（图）",
                         "Indicator trend (chart)",
                         both,
                         {{"indicators", {{"trend", "1"}}}},
                         maker<IndicatorTrendSection>()});
    registry.addSection({"risk_summary", "防返贫监测", "Return-to-poverty monitoring", both, {{"risk", {}}}, maker<RiskSection>()});
    registry.addSection(
        {"risk_clusters", "风险高值聚集村", "Villages in risk clusters", both, {{"risk", {}}}, maker<RiskVillagesSection>()});
    registry.addSection(
        {"assistance_summary", "帮扶力量与督查整改", "Assistance and inspection", both, {{"assistance", {}}}, maker<AssistanceSection>()});
    registry.addSection(
        {"inspection_open", "整改中的督查问题", "Open inspection issues", both, {{"assistance", {}}}, maker<InspectionSection>()});
    registry.addSection(
        {"industry_summary", "产业项目与集体经济", "Industry and collective economy", both, {{"industry", {}}}, maker<IndustrySection>()});
}

}  // namespace ruralatlas::revitalization
