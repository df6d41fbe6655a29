#include "atlas/page_blocks.hpp"

#include <QFontMetricsF>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "atlas/atlas_data.hpp"
#include "render/fonts.hpp"
#include "render/furniture.hpp"

namespace ruralatlas::atlas {

using render::Fonts;

QString number(double v, int decimals) {
    if (std::isnan(v)) return QStringLiteral("—");
    return QString::number(v, 'f', decimals);
}

void drawTextBox(QPainter& p, const QRectF& r, const QString& text, double sizeMm, bool bold, int align, const QColor& color, double dpi,
                 bool wrap) {
    const QFont f = Fonts::instance().font(sizeMm, dpi, bold);
    p.save();
    p.setFont(f);
    p.setPen(color);
    p.drawText(r, align | (wrap ? Qt::TextWordWrap : 0), Fonts::instance().printable(text));
    p.restore();
}

// A section title with a rule under it at the top of `r`; returns where the content starts.
double drawSectionTitle(QPainter& p, const QRectF& r, const QString& title, double sizeMm, double dpi) {
    if (title.isEmpty()) return r.top();
    const double mm = dpi / 25.4;
    const QFont font = Fonts::instance().font(sizeMm * 1.2, dpi, true);
    const QFontMetricsF fm(font, p.device());
    p.setFont(font);
    p.setPen(QColor(0x1a, 0x3c, 0x6e));
    p.drawText(QRectF(r.left(), r.top(), r.width(), fm.height() * 1.3), Qt::AlignLeft | Qt::AlignVCenter,
               Fonts::instance().printable(title));
    const double y = r.top() + fm.height() * 1.35;
    p.setPen(QPen(QColor(0x1a, 0x3c, 0x6e), 0.35 * mm));
    p.drawLine(QPointF(r.left(), y - 0.6 * mm), QPointF(r.right(), y - 0.6 * mm));
    return y;
}

// Draws a table with a title, a shaded header and ruled rows; rows that do not fit are
// counted in a last line ("另有 N 项").
void drawTable(QPainter& p, const QRectF& r, const Table& t, double sizeMm, double dpi, int maxRows) {
    const double mm = dpi / 25.4;
    const Fonts& fonts = Fonts::instance();
    const QFont headFont = fonts.font(sizeMm, dpi, true), cellFont = fonts.font(sizeMm, dpi);
    const QFontMetricsF cfm(cellFont, p.device());
    const double rowH = cfm.height() * 1.55, padX = 1.2 * mm;
    p.save();
    p.setClipRect(r.adjusted(-1, -1, 1, 1));
    double y = drawSectionTitle(p, r, t.title, sizeMm, dpi);
    double totalW = 0;
    for (double w : t.widths) totalW += w;
    std::vector<double> colX{r.left()};
    for (double w : t.widths) colX.push_back(colX.back() + w / totalW * r.width());
    const auto drawRow = [&](const std::vector<QString>& cells, bool head, double top) {
        p.setFont(head ? headFont : cellFont);
        p.setPen(Qt::black);
        for (size_t c = 0; c < cells.size() && c + 1 < colX.size(); ++c) {
            const QRectF cell(colX[c] + padX, top, colX[c + 1] - colX[c] - 2 * padX, rowH);
            const QString text = cfm.elidedText(fonts.printable(cells[c]), Qt::ElideRight, cell.width());
            p.drawText(cell, (c < t.align.size() ? t.align[c] : Qt::AlignLeft) | Qt::AlignVCenter, text);
        }
    };
    if (!t.header.empty()) {
        p.fillRect(QRectF(r.left(), y, r.width(), rowH), QColor(0xe8, 0xee, 0xf4));
        drawRow(t.header, true, y);
        y += rowH;
    }
    int fit = int((r.bottom() - y) / rowH);
    if (maxRows > 0) fit = std::min(fit, maxRows);
    const int n = int(t.rows.size());
    const bool overflow = n > fit;
    const int shown = overflow ? std::max(0, fit - 1) : n;
    p.setPen(QPen(QColor(0xb0, 0xbe, 0xc5), 0.12 * mm));
    for (int i = 0; i < shown; ++i) {
        drawRow(t.rows[size_t(i)], false, y);
        y += rowH;
        p.setPen(QPen(QColor(0xcf, 0xd8, 0xdc), 0.12 * mm));
        p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
    }
    p.setFont(cellFont);
    p.setPen(QColor(0x55, 0x55, 0x55));
    if (n == 0 && fit > 0) p.drawText(QRectF(r.left() + padX, y, r.width(), rowH), Qt::AlignLeft | Qt::AlignVCenter, t.empty);
    if (overflow && fit > 0)
        p.drawText(QRectF(r.left() + padX, y, r.width(), rowH), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("……另有 %1 项未列出").arg(n - shown));
    p.restore();
}

// Paragraph list (gap sentences): wrapped, as many as fit.
void drawParagraphs(QPainter& p, const QRectF& r, const QString& title, const std::vector<QString>& items, const QString& empty,
                    double sizeMm, double dpi) {
    const double mm = dpi / 25.4;
    const Fonts& fonts = Fonts::instance();
    const QFont font = fonts.font(sizeMm, dpi);
    const QFontMetricsF fm(font, p.device());
    p.save();
    p.setClipRect(r.adjusted(-1, -1, 1, 1));
    double y = drawSectionTitle(p, r, title, sizeMm, dpi);
    p.setFont(font);
    p.setPen(Qt::black);
    if (items.empty()) {
        p.drawText(QRectF(r.left(), y + 0.8 * mm, r.width(), fm.height() * 1.4), Qt::AlignLeft | Qt::AlignVCenter, empty);
        p.restore();
        return;
    }
    const double indent = fm.horizontalAdvance(QStringLiteral("● "));
    for (size_t i = 0; i < items.size(); ++i) {
        const QString text = fonts.printable(items[i]);
        const QRectF bound = fm.boundingRect(QRectF(0, 0, r.width() - indent, 1e6), Qt::TextWordWrap, text);
        const double h = bound.height() + 0.8 * mm;
        const double lineH = fm.height() * 1.3;
        if (y + h > r.bottom() - (i + 1 < items.size() ? lineH : 0)) {
            p.setPen(QColor(0x55, 0x55, 0x55));
            p.drawText(QRectF(r.left(), y + 0.4 * mm, r.width(), lineH), Qt::AlignLeft | Qt::AlignVCenter,
                       QStringLiteral("……另有 %1 项未列出").arg(items.size() - i));
            break;
        }
        p.setPen(QColor(0xc6, 0x28, 0x28));
        p.drawText(QPointF(r.left(), y + 0.4 * mm + fm.ascent()), QStringLiteral("●"));
        p.setPen(Qt::black);
        p.drawText(QRectF(r.left() + indent, y + 0.4 * mm, r.width() - indent, bound.height()), Qt::TextWordWrap, text);
        y += h;
    }
    p.restore();
}

// Horizontal bar chart; values under 5 households are suppressed (no bar, "<5").
void drawHouseholdBars(QPainter& p, const QRectF& r, const QString& title, const std::vector<std::pair<QString, long long>>& bars,
                       double sizeMm, double dpi, bool villagesWithheld) {
    const double mm = dpi / 25.4;
    const Fonts& fonts = Fonts::instance();
    const QFont font = fonts.font(sizeMm, dpi);
    const QFontMetricsF fm(font, p.device());
    p.save();
    p.setClipRect(r.adjusted(-1, -1, 1, 1));
    double y = drawSectionTitle(p, r, title, sizeMm, dpi);
    p.setFont(font);
    long long maxShown = 0;
    for (const auto& [label, n] : bars)
        if (n >= kMinHouseholdsShown) maxShown = std::max(maxShown, n);
    const double noteH = fm.height() * 1.3;
    const double avail = r.bottom() - y - noteH;
    const double rowH = bars.empty() ? 0 : std::min(fm.height() * 1.8, avail / double(bars.size()));
    double labelW = 0;
    for (const auto& b : bars) labelW = std::max(labelW, fm.horizontalAdvance(b.first));
    const double valueW = fm.horizontalAdvance(QStringLiteral("8,888"));
    const double barX = r.left() + labelW + 1.5 * mm, barMax = r.right() - valueW - 1.5 * mm - barX;
    bool anySuppressed = false;
    for (const auto& [label, n] : bars) {
        if (rowH < fm.height()) break;
        p.setPen(Qt::black);
        p.drawText(QRectF(r.left(), y, labelW, rowH), Qt::AlignRight | Qt::AlignVCenter, label);
        const QString value = QString::fromStdString(householdsText(n));
        if (n >= kMinHouseholdsShown && maxShown > 0) {
            const double w = barMax * double(n) / double(maxShown);
            p.fillRect(QRectF(barX, y + rowH * 0.18, w, rowH * 0.64), QColor(0x42, 0x7a, 0xb8));
            p.drawText(QRectF(barX + w + 1 * mm, y, valueW + 1 * mm, rowH), Qt::AlignLeft | Qt::AlignVCenter, value);
        } else {
            anySuppressed = anySuppressed || n >= 0;
            p.setPen(QColor(0x75, 0x75, 0x75));
            p.drawText(QRectF(barX, y, valueW + 2 * mm, rowH), Qt::AlignLeft | Qt::AlignVCenter, value);
        }
        y += rowH;
    }
    p.setPen(QColor(0x55, 0x55, 0x55));
    const QFont small = fonts.font(sizeMm * 0.85, dpi);
    p.setFont(small);
    if (bars.empty())
        p.drawText(QRectF(r.left(), y, r.width(), noteH), Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("无农户台账数据"));
    else if (villagesWithheld)
        p.drawText(QRectF(r.left(), y, r.width(), noteH), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("注：各村不足%1户的分组未计入合计（个人信息保护）").arg(kMinHouseholdsShown));
    else if (anySuppressed)
        p.drawText(QRectF(r.left(), y, r.width(), noteH), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("注：不足%1户的分组不显示户数（个人信息保护）").arg(kMinHouseholdsShown));
    p.restore();
}

void drawChart(QPainter& p, const QRectF& r, const QString& title, const Chart& chart, const QString& empty, double sizeMm, double dpi) {
    const double mm = dpi / 25.4;
    const Fonts& fonts = Fonts::instance();
    const QFont font = fonts.font(sizeMm * 0.9, dpi);
    const QFontMetricsF fm(font, p.device());
    p.save();
    p.setClipRect(r.adjusted(-1, -1, 1, 1));
    const double top = drawSectionTitle(p, r, title, sizeMm, dpi);
    p.setFont(font);
    double lo = 0, hi = 0;
    bool any = false;
    for (const auto& [name, values] : chart.series)
        for (double v : values)
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
                any = true;
            }
    if (!any || chart.categories.empty()) {
        p.setPen(QColor(0x55, 0x55, 0x55));
        p.drawText(QRectF(r.left(), top, r.width(), fm.height() * 1.5), Qt::AlignLeft | Qt::AlignVCenter, empty);
        p.restore();
        return;
    }
    // A round step: 1, 2 or 5 times a power of ten, four to six ticks.
    const double span = hi - lo > 0 ? hi - lo : std::max(1.0, std::fabs(hi));
    const double raw = span / 5.0, mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
    const double y0 = std::floor(lo / step) * step, y1 = std::max(y0 + step, std::ceil(hi / step) * step);
    const int decimals = step >= 1 ? 0 : int(std::ceil(-std::log10(step)));
    // The key: one row of swatches and names under the plot.
    static const QColor kColours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                                      QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                      QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf)};
    const double keyH = fm.height() * 1.3 * std::ceil(double(chart.series.size()) / 3.0);
    double axisW = 0;
    for (double v = y0; v <= y1 + step / 2; v += step) axisW = std::max(axisW, fm.horizontalAdvance(number(v, decimals)));
    const QRectF plot(r.left() + axisW + 1.5 * mm, top + fm.height() * 1.2, r.width() - axisW - 3 * mm,
                      r.bottom() - top - fm.height() * 2.6 - keyH);
    if (plot.height() < 5 * mm || plot.width() < 10 * mm) {
        p.restore();
        return;
    }
    auto yOf = [&](double v) { return plot.bottom() - (v - y0) / (y1 - y0) * plot.height(); };
    p.setPen(QColor(0x44, 0x44, 0x44));
    p.drawText(QRectF(r.left(), top, r.width(), fm.height() * 1.1), Qt::AlignLeft | Qt::AlignVCenter, chart.unit);
    for (double v = y0; v <= y1 + step / 2; v += step) {
        const double y = yOf(v);
        p.setPen(QPen(QColor(0xdd, 0xdd, 0xdd), 0.15 * mm));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(QColor(0x44, 0x44, 0x44));
        p.drawText(QRectF(r.left(), y - fm.height() / 2, axisW, fm.height()), Qt::AlignRight | Qt::AlignVCenter, number(v, decimals));
    }
    p.setPen(QPen(QColor(0x44, 0x44, 0x44), 0.2 * mm));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    const std::size_t n = chart.categories.size();
    const double slot = plot.width() / double(n);
    for (std::size_t i = 0; i < n; ++i)
        p.drawText(QRectF(plot.left() + slot * double(i), plot.bottom() + 0.5 * mm, slot, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                   chart.categories[i]);
    const std::size_t ns = chart.series.size();
    for (std::size_t s = 0; s < ns; ++s) {
        const QColor c = kColours[s % 8];
        const auto& values = chart.series[s].second;
        if (chart.bars) {
            const double w = slot * 0.8 / double(ns);
            for (std::size_t i = 0; i < n && i < values.size(); ++i) {
                if (!std::isfinite(values[i])) continue;
                const double x = plot.left() + slot * double(i) + slot * 0.1 + w * double(s);
                p.fillRect(QRectF(QPointF(x, yOf(std::max(values[i], 0.0))), QPointF(x + w * 0.9, yOf(std::min(values[i], 0.0)))), c);
            }
        } else {
            p.setPen(QPen(c, 0.45 * mm, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            QPolygonF run;
            auto flush = [&] {
                if (run.size() > 1) p.drawPolyline(run);
                run.clear();
            };
            for (std::size_t i = 0; i < n && i < values.size(); ++i) {
                if (!std::isfinite(values[i])) {
                    flush();
                    continue;
                }
                run << QPointF(plot.left() + slot * (double(i) + 0.5), yOf(values[i]));
            }
            flush();
            p.setBrush(c);
            p.setPen(Qt::NoPen);
            for (std::size_t i = 0; i < n && i < values.size(); ++i)
                if (std::isfinite(values[i]))
                    p.drawEllipse(QPointF(plot.left() + slot * (double(i) + 0.5), yOf(values[i])), 0.6 * mm, 0.6 * mm);
            p.setBrush(Qt::NoBrush);
        }
    }
    // The key.
    const double keyTop = plot.bottom() + fm.height() * 1.3, colW = r.width() / 3.0;
    for (std::size_t s = 0; s < ns; ++s) {
        const double x = r.left() + colW * double(s % 3), y = keyTop + fm.height() * 1.3 * double(s / 3);
        p.fillRect(QRectF(x, y + fm.height() * 0.3, 3 * mm, fm.height() * 0.45), kColours[s % 8]);
        p.setPen(Qt::black);
        p.drawText(QRectF(x + 4 * mm, y, colW - 4.5 * mm, fm.height() * 1.1), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(chart.series[s].first, Qt::ElideRight, colW - 4.5 * mm));
    }
    p.restore();
}

// The legend of a map frame inside `r`, top-left aligned, shrunk (down to 55 %) when its
// columns would not fit; what still does not fit is clipped rather than spilling over the map.
void drawFittedLegend(QPainter& p, const render::MapRenderer& renderer, const render::RenderReport& report, const QRectF& r, double dpi,
                      bool vector) {
    double scale = 1;
    QRectF area = r, box;
    for (double f : {1.0, 0.9, 0.8, 0.7, 0.62, 0.55}) {
        scale = f;
        area = QRectF(r.topLeft() / f, r.size() / f);
        box = render::drawLegend(p, renderer, report, area, dpi, vector, true);
        if (box.width() <= area.width() + 0.5 && box.height() <= area.height() + 0.5) break;
    }
    if (box.isEmpty()) return;
    p.save();
    p.setClipRect(r.adjusted(-1, -1, 1, 1));
    p.scale(scale, scale);
    p.translate(area.left() - box.left(), area.top() - box.top());
    render::drawLegend(p, renderer, report, area, dpi, vector);
    p.restore();
}

}  // namespace ruralatlas::atlas
