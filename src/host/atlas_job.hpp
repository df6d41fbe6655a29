// The atlas pipeline above src/atlas: what the command line and the desktop app call to make a
// book. It reads the layout, runs the analyses the layout needs (coverage, gaps, plugin sections)
// in memory unless their results were given as files, reads the project and the results through
// the data-access port into an atlas::AtlasPlan, and hands it to atlas::printAtlas, which only
// lays out and draws.
#pragma once
#include "analysis/analysis.hpp"
#include "atlas/atlas.hpp"
#include "core/feature_source.hpp"

namespace ruralatlas::host {

class AtlasJob {
public:
    AtlasJob(const analysis::Registry& registry, atlas::AtlasOptions options) : m_registry(registry), m_options(std::move(options)) {}

    // Everything the pages print (the first 12% of the progress), for options.layout, or for
    // `layout` when given (one of options.moreLayouts).
    atlas::AtlasPlan plan(Feedback& feedback, const std::string& layout = {}) const;
    // plan() then atlas::printAtlas(); the report's analysisSeconds is the planning time.
    atlas::AtlasReport run(Feedback& feedback) const;

private:
    const analysis::Registry& m_registry;
    atlas::AtlasOptions m_options;
    // The result layers the sections were prepared from (a section may keep reading them).
    mutable std::vector<std::unique_ptr<FeatureSource>> m_keep;
};

}  // namespace ruralatlas::host
