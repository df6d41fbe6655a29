// The legend of a drawn map: the style layers that drew something, with only the categories drawn.
#include "render/draw_context.hpp"

namespace ruralatlas::render::detail {

void buildLegend(const std::vector<RenderLayer>& layers, const std::vector<LegendHit>& legendHits, RenderReport& report) {
    // The legend: style layers that drew something, with only the categories drawn.
    for (size_t li = 0; li < layers.size(); ++li) {
        const auto& L = layers[li];
        const LegendHit& hit = legendHits[li];
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
        if (S.type == LayerType::Raster && !L.legendExpr) {
            // A colour ramp: five values evenly over the range drawn, low to high.
            const FeatureLayer& D = *L.data;
            const QString unit = QString::fromStdString(S.legend.unit);
            const size_t lo = std::min(hit.lowSample, hit.highSample), hi = hit.highSample;
            const int steps = hi > lo ? 4 : 0;
            const double span = D.gridMax() - D.gridMin();
            for (int i = 0; i <= steps; ++i) {
                const size_t k = lo + (hi - lo) * size_t(i) / size_t(std::max(steps, 1));
                const double v = std::get<double>(D.row(k).get(0));
                // As many decimals as the range needs for the five labels to differ.
                const int decimals = span >= 50 ? 0 : span >= 5 ? 1 : 2;
                g.items.push_back({QString::number(v, 'f', decimals) + unit, li, k, -1});
            }
        } else if (!L.legendExpr) {
            g.items.push_back({g.title, li, hit.first, -1});
        } else if (L.legendExpr->kind() == ExprKind::Palette) {
            for (const auto& [key, f] : hit.values) g.items.push_back({labelFor(key) + " " + QString::fromStdString(key), li, f, -1});
        } else {
            const auto& stops = L.legendExpr->stops();
            const QString unit = QString::fromStdString(S.legend.unit);
            for (const auto& [branch, f] : hit.branches) {
                QString label;
                if (branch == kNoDataBranch) {
                    // "村类别未录入" when the field is one of the data model's, else "no data".
                    auto it = S.legend.labels.find("nodata");
                    const FieldDef* fd = L.data->def ? L.data->def->field(L.legendExpr->inputField()) : nullptr;
                    label = it != S.legend.labels.end() ? QString::fromStdString(it->second)
                            : fd ? QString::fromUtf8(fd->titleZh.data(), qsizetype(fd->titleZh.size())) + T("未录入")
                                 : T("无数据（未录入）");
                } else if (L.legendExpr->kind() == ExprKind::Match) {
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
}

}  // namespace ruralatlas::render::detail
