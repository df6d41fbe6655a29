// Icons and labels: icons drawn with their layer, label candidates kept, then placed over the whole map.
#include "render/draw_context.hpp"

namespace ruralatlas::render::detail {

void drawSymbols(LayerDraw& ctx) {
    QPainter& bandPainter = ctx.painter;
    const MapView& view = ctx.view;
    const RenderLayer& L = ctx.layer;
    const FeatureLayer& D = *L.data;
    Props& props = ctx.props;
    const double mm = ctx.mm;
    const bool record = ctx.record;
    RenderReport& report = ctx.report;
    QPolygonF& poly = ctx.poly;
    const auto& inBand = ctx.inBand;
    const auto recordHit = [&ctx](size_t f, int* knownBranch = nullptr) { ctx.recordHit(f, knownBranch); };
    auto& labels = ctx.labels;
    const Fonts& fonts = Fonts::instance();
    const std::vector<uint32_t>& drawn = ctx.drawn;
    for (uint32_t f : drawn) {
        const bool draw = inBand(f);
        if (!record && !draw) continue;
        props.setRow(D.row(f));
        const std::string icon = str(props.get("icon-image"));
        const double iconPx = num(props.get("icon-size"), 4) * mm;
        const auto anchor = D.anchor(f);
        const QPointF c = view.toDevice(anchor[0], anchor[1]);
        if (!icon.empty() && draw) {
            if (D.shape == Shape::Point)
                for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
                    const size_t i = D.pointBegin(part);
                    ctx.symbols.drawIcon(bandPainter, L.dir, icon, view.toDevice(D.xy()[2 * i], D.xy()[2 * i + 1]), iconPx, view.vector,
                                         num(props.get("icon-opacity"), 1));
                }
            else
                ctx.symbols.drawIcon(bandPainter, L.dir, icon, c, iconPx, view.vector, num(props.get("icon-opacity"), 1));
        }
        const std::string text = record ? str(props.get("text-field")) : std::string();
        if (!text.empty()) {
            LabelCandidate lc;
            QString t = QString::fromStdString(text);
            const QString missing = fonts.missingGlyphs(t);
            if (!missing.isEmpty()) {
                report.warnings << QStringLiteral("%1 要素 %2 的标注“%3”含字体缺少的字符：%4（以〓代替）")
                                       .arg(QString::fromStdString(D.name))
                                       .arg(D.fid(f))
                                       .arg(t, missing);
                t = fonts.printable(t);
            }
            lc.text = t;
            lc.anchor = c;
            lc.priority = num(props.get("symbol-sort-key"), 0);
            lc.order = labels.size();
            lc.font = fonts.font(num(props.get("text-size"), 2.5), view.dpi, truthy(props.get("text-bold")));
            lc.color = qcolor(props.get("text-color"));
            lc.halo = qcolor(props.get("text-halo-color"));
            lc.haloPx = num(props.get("text-halo-width"), 0.3) * mm;
            lc.anchorMode = QString::fromStdString(str(props.get("text-anchor"), "left"));
            if (const auto* va = std::get_if<std::string>(&props.get("text-variable-anchor")))
                for (const auto& part : QString::fromStdString(*va).split(',', Qt::SkipEmptyParts))
                    lc.variableAnchors.push_back(part.trimmed());
            if (const auto* off = std::get_if<std::vector<double>>(&props.get("text-offset")); off && off->size() == 2)
                lc.offsetPx = QPointF((*off)[0] * mm, -(*off)[1] * mm);
            lc.allowOverlap = truthy(props.get("text-allow-overlap"));
            lc.letterSpacingPx = num(props.get("text-letter-spacing"), 0) * mm;
            lc.onLine = str(props.get("symbol-placement"), "point") == "line" && D.shape != Shape::Point;
            lc.spacingPx = std::max(10.0, num(props.get("symbol-spacing"), 80)) * mm;
            if (lc.onLine)
                for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
                    devicePart(D, part, view, 1.0, poly);
                    if (poly.size() >= 2) lc.lines.push_back(poly);
                }
            labels.push_back(std::move(lc));
        }
        if (!icon.empty()) recordHit(f);
        if (record) ++report.featuresDrawn;
    }
}

