// ruralatlas qgis-styles: (re)writes the QGIS default style of every table of a project or
// result GeoPackage (host/qgis_styles.hpp), e.g. for projects made before the tool wrote them.
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "host/qgis_styles.hpp"

namespace ruralatlas::cli {

Command qgisStylesCommand() {
    CommandSpec spec{"qgis-styles",
                     "写入QGIS图层样式（中文字段名、取值表、符号）",
                     "Write QGIS layer styles (Chinese field titles, value maps, symbols) into a GeoPackage",
                     "FILE.gpkg",
                     1,
                     1,
                     {{"style", true, true,
                       "RuralAtlas style to translate, a file or PLUGIN/FILE.json (repeatable; default: county.json for project "
                       "layers, each result's own style)",
                       "FILE"},
                      {"verbose", false, false, "list what did not translate exactly"}}};
    return {spec, [](const Args& a) {
                std::vector<std::string> styles;
                for (const auto& s : a.values("style")) {
                    if (std::filesystem::exists(s)) {
                        styles.push_back(s);
                    } else if (const std::string p = pluginStylePath(s); !p.empty() && std::filesystem::exists(p)) {
                        styles.push_back(p);
                    } else {
                        throw UsageError("--style " + s + ": no such file and no plugin style of that name");
                    }
                }
                const std::string file = a.positional()[0];
                const auto r = host::writeQgisStyles(file, styles);
                std::printf("QGIS样式已写入 / QGIS styles written: %s, %d tables (style \"%s\", default when QGIS opens a layer)\n",
                            file.c_str(), r.layers, host::kQgisStyleName);
                for (const auto& t : r.kept)
                    std::printf("  %s: keeps its own default style saved in QGIS (ours is stored beside it)\n", t.c_str());
                if (a.has("verbose"))
                    for (const auto& n : r.notes) std::printf("  not exact: %s\n", n.c_str());
                else if (!r.notes.empty())
                    std::printf("  %zu style features have no exact QGIS equivalent (--verbose lists them; each is noted in the QML)\n",
                                r.notes.size());
                return 0;
            }};
}

}  // namespace ruralatlas::cli
