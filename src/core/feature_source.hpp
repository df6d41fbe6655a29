// The generic half of the data-access port: any layer of a project or of a result, read as
// features (geometry as flat coordinate parts, typed values) with an attribute filter, a box and
// a choice of fields. Maps (render::MapData) and atlas pages (atlas::AtlasData) read through it;
// analyses read the typed records of ProjectSource (project_source.hpp) instead.
//
// Adapters: a GeoPackage or any OGR file (io::openFeatureSource), a project (every ProjectSource
// is a FeatureSource), and analysis results held in memory (core/result_source.hpp), so a map or
// an atlas page draws a result the same way whether it was written to a file or not.
//
// One connection per object: use it from one thread at a time; `reopen()` gives another.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/records.hpp"
#include "core/result_table.hpp"

namespace ruralatlas {

enum class ShapeKind { None, Point, Line, Polygon };
enum class FieldKind { Text, Integer, Real, Other };

struct FieldInfo {
    std::string name;
    FieldKind kind = FieldKind::Text;
    std::string title;  // the field's Chinese title when the source records one (results in memory)
};

struct LayerInfo {
    std::string name;
    std::string title;  // the layer's own title (a result's Chinese title), else empty
    ShapeKind geometry = ShapeKind::None;
    std::vector<FieldInfo> fields;
    long long featureCount = 0;  // about how many; -1 when the source cannot tell cheaply
    int fieldIndex(const std::string& field) const;
    std::string fieldList() const;  // "a, b, c" for messages
};

struct Bounds {
    double minx = 1, miny = 1, maxx = 0, maxy = 0;  // empty by default
    bool valid() const { return maxx >= minx && maxy >= miny; }
    void include(double x, double y);
    void include(const Bounds& b);
};

// A slice of a layer by feature id, [first, last) (the type's lowest and highest values mean no
// bound): lets several threads read one table.
struct FidRange {
    long long first = std::numeric_limits<long long>::min(), last = std::numeric_limits<long long>::max();
    long long expected = 0;  // about how many features it holds (room is made for them up front)
};

struct FeatureQuery {
    // Fields to deliver, in this order (an unknown field is an error naming the layer's fields).
    std::vector<std::string> fields;
    bool allFields = false;  // every field of the layer, in the layer's order (then `fields` is ignored)
    // Values as text (the adapter's own formatting; null as monostate) instead of typed values.
    bool asText = false;
    std::optional<Bounds> within;  // only features whose box intersects it
    // An attribute filter in the plain SQL WHERE subset every adapter understands (comparisons,
    // IN, LIKE, IS NULL, AND/OR/NOT over field names and literals).
    std::string where;
    // When true a filter the adapter refuses is dropped (it only narrowed a superset); when false
    // it is a UsageError naming the filter.
    bool whereIsHint = false;
    bool anchors = false;           // compute a point on the surface of polygons
    bool geometry = true;           // false: values only (geometry arrives as None, unread)
    std::optional<long long> fid;   // only the feature with this id
    std::optional<FidRange> range;  // only the features of this slice (ProjectSource::slices)
};

// One feature's geometry, flattened: `parts` are the end offsets (in points) of each part (a
// point of a multi-point, a line string, a polygon ring), `polygons` the end offsets (in parts)
// of each polygon for polygon layers. Curves arrive linearised; empty geometries arrive as None.
struct FeatureGeometry {
    ShapeKind kind = ShapeKind::None;
    std::vector<double> xy;
    std::vector<std::uint32_t> parts;
    std::vector<std::uint32_t> polygons;
    Bounds bounds;
    bool hasAnchor = false;
    XY anchor;  // with FeatureQuery::anchors: a point on the polygon's surface
    void clear();
};

struct Feature {
    long long fid = 0;
    FeatureGeometry geometry;
    std::vector<ResultValue> values;  // in FeatureQuery field order
};

class FeatureSource {
public:
    virtual ~FeatureSource() = default;

    // What a message names as the "file": a path, or a server connection with its county.
    virtual std::string name() const = 0;
    // Another connection to the same data (for another thread).
    virtual std::unique_ptr<FeatureSource> reopen() const = 0;

    virtual std::vector<std::string> layerNames() = 0;
    // The layer's schema, or nullopt when the source has no such layer.
    virtual std::optional<LayerInfo> layerInfo(const std::string& layer) = 0;
    // Whether the layer's coordinates are in `epsg` (a layer without a declared CRS is taken to be).
    virtual bool inCrs(const std::string& layer, int epsg) = 0;
    // Calls `visit` for every feature that passes the query, in storage order. The Feature is
    // reused between calls. Throws DataError when the layer is missing.
    virtual void readFeatures(const std::string& layer, const FeatureQuery& query, const std::function<void(const Feature&)>& visit) = 0;
    // A project's metadata value (county_name, data_date...), "" when unknown or not a project.
    virtual std::string meta(const std::string& key) = 0;

    // Gridded layers (GeoPackage gridded coverages: a project's DEM, a result's score grid).
    // Sources without grids have none.
    virtual std::vector<std::string> gridNames() { return {}; }
    // One grid read whole (band 1 as 32-bit floats, NaN where there is no value), north-up with
    // square cells in the source's CRS; nullopt when there is no such grid. Throws DataError
    // naming the source and the grid when it cannot be read or is rotated.
    virtual std::optional<ResultGrid> readGrid(const std::string&) { return std::nullopt; }
    // Whether this login may read the layer's rows (a server project's rights; a file: always).
    // Reading a layer it may not read throws, never gives an empty layer.
    virtual bool mayRead(const std::string&) { return true; }
};

// Reads `fields` of every feature of `layer` that passes `query` (its own field list is replaced):
// `fn` gets the values by position, a field the layer lacks as null. Nothing when the source has
// no such layer (ask layerInfo() to tell "none" from "missing").
void readFields(FeatureSource& source, const std::string& layer, const std::vector<std::string>& fields, FeatureQuery query,
                const std::function<void(const Feature&, const std::vector<ResultValue>&)>& fn);

// A value as text (strings as they are, numbers in their shortest exact form, null as "").
std::string valueAsText(const ResultValue& v);
// A value as a whole number (reals truncated, text parsed); nullopt for null or empty text.
std::optional<long long> valueAsInteger(const ResultValue& v);
// A value as a real number (text parsed); nullopt for null or empty text.
std::optional<double> valueAsReal(const ResultValue& v);

}  // namespace ruralatlas
