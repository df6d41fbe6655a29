// Draws a project's layers with a style into any QPainter (QImage, QSvgGenerator, QPdfWriter,
// a widget): culling by R-tree, simplifying to the output resolution, labels with halo,
// priority and collision avoidance (along lines for roads and rivers), and a record of what
// was drawn so legends list only the categories present. QtGui only.
#pragma once
#include <QPainter>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "render/map_data.hpp"
#include "render/style.hpp"

class QSvgRenderer;

namespace ruralatlas::render {

// Per style layer switches an interactive map changes (layer panel): visibility, opacity,
// drawing order (indices into the style's layers, bottom first).
struct LayerSwitches {
    std::vector<char> hidden;
    std::vector<float> opacity;
    std::vector<size_t> order;
};

// Which part of the world goes where on the device.
struct MapView {
    Box extent;                               // world box (project CRS, metres); its aspect matches `target`
    QRectF target;                            // device pixels
    double dpi = 96;                          // device dots per inch (sizes in styles are millimetres)
    bool vector = false;                      // PDF/SVG: draw symbols as vectors, no pixel-level shortcuts
    const LayerSwitches* switches = nullptr;  // none: every layer, in style order, opaque
    std::vector<QRectF> keepClear;            // device rectangles labels must avoid (scale bar, north arrow)
    int threads = 0;                          // raster bands drawn at once; 0: renderThreads() for a large image

    double pxPerMm() const { return dpi / 25.4; }
    double pxPerMetre() const { return target.width() / extent.width(); }
    // 1 : scaleDenominator on the device (paper for print, the screen at `dpi`).
    double scaleDenominator() const { return extent.width() / (target.width() / dpi * 0.0254); }
    QPointF toDevice(double x, double y) const {
        const double s = pxPerMetre();
        return {target.left() + (x - extent.minx) * s, target.top() + (extent.maxy - y) * s};
    }
};

// The world box centred on `box` grown to the aspect of `target`, with a margin (fraction).
Box fitExtent(const Box& box, const QRectF& target, double margin = 0.0);
// A view of `world` centred in `target` at scale 1:`scaleDenominator`.
MapView viewAtScale(std::array<double, 2> centre, double scaleDenominator, const QRectF& target, double dpi);

struct LegendItem {
    QString label;
    size_t styleLayer = 0;
    size_t feature = 0;  // a drawn feature that shows this item's symbol
    int branch = -1;
};
struct LegendGroup {
    QString title;
    size_t styleLayer = 0;
    std::vector<LegendItem> items;
};

struct RenderReport {
    size_t featuresDrawn = 0;
    QStringList labels;    // every label placed, in drawing order
    QStringList warnings;  // e.g. characters missing from the font
    QStringList notes;     // approximation notes printed on the map (drawMap, atlas map frames)
    std::vector<LegendGroup> legend;
};

class MapRenderer {
public:
    // The style's expressions must already be bound to `data` (see prepareStyle).
    MapRenderer(const Style& style, std::shared_ptr<const MapData> data);
    ~MapRenderer();

    RenderReport render(QPainter& painter, const MapView& view) const;
    // Draws the symbol of one legend item into `rect` (device pixels).
    void drawSwatch(QPainter& painter, const QRectF& rect, const LegendItem& item, double dpi, bool vector) const;

    const Style& style() const { return m_style; }
    const MapData& data() const { return *m_data; }
    // What the project says is approximated about the layers this map draws inside `view`
    // (township areas built from village points, say), once each, to print on the map.
    QStringList dataNotes(const MapView& view) const;

private:
    struct Impl;
    const Style& m_style;
    std::shared_ptr<const MapData> m_data;
    std::unique_ptr<Impl> m_impl;
};

// Threads a large raster map is drawn and written on: one per core, at most 4;
// RURALATLAS_RENDER_THREADS overrides it (benchmarks compare 1 and 2).
int renderThreads();

// What each style layer needs from the data (fields, anchors), for MapData::load. With a
// scale range (a one-off render), the filters go along so only what draws is read.
std::vector<LayerRequest> layerRequests(const Style& style, std::optional<std::pair<double, double>> scaleRange = std::nullopt);
// Binds every expression of the style to the columns of the loaded layers. Style layers whose
// source is absent are reported in the returned list (source names) and skipped when drawing.
QStringList bindStyle(const Style& style, const MapData& data);

}  // namespace ruralatlas::render
