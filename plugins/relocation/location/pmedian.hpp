// The own p-median engine (uncapacitated, fixed sites allowed), for county to province scale on
// a sparse cost matrix:
//   * lower bound: Lagrangian relaxation of the assignment constraints, maximised by
//     subgradient steps (Held-Karp step rule); the relaxed problem opens the p sites of least
//     reduced cost, so one bound costs one pass over the arcs cheaper than the multipliers;
//   * solutions: the relaxation's sites improved by swap local search (Whitaker's fast
//     interchange with the nearest and second-nearest open site of every demand: one pass
//     over the arcs evaluates every swap);
//   * proof: reduced-cost fixing (a site whose opening or closing alone lifts the bound past
//     the best solution is settled) and a depth-first branch and bound on one site at a time,
//     each node bounded by the relaxation warm-started from its parent. With integral costs a
//     bound is rounded up, so a solution equal to the rounded bound is proven optimal.
// When the time or node limit stops the search first, the root bound is reported with the gap.
#pragma once
#include "location/problem.hpp"

namespace ruralatlas::location {

struct PMedianOptions {
    double timeLimitSeconds = 60;
    int rootIterations = 3000;  // subgradient steps at the root
    int nodeIterations = 300;   // and at every other node
    long maxNodes = 200000;
    bool branch = true;      // false: bound and local search only
    double relativeGap = 0;  // stop when (best - bound) / best falls to this
    int localSearches = 12;  // swap searches from the relaxation's sites at the root
    bool trace = false;      // bound and best solution on stderr as they improve
};

// Solves problem (kind PMedian, no capacities). Throws std::invalid_argument when it cannot be
// posed or when a demand can reach no site and unserved demand has no finite cost.
Solution solvePMedian(const Problem& problem, const PMedianOptions& options = {});

// Swap local search from `open` (fixed sites stay): the improved open set.
std::vector<std::uint32_t> swapLocalSearch(const Problem& problem, std::vector<std::uint32_t> open);

}  // namespace ruralatlas::location
