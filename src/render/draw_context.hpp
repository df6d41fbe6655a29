// Inside the map renderer (not a public header): the pieces the drawing files share. One map draw
// (MapRenderer::render, renderer.cpp) culls each style layer's features and hands them to the
// drawer of the layer's type: fills (draw_fills.cpp), lines (draw_lines.cpp), circles
// (draw_points.cpp), icons and label candidates (draw_labels.cpp); then places the labels
// (draw_labels.cpp) and builds the legend (draw_legend.cpp).
#pragma once
#include <QFontMetricsF>
#include <QImage>
#include <QPaintEngine>
#include <QPainterPath>
#include <QPainterPathStroker>
#include <QRegion>
#include <QSvgRenderer>
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "core/error.hpp"
#include "core/timing.hpp"
#include "render/fonts.hpp"
#include "render/i18n.hpp"
#include "render/renderer.hpp"

namespace ruralatlas::render::detail {

inline QColor qcolor(const Value& v, double opacity = 1.0) {
    if (const auto* c = std::get_if<Rgba>(&v)) return QColor(c->r, c->g, c->b, int(std::lround(c->a * std::clamp(opacity, 0.0, 1.0))));
    if (const auto* s = std::get_if<std::string>(&v)) {
        Rgba c;
        if (parseColor(*s, c)) return qcolor(Value(c), opacity);
    }
    return QColor();  // invalid = not drawn
}

inline double num(const Value& v, double fallback) {
    double d;
    return toNumber(v, d) ? d : fallback;
}

inline std::string str(const Value& v, const std::string& fallback = {}) {
    if (std::holds_alternative<std::monostate>(v)) return fallback;
    return valueToString(v);
}

// Applies a dash pattern (in line widths) when the value is an even, non-empty number list.
inline void applyDash(QPen& pen, const Value& v) {
    if (const auto* dash = std::get_if<std::vector<double>>(&v); dash && !dash->empty() && dash->size() % 2 == 0)
        pen.setDashPattern(QList<qreal>(dash->begin(), dash->end()));
}

// On raster output a line under six pixels wide looks the same with flat caps and bevel
// joins, which Qt strokes without flattening a curve at every vertex.
// A line under a pixel and a half is drawn one pixel wide: the raster engine draws lines up
// to one pixel with its cosmetic stroker, many times faster than outlining a wider one, and
// the difference of a third of a pixel does not show.
inline void thinPen(QPen& pen, bool vector) {
    if (vector || pen.widthF() >= 6.0) return;
    if (pen.widthF() > 1.0 && pen.widthF() < 1.5) pen.setWidthF(1.0);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::BevelJoin);
}

// A feature too small on the device for its dash pattern to show (less than three periods).
inline bool tiny(const Box& box, const MapView& view, const QPen& pen) {
    double period = 0;
    for (qreal d : pen.dashPattern()) period += d;
    period *= std::max(1.0, pen.widthF());
    const double size = std::max(box.width(), box.height()) * view.pxPerMetre();
    return size < 3 * period;
}

// Parallel lines `spacing` apart at `angle` degrees (and at right angles for a crosshatch)
// covering a circle of radius `r` around `centre`; the caller clips.
inline void drawHatchLines(QPainter& p, QPointF centre, double r, double spacing, double angle, bool cross) {
    for (int pass = 0; pass < (cross ? 2 : 1); ++pass) {
        const double a = (angle + pass * 90) * M_PI / 180;
        const QPointF dir(std::cos(a), -std::sin(a)), nrm(std::sin(a), std::cos(a));
        for (double d = -r; d <= r; d += spacing) {
            const QPointF o = centre + nrm * d;
            p.drawLine(o - dir * r, o + dir * r);
        }
    }
}

