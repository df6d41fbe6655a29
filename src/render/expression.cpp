#include "expression.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace ruralatlas::render {

namespace {
const Value kNull{};

[[noreturn]] void fail(const Where& w, const std::string& what) {
    throw DataError({w.file, "", "line " + std::to_string(w.line), ""}, "key \"" + w.key + "\": " + what);
}

Where at(const Where& w, const JsonValue& j) { return {w.file, j.line(), w.key}; }

Value jsonToValue(const JsonValue& j, const Where& w) {
    switch (j.type()) {
        case JsonValue::Type::Null:
            return {};
        case JsonValue::Type::Bool:
            return j.boolean();
        case JsonValue::Type::Number:
            return j.number();
        case JsonValue::Type::String: {
            Rgba c;
            if (!j.string().empty() && (j.string()[0] == '#' || j.string().rfind("rgb", 0) == 0)) {
                if (!parseColor(j.string(), c))
                    fail(at(w, j), "\"" + j.string() + "\" is not a colour (#rrggbb, #rrggbbaa, rgb(), rgba())");
                return c;
            }
            return j.string();
        }
        case JsonValue::Type::Array: {
            std::vector<double> nums;
            for (const auto& e : j.array()) {
                if (!e.isNumber()) fail(at(w, e), "an array literal must hold numbers");
                nums.push_back(e.number());
            }
            return nums;
        }
        case JsonValue::Type::Object:
            fail(at(w, j), "an object is not an expression");
    }
    return {};
}

bool valuesEqual(const Value& a, const Value& b) {
    double x, y;
    if (std::holds_alternative<double>(a) && std::holds_alternative<double>(b)) return std::get<double>(a) == std::get<double>(b);
    if (std::holds_alternative<std::string>(a) && std::holds_alternative<double>(b) && toNumber(a, x) && toNumber(b, y)) return x == y;
    if (std::holds_alternative<double>(a) && std::holds_alternative<std::string>(b) && toNumber(a, x) && toNumber(b, y)) return x == y;
    return a == b;
}

Rgba mix(Rgba a, Rgba b, double t) {
    const auto l = [t](uint8_t p, uint8_t q) { return uint8_t(std::lround(p + (q - p) * t)); };
    return {l(a.r, b.r), l(a.g, b.g), l(a.b, b.b), l(a.a, b.a)};
}

struct NamedColor {
    const char* name;
    Rgba c;
};
constexpr NamedColor kNames[] = {{"black", {0, 0, 0, 255}},      {"white", {255, 255, 255, 255}}, {"red", {255, 0, 0, 255}},
                                 {"green", {0, 128, 0, 255}},    {"blue", {0, 0, 255, 255}},      {"gray", {128, 128, 128, 255}},
                                 {"grey", {128, 128, 128, 255}}, {"transparent", {0, 0, 0, 0}}};
}  // namespace

const Value& Row::get(int column) const {
    if (!columns || column < 0 || size_t(column) >= columns->size()) return kNull;
    const auto& col = (*columns)[size_t(column)];
    return index < col.size() ? col[index] : kNull;
}

bool parseColor(const std::string& text, Rgba& out) {
    for (const auto& n : kNames)
        if (text == n.name) {
            out = n.c;
            return true;
        }
    if (!text.empty() && text[0] == '#') {
        const std::string h = text.substr(1);
        for (char c : h)
            if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
        auto byte = [&](size_t i, size_t n) {
            const unsigned v = unsigned(std::stoul(h.substr(i, n), nullptr, 16));
            return uint8_t(n == 1 ? v * 17 : v);
        };
        if (h.size() == 3)
            out = {byte(0, 1), byte(1, 1), byte(2, 1), 255};
        else if (h.size() == 6)
            out = {byte(0, 2), byte(2, 2), byte(4, 2), 255};
        else if (h.size() == 8)
            out = {byte(0, 2), byte(2, 2), byte(4, 2), byte(6, 2)};
        else
            return false;
        return true;
    }
    double r, g, b, a = 1;
    if (std::sscanf(text.c_str(), "rgba(%lf ,%lf ,%lf ,%lf )", &r, &g, &b, &a) == 4 ||
        std::sscanf(text.c_str(), "rgb(%lf ,%lf ,%lf )", &r, &g, &b) == 3) {
        if (r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255 || a < 0 || a > 1) return false;
        out = {uint8_t(std::lround(r)), uint8_t(std::lround(g)), uint8_t(std::lround(b)), uint8_t(std::lround(a * 255))};
        return true;
    }
    return false;
}

