#include "host/atlas_job.hpp"

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

// The plugin sections the layout's tables name: each made fresh, its analyses run in memory on
// the project, and prepared once before any page is drawn.
std::map<std::string, std::shared_ptr<const analysis::AtlasSection>> prepareSections(const analysis::Registry& registry,
                                                                                     const atlas::Layout& layout, ProjectSource& project,
                                                                                     Feedback& feedback) {
    std::map<std::string, std::shared_ptr<const analysis::AtlasSection>> out;
    for (const auto& f : layout.frames) {
        if (f.type != atlas::FrameType::Table || out.count(f.source)) continue;
        const analysis::SectionSpec* spec = registry.section(f.source);
        if (!spec) continue;
        std::vector<analysis::AnalysisResult> results;
        for (const auto& need : spec->needs) {
            const analysis::Analysis* a = registry.find(need.analysis);
            if (!a)
                throw DataError({layout.file, "", "", f.source},
                                "the section needs the " + need.analysis + " analysis, which is not installed");
            feedback.setProgress(0.08, spec->titleZh);
            Feedback quiet;
            results.push_back(runAnalysis(*a, project, analysis::ParamValues::validate(a->spec(), need.params), quiet));
        }
        std::shared_ptr<analysis::AtlasSection> section = spec->make();
        section->prepare(results);
        out.emplace(f.source, std::move(section));
    }
    return out;
}

}  // namespace

atlas::AtlasPlan AtlasJob::plan(Feedback& feedback) const {
    const atlas::AtlasOptions& o = m_options;
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
        if (!std::filesystem::exists(r)) throw DataError({r, "", "", ""}, "file not found");
        given.push_back(io::openFeatureSource(r));
    }
    std::future<std::unique_ptr<FeatureSource>> gapsRun;
    if (layout.gaps && !hasLayer(given, "gaps")) {
        const analysis::Analysis* gaps = m_registry.find("gaps");
        if (!gaps) throw DataError({o.layout, "", "", "analyses"}, "the layout needs the gaps analysis, which is not installed");
        analysis::ParamValues::validate(gaps->spec(), {}, analysis::ParamValues::Output::InMemory);  // refused here, not on the thread
        gapsRun = std::async(std::launch::async, [gaps, project = o.project]() { return runInMemory(*gaps, project, {}); });
    }
    std::vector<std::unique_ptr<FeatureSource>> computed;
    for (const auto& c : layout.coverage) {
        const std::string layer = "coverage_" + c.kind + "_" + c.mode;
        if (hasLayer(given, layer)) continue;
        const analysis::Analysis* cov = m_registry.find("coverage");
        if (!cov) throw DataError({o.layout, "", "", "analyses"}, "the layout needs the coverage analysis, which is not installed");
        feedback.setProgress(0.02, "服务覆盖分析 " + c.kind);
        computed.push_back(runInMemory(*cov, o.project, {{"kind", c.kind}, {"mode", c.mode}}));
    }
    const std::unique_ptr<ProjectSource> project = io::openProjectSource(o.project);
    feedback.setProgress(0.05, "读取地图数据");
    plan.styles = atlas::loadFrameStyles(layout, layout.coverage);
    // The map data: everything every frame draws, read once for all pages (gaps are not drawn).
    std::vector<FeatureSource*> results;
    for (const auto& s : given) results.push_back(s.get());
    for (const auto& s : computed) results.push_back(s.get());
    plan.data = render::MapData::load(*project, results, atlas::frameRequests(plan.styles), std::nullopt);
    atlas::bindFrameStyles(plan.styles, *plan.data);
    if (gapsRun.valid()) {
        feedback.setProgress(0.1, "短板分析");
        computed.push_back(gapsRun.get());
        results.insert(results.begin() + std::ptrdiff_t(given.size()), computed.back().get());
    }
    feedback.checkCancelled();
    plan.atlas = atlas::AtlasData::load(*project, o.by, layout, o.where, o.sort, results);
    plan.atlas.sections = prepareSections(m_registry, layout, *project, feedback);
    return plan;
}

atlas::AtlasReport AtlasJob::run(Feedback& feedback) const {
    const auto t0 = std::chrono::steady_clock::now();
    const atlas::AtlasPlan p = plan(feedback);
    const double planning = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    atlas::AtlasReport report = atlas::printAtlas(p, m_options, feedback);
    report.analysisSeconds = planning;
    report.totalSeconds += planning;
    return report;
}

}  // namespace ruralatlas::host
