// DEM grids as a project's DEM tile gives them to the walking-time engine
// (analysis/walk_surface.cpp): any elevations (NaN, infinities, the float maximum as an
// undeclared NoData, cliffs), any NoData value, odd cell sizes and grid shapes, with a road and
// a river across. Invariants: times are never negative, an unreachable target says so, and a
// source in its own cell is reached.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>

#include "analysis/walk_surface.hpp"
#include "core/error.hpp"
#include "fuzz_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::analysis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Raster dem;
    dem.width = in.ConsumeIntegralInRange(1, 24);
    dem.height = in.ConsumeIntegralInRange(1, 24);
    dem.cell = in.ConsumeBool() ? in.ConsumeFloatingPoint<double>() : in.ConsumeFloatingPointInRange(0.5, 200.0);
    dem.x0 = 500000;
    dem.y1 = 3200000;
    dem.nodata = in.ConsumeBool() ? in.ConsumeFloatingPoint<float>() : -32768.f;
    dem.z.resize(static_cast<std::size_t>(dem.width) * dem.height);
    for (auto& z : dem.z) {
        switch (in.ConsumeIntegralInRange(0, 3)) {
            case 0:
                z = in.ConsumeFloatingPoint<float>();
                break;
            case 1:
                z = dem.nodata;
                break;
            default:
                z = in.ConsumeFloatingPointInRange(-100.f, 3000.f);
        }
    }
    const double w = dem.width * (std::isfinite(dem.cell) ? dem.cell : 1.0), h = dem.height * (std::isfinite(dem.cell) ? dem.cell : 1.0);
    auto point = [&] {
        const double fx = in.ConsumeFloatingPointInRange(-0.2, 1.2), fy = in.ConsumeFloatingPointInRange(-0.2, 1.2);
        return XY{dem.x0 + fx * w, dem.y1 - fy * h};
    };
    std::vector<RoadRec> roads(1);
    roads[0].line = {point(), point(), point()};
    roads[0].cls = "county";
    roads[0].speedKmh = in.ConsumeBool() ? 0.0 : in.ConsumeFloatingPointInRange(0.0, 120.0);
    const std::vector<std::vector<XY>> rivers = {{point(), point()}};
    const std::vector<XY> sources = {point(), point()};
    std::vector<XY> targets = {point(), point(), point(), sources[0]};
    const bool vehicle = in.ConsumeBool();
    try {
        const WalkSurface surface(dem, roads, rivers, WalkOptions{vehicle});
        Feedback feedback;
        const auto routes = surface.nearest(sources, targets, feedback);
        if (routes.size() != targets.size()) fuzz::broken("not one route per target");
        for (const auto& r : routes) {
            if (r.reachable() && !(r.minutes >= 0)) fuzz::broken("a negative or NaN time");
            if (r.reachable() && (r.source < 0 || r.source >= 2)) fuzz::broken("a route from no source");
        }
        const auto one = surface.fromOne(sources[1], targets, 60.0);
        for (const auto& r : one)
            if (r.reachable() && !(r.minutes >= 0 && r.minutes <= 60.0 + 1e-6)) fuzz::broken("fromOne beyond its limit");
    } catch (const DataError&) {
        // A grid the engine cannot walk on is refused with a message.
    }
    return 0;
}
