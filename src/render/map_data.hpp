// The features a map draws, held in memory in the project CRS: flat coordinate arrays, the
// attribute columns the style uses, and a packed R-tree per layer, so that a redraw (pan,
// zoom, another atlas page) never goes back to the file. Read through the data-access port
// (core/feature_source.hpp): a project, result files, or results held in memory.
#pragma once
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/feedback.hpp"
#include "core/result_table.hpp"
#include "core/schema.hpp"
#include "core/spatial_index.hpp"
#include "render/expression.hpp"

namespace ruralatlas {
class FeatureSource;
class ProjectSource;
}  // namespace ruralatlas

namespace ruralatlas::render {

struct Box {
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
    bool valid() const { return maxx >= minx && maxy >= miny; }
    double width() const { return maxx - minx; }
    double height() const { return maxy - miny; }
    void include(const Box& o);
    bool intersects(const Box& o) const { return o.minx <= maxx && o.maxx >= minx && o.miny <= maxy && o.maxy >= miny; }
    Box expanded(double d) const { return {minx - d, miny - d, maxx + d, maxy + d}; }
};

enum class Shape { Point, Line, Polygon };

class FeatureLayer {
public:
    std::string name;   // layer name in its file
    std::string title;  // Chinese title (data model, or the file's own identifier)
    std::string file;
    Shape shape = Shape::Point;
    const LayerDef* def = nullptr;  // the data-model definition when the layer is one

    size_t size() const { return m_fid.size(); }
    long long fid(size_t i) const { return m_fid[i]; }
    const Box& bbox(size_t i) const { return m_bbox[i]; }
    // Parts (line strings or polygon rings) of feature i: [partBegin, partEnd).
    size_t partBegin(size_t i) const { return m_featPart[i]; }
    size_t partEnd(size_t i) const { return m_featPart[i + 1]; }
    // Points of part p: [pointBegin, pointEnd) into xy().
    size_t pointBegin(size_t p) const { return m_partPoint[p]; }
    size_t pointEnd(size_t p) const { return m_partPoint[p + 1]; }
    const double* xy() const { return m_xy.data(); }
    // Where a point symbol or a polygon's label goes.
    std::array<double, 2> anchor(size_t i) const { return m_anchor[i]; }
    Box extent() const { return m_extent; }

    // Attribute columns the styles asked for.
    int column(const std::string& field) const;
    const std::vector<std::string>& columnNames() const { return m_columnNames; }
    Row row(size_t i) const { return Row{&m_columns, i}; }
    // Display text of a value: the Chinese title of a code when the field has an enumeration
    // (or is a land-use code), otherwise the value itself.
    std::string displayValue(const std::string& field, const Value& v) const;

    // Feature indices whose boxes intersect `box`, in file order.
    void query(const Box& box, std::vector<uint32_t>& out) const;

    // A gridded layer (drawn by raster style layers) holds its cells here, and as "features"
    // only kGridSamples rows without geometry: a column "value" running evenly from the
    // lowest to the highest cell value, so a style's expressions are evaluated once per sample
    // (a colour table) and the legend names the classes drawn. nullptr for a feature layer.
    static constexpr size_t kGridSamples = 4096;
    const ResultGrid* grid() const { return m_grid.get(); }
    double gridMin() const { return m_gridMin; }
    double gridMax() const { return m_gridMax; }
    // The sample row a cell value falls on (nearest; the value must be finite).
    size_t gridSample(float v) const {
        if (!(m_gridMax > m_gridMin)) return 0;
        const double t = (double(v) - m_gridMin) / (m_gridMax - m_gridMin) * double(kGridSamples - 1) + 0.5;
        return t <= 0 ? 0 : t >= double(kGridSamples - 1) ? kGridSamples - 1 : size_t(t);
    }

private:
    friend class MapData;
    friend struct LayerLoader;  // map_data.cpp: fills a layer from a feature source
    std::vector<long long> m_fid;
    std::vector<Box> m_bbox;
    std::vector<uint32_t> m_featPart{0};
    std::vector<uint32_t> m_partPoint{0};
    std::vector<double> m_xy;
    std::vector<std::array<double, 2>> m_anchor;
    std::vector<std::string> m_columnNames;
    std::vector<std::vector<Value>> m_columns;
    Box m_extent{1, 1, 0, 0};
    BoxIndex m_index;  // over m_bbox
    std::shared_ptr<const ResultGrid> m_grid;
    double m_gridMin = 0, m_gridMax = 0;
};

struct LayerRequest {
    std::string source;               // as written in the style ('*' wildcards allowed)
    std::vector<std::string> fields;  // attribute columns to load
    bool anchors = false;             // compute label anchors (point on surface) for polygons
    std::string styleFile;            // for error messages
    int styleLine = 0;
    // When the map is drawn at one known scale range (a one-off render, not an interactive
    // map): the style layer's filter, so that only features it can pass are read. Several
    // requests for one layer read the union; a request without a filter reads everything.
    std::optional<std::pair<double, double>> scaleRange;
    std::shared_ptr<const Expr> filter;
    bool grid = false;  // a raster style layer: the source is a gridded layer
};

// The approximation notes a project records (county-from-codes), in Chinese, by layer.
std::map<std::string, std::string> approximationNotes(ProjectSource& project);

class MapData {
public:
    // Loads the requested layers from the project and any extra sources (analysis results, in
    // files or in memory). Layers must be in the project CRS. `within`, when given, loads only
    // features intersecting it. A big load reads on two threads (each source is reopened).
    static std::shared_ptr<MapData> load(ProjectSource& project, const std::vector<FeatureSource*>& extras,
                                         const std::vector<LayerRequest>& requests, const std::optional<Box>& within,
                                         Feedback* feedback = nullptr);

    // The layer a style source names, or nullptr.
    const FeatureLayer* find(const std::string& source) const;
    // Every layer name available in the project and extra files (for --layers and errors).
    const std::vector<std::string>& available() const { return m_available; }
    int epsg() const { return m_epsg; }
    // The project the data came from (its source name: a file path or a server connection).
    const std::string& projectPath() const { return m_projectPath; }
    Box extent() const;  // the county outline when loaded, else the union of layers
    std::string dataDate, countyName;
    bool synthetic = false;
    // What the project says is approximated, by project layer (a map drawing it says so).
    std::map<std::string, std::string> layerNotes;

private:
    static void loadGrids(MapData& data, const std::vector<FeatureSource*>& sources, const std::vector<LayerRequest>& requests);
    std::vector<std::unique_ptr<FeatureLayer>> m_layers;
    std::vector<std::pair<std::string, const FeatureLayer*>> m_bySource;
    std::vector<std::string> m_available;
    int m_epsg = 0;
    std::string m_projectPath;
};

bool globMatch(const std::string& pattern, const std::string& text);

}  // namespace ruralatlas::render