std::string colorToHex(Rgba c) {
    char buf[16];
    if (c.a == 255)
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    else
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x%02x", c.r, c.g, c.b, c.a);
    return buf;
}

bool truthy(const Value& v) {
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    if (const auto* d = std::get_if<double>(&v)) return *d != 0;
    if (const auto* s = std::get_if<std::string>(&v)) return !s->empty();
    return !std::holds_alternative<std::monostate>(v);
}

std::string valueToString(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* d = std::get_if<double>(&v)) {
        if (std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 1e15) return std::to_string((long long)*d);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", *d);
        return buf;
    }
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (const auto* c = std::get_if<Rgba>(&v)) return colorToHex(*c);
    return {};
}

bool toNumber(const Value& v, double& out) {
    if (const auto* d = std::get_if<double>(&v)) {
        out = *d;
        return true;
    }
    if (const auto* b = std::get_if<bool>(&v)) {
        out = *b ? 1 : 0;
        return true;
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
        if (s->empty()) return false;
        char* end = nullptr;
        out = std::strtod(s->c_str(), &end);
        return end && *end == '\0';
    }
    return false;
}

ExprPtr Expr::literal(Value v) {
    auto e = std::make_shared<Expr>();
    e->m_literal = std::move(v);
    return e;
}

// Long on purpose: one switch over the operators of the style expression language.
ExprPtr Expr::parse(const JsonValue& json, const Where& where0, const std::string& styleDir) {
    const Where w = at(where0, json);
    auto e = std::make_shared<Expr>();
    if (!json.isArray()) {
        e->m_literal = jsonToValue(json, w);
        return e;
    }
    const auto& a = json.array();
    if (a.empty() || !a[0].isString()) {
        e->m_literal = jsonToValue(json, w);  // a number array such as a dash pattern
        return e;
    }
    const std::string op = a[0].string();
    const auto need = [&](size_t n, const char* form) {
        if (a.size() < n) fail(w, "\"" + op + "\" needs " + form);
    };
    const auto sub = [&](size_t i) { return parse(a[i], w, styleDir); };
    if (op == "get" || op == "has") {
        need(2, "a field name");
        if (!a[1].isString()) fail(w, "the field name must be a string");
        e->m_kind = op == "get" ? ExprKind::Get : ExprKind::Has;
        e->m_field = a[1].string();
    } else if (op == "literal") {
        need(2, "a value");
        e->m_literal = jsonToValue(a[1], w);
    } else if (op == "zoom" || op == "scale") {
        e->m_kind = ExprKind::Zoom;
    } else if (op == "match") {
        // ["match", input, label(s), output, ..., fallback]
        if (a.size() < 5 || a.size() % 2 == 0) fail(w, "\"match\" needs an input, label/output pairs and a fallback");
        e->m_kind = ExprKind::Match;
        e->m_args.push_back(sub(1));
        for (size_t i = 2; i + 1 < a.size(); i += 2) {
            std::vector<Value> labels;
            if (a[i].isArray())
                for (const auto& l : a[i].array()) labels.push_back(jsonToValue(l, w));
            else
                labels.push_back(jsonToValue(a[i], w));
            e->m_labels.push_back(std::move(labels));
            e->m_args.push_back(sub(i + 1));
        }
        e->m_args.push_back(sub(a.size() - 1));
    } else if (op == "step") {
        // ["step", input, output0, stop1, output1, ...]
        if (a.size() < 3 || a.size() % 2 == 0) fail(w, "\"step\" needs an input, a base output and stop/output pairs");
        e->m_kind = ExprKind::Step;
        e->m_args.push_back(sub(1));
        e->m_args.push_back(sub(2));
        for (size_t i = 3; i + 1 < a.size(); i += 2) {
            if (!a[i].isNumber()) fail(at(w, a[i]), "step stops must be numbers");
            if (!e->m_stops.empty() && a[i].number() <= e->m_stops.back()) fail(at(w, a[i]), "step stops must increase");
            e->m_stops.push_back(a[i].number());
            e->m_args.push_back(sub(i + 1));
        }
    } else if (op == "interpolate") {
        // ["interpolate", ["linear"], input, stop1, output1, ...]
        if (a.size() < 5 || a.size() % 2 == 0 || !a[1].isArray() || a[1].array().empty() || !a[1].array()[0].isString() ||
            a[1].array()[0].string() != "linear")
            fail(w, "\"interpolate\" needs [\"linear\"], an input and stop/output pairs");
        e->m_kind = ExprKind::Interpolate;
        e->m_args.push_back(sub(2));
        for (size_t i = 3; i + 1 < a.size(); i += 2) {
            if (!a[i].isNumber()) fail(at(w, a[i]), "interpolate stops must be numbers");
            if (!e->m_stops.empty() && a[i].number() <= e->m_stops.back()) fail(at(w, a[i]), "interpolate stops must increase");
            e->m_stops.push_back(a[i].number());
            e->m_args.push_back(sub(i + 1));
        }
    } else if (op == "case") {
        // ["case", cond1, out1, ..., fallback]
        if (a.size() < 4 || a.size() % 2 != 0) fail(w, "\"case\" needs condition/output pairs and a fallback");
        e->m_kind = ExprKind::Case;
        for (size_t i = 1; i < a.size(); ++i) e->m_args.push_back(sub(i));
    } else if (op == "coalesce" || op == "all" || op == "any" || op == "concat") {
        e->m_kind = op == "coalesce" ? ExprKind::Coalesce : op == "all" ? ExprKind::All : op == "any" ? ExprKind::Any : ExprKind::Concat;
        for (size_t i = 1; i < a.size(); ++i) e->m_args.push_back(sub(i));
    } else if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
        if (a.size() != 3) fail(w, "\"" + op + "\" needs two operands");
        e->m_kind = ExprKind::Compare;
        e->m_op = op;
        e->m_args = {sub(1), sub(2)};
    } else if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%" || op == "min" || op == "max") {
        need(3, "two or more operands");
        e->m_kind = ExprKind::Arith;
        e->m_op = op;
        for (size_t i = 1; i < a.size(); ++i) e->m_args.push_back(sub(i));
    } else if (op == "!") {
        if (a.size() != 2) fail(w, "\"!\" needs one operand");
        e->m_kind = ExprKind::Not;
        e->m_args = {sub(1)};
    } else if (op == "in") {
        // ["in", input, [v1, v2, ...]] or ["in", input, v1, v2, ...]
        need(3, "an input and values");
        e->m_kind = ExprKind::In;
        e->m_args = {sub(1)};
        std::vector<Value> values;
        for (size_t i = 2; i < a.size(); ++i) {
            if (a[i].isArray())
                for (const auto& l : a[i].array()) values.push_back(jsonToValue(l, w));
            else
                values.push_back(jsonToValue(a[i], w));
        }
        e->m_labels.push_back(std::move(values));
    } else if (op == "to-string" || op == "to-number") {
        if (a.size() != 2) fail(w, "\"" + op + "\" needs one operand");
        e->m_kind = op == "to-string" ? ExprKind::ToString : ExprKind::ToNumber;
        e->m_args = {sub(1)};
    } else if (op == "palette") {
        // ["palette", "file.csv", input, fallback]
        if (a.size() != 4 || !a[1].isString()) fail(w, "\"palette\" needs a CSV file name, an input and a fallback colour");
        e->m_kind = ExprKind::Palette;
        std::string path = a[1].string();
        if (!path.empty() && path[0] != '/') path = styleDir + "/" + path;
        try {
            e->m_palette = loadPalette(path);
        } catch (const DataError& err) {
            fail(w, err.what());
        }
        e->m_args = {sub(2), sub(3)};
    } else {
        fail(w, "unknown expression \"" + op + "\"");
    }
    return e;
}

