// Every location problem as a mixed-integer programme solved by COIN-OR CBC (Debian's
// coinor-libcbc-dev, through its C interface): covering models, capacitated models, p-center
// (a sequence of set-covering models over the distinct costs) and small exact checks of the own
// p-median engine.
//
//   p-median       min sum w_i c_ij x_ij + sum w_i U u_i;  sum_j x_ij + u_i = 1;  x_ij <= y_j;
//                  sum y_j = p;  capacitated: sum_i w_i x_ij <= Q_j y_j, x binary unless split
//   max-cover      max sum w_i z_i;  z_i <= sum_{c_ij <= R} y_j;  sum y_j = p;  capacitated:
//                  max sum w_i x_ij over c_ij <= R, sum_j x_ij <= 1, x_ij <= y_j, sum_i w_i x_ij <= Q_j y_j
//   set-cover      min sum y_j;  sum_{c_ij <= R} y_j >= 1 for every demand some site can cover
//   p-center       the least cost r among the arcs' costs for which the set cover within r
//                  needs at most p sites (binary search; each cover proven optimal)
// Fixed sites have y_j = 1.
#pragma once
#include "location/problem.hpp"

namespace ruralatlas::location {

struct CbcOptions {
    double timeLimitSeconds = 60;
};

// Throws std::invalid_argument when the problem cannot be posed or has no feasible solution.
Solution solveWithCbc(const Problem& problem, const CbcOptions& options = {});

}  // namespace ruralatlas::location
