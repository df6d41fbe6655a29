#include "core/result_table.hpp"

#include <charconv>
#include <stdexcept>

namespace ruralatlas {

namespace {
class ValueCollector : public RowSink {
public:
    explicit ValueCollector(std::vector<ResultValue>& out) : m_out(out) {}
    void text(std::string_view v) override { m_out.emplace_back(std::string(v)); }
    void real(double v) override { m_out.emplace_back(v); }
    void integer(long long v) override { m_out.emplace_back(v); }
    void null() override { m_out.emplace_back(); }

private:
    std::vector<ResultValue>& m_out;
};
}  // namespace

std::vector<std::vector<ResultValue>> materialize(const ResultTable& table) {
    std::vector<std::vector<ResultValue>> rows(table.rows);
    for (std::size_t i = 0; i < table.rows; ++i) {
        rows[i].reserve(table.columns.size());
        ValueCollector sink(rows[i]);
        table.row(i, sink);
    }
    return rows;
}

int columnIndex(const ResultTable& table, const std::string& name) {
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        if (table.columns[i].name == name) return static_cast<int>(i);
    return -1;
}

std::string valueText(const ResultValue& value) {
    return std::visit(
        [](const auto& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return {};
            } else if constexpr (std::is_same_v<T, std::string>) {
                return x;
            } else {
                char buf[32];
                const auto r = std::to_chars(buf, buf + sizeof buf, x);
                return std::string(buf, r.ptr);
            }
        },
        value);
}

void appendPolygons(const Polygons& polygons, std::vector<XY>& out) {
    for (const Polygon& poly : polygons) {
        if (poly.rings.empty()) continue;
        for (const Ring& r : poly.rings) {
            out.insert(out.end(), r.begin(), r.end());
            out.push_back({kShapeMark, 0});
        }
        out.push_back({kShapeMark, 1});
    }
}

ResultTableBuilder::ResultTableBuilder(std::string name, std::string titleZh, ResultGeometry geometry, std::vector<ResultColumn> columns) {
    m_table.name = std::move(name);
    m_table.titleZh = std::move(titleZh);
    m_table.geometry = geometry;
    m_table.columns = std::move(columns);
}

void ResultTableBuilder::add(std::vector<ResultValue> values, std::vector<XY> shape) {
    if (values.size() != m_table.columns.size())
        throw std::logic_error("result table " + m_table.name + ": a row of " + std::to_string(values.size()) + " values for " +
                               std::to_string(m_table.columns.size()) + " columns");
    m_data->values.push_back(std::move(values));
    m_data->shapes.push_back(std::move(shape));
}

ResultTable ResultTableBuilder::build() && {
    m_table.rows = m_data->values.size();
    auto data = m_data;
    m_table.row = [data](std::size_t i, RowSink& sink) {
        for (const ResultValue& v : data->values[i])
            std::visit(
                [&](const auto& x) {
                    using T = std::decay_t<decltype(x)>;
                    if constexpr (std::is_same_v<T, std::monostate>)
                        sink.null();
                    else if constexpr (std::is_same_v<T, long long>)
                        sink.integer(x);
                    else if constexpr (std::is_same_v<T, double>)
                        sink.real(x);
                    else
                        sink.text(x);
                },
                v);
    };
    if (m_table.geometry != ResultGeometry::None)
        m_table.shape = [data](std::size_t i, std::vector<XY>& out) {
            out = data->shapes[i];
            return !out.empty();
        };
    return std::move(m_table);
}

}  // namespace ruralatlas
