// The suitability criteria file (plugins/relocation/suitability/criteria.cpp): any text gives
// criteria or a DataError naming the file. Invariants of criteria that parse: ids unique, best
// differs from worst, scores within 0..1, direct or AHP weights non-negative and summing to 1,
// an AHP matrix consistent (ratio at most 0.1).
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "suitability/criteria.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto c = ruralatlas::suitability::parseCriteria(fuzz::asText(data, size), "fuzz.json");
        if (c.items.empty()) fuzz::broken("criteria without a criterion");
        std::set<std::string> ids;
        for (const auto& k : c.items) {
            if (!ids.insert(k.id).second) fuzz::broken("a criterion id twice");
            if (k.best == k.worst) fuzz::broken("best equals worst");
            for (double v : {k.best, k.worst, (k.best + k.worst) / 2, -1e300, 1e300}) {
                const double s = k.score(v);
                if (!(s >= 0 && s <= 1) && !std::isnan(v)) fuzz::broken("a score outside 0..1");
            }
        }
        if (c.weightMethod != "entropy") {
            if (c.weights.size() != c.items.size()) fuzz::broken("not one weight per criterion");
            double sum = 0;
            for (double w : c.weights) {
                if (!(w >= 0)) fuzz::broken("a negative weight");
                sum += w;
            }
            if (std::abs(sum - 1) > 1e-9) fuzz::broken("weights not summing to 1");
        }
        if (c.weightMethod == "ahp" && !(c.cr <= 0.1)) fuzz::broken("an inconsistent AHP matrix accepted");
    } catch (const ruralatlas::DataError&) {
    }
    return 0;
}