// Source-over of a small premultiplied sprite straight into the painter's image, for the
// hundreds of thousands of dots of a national view, where QPainter::drawImage's per-call
// set-up costs more than the few pixels it blends. Only for what it can do exactly as the
// painter would: an RGB32 or premultiplied ARGB32 image, no opacity, source-over, a
// whole-pixel translation and a rectangular clip; ok() is false otherwise.
class SpriteBlitter {
public:
    explicit SpriteBlitter(const QPainter& p) {
        QPaintDevice* dev = p.device();
        if (!dev || dev->devType() != QInternal::Image || p.paintEngine()->type() != QPaintEngine::Raster) return;
        m_img = static_cast<QImage*>(dev);
        if (m_img->format() != QImage::Format_RGB32 && m_img->format() != QImage::Format_ARGB32_Premultiplied) return;
        const QTransform& t = p.transform();
        if (t.type() > QTransform::TxTranslate || t.dx() != std::round(t.dx()) || t.dy() != std::round(t.dy())) return;
        if (p.opacity() != 1.0 || p.compositionMode() != QPainter::CompositionMode_SourceOver) return;
        m_dx = int(t.dx());
        m_dy = int(t.dy());
        m_clip = m_img->rect();
        if (p.hasClipping()) {
            const QRegion r = p.clipRegion();
            if (r.rectCount() > 1) return;
            m_clip &= r.boundingRect().translated(m_dx, m_dy);
        }
        m_ok = true;
    }
    bool ok() const { return m_ok; }
    // Blends `sprite` (Format_ARGB32_Premultiplied) with its top-left at `at` (logical pixels).
    void blit(const QImage& sprite, QPoint at) const {
        const QRect to = QRect(at.x() + m_dx, at.y() + m_dy, sprite.width(), sprite.height()) & m_clip;
        if (to.isEmpty()) return;
        const int sx0 = to.left() - (at.x() + m_dx), sy0 = to.top() - (at.y() + m_dy);
        for (int y = 0; y < to.height(); ++y) {
            const auto* src = reinterpret_cast<const QRgb*>(sprite.constScanLine(sy0 + y)) + sx0;
            auto* dst = reinterpret_cast<QRgb*>(m_img->scanLine(to.top() + y)) + to.left();
            for (int x = 0; x < to.width(); ++x) {
                const QRgb s = src[x];
                const uint a = qAlpha(s);
                if (a == 255)
                    dst[x] = s;
                else if (a) {
                    const QRgb d = dst[x];
                    const uint k = 255 - a;
                    const auto mul = [k](uint c) { return (c * k + 127) / 255; };
                    dst[x] = qRgba(int(qRed(s) + mul(qRed(d))), int(qGreen(s) + mul(qGreen(d))), int(qBlue(s) + mul(qBlue(d))),
                                   int(a + mul(qAlpha(d))));
                }
            }
        }
    }

private:
    QImage* m_img = nullptr;
    QRect m_clip;
    int m_dx = 0, m_dy = 0;
    bool m_ok = false;
};

// Whether segment a-b has a point inside `b` (Liang-Barsky clipping).
inline bool segmentMeetsBox(double x0, double y0, double x1, double y1, const Box& b) {
    double t0 = 0, t1 = 1;
    const double dx = x1 - x0, dy = y1 - y0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {x0 - b.minx, b.maxx - x0, y0 - b.miny, b.maxy - y0};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return false;
        } else {
            const double t = q[i] / p[i];
            if (p[i] < 0)
                t0 = std::max(t0, t);
            else
                t1 = std::min(t1, t);
            if (t0 > t1) return false;
        }
    }
    return true;
}

