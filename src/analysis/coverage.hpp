// The shared travel-cost engine: coverage of villages by facilities of one kind by straight line,
// road network or walking time, with optional capacity. Any plugin that needs travel times
// calls it; it reads through the data-access port.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/project_data.hpp"
#include "analysis/road_network.hpp"
#include "analysis/walk_surface.hpp"
#include "core/feedback.hpp"

namespace ruralatlas::analysis {

struct CoverageOptions {
    std::string kind;
    std::string mode = "straight";    // straight | road | walk
    std::string status = "existing";  // existing | planned | all
    std::optional<double> threshold;  // metres (straight) or minutes; default from standards
    bool capacity = false;
    std::optional<double> demandRatio;  // share of population that uses the service
    double walkKmh = 5.0;
    double maxWalkMetres = 2000;
};

struct VillageCoverage {
    const VillageRec* village;
    Route route;
    int facility = -1;  // index into facilities
    bool covered = false;
    double demand = 0, served = 0;  // with capacity
};

struct CoverageResult {
    std::string kind, mode, status;
    double threshold = 0;
    std::string thresholdUnit;                                // "m" or "min"
    std::string standardId;                                   // where the threshold came from ("" = given)
    std::shared_ptr<const std::vector<VillageRec>> villages;  // shared with the context
    std::vector<FacilityRec> facilities;
    std::vector<VillageCoverage> rows;
    bool capacity = false;
};

// What several coverage runs on one project share: the villages, and the road network and walk
// surface, built once on first use (gaps runs coverage for every kind and rule).
class CoverageContext {
public:
    // `source` must outlive the context.
    explicit CoverageContext(ProjectSource& source) : m_source(source) {}
    ProjectSource& source() { return m_source; }
    // Every village with every field analyses use (read once, shared by the runs).
    std::shared_ptr<const std::vector<VillageRec>> villages();
    bool hasVillages() const { return m_villages != nullptr; }
    // The road network; `roads` when given are the project's roads already read (no second read).
    const RoadNetwork& network(const NetworkOptions& options, Feedback& feedback, std::vector<RoadRec>* roads = nullptr);
    bool hasNetwork(const NetworkOptions& options) const;
    const WalkSurface& surface(Feedback& feedback);
    // Walking time from every village to the nearest facility of each kind, computed on every
    // core at once (gaps needs one full cost-distance search per kind); computeCoverage uses
    // these instead of searching again.
    void prefetchWalk(const std::vector<std::string>& kinds, const std::string& status, Feedback& feedback);
    // The facilities a prefetch read and their routes (route sources index these facilities).
    struct WalkRoutes {
        std::vector<Facility> facilities;
        std::vector<Route> routes;
    };
    const WalkRoutes* cachedWalk(const std::string& kind, const std::string& status) const;

private:
    std::map<std::string, WalkRoutes> m_walkCache;  // "kind|status" -> routes to villages with points
    ProjectSource& m_source;
    std::shared_ptr<const std::vector<VillageRec>> m_villages;
    std::unique_ptr<RoadNetwork> m_network;
    NetworkOptions m_networkOptions;
    std::unique_ptr<WalkSurface> m_surface;
};

// Threshold of a kind and mode from the standards table: exact (kind, mode) first, then any
// standard of the right measure. nullopt when none fits.
std::optional<Standard> standardFor(const std::vector<Standard>& standards, const std::string& kind, const std::string& mode);

CoverageResult computeCoverage(ProjectSource& source, const CoverageOptions& options, Feedback& feedback);
CoverageResult computeCoverage(CoverageContext& context, const CoverageOptions& options, Feedback& feedback);

// Demand ratios used with --capacity when none is given: the share of the population of
// school or kindergarten age (China's 2020 census: about 8 % aged 6-11, 4 % aged 12-14, 4 %
// aged 3-5); 1 for other services.
double defaultDemandRatio(const std::string& kind);

}  // namespace ruralatlas::analysis
