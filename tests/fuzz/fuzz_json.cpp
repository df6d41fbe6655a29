// The JSON reader behind styles, layouts and plugin manifests (core/json_value.cpp), and the
// writer's quoting: any bytes either parse or throw DataError; a parsed string quoted by
// jsonQuote parses back to itself.
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/json_value.hpp"
#include "fuzz_util.hpp"

namespace {
void walk(const ruralatlas::JsonValue& v, int depth) {
    using ruralatlas::JsonValue;
    if (v.line() < 1) fuzz::broken("a value without a line");
    if (v.isString() && depth < 4) {
        const std::string quoted = ruralatlas::jsonQuote(v.string());
        const JsonValue back = ruralatlas::parseJson(quoted, "quoted");
        if (!back.isString() || back.string() != v.string()) fuzz::broken("jsonQuote does not parse back to the same string");
    }
    for (const auto& a : v.array()) walk(a, depth + 1);
    for (const auto& [k, m] : v.members()) {
        if (v.find(k) == nullptr) fuzz::broken("a member that find() cannot find");
        walk(m, depth + 1);
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        walk(ruralatlas::parseJson(fuzz::asText(data, size), "fuzz.json"), 0);
    } catch (const ruralatlas::DataError&) {
    }
    return 0;
}
