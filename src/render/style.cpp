#include "style.hpp"

#include <cmath>

#include "core/error.hpp"

namespace ruralatlas::render {

namespace {

[[noreturn]] void fail(const std::string& file, int line, const std::string& key, const std::string& what) {
    throw DataError({file, "", "line " + std::to_string(line), ""}, "key \"" + key + "\": " + what);
}

const std::map<std::string, Value>& fillDefaults() {
    static const std::map<std::string, Value> d = {{"fill-color", Rgba{200, 200, 200, 255}},
                                                   {"fill-opacity", 1.0},
                                                   {"fill-outline-color", Value{}},
                                                   {"fill-outline-width", 0.2},
                                                   {"fill-outline-dasharray", Value{}},
                                                   {"fill-pattern", std::string("solid")},
                                                   {"fill-hatch-color", Rgba{0, 0, 0, 255}},
                                                   {"fill-hatch-width", 0.2},
                                                   {"fill-hatch-spacing", 2.0},
                                                   {"fill-hatch-angle", 45.0}};
    return d;
}
// A gridded layer: each cell coloured by "raster-color" of its value (["get", "value"]).
const std::map<std::string, Value>& rasterDefaults() {
    static const std::map<std::string, Value> d = {{"raster-color", Rgba{128, 128, 128, 255}}, {"raster-opacity", 1.0}};
    return d;
}
const std::map<std::string, Value>& lineDefaults() {
    static const std::map<std::string, Value> d = {{"line-color", Rgba{0, 0, 0, 255}},
                                                   {"line-width", 0.3},
                                                   {"line-opacity", 1.0},
                                                   {"line-dasharray", Value{}},
                                                   {"line-casing-color", Value{}},
                                                   {"line-casing-width", 0.0},
                                                   {"line-cap", std::string("round")},
                                                   {"line-join", std::string("round")}};
    return d;
}
const std::map<std::string, Value>& circleDefaults() {
    static const std::map<std::string, Value> d = {{"circle-radius", 1.0},
                                                   {"circle-color", Rgba{0, 0, 0, 255}},
                                                   {"circle-opacity", 1.0},
                                                   {"circle-stroke-color", Value{}},
                                                   {"circle-stroke-width", 0.0}};
    return d;
}
const std::map<std::string, Value>& symbolDefaults() {
    static const std::map<std::string, Value> d = {{"icon-image", Value{}},
                                                   {"icon-size", 4.0},
                                                   {"icon-opacity", 1.0},
                                                   {"icon-allow-overlap", true},
                                                   {"text-field", Value{}},
                                                   {"text-size", 2.5},
                                                   {"text-color", Rgba{0, 0, 0, 255}},
                                                   {"text-halo-color", Rgba{255, 255, 255, 255}},
                                                   {"text-halo-width", 0.3},
                                                   {"text-anchor", std::string("left")},
                                                   {"text-variable-anchor", Value{}},
                                                   {"text-offset", std::vector<double>{0, 0}},
                                                   {"text-bold", false},
                                                   {"text-allow-overlap", false},
                                                   {"text-letter-spacing", 0.0},
                                                   {"symbol-placement", std::string("point")},
                                                   {"symbol-sort-key", 0.0},
                                                   {"symbol-spacing", 80.0}};
    return d;
}

// Which value kinds a property accepts when it is a literal.
enum class Kind { Color, Number, String, Bool, Numbers, Any };
Kind kindOf(const std::string& prop) {
    if (prop.ends_with("-color")) return Kind::Color;
    if (prop.ends_with("-dasharray") || prop == "text-offset") return Kind::Numbers;
    if (prop.ends_with("-allow-overlap") || prop == "text-bold") return Kind::Bool;
    if (prop == "fill-pattern" || prop == "line-cap" || prop == "line-join" || prop == "text-anchor" || prop == "symbol-placement" ||
        prop == "icon-image")
        return Kind::String;
    if (prop == "text-field" || prop == "text-variable-anchor") return Kind::Any;
    return Kind::Number;
}

void checkLiteral(const Value& v, const std::string& prop, const std::string& file, int line) {
    if (std::holds_alternative<std::monostate>(v)) return;
    switch (kindOf(prop)) {
        case Kind::Color:
            if (!std::holds_alternative<Rgba>(v)) fail(file, line, prop, "expected a colour such as \"#3a7bd5\"");
            break;
        case Kind::Number:
            if (!std::holds_alternative<double>(v)) fail(file, line, prop, "expected a number");
            if (std::get<double>(v) < 0 && prop != "symbol-sort-key" && prop != "fill-hatch-angle")
                fail(file, line, prop, "must not be negative");
            if (prop.ends_with("-opacity") && std::get<double>(v) > 1) fail(file, line, prop, "an opacity lies between 0 and 1");
            break;
        case Kind::String:
            if (!std::holds_alternative<std::string>(v)) fail(file, line, prop, "expected a string");
            break;
        case Kind::Bool:
            if (!std::holds_alternative<bool>(v)) fail(file, line, prop, "expected true or false");
            break;
        case Kind::Numbers:
            if (!std::holds_alternative<std::vector<double>>(v)) fail(file, line, prop, "expected an array of numbers");
            break;
        case Kind::Any:
            break;
    }
    const auto oneOf = [&](std::initializer_list<const char*> allowed) {
        const std::string& s = std::get<std::string>(v);
        std::string list;
        for (const char* a : allowed) {
            if (s == a) return;
            list += std::string(list.empty() ? "" : ", ") + a;
        }
        fail(file, line, prop, "\"" + s + "\" is not one of " + list);
    };
    if (prop == "fill-pattern") oneOf({"solid", "hatch", "crosshatch", "none"});
    if (prop == "line-cap") oneOf({"butt", "round", "square"});
    if (prop == "line-join") oneOf({"miter", "round", "bevel"});
    if (prop == "text-anchor") oneOf({"center", "left", "right", "top", "bottom"});
    if (prop == "symbol-placement") oneOf({"point", "line"});
}

LayerType parseType(const JsonValue& v, const std::string& file) {
    if (!v.isString()) fail(file, v.line(), "type", "expected a string");
    const std::string& t = v.string();
    if (t == "fill") return LayerType::Fill;
    if (t == "line") return LayerType::Line;
    if (t == "circle") return LayerType::Circle;
    if (t == "symbol") return LayerType::Symbol;
    if (t == "raster") return LayerType::Raster;
    fail(file, v.line(), "type", "\"" + t + "\" is not one of fill, line, circle, symbol, raster");
}

std::string dirOf(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

const char* layerTypeName(LayerType type) {
    switch (type) {
        case LayerType::Fill:
            return "fill";
        case LayerType::Line:
            return "line";
        case LayerType::Circle:
            return "circle";
        case LayerType::Symbol:
            return "symbol";
        case LayerType::Raster:
            return "raster";
    }
    return "?";
}

const std::map<std::string, Value>& propertyDefaults(LayerType type) {
    switch (type) {
        case LayerType::Fill:
            return fillDefaults();
        case LayerType::Line:
            return lineDefaults();
        case LayerType::Circle:
            return circleDefaults();
        case LayerType::Symbol:
            return symbolDefaults();
        case LayerType::Raster:
            return rasterDefaults();
    }
    return fillDefaults();
}

const Expr* StyleLayer::prop(const std::string& name) const {
    auto it = props.find(name);
    return it == props.end() ? nullptr : it->second.get();
}

Style loadStyle(const std::string& path) {
    const JsonValue doc = readJsonFile(path);
    const std::string dir = dirOf(path);
    if (!doc.isObject()) fail(path, doc.line(), "(document)", "a style is a JSON object with \"layers\"");
    Style style;
    for (const auto& [key, v] : doc.members()) {
        if (key == "name") {
            if (!v.isString()) fail(path, v.line(), key, "expected a string");
            style.name = v.string();
        } else if (key == "version") {
            if (!v.isNumber() || v.number() != 1) fail(path, v.line(), key, "only version 1 is known");
        } else if (key == "description" || key == "comment") {
        } else if (key != "layers") {
            fail(path, v.line(), key, "unknown key (expected name, version, description, layers)");
        }
    }
    const JsonValue* layers = doc.find("layers");
    if (!layers || !layers->isArray()) fail(path, doc.line(), "layers", "missing or not an array");
    for (const JsonValue& lj : layers->array()) {
        if (!lj.isObject()) fail(path, lj.line(), "layers", "each layer is an object");
        StyleLayer layer;
        layer.file = path;
        layer.line = lj.line();
        const JsonValue* type = lj.find("type");
        if (!type) fail(path, lj.line(), "type", "missing");
        layer.type = parseType(*type, path);
        const auto& defaults = propertyDefaults(layer.type);
        const auto addProps = [&](const JsonValue& obj, const std::string& group) {
            if (!obj.isObject()) fail(path, obj.line(), group, "expected an object");
            for (const auto& [pk, pv] : obj.members()) {
                if (!defaults.count(pk))
                    fail(path, pv.line(), pk, std::string("not a property of a ") + layerTypeName(layer.type) + " layer");
                ExprPtr e = Expr::parse(pv, {path, pv.line(), pk}, dir);
                if (e->kind() == ExprKind::Literal) checkLiteral(e->eval(Row{}), pk, path, pv.line());
                layer.props[pk] = e;
            }
        };
        for (const auto& [key, v] : lj.members()) {
            if (key == "id") {
                if (!v.isString()) fail(path, v.line(), key, "expected a string");
                layer.id = v.string();
            } else if (key == "source") {
                if (!v.isString() || v.string().empty()) fail(path, v.line(), key, "expected a layer name");
                layer.source = v.string();
            } else if (key == "type") {
            } else if (key == "filter") {
                layer.filter = Expr::parse(v, {path, v.line(), key}, dir);
            } else if (key == "min-scale" || key == "max-scale") {
                if (!v.isNumber() || v.number() < 0) fail(path, v.line(), key, "expected a scale denominator (e.g. 50000 for 1:50,000)");
                (key == "min-scale" ? layer.minScale : layer.maxScale) = v.number();
            } else if (key == "paint" || key == "layout") {
                addProps(v, key);
            } else if (key == "legend") {
                if (v.isBool()) {
                    layer.legend.show = v.boolean();
                    continue;
                }
                if (!v.isObject()) fail(path, v.line(), key, "expected true, false or an object");
                for (const auto& [lk, lv] : v.members()) {
                    if (lk == "title" || lk == "unit" || lk == "property") {
                        if (!lv.isString()) fail(path, lv.line(), "legend." + lk, "expected a string");
                        (lk == "title" ? layer.legend.title : lk == "unit" ? layer.legend.unit : layer.legend.property) = lv.string();
                    } else if (lk == "show") {
                        if (!lv.isBool()) fail(path, lv.line(), "legend.show", "expected true or false");
                        layer.legend.show = lv.boolean();
                    } else if (lk == "labels") {
                        if (!lv.isObject()) fail(path, lv.line(), "legend.labels", "expected an object of value: label");
                        for (const auto& [ck, cv] : lv.members()) {
                            if (!cv.isString()) fail(path, cv.line(), "legend.labels." + ck, "expected a string");
                            layer.legend.labels[ck] = cv.string();
                        }
                    } else {
                        fail(path, lv.line(), "legend." + lk, "unknown key (expected show, title, labels, unit, property)");
                    }
                }
            } else if (key == "comment" || key == "description") {
            } else {
                fail(path, v.line(), key, "unknown key (expected id, source, type, filter, min-scale, max-scale, paint, layout, legend)");
            }
        }
        if (layer.source.empty()) fail(path, lj.line(), "source", "missing");
        if (layer.id.empty()) layer.id = layer.source + "-" + layerTypeName(layer.type);
        if (!layer.legend.property.empty() && !defaults.count(layer.legend.property))
            fail(path, lj.line(), "legend.property", "\"" + layer.legend.property + "\" is not a property of this layer");
        if (layer.minScale > layer.maxScale) fail(path, lj.line(), "min-scale", "is larger than max-scale");
        style.layers.push_back(std::move(layer));
    }
    return style;
}

Style loadStyles(const std::vector<std::string>& paths) {
    Style all;
    for (const auto& p : paths) {
        Style s = loadStyle(p);
        if (all.name.empty()) all.name = s.name;
        for (auto& l : s.layers) all.layers.push_back(std::move(l));
    }
    return all;
}

}  // namespace ruralatlas::render