void Expr::bind(const ColumnResolver& resolve) const {
    if (m_kind == ExprKind::Get || m_kind == ExprKind::Has) m_column = resolve(m_field);
    for (const auto& a : m_args) a->bind(resolve);
}

void Expr::collectLiterals(std::vector<Value>& out) const {
    if (m_kind == ExprKind::Literal) out.push_back(m_literal);
    if (m_kind == ExprKind::Concat || m_kind == ExprKind::Compare || m_kind == ExprKind::In) return;  // not outputs
    for (size_t i = 0; i < m_args.size(); ++i)
        if (!(i == 0 && (m_kind == ExprKind::Match || m_kind == ExprKind::Step || m_kind == ExprKind::Interpolate)))
            m_args[i]->collectLiterals(out);
}

void Expr::collectFields(std::vector<std::string>& out) const {
    if (m_kind == ExprKind::Get || m_kind == ExprKind::Has) out.push_back(m_field);
    for (const auto& a : m_args) a->collectFields(out);
}

bool Expr::isConstant() const {
    if (m_kind == ExprKind::Get || m_kind == ExprKind::Has || m_kind == ExprKind::Zoom) return false;
    for (const auto& a : m_args)
        if (!a->isConstant()) return false;
    return true;
}

int Expr::branchCount() const {
    switch (m_kind) {
        case ExprKind::Match:
            return int(m_labels.size()) + 1;
        case ExprKind::Step:
            return int(m_stops.size()) + 1;
        case ExprKind::Case:
            return int(m_args.size() / 2) + 1;
        default:
            return 0;
    }
}

