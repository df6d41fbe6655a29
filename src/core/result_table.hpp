// What an analysis returns: tables with declared schemas (name, Chinese title, geometry, typed
// columns with Chinese titles), read row by row through a sink. The host (command line, app,
// atlas) decides where they go: a GeoPackage, a CSV file, a server, or straight onto a page.
//
// A table does not copy the analysis' rows into cells: it holds a function that emits row i into
// a sink, over data the analysis keeps alive (shared_ptr captured by the function). Writing
// 600,000 rows of ten columns thus costs no Value per field, and a writer may emit rows on
// several threads at once (the functions only read).
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/records.hpp"

namespace ruralatlas {

enum class ResultFieldType { Text, Integer, Integer64, Real };
enum class ResultGeometry { None, Point, LineString, MultiPolygon };

// MultiPolygon shapes travel in the same flat vector of points, with markers: kRingEnd after each
// ring (outer ring first, then holes; rings closed), kPolygonEnd after each polygon's last ring.
inline constexpr double kShapeMark = __builtin_nan("");
inline bool isRingEnd(const XY& p) { return p.x != p.x && p.y == 0; }
inline bool isPolygonEnd(const XY& p) { return p.x != p.x && p.y == 1; }
// Appends `polygons` to `out` in that encoding.
void appendPolygons(const Polygons& polygons, std::vector<XY>& out);

struct ResultColumn {
    std::string name;
    ResultFieldType type = ResultFieldType::Text;
    std::string titleZh;
    // How a spreadsheet shows the numbers ("0.00", "#,##0"); empty: as they are.
    std::string numberFormat = {};
};

// Columns [first, first + count) under one heading (a spreadsheet's merged header cell).
struct ColumnGroup {
    std::string titleZh;
    std::size_t first = 0, count = 0;
};

// Receives one row's values, in column order.
class RowSink {
public:
    virtual ~RowSink() = default;
    virtual void text(std::string_view value) = 0;
    virtual void real(double value) = 0;
    virtual void integer(long long value) = 0;
    virtual void null() = 0;
};

struct ResultTable {
    std::string name;     // layer name in the data model's style (e.g. coverage_village_clinic_road)
    std::string titleZh;  // shown as the layer's title
    ResultGeometry geometry = ResultGeometry::None;
    std::vector<ResultColumn> columns;
    std::size_t rows = 0;
    // Emits row `i` (0 <= i < rows) into the sink: exactly one call per column.
    std::function<void(std::size_t i, RowSink& sink)> row;
    // The geometry of row `i` into `out` (one point for Point, the vertices for LineString, the
    // marked rings for MultiPolygon: appendPolygons);
    // false when the row has none. Unset when geometry is None.
    std::function<bool(std::size_t i, std::vector<XY>& out)> shape;
    // The default map style of the table, "PLUGIN/FILE.json" in the plugin's styles/ folder
    // (core/install_paths.hpp pluginStylePath); written with the table, so a map of the result
    // finds its style from the file itself. Empty: drawn by the project style only.
    std::string style;
    // For spreadsheets: a caption row above the headers and headings over groups of columns.
    std::string caption;
    std::vector<ColumnGroup> columnGroups;
};

// A gridded result (e.g. a suitability score per DEM cell): north-up square cells in the
// project CRS, row 0 at the top. Written into a GeoPackage result as a gridded-coverage raster
// table (Float32, readable by QGIS and GDAL); a CSV or spreadsheet result leaves it out.
struct ResultGrid {
    std::string name;     // raster table name
    std::string titleZh;  // its identifier
    std::string description;
    int width = 0, height = 0;
    double x0 = 0, y1 = 0, cell = 1;  // left and top edges, cell size
    std::vector<float> values;        // width * height, NaN where there is no value
};

// A value held apart from a table (tests, small tables built row by row).
using ResultValue = std::variant<std::monostate, long long, double, std::string>;

// Every row of a table as values (for consumers that look rows up, such as atlas sections).
std::vector<std::vector<ResultValue>> materialize(const ResultTable& table);
// The index of a column by name, or -1.
int columnIndex(const ResultTable& table, const std::string& name);
// A value as text: "" for null, integers as digits, reals in their shortest exact form.
std::string valueText(const ResultValue& value);

// A small table built from materialised rows: for results of a few thousand rows where a row
// function over the analysis' own data would be no simpler.
class ResultTableBuilder {
public:
    ResultTableBuilder(std::string name, std::string titleZh, ResultGeometry geometry, std::vector<ResultColumn> columns);
    void add(std::vector<ResultValue> values, std::vector<XY> shape = {});
    ResultTable build() &&;

private:
    ResultTable m_table;
    struct Data {
        std::vector<std::vector<ResultValue>> values;
        std::vector<std::vector<XY>> shapes;
    };
    std::shared_ptr<Data> m_data = std::make_shared<Data>();
};

// Where result tables go. Adapters (files, server) live in src/io; every write is one
// transaction: all the tables or none.
class ResultSink {
public:
    virtual ~ResultSink() = default;
    virtual void write(const std::vector<ResultTable>& tables, int epsg) = 0;
};

}  // namespace ruralatlas
