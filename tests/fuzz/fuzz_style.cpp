// Style files and their expression language (render/style.cpp, render/expression.cpp): any
// file loads or throws DataError naming file and line; a loaded style's expressions bind to
// columns and evaluate on a few rows of mixed values without crashing, and a filter's SQL
// superset is produced for any scale range.
#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "render/expression.hpp"
#include "render/style.hpp"

using namespace ruralatlas::render;

namespace {
// Three rows of four columns: text, number, missing, and a colour-like string.
const std::vector<std::vector<Value>>& columns() {
    static const std::vector<std::vector<Value>> c = {
        {Value(std::string("433127100201")), Value(std::string("school")), Value(std::string(""))},
        {Value(3.5), Value(-1e300), Value(0.0)},
        {Value(), Value(), Value(true)},
        {Value(std::string("#ff0000")), Value(std::string("0101")), Value(std::string("水田"))},
    };
    return c;
}

void exercise(const Expr& e) {
    std::vector<std::string> fields;
    e.collectFields(fields);
    e.bind([&](const std::string& f) { return static_cast<int>(std::hash<std::string>{}(f) % 5) - 1; });  // -1 = no such column
    for (std::size_t i = 0; i < 3; ++i) {
        Row row{&columns(), i};
        int branch = -1;
        for (double scale : {0.0, 5000.0, 1e9}) {
            const Value v = e.eval(row, scale, &branch);
            (void)valueToString(v);
            if (branch >= 0 && e.branchCount() > 0 && branch > e.branchCount()) fuzz::broken("branch beyond the branch count");
        }
    }
    for (int b = 0; b < e.branchCount(); ++b) {
        (void)e.matchLabels(b);
        (void)e.branchOutput(b);
    }
    (void)e.sqlSuperset(0, 1e6, [](const std::string& f) { return f.empty() ? '\0' : (f[0] % 2 ? 's' : 'n'); });
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = fuzz::writeScratch("style.json", fuzz::asText(data, size));
    try {
        const Style style = loadStyle(path);
        for (const auto& layer : style.layers) {
            if (layer.filter) exercise(*layer.filter);
            for (const auto& [name, expr] : layer.props)
                if (expr) exercise(*expr);
        }
    } catch (const ruralatlas::DataError&) {
    }
    return 0;
}
