// A finished map on a device: the map frame with its furniture, written to PNG (QImage), SVG
// (QSvgGenerator) or vector PDF (QPdfWriter), chosen by the file extension. The file appears
// only when it is complete (temp file + rename).
#pragma once
#include <QRectF>
#include <string>

#include "render/furniture.hpp"

namespace ruralatlas::render {

struct MapOptions {
    bool legend = false;
    bool scaleBar = true;
    bool northArrow = true;
    bool grid = false;
    QString title;         // printed above the map on paper output
    double margin = 0.04;  // around the focus box, as a fraction of its size
};

struct PageSize {
    int widthPx = 0, heightPx = 0;  // --size (screen pixels)
    std::string paper;              // "A4" / "A3": overrides widthPx/heightPx
    bool landscape = true;
    double dpi = 0;  // 0 = 96 for --size, 300 for paper
};

struct MapResult {
    RenderReport report;
    MapView view;
    ScaleBarSpec scaleBar;
    QRectF legendRect;
    int widthPx = 0, heightPx = 0;
};

// Draws the map of `focus` (world box) into `frame` on an open painter, with furniture.
MapResult drawMap(QPainter& p, const MapRenderer& renderer, const Box& focus, const QRectF& frame, double dpi, bool vector,
                  const MapOptions& options);

// Renders to `out` (.png, .svg or .pdf); throws UsageError for an unknown extension and
// DataError when the file cannot be written.
MapResult renderMapFile(const MapRenderer& renderer, const Box& focus, const PageSize& size, const MapOptions& options,
                        const std::string& out);

// Paper size in millimetres.
QSizeF paperMm(const std::string& paper, bool landscape);

}  // namespace ruralatlas::render
