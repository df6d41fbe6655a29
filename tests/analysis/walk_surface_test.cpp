#include "analysis/walk_surface.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "core/error.hpp"

using namespace ruralatlas;
using namespace ruralatlas::analysis;

namespace {
// A DEM of w x h cells of `cell` metres with its top-left corner at (0, h * cell).
Raster grid(int w, int h, double cell, double (*z)(double x, double y)) {
    Raster r;
    r.x0 = 0;
    r.y1 = h * cell;
    r.cell = cell;
    r.width = w;
    r.height = h;
    r.z.resize(static_cast<std::size_t>(w) * h);
    for (int row = 0; row < h; ++row)
        for (int col = 0; col < w; ++col)
            r.z[static_cast<std::size_t>(row) * w + col] = static_cast<float>(z((col + 0.5) * cell, r.y1 - (row + 0.5) * cell));
    return r;
}
XY centre(int col, int row, const Raster& r) { return {(col + 0.5) * r.cell, r.y1 - (row + 0.5) * r.cell}; }
}  // namespace

TEST(Tobler, FlatGroundIsFivePointZeroFourKmh) {
    EXPECT_NEAR(toblerKmh(0.0), 6.0 * std::exp(-0.175), 1e-12);
    EXPECT_NEAR(toblerKmh(-0.05), 6.0, 1e-12);  // fastest slightly downhill
    EXPECT_LT(toblerKmh(0.2), toblerKmh(-0.2));
}

// On a flat DEM, walking time must equal distance over speed (tolerance 1e-3 min along an axis,
// where the grid path is the straight line).
TEST(WalkSurface, FlatGroundTimeIsDistanceOverSpeed) {
    const Raster dem = grid(200, 50, 30, [](double, double) { return 100.0; });
    WalkSurface s(dem, {}, {});
    Feedback fb;
    const auto r = s.nearest({centre(10, 25, dem)}, {centre(110, 25, dem)}, fb);
    ASSERT_TRUE(r[0].reachable());
    const double metres = 100 * 30.0;
    EXPECT_NEAR(r[0].metres, metres, 1e-3);
    EXPECT_NEAR(r[0].minutes, metres / (toblerKmh(0) * 1000 / 60), 1e-3);
}

TEST(WalkSurface, DiagonalsStayWithinThreePercentOfTheStraightLine) {
    const Raster dem = grid(120, 120, 30, [](double, double) { return 0.0; });
    WalkSurface s(dem, {}, {});
    Feedback fb;
    const XY from = centre(10, 10, dem), to = centre(100, 55, dem);  // a 26.6° line
    const auto r = s.nearest({from}, {to}, fb);
    const double straight = std::hypot(to.x - from.x, to.y - from.y) / (toblerKmh(0) * 1000 / 60);
    EXPECT_NEAR(r[0].minutes, straight, 0.03 * straight);
}

// On a tilted plane, walking uphill costs more than walking the same way downhill.
TEST(WalkSurface, UphillCostsMoreThanDownhill) {
    const Raster dem = grid(200, 20, 30, [](double x, double) { return 0.1 * x; });  // rises eastward 10 %
    WalkSurface s(dem, {}, {});
    Feedback fb;
    const XY west = centre(20, 10, dem), east = centre(180, 10, dem);
    const auto up = s.nearest({east}, {west}, fb);    // from the western village up to the eastern facility
    const auto down = s.nearest({west}, {east}, fb);  // from the eastern village down to the western facility
    ASSERT_TRUE(up[0].reachable() && down[0].reachable());
    EXPECT_GT(up[0].minutes, down[0].minutes);
    const double run = 160 * 30.0;
    EXPECT_NEAR(up[0].minutes, run / (toblerKmh(0.1) * 1000 / 60), 1e-3);
    EXPECT_NEAR(down[0].minutes, run / (toblerKmh(-0.1) * 1000 / 60), 1e-3);
}

TEST(WalkSurface, RiversBlockWalkingExceptAtRoadBridges) {
    const Raster dem = grid(100, 100, 30, [](double, double) { return 50.0; });
    const std::vector<std::vector<XY>> river = {{{1500, -10}, {1520, 3010}}};  // north-south, slightly slanted
    WalkSurface blocked(dem, {}, river);
    Feedback fb;
    const XY west = centre(20, 50, dem), east = centre(80, 50, dem);
    EXPECT_FALSE(blocked.nearest({east}, {west}, fb)[0].reachable());
    RoadRec bridge;
    bridge.line = {{1200, 450}, {1800, 450}};
    bridge.cls = "village";
    bridge.speedKmh = 20;
    WalkSurface open(dem, {bridge}, river);
    const auto r = open.nearest({east}, {west}, fb);
    ASSERT_TRUE(r[0].reachable());
    EXPECT_GT(r[0].metres, 1800.0);  // the detour by the bridge is longer than the 1,800 m straight line
}

