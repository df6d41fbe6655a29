// One map pipeline: style files + a data source + a frame -> a loaded, bound map (MapJob::prepare)
// -> a drawn file with its report (MapJob::render). The command line's `render`, the desktop app's
// canvas and the benchmarks go through it; the atlas uses the same steps per frame (FrameStyles).
//
// Reads through the data-access port only (a ProjectSource and result FeatureSources: files or
// results held in memory), so a server project draws the same way as a GeoPackage.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/feedback.hpp"
#include "render/map_data.hpp"
#include "render/map_output.hpp"
#include "render/renderer.hpp"
#include "render/style.hpp"

namespace ruralatlas {
class FeatureSource;
class ProjectSource;
}  // namespace ruralatlas

namespace ruralatlas::render {

// The box of one township (9-digit code) or village (12-digit code): its polygon (townships /
// village_boundaries), else its villages' points with 1.5 km around them. UsageError for a
// malformed code, DataError naming the project when nothing has it.
Box townshipFrame(ProjectSource& project, const std::string& code);
Box villageFrame(ProjectSource& project, const std::string& code);
// The county outline's box (empty when the project has no county feature).
Box countyBox(ProjectSource& project);

struct MapJobSpec {
    std::vector<std::string> styleFiles;  // drawn in order (later files on top)
    // Keep only the style layers whose id or source matches one of these (empty = all).
    std::vector<std::string> onlyLayers;
    std::optional<Box> focus;  // the frame; unset = the county (or everything loaded)
    // A one-off map drawn at one size: only the style layers (and features) visible at the
    // frame's scale are read. False for an interactive map (every scale).
    bool oneScale = true;
    PageSize size;  // for the scale (one-off maps)
    // More to load besides what the styles draw (the app's locator reads names and codes).
    std::vector<LayerRequest> extraRequests;
};

class MapJob {
public:
    MapJob(ProjectSource& project, std::vector<FeatureSource*> results, MapJobSpec spec);

    // Loads the styles and the data they draw and binds them. Progress to `feedback` (optional).
    void prepare(Feedback* feedback = nullptr);
    // Style layers whose source is neither in the project nor in the results (after prepare()).
    const std::vector<const StyleLayer*>& missingSources() const { return m_missing; }
    const Style& style() const { return *m_style; }
    // The style, bound to data(), for a caller that keeps drawing it (the app's canvas).
    std::shared_ptr<Style> sharedStyle() const { return m_style; }
    std::shared_ptr<const MapData> data() const { return m_data; }
    // The frame drawn (the given focus, else the data's extent); DataError when nothing has
    // geometry.
    Box frame() const;

    // Draws the prepared map to `out` (.png, .svg, .pdf).
    MapResult render(const MapOptions& options, const std::string& out) const;

private:
    ProjectSource& m_project;
    std::vector<FeatureSource*> m_results;
    MapJobSpec m_spec;
    std::shared_ptr<Style> m_style;
    std::shared_ptr<MapData> m_data;
    std::vector<const StyleLayer*> m_missing;
};

}  // namespace ruralatlas::render
