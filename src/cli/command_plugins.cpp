// ruralatlas plugins: the domain modules built in, from their plugin.json, with their analyses.
#include <cstdio>

#include "analysis/atlas_section.hpp"
#include "cli/commands.hpp"
#include "core/json.hpp"

namespace ruralatlas::cli {

Command pluginsCommand(const analysis::Registry& registry) {
    CommandSpec spec{"plugins",
                     "列出已安装的功能模块及其分析",
                     "List the installed modules and their analyses",
                     "",
                     0,
                     0,
                     {{"json", false, false, "print JSON on stdout"}}};
    return {spec, [&registry](const Args& a) {
                if (a.has("json")) {
                    std::string j = "[";
                    for (const auto& p : registry.plugins()) {
                        j += std::string(j.size() > 1 ? ", " : "") + "{\"name\": " + jsonQuote(p.name) +
                             ", \"title_zh\": " + jsonQuote(p.titleZh) + ", \"title_en\": " + jsonQuote(p.titleEn) +
                             ", \"version\": " + jsonQuote(p.version) + ", \"analyses\": [";
                        for (std::size_t i = 0; i < p.analyses.size(); ++i) j += (i ? ", " : "") + jsonQuote(p.analyses[i]);
                        j += "], \"sections\": [";
                        for (std::size_t i = 0; i < p.sections.size(); ++i) j += (i ? ", " : "") + jsonQuote(p.sections[i]);
                        j += "]}";
                    }
                    std::printf("%s]\n", j.c_str());
                    return 0;
                }
                for (const auto& p : registry.plugins()) {
                    std::printf("%s %s  %s / %s\n", p.name.c_str(), p.version.c_str(), p.titleZh.c_str(), p.titleEn.c_str());
                    for (const auto& name : p.analyses)
                        if (const analysis::Analysis* an = registry.find(name))
                            std::printf("  %-18s %s / %s\n", name.c_str(), an->spec().titleZh.c_str(), an->spec().titleEn.c_str());
                    for (const auto& name : p.sections)
                        if (const analysis::SectionSpec* s = registry.section(name))
                            std::printf("  %-18s 图集章节：%s / atlas section: %s\n", name.c_str(), s->titleZh.c_str(), s->titleEn.c_str());
                }
                return 0;
            }};
}

}  // namespace ruralatlas::cli
