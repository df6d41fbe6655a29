// Supervision sampling (督查抽样) as a library: a reproducible stratified sample of villages and a
// visit order along the roads.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analysis.hpp"

namespace ruralatlas::revitalization {

// Proportional allocation of `n` among strata of `sizes` (largest remainders, ties to the
// earlier stratum), every stratum at least 1 when n allows (taken from the largest allocations),
// none above its size. When n is below the number of strata the largest strata get one each.
std::vector<long long> allocate(const std::vector<long long>& sizes, long long n);
// `k` of `n` indices (0..n-1) drawn without replacement, reproducible for (seed, stream).
std::vector<std::size_t> drawIndices(std::size_t n, std::size_t k, std::uint64_t seed, std::uint64_t stream);
// An open visiting order over `cost` (square; row 0 is the start): nearest neighbour, then 2-opt
// until no reversal shortens it. Returns the stops in order, starting with 0.
std::vector<std::size_t> visitOrder(const std::vector<std::vector<double>>& cost);
// The households to visit in one village of `monitored.size()` households (in a fixed order,
// e.g. by id): every monitored household first (drawn, when more than k), then others drawn to
// make k; reproducible for (seed, stream). Returns indices, the monitored ones first.
std::vector<std::size_t> drawHouseholds(const std::vector<bool>& monitored, std::size_t k, std::uint64_t seed, std::uint64_t stream);
std::unique_ptr<analysis::Analysis> makeSupervisionSample();

}  // namespace ruralatlas::revitalization
