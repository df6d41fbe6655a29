// ruralatlas info: layers, counts, CRS and extent.
#include <algorithm>
#include <cstdio>

#include "cli/commands.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "io/project_info.hpp"

namespace ruralatlas::cli {

namespace {
// Pads UTF-8 text to `columns` terminal columns, counting CJK characters as two.
std::string padColumns(const std::string& text, int columns) {
    int width = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        width += len >= 3 ? 2 : 1;
        i += static_cast<std::size_t>(len);
    }
    return text + std::string(static_cast<std::size_t>(std::max(1, columns - width)), ' ');
}
}  // namespace

Command infoCommand() {
    CommandSpec spec{"info",
                     "列出图层、要素数、坐标系和范围",
                     "List layers, feature counts, CRS and extent",
                     "PROJECT",
                     1,
                     1,
                     {{"json", false, false, "print JSON on stdout"}}};
    return {spec, [](const Args& a) {
                const io::ProjectInfo info = io::projectInfo(a.positional()[0]);
                const auto& meta = info.meta;
                const bool json = a.has("json");
                auto metaValue = [&](const char* k) {
                    auto it = meta.find(k);
                    return it == meta.end() ? std::string() : it->second;
                };
                if (json) {
                    std::printf("{\"file\": %s, \"county_code\": %s, \"county_name\": %s, \"crs\": %s, \"synthetic\": %s, \"layers\": [",
                                jsonQuote(a.positional()[0]).c_str(), jsonQuote(metaValue("county_code")).c_str(),
                                jsonQuote(metaValue("county_name")).c_str(), jsonQuote(metaValue("crs")).c_str(),
                                metaValue("synthetic") == "true" ? "true" : "false");
                } else {
                    std::printf("项目 / project: %s\n县 / county: %s %s\n坐标系 / CRS: %s\n数据日期 / data date: %s%s\n\n",
                                a.positional()[0].c_str(), metaValue("county_code").c_str(), metaValue("county_name").c_str(),
                                metaValue("crs").c_str(), metaValue("data_date").c_str(),
                                metaValue("synthetic") == "true" ? "  (合成数据 synthetic)" : "");
                    std::printf("%-20s %s%-13s %10s  %s\n", "layer", padColumns("title", 20).c_str(), "geometry", "features",
                                "extent (xmin ymin xmax ymax)");
                }
                bool first = true;
                for (const io::LayerInfo& l : info.layers) {
                    const LayerDef* def = findLayer(l.name);
                    if (json) {
                        std::printf("%s{\"name\": %s, \"title\": %s, \"geometry\": %s, \"features\": %lld", first ? "" : ", ",
                                    jsonQuote(l.name).c_str(), jsonQuote(def ? std::string(def->titleZh) : "").c_str(),
                                    jsonQuote(l.geometry).c_str(), l.features);
                        if (l.extent)
                            std::printf(", \"extent\": [%.3f, %.3f, %.3f, %.3f]", (*l.extent)[0], (*l.extent)[1], (*l.extent)[2],
                                        (*l.extent)[3]);
                        std::printf("}");
                    } else {
                        const std::string title = def ? std::string(def->titleZh) : "";
                        std::printf("%-20s %s%-13s %10lld", l.name.c_str(), padColumns(title, 20).c_str(), l.geometry.c_str(), l.features);
                        if (l.extent) std::printf("  %.1f %.1f %.1f %.1f", (*l.extent)[0], (*l.extent)[1], (*l.extent)[2], (*l.extent)[3]);
                        std::printf("\n");
                    }
                    first = false;
                }
                // What the project says is approximated or missing (county-from-codes writes it).
                std::vector<std::pair<std::string, std::string>> notes;
                for (const char* k : {"county_outline", "village_locations", "township_boundaries"})
                    if (auto it = meta.find(k); it != meta.end() && !it->second.empty()) notes.emplace_back(k, it->second);
                if (info.dem) {
                    const auto& d = *info.dem;
                    if (json)
                        std::printf(
                            ", {\"name\": \"dem\", \"title\": \"数字高程模型\", \"geometry\": \"raster\", \"width\": %d, \"height\": %d, "
                            "\"cell_m\": %.3f}",
                            d.width, d.height, d.cell);
                    else
                        std::printf("%-20s %s%-13s %10s  %dx%d cells of %.1f m\n", "dem", padColumns("数字高程模型", 20).c_str(), "raster",
                                    "-", d.width, d.height, d.cell);
                }
                if (json) {
                    std::printf("]");
                    if (!notes.empty()) {
                        std::printf(", \"notes\": {");
                        for (std::size_t i = 0; i < notes.size(); ++i)
                            std::printf("%s%s: %s", i ? ", " : "", jsonQuote(notes[i].first).c_str(), jsonQuote(notes[i].second).c_str());
                        std::printf("}");
                    }
                    std::printf("}\n");
                } else if (!notes.empty()) {
                    std::printf("\n说明 / what is approximated or missing:\n");
                    for (const auto& [k, v] : notes) std::printf("  %-20s %s\n", k.c_str(), v.c_str());
                }
                return 0;
            }};
}

}  // namespace ruralatlas::cli
