// Google Benchmark: redraws of a loaded county at screen size (what panning in the desktop
// app costs) and a full A3 300 dpi frame, data already in memory.
// Usage: render_bench PROJECT.gpkg [benchmark flags]
#include <benchmark/benchmark.h>

#include <QImage>
#include <QPainter>
#include <cstdio>

#include "io/sources.hpp"
#include "render/gui_session.hpp"
#include "render/map_job.hpp"
#include "render/map_output.hpp"

using namespace ruralatlas;

namespace {
std::string g_project;
struct Loaded {
    std::shared_ptr<render::Style> style;
    std::shared_ptr<const render::MapData> data;
    std::unique_ptr<render::MapRenderer> renderer;
};
Loaded& loaded() {
    static Loaded l = [] {
        Loaded x;
        // The map pipeline as the desktop app runs it: every scale loaded once.
        const auto p = io::openProjectSource(g_project);
        render::MapJobSpec spec;
        spec.styleFiles = {render::stylesDir() + "/county.json"};
        spec.oneScale = false;
        render::MapJob job(*p, {}, spec);
        job.prepare();
        x.style = job.sharedStyle();
        x.data = job.data();
        x.renderer = std::make_unique<render::MapRenderer>(*x.style, x.data);
        return x;
    }();
    return l;
}

void drawAt(QImage& img, double fx, double fy, double scale) {
    auto& l = loaded();
    const render::Box e = l.data->extent();
    render::MapView v =
        render::viewAtScale({e.minx + fx * e.width(), e.miny + fy * e.height()}, scale, QRectF(0, 0, img.width(), img.height()), 96);
    img.fill(Qt::white);
    QPainter p(&img);
    l.renderer->render(p, v);
}

// A pan across the county at 1:50,000 (villages, facilities, labels all visible).
void BM_Pan1920x1080(benchmark::State& state) {
    QImage img(1920, 1080, QImage::Format_RGB32);
    int i = 0;
    for (auto _ : state) {
        const double f = 0.3 + 0.4 * ((i++ % 20) / 20.0);
        drawAt(img, f, 1 - f, double(state.range(0)));
    }
}
BENCHMARK(BM_Pan1920x1080)->Arg(50000)->Arg(250000)->Unit(benchmark::kMillisecond);

void BM_WholeCountyA3At300dpi(benchmark::State& state) {
    QImage img(4961, 3508, QImage::Format_RGB32);
    img.setDotsPerMeterX(11811);
    img.setDotsPerMeterY(11811);
    auto& l = loaded();
    for (auto _ : state) {
        img.fill(Qt::white);
        QPainter p(&img);
        render::MapView v;
        v.target = QRectF(0, 0, img.width(), img.height());
        v.dpi = 300;
        v.extent = render::fitExtent(l.data->extent(), v.target, 0.02);
        l.renderer->render(p, v);
    }
}
BENCHMARK(BM_WholeCountyA3At300dpi)->Unit(benchmark::kMillisecond);
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: render_bench PROJECT.gpkg [benchmark flags]\n");
        return 2;
    }
    g_project = argv[1];
    render::ensureGuiApplication();
    io::initGdal();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
