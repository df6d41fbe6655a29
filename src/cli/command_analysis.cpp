// Every registered analysis becomes a subcommand whose options and --help come from its
// declaration: `ruralatlas <analysis> PROJECT [--param value ...] [--json]`.
#include <cstdio>

#include "analysis/analysis.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "host/run_analysis.hpp"

namespace ruralatlas::cli {

Command analysisCommand(const analysis::Analysis& a) {
    const auto& s = a.spec();
    // An analysis that can run without a project (spec.standaloneWith) takes PROJECT optionally.
    CommandSpec spec{s.name, s.titleZh, s.titleEn, s.standaloneWith.empty() ? "PROJECT" : "[PROJECT]", s.standaloneWith.empty() ? 1 : 0,
                     1,      {}};
    for (const auto& p : s.params) {
        std::string help = p.titleZh + " / " + p.titleEn;
        if (p.type == analysis::ParamType::Choice) {
            std::string list;
            for (const auto& c : p.choices) list += (list.empty() ? "" : "|") + c;
            help += " (" + list + ")";
        }
        if (p.defaultValue) help += " [default " + *p.defaultValue + "]";
        if (p.min && p.max && (p.type == analysis::ParamType::Real || p.type == analysis::ParamType::Integer)) {
            char buf[80];
            std::snprintf(buf, sizeof buf, " [%g..%g]", *p.min, *p.max);
            help += buf;
        }
        if (p.required) help += " (required)";
        spec.options.push_back({p.name, p.type != analysis::ParamType::Flag, false, help,
                                p.type == analysis::ParamType::OutputPath ? "FILE"
                                : p.type == analysis::ParamType::Choice   ? "CHOICE"
                                                                          : "VALUE"});
    }
    spec.options.push_back({"json", false, false, "print the summary as JSON on stdout"});
    return {spec, [&a](const Args& args) {
                std::map<std::string, std::string> raw;
                for (const auto& p : a.spec().params)
                    if (auto v = args.value(p.name)) raw[p.name] = p.type == analysis::ParamType::Flag ? "1" : *v;
                const auto values = analysis::ParamValues::validate(a.spec(), raw);
                ProgressBar bar(a.spec().name);
                Feedback fb([&bar](double f, const std::string& st) { bar.update(f, st); });
                if (args.positional().empty() && !values.has(a.spec().standaloneWith))
                    throw UsageError(a.spec().name + ": PROJECT is required (or --" + a.spec().standaloneWith + ")");
                const auto result =
                    args.positional().empty() ? a.runStandalone(values, fb) : host::runAnalysis(a, args.positional()[0], values, fb);
                if (args.has("json"))
                    std::printf("%s\n", result.summaryJson.c_str());
                else
                    std::printf("%s", result.summaryText.c_str());
                return 0;
            }};
}

}  // namespace ruralatlas::cli
