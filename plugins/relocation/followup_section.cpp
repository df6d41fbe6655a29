// The atlas section "relocation_followup" (安置点后续扶持) for resettlement-site pages: the
// site's follow-up figures from the relocation-followup analysis (given with --result, else run
// by the atlas): occupancy, the register against it, demolition and reclamation, road minutes to
// school, kindergarten, clinic and health centre, jobs within 30 minutes, and the conclusion.
#include <map>

#include "analysis/analysis.hpp"
#include "analysis/atlas_section.hpp"
#include "core/error.hpp"
#include "core/format.hpp"

namespace ruralatlas::relocation {

using namespace analysis;

namespace {

class FollowupSection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        FeatureSource* source = findResultLayer(inputs.layers, "relocation_sites");
        if (!source) return;
        const std::optional<LayerInfo> info = source->layerInfo("relocation_sites");
        for (const char* f : {"site_id", "summary"})
            if (info->fieldIndex(f) < 0)
                throw DataError({source->name(), "relocation_sites", "", f}, "not a relocation-followup result: the field is missing");
        FeatureQuery q;
        q.allFields = true;
        q.geometry = false;
        source->readFeatures("relocation_sites", q, [&](const Feature& f) {
            std::map<std::string, ResultValue> row;
            for (std::size_t i = 0; i < info->fields.size() && i < f.values.size(); ++i) row[info->fields[i].name] = f.values[i];
            m_rows[valueAsText(row["site_id"])] = std::move(row);
        });
    }

    SectionTable table(const SectionPage& page) const override {
        SectionTable out;
        out.header = {"项目", "情况"};
        out.widths = {1, 2.6};
        out.align = {SectionAlign::Left, SectionAlign::Left};
        out.empty = "无后续扶持数据";
        const auto it = m_rows.find(page.code);
        if (it == m_rows.end()) return out;
        const auto& r = it->second;
        const auto get = [&](const char* k) -> ResultValue {
            const auto v = r.find(k);
            return v == r.end() ? ResultValue() : v->second;
        };
        const auto whole = [&](const char* k) {
            const std::optional<long long> v = valueAsInteger(get(k));
            return v ? std::to_string(*v) : std::string("未填报");
        };
        const auto percent = [&](const char* k) {
            const std::optional<double> v = valueAsReal(get(k));
            return v ? "（" + fmt(100 * *v, 1) + "%）" : std::string();
        };
        out.rows.push_back({"入住", whole("moved_in_households") + " / " + whole("planned_households") + " 户" + percent("occupancy")});
        out.rows.push_back({"登记迁入", whole("registered_households") + " 户，来自 " + whole("origin_villages") + " 个村"});
        out.rows.push_back({"拆旧", whole("old_homes_demolished") + " / " + whole("old_homes_total") + " 处" + percent("demolition_rate")});
        const std::optional<double> mu = valueAsReal(get("reclaimed_area_mu"));
        out.rows.push_back({"复垦", mu ? fmt(*mu, 1) + " 亩" : std::string("未填报")});
        for (const auto& [field, title] : {std::pair{"minutes_primary_school", "到小学"},
                                           {"minutes_kindergarten", "到幼儿园"},
                                           {"minutes_village_clinic", "到村卫生室"},
                                           {"minutes_township_health_center", "到乡镇卫生院"}}) {
            const std::optional<double> m = valueAsReal(get(field));
            out.rows.push_back({title, m ? fmt(*m, 0) + " 分钟（道路）" : std::string("无数据或不可达")});
        }
        out.rows.push_back({"30分钟内产业岗位", whole("jobs_30min") + " 个"});
        out.rows.push_back({"结论", valueAsText(get("summary"))});
        return out;
    }

private:
    std::map<std::string, std::map<std::string, ResultValue>> m_rows;  // site id -> field -> value
};

}  // namespace

void registerFollowupSection(Registry& registry) {
    registry.addSection(
        {"relocation_followup", "安置点后续扶持", "Resettlement-site follow-up", {"resettlement_sites"}, {{"relocation-followup", {}}}, [] {
             return std::make_unique<FollowupSection>();
         }});
}

}  // namespace ruralatlas::relocation