std::vector<Value> Expr::matchLabels(int branch) const {
    if (m_kind == ExprKind::Match && branch >= 0 && size_t(branch) < m_labels.size()) return m_labels[size_t(branch)];
    return {};
}

namespace {

std::string sqlIdent(const std::string& f) {
    std::string s = "\"";
    for (char c : f) s += c == '"' ? std::string("\"\"") : std::string(1, c);
    return s + "\"";
}

// A literal as SQL for a field of type `t`, or "" when the comparison would not mean in SQL
// what it means in eval (a number against a text field, say).
std::string sqlLiteral(const Value& v, char t) {
    if (t == 's' && std::holds_alternative<std::string>(v)) {
        std::string s = "'";
        for (char c : std::get<std::string>(v)) s += c == '\'' ? std::string("''") : std::string(1, c);
        return s + "'";
    }
    if (t == 'n' && std::holds_alternative<double>(v)) {
        const double d = std::get<double>(v);
        if (!std::isfinite(d)) return {};
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        return buf;
    }
    return {};
}

const std::string kSqlFalse = "1 = 0";

}  // namespace

std::optional<std::string> Expr::sqlSuperset(double scaleLo, double scaleHi,
                                             const std::function<char(const std::string&)>& fieldType) const {
    switch (m_kind) {
        case ExprKind::Literal:
            if (!truthy(m_literal)) return kSqlFalse;
            return std::nullopt;
        case ExprKind::Has: {
            if (!fieldType(m_field)) return std::nullopt;
            return sqlIdent(m_field) + " IS NOT NULL";
        }
        case ExprKind::All: {
            std::string sql;
            for (const auto& a : m_args) {
                const auto part = a->sqlSuperset(scaleLo, scaleHi, fieldType);
                if (!part) continue;
                if (*part == kSqlFalse) return kSqlFalse;
                sql += (sql.empty() ? "(" : " AND (") + *part + ")";
            }
            if (sql.empty()) return std::nullopt;
            return sql;
        }
        case ExprKind::Any: {
            std::string sql;
            for (const auto& a : m_args) {
                const auto part = a->sqlSuperset(scaleLo, scaleHi, fieldType);
                if (!part) return std::nullopt;
                if (*part == kSqlFalse) continue;
                sql += (sql.empty() ? "(" : " OR (") + *part + ")";
            }
            if (sql.empty()) return kSqlFalse;
            return sql;
        }
        case ExprKind::In: {
            if (m_args[0]->m_kind != ExprKind::Get) return std::nullopt;
            const char t = fieldType(m_args[0]->m_field);
            std::string list;
            for (const auto& l : m_labels[0]) {
                const std::string lit = sqlLiteral(l, t);
                if (lit.empty()) return std::nullopt;
                list += (list.empty() ? "" : ", ") + lit;
            }
            if (list.empty()) return kSqlFalse;
            return sqlIdent(m_args[0]->m_field) + " IN (" + list + ")";
        }
        case ExprKind::Compare: {
            const Expr* a = m_args[0].get();
            const Expr* b = m_args[1].get();
            // A scale test: decided when it comes out the same at both ends of the range.
            if ((a->m_kind == ExprKind::Zoom && b->isConstant()) || (b->m_kind == ExprKind::Zoom && a->isConstant())) {
                const bool lo = truthy(eval(Row{}, scaleLo)), hi = truthy(eval(Row{}, scaleHi));
                if (lo == hi && !lo) return kSqlFalse;
                return std::nullopt;
            }
            std::string op = m_op;
            if (b->m_kind == ExprKind::Get && a->m_kind == ExprKind::Literal) {
                std::swap(a, b);
                if (op == "<")
                    op = ">";
                else if (op == ">")
                    op = "<";
                else if (op == "<=")
                    op = ">=";
                else if (op == ">=")
                    op = "<=";
            }
            if (a->m_kind != ExprKind::Get || b->m_kind != ExprKind::Literal) return std::nullopt;
            const char t = fieldType(a->m_field);
            // Ordering of numbers against text and of text by bytes may differ from SQL's:
            // only numbers are ordered here.
            if (op != "==" && op != "!=" && t != 'n') return std::nullopt;
            const std::string lit = sqlLiteral(b->m_literal, t);
            if (lit.empty()) return std::nullopt;
            const std::string f = sqlIdent(a->m_field);
            if (op == "==") return f + " = " + lit;
            if (op == "!=") return "(" + f + " IS NULL OR " + f + " <> " + lit + ")";
            if (op == "<" || op == "<=" || op == ">" || op == ">=") return f + " " + op + " " + lit;
            return std::nullopt;
        }
        default:
            return std::nullopt;
    }
}

