// The `township-summary` analysis (乡镇概况): per township, its villages, former-poor villages,
// population and households as the villages layer records them, and the villages with no point
// (a data gap to fix before any distance analysis), each at its population centre (the
// population-weighted mean of its villages' points) with a default map style. Also the example
// of the plugin contract: an analysis, a style and an atlas section, all in this folder.
#include <algorithm>
#include <map>
#include <memory>

#include "analysis/analysis.hpp"
#include "analysis/atlas_section.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"

namespace ruralatlas::summary {

using namespace analysis;

namespace {

struct TownshipRow {
    std::string code, name;
    long long villages = 0, formerPoor = 0, population = 0, households = 0, withoutPoint = 0;
    // Villages whose population / households are not recorded: the sums above leave them out,
    // and a township none of whose villages records one has no total (empty, not 0).
    long long populationUnknown = 0, householdsUnknown = 0, statusUnknown = 0;
    bool anyPopulation() const { return populationUnknown < villages; }
    bool anyStatus() const { return statusUnknown < villages; }
    bool anyHouseholds() const { return householdsUnknown < villages; }
    // The population centre: sums over the villages with a point (weighted by population, or
    // plain when none has people recorded).
    double wx = 0, wy = 0, w = 0, px = 0, py = 0;
    long long located = 0;
    bool centre(XY& out) const {
        if (located == 0) return false;
        out = w > 0 ? XY{wx / w, wy / w} : XY{px / double(located), py / double(located)};
        return true;
    }
};

class TownshipSummary final : public Analysis {
public:
    TownshipSummary() {
        m_spec = {
            "township-summary",
            "乡镇概况统计",
            "Township summary: villages, former-poor villages, population",
            {{"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, false}},
            {{"township_summary", "乡镇概况", "Township summary"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }

    AnalysisResult run(ProjectSource& project, const ParamValues&, Feedback& feedback) const override {
        feedback.setProgress(0.1, "reading");
        // Townships in code order; a village whose township is missing from the townships layer
        // still counts, under its township code with no name.
        std::map<std::string, TownshipRow> rows;
        for (const auto& t : project.townships()) {
            TownshipRow& r = rows[t.code];
            r.code = t.code;
            r.name = t.name;
        }
        TownshipRow county;
        for (const Village& v : project.villages(VillageFields::All)) {
            feedback.checkCancelled();
            TownshipRow& r = rows[v.townshipCode];
            r.code = v.townshipCode;
            for (TownshipRow* x : {&r, &county}) {
                ++x->villages;
                x->formerPoor += v.status == "former_poor" ? 1 : 0;
                x->statusUnknown += v.status.empty() ? 1 : 0;
                x->population += v.populationKnown ? v.population : 0;
                x->populationUnknown += v.populationKnown ? 0 : 1;
                x->households += v.householdsKnown ? v.households : 0;
                x->householdsUnknown += v.householdsKnown ? 0 : 1;
                x->withoutPoint += v.hasPoint ? 0 : 1;
            }
            if (v.hasPoint) {
                const double weight = v.populationKnown ? double(std::max(0LL, v.population)) : 0.0;
                r.wx += weight * v.at.x;
                r.wy += weight * v.at.y;
                r.w += weight;
                r.px += v.at.x;
                r.py += v.at.y;
                ++r.located;
            }
        }
        auto shared = std::make_shared<std::vector<TownshipRow>>();
        for (auto& [code, r] : rows) shared->push_back(r);

        AnalysisResult res;
        ResultTable table{"township_summary",
                          "乡镇概况",
                          ResultGeometry::Point,
                          {{"township_code", ResultFieldType::Text, "乡镇代码"},
                           {"township_name", ResultFieldType::Text, "乡镇"},
                           {"villages", ResultFieldType::Integer, "行政村数"},
                           {"former_poor_villages", ResultFieldType::Integer, "脱贫村数"},
                           {"population", ResultFieldType::Integer64, "户籍人口"},
                           {"households", ResultFieldType::Integer64, "户数"},
                           {"villages_without_point", ResultFieldType::Integer, "缺少位置的村"},
                           {"villages_population_unknown", ResultFieldType::Integer, "人口未录入的村"}},
                          shared->size(),
                          {},
                          {}};
        table.row = [shared](std::size_t i, RowSink& sink) {
            const TownshipRow& r = (*shared)[i];
            sink.text(r.code);
            r.name.empty() ? sink.null() : sink.text(r.name);
            sink.integer(r.villages);
            r.anyStatus() ? sink.integer(r.formerPoor) : sink.null();
            r.anyPopulation() ? sink.integer(r.population) : sink.null();
            r.anyHouseholds() ? sink.integer(r.households) : sink.null();
            sink.integer(r.withoutPoint);
            sink.integer(r.populationUnknown);
        };
        table.shape = [shared](std::size_t i, std::vector<XY>& out) {
            XY at;
            if (!(*shared)[i].centre(at)) return false;  // no village of the township has a point
            out.push_back(at);
            return true;
        };
        table.style = "summary/township_summary.json";
        res.tables.push_back(std::move(table));
        res.summaryJson = "{\"townships\": " + std::to_string(shared->size()) + ", \"villages\": " + std::to_string(county.villages) +
                          ", \"former_poor_villages\": " + (county.anyStatus() ? std::to_string(county.formerPoor) : "null") +
                          ", \"population\": " + (county.anyPopulation() ? std::to_string(county.population) : "null") +
                          ", \"households\": " + (county.anyHouseholds() ? std::to_string(county.households) : "null") +
                          ", \"villages_population_unknown\": " + std::to_string(county.populationUnknown) +
                          ", \"villages_without_point\": " + std::to_string(county.withoutPoint) + "}";
        res.summaryText = "乡镇概况：" + std::to_string(shared->size()) + " 个乡镇，" + std::to_string(county.villages) + " 个行政村（" +
                          (county.anyStatus() ? "脱贫村 " + std::to_string(county.formerPoor) + " 个" : std::string("村类别未录入")) +
                          "），户籍人口 " + (county.anyPopulation() ? std::to_string(county.population) : std::string("未录入")) + "，" +
                          (county.anyHouseholds() ? std::to_string(county.households) + " 户" : std::string("户数未录入")) +
                          (county.populationUnknown && county.anyPopulation()
                               ? "（另有 " + std::to_string(county.populationUnknown) + " 个村人口未录入，未计入）"
                               : std::string()) +
                          (county.withoutPoint ? "；" + std::to_string(county.withoutPoint) + " 个村缺少位置" : std::string()) + "\n";
        return res;
    }

private:
    AnalysisSpec m_spec;
};

// The atlas section "township_summary": a township page's figures from the analysis above.
class TownshipSummarySection final : public AtlasSection {
public:
    void prepare(const SectionInputs& inputs) override {
        FeatureSource* source = findResultLayer(inputs.layers, "township_summary");
        if (!source) return;
        const std::optional<LayerInfo> info = source->layerInfo("township_summary");
        const int code = info->fieldIndex("township_code");
        if (code < 0)
            throw DataError({source->name(), "township_summary", "", "township_code"}, "not a township summary: the field is missing");
        for (const auto& f : info->fields) m_titles.push_back(f.title.empty() ? f.name : f.title);
        FeatureQuery q;
        q.allFields = true;
        q.asText = true;
        q.geometry = false;
        source->readFeatures("township_summary", q, [&](const Feature& f) {
            std::vector<std::string> texts;
            for (const auto& v : f.values) texts.push_back(valueText(v));
            m_rows[texts[static_cast<std::size_t>(code)]] = std::move(texts);
        });
    }
    SectionTable table(const SectionPage& page) const override {
        SectionTable out;
        out.widths = {1.6, 1};
        out.align = {SectionAlign::Left, SectionAlign::Right};
        out.empty = "无统计";
        const auto it = m_rows.find(page.code);
        if (it == m_rows.end()) return out;
        // Skip the code and name: the page's title already says which township it is.
        // An empty figure is not recorded (a township none of whose villages records it).
        for (std::size_t i = 2; i < it->second.size() && i < m_titles.size(); ++i)
            out.rows.push_back({m_titles[i], it->second[i].empty() ? std::string("未录入") : it->second[i]});
        return out;
    }

private:
    std::map<std::string, std::vector<std::string>> m_rows;  // township code -> values
    std::vector<std::string> m_titles;
};

}  // namespace

}  // namespace ruralatlas::summary

void ruralatlas_register_summary(ruralatlas::analysis::Registry& registry) {
    using namespace ruralatlas::analysis;
    registry.add(std::make_unique<ruralatlas::summary::TownshipSummary>());
    registry.addSection({"township_summary", "乡镇概况", "Township summary", {"townships"}, {{"township-summary", {}}}, [] {
                             return std::make_unique<ruralatlas::summary::TownshipSummarySection>();
                         }});
}
