// QGIS layer styles (QML) translated from RuralAtlas styles, so that a project or result
// GeoPackage opened in QGIS shows the Chinese field titles, the enumerations as value maps and
// a renderer close to our own cartography. Pure text generation: no Qt, no GDAL. The writer
// that stores the QML in a GeoPackage's `layer_styles` table is in host/qgis_styles.hpp.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/feature_source.hpp"
#include "render/style.hpp"

namespace ruralatlas::render {

struct QmlField {
    std::string name;
    FieldKind type = FieldKind::Text;
    std::string alias;                                          // the Chinese title, or empty
    std::vector<std::pair<std::string, std::string>> valueMap;  // code -> title (a value-map widget)
    bool readOnly = false;
    std::string readOnlyWhy;  // written as a comment next to the flag
};

struct QmlLayer {
    std::string name;  // the table's name
    std::string title;
    ShapeKind geometry = ShapeKind::None;
    std::vector<QmlField> fields;
};

struct QmlResult {
    std::string qml;
    std::string rendererType;           // "singleSymbol", "categorizedSymbol", "graduatedSymbol" or empty
    std::string classField;             // the field the renderer classifies on, or empty
    int classes = 0;                    // categories or ranges written
    std::vector<std::string> degraded;  // what had no QGIS equivalent (also in the QML as comments)
};

// The QML of one layer drawn by `styleLayers` (the layers of a RuralAtlas style whose source
// matches it, bottom to top; empty: a plain grey symbol and no labels).
QmlResult qgisQml(const QmlLayer& layer, const std::vector<const StyleLayer*>& styleLayers);

// The style layers of `style` drawing the table `name` (sources may be globs), in order.
std::vector<const StyleLayer*> styleLayersFor(const Style& style, const std::string& name);

}  // namespace ruralatlas::render
