// Facility-location problems on a sparse cost matrix: which candidate sites to open so that
// the demand is served best. Costs exist only for pairs within a cut-off (a county or a
// province never needs all pairs); a demand with no open site within reach is unserved.
//
// Kinds (every one takes fixed sites, which are always open):
//   PMedian       open exactly p sites; minimise the total weighted cost, each demand at its
//                 nearest open site; an unserved demand costs `unservedCost` per unit weight.
//   MaxCover      open exactly p sites; maximise the weight within `radius` of an open site.
//   SetCover      open as few sites as possible so every demand that can be covered (a site
//                 within `radius`) is; demands no site can cover are reported, not counted.
//   PCenter       open exactly p sites; minimise the largest cost from a demand to its site.
// With capacities (PMedian, MaxCover): a site serves at most its capacity; a demand goes to
// one site whole (`split` false) or may be split between sites (`split` true).
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ruralatlas::location {

enum class ProblemKind { PMedian, MaxCover, SetCover, PCenter };

const char* kindName(ProblemKind kind);  // p-median, max-cover, set-cover, p-center

struct Arc {
    std::uint32_t site;
    double cost;
};

struct Problem {
    ProblemKind kind = ProblemKind::PMedian;
    std::size_t sites = 0;                                          // candidate sites 0..sites-1
    std::vector<double> weight;                                     // per demand
    std::vector<std::vector<Arc>> arcs;                             // per demand, sorted by cost (ties by site)
    int p = 0;                                                      // sites open in all, fixed ones included
    std::vector<std::uint32_t> fixed;                               // sites that stay open
    double radius = std::numeric_limits<double>::infinity();        // covering kinds
    double unservedCost = std::numeric_limits<double>::infinity();  // p-median: per unit weight
    std::vector<double> capacity;                                   // empty = uncapacitated; else per site
    bool split = false;                                             // capacitated: a demand may be split between sites

    std::size_t demands() const { return weight.size(); }
    bool capacitated() const { return !capacity.empty(); }
    std::size_t arcCount() const;
    // Throws std::invalid_argument with a plain sentence when the problem cannot be posed
    // (p larger than the sites, more fixed sites than p, a negative cost or weight, ...).
    void check() const;
};

struct Solution {
    std::vector<std::uint32_t> open;  // sorted
    // Per demand: its site and the share it gets (one entry unless split); empty = unserved.
    std::vector<std::vector<std::pair<std::uint32_t, double>>> assign;
    double objective = 0;  // as the kind defines it
    double bound = 0;      // proven bound on the optimum (lower for minimising, upper for MaxCover)
    bool optimal = false;  // proven
    double seconds = 0;
    std::string method;  // "lagrangian+swap", "cbc", ...
    double servedWeight = 0, unservedWeight = 0;
    double gap() const;  // |objective - bound| / max(|objective|, tiny), 0 when proven
};

// The objective of an open set under the problem's kind (uncapacitated: every demand to its
// nearest open site), filling `s.assign`, `servedWeight` and `unservedWeight`.
double evaluate(const Problem& problem, const std::vector<std::uint32_t>& open, Solution* s = nullptr);

}  // namespace ruralatlas::location
