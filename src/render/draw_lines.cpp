// Lines: casings for the whole layer first (junctions of cased roads merge), then the lines.
#include "render/draw_context.hpp"

namespace ruralatlas::render::detail {

void drawLines(LayerDraw& ctx) {
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
    const std::vector<uint32_t>& drawn = ctx.drawn;
    // Casing first for the whole layer, so that junctions of cased roads merge.
    const bool cased = S.prop("line-casing-color") != nullptr;
    for (int pass = cased ? 0 : 1; pass < 2; ++pass) {
        for (uint32_t f : drawn) {
            const bool draw = inBand(f);
            if (!draw && (pass == 0 || !record)) continue;
            props.setRow(D.row(f));
            const double opacity = num(props.get("line-opacity"), 1);
            const double width = num(props.get("line-width"), 0.3) * mm;
            QPen pen;
            if (pass == 0) {
                const QColor cc = qcolor(props.get("line-casing-color"), opacity);
                const double cw = num(props.get("line-casing-width"), 0) * mm;
                if (!cc.isValid() || cw <= width) continue;
                // A casing around a feature only a few casings across shows as a blot.
                if (!view.vector && std::max(D.bbox(f).width(), D.bbox(f).height()) * view.pxPerMetre() < 2 * cw) continue;
                pen = QPen(cc, cw);
            } else {
                const QColor lc = qcolor(props.get("line-color"), opacity);
                if (!lc.isValid() || lc.alpha() == 0 || width <= 0) continue;
                pen = QPen(lc, width);
                applyDash(pen, props.get("line-dasharray"));
            }
            const std::string cap = str(props.get("line-cap"), "round"), join = str(props.get("line-join"), "round");
            pen.setCapStyle(cap == "butt" ? Qt::FlatCap : cap == "square" ? Qt::SquareCap : Qt::RoundCap);
            pen.setJoinStyle(join == "miter" ? Qt::MiterJoin : join == "bevel" ? Qt::BevelJoin : Qt::RoundJoin);
            thinPen(pen, view.vector);
            if (!view.vector && pen.style() == Qt::CustomDashLine && tiny(D.bbox(f), view, pen)) pen.setStyle(Qt::SolidLine);
            if (draw) {
                bandPainter.setPen(pen);
                for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
                    devicePart(D, part, view, tol, poly);
                    if (D.shape == Shape::Polygon && poly.size() > 1) poly.append(poly.front());
                    if (poly.size() >= 2) bandPainter.drawPolyline(poly);
                }
            }
            if (pass == 1) {
                recordHit(f);
                if (record) ++report.featuresDrawn;
            }
        }
    }
}

}  // namespace ruralatlas::render::detail
