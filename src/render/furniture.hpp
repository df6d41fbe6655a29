// Map furniture drawn from the same library as the map: the legend (built from what the
// renderer actually drew), a scale bar in metres of the Gauss-Krüger CRS, a north arrow turned
// to true north, and a coordinate grid of meridians and parallels with degree labels.
#pragma once
#include <QPainter>
#include <QRectF>
#include <QString>

#include "render/renderer.hpp"

namespace ruralatlas::render {

struct ScaleBarSpec {
    double metres = 0;    // ground length of the whole bar
    double lengthPx = 0;  // its length on the device
    int segments = 4;
    QString unitLabel;  // "米" or "千米"
};

// The longest round length (1, 2 or 5 x 10^k metres) that fits in `maxLengthMm`.
ScaleBarSpec chooseScaleBar(const MapView& view, double maxLengthMm);
// Draws the bar with its bottom-left corner at `bottomLeft`; returns the rectangle used.
QRectF drawScaleBar(QPainter& p, const MapView& view, QPointF bottomLeft, double maxLengthMm = 40);

// The angle (degrees, clockwise from grid up) of true north at the view's centre.
double trueNorthAngle(const MapView& view, int epsg);
void drawNorthArrow(QPainter& p, QPointF centre, double sizeMm, double dpi, double angleDeg);

// Meridians and parallels every `stepDeg` (0 = chosen from the extent) with labels at the
// frame's edges, such as 109°45′E.
void drawGrid(QPainter& p, const MapView& view, int epsg, double stepDeg = 0);
QString formatDegrees(double deg, bool longitude, double stepDeg);

// Lays out and draws the legend inside `area` (columns as needed); returns the rectangle used.
// With `measureOnly` nothing is drawn.
QRectF drawLegend(QPainter& p, const MapRenderer& renderer, const RenderReport& report, const QRectF& area, double dpi, bool vector,
                  bool measureOnly = false);

// The project's approximation notes (MapRenderer::dataNotes) in a small boxed paragraph at the
// top-left of `frame`, no higher than `top`; returns the box. With `measureOnly` nothing is drawn.
QRectF drawDataNotes(QPainter& p, const QRectF& frame, const QStringList& notes, double dpi, double top, bool measureOnly = false);

}  // namespace ruralatlas::render
