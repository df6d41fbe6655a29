// A deterministic synthetic county (or, for large N, a grid of counties) that looks and behaves
// like a mountainous county of western Hunan: fractal terrain with river valleys, townships,
// villages along the valleys, a connected road network, facilities with realistic gaps,
// resettlement sites and relocations, industry projects, village land-use plans, constraint
// zones and pseudonymous households. Labelled synthetic in project_meta.
#pragma once
#include <cstdint>
#include <string>

#include "core/feedback.hpp"
#include "io/project_spec.hpp"

namespace ruralatlas::demo {

struct DemoOptions {
    long long villages = 300;
    std::uint64_t seed = 1;
    int threads = 2;
    bool withDem = true;
    int villagesPerCounty = 300;  // above this, the file holds a grid of counties
    // Land-use parcels per village (village territories and plans); -1: 48 for a one-county file,
    // none (no territories, no plans) for a grid of counties.
    int parcelsPerVillage = -1;
    io::FinishFile finish;  // run on the finished temporary file before it is renamed
};

struct DemoSummary {
    long long counties = 0, townships = 0, villages = 0, facilities = 0, roads = 0, rivers = 0;
    long long sites = 0, relocations = 0, projects = 0, landuseParcels = 0, constraints = 0, households = 0;
    int demWidth = 0, demHeight = 0;
    double demCell = 0;
    int epsg = 0;
    long long villageBoundaries = 0;
    std::vector<std::string> notes;  // the plans' deliberate mistakes, for plan-check to find
};

// Writes the project to `path` atomically (temp file, then rename over `path`).
DemoSummary writeDemoProject(const std::string& path, const DemoOptions& options, Feedback& feedback);

}  // namespace ruralatlas::demo
