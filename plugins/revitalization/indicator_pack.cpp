#include "indicator_pack.hpp"

#include <cctype>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "core/json_value.hpp"
#include "core/schema.hpp"

namespace ruralatlas::revitalization {

struct Formula::Node {
    enum class Kind { Number, Field, Unary, Binary } kind = Kind::Number;
    double number = 0;
    int field = -1;
    std::string op;
    std::shared_ptr<const Node> a, b;
};

namespace {

using NodePtr = std::shared_ptr<const Formula::Node>;

class Parser {
public:
    Parser(std::string_view text, const std::string& file, const std::string& key, std::vector<std::string>& fields)
        : m_t(text), m_file(file), m_key(key), m_fields(fields) {}

    NodePtr all() {
        NodePtr n = comparison();
        skip();
        if (m_i < m_t.size()) fail("unexpected '" + std::string(1, m_t[m_i]) + "'");
        return n;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw DataError({m_file, "", "", m_key},
                        "the formula \"" + std::string(m_t) + "\" does not parse at character " + std::to_string(m_i + 1) + ": " + what);
    }
    void skip() {
        while (m_i < m_t.size() && std::isspace(static_cast<unsigned char>(m_t[m_i]))) ++m_i;
    }
    bool take(std::string_view op) {
        skip();
        if (m_t.substr(m_i, op.size()) != op) return false;
        m_i += op.size();
        return true;
    }
    static NodePtr binary(const std::string& op, NodePtr a, NodePtr b) {
        auto n = std::make_shared<Formula::Node>();
        n->kind = Formula::Node::Kind::Binary;
        n->op = op;
        n->a = std::move(a);
        n->b = std::move(b);
        return n;
    }
    NodePtr comparison() {
        NodePtr left = sum();
        for (const char* op : {"<=", ">=", "==", "!=", "<", ">"})
            if (take(op)) return binary(op, left, sum());
        return left;
    }
    NodePtr sum() {
        NodePtr left = product();
        for (;;) {
            if (take("+"))
                left = binary("+", left, product());
            else if (take("-"))
                left = binary("-", left, product());
            else
                return left;
        }
    }
    NodePtr product() {
        NodePtr left = unary();
        for (;;) {
            if (take("*"))
                left = binary("*", left, unary());
            else if (take("/"))
                left = binary("/", left, unary());
            else
                return left;
        }
    }
    NodePtr unary() {
        if (take("-")) {
            auto n = std::make_shared<Formula::Node>();
            n->kind = Formula::Node::Kind::Unary;
            n->op = "-";
            n->a = unary();
            return n;
        }
        return atom();
    }
    NodePtr atom() {
        skip();
        if (m_i >= m_t.size()) fail("the formula ends where a number, field or '(' was expected");
        if (take("(")) {
            NodePtr n = comparison();
            if (!take(")")) fail("')' expected");
            return n;
        }
        const char c = m_t[m_i];
        auto n = std::make_shared<Formula::Node>();
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
            std::size_t j = m_i;
            while (j < m_t.size() && (std::isdigit(static_cast<unsigned char>(m_t[j])) || m_t[j] == '.')) ++j;
            const std::string digits(m_t.substr(m_i, j - m_i));
            char* end = nullptr;
            n->number = std::strtod(digits.c_str(), &end);
            if (end != digits.c_str() + digits.size()) fail("'" + digits + "' is not a number");
            m_i = j;
            return n;
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            std::size_t j = m_i;
            while (j < m_t.size() && (std::isalnum(static_cast<unsigned char>(m_t[j])) || m_t[j] == '_')) ++j;
            const std::string name(m_t.substr(m_i, j - m_i));
            m_i = j;
            n->kind = Formula::Node::Kind::Field;
            for (std::size_t k = 0; k < m_fields.size(); ++k)
                if (m_fields[k] == name) n->field = int(k);
            if (n->field < 0) {
                n->field = int(m_fields.size());
                m_fields.push_back(name);
            }
            return n;
        }
        fail("unexpected '" + std::string(1, c) + "'");
    }

