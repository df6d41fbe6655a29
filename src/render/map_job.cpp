#include "render/map_job.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/project_source.hpp"
#include "core/timing.hpp"

namespace ruralatlas::render {

namespace {

Box boundsWhere(ProjectSource& project, const std::string& layer, const std::string& field, const std::string& value) {
    Box box{1, 1, 0, 0};
    if (!project.layerInfo(layer)) return box;
    FeatureQuery q;
    q.where = field + " = '" + value + "'";
    project.readFeatures(layer, q, [&](const Feature& f) {
        const Bounds& b = f.geometry.bounds;
        if (f.geometry.kind != ShapeKind::None && b.valid()) box.include({b.minx, b.miny, b.maxx, b.maxy});
    });
    return box;
}

bool validCode(const std::string& code) {
    if (code.empty()) return false;
    return std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Box frameOf(ProjectSource& project, const std::string& what, const std::string& code, const std::string& polygonLayer,
            const std::string& polygonField, const std::string& villageField) {
    if (!validCode(code)) throw UsageError("--" + what + ": \"" + code + "\" is not a " + what + " code");
    Box b = boundsWhere(project, polygonLayer, polygonField, code);
    if (b.valid()) return b;
    b = boundsWhere(project, "villages", villageField, code);
    if (b.valid()) return b.expanded(1500);
    throw DataError({project.name(), what == "township" ? "townships" : "villages", "code " + code, "code"},
                    "no " + what + " with this code");
}

}  // namespace

Box townshipFrame(ProjectSource& project, const std::string& code) {
    return frameOf(project, "township", code, "townships", "code", "township_code");
}
Box villageFrame(ProjectSource& project, const std::string& code) {
    return frameOf(project, "village", code, "village_boundaries", "code", "code");
}

Box countyBox(ProjectSource& project) {
    Box box{1, 1, 0, 0};
    if (!project.layerInfo("county")) return box;
    project.readFeatures("county", FeatureQuery{}, [&](const Feature& f) {
        const Bounds& b = f.geometry.bounds;
        if (f.geometry.kind != ShapeKind::None && b.valid()) box.include({b.minx, b.miny, b.maxx, b.maxy});
    });
    return box;
}

MapJob::MapJob(ProjectSource& project, std::vector<FeatureSource*> results, MapJobSpec spec)
    : m_project(project), m_results(std::move(results)), m_spec(std::move(spec)) {}

void MapJob::prepare(Feedback* feedback) {
    m_style = std::make_shared<Style>(loadStyles(m_spec.styleFiles));
    Style& style = *m_style;
    if (!m_spec.onlyLayers.empty()) {
        std::vector<StyleLayer> kept;
        for (auto& l : style.layers)
            for (const auto& w : m_spec.onlyLayers)
                if (l.id == w || globMatch(l.source, w) || l.source == w) {
                    kept.push_back(l);
                    break;
                }
        if (kept.empty()) {
            std::string list;
            for (const auto& w : m_spec.onlyLayers) list += (list.empty() ? "" : ",") + w;
            throw UsageError("--layers: no style layer draws " + list);
        }
        style.layers = std::move(kept);
    }
    std::optional<Box> within;
    if (m_spec.focus) {
        // Load what the (aspect-fitted) frame can show, with room for symbols at its edges.
        const double grow = std::max(m_spec.focus->width(), m_spec.focus->height());
        within = m_spec.focus->expanded(grow);
    }
    // Read only what shows at this scale: the frame's scale is known before any feature is
    // (national views skip a million parcels and facilities drawn only when zoomed in, and read
    // only the road classes drawn at that scale).
    std::optional<std::pair<double, double>> scaleRange;
    if (m_spec.oneScale) {
        const Box box = m_spec.focus ? *m_spec.focus : countyBox(m_project);
        if (box.valid() && box.width() > 0) {
            const PageSize& size = m_spec.size;
            const double dpi = size.dpi > 0 ? size.dpi : size.paper.empty() ? 96 : 300;
            const QSizeF px = size.paper.empty() ? QSizeF(size.widthPx > 0 ? size.widthPx : 1920, size.heightPx > 0 ? size.heightPx : 1080)
                                                 : paperMm(size.paper, size.landscape) * (dpi / 25.4);
            const double metresPerPx = std::max(box.width() / px.width(), box.height() / px.height());
            const double scale = metresPerPx / (0.0254 / dpi);
            std::vector<StyleLayer> kept;
            for (auto& l : style.layers)
                if (l.visibleAt(scale * 0.7) || l.visibleAt(scale * 1.5)) kept.push_back(l);
            style.layers = std::move(kept);
            scaleRange = std::make_pair(scale * 0.7, scale * 1.5);
        }
    }
    std::vector<LayerRequest> requests = layerRequests(style, scaleRange);
    requests.insert(requests.end(), m_spec.extraRequests.begin(), m_spec.extraRequests.end());
    m_data = MapData::load(m_project, m_results, requests, within, feedback);
    bindStyle(style, *m_data);
    m_missing.clear();
    for (const auto& l : style.layers)
        if (!m_data->find(l.source)) m_missing.push_back(&l);
}

Box MapJob::frame() const {
    if (m_spec.focus) return *m_spec.focus;
    const Box e = m_data->extent();
    if (!e.valid()) throw DataError({m_project.name(), "", "", ""}, "nothing to draw: the project has no features with geometry");
    return e;
}

MapResult MapJob::render(const MapOptions& options, const std::string& out) const {
    const MapRenderer renderer(*m_style, m_data);
    PhaseTimer drawing("draw and write");
    return renderMapFile(renderer, frame(), m_spec.size, options, out);
}

}  // namespace ruralatlas::render
