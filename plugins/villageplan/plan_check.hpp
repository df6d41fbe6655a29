// The village-plan check as a library call (the analysis `plan-check` wraps it): findings and a
// summary per village, for tests and for the atlas pages to come.
#pragma once
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/feedback.hpp"
#include "core/project_source.hpp"
#include "core/records.hpp"
#include "plan_rules.hpp"

namespace ruralatlas::villageplan {

struct Finding {
    std::string villageCode, villageName, period, check, landuseCode;
    std::string layer = "landuse_plan";  // where fid points: landuse_plan, or plan_targets for a target
    long long fid = -1, otherFid = -1;   // feature ids in landuse_plan; -1 when none (a gap)
    double area = NAN;                   // m²; NaN when the finding has no area (a code)
    Polygons shape;                      // the offending geometry, when there is one
    XY at{0, 0};
    bool hasAt = false;
    std::string sentence;
};

struct VillageSummary {
    std::string code, name;
    bool hasTerritory = false;
    double territoryArea = 0;
    std::size_t parcelsCurrent = 0, parcelsPlanned = 0, findings = 0;
    std::map<std::string, long long> byCheck;
    std::vector<std::string> notChecked;  // what could not be checked, and why
};

struct PlanCheckOutcome {
    std::vector<Finding> findings;
    std::vector<VillageSummary> villages;
};

// `village` (12 digits) or `township` (9 digits) narrow the check; both empty: every village with parcels.
PlanCheckOutcome runPlanCheck(ProjectSource& project, const PlanRules& rules, const std::string& village, const std::string& township,
                              Feedback& feedback);

// Village code -> name from the project's villages layer (empty when it has none).
std::map<std::string, std::string> villageNames(ProjectSource& project);
// --village and --township as given: 12 and 9 digits, else a UsageError.
void checkScopeCodes(const std::string& village, const std::string& township);

// A control target of plan_targets with the planned value it is held to (for the balance panel).
struct TargetStatus {
    std::string indicator, title, bound;  // bound: floor | ceiling
    double valueHa = 0, planHa = NAN;     // planHa NaN: cannot be computed (no territory)
    double planM2 = NAN;
    bool met = true;
};

// The checks of plan-check for one village's planned parcels while they are edited: each edit
// re-checks only the parcels it changed, their neighbours, the gaps near them and the village's
// sums and targets. The findings equal plan-check's on the same parcels (same sentences).
class LiveCheck {
public:
    // Reads the village's territory, current parcels, constraints, targets and households.
    // Throws DataError when the village has no territory (a plan needs its extent).
    LiveCheck(ProjectSource& project, const PlanRules& rules, const std::string& village);
    ~LiveCheck();
    LiveCheck(const LiveCheck&) = delete;
    LiveCheck& operator=(const LiveCheck&) = delete;

    // `planned`: every planned parcel of the village now; `changed`: the ids added, changed or
    // removed since the last call (ignored on the first call and with `full`: everything checked).
    void update(const std::map<long long, LandUseParcel>& planned, const std::set<long long>& changed, bool full = false);
    // Parcel findings by id, then overlaps, gaps and the village's (area sum, targets).
    std::vector<Finding> findings() const;
    std::size_t findingCount() const;
    const std::string& villageName() const;
    const Polygons& territory() const;  // as read (one multi-polygon)
    double territoryArea() const;
    const std::map<std::string, double>& currentAreas() const;  // m² by code of the current parcels
    std::map<std::string, double> plannedAreas() const;         // m² by code of the planned parcels (as last updated)
    std::vector<TargetStatus> targets() const;
    const std::vector<LandUseParcel>& currentParcels() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

std::string checkTitle(const std::string& check);
std::string checkGroup(const std::string& check);       // codes | topology | conflicts | targets
std::string checkGroupTitle(const std::string& group);  // 代码 | 拓扑 | 管控冲突 | 管控指标
std::vector<std::string> checkCodes();

}  // namespace ruralatlas::villageplan
