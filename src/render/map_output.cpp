#include "map_output.hpp"

#include <QFontMetricsF>
#include <QImage>
#include <QImageWriter>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <cmath>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "render/fonts.hpp"
#include "render/i18n.hpp"
#include "render/png_writer.hpp"

namespace ruralatlas::render {

QSizeF paperMm(const std::string& paper, bool landscape) {
    QSizeF s;
    if (paper == "A4" || paper == "a4")
        s = {210, 297};
    else if (paper == "A3" || paper == "a3")
        s = {297, 420};
    else if (paper == "A2" || paper == "a2")
        s = {420, 594};
    else if (paper == "A1" || paper == "a1")
        s = {594, 841};
    else if (paper == "A0" || paper == "a0")
        s = {841, 1189};
    else
        throw UsageError("--paper: \"" + paper + "\" is not one of A4, A3, A2, A1, A0");
    return landscape ? s.transposed() : s;
}

MapResult drawMap(QPainter& p, const MapRenderer& renderer, const Box& focus, const QRectF& frame, double dpi, bool vector,
                  const MapOptions& options) {
    MapResult r;
    r.view.target = frame;
    r.view.dpi = dpi;
    r.view.vector = vector;
    r.view.extent = fitExtent(focus, frame, options.margin);
    const double mm = dpi / 25.4;
    // Where the furniture goes, kept clear of labels.
    const QPointF northAt(frame.right() - 9 * mm, frame.top() + 13 * mm);
    const QPointF scaleAt(frame.left() + 6 * mm, frame.bottom() - 6 * mm);
    const double scaleMaxMm = std::min(50.0, frame.width() / mm * 0.3);
    if (options.northArrow) r.view.keepClear.push_back(QRectF(northAt - QPointF(7 * mm, 10 * mm), QSizeF(14 * mm, 20 * mm)));
    if (options.scaleBar)
        r.view.keepClear.push_back(QRectF(scaleAt.x() - 1 * mm, scaleAt.y() - 11 * mm, scaleMaxMm * mm + 12 * mm, 12 * mm));
    const QStringList notes = renderer.dataNotes(r.view);
    if (!notes.isEmpty()) r.view.keepClear.push_back(drawDataNotes(p, frame, notes, dpi, frame.top(), true));
    p.fillRect(frame, Qt::white);
    r.report = renderer.render(p, r.view);
    r.report.notes = notes;
    p.save();
    p.setClipRect(frame);
    drawDataNotes(p, frame, notes, dpi, frame.top());
    if (options.grid) drawGrid(p, r.view, renderer.data().epsg());
    if (options.northArrow) drawNorthArrow(p, northAt, 12, dpi, trueNorthAngle(r.view, renderer.data().epsg()));
    if (options.scaleBar) {
        r.scaleBar = chooseScaleBar(r.view, scaleMaxMm);
        drawScaleBar(p, r.view, scaleAt, scaleMaxMm);
    }
    if (options.legend)
        r.legendRect = drawLegend(
            p, renderer, r.report,
            QRectF(frame.left() + frame.width() * 0.4, frame.top() + 30 * mm, frame.width() * 0.6 - 3 * mm, frame.height() - 33 * mm), dpi,
            vector);
    p.restore();
    p.save();
    p.setPen(QPen(Qt::black, std::max(1.0, 0.3 * mm)));
    p.setBrush(Qt::NoBrush);
    p.drawRect(frame);
    p.restore();
    return r;
}

namespace {

// Lays out a page: title above, the map frame, a footer with the data date.
MapResult drawPage(QPainter& p, const MapRenderer& renderer, const Box& focus, QSizeF pagePx, double dpi, bool vector, bool paper,
                   const MapOptions& options) {
    const double mm = dpi / 25.4;
    QRectF frame(0, 0, pagePx.width(), pagePx.height());
    if (paper) {
        frame = frame.adjusted(12 * mm, 10 * mm, -12 * mm, -10 * mm);
        const Fonts& fonts = Fonts::instance();
        const MapData& d = renderer.data();
        if (!options.title.isEmpty()) {
            const QFont tf = fonts.font(7, dpi, true);
            const QFontMetricsF fm(tf, p.device());
            p.setFont(tf);
            p.setPen(Qt::black);
            p.drawText(QPointF(frame.center().x() - fm.horizontalAdvance(options.title) / 2, frame.top() + fm.ascent()), options.title);
            frame.setTop(frame.top() + fm.height() + 3 * mm);
        }
        const QFont ff = fonts.font(2.4, dpi);
        const QFontMetricsF fm(ff, p.device());
        QString footer = T("%1  数据日期：%2  坐标系：CGCS2000 / 3度带高斯-克吕格投影（EPSG:%3）")
                             .arg(QString::fromStdString(d.countyName), QString::fromStdString(d.dataDate))
                             .arg(d.epsg());
        if (d.synthetic) footer += T("  【合成演示数据，非真实数据】");
        p.setFont(ff);
        p.setPen(Qt::black);
        p.drawText(QPointF(frame.left(), frame.bottom() - fm.descent()), footer);
        frame.setBottom(frame.bottom() - fm.height() - 1.5 * mm);
    }
    MapResult r = drawMap(p, renderer, focus, frame, dpi, vector, options);
    r.widthPx = int(std::lround(pagePx.width()));
    r.heightPx = int(std::lround(pagePx.height()));
    return r;
}

}  // namespace

MapResult renderMapFile(const MapRenderer& renderer, const Box& focus, const PageSize& size, const MapOptions& options,
                        const std::string& out) {
    const std::string ext = extensionOf(out);
    if (ext != "png" && ext != "svg" && ext != "pdf") throw UsageError("--out: the extension must be .png, .svg or .pdf");
    const bool paper = !size.paper.empty();
    double dpi = size.dpi > 0 ? size.dpi : paper ? 300 : 96;
    QSizeF pagePx;
    QSizeF pageMm;
    if (paper) {
        pageMm = paperMm(size.paper, size.landscape);
        pagePx = pageMm * (dpi / 25.4);
    } else {
        const int w = size.widthPx > 0 ? size.widthPx : 1920, h = size.heightPx > 0 ? size.heightPx : 1080;
        pagePx = QSizeF(w, h);
        pageMm = pagePx * (25.4 / dpi);
    }
    AtomicFile file(out);
    const QString tmp = QString::fromStdString(file.tempPath());
    MapResult r;
    if (ext == "png") {
        QImage img(int(std::lround(pagePx.width())), int(std::lround(pagePx.height())), QImage::Format_RGB32);
        if (img.isNull()) throw DataError({out, "", "", ""}, "the image is too large for memory");
        img.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
        img.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
        img.fill(Qt::white);
        {
            QPainter p(&img);
            r = drawPage(p, renderer, focus, pagePx, dpi, false, paper, options);
        }
        writePng(img, file.tempPath(), renderThreads());
    } else if (ext == "svg") {
        QSvgGenerator svg;
        svg.setFileName(tmp);
        svg.setResolution(int(std::lround(dpi)));
        svg.setSize(QSize(int(std::lround(pagePx.width())), int(std::lround(pagePx.height()))));
        svg.setViewBox(QRectF(0, 0, pagePx.width(), pagePx.height()));
        svg.setTitle(options.title.isEmpty() ? QStringLiteral("RuralAtlas") : options.title);
        QPainter p;
        if (!p.begin(&svg)) throw DataError({out, "", "", ""}, "cannot write the SVG");
        r = drawPage(p, renderer, focus, pagePx, dpi, true, paper, options);
        p.end();
    } else {
        QPdfWriter pdf(tmp);
        pdf.setResolution(int(std::lround(dpi)));
        pdf.setPageSize(QPageSize(pageMm, QPageSize::Millimeter));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(options.title.isEmpty() ? T("RuralAtlas 地图") : options.title);
        pdf.setCreator(QStringLiteral("RuralAtlas"));
        QPainter p;
        if (!p.begin(&pdf)) throw DataError({out, "", "", ""}, "cannot write the PDF");
        // QPdfWriter's device size follows the page; use it so rounding never clips the frame.
        const QSizeF dev(pdf.width(), pdf.height());
        r = drawPage(p, renderer, focus, dev, dpi, true, paper, options);
        p.end();
    }
    file.commit();
    return r;
}

}  // namespace ruralatlas::render
