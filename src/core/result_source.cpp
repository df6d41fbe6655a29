#include "core/result_source.hpp"

#include "core/error.hpp"

namespace ruralatlas {

namespace {

// Collects one row into values (typed, or as text).
class CollectRow : public RowSink {
public:
    CollectRow(std::vector<ResultValue>& all, bool asText) : m_all(all), m_asText(asText) {}
    void text(std::string_view value) override { m_all.emplace_back(std::string(value)); }
    void real(double value) override {
        if (m_asText)
            m_all.emplace_back(valueText(value));
        else
            m_all.emplace_back(value);
    }
    void integer(long long value) override {
        if (m_asText)
            m_all.emplace_back(std::to_string(value));
        else
            m_all.emplace_back(value);
    }
    void null() override { m_all.emplace_back(std::monostate{}); }

private:
    std::vector<ResultValue>& m_all;
    bool m_asText;
};

FieldKind kindOf(ResultFieldType t) {
    switch (t) {
        case ResultFieldType::Integer:
        case ResultFieldType::Integer64:
            return FieldKind::Integer;
        case ResultFieldType::Real:
            return FieldKind::Real;
        default:
            return FieldKind::Text;
    }
}

bool intersects(const Bounds& a, const Bounds& b) { return a.minx <= b.maxx && a.maxx >= b.minx && a.miny <= b.maxy && a.maxy >= b.miny; }

}  // namespace

ResultTableSource::ResultTableSource(std::string name, std::vector<ResultTable> tables)
    : m_name(std::move(name)), m_tables(std::make_shared<const std::vector<ResultTable>>(std::move(tables))) {}

std::unique_ptr<FeatureSource> ResultTableSource::reopen() const {
    return std::unique_ptr<FeatureSource>(new ResultTableSource(m_name, m_tables));
}

const ResultTable* ResultTableSource::find(const std::string& layer) const {
    for (const auto& t : *m_tables)
        if (t.name == layer) return &t;
    return nullptr;
}

std::vector<std::string> ResultTableSource::layerNames() {
    std::vector<std::string> out;
    for (const auto& t : *m_tables) out.push_back(t.name);
    return out;
}

std::optional<LayerInfo> ResultTableSource::layerInfo(const std::string& layer) {
    const ResultTable* t = find(layer);
    if (!t) return std::nullopt;
    LayerInfo info;
    info.name = t->name;
    info.title = t->titleZh == t->name ? std::string() : t->titleZh;
    info.geometry = t->geometry == ResultGeometry::Point          ? ShapeKind::Point
                    : t->geometry == ResultGeometry::LineString   ? ShapeKind::Line
                    : t->geometry == ResultGeometry::MultiPolygon ? ShapeKind::Polygon
                                                                  : ShapeKind::None;
    for (const auto& c : t->columns) info.fields.push_back({c.name, kindOf(c.type), c.titleZh});
    info.featureCount = static_cast<long long>(t->rows);
    return info;
}

void ResultTableSource::readFeatures(const std::string& layer, const FeatureQuery& query,
                                     const std::function<void(const Feature&)>& visit) {
    const ResultTable* t = find(layer);
    if (!t) throw DataError({m_name, layer, "", ""}, "the layer is missing");
    if (!query.where.empty() && !query.whereIsHint)
        throw UsageError("\"" + query.where + "\": filters on results held in memory are not supported; write the result to a file first");
    std::vector<int> columns;
    if (query.allFields) {
        for (size_t i = 0; i < t->columns.size(); ++i) columns.push_back(int(i));
    } else {
        for (const auto& f : query.fields) {
            const int i = columnIndex(*t, f);
            if (i < 0) {
                std::string list;
                for (size_t k = 0; k < t->columns.size(); ++k) list += (k ? ", " : "") + t->columns[k].name;
                throw DataError({m_name, layer, "", f}, "the layer has no such field (fields: " + list + ")");
            }
            columns.push_back(i);
        }
    }
    Feature out;
    std::vector<ResultValue> all;
    std::vector<XY> shape;
    for (size_t i = 0; i < t->rows; ++i) {
        const long long fid = static_cast<long long>(i) + 1;
        if (query.fid && *query.fid != fid) continue;
        if (query.range && (fid < query.range->first || fid >= query.range->last)) continue;
        out.fid = fid;
        out.geometry.clear();
        if (query.geometry && t->shape && t->geometry != ResultGeometry::None) {
            shape.clear();
            const bool has = t->shape(i, shape) && !shape.empty();
            if (has && t->geometry == ResultGeometry::MultiPolygon) {
                out.geometry.kind = ShapeKind::Polygon;
                for (const XY& p : shape) {
                    if (isRingEnd(p)) {
                        out.geometry.parts.push_back(uint32_t(out.geometry.xy.size() / 2));
                    } else if (isPolygonEnd(p)) {
                        out.geometry.polygons.push_back(uint32_t(out.geometry.parts.size()));
                    } else {
                        out.geometry.xy.push_back(p.x);
                        out.geometry.xy.push_back(p.y);
                        out.geometry.bounds.include(p.x, p.y);
                    }
                }
            } else if (has) {
                out.geometry.kind = t->geometry == ResultGeometry::Point ? ShapeKind::Point : ShapeKind::Line;
                for (const XY& p : shape) {
                    out.geometry.xy.push_back(p.x);
                    out.geometry.xy.push_back(p.y);
                    out.geometry.bounds.include(p.x, p.y);
                    if (t->geometry == ResultGeometry::Point) out.geometry.parts.push_back(uint32_t(out.geometry.xy.size() / 2));
                }
                if (t->geometry == ResultGeometry::LineString) out.geometry.parts.push_back(uint32_t(out.geometry.xy.size() / 2));
            }
        }
        if (query.within && (out.geometry.kind == ShapeKind::None || !intersects(*query.within, out.geometry.bounds))) continue;
        all.clear();
        CollectRow sink(all, query.asText);
        t->row(i, sink);
        out.values.clear();
        for (int c : columns) out.values.push_back(all[size_t(c)]);
        visit(out);
    }
}

}  // namespace ruralatlas