    std::string_view m_t;
    const std::string& m_file;
    const std::string& m_key;
    std::vector<std::string>& m_fields;
    std::size_t m_i = 0;
};

std::optional<double> evalNode(const Formula::Node& n, const std::vector<std::optional<double>>& v) {
    using K = Formula::Node::Kind;
    switch (n.kind) {
        case K::Number:
            return n.number;
        case K::Field:
            return std::size_t(n.field) < v.size() ? v[std::size_t(n.field)] : std::nullopt;
        case K::Unary: {
            auto a = evalNode(*n.a, v);
            return a ? std::optional<double>(-*a) : std::nullopt;
        }
        case K::Binary: {
            auto a = evalNode(*n.a, v), b = evalNode(*n.b, v);
            if (!a || !b) return std::nullopt;
            const std::string& op = n.op;
            if (op == "+") return *a + *b;
            if (op == "-") return *a - *b;
            if (op == "*") return *a * *b;
            if (op == "/") return *b == 0 ? std::nullopt : std::optional<double>(*a / *b);
            if (op == "<") return *a < *b ? 1.0 : 0.0;
            if (op == "<=") return *a <= *b ? 1.0 : 0.0;
            if (op == ">") return *a > *b ? 1.0 : 0.0;
            if (op == ">=") return *a >= *b ? 1.0 : 0.0;
            if (op == "==") return *a == *b ? 1.0 : 0.0;
            if (op == "!=") return *a != *b ? 1.0 : 0.0;
            return std::nullopt;
        }
    }
    return std::nullopt;
}

const JsonValue& member(const JsonValue& o, std::string_view key, const std::string& file, const std::string& where) {
    const JsonValue* v = o.find(key);
    if (!v) throw DataError({file, "", "", where + "." + std::string(key)}, "\"" + std::string(key) + "\" is missing");
    return *v;
}

std::string text(const JsonValue& o, std::string_view key, const std::string& file, const std::string& where, bool required) {
    const JsonValue* v = o.find(key);
    if (!v) {
        if (required) throw DataError({file, "", "", where + "." + std::string(key)}, "\"" + std::string(key) + "\" is missing");
        return {};
    }
    if (!v->isString())
        throw DataError({file, "", "", where + "." + std::string(key)},
                        "\"" + std::string(key) + "\" must be text (line " + std::to_string(v->line()) + ")");
    return v->string();
}

std::optional<Target> target(const JsonValue& o, std::string_view key, const std::string& file, const std::string& where) {
    const JsonValue* v = o.find(key);
    if (!v) return std::nullopt;
    const std::string at = where + "." + std::string(key);
    if (!v->isObject()) throw DataError({file, "", "", at}, "a target is an object {\"value\": ..., \"bound\": \"floor\"|\"ceiling\"}");
    Target t;
    const JsonValue& value = member(*v, "value", file, at);
    if (!value.isNumber() || !std::isfinite(value.number()))
        throw DataError({file, "", "", at + ".value"}, "the target value must be a number (line " + std::to_string(value.line()) + ")");
    t.value = value.number();
    const std::string bound = text(*v, "bound", file, at, false);
    if (!bound.empty() && bound != "floor" && bound != "ceiling")
        throw DataError({file, "", "", at + ".bound"}, "bound is floor (不低于) or ceiling (不高于), not '" + bound + "'");
    t.floor = bound != "ceiling";
    t.source = text(*v, "source", file, at, false);
    return t;
}

IndicatorPack packFrom(const JsonValue& root, const std::string& file) {
    if (!root.isObject()) throw DataError({file}, "an indicator pack is a JSON object");
    IndicatorPack p;
    p.file = file;
    p.id = text(root, "id", file, "pack", false);
    p.name = text(root, "name", file, "pack", false);
    const JsonValue& list = member(root, "indicators", file, "pack");
    if (!list.isArray() || list.array().empty()) throw DataError({file, "", "", "indicators"}, "\"indicators\" must be a non-empty list");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < list.array().size(); ++i) {
        const JsonValue& e = list.array()[i];
        const std::string where = "indicators[" + std::to_string(i) + "]";
        if (!e.isObject()) throw DataError({file, "", "", where}, "an indicator is an object (line " + std::to_string(e.line()) + ")");
        Indicator ind;
        ind.id = text(e, "id", file, where, true);
        if (ind.id.empty() || ind.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
            throw DataError({file, "", "", where + ".id"}, "an indicator id is lower-case letters, digits and _, not '" + ind.id + "'");
        if (!ids.insert(ind.id).second) throw DataError({file, "", "", where + ".id"}, "indicator '" + ind.id + "' is listed twice");
        ind.title = text(e, "title", file, where, true);
        ind.titleEn = text(e, "title_en", file, where, false);
        ind.unit = text(e, "unit", file, where, false);
        const std::string formula = text(e, "formula", file, where, false);
        if (!formula.empty()) ind.formula = Formula::parse(formula, file, where + ".formula");
        if (const JsonValue* sv = e.find("service")) {
            const std::string at = where + ".service";
            if (!sv->isObject()) throw DataError({file, "", "", at}, "\"service\" is an object: {\"kind\": ..., \"mode\": ...}");
            if (ind.formula) throw DataError({file, "", "", at}, "an indicator has a formula or a service, not both");
            ServiceSource src;
            src.kind = text(*sv, "kind", file, at, true);
            if (!codeTitle("facility_kind", src.kind))
                throw DataError({file, "", "", at + ".kind"}, "'" + src.kind + "' is not a facility kind of the data model");
            const std::string mode = text(*sv, "mode", file, at, false), status = text(*sv, "status", file, at, false);
            if (!mode.empty()) src.mode = mode;
            if (src.mode != "straight" && src.mode != "road" && src.mode != "walk")
                throw DataError({file, "", "", at + ".mode"}, "mode is straight, road or walk, not '" + src.mode + "'");
            if (!status.empty()) src.status = status;
            if (src.status != "existing" && src.status != "planned" && src.status != "all")
                throw DataError({file, "", "", at + ".status"}, "status is existing, planned or all, not '" + src.status + "'");
            if (const JsonValue* t = sv->find("threshold")) {
                if (!t->isNumber() || t->number() <= 0)
                    throw DataError({file, "", "", at + ".threshold"}, "threshold is a positive number");
                src.threshold = t->number();
            }
            ind.service = src;
        }
        if (const JsonValue* l = e.find("ledger")) {
            if (!l->isBool()) throw DataError({file, "", "", where + ".ledger"}, "\"ledger\" is true or false");
            ind.ledger = l->boolean();
        }
        if (!ind.formula && !ind.service && !ind.ledger)
            throw DataError({file, "", "", where},
                            "indicator '" + ind.id + "' has neither a formula, a service nor the ledger to come from");
        const std::string agg = text(e, "aggregate", file, where, false);
        if (agg == "sum")
            ind.aggregate = Aggregate::Sum;
        else if (agg == "mean" || agg.empty())
            ind.aggregate = Aggregate::Mean;
        else if (agg == "population_mean")
            ind.aggregate = Aggregate::PopulationMean;
        else
            throw DataError({file, "", "", where + ".aggregate"}, "aggregate is sum, mean or population_mean, not '" + agg + "'");
        ind.target = target(e, "target", file, where);
        ind.countyTarget = target(e, "county_target", file, where);
        if (const JsonValue* d = e.find("decimals")) {
            if (!d->isNumber() || d->number() < 0 || d->number() > 6)
                throw DataError({file, "", "", where + ".decimals"}, "decimals is 0 to 6");
            ind.decimals = int(d->number());
        }
        p.indicators.push_back(std::move(ind));
    }
    return p;
}

}  // namespace

Formula Formula::parse(std::string_view text, const std::string& file, const std::string& key) {
    Formula f;
    f.m_text = std::string(text);
    Parser parser(f.m_text, file, key, f.m_fields);
    f.m_root = parser.all();
    return f;
}

std::optional<double> Formula::eval(const std::vector<std::optional<double>>& values) const {
    if (!m_root) return std::nullopt;
    const auto v = evalNode(*m_root, values);
    if (v && !std::isfinite(*v)) return std::nullopt;  // an overflow is no value
    return v;
}

IndicatorPack parseIndicatorPack(std::string_view text, const std::string& file) { return packFrom(parseJson(text, file), file); }
IndicatorPack readIndicatorPack(const std::string& path) { return packFrom(readJsonFile(path), path); }

const char* aggregateTitle(Aggregate a) {
    switch (a) {
        case Aggregate::Sum:
            return "合计";
        case Aggregate::Mean:
            return "村平均";
        case Aggregate::PopulationMean:
            return "按人口加权";
    }
    return "";
}

}  // namespace ruralatlas::revitalization
