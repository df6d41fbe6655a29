// The analysis interface: an analysis declares its name, titles, typed parameters and outputs;
// the command line builds its subcommand and --help from the declaration, and the desktop app
// builds its dialog from the same. Analyses report progress and honour cancellation through
// Feedback. Plugins register analyses into a Registry passed to them (no global state).
//
// An analysis reads the project through the data-access port (core/project_source.hpp) and
// returns result tables with declared schemas (core/result_table.hpp); the host (command line,
// app, atlas) decides where they go. No analysis opens or writes a file.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/feedback.hpp"
#include "core/project_source.hpp"
#include "core/result_table.hpp"

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
    // A parameter that, when given, makes the run need no project (e.g. `site --orlib FILE`
    // solves a benchmark file): the host calls runStandalone instead of run. Empty: none.
    std::string standaloneWith;
};

// Parameter values checked against a spec: every value parses and lies in range.
class ParamValues {
public:
    // raw: option name -> value (flags map to "1"). Throws UsageError naming the parameter.
    // Output::InMemory: the host keeps the result tables (an atlas, a map), so a required output
    // path may be absent.
    enum class Output { ToFile, InMemory };
    static ParamValues validate(const AnalysisSpec& spec, const std::map<std::string, std::string>& raw, Output output = Output::ToFile);

    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::string text(const std::string& name) const;
    long long integer(const std::string& name) const;
    double real(const std::string& name) const;
    std::optional<double> optionalReal(const std::string& name) const;
    bool flag(const std::string& name) const { return has(name) && m_values.at(name) == "1"; }

private:
    std::map<std::string, std::string> m_values;
};

// Rows an analysis asks the host to store in the project itself (a layer of the data model
// named by table.name, columns named as its fields), replacing the rows whose `replaceField`
// equals `replaceValue`, in one transaction. Used for what must not leave the database (a
// household visit list): never written to a result file.
struct ProjectWrite {
    ResultTable table;
    std::string replaceField;
    std::string replaceValue;
};

struct AnalysisResult {
    std::string summaryJson;          // what --json prints
    std::string summaryText;          // what a person reads
    std::vector<ResultTable> tables;  // the result layers, first the main one (a CSV holds only that)
    std::vector<ProjectWrite> projectWrites;
    std::vector<ResultGrid> grids;  // gridded results, into a GeoPackage result file only
    // Names of `grids` the host also stores in a file project as gridded layers (replacing one of
    // the same name), each in one transaction: maps and the app then draw them from the project.
    std::vector<std::string> projectGrids;
};

class Analysis {
public:
    virtual ~Analysis() = default;
    virtual const AnalysisSpec& spec() const = 0;
    // Reads `project` (one connection, used from the calling thread; an analysis that reads on
    // several threads connects its own) and returns the result. An OutputPath parameter is the
    // host's business: the host writes the tables there.
    virtual AnalysisResult run(ProjectSource& project, const ParamValues& params, Feedback& feedback) const = 0;
    // The names of the result layers a run with these (validated) parameters returns, main one
    // first, so a host can look for them in given files and bind styles to them without knowing
    // the plugin's naming. By default the declared outputs' names.
    virtual std::vector<std::string> outputNames(const ParamValues& params) const;
    // The run without a project, for analyses whose spec names `standaloneWith`. By default
    // refused with a UsageError.
    virtual AnalysisResult runStandalone(const ParamValues& params, Feedback& feedback) const;
};

// What a plugin says of itself in its plugin.json (read at configure time into the generated
// registration code): its name, titles, version and the analyses it contributes.
struct PluginInfo {
    std::string name;
    std::string titleZh;
    std::string titleEn;
    std::string version;
    std::vector<std::string> analyses;
    std::vector<std::string> sections;  // atlas sections (atlas_section.hpp)
};

struct SectionSpec;

class Registry {
public:
    void add(std::unique_ptr<Analysis> analysis);
    const Analysis* find(const std::string& name) const;
    std::vector<const Analysis*> all() const;

    // Registers a plugin: its metadata, then its analyses and atlas sections through
    // `registerAnalyses`. Throws std::logic_error when what it adds differs from what its
    // plugin.json declares.
    template <typename F>
    void addPlugin(PluginInfo info, F&& registerAnalyses) {
        const std::size_t before = m_analyses.size(), sectionsBefore = m_sections.size();
        registerAnalyses(*this);
        checkPlugin(info, before, sectionsBefore);
        m_plugins.push_back(std::move(info));
    }
    const std::vector<PluginInfo>& plugins() const { return m_plugins; }

    // Atlas sections (atlas_section.hpp), found by the name layouts give as a table's source.
    void addSection(SectionSpec spec);
    const SectionSpec* section(const std::string& name) const;
    std::vector<const SectionSpec*> sections() const;
    // The plugin that contributed an analysis, or nullptr.
    const PluginInfo* pluginOf(const std::string& analysis) const;

private:
    void checkPlugin(const PluginInfo& info, std::size_t firstAnalysis, std::size_t firstSection) const;
    std::vector<std::unique_ptr<Analysis>> m_analyses;
    std::vector<PluginInfo> m_plugins;
    std::vector<std::shared_ptr<const SectionSpec>> m_sections;
};

// Every plugin's analyses (generated from the plugins/ folder at configure time).
void registerAllPlugins(Registry& registry);

}  // namespace ruralatlas::analysis
