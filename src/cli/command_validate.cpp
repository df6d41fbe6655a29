// ruralatlas validate: every problem with layer, feature and field; exit 1 when there are errors.
#include <cstdio>

#include "cli/commands.hpp"
#include "core/json.hpp"
#include "io/validator.hpp"

namespace ruralatlas::cli {

Command validateCommand() {
    CommandSpec spec{
        "validate",
        "检查数据：结构、代码、枚举、几何、县界、路网连通、异常值",
        "Check schema, codes, enumerations, geometry, county boundary, road connectivity and values",
        "PROJECT",
        1,
        1,
        {{"json", false, false, "print JSON on stdout"}, {"max", true, false, "print at most N problems in text mode (default 200)", "N"}}};
    return {spec, [](const Args& a) {
                const std::string path = a.positional()[0];
                ProgressBar bar("validate");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
                const auto r = io::validateProject(path, fb);
                if (a.has("json")) {
                    std::printf("{\"file\": %s, \"errors\": %lld, \"warnings\": %lld, \"problems\": [", jsonQuote(path).c_str(), r.errors(),
                                r.warnings());
                    bool first = true;
                    for (const auto& p : r.problems) {
                        std::printf(
                            "%s\n  {\"severity\": \"%s\", \"rule\": %s, \"layer\": %s, \"fid\": %lld, \"feature\": %s, \"field\": %s, "
                            "\"message\": %s",
                            first ? "" : ",", p.severity == io::Problem::Severity::Error ? "error" : "warning", jsonQuote(p.rule).c_str(),
                            jsonQuote(p.layer).c_str(), p.fid, jsonQuote(p.feature).c_str(), jsonQuote(p.field).c_str(),
                            jsonQuote(p.message).c_str());
                        if (p.hasLocation) std::printf(", \"x\": %.3f, \"y\": %.3f", p.x, p.y);
                        std::printf("}");
                        first = false;
                    }
                    std::printf("\n]}\n");
                } else {
                    const long long max = a.integer("max", 200, 1, 1000000000);
                    long long shown = 0;
                    for (const auto& p : r.problems) {
                        if (shown++ >= max) break;
                        std::string where = path + ", layer " + p.layer;
                        if (p.fid >= 0) where += ", feature " + std::to_string(p.fid) + (p.feature.empty() ? "" : " (" + p.feature + ")");
                        if (!p.field.empty()) where += ", field " + p.field;
                        std::printf("%s: %s: %s [%s]", p.severity == io::Problem::Severity::Error ? "error" : "warning", where.c_str(),
                                    p.message.c_str(), p.rule.c_str());
                        if (p.hasLocation) std::printf(" at %.1f %.1f", p.x, p.y);
                        std::printf("\n");
                    }
                    if (static_cast<long long>(r.problems.size()) > max)
                        std::printf("... %lld more (use --max or --json)\n", static_cast<long long>(r.problems.size()) - max);
                    std::printf("%s: %lld errors, %lld warnings\n", path.c_str(), r.errors(), r.warnings());
                }
                return r.errors() > 0 ? 1 : 0;
            }};
}

}  // namespace ruralatlas::cli
