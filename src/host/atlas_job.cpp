#include "host/atlas_job.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>

#include "analysis/atlas_section.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/result_source.hpp"
#include "host/run_analysis.hpp"
#include "io/gpkg_source.hpp"
#include "io/ogr_features.hpp"
#include "io/server.hpp"
#include "render/fonts.hpp"

namespace ruralatlas::host {

namespace {

// Whether any of the sources has the layer.
bool hasLayer(const std::vector<std::unique_ptr<FeatureSource>>& sources, const std::string& layer) {
    for (const auto& s : sources)
        if (s->layerInfo(layer)) return true;
    return false;
}

// Runs an analysis on the project and keeps its tables in memory, as a source named after it.
std::unique_ptr<FeatureSource> runInMemory(const analysis::Analysis& a, const std::string& project,
                                           const std::map<std::string, std::string>& params) {
    Feedback quiet;
    analysis::AnalysisResult r =
        host::runAnalysis(a, project, analysis::ParamValues::validate(a.spec(), params, analysis::ParamValues::Output::InMemory), quiet);
    return std::make_unique<ResultTableSource>(a.spec().name + " (in memory)", std::move(r.tables));
}

// An analysis run the atlas needs (by the layout's "analyses", or by a section's needs).
struct Run {
    const analysis::Analysis* analysis = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> outputs;  // the layers the run returns (Analysis::outputNames)
    bool villageAdded = false;         // params["village"] narrowed the run to the book's one village
    bool operator==(const Run& o) const { return analysis == o.analysis && params == o.params; }
};

}  // namespace

atlas::AtlasPlan AtlasJob::plan(Feedback& feedback, const std::string& layoutFile) const {
    atlas::AtlasOptions o = m_options;
    if (!layoutFile.empty()) o.layout = layoutFile;
    if (extensionOf(o.out) != "pdf") throw UsageError("--out: an atlas is written as .pdf");
    // The atlas sections plugins contribute for this kind of page are table sources too.
    std::vector<std::string> sectionNames;
    for (const analysis::SectionSpec* s : m_registry.sections())
        if (std::find(s->pageKinds.begin(), s->pageKinds.end(), atlas::pageKindName(o.by)) != s->pageKinds.end())
            sectionNames.push_back(s->name);
    atlas::AtlasPlan plan;
    plan.layout = atlas::loadLayout(o.layout, o.by, sectionNames);
    const atlas::Layout& layout = plan.layout;
    render::Fonts::instance();  // before any worker thread: loads the font once
    feedback.setProgress(0.0, "准备数据");

    // The results the pages print: given as files, else computed now in memory (gaps on its own
    // thread while the map data loads).
    std::vector<std::unique_ptr<FeatureSource>> given;
    for (const auto& r : o.results) {
        if (!io::server::isServer(r) && !std::filesystem::exists(r)) throw DataError({r, "", "", ""}, "file not found");
        given.push_back(io::openFeatureSource(r));
    }
    // The sections the layout's tables name, and the analyses they need whose outputs were not
    // given: run in memory on their own thread while the map data loads (they are not drawn).
    std::vector<std::pair<std::string, const analysis::SectionSpec*>> sections;
    std::vector<Run> background;
    const auto given_has_outputs = [&](const analysis::Analysis& a, const analysis::ParamValues& params) {
        const std::vector<std::string> outs = a.outputNames(params);
        return !outs.empty() && std::all_of(outs.begin(), outs.end(), [&](const std::string& out) { return hasLayer(given, out); });
    };
    // A book of one village: a section's analysis that can run for one village (SectionNeed::
    // oneVillage) runs for that village only.
    std::string onlyVillage;
    if (o.by == atlas::PageKind::Villages) {
        const std::unique_ptr<ProjectSource> pages = io::openProjectSource(o.project);
        const atlas::AtlasData d = atlas::AtlasData::load(*pages, o.by, o.where, o.sort);
        if (d.pages.size() == 1) onlyVillage = d.pages.front().code;
    }
    const auto needRun = [&](const std::string& name, std::map<std::string, std::string> params, const std::string& source,
                             bool oneVillage = false) {
        const analysis::Analysis* a = m_registry.find(name);
        if (a && oneVillage && !onlyVillage.empty() && !params.count("village") &&
            std::any_of(a->spec().params.begin(), a->spec().params.end(), [](const auto& q) { return q.name == "village"; }))
            params["village"] = onlyVillage;
        if (!a)
            throw DataError(
                {o.layout, "", "", source.empty() ? "analyses" : source},
                (source.empty() ? "the layout needs the " : "the section needs the ") + name + " analysis, which is not installed");
        // Refused here, not on the thread.
        const analysis::ParamValues values = analysis::ParamValues::validate(a->spec(), params, analysis::ParamValues::Output::InMemory);
        const Run run{a, params, a->outputNames(values),
                      params.count("village") && !onlyVillage.empty() && params.at("village") == onlyVillage};
        if (!given_has_outputs(*a, values) && std::find(background.begin(), background.end(), run) == background.end())
            background.push_back(run);
    };
    if (layout.gaps) needRun("gaps", {}, "");
    for (const auto& f : layout.frames) {
        if (f.type != atlas::FrameType::Table && f.type != atlas::FrameType::Chart) continue;
        const analysis::SectionSpec* spec = m_registry.section(f.source);
        if (!spec || std::any_of(sections.begin(), sections.end(), [&](const auto& s) { return s.first == f.source; })) continue;
        sections.emplace_back(f.source, spec);
        for (const auto& need : spec->needs) needRun(need.analysis, need.params, f.source, need.oneVillage);
    }
    std::future<std::vector<std::unique_ptr<FeatureSource>>> backgroundRun;
    if (!background.empty())
        backgroundRun = std::async(std::launch::async, [background, project = o.project]() {
            std::vector<std::unique_ptr<FeatureSource>> out;
            for (const Run& r : background) {
                try {
                    out.push_back(runInMemory(*r.analysis, project, r.params));
                } catch (const DataError&) {
                    // The one village may be one the analysis refuses alone (no plan there): the
                    // whole county then, as without the narrowing.
                    if (!r.villageAdded) throw;
                    std::map<std::string, std::string> all = r.params;
                    all.erase("village");
                    out.push_back(runInMemory(*r.analysis, project, all));
                }
            }
            return out;
        });
    // The coverage the layout draws on its maps: computed now, before the map data loads. The
    // analysis names its result layers, so a frame finds them in given files or in memory.
    std::vector<std::unique_ptr<FeatureSource>> computed;
    std::map<std::string, std::vector<std::string>> frameResults;
    for (const auto& c : layout.coverage) {
        const analysis::Analysis* cov = m_registry.find("coverage");
        if (!cov) throw DataError({o.layout, "", "", "analyses"}, "the layout needs the coverage analysis, which is not installed");
        const std::map<std::string, std::string> params{{"kind", c.kind}, {"mode", c.mode}};
        const std::vector<std::string> names =
            cov->outputNames(analysis::ParamValues::validate(cov->spec(), params, analysis::ParamValues::Output::InMemory));
        frameResults.emplace(c.kind, names);
        if (!names.empty() && hasLayer(given, names.front())) continue;
        feedback.setProgress(0.02, "服务覆盖分析 " + c.kind);
        computed.push_back(runInMemory(*cov, o.project, params));
    }
    const std::unique_ptr<ProjectSource> project = io::openProjectSource(o.project);
    feedback.setProgress(0.05, "读取地图数据");
    plan.styles = atlas::loadFrameStyles(layout, frameResults);
    // The map data: everything every frame draws, read once for all pages.
    std::vector<FeatureSource*> layers;
    for (const auto& s : given) layers.push_back(s.get());
    for (const auto& s : computed) layers.push_back(s.get());
    const std::vector<render::LayerRequest> requests = atlas::frameRequests(plan.styles);
    // A section's analysis whose layers a map frame also draws (a site's flows on its map) is
    // waited for before the map data loads; otherwise it runs while the map data loads.
    const bool drawn = std::any_of(background.begin(), background.end(), [&](const Run& r) {
        return std::any_of(r.outputs.begin(), r.outputs.end(), [&](const std::string& name) {
            return std::any_of(requests.begin(), requests.end(), [&](const render::LayerRequest& q) { return q.source == name; });
        });
    });
    if (drawn && backgroundRun.valid()) {
        for (auto& s : backgroundRun.get()) {
            layers.push_back(s.get());
            computed.push_back(std::move(s));
        }
    }
    plan.data = render::MapData::load(*project, layers, requests, std::nullopt);
    atlas::bindFrameStyles(plan.styles, *plan.data);
    if (backgroundRun.valid()) {
        feedback.setProgress(0.1, "短板分析");
        for (auto& s : backgroundRun.get()) {
            layers.push_back(s.get());
            computed.push_back(std::move(s));
        }
    }
    feedback.checkCancelled();
    plan.atlas = atlas::AtlasData::load(*project, o.by, o.where, o.sort);

    // The sections, prepared once with every result layer.
    analysis::SectionInputs inputs;
    inputs.layers = layers;
    inputs.layoutFile = o.layout;
    inputs.standards = project->standards();
    for (const auto& c : layout.coverage) inputs.coverage.emplace_back(c.kind, c.mode);
    for (const auto& [code, v] : plan.atlas.villages)
        inputs.villages.push_back({v.code, v.name, v.townshipCode, v.status, v.population, v.populationKnown});
    for (const auto& [name, spec] : sections) {
        feedback.setProgress(0.11, spec->titleZh);
        std::shared_ptr<analysis::AtlasSection> section = spec->make();
        section->prepare(inputs);
        plan.atlas.sections.emplace(name, std::move(section));
    }
    for (auto& g : given) m_keep.push_back(std::move(g));
    for (auto& c : computed) m_keep.push_back(std::move(c));
    return plan;
}

atlas::AtlasReport AtlasJob::run(Feedback& feedback) const {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<atlas::AtlasPlan> plans;
    plans.push_back(plan(feedback));
    for (const std::string& more : m_options.moreLayouts) plans.push_back(plan(feedback, more));
    std::vector<const atlas::AtlasPlan*> set;
    for (const auto& p : plans) set.push_back(&p);
    const double planning = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    atlas::AtlasReport report = atlas::printAtlas(set, m_options, feedback);
    report.analysisSeconds = planning;
    report.totalSeconds += planning;
    return report;
}

}  // namespace ruralatlas::host
