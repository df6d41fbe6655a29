// Google Benchmark: one `coverage` run inside a process that is already running (what the
// desktop app pays for a second run, and the fair match for a query sent to a database server
// that holds its data): the project opened, villages, facilities (and roads) read from the
// GeoPackage, the analysis, the CSV written. Process start-up is left out; the GeoPackage read
// is not. bench/coverage_bench.sh prints these beside the whole-process figures.
// Usage: coverage_inprocess PROJECT.gpkg [benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "analysis/analysis.hpp"
#include "host/run_analysis.hpp"
#include "io/sources.hpp"

using namespace ruralatlas;

namespace {
std::string g_project;

void runCoverage(benchmark::State& state, const char* kind, const char* mode, const char* threshold) {
    analysis::Registry registry;
    analysis::registerAllPlugins(registry);
    const analysis::Analysis* a = registry.find("coverage");
    const std::string out = (std::filesystem::temp_directory_path() / ("coverage_inprocess_" + std::string(mode) + ".csv")).string();
    const auto params =
        analysis::ParamValues::validate(a->spec(), {{"kind", kind}, {"mode", mode}, {"threshold", threshold}, {"out", out}});
    for (auto _ : state) {
        Feedback feedback;
        benchmark::DoNotOptimize(host::runAnalysis(*a, g_project, params, feedback));
    }
    std::filesystem::remove(out);
}
void BM_StraightNearestClinic(benchmark::State& state) { runCoverage(state, "village_clinic", "straight", "2000"); }
void BM_RoadNearestSchool(benchmark::State& state) { runCoverage(state, "primary_school", "road", "30"); }
BENCHMARK(BM_StraightNearestClinic)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoadNearestSchool)->Unit(benchmark::kMillisecond)->UseRealTime();
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') {
        std::fprintf(stderr, "usage: coverage_inprocess PROJECT.gpkg [benchmark flags]\n");
        return 2;
    }
    g_project = argv[1];
    io::initGdal();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
