// Atlas sections of the village-plan module, for the plan map pages:
//   plan_balance - the village's land-use table (plan-tables): first-level classes, subtotals and
//                  the total, current and planned 公顷 and the change;
//   plan_check   - the village's check (plan-check): findings by kind, and what was not checked.
// Both read the analyses' result layers (a --result file or a run in memory) and print "无规划图斑"
// / "未检查" for a village they do not cover, never zeros.
#include <map>
#include <set>

#include "analysis/atlas_section.hpp"
#include "core/error.hpp"
#include "core/format.hpp"

namespace ruralatlas::villageplan {

using namespace analysis;

namespace {

std::string hectares(const ResultValue& v) {
    const std::string t = valueText(v);
    if (t.empty()) return "—";
    return fmt(std::stod(t), 2);
}

class BalanceSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        for (FeatureSource* s : inputs.layers)
            for (const std::string& layer : s->layerNames()) {
                if (layer.rfind("plan_table_", 0) != 0 || m_rows.count(layer.substr(11))) continue;
                const auto info = s->layerInfo(layer);
                for (const char* f : {"code", "title", "current_ha", "planned_ha", "change_ha"})
                    if (info->fieldIndex(f) < 0)
                        throw DataError({s->name(), layer, "", f}, "not a plan-tables result: the field is missing");
                FeatureQuery q;
                q.fields = {"code", "title", "current_ha", "planned_ha", "change_ha"};
                q.geometry = false;
                auto& rows = m_rows[layer.substr(11)];
                s->readFeatures(layer, q, [&](const Feature& f) {
                    const std::string title = valueText(f.values[1]);
                    if (title.rfind(' ', 0) == 0) return;  // sub-classes: the page keeps to the first level
                    const std::string now = hectares(f.values[2]), later = hectares(f.values[3]);
                    if ((now == "0.00" || now == "—") && (later == "0.00" || later == "—")) return;  // a class the village has not
                    rows.push_back({title, now, later, hectares(f.values[4])});
                });
            }
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable out;
        out.header = {"用地", "现状（公顷）", "规划（公顷）", "增减"};
        out.widths = {2.2, 1, 1, 1};
        out.align = {SectionAlign::Left, SectionAlign::Right, SectionAlign::Right, SectionAlign::Right};
        out.empty = "无规划图斑（未编制规划或未入库）";
        if (auto it = m_rows.find(page.code); it != m_rows.end()) out.rows = it->second;
        return out;
    }

private:
    std::map<std::string, std::vector<std::vector<std::string>>> m_rows;  // village code -> rows
};

class CheckSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        if (FeatureSource* s = findResultLayer(inputs.layers, "plan_check")) {
            FeatureQuery q;
            q.fields = {"village_code", "check_title"};
            q.geometry = false;
            q.asText = true;
            s->readFeatures("plan_check", q, [&](const Feature& f) { ++m_counts[valueText(f.values[0])][valueText(f.values[1])]; });
        }
        if (FeatureSource* s = findResultLayer(inputs.layers, "plan_check_villages")) {
            FeatureQuery q;
            q.fields = {"village_code", "not_checked"};
            q.geometry = false;
            q.asText = true;
            s->readFeatures("plan_check_villages", q, [&](const Feature& f) {
                m_checked.insert(valueText(f.values[0]));
                if (!valueText(f.values[1]).empty()) m_notChecked[valueText(f.values[0])] = valueText(f.values[1]);
            });
        }
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable out;
        out.widths = {2.4, 1};
        out.align = {SectionAlign::Left, SectionAlign::Right};
        if (!m_checked.count(page.code)) {
            out.empty = "未检查（本村无规划图斑）";
            return out;
        }
        out.empty = "未发现问题";
        if (auto it = m_counts.find(page.code); it != m_counts.end())
            for (const auto& [title, n] : it->second) out.rows.push_back({title, std::to_string(n) + " 处"});
        if (auto it = m_notChecked.find(page.code); it != m_notChecked.end()) out.rows.push_back({"未检查：" + it->second, ""});
        return out;
    }

private:
    std::map<std::string, std::map<std::string, long long>> m_counts;
    std::map<std::string, std::string> m_notChecked;
    std::set<std::string> m_checked;
};

}  // namespace

void registerPlanSections(Registry& registry) {
    registry.addSection({"plan_balance", "用地结构调整表", "Land-use table", {"villages"}, {{"plan-tables", {}}}, [] {
                             return std::make_unique<BalanceSection>();
                         }});
    registry.addSection({"plan_check", "规划质检", "Plan check", {"villages"}, {{"plan-check", {}, true}}, [] {
                             return std::make_unique<CheckSection>();
                         }});
}

}  // namespace ruralatlas::villageplan
