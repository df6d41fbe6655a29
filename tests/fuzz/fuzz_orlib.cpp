// The OR-Library p-median reader (plugins/relocation/location/orlib.cpp): any text gives an
// instance or a std::runtime_error naming the line. Invariants of an instance: every arc names
// a site in range, costs are not negative and sorted, each vertex reaches itself at cost 0.
#include <stdexcept>

#include "fuzz_util.hpp"
#include "location/orlib.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto inst = ruralatlas::location::parseOrLib(std::string(fuzz::asText(data, size)), "fuzz.txt");
        const auto& pr = inst.problem;
        if (pr.p < 1 || static_cast<std::size_t>(pr.p) > pr.sites) fuzz::broken("p outside 1..n");
        if (pr.arcs.size() != pr.sites) fuzz::broken("not one arc list per vertex");
        for (std::size_t d = 0; d < pr.arcs.size(); ++d) {
            bool self = false;
            for (std::size_t k = 0; k < pr.arcs[d].size(); ++k) {
                const auto& a = pr.arcs[d][k];
                if (a.site >= pr.sites || !(a.cost >= 0)) fuzz::broken("an arc out of range or of negative cost");
                if (k > 0 && a.cost < pr.arcs[d][k - 1].cost) fuzz::broken("arcs not sorted by cost");
                if (a.site == d && a.cost == 0) self = true;
            }
            if (!self) fuzz::broken("a vertex does not reach itself at cost 0");
        }
    } catch (const std::runtime_error&) {
    }
    return 0;
}
