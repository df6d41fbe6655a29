// Local Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) on village values with binary
// distance-band weights (every village within the radius, itself included), the z-score from the
// analytical moments and a pseudo p-value from conditional permutations: each village keeps its
// value and its neighbourhood is refilled at random from the other villages, `permutations`
// times; p = (1 + permutations at least as extreme, on the observed side) / (1 + permutations).
// Reproducible for a seed: every village draws from its own stream, whatever the threads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/records.hpp"

namespace ruralatlas::revitalization {

struct GiStar {
    double z = 0;                // the Gi* z-score (NaN when the values do not vary)
    double p = 1;                // pseudo p-value from the permutations (NaN when none were run)
    std::size_t neighbours = 0;  // villages in the band, itself included
};

// `at` and `value` of the same length; `radius` in the coordinates' unit.
std::vector<GiStar> localGiStar(const std::vector<XY>& at, const std::vector<double>& value, double radius, int permutations,
                                std::uint64_t seed, int threads = 0);

// "高值聚集（95%）" ... "不显著": the class of a result, by p when permutations ran, else by z.
std::string clusterClass(const GiStar& g, bool byPermutation);
// 3 = 99 %, 2 = 95 %, 1 = 90 %, 0 = not significant; negative for cold spots.
int clusterLevel(const GiStar& g, bool byPermutation);

}  // namespace ruralatlas::revitalization
