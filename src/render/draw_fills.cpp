// Polygon fills: solid, hatched (texture brush on raster, clipped lines in vector output), outlines.
#include "render/draw_context.hpp"

namespace ruralatlas::render::detail {

void drawFills(LayerDraw& ctx) {
    QPainter& bandPainter = ctx.painter;
    const MapView& view = ctx.view;
    const RenderLayer& L = ctx.layer;
    const StyleLayer& S = *L.style;
    const FeatureLayer& D = *L.data;
    Props& props = ctx.props;
    const double mm = ctx.mm, tol = ctx.tol;
    const bool record = ctx.record;
    RenderReport& report = ctx.report;
    QPolygonF& poly = ctx.poly;
    const auto& inBand = ctx.inBand;
    const auto recordHit = [&ctx](size_t f, int* knownBranch = nullptr) { ctx.recordHit(f, knownBranch); };
    auto& hatchTiles = ctx.hatchTiles;
    const std::vector<uint32_t>& drawn = ctx.drawn;
    for (uint32_t f : drawn) {
        props.setRow(D.row(f));
        const double opacity = num(props.get("fill-opacity"), 1);
        const std::string pattern = str(props.get("fill-pattern"), "solid");
        const QColor fill = qcolor(props.get("fill-color"), opacity);
        const QColor outline = qcolor(props.get("fill-outline-color"));
        QPainterPath path;
        path.setFillRule(Qt::OddEvenFill);
        for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
            devicePart(D, part, view, tol, poly);
            if (poly.size() < 3) continue;
            path.addPolygon(poly);
            path.closeSubpath();
        }
        if (path.isEmpty()) continue;
        if (inBand(f)) {
            if (pattern == "solid" && fill.isValid() && fill.alpha() > 0) bandPainter.fillPath(path, fill);
            if (pattern == "hatch" || pattern == "crosshatch") {
                if (fill.isValid() && fill.alpha() > 0 && S.prop("fill-color")) bandPainter.fillPath(path, fill);
                const QColor hc = qcolor(props.get("fill-hatch-color"), opacity);
                const double spacing = std::max(0.3, num(props.get("fill-hatch-spacing"), 2)) * mm;
                const double angle = num(props.get("fill-hatch-angle"), 45);
                const double hatchW = std::max(0.1, num(props.get("fill-hatch-width"), 0.2)) * mm;
                const bool cross = pattern == "crosshatch";
                const QRectF dev = path.controlPointRect();
                if (!view.vector && std::max(dev.width(), dev.height()) < spacing) {
                    // A zone smaller than one hatch period would show a stray stroke or
                    // none: on raster output it gets the hatch's average tone instead.
                    QColor tone = hc;
                    tone.setAlphaF(float(hc.alphaF() * std::min(1.0, hatchW / spacing * (cross ? 2 : 1))));
                    bandPainter.fillPath(path, tone);
                } else if (!view.vector) {
                    // Raster output: a rotated texture brush (one tile with one line) costs a
                    // fill; clipped lines cost a mask per line.
                    const int tileH = std::max(2, int(std::lround(spacing)));
                    const auto key = std::make_tuple(hc.rgba(), tileH, int(std::lround(hatchW * 64)));
                    auto tileIt = hatchTiles.find(key);
                    if (tileIt == hatchTiles.end()) {
                        QImage tile(8, tileH, QImage::Format_ARGB32_Premultiplied);
                        tile.fill(Qt::transparent);
                        {
                            QPainter tp(&tile);
                            tp.setRenderHint(QPainter::Antialiasing);
                            tp.fillRect(QRectF(0, tileH / 2.0 - hatchW / 2, 8, hatchW), hc);
                        }
                        tileIt = hatchTiles.emplace(key, std::move(tile)).first;
                    }
                    for (int pass = 0; pass < (cross ? 2 : 1); ++pass) {
                        QBrush brush(tileIt->second);
                        brush.setTransform(QTransform().rotate(-(angle + pass * 90)));
                        bandPainter.fillPath(path, brush);
                    }
                } else {
                    bandPainter.save();
                    bandPainter.setClipPath(path, Qt::IntersectClip);
                    bandPainter.setPen(QPen(hc, hatchW, Qt::SolidLine, Qt::FlatCap));
                    const QRectF b = path.boundingRect();
                    drawHatchLines(bandPainter, b.center(), std::hypot(b.width(), b.height()) / 2 + spacing, spacing, angle,
                                   pattern == "crosshatch");
                    bandPainter.restore();
                }
            }
            if (outline.isValid() && outline.alpha() > 0) {
                QPen pen(outline, std::max(0.05, num(props.get("fill-outline-width"), 0.2)) * mm);
                pen.setJoinStyle(Qt::RoundJoin);
                applyDash(pen, props.get("fill-outline-dasharray"));
                thinPen(pen, view.vector);
                if (!view.vector && pen.style() == Qt::CustomDashLine && tiny(D.bbox(f), view, pen)) pen.setStyle(Qt::SolidLine);
                bandPainter.strokePath(path, pen);
            }
        }
        recordHit(f);
        if (record) ++report.featuresDrawn;
    }
}

}  // namespace ruralatlas::render::detail
