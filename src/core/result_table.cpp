#include "core/result_table.hpp"

#include <stdexcept>

namespace ruralatlas {

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
