// The indicators analysis as a library (tests; atlas sections to come): the villages, their
// indicator values by year, and the aggregation to a group of villages.
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/analysis.hpp"
#include "core/project_source.hpp"
#include "indicator_pack.hpp"

namespace ruralatlas::revitalization {

struct VillageRow {
    std::string code, name, townshipCode, status;
    std::optional<double> population;
    bool hasPoint = false;
    XY at;
};

struct IndicatorData {
    std::vector<VillageRow> villages;
    std::unordered_map<std::string, std::size_t> index;  // village code -> villages[]
    std::map<std::string, std::string> townshipNames;
    int dataYear = 0;                                              // the project's data_date year
    std::vector<std::unordered_map<std::size_t, double>> current;  // per indicator: formula values (data year)
    // The ledger: year -> indicator -> village -> value (NaN: none; an indicator with no row in
    // a year has an empty vector).
    std::map<int, std::vector<std::vector<double>>> ledger;
    std::set<int> years;  // years the ledger holds (of those read)
    bool hasLedger = false;
    std::vector<std::string> notes;  // service indicators that could not be computed, and why
    long long ledgerRowsUnknownVillage = 0;

    // One indicator in one year, looked up once for many villages.
    struct Column {
        const std::vector<double>* ledger = nullptr;                       // none: no ledger row that year
        const std::unordered_map<std::size_t, double>* current = nullptr;  // none: no formula value that year
        std::optional<double> at(std::size_t village) const {
            if (ledger && !std::isnan((*ledger)[village])) return (*ledger)[village];
            if (current)
                if (auto it = current->find(village); it != current->end()) return it->second;
            return std::nullopt;
        }
    };
    Column column(std::size_t indicator, int year, const IndicatorPack& pack) const;
    // The ledger's value for the year, else the formula's for the data year, else missing.
    std::optional<double> value(std::size_t indicator, std::size_t village, int year, const IndicatorPack& pack) const {
        return column(indicator, year, pack).at(village);
    }
};

struct AreaValue {
    std::optional<double> value;
    long long counted = 0, missing = 0;
};

int dataYearOf(const std::string& dataDate);
// `year`: the year reported (then only it and the year before are read from the ledger); none:
// the latest year with data, read from the data year before the project's on (or the whole
// ledger when that finds nothing).
// `allYears`: the whole ledger, whatever `year` (the trend table).
IndicatorData readIndicatorData(ProjectSource& project, const IndicatorPack& pack, std::optional<int> year = std::nullopt,
                                bool allYears = false);
AreaValue aggregate(const IndicatorData& d, const IndicatorPack& pack, std::size_t indicator, const std::vector<std::size_t>& villages,
                    int year);
std::unique_ptr<analysis::Analysis> makeIndicators();

}  // namespace ruralatlas::revitalization