// Whether feature f itself (not just its bounding box) reaches into `box`: a point inside it,
// a line crossing it, a polygon overlapping it or holding it whole. For the legend, which lists
// only what shows in the frame.
inline bool meetsBox(const FeatureLayer& D, size_t f, const Box& box) {
    const Box& fb = D.bbox(f);
    if (!fb.intersects(box)) return false;
    if (fb.minx >= box.minx && fb.maxx <= box.maxx && fb.miny >= box.miny && fb.maxy <= box.maxy) return true;
    const double* xy = D.xy();
    if (D.shape == Shape::Point) {
        for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
            const size_t i = D.pointBegin(part);
            if (xy[2 * i] >= box.minx && xy[2 * i] <= box.maxx && xy[2 * i + 1] >= box.miny && xy[2 * i + 1] <= box.maxy) return true;
        }
        return false;
    }
    for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
        const size_t b = D.pointBegin(part), e = D.pointEnd(part);
        if (e - b == 1 && segmentMeetsBox(xy[2 * b], xy[2 * b + 1], xy[2 * b], xy[2 * b + 1], box)) return true;
        for (size_t i = b + 1; i < e; ++i)
            if (segmentMeetsBox(xy[2 * i - 2], xy[2 * i - 1], xy[2 * i], xy[2 * i + 1], box)) return true;
    }
    if (D.shape != Shape::Polygon) return false;
    // No edge reaches the box: it is inside the polygon or outside it; test its centre (even-odd
    // over every ring, as the fill is drawn).
    const double cx = (box.minx + box.maxx) / 2, cy = (box.miny + box.maxy) / 2;
    bool inside = false;
    for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
        const size_t b = D.pointBegin(part), e = D.pointEnd(part);
        for (size_t i = b, j = e - 1; i < e; j = i++) {
            const double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
            if ((yi > cy) != (yj > cy) && cx < (xj - xi) * (cy - yi) / (yj - yi) + xi) inside = !inside;
        }
    }
    return inside;
}

// A style layer's properties, constant ones evaluated once.
class Props {
public:
    Props(const StyleLayer& layer, double scale) : m_layer(layer), m_scale(scale) {
        const auto& defs = propertyDefaults(layer.type);
        for (const auto& [name, def] : defs) {
            const Expr* e = layer.prop(name);
            Slot s;
            s.expr = e;
            if (!e)
                s.value = def;
            else if (e->isConstant())
                s.value = e->eval(Row{}, scale);
            else
                s.dynamic = true;
            m_slots.emplace(name, std::move(s));
        }
    }
    void setRow(Row row) {
        m_row = row;
        for (auto& [name, s] : m_slots)
            if (s.dynamic) s.cached = false;
    }
    const Value& get(const std::string& name) {
        Slot& s = m_slots.at(name);
        if (s.dynamic && !s.cached) {
            s.value = s.expr->eval(m_row, m_scale);
            s.cached = true;
        }
        return s.value;
    }
    bool dynamic(const std::string& name) const { return m_slots.at(name).dynamic; }

private:
    struct Slot {
        const Expr* expr = nullptr;
        Value value;
        bool dynamic = false;
        bool cached = false;
    };
    const StyleLayer& m_layer;
    double m_scale;
    Row m_row;
    std::map<std::string, Slot> m_slots;
};

