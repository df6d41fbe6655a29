// The industry and collective-economy analysis (产业项目与集体经济) as a library.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.hpp"

namespace ruralatlas::revitalization {

// Spearman's rank correlation (ties get their mean rank); nullopt under 3 pairs or no spread.
std::optional<double> spearman(const std::vector<double>& a, const std::vector<double>& b);
// Herfindahl-Hirschman index of shares (counts in, 0..1 out; 0 when empty).
double herfindahl(const std::vector<double>& counts);
std::unique_ptr<analysis::Analysis> makeIndustry();

}  // namespace ruralatlas::revitalization
