// Command-line parsing shared by the subcommands: declared options, strict errors (exit 2).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ruralatlas::cli {

struct OptionSpec {
    std::string name;  // without the leading "--"
    bool takesValue = true;
    bool repeatable = false;
    std::string help;
    std::string metavar = "VALUE";
};

struct CommandSpec {
    std::string name;
    std::string summaryZh;
    std::string summaryEn;
    std::string usage;  // positional part, e.g. "PROJECT FILE"
    int minPositional = 0;
    int maxPositional = 0;
    std::vector<OptionSpec> options;
    std::string help() const;
};

class Args {
public:
    // Parses argv after the subcommand name; throws UsageError. "--help" sets helpRequested.
    Args(const CommandSpec& spec, const std::vector<std::string>& tokens);

    bool helpRequested() const { return m_help; }
    const std::vector<std::string>& positional() const { return m_positional; }
    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::string require(const std::string& name) const;  // UsageError when missing
    std::vector<std::string> values(const std::string& name) const;
    // Number options: UsageError naming the option when not a number or out of range.
    long long integer(const std::string& name, long long fallback, long long min, long long max) const;

private:
    const CommandSpec& m_spec;
    bool m_help = false;
    std::vector<std::string> m_positional;
    std::multimap<std::string, std::string> m_values;
};

// A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI).
class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    void update(double fraction, const std::string& stage);

private:
    std::string m_label;
    bool m_tty;
    int m_last = -1;
    std::string m_lastStage;
};

}  // namespace ruralatlas::cli
