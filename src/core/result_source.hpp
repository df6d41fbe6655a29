// Analysis results held in memory, read as features: the adapter that lets a map or an atlas page
// draw a result the analysis has just returned, exactly as it would draw the same result written
// to a GeoPackage (same layer names, titles, fields, feature ids 1..n in row order).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/feature_source.hpp"
#include "core/result_table.hpp"

namespace ruralatlas {

class ResultTableSource : public FeatureSource {
public:
    // `name` is what messages name as the file (e.g. "gaps (in memory)").
    ResultTableSource(std::string name, std::vector<ResultTable> tables);

    std::string name() const override { return m_name; }
    std::unique_ptr<FeatureSource> reopen() const override;  // shares the tables (their row functions only read)
    std::vector<std::string> layerNames() override;
    std::optional<LayerInfo> layerInfo(const std::string& layer) override;
    bool inCrs(const std::string&, int) override { return true; }  // results are in the project CRS
    // Filters are not evaluated in memory: a hint is ignored, a required filter is a UsageError.
    void readFeatures(const std::string& layer, const FeatureQuery& query, const std::function<void(const Feature&)>& visit) override;
    std::string meta(const std::string&) override { return {}; }

private:
    ResultTableSource(std::string name, std::shared_ptr<const std::vector<ResultTable>> tables)
        : m_name(std::move(name)), m_tables(std::move(tables)) {}
    const ResultTable* find(const std::string& layer) const;
    std::string m_name;
    std::shared_ptr<const std::vector<ResultTable>> m_tables;
};

}  // namespace ruralatlas