inline std::string dirOf(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Decimates a part to the output resolution: a vertex closer than `tol` pixels to the last
// one kept is dropped (the last vertex always stays).
inline void devicePart(const FeatureLayer& l, size_t part, const MapView& v, double tol, QPolygonF& out) {
    out.clear();
    const double* xy = l.xy();
    const size_t b = l.pointBegin(part), e = l.pointEnd(part);
    const double s = v.pxPerMetre(), ox = v.target.left() - v.extent.minx * s, oy = v.target.top() + v.extent.maxy * s;
    QPointF last;
    for (size_t i = b; i < e; ++i) {
        const QPointF p(ox + xy[2 * i] * s, oy - xy[2 * i + 1] * s);
        if (i == b || i + 1 == e || std::fabs(p.x() - last.x()) + std::fabs(p.y() - last.y()) >= tol) {
            out.append(p);
            last = p;
        }
    }
}

struct LabelCandidate {
    QString text;
    QPointF anchor;
    double priority = 0;
    size_t order = 0;
    QFont font;
    QColor color, halo;
    double haloPx = 0;
    QString anchorMode;
    std::vector<QString> variableAnchors;
    QPointF offsetPx;
    bool allowOverlap = false;
    bool onLine = false;
    std::vector<QPolygonF> lines;
    double spacingPx = 0;
    double letterSpacingPx = 0;
};

// Placed label boxes in a uniform grid, for collision tests.
class CollisionGrid {
public:
    CollisionGrid(const QRectF& area, double cell) : m_area(area), m_cell(cell) {
        m_cols = std::max(1, int(std::ceil(area.width() / cell)));
        m_rows = std::max(1, int(std::ceil(area.height() / cell)));
        m_cells.resize(size_t(m_cols) * size_t(m_rows));
    }
    bool free(const QRectF& r) const {
        bool ok = true;
        visit(r, [&](std::vector<size_t>& cell) {
            for (size_t i : cell)
                if (m_boxes[i].intersects(r)) ok = false;
        });
        return ok;
    }
    void add(const QRectF& r) {
        const size_t id = m_boxes.size();
        m_boxes.push_back(r);
        visit(r, [&](std::vector<size_t>& cell) { cell.push_back(id); });
    }

private:
    template <class F>
    void visit(const QRectF& r, F&& f) const {
        const int c0 = std::clamp(int((r.left() - m_area.left()) / m_cell), 0, m_cols - 1);
        const int c1 = std::clamp(int((r.right() - m_area.left()) / m_cell), 0, m_cols - 1);
        const int r0 = std::clamp(int((r.top() - m_area.top()) / m_cell), 0, m_rows - 1);
        const int r1 = std::clamp(int((r.bottom() - m_area.top()) / m_cell), 0, m_rows - 1);
        for (int y = r0; y <= r1; ++y)
            for (int x = c0; x <= c1; ++x) f(const_cast<std::vector<size_t>&>(m_cells[size_t(y) * size_t(m_cols) + size_t(x)]));
    }
    QRectF m_area;
    double m_cell;
    int m_cols = 1, m_rows = 1;
    std::vector<std::vector<size_t>> m_cells;
    std::vector<QRectF> m_boxes;
};

inline void drawHaloText(QPainter& p, const QPointF& baseline, const QString& text, const QFont& font, const QColor& color,
                         const QColor& halo, double haloPx, bool vector) {
    if (haloPx > 0 && halo.isValid() && halo.alpha() > 0) {
        if (!vector && haloPx <= 3.0 && halo.alpha() == 255) {
            // On screen and small print halos: the text drawn in the halo colour around a ring
            // of offsets. Glyphs come from Qt's glyph cache, where stroking the outline path
            // (below) costs most of a redraw: curves flattened and round joins at every point.
            p.setFont(font);
            p.setPen(halo);
            const int steps = haloPx <= 1.5 ? 8 : 16;
            for (int k = 0; k < steps; ++k) {
                const double a = 2 * M_PI * k / steps;
                p.drawText(baseline + QPointF(haloPx * std::cos(a), haloPx * std::sin(a)), text);
            }
        } else {
            // The halo is a stroked outline path; the text itself stays real text so a PDF's
            // text layer holds each label exactly once.
            QPainterPath path;
            path.addText(baseline, font, text);
            p.setPen(QPen(halo, haloPx * 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.setBrush(Qt::NoBrush);
            p.drawPath(path);
        }
    }
    p.setFont(font);
    p.setPen(color);
    p.drawText(baseline, text);
}

struct RenderLayer {
    const StyleLayer* style = nullptr;
    const FeatureLayer* data = nullptr;
    std::string dir;
    const Expr* legendExpr = nullptr;
    std::string legendProp;
};

// SVG symbols by folder and name, and their raster copies by size; shared by the bands of a map
// (drawn on several threads).
class SymbolCache {
public:
    std::shared_ptr<QSvgRenderer> svg(const std::string& dir, const std::string& name) const {
        const std::string key = dir + "/symbols/" + name + ".svg";
        std::lock_guard lock(symbolMutex);
        auto it = svgs.find(key);
        if (it != svgs.end()) return it->second;
        auto r = std::make_shared<QSvgRenderer>(QString::fromStdString(key));
        if (!r->isValid()) r.reset();
        svgs.emplace(key, r);
        return r;
    }
    QImage raster(const std::string& dir, const std::string& name, int px) const {
        const std::string key = dir + "/" + name + "@" + std::to_string(px);
        {
            std::lock_guard lock(symbolMutex);
            auto it = rasters.find(key);
            if (it != rasters.end()) return it->second;
        }
        QImage img;
        if (auto r = svg(dir, name)) {
            img = QImage(px, px, QImage::Format_ARGB32_Premultiplied);
            img.fill(Qt::transparent);
            QPainter p(&img);
            p.setRenderHint(QPainter::Antialiasing);
            std::lock_guard drawing(svgDrawMutex);  // bands of one map draw on several threads
            r->render(&p, QRectF(0, 0, px, px));
        }
        std::lock_guard lock(symbolMutex);
        rasters.emplace(key, img);
        return img;
    }
    void drawIcon(QPainter& p, const std::string& dir, const std::string& name, const QPointF& c, double sizePx, bool vector,
                  double opacity) const {
        if (name.empty() || sizePx <= 0) return;
        const QRectF r(c.x() - sizePx / 2, c.y() - sizePx / 2, sizePx, sizePx);
        const double oldOpacity = p.opacity();
        p.setOpacity(oldOpacity * opacity);
        if (vector) {
            if (auto s = svg(dir, name)) s->render(&p, r);
        } else {
            const QImage img = raster(dir, name, std::max(1, int(std::lround(sizePx))));
            if (!img.isNull()) p.drawImage(QPointF(c.x() - img.width() / 2.0, c.y() - img.height() / 2.0), img);
        }
        p.setOpacity(oldOpacity);
    }

private:
    mutable std::mutex symbolMutex;
    mutable std::mutex svgDrawMutex;
    mutable std::unordered_map<std::string, std::shared_ptr<QSvgRenderer>> svgs;
    mutable std::unordered_map<std::string, QImage> rasters;
};

// The legend branch of features whose classifying field is empty (sorts after every class).
constexpr int kNoDataBranch = INT_MAX;

// Which legend entries a style layer's features reached (the first feature of each).
struct LegendHit {
    std::map<int, size_t> branches;        // branch -> first feature drawn
    std::map<std::string, size_t> values;  // palette input -> first feature
    bool any = false;
    size_t first = 0;
    size_t lowSample = SIZE_MAX, highSample = 0;  // a gridded layer: the lowest and highest value samples drawn
};

// A gridded layer's cells inside the view, coloured once per draw (every band draws the same image).
struct GridImage {
    QImage image;
    QRectF target;  // device rectangle of the image's cells
};
// Colours the cells of raster style layer `L` inside `view` (at most one image pixel per device
// pixel, nearest cell), recording the value classes drawn in `hit` when given.
GridImage gridImage(const RenderLayer& L, const MapView& view, LegendHit* hit);

// One style layer drawn into one band of one map: what every drawer needs.
struct LayerDraw {
    QPainter& painter;  // the band's painter
    const MapView& view;
    const RenderLayer& layer;
    Props& props;
    const std::vector<uint32_t>& drawn;  // features culled and passing the filter, in file order
    double mm, tol;
    bool record;  // this band also records labels, legend and counts for the whole view
    std::function<bool(size_t)> inBand;
    std::function<void(size_t, int*)> recordHit;  // a feature shown (legend); the int* caches its legend branch
    RenderReport& report;
    QPolygonF& poly;  // scratch
    std::map<std::tuple<QRgb, int, int>, QImage>& hatchTiles;
    std::vector<LabelCandidate>& labels;
    const SymbolCache& symbols;
};

void drawFills(LayerDraw& c);
void drawLines(LayerDraw& c);
void drawCircles(LayerDraw& c);
void drawSymbols(LayerDraw& c);
// Places the label candidates by priority where they collide with nothing placed before.
void placeLabels(QPainter& p, const MapView& view, std::vector<LabelCandidate>& labels, RenderReport& report);
// The legend groups of the style layers that drew something.
void buildLegend(const std::vector<RenderLayer>& layers, const std::vector<LegendHit>& hits, RenderReport& report);

}  // namespace ruralatlas::render::detail
