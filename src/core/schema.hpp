// The planning database model of DATA-MODEL.md as data: every layer, field, Chinese title,
// enumeration and range, so that init, import, validate and the app all read one definition.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ruralatlas {

enum class FieldType { Text, Integer, Real };
enum class GeometryKind { None, Point, LineString, MultiPolygon, Raster };

struct EnumValue {
    std::string_view code;
    std::string_view titleZh;
};

struct Enumeration {
    std::string_view name;
    std::vector<EnumValue> values;
    // The code for a code or a Chinese title ("脱贫村" -> "former_poor"); nullopt when unknown.
    std::optional<std::string_view> resolve(std::string_view codeOrTitle) const;
};

struct FieldDef {
    std::string_view name;
    FieldType type;
    std::string_view titleZh;
    std::string_view titleEn;
    bool required = false;
    std::string_view enumeration;  // name of an Enumeration, or empty
    std::optional<double> min;     // inclusive range for numbers
    std::optional<double> max;
    int width = 0;  // text width hint (0 = unbounded)
};

struct LayerDef {
    std::string_view name;
    GeometryKind geometry;
    std::string_view titleZh;
    std::string_view titleEn;
    std::vector<FieldDef> fields;
    bool personal = false;  // personal data: only aggregates may leave the database
    int since = 1;          // the schema version that added the layer (older projects lack it until upgraded)
    // Attribute indexes (columns in order) for the reads analyses make by value; a project and
    // the server create them with the table, an upgrade adds the missing ones.
    std::vector<std::vector<std::string_view>> indexes = {};

    const FieldDef* field(std::string_view fieldName) const;
};

const std::vector<LayerDef>& projectLayers();
const LayerDef* findLayer(std::string_view name);
const Enumeration* findEnumeration(std::string_view name);
const std::vector<Enumeration>& enumerations();
const char* geometryKindName(GeometryKind kind);

// The one code-to-title lookup every front end prints through (fed from the model above):
// the Chinese title of `code` in an enumeration, or nullopt when the enumeration or the code is
// unknown.
std::optional<std::string_view> codeTitle(std::string_view enumeration, std::string_view code);
// The same for a field of a data-model layer: its enumeration's title, or for landuse_code the
// land-use class title (core/landuse.hpp); nullopt when the field has neither or the code is
// unknown.
std::optional<std::string_view> fieldValueTitle(std::string_view layer, std::string_view field, std::string_view value);
std::optional<std::string_view> fieldValueTitle(const LayerDef* layer, std::string_view field, std::string_view value);

// Minimum number of households an aggregate must have to be shown (DATA-MODEL.md).
constexpr int kMinHouseholdsShown = 5;

}  // namespace ruralatlas
