// Circles: points as dots, pre-drawn sprites on raster output, looks worked out once per distinct value.
#include "render/draw_context.hpp"

namespace ruralatlas::render::detail {

// Long on purpose: the hottest loop of national maps (600,000 villages) with its look, sprite and
// occupancy caches as locals of one function.
void drawCircles(LayerDraw& ctx) {
    QPainter& bandPainter = ctx.painter;
    const MapView& view = ctx.view;
    const RenderLayer& L = ctx.layer;
    const StyleLayer& S = *L.style;
    const FeatureLayer& D = *L.data;
    Props& props = ctx.props;
    const double mm = ctx.mm;
    const bool record = ctx.record;
    RenderReport& report = ctx.report;
    const auto& inBand = ctx.inBand;
    const auto recordHit = [&ctx](size_t f, int* knownBranch = nullptr) { ctx.recordHit(f, knownBranch); };
    const std::vector<uint32_t>& drawn = ctx.drawn;
    // On raster output, a point whose pixel already holds the same opaque dot is skipped
    // (national views draw hundreds of thousands of villages). Decided by the layer's
    // size, so that every band of a map decides alike.
    std::vector<uint8_t> occupied;
    std::map<std::tuple<long, QRgb, QRgb, long>, QImage> sprites;  // radius, fill, stroke, stroke width
    const bool dedupe = !view.vector && D.size() > 20000;
    const int W = int(view.target.width()) + 1, H = int(view.target.height()) + 1;
    if (dedupe) occupied.assign(size_t(W) * size_t(H), 0);
    // A look the same for every feature is worked out once.
    const bool constLook = !props.dynamic("circle-radius") && !props.dynamic("circle-opacity") && !props.dynamic("circle-color") &&
                           !props.dynamic("circle-stroke-color") && !props.dynamic("circle-stroke-width");
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
        for (const char* name : {"circle-radius", "circle-opacity", "circle-color", "circle-stroke-color", "circle-stroke-width"})
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
}

}  // namespace ruralatlas::render::detail
