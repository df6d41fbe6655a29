// Straight-line nearest neighbour through a packed R-tree, both cores.
#pragma once
#include <vector>

#include "analysis/project_data.hpp"
#include "analysis/road_network.hpp"

namespace ruralatlas::analysis {

// For every target, the nearest source by Euclidean distance in the projected CRS
// (minutes stay infinite: straight-line coverage has no time).
std::vector<Route> nearestStraight(const std::vector<XY>& sources, const std::vector<XY>& targets, int threads = 2);
// Every source within `radius` of `from`, with its distance (for capacity-aware coverage).
std::vector<Route> withinStraight(const XY& from, const std::vector<XY>& targets, double radius);

}  // namespace ruralatlas::analysis
