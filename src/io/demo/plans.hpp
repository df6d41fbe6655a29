// Village plans of the synthetic county (plans.cpp): territories tiling each township, the current
// land-use mosaic of every village, drafted plans for every third rural village with their
// construction boundaries, and deliberate mistakes listed in County::notes.
#pragma once
#include <cstdint>
#include <functional>

#include "io/demo/generate.hpp"

namespace ruralatlas::demo {

// Needs the townships, villages and constraint zones; fills County::territories, parcels, notes,
// adds construction_boundary zones and trims farmland and red lines off construction land.
// parcelsPerVillage 0: territories only.
void planVillages(County& county, const Dem& dem, std::uint64_t seed, int parcelsPerVillage,
                  const std::function<double(Pt)>& riverDistance);

}  // namespace ruralatlas::demo
