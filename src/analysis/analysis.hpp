// The analysis interface: an analysis declares its name, titles, typed parameters and outputs;
// the command line builds its subcommand and --help from the declaration, and the desktop app
// builds its dialog from the same. Analyses report progress and honour cancellation through
// Feedback. Plugins register analyses into a Registry passed to them (no global state).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/feedback.hpp"

namespace ruralatlas::analysis {

enum class ParamType { Text, Integer, Real, Choice, Flag, OutputPath };

struct ParamSpec {
    std::string name;  // command-line option without "--"
    ParamType type = ParamType::Text;
    std::string titleZh;
    std::string titleEn;
    std::optional<std::string> defaultValue;  // as text; none = no default
    std::optional<double> min, max;           // for Integer and Real
    std::vector<std::string> choices;         // for Choice
    bool required = false;
};

struct OutputSpec {
    std::string name;
    std::string titleZh;
    std::string titleEn;
};

struct AnalysisSpec {
    std::string name;
    std::string titleZh;
    std::string titleEn;
    std::vector<ParamSpec> params;
    std::vector<OutputSpec> outputs;
};

// Parameter values checked against a spec: every value parses and lies in range.
class ParamValues {
public:
    // raw: option name -> value (flags map to "1"). Throws UsageError naming the parameter.
    static ParamValues validate(const AnalysisSpec& spec, const std::map<std::string, std::string>& raw);

    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::string text(const std::string& name) const;
    long long integer(const std::string& name) const;
    double real(const std::string& name) const;
    std::optional<double> optionalReal(const std::string& name) const;
    bool flag(const std::string& name) const { return has(name) && m_values.at(name) == "1"; }

private:
    std::map<std::string, std::string> m_values;
};

struct AnalysisResult {
    std::string summaryJson;  // what --json prints
    std::string summaryText;  // what a person reads
};

class Analysis {
public:
    virtual ~Analysis() = default;
    virtual const AnalysisSpec& spec() const = 0;
    // `project` is the project file; outputs go where the parameters say.
    virtual AnalysisResult run(const std::string& project, const ParamValues& params, Feedback& feedback) const = 0;
};

class Registry {
public:
    void add(std::unique_ptr<Analysis> analysis);
    const Analysis* find(const std::string& name) const;
    std::vector<const Analysis*> all() const;

private:
    std::vector<std::unique_ptr<Analysis>> m_analyses;
};

// Every plugin's analyses (generated from the plugins/ folder at configure time).
void registerAllPlugins(Registry& registry);

}  // namespace ruralatlas::analysis
