#include "render/qgis_qml.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/xml.hpp"
#include "render/map_data.hpp"

namespace ruralatlas::render {
namespace {

// The scale at which scale-dependent properties are evaluated: a township or county detail map.
constexpr double kReferenceScale = 100000;
constexpr const char* kFont = "WenQuanYi Zen Hei";

std::string esc(std::string_view s) { return xmlEscape(s); }

// Text for an XML comment: "--" may not appear inside one.
std::string commentText(std::string s) {
    for (size_t p; (p = s.find("--")) != std::string::npos;) s.replace(p, 2, "- -");
    return s;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string qColor(Rgba c, double opacity = 1.0) {
    const int a = int(std::lround(c.a * std::clamp(opacity, 0.0, 1.0)));
    return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + "," + std::to_string(a);
}

std::string base64(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += t[v >> 18 & 63];
        out += t[v >> 12 & 63];
        out += t[v >> 6 & 63];
        out += t[v & 63];
    }
    if (i < in.size()) {
        unsigned v = (unsigned char)in[i] << 16;
        if (i + 1 < in.size()) v |= (unsigned char)in[i + 1] << 8;
        out += t[v >> 18 & 63];
        out += t[v >> 12 & 63];
        out += i + 1 < in.size() ? t[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

std::string dirOf(const std::string& path) {
    const auto p = path.find_last_of('/');
    return p == std::string::npos ? "." : path.substr(0, p);
}

// Evaluates a property of a style layer for a feature whose only known value is `value` of
// `field` (the class being drawn); other fields read as missing.
// The class being drawn: a value of the classifying field, or a branch of a case expression.
struct ClassKey {
    std::string field;
    Value value;
    const Expr* forced = nullptr;  // a case classifier: its branch `branch` is taken
    int branch = -1;
};

Value evalExpr(const Expr* e, const ClassKey& k) {
    if (e == k.forced && k.forced) e = k.forced->branchOutput(k.branch);
    if (!e) return {};
    const std::vector<std::vector<Value>> columns{{k.value}, {Value{}}};
    e->bind([&](const std::string& f) { return !k.field.empty() && f == k.field ? 0 : 1; });
    return e->eval(Row{&columns, 0}, kReferenceScale);
}

Value evalProp(const StyleLayer& L, const std::string& name, const ClassKey& k) {
    const Expr* e = L.prop(name);
    if (!e) {
        const auto& d = propertyDefaults(L.type);
        auto it = d.find(name);
        return it == d.end() ? Value{} : it->second;
    }
    return evalExpr(e, k);
}

double numberOr(const Value& v, double fallback) {
    double d;
    return toNumber(v, d) ? d : fallback;
}

std::optional<Rgba> colorOf(const Value& v) {
    if (const auto* c = std::get_if<Rgba>(&v)) return *c;
    if (const auto* s = std::get_if<std::string>(&v)) {
        Rgba c;
        if (parseColor(*s, c)) return c;
    }
    return std::nullopt;
}

std::string textOf(const Value& v, const std::string& fallback = {}) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return fallback;
}

using Props = std::vector<std::pair<std::string, std::string>>;

std::string symbolLayer(const std::string& cls, const Props& props) {
    std::string out = "        <layer class=\"" + cls + "\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
    for (const auto& [k, v] : props) out += "          <prop k=\"" + esc(k) + "\" v=\"" + esc(v) + "\"/>\n";
    return out + "        </layer>\n";
}

std::string dashOf(const Value& v, double width) {
    const auto* d = std::get_if<std::vector<double>>(&v);
    if (!d || d->empty() || d->size() % 2) return {};
    std::string out;
    for (double x : *d) out += (out.empty() ? "" : ";") + num(x * std::max(width, 0.05));
    return out;
}

std::string simpleLine(Rgba color, double opacity, double width, const std::string& dash, const std::string& cap, const std::string& join) {
    return symbolLayer("SimpleLine", {{"line_color", qColor(color, opacity)},
                                      {"line_width", num(width)},
                                      {"line_width_unit", "MM"},
                                      {"line_style", "solid"},
                                      {"use_custom_dash", dash.empty() ? "0" : "1"},
                                      {"customdash", dash.empty() ? "5;2" : dash},
                                      {"customdash_unit", "MM"},
                                      {"capstyle", cap == "butt"     ? "flat"
                                                   : cap == "square" ? "square"
                                                                     : "round"},
                                      {"joinstyle", join == "miter"   ? "miter"
                                                    : join == "bevel" ? "bevel"
                                                                      : "round"},
                                      {"offset", "0"},
                                      {"offset_unit", "MM"}});
}

// Which QGIS brush pattern comes closest to a hatch at `angle` degrees.
std::string brushFor(double angle, bool cross) {
    double a = std::fmod(std::fmod(angle, 180.0) + 180.0, 180.0);
    if (cross) return (a > 22.5 && a < 67.5) || (a > 112.5 && a < 157.5) ? "diagonal_x" : "cross";
    if (a < 22.5 || a >= 157.5) return "horizontal";
    if (a < 67.5) return "b_diagonal";
    if (a < 112.5) return "vertical";
    return "f_diagonal";
}

struct SymbolBuild {
    std::string layers;  // <layer> elements
    double alpha = 1.0;
};

// The QGIS symbol layers drawing one class of features for every style layer, bottom first.
SymbolBuild buildSymbol(const std::vector<const StyleLayer*>& drawing, ShapeKind geometry, const ClassKey& key,
                        std::set<std::string>& degraded) {
    SymbolBuild s;
    for (const StyleLayer* Lp : drawing) {
        const StyleLayer& L = *Lp;
        auto P = [&](const std::string& name) { return evalProp(L, name, key); };
        if (L.type == LayerType::Fill) {
            if (geometry != ShapeKind::Polygon) {
                degraded.insert("style layer '" + L.id + "' fills a layer that is not polygons: left out");
                continue;
            }
            const std::string pattern = textOf(P("fill-pattern"), "solid");
            const double opacity = numberOr(P("fill-opacity"), 1.0);
            Props props{{"outline_style", "no"}, {"outline_width", "0"}, {"outline_width_unit", "MM"}, {"outline_color", "0,0,0,0"}};
            if (pattern == "solid") {
                props.insert(props.begin(),
                             {{"color", qColor(colorOf(P("fill-color")).value_or(Rgba{200, 200, 200, 255}), opacity)}, {"style", "solid"}});
            } else if (pattern == "hatch" || pattern == "crosshatch") {
                const double angle = numberOr(P("fill-hatch-angle"), 45);
                props.insert(props.begin(), {{"color", qColor(colorOf(P("fill-hatch-color")).value_or(Rgba{0, 0, 0, 255}), opacity)},
                                             {"style", brushFor(angle, pattern == "crosshatch")}});
                degraded.insert("style layer '" + L.id +
                                "': hatch spacing and line width have no QGIS brush equivalent; the nearest brush pattern is used");
            } else {
                props.insert(props.begin(), {{"color", "0,0,0,0"}, {"style", "no"}});
            }
            s.layers += symbolLayer("SimpleFill", props);
            if (auto oc = colorOf(P("fill-outline-color"))) {
                const double w = numberOr(P("fill-outline-width"), 0.2);
                s.layers += simpleLine(*oc, 1.0, w, dashOf(P("fill-outline-dasharray"), w), "round", "round");
            }
        } else if (L.type == LayerType::Line) {
            if (geometry == ShapeKind::Point || geometry == ShapeKind::None) {
                degraded.insert("style layer '" + L.id + "' draws lines on points: left out");
                continue;
            }
            const double w = numberOr(P("line-width"), 0.3), opacity = numberOr(P("line-opacity"), 1.0);
            const std::string cap = textOf(P("line-cap"), "round"), join = textOf(P("line-join"), "round");
            const double casing = numberOr(P("line-casing-width"), 0);
            if (auto cc = colorOf(P("line-casing-color")); cc && casing > 0)
                s.layers += simpleLine(*cc, opacity, w + 2 * casing, "", cap, join);
            s.layers +=
                simpleLine(colorOf(P("line-color")).value_or(Rgba{0, 0, 0, 255}), opacity, w, dashOf(P("line-dasharray"), w), cap, join);
        } else if (L.type == LayerType::Circle) {
            if (geometry != ShapeKind::Point) {
                degraded.insert("style layer '" + L.id + "' draws circles on a layer that is not points: left out");
                continue;
            }
            const auto stroke = colorOf(P("circle-stroke-color"));
            const double sw = numberOr(P("circle-stroke-width"), 0);
            s.layers +=
                symbolLayer("SimpleMarker",
                            {{"name", "circle"},
                             {"color", qColor(colorOf(P("circle-color")).value_or(Rgba{0, 0, 0, 255}), numberOr(P("circle-opacity"), 1.0))},
                             {"size", num(2 * numberOr(P("circle-radius"), 1.0))},
                             {"size_unit", "MM"},
                             {"scale_method", "diameter"},
                             {"outline_color", stroke ? qColor(*stroke) : "0,0,0,0"},
                             {"outline_style", stroke && sw > 0 ? "solid" : "no"},
                             {"outline_width", num(sw)},
                             {"outline_width_unit", "MM"},
                             {"angle", "0"},
                             {"horizontal_anchor_point", "1"},
                             {"vertical_anchor_point", "1"}});
        } else if (L.type == LayerType::Symbol && L.prop("icon-image")) {
            if (geometry != ShapeKind::Point) {
                degraded.insert("style layer '" + L.id + "' places icons on a layer that is not points: left out");
                continue;
            }
            const std::string icon = textOf(P("icon-image"));
            if (icon.empty()) continue;
            std::ifstream in(dirOf(L.file) + "/symbols/" + icon + ".svg", std::ios::binary);
            std::ostringstream svg;
            svg << in.rdbuf();
            const double size = numberOr(P("icon-size"), 4.0);
            if (!in || svg.str().empty()) {
                degraded.insert("style layer '" + L.id + "': symbol '" + icon + "' not found; a plain marker is used");
                s.layers += symbolLayer("SimpleMarker",
                                        {{"name", "square"}, {"color", "120,120,120,255"}, {"size", num(size * 0.6)}, {"size_unit", "MM"}});
                continue;
            }
            // The SVG travels inside the style (QGIS reads "base64:" paths), so the project
            // needs no symbol folder beside it.
            s.layers += symbolLayer("SvgMarker", {{"name", "base64:" + base64(svg.str())},
                                                  {"size", num(size)},
                                                  {"size_unit", "MM"},
                                                  {"scale_method", "diameter"},
                                                  {"fixedAspectRatio", "0"},
                                                  {"angle", "0"},
                                                  {"color", "0,0,0,0"},
                                                  {"outline_color", "0,0,0,0"},
                                                  {"outline_width", "0"},
                                                  {"horizontal_anchor_point", "1"},
                                                  {"vertical_anchor_point", "1"}});
            s.alpha = std::min(s.alpha, numberOr(P("icon-opacity"), 1.0));
        }
    }
    if (s.layers.empty()) {
        // Nothing our style draws translates: an invisible symbol of the right type, so that
        // QGIS does not invent a random colour.
        if (geometry == ShapeKind::Polygon)
            s.layers = symbolLayer("SimpleFill", {{"style", "no"}, {"outline_style", "no"}, {"color", "0,0,0,0"}});
        else if (geometry == ShapeKind::Line)
            s.layers = symbolLayer("SimpleLine", {{"line_style", "no"}, {"line_color", "0,0,0,0"}});
        else
            s.layers = symbolLayer("SimpleMarker", {{"name", "circle"}, {"color", "0,0,0,0"}, {"outline_style", "no"}});
    }
    return s;
}

std::string symbolXml(const std::string& name, ShapeKind geometry, const SymbolBuild& s) {
    const char* type = geometry == ShapeKind::Polygon ? "fill" : geometry == ShapeKind::Line ? "line" : "marker";
    return "      <symbol name=\"" + esc(name) + "\" type=\"" + type + "\" alpha=\"" + num(s.alpha) +
           "\" clip_to_extent=\"1\" force_rhr=\"0\">\n" + s.layers + "      </symbol>\n";
}

// The classifying expression: the legend's property, else the first data-driven colour (or
// icon), else any data-driven property, that classifies a plain field.
const Expr* classifier(const std::vector<const StyleLayer*>& drawing) {
    static const char* colours[] = {"fill-color", "fill-hatch-color", "line-color", "circle-color", "icon-image"};
    auto classifies = [](const Expr* e) {
        return e && !e->inputField().empty() &&
               (e->kind() == ExprKind::Match || e->kind() == ExprKind::Palette || e->kind() == ExprKind::Step ||
                e->kind() == ExprKind::Interpolate);
    };
    for (const StyleLayer* L : drawing)
        if (!L->legend.property.empty() && classifies(L->prop(L->legend.property))) return L->prop(L->legend.property);
    for (const StyleLayer* L : drawing)
        for (const char* c : colours)
            if (classifies(L->prop(c))) return L->prop(c);
    for (const StyleLayer* L : drawing)
        for (const auto& [name, e] : L->props)
            if (classifies(e.get())) return e.get();
    return nullptr;
}

const StyleLayer* legendOwner(const std::vector<const StyleLayer*>& drawing, const Expr* cls) {
    for (const StyleLayer* L : drawing)
        for (const auto& [name, e] : L->props)
            if (e.get() == cls) return L;
    return drawing.empty() ? nullptr : drawing.front();
}

// A label expression in QGIS's expression language, when ours translates.
std::optional<std::string> qgisExpression(const Expr* e) {
    if (!e) return std::nullopt;
    switch (e->kind()) {
        case ExprKind::Get:
            return "\"" + e->field() + "\"";
        case ExprKind::Literal: {
            const Value& v = e->literalValue();
            if (const auto* s = std::get_if<std::string>(&v)) {
                std::string q = "'";
                for (char c : *s) q += c == '\'' ? std::string("''") : std::string(1, c);
                return q + "'";
            }
            if (const auto* d = std::get_if<double>(&v)) return num(*d);
            return std::nullopt;
        }
        case ExprKind::ToString: {
            auto a = qgisExpression(e->args().front().get());
            if (!a) return std::nullopt;
            return "to_string(" + *a + ")";
        }
        case ExprKind::Concat:
        case ExprKind::Coalesce: {
            std::string out = e->kind() == ExprKind::Concat ? "concat(" : "coalesce(";
            for (size_t i = 0; i < e->args().size(); ++i) {
                auto a = qgisExpression(e->args()[i].get());
                if (!a) return std::nullopt;
                out += (i ? ", " : "") + *a;
            }
            return out + ")";
        }
        default:
            return std::nullopt;
    }
}

// A QGIS literal for a value of ours.
std::optional<std::string> qgisLiteral(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) {
        std::string q = "'";
        for (char c : *s) q += c == '\'' ? std::string("''") : std::string(1, c);
        return q + "'";
    }
    if (const auto* d = std::get_if<double>(&v)) return num(*d);
    if (const auto* b = std::get_if<bool>(&v)) return std::string(*b ? "true" : "false");
    return std::nullopt;
}

// A condition of ours (a case test or a filter) as a QGIS filter expression with the same
// result for every feature, missing values included; nullopt when it does not translate.
std::optional<std::string> qgisCondition(const Expr* e) {
    if (!e) return std::nullopt;
    auto operand = [](const Expr* a) -> std::optional<std::string> {
        if (a->kind() == ExprKind::Get) return "\"" + a->field() + "\"";
        if (a->kind() == ExprKind::Zoom) return std::string("@map_scale");
        if (a->kind() == ExprKind::Literal) return qgisLiteral(a->literalValue());
        return std::nullopt;
    };
    switch (e->kind()) {
        case ExprKind::Literal:
            return qgisLiteral(e->literalValue());
        case ExprKind::Has:
            return "(\"" + e->field() + "\" IS NOT NULL)";
        case ExprKind::Compare: {
            auto a = operand(e->args()[0].get()), b = operand(e->args()[1].get());
            if (!a || !b) return std::nullopt;
            const std::string& op = e->op();
            if (op == "==") return "coalesce(" + *a + " = " + *b + ", false)";
            // Ours: a missing value differs from any value.
            if (op == "!=") return "coalesce(" + *a + " <> " + *b + ", true)";
            return "coalesce(" + *a + " " + op + " " + *b + ", false)";
        }
        case ExprKind::All:
        case ExprKind::Any: {
            std::string out;
            for (const auto& a : e->args()) {
                auto c = qgisCondition(a.get());
                if (!c) return std::nullopt;
                out += (out.empty() ? "(" : e->kind() == ExprKind::All ? " AND " : " OR ") + *c;
            }
            return out.empty() ? std::string(e->kind() == ExprKind::All ? "true" : "false") : out + ")";
        }
        case ExprKind::Not: {
            auto c = qgisCondition(e->args()[0].get());
            if (!c) return std::nullopt;
            return "(NOT " + *c + ")";
        }
        case ExprKind::In: {
            auto a = operand(e->args()[0].get());
            if (!a) return std::nullopt;
            std::string list;
            for (const auto& v : e->inValues()) {
                auto l = qgisLiteral(v);
                if (!l) return std::nullopt;
                list += (list.empty() ? "" : ", ") + *l;
            }
            return "coalesce(" + *a + " IN (" + list + "), false)";
        }
        default:
            return std::nullopt;
    }
}

// A case expression drawing the classes (the first data-driven colour), when every test of it
// translates to QGIS: drawn by a rule-based renderer.
const Expr* caseClassifier(const std::vector<const StyleLayer*>& drawing) {
    static const char* colours[] = {"fill-color", "fill-hatch-color", "line-color", "circle-color", "icon-image"};
    for (const StyleLayer* L : drawing)
        for (const char* c : colours)
            if (const Expr* e = L->prop(c); e && e->kind() == ExprKind::Case) {
                for (size_t i = 0; i + 1 < e->args().size(); i += 2)
                    if (!qgisCondition(e->args()[i].get())) return nullptr;
                return e;
            }
    return nullptr;
}

std::string labelingXml(const StyleLayer& L, ShapeKind geometry, std::set<std::string>& degraded) {
    auto P = [&](const std::string& name) { return evalProp(L, name, ClassKey{}); };
    const Expr* text = L.prop("text-field");
    std::string field;
    bool isExpression = false;
    if (text && text->kind() == ExprKind::Get) {
        field = text->field();
    } else if (auto q = qgisExpression(text)) {
        field = *q;
        isExpression = true;
    } else {
        std::vector<std::string> fields;
        if (text) text->collectFields(fields);
        if (fields.empty()) return {};
        field = fields.front();
        degraded.insert("style layer '" + L.id + "': the label expression does not translate; labels show field '" + field + "'");
    }
    const double size = numberOr(P("text-size"), 2.5), halo = numberOr(P("text-halo-width"), 0.3);
    const bool bold = std::holds_alternative<bool>(P("text-bold")) && std::get<bool>(P("text-bold"));
    const Rgba color = colorOf(P("text-color")).value_or(Rgba{0, 0, 0, 255});
    const Rgba haloColor = colorOf(P("text-halo-color")).value_or(Rgba{255, 255, 255, 255});
    std::string placement;
    if (textOf(P("symbol-placement"), "point") == "line" || geometry == ShapeKind::Line) {
        placement = "placement=\"3\" placementFlags=\"10\" dist=\"0\" distUnits=\"MM\" repeatDistance=\"" +
                    num(numberOr(P("symbol-spacing"), 80)) + "\" repeatDistanceUnits=\"MM\"";
    } else if (geometry == ShapeKind::Polygon) {
        placement = "placement=\"1\" dist=\"0\" distUnits=\"MM\"";
    } else {
        // Our anchors name the side of the text at the point ("left": text to the right).
        std::string anchors = textOf(P("text-variable-anchor"));
        if (anchors.empty()) anchors = textOf(P("text-anchor"), "left");
        std::string order;
        std::stringstream ss(anchors);
        for (std::string a; std::getline(ss, a, ',');) {
            const std::string q = a == "left" ? "R" : a == "right" ? "L" : a == "top" ? "B" : a == "bottom" ? "T" : "";
            if (!q.empty()) order += (order.empty() ? "" : ",") + q;
        }
        double dist = 0;
        const Value offset = P("text-offset");
        if (const auto* off = std::get_if<std::vector<double>>(&offset); off && off->size() == 2) dist = std::hypot((*off)[0], (*off)[1]);
        placement = "placement=\"6\" predefinedPositionOrder=\"" + (order.empty() ? std::string("R") : order) + "\" dist=\"" + num(dist) +
                    "\" distUnits=\"MM\"";
    }
    const bool scaled = L.minScale > 0 || std::isfinite(L.maxScale);
    std::string out = "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n";
    out += "      <text-style fieldName=\"" + esc(field) + "\" isExpression=\"" + (isExpression ? "1" : "0") + "\" fontFamily=\"" + kFont +
           "\" fontSize=\"" + num(size) + "\" fontSizeUnit=\"MM\" fontWeight=\"" + (bold ? "75" : "50") +
           "\" fontItalic=\"0\" textColor=\"" + qColor(color) + "\" textOpacity=\"1\" fontLetterSpacing=\"" +
           num(numberOr(P("text-letter-spacing"), 0) * size) + "\" namedStyle=\"Regular\" multilineHeight=\"1\">\n";
    out += "        <text-buffer bufferDraw=\"" + std::string(halo > 0 ? "1" : "0") + "\" bufferSize=\"" + num(halo) +
           "\" bufferSizeUnits=\"MM\" bufferColor=\"" + qColor(haloColor) +
           "\" bufferOpacity=\"1\" bufferNoFill=\"1\" bufferJoinStyle=\"128\"/>\n";
    out += "      </text-style>\n";
    out += "      <placement " + placement + " priority=\"5\" offsetType=\"0\" centroidWhole=\"0\" centroidInside=\"1\"/>\n";
    out += "      <rendering scaleVisibility=\"" + std::string(scaled ? "1" : "0") + "\" scaleMin=\"" + num(L.minScale) + "\" scaleMax=\"" +
           num(std::isfinite(L.maxScale) ? L.maxScale : 0) + "\" obstacle=\"1\" displayAll=\"" +
           (std::holds_alternative<bool>(P("text-allow-overlap")) && std::get<bool>(P("text-allow-overlap")) ? "1" : "0") +
           "\" upsidedownLabels=\"0\" fontLimitPixelSize=\"0\" drawLabels=\"1\"/>\n";
    out += "    </settings>\n  </labeling>\n";
    return out;
}

std::string fieldsXml(const QmlLayer& layer) {
    std::string out = "  <fieldConfiguration>\n";
    for (const auto& f : layer.fields) {
        out += "    <field name=\"" + esc(f.name) + "\" configurationFlags=\"None\">\n";
        if (!f.valueMap.empty()) {
            out +=
                "      <editWidget type=\"ValueMap\">\n        <config>\n          <Option type=\"Map\">\n"
                "            <Option type=\"List\" name=\"map\">\n";
            for (const auto& [code, title] : f.valueMap)
                out += "              <Option type=\"Map\"><Option type=\"QString\" name=\"" + esc(title) + "\" value=\"" + esc(code) +
                       "\"/></Option>\n";
            out += "            </Option>\n          </Option>\n        </config>\n      </editWidget>\n";
        } else {
            out += "      <editWidget type=\"\">\n        <config/>\n      </editWidget>\n";
        }
        out += "    </field>\n";
    }
    out += "  </fieldConfiguration>\n  <aliases>\n";
    for (size_t i = 0; i < layer.fields.size(); ++i)
        out += "    <alias field=\"" + esc(layer.fields[i].name) + "\" index=\"" + std::to_string(i) + "\" name=\"" +
               esc(layer.fields[i].alias) + "\"/>\n";
    out += "  </aliases>\n  <editable>\n";
    for (const auto& f : layer.fields) {
        if (f.readOnly && !f.readOnlyWhy.empty()) out += "    <!-- " + commentText(f.name + ": " + f.readOnlyWhy) + " -->\n";
        out += "    <field name=\"" + esc(f.name) + "\" editable=\"" + (f.readOnly ? "0" : "1") + "\"/>\n";
    }
    return out + "  </editable>\n";
}

std::string labelFor(const QmlLayer& layer, const std::string& field, const StyleLayer* owner, const std::string& value) {
    if (owner) {
        auto it = owner->legend.labels.find(value);
        if (it != owner->legend.labels.end()) return it->second;
    }
    for (const auto& f : layer.fields)
        if (f.name == field)
            for (const auto& [code, title] : f.valueMap)
                if (code == value) return title;
    return value;
}

}  // namespace

std::vector<const StyleLayer*> styleLayersFor(const Style& style, const std::string& name) {
    std::vector<const StyleLayer*> out;
    for (const auto& L : style.layers)
        if (globMatch(L.source, name)) out.push_back(&L);
    return out;
}

QmlResult qgisQml(const QmlLayer& layer, const std::vector<const StyleLayer*>& styleLayers) {
    QmlResult r;
    std::set<std::string> degraded;
    std::vector<const StyleLayer*> drawing, labels;
    for (const StyleLayer* L : styleLayers) {
        // A wildcard source (coverage_*) also matches sibling tables of another geometry (its
        // _links lines): the renderer leaves such pairs out, and so does the translation.
        if (L->type == LayerType::Raster) continue;  // draws gridded layers, not features
        const bool wildcard = L->source.find('*') != std::string::npos;
        const bool fits = layer.geometry == ShapeKind::None || L->type == LayerType::Symbol ||
                          (L->type == LayerType::Fill && layer.geometry == ShapeKind::Polygon) ||
                          (L->type == LayerType::Line && layer.geometry != ShapeKind::Point) ||
                          (L->type == LayerType::Circle && layer.geometry == ShapeKind::Point);
        if (wildcard && !fits) continue;
        if (L->type == LayerType::Symbol) {
            if (L->prop("icon-image")) drawing.push_back(L);
            if (L->prop("text-field")) labels.push_back(L);
        } else {
            drawing.push_back(L);
        }
        if (L->filter) {
            std::vector<std::string> fields;
            L->filter->collectFields(fields);
            if (!fields.empty())
                degraded.insert("style layer '" + L->id +
                                "' draws only the features its filter passes; the QGIS renderer draws every feature (the filter reads " +
                                fields.front() + ")");
        }
    }
    // Scale range of the layer: the widest of the style layers that draw it.
    double minScale = std::numeric_limits<double>::infinity(), maxScale = 0;
    for (const StyleLayer* L : drawing.empty() ? labels : drawing) {
        minScale = std::min(minScale, L->minScale);
        maxScale = std::max(maxScale, L->maxScale);
    }
    const bool scaled = !(drawing.empty() && labels.empty()) && (minScale > 0 || std::isfinite(maxScale));

    std::string renderer;
    if (layer.geometry != ShapeKind::None) {
        const Expr* cls = classifier(drawing);
        const StyleLayer* owner = legendOwner(drawing, cls);
        std::string symbols, classes;
        int n = 0;
        auto add = [&](const Value& v, const std::string& value, const std::string& label) {
            const SymbolBuild s = buildSymbol(drawing, layer.geometry, ClassKey{cls ? cls->inputField() : std::string(), v}, degraded);
            symbols += symbolXml(std::to_string(n), layer.geometry, s);
            classes += "      <category render=\"true\" symbol=\"" + std::to_string(n) + "\" value=\"" + esc(value) + "\" label=\"" +
                       esc(label) + "\"/>\n";
            ++n;
        };
        const std::string fallbackLabel = owner && owner->legend.labels.count("*") ? owner->legend.labels.at("*") : "其他";
        if (cls && (cls->kind() == ExprKind::Match || cls->kind() == ExprKind::Palette)) {
            r.rendererType = "categorizedSymbol";
            r.classField = cls->inputField();
            std::set<std::string> seen;
            if (cls->kind() == ExprKind::Match) {
                for (int b = 0; b + 1 < cls->branchCount(); ++b)
                    for (const Value& v : cls->matchLabels(b)) {
                        const std::string s = valueToString(v);
                        if (seen.insert(s).second) add(v, s, labelFor(layer, r.classField, owner, s));
                    }
            } else {
                for (const auto& [code, colour] : *cls->palette())
                    if (seen.insert(code).second) add(Value{code}, code, labelFor(layer, r.classField, owner, code));
                degraded.insert(
                    "palette colours match whole codes in QGIS; a code missing from the table takes the fallback colour, not its "
                    "first-level class colour");
            }
            add(Value{}, "", fallbackLabel);  // QGIS: the empty value is "all other values"
            renderer = "  <renderer-v2 type=\"categorizedSymbol\" attr=\"" + esc(r.classField) +
                       "\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n    <categories>\n" + classes +
                       "    </categories>\n    <symbols>\n" + symbols + "    </symbols>\n";
        } else if (cls) {
            // step / interpolate: graduated ranges between the stops.
            r.rendererType = "graduatedSymbol";
            r.classField = cls->inputField();
            const auto& stops = cls->stops();
            std::string ranges;
            const std::string unit = owner ? owner->legend.unit : std::string();
            const size_t count = cls->kind() == ExprKind::Step ? stops.size() + 1 : stops.size() + 1;
            for (size_t i = 0; i < count; ++i) {
                const double lo = i == 0 ? -1e12 : stops[i - 1], hi = i < stops.size() ? stops[i] : 1e12;
                const double probe = i == 0 ? (stops.empty() ? 0 : stops[0] - 1e-9) : i < stops.size() ? (lo + hi) / 2 : lo;
                const SymbolBuild s = buildSymbol(drawing, layer.geometry, ClassKey{r.classField, Value{probe}}, degraded);
                symbols += symbolXml(std::to_string(i), layer.geometry, s);
                std::string label = i == 0 ? "< " + num(hi) : i < stops.size() ? num(lo) + " – " + num(hi) : "≥ " + num(lo);
                if (!unit.empty()) label += " " + unit;
                ranges += "      <range render=\"true\" symbol=\"" + std::to_string(i) + "\" lower=\"" + num(lo) + "\" upper=\"" + num(hi) +
                          "\" label=\"" + esc(label) + "\"/>\n";
            }
            if (cls->kind() == ExprKind::Interpolate)
                degraded.insert("a continuous ramp (interpolate) is drawn as graduated classes between its stops");
            n = int(count);
            renderer = "  <renderer-v2 type=\"graduatedSymbol\" attr=\"" + esc(r.classField) +
                       "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" "
                       "referencescale=\"-1\">\n    <ranges>\n" +
                       ranges + "    </ranges>\n    <symbols>\n" + symbols + "    </symbols>\n    <mode name=\"manual\"/>\n";
        } else if (const Expr* cc = caseClassifier(drawing)) {
            // case: one rule per branch, each excluding the branches before it, as ours
            // takes the first that holds.
            r.rendererType = "RuleRenderer";
            const StyleLayer* owner2 = legendOwner(drawing, cc);
            std::string rules, before;
            const int branches = cc->branchCount();
            for (int b = 0; b < branches; ++b) {
                const bool last = b + 1 == branches;
                const std::string cond = last ? std::string() : *qgisCondition(cc->args()[size_t(2 * b)].get());
                std::string filter = last             ? (before.empty() ? std::string("true") : "NOT (" + before + ")")
                                     : before.empty() ? cond
                                                      : "(" + cond + ") AND NOT (" + before + ")";
                before += (before.empty() ? "" : " OR ") + (last ? std::string() : cond);
                const SymbolBuild s = buildSymbol(drawing, layer.geometry, ClassKey{{}, Value{}, cc, b}, degraded);
                symbols += symbolXml(std::to_string(b), layer.geometry, s);
                std::string label = last ? fallbackLabel : cond;
                if (owner2)
                    if (auto it = owner2->legend.labels.find(std::to_string(b)); it != owner2->legend.labels.end()) label = it->second;
                rules += "      <rule key=\"ruralatlas_" + std::to_string(b) + "\" symbol=\"" + std::to_string(b) + "\" label=\"" +
                         esc(label) + "\" filter=\"" + esc(filter) + "\"/>\n";
            }
            n = branches;
            renderer =
                "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n"
                "    <rules key=\"ruralatlas_root\">\n" +
                rules + "    </rules>\n    <symbols>\n" + symbols + "    </symbols>\n";
        } else {
            r.rendererType = "singleSymbol";
            const SymbolBuild s = buildSymbol(drawing, layer.geometry, ClassKey{}, degraded);
            renderer =
                "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n"
                "    <symbols>\n" +
                symbolXml("0", layer.geometry, s) + "    </symbols>\n";
            n = 1;
        }
        if (drawing.empty()) degraded.insert("no RuralAtlas style draws this layer: it is drawn invisible until a style is chosen");
        r.classes = r.rendererType == "singleSymbol" ? 0 : n;
        // Properties not driven by the classifying field are drawn at their value for a missing
        // field (their fallback): say which.
        for (const StyleLayer* L : drawing)
            for (const auto& [name, e] : L->props) {
                if (name.rfind("text-", 0) == 0 || name.rfind("symbol-", 0) == 0) continue;  // labels: translated apart
                std::vector<std::string> fields;
                e->collectFields(fields);
                std::vector<std::string> caseFields;
                if (r.rendererType == "RuleRenderer")
                    if (const Expr* cc = caseClassifier(drawing)) cc->collectFields(caseFields);
                for (const auto& f : fields)
                    if (f != r.classField && std::find(caseFields.begin(), caseFields.end(), f) == caseFields.end())
                        degraded.insert("style layer '" + L->id + "': " + name + " also depends on field " + f +
                                        "; QGIS draws it with the value for a missing " + f);
            }
        renderer += "  </renderer-v2>\n";
    }

    std::string labeling;
    if (!labels.empty() && layer.geometry != ShapeKind::None) {
        labeling = labelingXml(*labels.front(), layer.geometry, degraded);
        for (size_t i = 1; i < labels.size(); ++i)
            degraded.insert("style layer '" + labels[i]->id + "': only the first label layer of a source is translated");
    }

    std::string& q = r.qml;
    q = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
    q += "<qgis version=\"3.22.16-Białowieża\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"" +
         std::string(scaled ? "1" : "0") + "\" minScale=\"" + num(scaled && std::isfinite(maxScale) ? maxScale : 0) + "\" maxScale=\"" +
         num(scaled && std::isfinite(minScale) ? minScale : 0) + "\" labelsEnabled=\"" + (labeling.empty() ? "0" : "1") +
         "\" readOnly=\"0\">\n";
    q += "  <!-- " +
         commentText("Written by RuralAtlas for the table " + layer.name + (layer.title.empty() ? "" : " (" + layer.title + ")") +
                     ": Chinese field titles, value maps of the enumerations and a renderer translated from the RuralAtlas style.") +
         " -->\n";
    for (const auto& d : degraded) q += "  <!-- " + commentText("Not translated exactly: " + d) + " -->\n";
    q += renderer + labeling + fieldsXml(layer);
    const char* gt = layer.geometry == ShapeKind::Point     ? "0"
                     : layer.geometry == ShapeKind::Line    ? "1"
                     : layer.geometry == ShapeKind::Polygon ? "2"
                                                            : "4";
    q += "  <layerGeometryType>" + std::string(gt) + "</layerGeometryType>\n</qgis>\n";
    r.degraded.assign(degraded.begin(), degraded.end());
    return r;
}

}  // namespace ruralatlas::render
