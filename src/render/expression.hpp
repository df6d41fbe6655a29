// Style expressions in the spirit of the MapLibre style specification: literals, ["get", f],
// ["match", ...], ["step", ...], ["interpolate", ["linear"], ...], comparisons, ["all"],
// ["any"], ["!"], ["in"], ["has"], ["concat"], ["to-string"], ["coalesce"], ["case"],
// arithmetic and ["palette", "file.csv", input, fallback] (a colour table a county can
// replace). Compiled once against a layer's columns, evaluated per feature. No Qt.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/json_value.hpp"

namespace ruralatlas::render {

struct Rgba {
    uint8_t r = 0, g = 0, b = 0, a = 255;
    bool operator==(const Rgba&) const = default;
};

// Parses "#rgb", "#rrggbb", "#rrggbbaa", "rgb(r,g,b)", "rgba(r,g,b,a)" and a few names.
bool parseColor(const std::string& text, Rgba& out);
std::string colorToHex(Rgba c);

using Value = std::variant<std::monostate, bool, double, std::string, Rgba, std::vector<double>>;

bool truthy(const Value& v);
std::string valueToString(const Value& v);
bool toNumber(const Value& v, double& out);

// One feature's attributes: column-major attribute storage of a layer and a feature index.
struct Row {
    const std::vector<std::vector<Value>>* columns = nullptr;
    size_t index = 0;
    const Value& get(int column) const;
};

// How a compiled expression resolves field names to columns (it registers what it needs).
using ColumnResolver = std::function<int(const std::string& field)>;

enum class ExprKind : uint8_t {
    Literal,
    Get,
    Has,
    Match,
    Step,
    Interpolate,
    Case,
    Coalesce,
    Compare,
    All,
    Any,
    Not,
    In,
    Concat,
    ToString,
    ToNumber,
    Arith,
    Palette,
    Zoom
};

// Where a style file author wrote the expression, for error messages.
struct Where {
    std::string file;
    int line = 0;
    std::string key;
};

class Expr {
public:
    // Parses a JSON expression; throws DataError naming file, line and key.
    static std::shared_ptr<const Expr> parse(const JsonValue& json, const Where& where, const std::string& styleDir);
    static std::shared_ptr<const Expr> literal(Value v);

    // Binds field names to columns. Call once per layer before evaluating.
    void bind(const ColumnResolver& resolve) const;
    // Evaluates for one feature; `scaleDenominator` serves ["zoom"]-like scale tests.
    // When `branch` is given, a top-level match/step/case reports which output it chose
    // (0..n-1; n for the fallback) so legends can list only what was drawn.
    Value eval(const Row& row, double scaleDenominator = 0, int* branch = nullptr) const;

    ExprKind kind() const { return m_kind; }
    bool isConstant() const;
    // The number of outputs of a match/step/case (the fallback counts as the last one).
    int branchCount() const;
    // For legends: the match labels (input values) of branch i, or for a step its range.
    std::vector<Value> matchLabels(int branch) const;
    // step thresholds: branch 0 is below stops[0], branch i is [stops[i-1], stops[i]).
    const std::vector<double>& stops() const { return m_stops; }
    // The field a match/step/interpolate classifies on, when its input is a plain ["get", f].
    std::string inputField() const;
    // Every literal output value in the tree (to check that named symbols exist).
    void collectLiterals(std::vector<Value>& out) const;
    // Every field the expression reads.
    void collectFields(std::vector<std::string>& out) const;
    // A SQL WHERE condition keeping every feature this filter passes at any scale in
    // [scaleLo, scaleHi], for reading only what a map draws. It may keep more: a part it
    // cannot express (arithmetic, match, a type it cannot be sure of) counts as true, and a
    // scale test that changes within the range too. nullopt: no restriction. `fieldType`
    // gives 's' for a text field, 'n' for a number field, 0 when unknown. Identifiers in
    // double quotes and strings in single quotes: SQLite, PostgreSQL and OGR SQL alike.
    std::optional<std::string> sqlSuperset(double scaleLo, double scaleHi, const std::function<char(const std::string&)>& fieldType) const;
    // The output expression of branch i of a match/step/case.
    const Expr* branchOutput(int branch) const;
    // For translating to other style languages (render/qgis_qml.cpp): the literal, the field of
    // a get, the operands and a palette's table.
    const Value& literalValue() const { return m_literal; }
    const std::string& field() const { return m_field; }
    const std::vector<std::shared_ptr<const Expr>>& args() const { return m_args; }
    const std::map<std::string, Rgba>* palette() const { return m_palette.get(); }
    const std::string& op() const { return m_op; }
    // The values of an ["in", ...] test.
    const std::vector<Value>& inValues() const {
        static const std::vector<Value> none;
        return m_kind == ExprKind::In && !m_labels.empty() ? m_labels[0] : none;
    }

private:
    Value evalNoBranch(const Row& row, double scale) const { return eval(row, scale, nullptr); }

    ExprKind m_kind = ExprKind::Literal;
    Value m_literal;
    std::string m_op;     // comparison or arithmetic operator
    std::string m_field;  // Get/Has
    mutable int m_column = -1;
    std::vector<std::shared_ptr<const Expr>> m_args;  // inputs / outputs
    std::vector<std::vector<Value>> m_labels;         // match: labels per branch
    std::vector<double> m_stops;                      // step / interpolate stops
    std::shared_ptr<const std::map<std::string, Rgba>> m_palette;
};

using ExprPtr = std::shared_ptr<const Expr>;

// Loads a palette CSV (code,name,color); codes not in the table fall back to their first two
// digits, so a county table may give only the first-level classes.
std::shared_ptr<const std::map<std::string, Rgba>> loadPalette(const std::string& path);

}  // namespace ruralatlas::render