void placeLabels(QPainter& p, const MapView& view, std::vector<LabelCandidate>& labels, RenderReport& report) {
    const double mm = view.pxPerMm();
    // Labels: by priority (lower sort key first), then in drawing order; each placed only where
    // it collides with no label placed before it.
    std::stable_sort(labels.begin(), labels.end(),
                     [](const LabelCandidate& a, const LabelCandidate& b) { return a.priority < b.priority; });
    CollisionGrid grid(view.target, std::max(16.0, 8 * mm));
    for (const QRectF& b : view.keepClear) grid.add(b);  // map furniture: no label goes under it
    for (const auto& lc : labels) {
        const QFontMetricsF fm(lc.font, p.device());
        if (!lc.onLine) {
            const double w = fm.horizontalAdvance(lc.text), h = fm.height();
            std::vector<QString> modes = lc.variableAnchors;
            if (modes.empty()) modes.push_back(lc.anchorMode);
            for (const auto& mode : modes) {
                QPointF tl = lc.anchor;
                QPointF off = lc.offsetPx;
                if (mode == "left")
                    tl += QPointF(0, -h / 2);
                else if (mode == "right")
                    tl += QPointF(-w, -h / 2), off.setX(-off.x());
                else if (mode == "top")
                    tl += QPointF(-w / 2, 0), off = QPointF(0, std::fabs(off.x()) + std::fabs(off.y()));
                else if (mode == "bottom")
                    tl += QPointF(-w / 2, -h), off = QPointF(0, -(std::fabs(off.x()) + std::fabs(off.y())));
                else
                    tl += QPointF(-w / 2, -h / 2), off = lc.offsetPx;
                tl += off;
                const QRectF box(tl.x() - lc.haloPx, tl.y() - lc.haloPx, w + 2 * lc.haloPx, h + 2 * lc.haloPx);
                if (!view.target.contains(box)) continue;
                if (!lc.allowOverlap && !grid.free(box)) continue;
                grid.add(box);
                drawHaloText(p, QPointF(tl.x(), tl.y() + fm.ascent()), lc.text, lc.font, lc.color, lc.halo, lc.haloPx, view.vector);
                report.labels << lc.text;
                break;
            }
            continue;
        }
        // Along a line: characters follow the line, upright; steep parts stack them upright as
        // Chinese maps do.
        const auto chars = lc.text.toUcs4();
        std::vector<QString> glyphs;
        std::vector<double> adv;
        double total = 0;
        for (char32_t cp : chars) {
            glyphs.push_back(QString::fromUcs4(&cp, 1));
            adv.push_back(fm.horizontalAdvance(glyphs.back()) + lc.letterSpacingPx);
            total += adv.back();
        }
        const double ch = fm.height();
        for (QPolygonF line : lc.lines) {
            std::vector<double> cum{0};
            for (int i = 1; i < line.size(); ++i) cum.push_back(cum.back() + QLineF(line[i - 1], line[i]).length());
            const double L = cum.back();
            if (L < total * 1.2) continue;
            // Read left to right.
            if (line.back().x() < line.front().x()) {
                std::reverse(line.begin(), line.end());
                for (auto& c : cum) c = L - c;
                std::reverse(cum.begin(), cum.end());
            }
            const auto at = [&](double s, double& angle) {
                size_t i = size_t(std::upper_bound(cum.begin(), cum.end(), s) - cum.begin());
                i = std::clamp<size_t>(i, 1, size_t(line.size() - 1));
                const QLineF seg(line[int(i - 1)], line[int(i)]);
                angle = std::atan2(seg.dy(), seg.dx()) * 180 / M_PI;
                const double t = seg.length() > 0 ? (s - cum[i - 1]) / seg.length() : 0;
                return seg.pointAt(std::clamp(t, 0.0, 1.0));
            };
            std::vector<double> centres{L / 2};
            for (double d = lc.spacingPx; L / 2 + d + total / 2 < L && L / 2 - d - total / 2 > 0; d += lc.spacingPx) {
                centres.push_back(L / 2 - d);
                centres.push_back(L / 2 + d);
            }
            for (double centre : centres) {
                std::vector<std::pair<QPointF, double>> pos;
                std::vector<QRectF> boxes;
                double s = centre - total / 2;
                bool ok = true;
                double maxTurn = 0, prevAngle = 0;
                for (size_t k = 0; k < glyphs.size(); ++k) {
                    double angle;
                    const QPointF c = at(s + adv[k] / 2, angle);
                    if (k > 0) maxTurn = std::max(maxTurn, std::fabs(std::remainder(angle - prevAngle, 360.0)));
                    prevAngle = angle;
                    if (std::fabs(angle) > 45) angle = 0;  // steep: upright characters
                    pos.emplace_back(c, angle);
                    const double half = std::max(adv[k], ch) / 2 + lc.haloPx;
                    boxes.emplace_back(c.x() - half, c.y() - half, 2 * half, 2 * half);
                    if (!view.target.contains(boxes.back())) ok = false;
                    s += adv[k];
                }
                if (!ok || maxTurn > 50) continue;
                if (!lc.allowOverlap)
                    for (const auto& b : boxes)
                        if (!grid.free(b)) ok = false;
                if (!ok) continue;
                for (const auto& b : boxes) grid.add(b);
                for (size_t k = 0; k < glyphs.size(); ++k) {
                    p.save();
                    p.translate(pos[k].first);
                    p.rotate(pos[k].second);
                    drawHaloText(p, QPointF(-adv[k] / 2 + lc.letterSpacingPx / 2, fm.ascent() - ch / 2), glyphs[k], lc.font, lc.color,
                                 lc.halo, lc.haloPx, view.vector);
                    p.restore();
                }
                report.labels << lc.text;
            }
        }
    }
}

}  // namespace ruralatlas::render::detail
