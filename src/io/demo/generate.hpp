// Generation stages of the synthetic county (see demo_county.hpp).
#pragma once
#include <cstdint>
#include <vector>

#include "io/demo/model.hpp"
#include "io/demo/random.hpp"

namespace ruralatlas::demo {

// A DEM grid in the project CRS (north-up, cell centres at x0 + (i + 0.5) * cell).
struct Dem {
    double x0 = 0, y1 = 0, cell = 30;  // left edge, top edge
    int width = 0, height = 0;
    std::vector<std::int16_t> z;
    double at(double x, double y) const;  // bilinear, clamped
};

// Stage 1: outline and rivers (cheap; all counties before the DEM).
void shapeCounty(County& county, std::uint64_t seed, int villagesHint);
// Stage 2: the DEM over all counties, valleys carved along their rivers.
Dem buildDem(const std::vector<County>& counties, std::uint64_t seed, double minCell, int maxCells, int threads);
// Stage 3: everything else, for one county (thread-safe: touches only `county`).
// parcelsPerVillage: land-use parcels drawn per village (0: village territories only; negative: neither).
void populateCounty(County& county, const Dem& dem, std::uint64_t seed, int villages, int parcelsPerVillage);

}  // namespace ruralatlas::demo
