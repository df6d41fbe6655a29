// Gridded layers: each cell coloured by the style's "raster-color" of its value, through a
// colour table of the layer's value samples (FeatureLayer::kGridSamples), drawn as one image.
#include "render/draw_context.hpp"

namespace ruralatlas::render::detail {

GridImage gridImage(const RenderLayer& L, const MapView& view, LegendHit* hit) {
    GridImage out;
    const FeatureLayer& D = *L.data;
    const ResultGrid* g = D.grid();
    if (!g || g->width <= 0 || g->height <= 0 || g->cell <= 0) return out;
    // The cells meeting the view.
    const Box& e = view.extent;
    const auto clampTo = [](double v, int hi) { return int(std::clamp(v, 0.0, double(hi))); };
    const int c0 = clampTo(std::floor((e.minx - g->x0) / g->cell), g->width);
    const int c1 = clampTo(std::ceil((e.maxx - g->x0) / g->cell), g->width);
    const int r0 = clampTo(std::floor((g->y1 - e.maxy) / g->cell), g->height);
    const int r1 = clampTo(std::ceil((g->y1 - e.miny) / g->cell), g->height);
    if (c1 <= c0 || r1 <= r0) return out;
    const int cw = c1 - c0, ch = r1 - r0;
    // One image pixel per cell, or per device pixel when cells are smaller than pixels (and at
    // most 8,192 a side).
    const double cellPx = g->cell * view.pxPerMetre();
    const int iw = std::clamp(int(std::ceil(cw * std::min(1.0, cellPx))), 1, std::min(cw, 8192));
    const int ih = std::clamp(int(std::ceil(ch * std::min(1.0, cellPx))), 1, std::min(ch, 8192));

    const double scale = view.scaleDenominator();
    const StyleLayer& S = *L.style;
    Props props(S, scale);
    const double opacity = std::clamp(num(props.get("raster-opacity"), 1), 0.0, 1.0);
    const size_t N = FeatureLayer::kGridSamples;
    // The colour (0: clear) and legend branch of one value, worked out exactly.
    std::vector<std::vector<Value>> one(1, std::vector<Value>(1));
    const auto exact = [&](double value, int* branch) -> QRgb {
        one[0][0] = value;
        const Row row{&one, 0};
        if (branch && L.legendExpr) L.legendExpr->eval(row, scale, branch);
        if (S.filter && !truthy(S.filter->eval(row, scale))) return 0;
        props.setRow(row);
        const QColor c = qcolor(props.get("raster-color"), opacity);
        return c.isValid() ? qPremultiply(c.rgba()) : 0;
    };
    // A colour table over the value samples. A sample's bucket (values within half a step of
    // it) whose two edges differ in colour, or that holds a class break of the style, is marked
    // and its cells are coloured exactly, so a class break falls where the style puts it.
    // Categorical styles (match, case) colour every distinct value exactly.
    const Expr* colourExpr = S.prop("raster-color");
    const bool categorical = (colourExpr && (colourExpr->kind() == ExprKind::Match || colourExpr->kind() == ExprKind::Case)) ||
                             (L.legendExpr && L.legendExpr->kind() != ExprKind::Step);
    const double lo = D.gridMin(), step = (D.gridMax() - D.gridMin()) / double(N - 1);
    std::vector<QRgb> lut(N, 0);
    std::vector<char> sharp(N, categorical ? 1 : 0);
    if (!categorical) {
        std::vector<QRgb> edge(N + 1);
        for (size_t k = 0; k <= N; ++k) edge[k] = exact(lo + (double(k) - 0.5) * step, nullptr);
        for (size_t k = 0; k < N; ++k) {
            lut[k] = exact(lo + double(k) * step, nullptr);
            if (edge[k] != lut[k] || edge[k + 1] != lut[k]) sharp[k] = 1;
        }
        std::vector<double> breaks;
        for (const Expr* ex : {colourExpr, L.legendExpr})
            if (ex && ex->kind() == ExprKind::Step) breaks.insert(breaks.end(), ex->stops().begin(), ex->stops().end());
        for (double b : breaks)
            if (step > 0) {
                const double t = (b - lo) / step + 0.5;
                if (t >= 0 && t < double(N)) sharp[size_t(t)] = 1;
            }
    }
    std::unordered_map<float, std::pair<QRgb, int>> memo;  // exact colours and branches by value
    std::map<int, float> branchValue;                      // a drawn value of each legend branch
    const auto colourOfCell = [&](float v, size_t k) -> QRgb {
        if (!sharp[k]) return lut[k];
        auto it = memo.find(v);
        if (it == memo.end()) {
            int branch = -1;
            const QRgb c = exact(double(v), &branch);
            it = memo.emplace(v, std::make_pair(c, branch)).first;
            if (memo.size() > 200000) memo.clear();  // a continuous grid: keep the table small
            if (c) branchValue.emplace(branch, v);
            return c;
        }
        return it->second.first;
    };
    std::vector<char> used(N, 0);
    out.image = QImage(iw, ih, QImage::Format_ARGB32_Premultiplied);
    std::vector<int> col(static_cast<size_t>(iw));
    for (int x = 0; x < iw; ++x) col[size_t(x)] = c0 + int((int64_t(x) * cw + cw / 2) / iw);
    for (int y = 0; y < ih; ++y) {
        const int r = r0 + int((int64_t(y) * ch + ch / 2) / ih);
        const float* cells = g->values.data() + size_t(r) * size_t(g->width);
        auto* line = reinterpret_cast<QRgb*>(out.image.scanLine(y));
        for (int x = 0; x < iw; ++x) {
            const float v = cells[col[size_t(x)]];
            if (!std::isfinite(v)) {
                line[x] = 0;
                continue;
            }
            const size_t k = D.gridSample(v);
            line[x] = colourOfCell(v, k);
            if (line[x] && !sharp[k]) used[k] = 1;
        }
    }
    const QPointF topLeft = view.toDevice(g->x0 + c0 * g->cell, g->y1 - r0 * g->cell);
    const QPointF bottomRight = view.toDevice(g->x0 + c1 * g->cell, g->y1 - r1 * g->cell);
    out.target = QRectF(topLeft, bottomRight);
    if (hit) {
        // The sample rows stand for the values drawn: the legend's swatches and class labels.
        const auto note = [&](size_t k, int branch) {
            if (!hit->any) {
                hit->any = true;
                hit->first = k;
            }
            hit->lowSample = std::min(hit->lowSample, k);
            hit->highSample = std::max(hit->highSample, k);
            if (L.legendExpr) hit->branches.emplace(branch, k);
        };
        for (size_t k = 0; k < N; ++k) {
            if (!used[k]) continue;
            int branch = -1;
            if (L.legendExpr) L.legendExpr->eval(D.row(k), scale, &branch);
            note(k, branch);
        }
        // Values coloured exactly: the sample of the same class nearest to one drawn value.
        for (const auto& [branch, value] : branchValue) {
            const size_t k = D.gridSample(value);
            size_t best = k;
            if (L.legendExpr)
                for (size_t d = 0; d < N; ++d) {
                    int b = -1;
                    if (k + d < N && (L.legendExpr->eval(D.row(k + d), scale, &b), b == branch)) {
                        best = k + d;
                        break;
                    }
                    if (d <= k && (L.legendExpr->eval(D.row(k - d), scale, &b), b == branch)) {
                        best = k - d;
                        break;
                    }
                }
            note(best, branch);
        }
    }
    return out;
}

}  // namespace ruralatlas::render::detail
