#include "renderer.hpp"

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
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "core/error.hpp"
#include "core/timing.hpp"
#include "render/fonts.hpp"
#include "render/i18n.hpp"

namespace ruralatlas::render {

Box fitExtent(const Box& box, const QRectF& target, double margin) {
    double w = std::max(box.width(), 1.0) * (1 + 2 * margin), h = std::max(box.height(), 1.0) * (1 + 2 * margin);
    const double aspect = target.width() / target.height();
    if (w / h > aspect)
        h = w / aspect;
    else
        w = h * aspect;
    const double cx = (box.minx + box.maxx) / 2, cy = (box.miny + box.maxy) / 2;
    return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

MapView viewAtScale(std::array<double, 2> centre, double scaleDenominator, const QRectF& target, double dpi) {
    const double w = target.width() / dpi * 0.0254 * scaleDenominator, h = target.height() / dpi * 0.0254 * scaleDenominator;
    return {{centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2}, target, dpi};
}

int renderThreads() {
    static const int n = [] {
        if (const char* e = std::getenv("RURALATLAS_RENDER_THREADS"); e && std::atoi(e) > 0) return std::min(std::atoi(e), 16);
        return int(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    }();
    return n;
}

namespace {

QColor qcolor(const Value& v, double opacity = 1.0) {
    if (const auto* c = std::get_if<Rgba>(&v)) return QColor(c->r, c->g, c->b, int(std::lround(c->a * std::clamp(opacity, 0.0, 1.0))));
    if (const auto* s = std::get_if<std::string>(&v)) {
        Rgba c;
        if (parseColor(*s, c)) return qcolor(Value(c), opacity);
    }
    return QColor();  // invalid = not drawn
}

double num(const Value& v, double fallback) {
    double d;
    return toNumber(v, d) ? d : fallback;
}

std::string str(const Value& v, const std::string& fallback = {}) {
    if (std::holds_alternative<std::monostate>(v)) return fallback;
    return valueToString(v);
}

// Applies a dash pattern (in line widths) when the value is an even, non-empty number list.
void applyDash(QPen& pen, const Value& v) {
    if (const auto* dash = std::get_if<std::vector<double>>(&v); dash && !dash->empty() && dash->size() % 2 == 0)
        pen.setDashPattern(QList<qreal>(dash->begin(), dash->end()));
}

// On raster output a line under six pixels wide looks the same with flat caps and bevel
// joins, which Qt strokes without flattening a curve at every vertex.
// A line under a pixel and a half is drawn one pixel wide: the raster engine draws lines up
// to one pixel with its cosmetic stroker, many times faster than outlining a wider one, and
// the difference of a third of a pixel does not show.
void thinPen(QPen& pen, bool vector) {
    if (vector || pen.widthF() >= 6.0) return;
    if (pen.widthF() > 1.0 && pen.widthF() < 1.5) pen.setWidthF(1.0);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::BevelJoin);
}

// A feature too small on the device for its dash pattern to show (less than three periods).
bool tiny(const Box& box, const MapView& view, const QPen& pen) {
    double period = 0;
    for (qreal d : pen.dashPattern()) period += d;
    period *= std::max(1.0, pen.widthF());
    const double size = std::max(box.width(), box.height()) * view.pxPerMetre();
    return size < 3 * period;
}

// Parallel lines `spacing` apart at `angle` degrees (and at right angles for a crosshatch)
// covering a circle of radius `r` around `centre`; the caller clips.
void drawHatchLines(QPainter& p, QPointF centre, double r, double spacing, double angle, bool cross) {
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
bool segmentMeetsBox(double x0, double y0, double x1, double y1, const Box& b) {
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
bool meetsBox(const FeatureLayer& D, size_t f, const Box& box) {
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

std::string dirOf(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Decimates a part to the output resolution: a vertex closer than `tol` pixels to the last
// one kept is dropped (the last vertex always stays).
void devicePart(const FeatureLayer& l, size_t part, const MapView& v, double tol, QPolygonF& out) {
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

void drawHaloText(QPainter& p, const QPointF& baseline, const QString& text, const QFont& font, const QColor& color, const QColor& halo,
                  double haloPx, bool vector) {
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

}  // namespace

struct MapRenderer::Impl {
    struct Layer {
        const StyleLayer* style = nullptr;
        const FeatureLayer* data = nullptr;
        std::string dir;
        const Expr* legendExpr = nullptr;
        std::string legendProp;
    };
    std::vector<Layer> layers;
    mutable std::mutex symbolMutex;
    mutable std::mutex svgDrawMutex;
    mutable std::unordered_map<std::string, std::shared_ptr<QSvgRenderer>> svgs;
    mutable std::unordered_map<std::string, QImage> rasters;

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
};

std::vector<LayerRequest> layerRequests(const Style& style, std::optional<std::pair<double, double>> scaleRange) {
    std::vector<LayerRequest> out;
    for (const auto& l : style.layers) {
        LayerRequest r;
        r.source = l.source;
        r.styleFile = l.file;
        r.styleLine = l.line;
        std::vector<std::string> fields;
        if (l.filter) l.filter->collectFields(fields);
        for (const auto& [name, e] : l.props) e->collectFields(fields);
        for (const auto& f : fields)
            if (std::find(r.fields.begin(), r.fields.end(), f) == r.fields.end()) r.fields.push_back(f);
        r.anchors = l.type == LayerType::Symbol;
        r.scaleRange = scaleRange;
        r.filter = l.filter;
        out.push_back(std::move(r));
    }
    return out;
}

QStringList bindStyle(const Style& style, const MapData& data) {
    QStringList missing;
    for (const auto& l : style.layers) {
        const FeatureLayer* fl = data.find(l.source);
        if (!fl) {
            missing << QString::fromStdString(l.source);
            continue;
        }
        const auto resolve = [fl](const std::string& f) { return fl->column(f); };
        if (l.filter) l.filter->bind(resolve);
        for (const auto& [name, e] : l.props) e->bind(resolve);
        // Every symbol an icon-image can name must exist.
        if (const Expr* icon = l.prop("icon-image")) {
            std::vector<Value> names;
            icon->collectLiterals(names);
            for (const auto& n : names) {
                const std::string s = str(n);
                if (s.empty()) continue;
                const std::string path = dirOf(l.file) + "/symbols/" + s + ".svg";
                QSvgRenderer r(QString::fromStdString(path));
                if (!r.isValid())
                    throw DataError({l.file, "", "line " + std::to_string(l.line), ""},
                                    "key \"icon-image\": symbol \"" + s + "\" not found or not valid SVG (" + path + ")");
            }
        }
    }
    return missing;
}

MapRenderer::MapRenderer(const Style& style, std::shared_ptr<const MapData> data)
    : m_style(style), m_data(std::move(data)), m_impl(std::make_unique<Impl>()) {
    for (const auto& l : style.layers) {
        Impl::Layer layer;
        layer.style = &l;
        layer.data = m_data->find(l.source);
        layer.dir = dirOf(l.file);
        // The property the legend classifies by: as declared, else the symbol, else the first
        // data-driven colour.
        const auto classifying = [](const Expr* e) {
            return e && (e->kind() == ExprKind::Match || e->kind() == ExprKind::Step || e->kind() == ExprKind::Case ||
                         e->kind() == ExprKind::Palette);
        };
        std::vector<std::string> order;
        if (!l.legend.property.empty()) order.push_back(l.legend.property);
        order.push_back("icon-image");
        for (const auto& [name, e] : l.props)
            if (name.ends_with("-color")) order.push_back(name);
        for (const auto& name : order)
            if (classifying(l.prop(name))) {
                layer.legendExpr = l.prop(name);
                layer.legendProp = name;
                break;
            }
        m_impl->layers.push_back(layer);
    }
}

MapRenderer::~MapRenderer() = default;

RenderReport MapRenderer::render(QPainter& p, const MapView& view) const {
    RenderReport report;
    const double scale = view.scaleDenominator();
    const double mm = view.pxPerMm();
    const Fonts& fonts = Fonts::instance();
    const bool callerClips = p.hasClipping();
    p.save();
    p.setClipRect(view.target);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);

    std::vector<LabelCandidate> labels;
    struct Hit {
        std::map<int, size_t> branches;        // branch -> first feature drawn
        std::map<std::string, size_t> values;  // palette input -> first feature
        bool any = false;
        size_t first = 0;
    };
    std::vector<Hit> legendHits(m_impl->layers.size());
    const double tol = view.vector ? 0.25 : 0.5;

    const LayerSwitches* sw = view.switches;
    const size_t layerCount = m_impl->layers.size();
    // Draws every layer's features into `p`, only those reaching `band` (a world box; the
    // whole view when drawing on one thread). With `record`, also keeps the labels, the legend
    // and the counts for every feature in the view, drawn in this band or not.
    const auto drawFeatures = [&](QPainter& bandPainter, const Box& band, bool record) {
        std::vector<uint32_t> hits;
        QPolygonF poly;
        for (size_t k = 0; k < layerCount; ++k) {
            const size_t li = sw && sw->order.size() == layerCount ? sw->order[k] : k;
            const auto& L = m_impl->layers[li];
            if (!L.data || !L.style->visibleAt(scale)) continue;
            if (sw && li < sw->hidden.size() && sw->hidden[li]) continue;
            bandPainter.setOpacity(sw && li < sw->opacity.size() ? double(sw->opacity[li]) : 1.0);
            const StyleLayer& S = *L.style;
            const FeatureLayer& D = *L.data;
            std::optional<PhaseTimer> layerTimer;
            if (record) layerTimer.emplace("draw " + S.id);
            Props props(S, scale);
            // Cull by the R-tree, with room for symbols and lines that reach into the view.
            const double pad = 20 * mm / view.pxPerMetre();
            const Box bandPadded = band.expanded(pad);
            D.query(record ? view.extent.expanded(pad) : bandPadded, hits);
            // Whether this band draws feature f (the recording band also visits the others).
            const auto inBand = [&](size_t f) { return D.bbox(f).intersects(bandPadded); };
            std::map<std::tuple<QRgb, int, int>, QImage> hatchTiles;  // one tile per hatch look
            Hit& hit = legendHits[li];
            // A palette legend lists the distinct input values drawn: resolve their column once.
            int paletteColumn = -1;
            if (L.legendExpr && L.legendExpr->kind() == ExprKind::Palette) {
                const std::string field = L.legendExpr->inputField();
                paletteColumn = field.empty() ? -1 : D.column(field);
            }
            // `knownBranch`: where a caller keeps the legend branch of features that look alike
            // (INT_MIN until worked out).
            const auto recordHit = [&](size_t f, int* knownBranch = nullptr) {
                if (!record) return;
                // Only what shows inside the frame counts for the legend, not what the cull margin let in.
                if (!meetsBox(D, f, view.extent)) return;
                if (!hit.any) {
                    hit.any = true;
                    hit.first = f;
                }
                if (!L.legendExpr) return;
                if (L.legendExpr->kind() == ExprKind::Palette) {
                    if (paletteColumn >= 0) hit.values.emplace(valueToString(D.row(f).get(paletteColumn)), f);
                    return;
                }
                int branch = -1;
                if (knownBranch && *knownBranch != INT_MIN)
                    branch = *knownBranch;
                else
                    L.legendExpr->eval(D.row(f), scale, &branch);
                if (knownBranch) *knownBranch = branch;
                hit.branches.emplace(branch, f);
            };
            const bool passAll = !S.filter;
            std::vector<uint32_t> drawn;
            drawn.reserve(hits.size());
            for (uint32_t f : hits)
                if (passAll || truthy(S.filter->eval(D.row(f), scale))) drawn.push_back(f);

            if (S.type == LayerType::Fill) {
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
                            if (!view.vector && pen.style() == Qt::CustomDashLine && tiny(D.bbox(f), view, pen))
                                pen.setStyle(Qt::SolidLine);
                            bandPainter.strokePath(path, pen);
                        }
                    }
                    recordHit(f);
                    if (record) ++report.featuresDrawn;
                }
            } else if (S.type == LayerType::Line) {
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
            } else if (S.type == LayerType::Circle) {
                // On raster output, a point whose pixel already holds the same opaque dot is skipped
                // (national views draw hundreds of thousands of villages). Decided by the layer's
                // size, so that every band of a map decides alike.
                std::vector<uint8_t> occupied;
                std::map<std::tuple<long, QRgb, QRgb, long>, QImage> sprites;  // radius, fill, stroke, stroke width
                const bool dedupe = !view.vector && D.size() > 20000;
                const int W = int(view.target.width()) + 1, H = int(view.target.height()) + 1;
                if (dedupe) occupied.assign(size_t(W) * size_t(H), 0);
                // A look the same for every feature is worked out once.
                const bool constLook = !props.dynamic("circle-radius") && !props.dynamic("circle-opacity") &&
                                       !props.dynamic("circle-color") && !props.dynamic("circle-stroke-color") &&
                                       !props.dynamic("circle-stroke-width");
                const bool dedupeLook = dedupe && !props.dynamic("circle-color") && !props.dynamic("circle-radius");
                const SpriteBlitter blitter(bandPainter);
                bool haveLook = false;
                double r = 0;
                const QImage* sprite = nullptr;  // small dots on raster output: pre-drawn once, blitted
                QPointF spriteHalf;
                // Looks that vary are kept by the values of the fields they read (a village's status),
                // so the expressions run once per distinct value, not once per feature.
                std::vector<int> lookColumns;
                bool memo = !constLook && !view.vector;
                if (memo) {
                    std::vector<std::string> fields;
                    for (const char* name :
                         {"circle-radius", "circle-opacity", "circle-color", "circle-stroke-color", "circle-stroke-width"})
                        if (const Expr* e = S.prop(name)) e->collectFields(fields);
                    if (L.legendExpr) L.legendExpr->collectFields(fields);
                    std::sort(fields.begin(), fields.end());
                    fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
                    for (const auto& field : fields) {
                        const int c = D.column(field);
                        if (c < 0) memo = false;
                        lookColumns.push_back(c);
                    }
                }
                struct Look {
                    double r = 0;
                    const QImage* sprite = nullptr;
                    QPointF half;
                    QPen pen;
                    QBrush brush;
                    int branch = INT_MIN;
                };
                std::unordered_map<std::string, Look> looks;
                std::string lookKey;
                Look* look = nullptr;
                for (uint32_t f : drawn) {
                    const bool draw = inBand(f);
                    if (!record && !draw) continue;
                    bool compute = true;
                    if (constLook) {
                        compute = !haveLook;
                    } else if (memo) {
                        lookKey.clear();
                        const Row row = D.row(f);
                        for (int c : lookColumns) {
                            const Value& v = row.get(c);
                            lookKey += char('0' + v.index());  // the type, so that 1 and "1" stay apart
                            lookKey += valueToString(v);
                            lookKey += '\x1f';
                        }
                        const auto [it, inserted] = looks.try_emplace(lookKey);
                        look = &it->second;
                        compute = inserted;
                        if (!inserted) {
                            r = look->r;
                            sprite = look->sprite;
                            spriteHalf = look->half;
                            if (!sprite) {
                                bandPainter.setPen(look->pen);
                                bandPainter.setBrush(look->brush);
                            }
                        }
                    }
                    if (compute) {
                        haveLook = true;
                        props.setRow(D.row(f));
                        r = num(props.get("circle-radius"), 1) * mm;
                        const double opacity = num(props.get("circle-opacity"), 1);
                        const QColor fill = qcolor(props.get("circle-color"), opacity);
                        const QColor stroke = qcolor(props.get("circle-stroke-color"), opacity);
                        const double strokeWidth = num(props.get("circle-stroke-width"), 0) * mm;
                        const QPen pen = stroke.isValid() && strokeWidth > 0 ? QPen(stroke, strokeWidth) : QPen(Qt::NoPen);
                        const QBrush brush = fill.isValid() ? QBrush(fill) : QBrush(Qt::NoBrush);
                        sprite = nullptr;
                        if (!view.vector && r + strokeWidth <= 12) {
                            const auto key = std::make_tuple(std::lround(r * 8), fill.isValid() ? fill.rgba() : 0u,
                                                             stroke.isValid() ? stroke.rgba() : 0u, std::lround(strokeWidth * 8));
                            auto it = sprites.find(key);
                            if (it == sprites.end()) {
                                const int n = int(std::ceil(2 * (r + strokeWidth))) + 3;
                                QImage img(n, n, QImage::Format_ARGB32_Premultiplied);
                                img.fill(Qt::transparent);
                                QPainter sp(&img);
                                sp.setRenderHint(QPainter::Antialiasing, true);
                                sp.setPen(pen);
                                sp.setBrush(brush);
                                sp.drawEllipse(QPointF(n / 2.0, n / 2.0), r, r);
                                sp.end();
                                it = sprites.emplace(key, std::move(img)).first;
                            }
                            sprite = &it->second;
                            spriteHalf = QPointF(sprite->width() / 2.0, sprite->height() / 2.0);
                        } else {
                            bandPainter.setPen(pen);
                            bandPainter.setBrush(brush);
                        }
                        if (memo && look) {
                            look->r = r;
                            look->sprite = sprite;
                            look->half = spriteHalf;
                            look->pen = pen;
                            look->brush = brush;
                        }
                    }
                    bool any = false;
                    for (size_t part = D.partBegin(f); part < D.partEnd(f); ++part) {
                        const size_t i = D.pointBegin(part);
                        const QPointF c = view.toDevice(D.xy()[2 * i], D.xy()[2 * i + 1]);
                        if (dedupeLook) {
                            const int x = int(c.x() - view.target.left()), y = int(c.y() - view.target.top());
                            if (x >= 0 && y >= 0 && x < W && y < H) {
                                uint8_t& o = occupied[size_t(y) * size_t(W) + size_t(x)];
                                if (o) continue;
                                o = 1;
                            }
                        }
                        any = true;
                        if (!draw) continue;
                        if (sprite) {
                            const QPointF at = c - spriteHalf;
                            const QPoint to(int(std::lround(at.x())), int(std::lround(at.y())));
                            if (blitter.ok())
                                blitter.blit(*sprite, to);
                            else
                                bandPainter.drawImage(to, *sprite);
                        } else {
                            bandPainter.drawEllipse(c, r, r);
                        }
                    }
                    if (any || !dedupe) {
                        recordHit(f, memo && look ? &look->branch : nullptr);
                        if (record) ++report.featuresDrawn;
                    }
                }
            } else {  // Symbol: icons now, labels after every layer
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
                                m_impl->drawIcon(bandPainter, L.dir, icon, view.toDevice(D.xy()[2 * i], D.xy()[2 * i + 1]), iconPx,
                                                 view.vector, num(props.get("icon-opacity"), 1));
                            }
                        else
                            m_impl->drawIcon(bandPainter, L.dir, icon, c, iconPx, view.vector, num(props.get("icon-opacity"), 1));
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
        }
        bandPainter.setOpacity(1.0);
    };

    // Large raster maps are drawn in horizontal bands, one per core, each with its own painter
    // on its rows of the image; this thread's band also gathers labels and legend for the whole
    // view, and the labels are placed afterwards on the whole image. Every band draws the same
    // features in the same order, clipped to its rows, so the seams do not show.
    QImage* image = p.device() && p.device()->devType() == QInternal::Image ? static_cast<QImage*>(p.device()) : nullptr;
    const QRect targetPx = view.target.toAlignedRect() & (image ? image->rect() : QRect());
    int bands = 1;
    if (image && !view.vector && p.transform().isIdentity() && !callerClips &&
        (image->format() == QImage::Format_RGB32 || image->format() == QImage::Format_ARGB32_Premultiplied) &&
        (view.threads > 1 || double(targetPx.width()) * targetPx.height() >= 1.0e6))
        bands = view.threads > 0 ? view.threads : renderThreads();
    if (bands <= 1) {
        drawFeatures(p, view.extent, true);
    } else {
        const auto bandRows = [&](int b) { return targetPx.top() + int(int64_t(targetPx.height()) * b / bands); };
        const auto bandWorld = [&](int b) {
            // World rows of the band, a pixel wider each way so rounding loses nothing.
            const double s = view.pxPerMetre();
            const double top = view.extent.maxy - (bandRows(b) - 1 - view.target.top()) / s;
            const double bottom = view.extent.maxy - (bandRows(b + 1) + 1 - view.target.top()) / s;
            return Box{view.extent.minx, std::max(view.extent.miny, bottom), view.extent.maxx, std::min(view.extent.maxy, top)};
        };
        std::vector<std::thread> helpers;
        std::vector<std::exception_ptr> errors(static_cast<size_t>(bands));
        uchar* bits = image->bits();
        for (int b = 1; b < bands; ++b)
            helpers.emplace_back([&, b] {
                try {
                    const int y0 = bandRows(b), y1 = bandRows(b + 1);
                    QImage rows(bits + qsizetype(y0) * image->bytesPerLine(), image->width(), y1 - y0, image->bytesPerLine(),
                                image->format());
                    QPainter bp(&rows);
                    bp.translate(0, -y0);
                    bp.setClipRect(QRect(targetPx.left(), y0, targetPx.width(), y1 - y0));
                    bp.setRenderHints(p.renderHints());
                    drawFeatures(bp, bandWorld(b), false);
                } catch (...) {
                    errors[size_t(b)] = std::current_exception();
                }
            });
        try {
            p.save();
            p.setClipRect(QRect(targetPx.left(), bandRows(0), targetPx.width(), bandRows(1) - bandRows(0)));
            drawFeatures(p, bandWorld(0), true);
            p.restore();
        } catch (...) {
            errors[0] = std::current_exception();
        }
        for (auto& t : helpers) t.join();
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
    }

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
    p.restore();

    // The legend: style layers that drew something, with only the categories drawn.
    for (size_t li = 0; li < m_impl->layers.size(); ++li) {
        const auto& L = m_impl->layers[li];
        const Hit& hit = legendHits[li];
        if (!hit.any || !L.style->legend.show || !L.data) continue;
        const StyleLayer& S = *L.style;
        if (S.type == LayerType::Symbol && !S.prop("icon-image")) continue;  // labels only
        LegendGroup g;
        g.styleLayer = li;
        g.title = QString::fromStdString(S.legend.title.empty() ? L.data->title : S.legend.title);
        const auto labelFor = [&](const std::string& key) -> QString {
            auto it = S.legend.labels.find(key);
            if (it != S.legend.labels.end()) return QString::fromStdString(it->second);
            const std::string field = L.legendExpr ? L.legendExpr->inputField() : std::string();
            return QString::fromStdString(field.empty() ? key : L.data->displayValue(field, Value(key)));
        };
        if (!L.legendExpr) {
            g.items.push_back({g.title, li, hit.first, -1});
        } else if (L.legendExpr->kind() == ExprKind::Palette) {
            for (const auto& [key, f] : hit.values) g.items.push_back({labelFor(key) + " " + QString::fromStdString(key), li, f, -1});
        } else {
            const auto& stops = L.legendExpr->stops();
            const QString unit = QString::fromStdString(S.legend.unit);
            for (const auto& [branch, f] : hit.branches) {
                QString label;
                if (L.legendExpr->kind() == ExprKind::Match) {
                    const auto keys = L.legendExpr->matchLabels(branch);
                    QStringList parts;
                    for (const auto& k : keys) parts << labelFor(valueToString(k));
                    label = keys.empty() ? labelFor("*") : parts.join("、");
                    if (keys.empty() && label == "*") label = T("其他");
                } else if (L.legendExpr->kind() == ExprKind::Step) {
                    const auto n = [](double d) { return QString::fromStdString(valueToString(Value(d))); };
                    auto it = S.legend.labels.find(std::to_string(branch));
                    if (it != S.legend.labels.end())
                        label = QString::fromStdString(it->second);
                    else if (branch == 0)
                        label = QStringLiteral("< %1%2").arg(n(stops[0]), unit);
                    else if (size_t(branch) == stops.size())
                        label = QStringLiteral("≥ %1%2").arg(n(stops.back()), unit);
                    else
                        label = QStringLiteral("%1–%2%3").arg(n(stops[size_t(branch) - 1]), n(stops[size_t(branch)]), unit);
                } else {
                    auto it = S.legend.labels.find(std::to_string(branch));
                    label = it != S.legend.labels.end() ? QString::fromStdString(it->second) : T("类别 %1").arg(branch + 1);
                }
                g.items.push_back({label, li, f, branch});
            }
        }
        report.legend.push_back(std::move(g));
    }
    return report;
}

void MapRenderer::drawSwatch(QPainter& p, const QRectF& rect, const LegendItem& item, double dpi, bool vector) const {
    const auto& L = m_impl->layers.at(item.styleLayer);
    if (!L.data) return;
    const StyleLayer& S = *L.style;
    const double mm = dpi / 25.4;
    Props props(S, 0);
    props.setRow(L.data->row(item.feature));
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    if (S.type == LayerType::Fill) {
        const double opacity = num(props.get("fill-opacity"), 1);
        const QColor fill = qcolor(props.get("fill-color"), opacity);
        const std::string pattern = str(props.get("fill-pattern"), "solid");
        if (fill.isValid() && (pattern == "solid" || S.prop("fill-color"))) p.fillRect(rect, fill);
        if (pattern == "hatch" || pattern == "crosshatch") {
            p.setClipRect(rect);
            p.setPen(QPen(qcolor(props.get("fill-hatch-color"), opacity), std::max(0.1, num(props.get("fill-hatch-width"), 0.2)) * mm));
            const double spacing = std::max(0.3, num(props.get("fill-hatch-spacing"), 2)) * mm * 0.6;
            drawHatchLines(p, rect.center(), std::hypot(rect.width(), rect.height()), spacing, num(props.get("fill-hatch-angle"), 45),
                           pattern == "crosshatch");
            p.setClipping(false);
        }
        const QColor outline = qcolor(props.get("fill-outline-color"));
        if (outline.isValid()) {
            p.setPen(QPen(outline, std::max(0.05, num(props.get("fill-outline-width"), 0.2)) * mm));
            p.setBrush(Qt::NoBrush);
            p.drawRect(rect);
        }
    } else if (S.type == LayerType::Line) {
        const QLineF line(rect.left(), rect.center().y(), rect.right(), rect.center().y());
        const double width = num(props.get("line-width"), 0.3) * mm;
        const QColor cc = qcolor(props.get("line-casing-color"));
        const double cw = num(props.get("line-casing-width"), 0) * mm;
        if (cc.isValid() && cw > width) {
            p.setPen(QPen(cc, cw, Qt::SolidLine, Qt::FlatCap));
            p.drawLine(line);
        }
        QPen pen(qcolor(props.get("line-color"), num(props.get("line-opacity"), 1)), width, Qt::SolidLine, Qt::FlatCap);
        applyDash(pen, props.get("line-dasharray"));
        p.setPen(pen);
        p.drawLine(line);
    } else if (S.type == LayerType::Circle) {
        const double r = std::min(num(props.get("circle-radius"), 1) * mm, rect.height() / 2);
        const QColor stroke = qcolor(props.get("circle-stroke-color"));
        const double sw = num(props.get("circle-stroke-width"), 0) * mm;
        p.setPen(stroke.isValid() && sw > 0 ? QPen(stroke, sw) : QPen(Qt::NoPen));
        p.setBrush(qcolor(props.get("circle-color"), num(props.get("circle-opacity"), 1)));
        p.drawEllipse(rect.center(), r, r);
    } else {
        const double size = std::min(num(props.get("icon-size"), 4) * mm, rect.height());
        m_impl->drawIcon(p, L.dir, str(props.get("icon-image")), rect.center(), size, vector, 1.0);
    }
    p.restore();
}

}  // namespace ruralatlas::render