TEST(WalkSurface, CountySizedGridFinishesQuickly) {
    // Not a timing assertion: a guard against pathological searches (the benchmark measures speed).
    const Raster dem = grid(1000, 1000, 30, [](double x, double y) { return 300 + 200 * std::sin(x / 3000) * std::cos(y / 2500); });
    WalkSurface s(dem, {}, {});
    Feedback fb;
    const auto r = s.nearest({centre(500, 500, dem)}, {centre(10, 10, dem), centre(990, 990, dem)}, fb);
    EXPECT_TRUE(r[0].reachable());
    EXPECT_TRUE(r[1].reachable());
}

TEST(WalkSurface, LongSearchesCanBeCancelled) {
    const Raster dem = grid(1500, 1500, 30, [](double, double) { return 100.0; });
    WalkSurface s(dem, {}, {});
    // The user presses cancel when the first progress report arrives, during the search.
    Feedback* self = nullptr;
    int reports = 0;
    Feedback fb([&](double, const std::string&) {
        ++reports;
        self->cancel();
    });
    self = &fb;
    EXPECT_THROW(s.nearest({centre(0, 0, dem)}, {centre(1499, 1499, dem)}, fb), Cancelled);
    EXPECT_EQ(reports, 1);
}

// Fuzz finding (fuzz_dem, 2026-12-02): a DEM grid whose cell size is NaN made the cell
// arithmetic undefined (NaN converted to int). A grid that cannot be walked on is refused with a
// message; a road far outside the grid costs no steps and changes nothing.
TEST(WalkSurface, FuzzDemCellSizeNotPositiveIsRefused) {
    for (double cell : {std::nan(""), 0.0, -30.0, std::numeric_limits<double>::infinity()}) {
        Raster dem = grid(4, 4, 30, [](double, double) { return 100.0; });
        dem.cell = cell;
        EXPECT_THROW(WalkSurface(dem, {}, {}), DataError) << cell;
    }
    Raster dem = grid(4, 4, 30, [](double, double) { return 100.0; });
    dem.z.pop_back();
    EXPECT_THROW(WalkSurface(dem, {}, {}), DataError);

    const Raster ok = grid(20, 20, 30, [](double, double) { return 100.0; });
    RoadRec far;
    far.line = {{-1e15, 5}, {1e15, 5}, {NAN, 5}};  // across the grid's bottom row, from very far; then a broken point
    far.speedKmh = 40;
    const WalkSurface s(ok, {far}, {});
    EXPECT_GT(s.roadKmh(10, 19), 0.f);  // the road crosses the bottom row
    EXPECT_EQ(s.roadKmh(10, 0), 0.f);
    // Fuzz finding (fuzz_dem): a point not a number, or too far for an int cell index.
    const auto routes = s.fromOne({NAN, 5}, {{1e300, 5}, {15, 15}}, 60);
    ASSERT_EQ(routes.size(), 2u);
    EXPECT_FALSE(routes[0].reachable());
    EXPECT_FALSE(routes[1].reachable());
    EXPECT_TRUE(s.fromOne({15, 15}, {{1e300, 5}, {45, 15}}, 60)[1].reachable());
}

// Fuzz finding (fuzz_dem, 2026-12-02): an undeclared NoData of the float maximum makes cliffs
// that take longer than any queue can hold; the search threw std::length_error. Such a step is
// no route: the far side is unreachable, and the near side still reached.
TEST(WalkSurface, FuzzFloatMaximumCliffIsNoRoute) {
    Raster dem = grid(10, 10, 30, [](double x, double) { return x < 150 ? 100.0 : 3.4028234663852886e38; });
    const WalkSurface s(dem, {}, {});
    const auto routes = s.fromOne({15, 150}, {{45, 150}, {285, 150}}, std::numeric_limits<double>::infinity());
    ASSERT_EQ(routes.size(), 2u);
    EXPECT_TRUE(routes[0].reachable());
    EXPECT_FALSE(routes[1].reachable());
}
