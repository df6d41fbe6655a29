#include "furniture.hpp"

#include <QFontMetricsF>
#include <QPainterPath>
#include <cmath>

#include "core/projection.hpp"
#include "render/fonts.hpp"
#include "render/i18n.hpp"

namespace ruralatlas::render {

ScaleBarSpec chooseScaleBar(const MapView& view, double maxLengthMm) {
    const double maxMetres = maxLengthMm * view.pxPerMm() / view.pxPerMetre();
    double best = 1;
    for (double decade = 1; decade < 1e8; decade *= 10)
        for (double m : {1.0, 2.0, 5.0})
            if (m * decade <= maxMetres) best = m * decade;
    ScaleBarSpec s;
    s.metres = best;
    s.lengthPx = best * view.pxPerMetre();
    const double lead = best / std::pow(10, std::floor(std::log10(best)));
    s.segments = lead == 2 ? 2 : lead == 5 ? 5 : 4;
    s.unitLabel = best >= 1000 ? T("千米") : T("米");
    return s;
}

QRectF drawScaleBar(QPainter& p, const MapView& view, QPointF bl, double maxLengthMm) {
    const ScaleBarSpec s = chooseScaleBar(view, maxLengthMm);
    const double mm = view.pxPerMm();
    const Fonts& fonts = Fonts::instance();
    const QFont font = fonts.font(2.2, view.dpi);
    const QFontMetricsF fm(font, p.device());
    const double barH = 1.2 * mm;
    const double top = bl.y() - barH;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(Qt::black, std::max(1.0, 0.15 * mm)));
    const double seg = s.lengthPx / s.segments;
    for (int i = 0; i < s.segments; ++i) {
        p.setBrush(i % 2 ? Qt::white : Qt::black);
        p.drawRect(QRectF(bl.x() + i * seg, top, seg, barH));
    }
    p.setFont(font);
    const auto fmt = [&](double m) {
        const double v = s.metres >= 1000 ? m / 1000 : m;
        return QString::number(v, 'g', 6);
    };
    const double textY = top - 0.8 * mm - fm.descent();
    for (int i : {0, s.segments / 2, s.segments}) {
        if (i == s.segments / 2 && s.segments < 4) continue;
        const QString t = fmt(s.metres * i / s.segments) + (i == s.segments ? s.unitLabel : QString());
        const double w = fm.horizontalAdvance(t);
        double x = bl.x() + i * seg - (i == 0 ? 0 : i == s.segments ? fm.horizontalAdvance(fmt(s.metres)) / 2 : w / 2);
        p.drawText(QPointF(x, textY), t);
    }
    // The numeric scale, useful on print.
    const QString ratio = QStringLiteral("1:%L1").arg(qlonglong(std::llround(view.scaleDenominator())));
    p.drawText(QPointF(bl.x(), textY - fm.height()), ratio);
    p.restore();
    return QRectF(bl.x(), textY - 2 * fm.height(), s.lengthPx + fm.horizontalAdvance(s.unitLabel) * 2, bl.y() - (textY - 2 * fm.height()));
}

double trueNorthAngle(const MapView& view, int epsg) {
    try {
        double x = (view.extent.minx + view.extent.maxx) / 2, y = (view.extent.miny + view.extent.maxy) / 2;
        const ToLonLat toLonLat(epsg);
        double lon = x, lat = y;
        if (!toLonLat.transform(lon, lat)) return 0;
        const Projection fromLonLat("EPSG:4490", "EPSG:" + std::to_string(epsg));
        double nx = lon, ny = lat + 0.01;
        double ox = lon, oy = lat;
        if (!fromLonLat.forward(nx, ny) || !fromLonLat.forward(ox, oy)) return 0;
        return std::atan2(nx - ox, ny - oy) * 180 / M_PI;
    } catch (...) {
        return 0;
    }
}

