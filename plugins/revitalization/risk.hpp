// The return-to-poverty risk analysis (防返贫监测) as a library: monitored households by village,
// township and county (counts by status and main cause, newly identified and risk-eliminated by
// year) with small counts protected, and the clusters of risk by local Gi*.
#pragma once
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.hpp"
#include "core/project_source.hpp"

namespace ruralatlas::revitalization {

inline constexpr std::array<const char*, 3> kMonitoredStatuses = {"monitored_unstable", "monitored_edge", "monitored_sudden_hardship"};
inline constexpr std::array<const char*, 8> kCauses = {"illness",     "disability",   "education", "lack_labor",
                                                       "lack_skills", "lack_capital", "disaster",  "other"};

struct RiskVillage {
    std::string code, name, townshipCode;
    std::optional<long long> households;         // the villages layer's count of households
    std::optional<long long> monitoredRecorded;  // the villages layer's monitored_households
    bool hasPoint = false;
    XY at;
    // From the households layer (when it holds the village's households).
    bool hasRecords = false;
    long long monitored = 0;  // households monitored now (a monitored status or monitored = 1)
    std::array<long long, 3> byStatus{};
    std::array<long long, 8> byCause{};
    std::map<int, long long> identified, eliminated;  // by year
    // The village's monitored count: from its household records, else the villages layer.
    std::optional<long long> monitoredCount() const { return hasRecords ? std::optional<long long>(monitored) : monitoredRecorded; }
};

struct RiskData {
    std::vector<RiskVillage> villages;
    std::map<std::string, std::string> townshipNames;
    bool hasHouseholdLayer = false;
    long long householdsUnknownVillage = 0;  // household records whose village is not in the villages layer
    int dataYear = 0;
};

RiskData readRiskData(ProjectSource& project);
std::unique_ptr<analysis::Analysis> makeRisk();

}  // namespace ruralatlas::revitalization
