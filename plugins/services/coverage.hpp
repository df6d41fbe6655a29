// Coverage of villages by facilities of one kind: straight line, road network or walking time.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analysis/project_data.hpp"
#include "analysis/road_network.hpp"
#include "core/feedback.hpp"

namespace ruralatlas::services {

struct CoverageOptions {
    std::string kind;
    std::string mode = "straight";   // straight | road | walk
    std::string status = "existing"; // existing | planned | all
    std::optional<double> threshold; // metres (straight) or minutes; default from standards
    bool capacity = false;
    std::optional<double> demandRatio;  // share of population that uses the service
    double walkKmh = 5.0;
    double maxWalkMetres = 2000;
};

struct VillageCoverage {
    const analysis::VillageRec* village;
    analysis::Route route;
    int facility = -1;  // index into facilities
    bool covered = false;
    double demand = 0, served = 0;  // with capacity
};

struct CoverageResult {
    std::string kind, mode, status;
    double threshold = 0;
    std::string thresholdUnit;  // "m" or "min"
    std::string standardId;     // where the threshold came from ("" = given)
    std::vector<analysis::VillageRec> villages;
    std::vector<analysis::FacilityRec> facilities;
    std::vector<VillageCoverage> rows;
    bool capacity = false;
};

// Threshold of a kind and mode from the standards table: exact (kind, mode) first, then any
// standard of the right measure. nullopt when none fits.
std::optional<Standard> standardFor(const std::vector<Standard>& standards, const std::string& kind, const std::string& mode);

CoverageResult computeCoverage(const std::string& projectPath, const CoverageOptions& options, Feedback& feedback);

// Demand ratios used with --capacity when none is given: the share of the population of
// school or kindergarten age (China's 2020 census: about 8 % aged 6-11, 4 % aged 12-14, 4 %
// aged 3-5); 1 for other services.
double defaultDemandRatio(const std::string& kind);

}  // namespace ruralatlas::services
