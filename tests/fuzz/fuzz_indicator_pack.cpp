// Indicator packs (plugins/revitalization/indicator_pack.cpp): any text gives a pack or a
// DataError naming the file. Invariants of packs that parse: ids unique and of [a-z0-9_], every
// indicator has a source (formula, service or the ledger) and not both a formula and a service;
// a formula evaluates on any values (missing in, missing out) without crashing, and a division by
// zero is missing, never infinite.
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "indicator_pack.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ruralatlas::revitalization;
    try {
        const IndicatorPack p = parseIndicatorPack(fuzz::asText(data, size), "fuzz.json");
        if (p.indicators.empty()) fuzz::broken("a pack without an indicator");
        std::set<std::string> ids;
        for (const Indicator& ind : p.indicators) {
            if (!ids.insert(ind.id).second) fuzz::broken("an indicator id twice");
            if (ind.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) fuzz::broken("a bad id");
            if (!ind.formula && !ind.service && !ind.ledger) fuzz::broken("an indicator with no source");
            if (ind.formula && ind.service) fuzz::broken("both a formula and a service");
            if (!ind.formula) continue;
            const std::size_t n = ind.formula->fields().size();
            for (double v : {0.0, 1.0, -2.5, 1e300}) {
                std::vector<std::optional<double>> values(n, v);
                if (auto x = ind.formula->eval(values); x && !std::isfinite(*x) && std::isfinite(v * v)) fuzz::broken("an infinite value");
                if (n > 0) {
                    values[0].reset();
                    if (ind.formula->eval(values) && ind.formula->fields().size() == 1) fuzz::broken("a value from a missing field");
                }
            }
        }
    } catch (const ruralatlas::DataError&) {
    }
    return 0;
}
