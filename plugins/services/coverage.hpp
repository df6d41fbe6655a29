// Coverage of villages by facilities of one kind: straight line, road network or walking time.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analysis/project_data.hpp"
#include "analysis/road_network.hpp"
#include "analysis/walk_surface.hpp"
#include <map>
#include <memory>
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
    std::shared_ptr<const std::vector<analysis::VillageRec>> villages;  // shared with the context
    std::vector<analysis::FacilityRec> facilities;
    std::vector<VillageCoverage> rows;
    bool capacity = false;
};

// What several coverage runs on one project share: the villages, and the road network and walk
// surface, built once on first use (gaps runs coverage for every kind and rule).
class CoverageContext {
public:
    explicit CoverageContext(std::string projectPath) : m_path(std::move(projectPath)) {}
    const std::string& path() const { return m_path; }
    // Every village with every field analyses use (read once, shared by the runs).
    std::shared_ptr<const std::vector<analysis::VillageRec>> villages();
    bool hasVillages() const { return m_villages != nullptr; }
    // The road network; `roads` when given are the project's roads already read (no second read).
    const analysis::RoadNetwork& network(const analysis::NetworkOptions& options, Feedback& feedback,
                                         std::vector<analysis::RoadRec>* roads = nullptr);
    bool hasNetwork(const analysis::NetworkOptions& options) const;
    const analysis::WalkSurface& surface(Feedback& feedback);
    io::Project& project();
    // Walking time from every village to the nearest facility of each kind, computed on every
    // core at once (gaps needs one full cost-distance search per kind); computeCoverage uses
    // these instead of searching again.
    void prefetchWalk(const std::vector<std::string>& kinds, const std::string& status, Feedback& feedback);
    const std::vector<analysis::Route>* cachedWalk(const std::string& kind, const std::string& status) const;

private:
    std::map<std::string, std::vector<analysis::Route>> m_walkCache;  // "kind|status" -> routes to villages with points
    std::string m_path;
    std::unique_ptr<io::Project> m_project;
    std::shared_ptr<const std::vector<analysis::VillageRec>> m_villages;
    std::unique_ptr<analysis::RoadNetwork> m_network;
    analysis::NetworkOptions m_networkOptions;
    std::unique_ptr<analysis::WalkSurface> m_surface;
};

// Threshold of a kind and mode from the standards table: exact (kind, mode) first, then any
// standard of the right measure. nullopt when none fits.
std::optional<Standard> standardFor(const std::vector<Standard>& standards, const std::string& kind, const std::string& mode);

CoverageResult computeCoverage(const std::string& projectPath, const CoverageOptions& options, Feedback& feedback);
CoverageResult computeCoverage(CoverageContext& context, const CoverageOptions& options, Feedback& feedback);

// Demand ratios used with --capacity when none is given: the share of the population of
// school or kindergarten age (China's 2020 census: about 8 % aged 6-11, 4 % aged 12-14, 4 %
// aged 3-5); 1 for other services.
double defaultDemandRatio(const std::string& kind);

}  // namespace ruralatlas::services
