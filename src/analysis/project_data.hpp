// Reading what an analysis needs from a project through the data-access port
// (core/project_source.hpp), several tables at once on several threads. No GDAL: the port's
// adapters (src/io) do the reading.
#pragma once
#include <string>
#include <vector>

#include "core/project_source.hpp"

namespace ruralatlas::analysis {

// The record types under the names the analyses have used since the first round.
using VillageRec = Village;
using FacilityRec = Facility;
using RoadRec = Road;
using ruralatlas::FidRange;
using ruralatlas::Raster;
using ruralatlas::statusesFor;
using ruralatlas::VillageFields;
using ruralatlas::XY;

// Villages, facilities of one kind and roads read at once on `threads` threads, each with its own
// connection (ProjectSource::connect: handles are not shared between threads); the larger tables
// are cut into feature-id slices and put back together in order, so the result is the same as
// reading them one after the other.
struct LoadRequest {
    bool villages = false;
    VillageFields villageFields = VillageFields::All;
    bool facilities = false;
    std::string facilityKind;
    std::vector<std::string> facilityStatuses;
    bool roads = false;
};
struct LoadedData {
    std::vector<Village> villages;
    std::vector<Facility> facilities;
    std::vector<Road> roads;
};
// `source` serves the calling thread; the others connect their own.
LoadedData loadInParallel(ProjectSource& source, const LoadRequest& request, int threads = 2);

}  // namespace ruralatlas::analysis