void drawNorthArrow(QPainter& p, QPointF c, double sizeMm, double dpi, double angleDeg) {
    const double mm = dpi / 25.4, h = sizeMm * mm;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.translate(c);
    p.rotate(angleDeg);
    QPainterPath left, right;
    left.moveTo(0, -h / 2);
    left.lineTo(-h * 0.22, h / 2);
    left.lineTo(0, h * 0.28);
    left.closeSubpath();
    right.moveTo(0, -h / 2);
    right.lineTo(h * 0.22, h / 2);
    right.lineTo(0, h * 0.28);
    right.closeSubpath();
    p.setPen(QPen(Qt::black, std::max(1.0, 0.15 * mm), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::black);
    p.drawPath(left);
    p.setBrush(Qt::white);
    p.drawPath(right);
    const QFont font = Fonts::instance().font(sizeMm * 0.3, dpi, true);
    const QFontMetricsF fm(font, p.device());
    p.setFont(font);
    p.setPen(Qt::black);
    p.drawText(QPointF(-fm.horizontalAdvance(T("北")) / 2, -h / 2 - 0.6 * mm - fm.descent()), T("北"));
    p.restore();
}

QString formatDegrees(double deg, bool longitude, double stepDeg) {
    const QChar hemi = longitude ? (deg >= 0 ? 'E' : 'W') : (deg >= 0 ? 'N' : 'S');
    double a = std::fabs(deg);
    int d = int(std::floor(a + 1e-9));
    double minutes = (a - d) * 60;
    if (stepDeg >= 1) return QStringLiteral("%1°%2").arg(d).arg(hemi);
    int m = int(std::lround(minutes));
    if (m == 60) {
        ++d;
        m = 0;
    }
    if (stepDeg * 60 >= 1 || std::fabs(minutes - m) < 1e-6) return QStringLiteral("%1°%2′%3").arg(d).arg(m, 2, 10, QChar('0')).arg(hemi);
    const double sec = (minutes - std::floor(minutes)) * 60;
    return QStringLiteral("%1°%2′%3″%4")
        .arg(d)
        .arg(int(std::floor(minutes)), 2, 10, QChar('0'))
        .arg(int(std::lround(sec)), 2, 10, QChar('0'))
        .arg(hemi);
}

void drawGrid(QPainter& p, const MapView& view, int epsg, double stepDeg) {
    const ToLonLat toLonLat(epsg);
    const Projection fromLonLat("EPSG:4490", "EPSG:" + std::to_string(epsg));
    // The lon/lat range of the view from its corners and edge midpoints.
    double lon0 = 1e9, lon1 = -1e9, lat0 = 1e9, lat1 = -1e9;
    const Box& e = view.extent;
    for (double fx : {0.0, 0.5, 1.0})
        for (double fy : {0.0, 0.5, 1.0}) {
            double x = e.minx + fx * e.width(), y = e.miny + fy * e.height();
            if (!toLonLat.transform(x, y)) continue;
            lon0 = std::min(lon0, x), lon1 = std::max(lon1, x), lat0 = std::min(lat0, y), lat1 = std::max(lat1, y);
        }
    if (lon0 > lon1) return;
    if (stepDeg <= 0) {
        const double span = std::max(lon1 - lon0, lat1 - lat0);
        const double steps[] = {1.0 / 120, 1.0 / 60, 2.0 / 60, 5.0 / 60, 10.0 / 60, 15.0 / 60, 0.5, 1, 2, 5, 10};
        stepDeg = steps[0];
        for (double s : steps)
            if (span / s >= 3) stepDeg = s;
    }
    const double mm = view.pxPerMm();
    const QFont font = Fonts::instance().font(2.0, view.dpi);
    const QFontMetricsF fm(font, p.device());
    p.save();
    p.setClipRect(view.target);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(60, 60, 60, 180), std::max(1.0, 0.12 * mm), Qt::DashLine));
    p.setFont(font);
    const auto line = [&](bool meridian, double v) {
        QPolygonF poly;
        const double a0 = meridian ? lat0 - stepDeg : lon0 - stepDeg, a1 = meridian ? lat1 + stepDeg : lon1 + stepDeg;
        for (int i = 0; i <= 64; ++i) {
            const double t = a0 + (a1 - a0) * i / 64;
            double x = meridian ? v : t, y = meridian ? t : v;
            if (fromLonLat.forward(x, y)) poly << view.toDevice(x, y);
        }
        return poly;
    };
    struct Tick {
        QPointF at;
        QString text;
        bool meridian;
    };
    std::vector<Tick> ticks;
    for (int pass = 0; pass < 2; ++pass) {
        const bool meridian = pass == 0;
        const double lo = meridian ? lon0 : lat0, hi = meridian ? lon1 : lat1;
        for (double v = std::ceil(lo / stepDeg - 1e-9) * stepDeg; v <= hi + 1e-9; v += stepDeg) {
            const QPolygonF poly = line(meridian, v);
            if (poly.size() < 2) continue;
            p.drawPolyline(poly);
            // Where the line leaves the frame: bottom edge for meridians, left edge for parallels.
            for (int i = 1; i < poly.size(); ++i) {
                const QLineF seg(poly[i - 1], poly[i]);
                const QLineF edge = meridian ? QLineF(view.target.bottomLeft(), view.target.bottomRight())
                                             : QLineF(view.target.topLeft(), view.target.bottomLeft());
                QPointF hit;
                if (seg.intersects(edge, &hit) == QLineF::BoundedIntersection) {
                    ticks.push_back({hit, formatDegrees(v, meridian, stepDeg), meridian});
                    break;
                }
            }
        }
    }
    p.setPen(Qt::black);
    for (const auto& t : ticks) {
        const double w = fm.horizontalAdvance(t.text);
        QPointF base = t.meridian ? QPointF(t.at.x() - w / 2, t.at.y() - 0.6 * mm) : QPointF(t.at.x() + 0.6 * mm, t.at.y() - 0.6 * mm);
        const QRectF box(base.x() - 0.4 * mm, base.y() - fm.ascent(), w + 0.8 * mm, fm.height());
        p.fillRect(box, QColor(255, 255, 255, 210));
        p.drawText(base, t.text);
    }
    p.restore();
}

