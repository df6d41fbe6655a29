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
#include "render/draw_context.hpp"
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

using namespace detail;

struct MapRenderer::Impl {
    std::vector<RenderLayer> layers;
    SymbolCache symbols;
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
        r.grid = l.type == LayerType::Raster;
        r.scaleRange = r.grid ? std::nullopt : scaleRange;
        r.filter = r.grid ? nullptr : l.filter;
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
        RenderLayer layer;
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

// Long on purpose: the orchestration of one draw (cull and dispatch per layer to draw_*.cpp, the
// raster bands on several threads, then labels and legend); the drawing itself is in draw_*.cpp.
RenderReport MapRenderer::render(QPainter& p, const MapView& view) const {
    RenderReport report;
    const double scale = view.scaleDenominator();
    const double mm = view.pxPerMm();
    const bool callerClips = p.hasClipping();
    p.save();
    p.setClipRect(view.target);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);

    std::vector<LabelCandidate> labels;
    std::vector<LegendHit> legendHits(m_impl->layers.size());
    const double tol = view.vector ? 0.25 : 0.5;

    const LayerSwitches* sw = view.switches;
    const size_t layerCount = m_impl->layers.size();
    // Gridded layers are coloured once for the whole view, before the bands draw them.
    std::vector<GridImage> grids(layerCount);
    for (size_t li = 0; li < layerCount; ++li) {
        const auto& L = m_impl->layers[li];
        if (L.style->type != LayerType::Raster || !L.data || !L.data->grid() || !L.style->visibleAt(scale)) continue;
        if (sw && li < sw->hidden.size() && sw->hidden[li]) continue;
        PhaseTimer t("draw " + L.style->id);
        grids[li] = gridImage(L, view, &legendHits[li]);
    }
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
            LegendHit& hit = legendHits[li];
            // A palette legend lists the distinct input values drawn: resolve their column once.
            int paletteColumn = -1;
            if (L.legendExpr && L.legendExpr->kind() == ExprKind::Palette) {
                const std::string field = L.legendExpr->inputField();
                paletteColumn = field.empty() ? -1 : D.column(field);
            }
            // A feature whose classifying field is empty has no class: the legend says "no data"
            // for it instead of counting it in the class the expression falls back to.
            int inputColumn = -1;
            if (L.legendExpr && (L.legendExpr->kind() == ExprKind::Step || L.legendExpr->kind() == ExprKind::Match)) {
                const std::string field = L.legendExpr->inputField();
                inputColumn = field.empty() ? -1 : D.column(field);
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
                if (inputColumn >= 0 && std::holds_alternative<std::monostate>(D.row(f).get(inputColumn))) {
                    hit.branches.emplace(kNoDataBranch, f);
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

            LayerDraw draw{bandPainter, view, L,          props,  drawn,          mm, tol, record, inBand, recordHit,
                           report,      poly, hatchTiles, labels, m_impl->symbols};
            switch (S.type) {
                case LayerType::Fill:
                    drawFills(draw);
                    break;
                case LayerType::Line:
                    drawLines(draw);
                    break;
                case LayerType::Circle:
                    drawCircles(draw);
                    break;
                case LayerType::Raster:
                    if (!grids[li].image.isNull()) {
                        // Cells stay crisp squares when enlarged.
                        const bool smooth = bandPainter.testRenderHint(QPainter::SmoothPixmapTransform);
                        bandPainter.setRenderHint(QPainter::SmoothPixmapTransform, false);
                        bandPainter.drawImage(grids[li].target, grids[li].image);
                        bandPainter.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
                        if (record) report.featuresDrawn += 1;
                    }
                    break;
                default:  // Symbol: icons now, labels after every layer
                    drawSymbols(draw);
                    break;
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

    placeLabels(p, view, labels, report);
    p.restore();
    buildLegend(m_impl->layers, legendHits, report);
    return report;
}

QStringList MapRenderer::dataNotes(const MapView& view) const {
    QStringList notes;
    if (m_data->layerNotes.empty()) return notes;
    const double scale = view.scaleDenominator();
    for (size_t li = 0; li < m_impl->layers.size(); ++li) {
        const RenderLayer& L = m_impl->layers[li];
        // Only project layers (result layers of the same name are not what the note is about),
        // drawn at this scale and not switched off (the app's layer panel).
        if (!L.data || !L.data->def || L.data->size() == 0 || !L.style->visibleAt(scale)) continue;
        if (view.switches && li < view.switches->hidden.size() && view.switches->hidden[li]) continue;
        const auto it = m_data->layerNotes.find(L.data->name);
        if (it == m_data->layerNotes.end() || !L.data->extent().intersects(view.extent)) continue;
        const QString note = T(it->second.c_str());
        if (!notes.contains(note)) notes << note;
    }
    return notes;
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
    } else if (S.type == LayerType::Raster) {
        p.fillRect(rect, qcolor(props.get("raster-color"), num(props.get("raster-opacity"), 1)));
    } else if (S.type == LayerType::Circle) {
        const double r = std::min(num(props.get("circle-radius"), 1) * mm, rect.height() / 2);
        const QColor stroke = qcolor(props.get("circle-stroke-color"));
        const double sw = num(props.get("circle-stroke-width"), 0) * mm;
        p.setPen(stroke.isValid() && sw > 0 ? QPen(stroke, sw) : QPen(Qt::NoPen));
        p.setBrush(qcolor(props.get("circle-color"), num(props.get("circle-opacity"), 1)));
        p.drawEllipse(rect.center(), r, r);
    } else {
        const double size = std::min(num(props.get("icon-size"), 4) * mm, rect.height());
        m_impl->symbols.drawIcon(p, L.dir, str(props.get("icon-image")), rect.center(), size, vector, 1.0);
    }
    p.restore();
}

}  // namespace ruralatlas::render
