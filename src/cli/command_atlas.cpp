// ruralatlas atlas: a printed map book, one page per township, village or resettlement site.
#include <cstdio>

#include "atlas/atlas.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "host/atlas_job.hpp"
#include "render/gui_session.hpp"

namespace ruralatlas::cli {

Command atlasCommand(const analysis::Registry& registry) {
    CommandSpec spec{"atlas",
                     "打印图集（每个乡镇/村/安置点一页的 PDF）",
                     "Print an atlas: one PDF page per township, village or site",
                     "PROJECT --template FILE --by townships|villages|resettlement_sites --out FILE.pdf",
                     1,
                     1,
                     {{"template", true, true,
                       "layout template (styles/atlas/*.json); repeat it, or give a set file such as village_plan_set.json, for a map set: "
                       "every template's page of each feature in turn",
                       "FILE"},
                      {"by", true, false, "one page per: townships, villages, resettlement_sites or county (one overview page)", "KIND"},
                      {"where", true, false, "only features matching this filter (OGR SQL), e.g. \"status = 'former_poor'\"", "EXPR"},
                      {"sort", true, false, "page order by this field ('-' before it for descending; default: township, code)", "FIELD"},
                      {"out", true, false, "the atlas PDF", "FILE.pdf"},
                      {"pages-as-png", true, false, "also write every page as PNG into this folder", "DIR"},
                      {"png-dpi", true, false, "resolution of the PNG pages (default 150)", "N"},
                      {"result", true, true,
                       "result GeoPackages (or a server project whose results were written back: PG:... county=C) to use instead of "
                       "running those analyses (repeatable)",
                       "FILE"},
                      {"threads", true, false, "threads drawing pages (default: every core)", "N"},
                      {"no-front-matter", false, false, "no cover and contents pages"},
                      {"json", false, false, "print a JSON summary"}}};
    return {spec, [&registry](const Args& a) {
                atlas::AtlasOptions o;
                o.project = a.positional().at(0);
                a.require("template");
                std::vector<std::string> layouts;
                for (const auto& t : a.values("template")) {
                    std::string setTitle;
                    for (auto& f : atlas::expandLayoutSet(t, &setTitle)) layouts.push_back(std::move(f));
                    if (o.bookTitle.empty()) o.bookTitle = setTitle;
                }
                o.layout = layouts.front();
                o.moreLayouts.assign(layouts.begin() + 1, layouts.end());
                o.by = atlas::parsePageKind(a.require("by"));
                o.out = a.require("out");
                o.where = a.value("where").value_or("");
                o.sort = a.value("sort").value_or("");
                o.pngDir = a.value("pages-as-png").value_or("");
                o.pngDpi = double(a.integer("png-dpi", 150, 36, 600));
                o.results = a.values("result");
                o.threads = int(a.integer("threads", 0, 0, 64));
                o.frontMatter = !a.has("no-front-matter");
                render::ensureGuiApplication();
                ProgressBar bar("atlas");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
                const atlas::AtlasReport r = host::AtlasJob(registry, o).run(fb);
                bar.update(1.0, "完成");
                for (const auto& w : r.warnings) std::fprintf(stderr, "ruralatlas atlas: warning: %s\n", w.toStdString().c_str());
                if (a.has("json")) {
                    std::string j = "{\"out\": " + jsonQuote(o.out) + ", \"pages\": " + std::to_string(r.pages) +
                                    ", \"feature_pages\": " + std::to_string(r.featurePages) +
                                    ", \"front_pages\": " + std::to_string(r.frontPages) + ", \"threads\": " + std::to_string(r.threads) +
                                    ", \"png\": [";
                    for (size_t i = 0; i < r.pngs.size(); ++i) j += (i ? ", " : "") + jsonQuote(r.pngs[i]);
                    j += "], \"analysis_seconds\": " + std::to_string(r.analysisSeconds) +
                         ", \"draw_seconds\": " + std::to_string(r.drawSeconds) + ", \"seconds\": " + std::to_string(r.totalSeconds) + "}";
                    std::printf("%s\n", j.c_str());
                } else {
                    std::printf("图集 / atlas: %s — %d 页 (封面目录 %d 页 + %d 页), %d 线程, %.2f s (分析与读取 %.2f s, 绘制 %.2f s)\n",
                                o.out.c_str(), r.pages, r.frontPages, r.featurePages, r.threads, r.totalSeconds, r.analysisSeconds,
                                r.drawSeconds);
                    if (!r.pngs.empty()) std::printf("  PNG: %zu 页 → %s\n", r.pngs.size(), o.pngDir.c_str());
                }
                return 0;
            }};
}

}  // namespace ruralatlas::cli
