// ruralatlas render: a project (and analysis results) drawn with styles to PNG, SVG or PDF.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "core/json.hpp"
#include "core/project_source.hpp"
#include "core/timing.hpp"
#include "io/result_files.hpp"
#include "io/server.hpp"
#include "io/sources.hpp"
#include "render/gui_session.hpp"
#include "render/i18n.hpp"
#include "render/map_job.hpp"
#include "render/map_output.hpp"

namespace ruralatlas::cli {

namespace {

render::Box parseExtent(const std::string& text) {
    std::stringstream ss(text);
    std::string part;
    std::vector<double> v;
    while (std::getline(ss, part, ',')) {
        try {
            size_t used = 0;
            v.push_back(std::stod(part, &used));
            if (used != part.size()) throw std::invalid_argument(part);
        } catch (const std::exception&) {
            throw UsageError("--extent: \"" + text + "\" is not xmin,ymin,xmax,ymax in metres of the project CRS");
        }
    }
    if (v.size() != 4 || v[2] <= v[0] || v[3] <= v[1])
        throw UsageError("--extent: expected xmin,ymin,xmax,ymax with xmax > xmin and ymax > ymin");
    return {v[0], v[1], v[2], v[3]};
}

}  // namespace

// Long on purpose: the command's option table and its handler; the map pipeline itself is
// render::MapJob.
Command renderCommand() {
    CommandSpec spec{
        "render",
        "绘制地图（PNG/SVG/PDF）",
        "Draw a map to PNG, SVG or PDF",
        "PROJECT --out FILE.png|.svg|.pdf",
        1,
        1,
        {{"style", true, true,
          "style file, or a plugin's as PLUGIN/FILE.json (repeatable; default: the shipped styles for the project and any results)",
          "FILE"},
         {"result", true, true,
          "a GeoPackage written by an analysis, or a server project whose results were written back (PG:... county=C), whose "
          "layers can be drawn (repeatable)",
          "FILE"},
         {"layers", true, false, "draw only these source layers or style layer ids (comma-separated)", "L,..."},
         {"extent", true, false, "xmin,ymin,xmax,ymax in the project CRS (metres)", "BOX"},
         {"township", true, false, "frame one township by its 9-digit code", "CODE"},
         {"village", true, false, "frame one village by its 12-digit code", "CODE"},
         {"size", true, false, "output size in pixels, e.g. 1920x1080 (default)", "WxH"},
         {"paper", true, false, "paper size A4, A3, A2, A1 or A0 (landscape unless --portrait)", "A4|A3"},
         {"portrait", false, false, "portrait paper"},
         {"dpi", true, false, "dots per inch (default 300 on paper, 96 for --size)", "N"},
         {"title", true, false, "title printed above the map on paper", "TEXT"},
         {"legend", false, false, "draw a legend of what the map shows"},
         {"grid", false, false, "draw a longitude/latitude grid with degree labels"},
         {"no-furniture", false, false, "no scale bar and north arrow"},
         {"out", true, false, "output file; the format follows the extension", "FILE"},
         {"json", false, false, "print a JSON summary (labels, legend, scale)"}}};
    return {spec, [](const Args& a) {
                const auto t0 = std::chrono::steady_clock::now();
                const std::string out = a.require("out");
                const std::string ext = extensionOf(out);
                if (ext != "png" && ext != "svg" && ext != "pdf") throw UsageError("--out: the extension must be .png, .svg or .pdf");
                int frames = int(a.has("extent")) + int(a.has("township")) + int(a.has("village"));
                if (frames > 1) throw UsageError("give only one of --extent, --township, --village");
                if (a.has("size") && a.has("paper")) throw UsageError("give either --size or --paper, not both");
                render::PageSize size;
                if (auto s = a.value("size")) {
                    int w = 0, h = 0;
                    char x = 0;
                    std::stringstream ss(*s);
                    if (!(ss >> w >> x >> h) || x != 'x' || w < 16 || h < 16 || w > 20000 || h > 20000)
                        throw UsageError("--size: \"" + *s + "\" is not WIDTHxHEIGHT in pixels (16..20000)");
                    size.widthPx = w;
                    size.heightPx = h;
                }
                if (auto p = a.value("paper")) {
                    size.paper = *p;
                    size.landscape = !a.has("portrait");
                    render::paperMm(size.paper, size.landscape);  // validates
                }
                size.dpi = double(a.integer("dpi", 0, 30, 1200));

                std::vector<std::string> results = a.values("result");
                for (const auto& r : results)
                    if (!io::server::isServer(r) && !std::filesystem::exists(r))
                        throw DataError({r, "", "", ""}, "the result file does not exist");
                render::ensureGuiApplication();
                const std::unique_ptr<ProjectSource> project = io::openProjectSource(a.positional()[0]);
                std::vector<std::unique_ptr<FeatureSource>> resultSources;
                std::vector<FeatureSource*> resultPtrs;
                for (const auto& r : results) {
                    resultSources.push_back(io::openFeatureSource(r));
                    resultPtrs.push_back(resultSources.back().get());
                }

                render::MapJobSpec job;
                job.styleFiles = a.values("style");
                // A plugin's shipped style may be named as PLUGIN/FILE.json (relocation/suitability_score.json).
                for (auto& f : job.styleFiles)
                    if (!std::filesystem::exists(f))
                        if (const std::string shipped = pluginStylePath(f); !shipped.empty() && std::filesystem::exists(shipped))
                            f = shipped;
                if (job.styleFiles.empty()) {
                    job.styleFiles.push_back(render::stylesDir() + "/county.json");
                    // Each result file's tables name their default styles (in their plugin's folder).
                    for (const auto& r : results)
                        for (const auto& ref : io::resultStyles(r)) job.styleFiles.push_back(pluginStylePath(ref));
                }
                if (auto only = a.value("layers")) {
                    std::stringstream ss(*only);
                    std::string w;
                    while (std::getline(ss, w, ','))
                        if (!w.empty()) job.onlyLayers.push_back(w);
                    if (job.onlyLayers.empty()) throw UsageError("--layers: no style layer draws " + *only);
                }
                // The frame: an explicit box, a township, a village, or the whole county.
                if (auto e = a.value("extent")) job.focus = parseExtent(*e);
                if (auto t = a.value("township")) job.focus = render::townshipFrame(*project, *t);
                if (auto v = a.value("village")) job.focus = render::villageFrame(*project, *v);
                job.size = size;
                ProgressBar bar("render");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f * 0.8, s); });
                render::MapJob map(*project, resultPtrs, job);
                map.prepare(&fb);
                if (a.has("style"))
                    for (const render::StyleLayer* l : map.missingSources())
                        std::fprintf(stderr, "ruralatlas render: note: %s line %d: no layer \"%s\" in the project or results; skipped\n",
                                     l->file.c_str(), l->line, l->source.c_str());
                const auto data = map.data();
                map.frame();  // nothing to draw is an error before the furniture is set up
                render::MapOptions options;
                options.legend = a.has("legend");
                options.grid = a.has("grid");
                options.scaleBar = options.northArrow = !a.has("no-furniture");
                if (auto t = a.value("title"))
                    options.title = QString::fromStdString(*t);
                else if (!size.paper.empty())
                    options.title = QString::fromStdString(data->countyName) + render::T("地图");
                bar.update(0.85, "绘制");
                const render::MapResult r = map.render(options, out);
                bar.update(1.0, "完成");
                const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                for (const auto& w : r.report.warnings) std::fprintf(stderr, "ruralatlas render: warning: %s\n", w.toStdString().c_str());
                if (a.has("json")) {
                    std::string j = "{\"out\": " + jsonQuote(out) + ", \"width\": " + std::to_string(r.widthPx) +
                                    ", \"height\": " + std::to_string(r.heightPx) +
                                    ", \"scale\": " + std::to_string(std::llround(r.view.scaleDenominator())) + ", \"extent\": [" +
                                    std::to_string(r.view.extent.minx) + ", " + std::to_string(r.view.extent.miny) + ", " +
                                    std::to_string(r.view.extent.maxx) + ", " + std::to_string(r.view.extent.maxy) +
                                    "], \"features\": " + std::to_string(r.report.featuresDrawn) +
                                    ", \"scale_bar_m\": " + std::to_string(r.scaleBar.metres) +
                                    ", \"scale_bar_px\": " + std::to_string(r.scaleBar.lengthPx) + ", \"labels\": [";
                    for (qsizetype i = 0; i < r.report.labels.size(); ++i)
                        j += (i ? ", " : "") + jsonQuote(r.report.labels[i].toStdString());
                    j += "], \"legend\": [";
                    for (size_t g = 0; g < r.report.legend.size(); ++g) {
                        const auto& grp = r.report.legend[g];
                        j += std::string(g ? ", " : "") + "{\"title\": " + jsonQuote(grp.title.toStdString()) + ", \"items\": [";
                        for (size_t i = 0; i < grp.items.size(); ++i) j += (i ? ", " : "") + jsonQuote(grp.items[i].label.toStdString());
                        j += "]}";
                    }
                    j += "], \"notes\": [";
                    for (qsizetype i = 0; i < r.report.notes.size(); ++i) j += (i ? ", " : "") + jsonQuote(r.report.notes[i].toStdString());
                    j += "], \"seconds\": " + std::to_string(secs) + "}";
                    std::printf("%s\n", j.c_str());
                } else {
                    std::printf("drew %zu features and %lld labels at 1:%lld to %s (%dx%d px) in %.2f s\n", r.report.featuresDrawn,
                                (long long)r.report.labels.size(), (long long)std::llround(r.view.scaleDenominator()), out.c_str(),
                                r.widthPx, r.heightPx, secs);
                }
                return 0;
            }};
}

}  // namespace ruralatlas::cli