QRectF drawLegend(QPainter& p, const MapRenderer& renderer, const RenderReport& report, const QRectF& area, double dpi, bool vector,
                  bool measureOnly) {
    const double mm = dpi / 25.4;
    const Fonts& fonts = Fonts::instance();
    const QFont titleFont = fonts.font(3.2, dpi, true), groupFont = fonts.font(2.5, dpi, true), itemFont = fonts.font(2.3, dpi);
    const QFontMetricsF tfm(titleFont, p.device()), gfm(groupFont, p.device()), ifm(itemFont, p.device());
    const double pad = 2 * mm, swW = 7 * mm, swH = 4 * mm, rowH = std::max(swH, ifm.height()) + 1.2 * mm;
    // Rows: group titles and items.
    struct RowItem {
        bool group;
        QString text;
        const LegendItem* item;
    };
    std::vector<RowItem> rows;
    for (const auto& g : report.legend) {
        if (g.items.size() == 1 && g.items[0].label == g.title) {
            rows.push_back({false, g.title, &g.items[0]});
            continue;
        }
        rows.push_back({true, g.title, nullptr});
        for (const auto& it : g.items) rows.push_back({false, it.label, &it});
    }
    if (rows.empty()) return {};
    const double titleH = tfm.height() + 1.5 * mm;
    const double usableH = area.height() - 2 * pad - titleH;
    const int perColumn = std::max(1, int(usableH / rowH));
    const int columns = int((rows.size() + size_t(perColumn) - 1) / size_t(perColumn));
    std::vector<double> colW(size_t(columns), 0);
    for (size_t i = 0; i < rows.size(); ++i) {
        const double w = rows[i].group ? gfm.horizontalAdvance(rows[i].text) : swW + 1.5 * mm + ifm.horizontalAdvance(rows[i].text);
        colW[i / size_t(perColumn)] = std::max(colW[i / size_t(perColumn)], w);
    }
    double width = 2 * pad;
    for (double w : colW) width += w + 3 * mm;
    width = std::max(width - 3 * mm, tfm.horizontalAdvance(T("图例")) + 2 * pad);
    const double height = 2 * pad + titleH + std::min<double>(double(rows.size()), perColumn) * rowH;
    // Anchor at the bottom-right of the area.
    const QRectF box(area.right() - width, area.bottom() - height, width, height);
    if (measureOnly) return box;
    p.save();
    p.setPen(QPen(Qt::black, std::max(1.0, 0.2 * mm)));
    p.setBrush(QColor(255, 255, 255, 235));
    p.drawRect(box);
    p.setFont(titleFont);
    p.drawText(QPointF(box.left() + (box.width() - tfm.horizontalAdvance(T("图例"))) / 2, box.top() + pad + tfm.ascent()), T("图例"));
    double x = box.left() + pad;
    for (int c = 0; c < columns; ++c) {
        double y = box.top() + pad + titleH;
        for (int r = 0; r < perColumn; ++r) {
            const size_t i = size_t(c) * size_t(perColumn) + size_t(r);
            if (i >= rows.size()) break;
            const auto& row = rows[i];
            if (row.group) {
                p.setFont(groupFont);
                p.setPen(Qt::black);
                p.drawText(QPointF(x, y + (rowH - gfm.height()) / 2 + gfm.ascent()), row.text);
            } else {
                renderer.drawSwatch(p, QRectF(x, y + (rowH - swH) / 2, swW, swH), *row.item, dpi, vector);
                p.setFont(itemFont);
                p.setPen(Qt::black);
                p.drawText(QPointF(x + swW + 1.5 * mm, y + (rowH - ifm.height()) / 2 + ifm.ascent()), row.text);
            }
            y += rowH;
        }
        x += colW[size_t(c)] + 3 * mm;
    }
    p.restore();
    return box;
}

}  // namespace ruralatlas::render

namespace ruralatlas::render {

QRectF drawDataNotes(QPainter& p, const QRectF& frame, const QStringList& notes, double dpi, double top, bool measureOnly) {
    if (notes.isEmpty()) return {};
    const double mm = dpi / 25.4;
    const Fonts& fonts = Fonts::instance();
    const QFont font = fonts.font(2.2, dpi);
    const QFontMetricsF fm(font, p.device());
    QStringList lines;
    for (qsizetype i = 0; i < notes.size(); ++i) lines << (i == 0 ? T("注：") : QStringLiteral("　　")) + notes[i];
    const QString text = fonts.printable(lines.join('\n'));
    const double maxWidth = std::max(20 * mm, frame.width() * 0.62);
    const QRectF bounds = fm.boundingRect(QRectF(0, 0, maxWidth, 1e6), Qt::TextWordWrap, text);
    const QRectF box(frame.left() + 2 * mm, std::max(top, frame.top()) + 2 * mm, bounds.width() + 2 * mm, bounds.height() + 1.4 * mm);
    if (measureOnly) return box;
    p.save();
    p.setPen(QPen(QColor(0x78, 0x90, 0x9c), std::max(1.0, 0.1 * mm)));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRect(box);
    p.setFont(font);
    p.setPen(QColor(0x37, 0x47, 0x4f));
    p.drawText(box.adjusted(1 * mm, 0.7 * mm, -1 * mm, -0.7 * mm), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
    p.restore();
    return box;
}

}  // namespace ruralatlas::render
