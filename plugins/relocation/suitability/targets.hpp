// What a distance or road-time criterion measures to (`to` in the criteria file): township
// seats, industry projects with jobs, or existing facilities of one kind, with the Chinese name
// a message uses when the project has none. Read by `site-audit` and `suitability` alike.
#pragma once
#include <string>
#include <vector>

#include "core/project_source.hpp"
#include "core/records.hpp"

namespace ruralatlas::suitability {

struct CriterionTargets {
    std::vector<XY> points;  // empty for "roads" (measured to the road lines instead)
    std::string what;        // Chinese, for "项目中没有…"
};

// The points of `to`: "roads", "township_seats" (villages classed 111, 121 or 210), "jobs"
// (industry projects with jobs that are not only planned) or a facility kind (existing ones).
CriterionTargets criterionTargets(ProjectSource& project, const std::string& to);

}  // namespace ruralatlas::suitability