std::string Expr::inputField() const {
    if ((m_kind == ExprKind::Match || m_kind == ExprKind::Step || m_kind == ExprKind::Interpolate || m_kind == ExprKind::Palette) &&
        !m_args.empty() && m_args[0]->m_kind == ExprKind::Get)
        return m_args[0]->m_field;
    return {};
}

const Expr* Expr::branchOutput(int branch) const {
    if (branch < 0) return nullptr;
    const size_t b = size_t(branch);
    switch (m_kind) {
        case ExprKind::Match:
        case ExprKind::Step:
            return b + 1 < m_args.size() ? m_args[b + 1].get() : nullptr;
        case ExprKind::Case:
            if (b < m_args.size() / 2) return m_args[2 * b + 1].get();
            return m_args.back().get();
        default:
            return nullptr;
    }
}

// Long on purpose: one switch over the expression kinds.
Value Expr::eval(const Row& row, double scale, int* branch) const {
    switch (m_kind) {
        case ExprKind::Literal:
            return m_literal;
        case ExprKind::Get:
            return row.get(m_column);
        case ExprKind::Has:
            return !std::holds_alternative<std::monostate>(row.get(m_column));
        case ExprKind::Zoom:
            return scale;
        case ExprKind::Match: {
            const Value in = m_args[0]->evalNoBranch(row, scale);
            for (size_t i = 0; i < m_labels.size(); ++i)
                for (const auto& l : m_labels[i])
                    if (valuesEqual(in, l)) {
                        if (branch) *branch = int(i);
                        return m_args[i + 1]->evalNoBranch(row, scale);
                    }
            if (branch) *branch = int(m_labels.size());
            return m_args.back()->evalNoBranch(row, scale);
        }
        case ExprKind::Step: {
            double x;
            size_t i = 0;
            if (toNumber(m_args[0]->evalNoBranch(row, scale), x))
                while (i < m_stops.size() && x >= m_stops[i]) ++i;
            if (branch) *branch = int(i);
            return m_args[i + 1]->evalNoBranch(row, scale);
        }
        case ExprKind::Interpolate: {
            double x;
            if (!toNumber(m_args[0]->evalNoBranch(row, scale), x)) return {};
            size_t i = 0;
            while (i < m_stops.size() && x >= m_stops[i]) ++i;
            if (i == 0) return m_args[1]->evalNoBranch(row, scale);
            if (i == m_stops.size()) return m_args.back()->evalNoBranch(row, scale);
            const double t = (x - m_stops[i - 1]) / (m_stops[i] - m_stops[i - 1]);
            const Value a = m_args[i]->evalNoBranch(row, scale), b = m_args[i + 1]->evalNoBranch(row, scale);
            double p, q;
            if (toNumber(a, p) && toNumber(b, q)) return p + (q - p) * t;
            if (std::holds_alternative<Rgba>(a) && std::holds_alternative<Rgba>(b)) return mix(std::get<Rgba>(a), std::get<Rgba>(b), t);
            return t < 0.5 ? a : b;
        }
        case ExprKind::Case: {
            for (size_t i = 0; i + 1 < m_args.size(); i += 2)
                if (truthy(m_args[i]->evalNoBranch(row, scale))) {
                    if (branch) *branch = int(i / 2);
                    return m_args[i + 1]->evalNoBranch(row, scale);
                }
            if (branch) *branch = int(m_args.size() / 2);
            return m_args.back()->evalNoBranch(row, scale);
        }
        case ExprKind::Coalesce:
            for (const auto& a : m_args) {
                Value v = a->evalNoBranch(row, scale);
                if (!std::holds_alternative<std::monostate>(v)) return v;
            }
            return {};
        case ExprKind::Compare: {
            const Value a = m_args[0]->evalNoBranch(row, scale), b = m_args[1]->evalNoBranch(row, scale);
            if (m_op == "==") return valuesEqual(a, b);
            if (m_op == "!=") return !valuesEqual(a, b);
            double x, y;
            int c;
            if (toNumber(a, x) && toNumber(b, y) && !std::holds_alternative<std::string>(a) == !std::holds_alternative<std::string>(b))
                c = x < y ? -1 : x > y ? 1 : 0;
            else if (std::holds_alternative<std::monostate>(a) || std::holds_alternative<std::monostate>(b))
                return false;
            else
                c = valueToString(a).compare(valueToString(b));
            if (m_op == "<") return c < 0;
            if (m_op == "<=") return c <= 0;
            if (m_op == ">") return c > 0;
            return c >= 0;
        }
        case ExprKind::All:
            for (const auto& a : m_args)
                if (!truthy(a->evalNoBranch(row, scale))) return false;
            return true;
        case ExprKind::Any:
            for (const auto& a : m_args)
                if (truthy(a->evalNoBranch(row, scale))) return true;
            return false;
        case ExprKind::Not:
            return !truthy(m_args[0]->evalNoBranch(row, scale));
        case ExprKind::In: {
            const Value in = m_args[0]->evalNoBranch(row, scale);
            for (const auto& l : m_labels[0])
                if (valuesEqual(in, l)) return true;
            return false;
        }
        case ExprKind::Concat: {
            std::string s;
            for (const auto& a : m_args) s += valueToString(a->evalNoBranch(row, scale));
            return s;
        }
        case ExprKind::ToString:
            return valueToString(m_args[0]->evalNoBranch(row, scale));
        case ExprKind::ToNumber: {
            double x;
            if (toNumber(m_args[0]->evalNoBranch(row, scale), x)) return x;
            return {};
        }
        case ExprKind::Arith: {
            double acc;
            if (!toNumber(m_args[0]->evalNoBranch(row, scale), acc)) return {};
            for (size_t i = 1; i < m_args.size(); ++i) {
                double x;
                if (!toNumber(m_args[i]->evalNoBranch(row, scale), x)) return {};
                if (m_op == "+")
                    acc += x;
                else if (m_op == "-")
                    acc -= x;
                else if (m_op == "*")
                    acc *= x;
                else if (m_op == "/")
                    acc = x == 0 ? NAN : acc / x;
                else if (m_op == "%")
                    acc = x == 0 ? NAN : std::fmod(acc, x);
                else if (m_op == "min")
                    acc = std::min(acc, x);
                else
                    acc = std::max(acc, x);
            }
            if (!std::isfinite(acc)) return {};
            return acc;
        }
        case ExprKind::Palette: {
            const std::string key = valueToString(m_args[0]->evalNoBranch(row, scale));
            auto it = m_palette->find(key);
            if (it == m_palette->end() && key.size() > 2) it = m_palette->find(key.substr(0, 2));
            if (it != m_palette->end()) return it->second;
            return m_args[1]->evalNoBranch(row, scale);
        }
    }
    return {};
}

std::shared_ptr<const std::map<std::string, Rgba>> loadPalette(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError({path, "", "", ""}, "cannot read the colour table");
    auto table = std::make_shared<std::map<std::string, Rgba>>();
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) cells.push_back(cell);
        if (n == 1 || (cells.size() >= 1 && cells[0] == "code")) continue;  // header
        if (cells.size() < 3) throw DataError({path, "", "line " + std::to_string(n), ""}, "expected code,name,color");
        Rgba c;
        if (!parseColor(cells[2], c))
            throw DataError({path, "", "line " + std::to_string(n), "color"}, "\"" + cells[2] + "\" is not a colour");
        (*table)[cells[0]] = c;
    }
    return table;
}

}  // namespace ruralatlas::render
