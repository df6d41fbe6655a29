// ruralatlas render: a project (and analysis results) drawn with styles to PNG, SVG or PDF.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "core/json.hpp"
#include "core/timing.hpp"
#include "io/project.hpp"
#include "io/result_files.hpp"
#include "render/gui_session.hpp"
#include "render/i18n.hpp"
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

render::Box envelopeWhere(io::Project& project, const std::string& layer, const std::string& field, const std::string& value) {
    render::Box box{1, 1, 0, 0};
    OGRLayer* l = project.findLayer(layer);
    if (!l) return box;
    const std::string filter = field + " = '" + value + "'";
    l->SetAttributeFilter(filter.c_str());
    l->ResetReading();
    for (;;) {
        io::FeaturePtr f(l->GetNextFeature());
        if (!f) break;
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        box.include({e.MinX, e.MinY, e.MaxX, e.MaxY});
    }
    l->SetAttributeFilter(nullptr);
    return box;
}

bool validCode(const std::string& code) {
    if (code.empty()) return false;
    for (char c : code)
        if (c < '0' || c > '9') return false;
    return true;
}

// The box of one township or village: its polygon, else its villages' points with 1.5 km
// around them; UsageError for a malformed code, DataError when nothing has it.
render::Box frameOf(io::Project& project, const std::string& what, const std::string& code, const std::string& polygonLayer,
                    const std::string& polygonField, const std::string& villageField) {
    if (!validCode(code)) throw UsageError("--" + what + ": \"" + code + "\" is not a " + what + " code");
    render::Box b = envelopeWhere(project, polygonLayer, polygonField, code);
    if (b.valid()) return b;
    b = envelopeWhere(project, "villages", villageField, code);
    if (b.valid()) return b.expanded(1500);
    throw DataError({project.path(), what == "township" ? "townships" : "villages", "code " + code, "code"},
                    "no " + what + " with this code");
}

}  // namespace

Command renderCommand() {
    CommandSpec spec{"render",
                     "绘制地图（PNG/SVG/PDF）",
                     "Draw a map to PNG, SVG or PDF",
                     "PROJECT --out FILE.png|.svg|.pdf",
                     1,
                     1,
                     {{"style", true, true, "style file (repeatable; default: the shipped styles for the project and any results)", "FILE"},
                      {"result", true, true, "a GeoPackage written by coverage or gaps whose layers can be drawn (repeatable)", "FILE"},
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
                const std::string ext = io::extensionOf(out);
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
                    if (!std::filesystem::exists(r)) throw DataError({r, "", "", ""}, "the result file does not exist");
                render::ensureGuiApplication();
                io::Project project = io::Project::open(a.positional()[0], false);

                std::vector<std::string> styleFiles = a.values("style");
                if (styleFiles.empty()) {
                    const std::string dir = render::stylesDir();
                    styleFiles.push_back(dir + "/county.json");
                    // Each result file's tables name their default styles (in their plugin's folder).
                    for (const auto& r : results)
                        for (const auto& ref : io::resultStyles(r)) styleFiles.push_back(pluginStylePath(ref));
                }
                render::Style style = render::loadStyles(styleFiles);
                if (auto only = a.value("layers")) {
                    std::vector<std::string> wanted;
                    std::stringstream ss(*only);
                    std::string w;
                    while (std::getline(ss, w, ','))
                        if (!w.empty()) wanted.push_back(w);
                    std::vector<render::StyleLayer> kept;
                    for (auto& l : style.layers)
                        for (const auto& w2 : wanted)
                            if (l.id == w2 || render::globMatch(l.source, w2) || l.source == w2) {
                                kept.push_back(l);
                                break;
                            }
                    if (kept.empty()) throw UsageError("--layers: no style layer draws " + *only);
                    style.layers = std::move(kept);
                }

                // The frame: an explicit box, a township, a village, or the whole county.
                std::optional<render::Box> focus;
                if (auto e = a.value("extent")) focus = parseExtent(*e);
                if (auto t = a.value("township")) focus = frameOf(project, "township", *t, "townships", "code", "township_code");
                if (auto v = a.value("village")) focus = frameOf(project, "village", *v, "village_boundaries", "code", "code");
                std::optional<render::Box> within;
                if (focus) {
                    // Load what the (aspect-fitted) frame can show, with room for symbols at its edges.
                    const double grow = std::max(focus->width(), focus->height());
                    within = focus->expanded(grow);
                }
                // Read only what shows at this scale: the frame's scale is known before any feature is
                // (national views skip a million parcels and facilities drawn only when zoomed in, and
                // read only the road classes drawn at that scale).
                std::optional<std::pair<double, double>> scaleRange;
                {
                    render::Box box{1, 1, 0, 0};
                    if (focus)
                        box = *focus;
                    else if (OGRLayer* c = project.findLayer("county")) {
                        OGREnvelope env;
                        if (c->GetFeatureCount() > 0 && c->GetExtent(&env, TRUE) == OGRERR_NONE)
                            box = {env.MinX, env.MinY, env.MaxX, env.MaxY};
                    }
                    if (box.valid() && box.width() > 0) {
                        const double dpi = size.dpi > 0 ? size.dpi : size.paper.empty() ? 96 : 300;
                        const QSizeF px = size.paper.empty()
                                              ? QSizeF(size.widthPx > 0 ? size.widthPx : 1920, size.heightPx > 0 ? size.heightPx : 1080)
                                              : render::paperMm(size.paper, size.landscape) * (dpi / 25.4);
                        const double metresPerPx = std::max(box.width() / px.width(), box.height() / px.height());
                        const double scale = metresPerPx / (0.0254 / dpi);
                        std::vector<render::StyleLayer> kept;
                        for (auto& l : style.layers)
                            if (l.visibleAt(scale * 0.7) || l.visibleAt(scale * 1.5)) kept.push_back(l);
                        style.layers = std::move(kept);
                        scaleRange = std::make_pair(scale * 0.7, scale * 1.5);
                    }
                }
                ProgressBar bar("render");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f * 0.8, s); });
                auto data = render::MapData::load(project, results, render::layerRequests(style, scaleRange), within, &fb);
                const QStringList missing = render::bindStyle(style, *data);
                for (const auto& l : style.layers)
                    if (!data->find(l.source) && a.has("style"))
                        std::fprintf(stderr, "ruralatlas render: note: %s line %d: no layer \"%s\" in the project or results; skipped\n",
                                     l.file.c_str(), l.line, l.source.c_str());
                if (!focus) {
                    focus = data->extent();
                    if (!focus->valid())
                        throw DataError({project.path(), "", "", ""}, "nothing to draw: the project has no features with geometry");
                }
                render::MapOptions options;
                options.legend = a.has("legend");
                options.grid = a.has("grid");
                options.scaleBar = options.northArrow = !a.has("no-furniture");
                if (auto t = a.value("title"))
                    options.title = QString::fromStdString(*t);
                else if (!size.paper.empty())
                    options.title = QString::fromStdString(data->countyName) + render::T("地图");
                bar.update(0.85, "绘制");
                const render::MapRenderer renderer(style, data);
                std::optional<PhaseTimer> drawing("draw and write");
                const render::MapResult r = render::renderMapFile(renderer, *focus, size, options, out);
                drawing.reset();
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
