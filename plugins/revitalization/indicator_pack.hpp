// Indicator packs (data/indicators/*.json): which village indicators a county watches, how each
// is computed from the villages layer (a formula over its fields) or read from the yearly ledger
// (village_indicators), how it sums to a township and the county, and its targets. A county
// copies the file and edits it. The formulas are a small arithmetic language:
//   numbers, field names, + - * /, parentheses, comparisons (< <= > >= == !=, 1 or 0)
// and a field whose value is missing makes the result missing (never 0). An indicator may instead
// come from a service's coverage ("service": {"kind", "mode", "status", "threshold"}).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ruralatlas::revitalization {

class Formula {
public:
    // Throws DataError naming `file` and `key` (with the position) when the text does not parse.
    static Formula parse(std::string_view text, const std::string& file, const std::string& key);
    // The fields the formula reads, in order of first use.
    const std::vector<std::string>& fields() const { return m_fields; }
    // `values[i]` is fields()[i]; nullopt when any field it needs is missing, it divides by 0 or
    // the result overflows.
    std::optional<double> eval(const std::vector<std::optional<double>>& values) const;
    const std::string& text() const { return m_text; }

    struct Node;

private:
    std::string m_text;
    std::vector<std::string> m_fields;
    std::shared_ptr<const Node> m_root;
};

enum class Aggregate {
    Sum,             // the villages' values added (collective income)
    Mean,            // the plain mean over villages with a value (a 0/100 flag: the share of villages)
    PopulationMean,  // weighted by villages.population (a rate of people)
};

struct Target {
    double value = 0;
    bool floor = true;  // true: 不低于 (at least); false: 不高于 (at most)
    std::string source;
    bool met(double v) const { return floor ? v >= value - 1e-9 : v <= value + 1e-9; }
};

// An indicator computed from the service analyses (the shared coverage engine): a village is 100
// when a facility of `kind` lies within the standard (or `threshold`) by `mode`, else 0; so a
// mean is the share of villages, a population mean the share of people. For the data year.
struct ServiceSource {
    std::string kind, mode = "road", status = "existing";
    std::optional<double> threshold;  // metres (straight) or minutes; default from the standards table
};

struct Indicator {
    std::string id, title, titleEn, unit;
    std::optional<Formula> formula;        // from the villages layer, for the project's data year
    std::optional<ServiceSource> service;  // or from the coverage of a service, for the data year
    bool ledger = true;                    // also read from village_indicators (indicator = id)
    Aggregate aggregate = Aggregate::Mean;
    std::optional<Target> target;        // national
    std::optional<Target> countyTarget;  // the county's own, judged first when set
    int decimals = 1;
    const Target* judgedBy() const { return countyTarget ? &*countyTarget : target ? &*target : nullptr; }
};

struct IndicatorPack {
    std::string file, id, name;
    std::vector<Indicator> indicators;
};

IndicatorPack parseIndicatorPack(std::string_view text, const std::string& file);
IndicatorPack readIndicatorPack(const std::string& path);
const char* aggregateTitle(Aggregate a);

}  // namespace ruralatlas::revitalization
