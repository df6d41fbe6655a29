// The rules of the village-plan check (data/plan_rules.json or --rules FILE): code levels,
// topology thresholds, what counts as construction land and which zones it may not enter.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ruralatlas::villageplan {

struct PlanRules {
    std::string file;
    std::vector<int> levels = {4, 6};
    std::string currentCrosswalk;  // 三调 crosswalk the current codes are held to; empty: the shipped one
    double overlapMinArea = 0.01, gapMinArea = 0.01, allowedGapMaxArea = 0;
    double sliverMaxArea = 1.0, sliverThinMaxArea = 200.0, sliverMinCompactness = 0.05;
    double outsideMinArea = 0.01, areaSumTolerance = 1e-4;
    std::string allowedGapLayer;                 // a polygon layer of the project where gaps are allowed
    std::vector<std::string> allowedGapClasses;  // current classes a plan may leave uncovered (e.g. 17 water)
    std::vector<std::string> constructionClasses = {"060101", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16"};
    std::vector<std::string> notConstruction;
    std::vector<std::string> forbidden = {"ecological_redline", "basic_farmland"};
    std::vector<std::string> newConstructionForbidden = {"flood_zone", "geohazard"};
    double conflictMinArea = 1.0;
    // Control targets (plan_targets) and the homestead cap.
    double targetToleranceHa = 0.0001;
    std::vector<std::string> cultivatedClasses = {"01"}, forestClasses = {"03"}, homesteadClasses = {"0703"};
    double homesteadMaxM2PerHousehold = 0;  // 0: not checked

    static bool matches(const std::vector<std::string>& prefixes, std::string_view code);

    bool isConstruction(std::string_view code) const;
};

// Parses a rules file; every error names the file and the key.
PlanRules parsePlanRules(std::string_view text, const std::string& file);
PlanRules readPlanRules(const std::string& path);

// Codes of GB/T 21010-2017 (第三次全国国土调查) that the 2023 classification does not use: the
// 三调 sub-classes with letters (0303 is both; "08H1", "05H1", "1109A"...) and the 20x
// settlement classes (201-205). Such a code in a plan means old and new classifications mixed.
bool isLegacySurveyCode(std::string_view code);

}  // namespace ruralatlas::villageplan
