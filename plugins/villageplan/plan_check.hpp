// The village-plan check as a library call (the analysis `plan-check` wraps it): findings and a
// summary per village, for tests and for the atlas pages to come.
#pragma once
#include <cmath>
#include <map>
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

std::string checkTitle(const std::string& check);
std::string checkGroup(const std::string& check);       // codes | topology | conflicts | targets
std::string checkGroupTitle(const std::string& group);  // 代码 | 拓扑 | 管控冲突 | 管控指标
std::vector<std::string> checkCodes();

}  // namespace ruralatlas::villageplan
