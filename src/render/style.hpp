// Declarative map styles (styles/README.md): a JSON file of layers, each drawing one source
// layer of the project (or of an analysis result) as fill, line, circle or symbol (icon and
// label), with MapLibre-like expressions for data-driven properties and filters, scale ranges
// and legend settings. Sizes are millimetres on paper. No Qt.
#pragma once
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "render/expression.hpp"

namespace ruralatlas::render {

// Raster: a gridded layer (a GeoPackage gridded coverage), each cell coloured by its value.
enum class LayerType { Fill, Line, Circle, Symbol, Raster };

struct LegendSpec {
    bool show = true;
    std::string title;                          // default: the source layer's Chinese title
    std::map<std::string, std::string> labels;  // category value -> label
    std::string unit;                           // for graduated classes ("米", "分钟")
    std::string property;                       // which property classifies (default: first data-driven colour)
};

struct StyleLayer {
    std::string id;
    std::string source;  // a layer name; '*' matches any run of characters
    LayerType type = LayerType::Fill;
    ExprPtr filter;                                             // null = every feature
    double minScale = 0;                                        // drawn when minScale <= 1:scale
    double maxScale = std::numeric_limits<double>::infinity();  // ... and 1:scale <= maxScale
    std::map<std::string, ExprPtr> props;
    LegendSpec legend;
    std::string file;
    int line = 0;

    const Expr* prop(const std::string& name) const;
    bool visibleAt(double scaleDenominator) const { return scaleDenominator >= minScale && scaleDenominator <= maxScale; }
};

struct Style {
    std::string name;
    std::vector<StyleLayer> layers;
};

// Parses a style file; throws DataError naming the file, line and key on any mistake
// (syntax, unknown layer type, unknown property, wrong value type, bad colour).
Style loadStyle(const std::string& path);
// Several style files drawn in order (the first at the bottom).
Style loadStyles(const std::vector<std::string>& paths);

// The properties each layer type understands, with their defaults (for docs and validation).
const std::map<std::string, Value>& propertyDefaults(LayerType type);
const char* layerTypeName(LayerType type);

}  // namespace ruralatlas::render
