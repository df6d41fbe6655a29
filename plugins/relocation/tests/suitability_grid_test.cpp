// The grid arithmetic of the suitability surface against direct computations: slope and relief
// against the point functions site-audit uses (cell for cell, to the bit), the distance
// transform against brute force, cells inside polygons and near lines against the point tests,
// traced outlines against the cells they came from (area, containment, GEOS validity), and
// window means against direct sums.
#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include <cmath>
#include <random>

#include "site_terrain.hpp"
#include "suitability/grid.hpp"

using namespace ruralatlas;
using namespace ruralatlas::suitability;

namespace {

// A hilly DEM with a few nodata cells.
Raster hills(int w, int h, double cell, unsigned seed) {
    Raster r;
    r.width = w, r.height = h, r.cell = cell, r.x0 = 500000, r.y1 = 3200000;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    const double a = u(rng) * 6, b = u(rng) * 6;
    r.z.resize(static_cast<std::size_t>(w) * h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            r.z[static_cast<std::size_t>(y) * w + x] =
                static_cast<float>(300 + 80 * std::sin(x * 0.21 + a) * std::cos(y * 0.17 + b) + 15 * u(rng) + 2.5 * x);
    for (int k = 0; k < w * h / 150; ++k) r.z[static_cast<std::size_t>(u(rng) * w * h)] = r.nodata;
    return r;
}

double ringArea(const Ring& r) {
    double a = 0;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) a += r[i].x * r[i + 1].y - r[i + 1].x * r[i].y;
    return a / 2;
}

}  // namespace

TEST(SuitabilityGrid, SlopeOfEveryCellIsHornsAsSiteAuditMeasuresIt) {
    const Raster dem = hills(57, 43, 30, 1);
    const GridFrame g = GridFrame::of(dem);
    for (int threads : {1, 2}) {
        const auto s = slopeGrid(dem, threads);
        int measured = 0;
        for (int r = 0; r < g.height; ++r)
            for (int c = 0; c < g.width; ++c) {
                const double want = relocation::slopeAt(dem, g.centre(c, r));
                const float got = s[g.index(c, r)];
                if (std::isnan(want)) {
                    EXPECT_TRUE(std::isnan(got)) << c << "," << r;
                } else {
                    EXPECT_EQ(got, static_cast<float>(want)) << c << "," << r;
                    ++measured;
                }
            }
        EXPECT_GT(measured, 2000);
    }
}

TEST(SuitabilityGrid, ReliefOfEveryCellIsTheDiscMinimumAsSiteAuditMeasuresIt) {
    const Raster dem = hills(61, 47, 30, 2);
    const GridFrame g = GridFrame::of(dem);
    for (double radius : {0.0, 29.0, 95.0, 200.0, 1000.0})
        for (int threads : {1, 2}) {
            const auto rel = reliefGrid(dem, radius, threads);
            for (int r = 0; r < g.height; ++r)
                for (int c = 0; c < g.width; ++c) {
                    const double want = relocation::reliefAt(dem, g.centre(c, r), radius);
                    const float got = rel[g.index(c, r)];
                    if (std::isnan(want))
                        ASSERT_TRUE(std::isnan(got)) << c << "," << r << " radius " << radius;
                    else
                        ASSERT_EQ(got, static_cast<float>(want)) << c << "," << r << " radius " << radius;
                }
        }
}

TEST(SuitabilityGrid, DistanceTransformIsExactAgainstBruteForce) {
    for (unsigned seed : {1u, 2u, 3u}) {
        const GridFrame g{73, 41, 0, 0, 1};
        std::mt19937 rng(seed);
        std::vector<std::uint8_t> s(g.size(), 0);
        std::vector<std::size_t> seeds;
        for (int k = 0; k < 25; ++k) {
            const std::size_t i = rng() % g.size();
            s[i] = 1;
        }
        for (std::size_t i = 0; i < g.size(); ++i)
            if (s[i]) seeds.push_back(i);
        for (int threads : {1, 2}) {
            const DistanceField f = distanceTransform(g, s, threads);
            for (std::size_t i = 0; i < g.size(); ++i) {
                const long cx = long(i % g.width), cy = long(i / g.width);
                long best = -1;
                for (std::size_t j : seeds) {
                    const long dx = long(j % g.width) - cx, dy = long(j / g.width) - cy;
                    if (best < 0 || dx * dx + dy * dy < best) best = dx * dx + dy * dy;
                }
                ASSERT_EQ(f.squared[i], float(best)) << i;
                ASSERT_GE(f.nearest[i], 0);
                ASSERT_TRUE(s[static_cast<std::size_t>(f.nearest[i])]);
                const long dx = long(f.nearest[i] % g.width) - cx, dy = long(f.nearest[i] / g.width) - cy;
                ASSERT_EQ(dx * dx + dy * dy, best) << "the nearest seed given is at that distance";
            }
        }
    }
    const GridFrame g{10, 5, 0, 0, 1};
    const DistanceField none = distanceTransform(g, std::vector<std::uint8_t>(g.size(), 0));
    EXPECT_TRUE(std::isinf(none.squared[7]));
    EXPECT_EQ(none.nearest[7], -1);
}

TEST(SuitabilityGrid, RoadDistanceFromBurntCellsIsWithinHalfACellDiagonalOfTheExactOne) {
    const GridFrame g{120, 90, 1000, 2000, 30};
    const std::vector<std::vector<XY>> lines = {{{1100, 1900}, {2500, 800}, {4400, 300}}, {{1500, 1950}, {1600, 1970}}};
    std::vector<std::uint8_t> seed(g.size(), 0);
    burnLines(g, lines, seed);
    const DistanceField f = distanceTransform(g, seed);
    const double bound = g.cell / std::sqrt(2.0) + g.cell / 8;
    for (std::size_t i = 0; i < g.size(); ++i) {
        const double exact = relocation::distanceToLines(lines, g.centre(i));
        ASSERT_NEAR(std::sqrt(f.squared[i]) * g.cell, exact, bound) << i;
    }
}

TEST(SuitabilityGrid, CellsInsidePolygonsAndNearLinesAreThoseThePointTestsFind) {
    const GridFrame g{80, 70, 0, 700, 10};
    // A star with a hole, and a second part.
    Ring star, hole, part;
    for (int k = 0; k <= 14; ++k) {
        const double a = k * 2 * M_PI / 14, rad = k % 2 ? 150 : 330;
        star.push_back({400 + rad * std::cos(a), 350 + rad * std::sin(a)});
    }
    for (int k = 0; k <= 6; ++k) hole.push_back({400 + 60 * std::cos(-k * M_PI / 3), 350 + 60 * std::sin(-k * M_PI / 3)});
    part = {{20, 20}, {120, 25}, {60, 140}, {20, 20}};
    const Polygons shape = {Polygon{{star, hole}}, Polygon{{part}}};
    std::vector<int> hits(g.size(), 0);
    cellsInside(g, shape, [&](std::size_t i) { ++hits[i]; });
    int inside = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
        const bool want = relocation::inside(shape, g.centre(i));
        ASSERT_EQ(hits[i] > 0, want) << i;
        inside += want;
    }
    EXPECT_GT(inside, 500);
    const std::vector<std::vector<XY>> lines = {{{0, 0}, {800, 700}}, {{100, 600}, {300, 620}, {310, 400}}};
    std::vector<int> near(g.size(), 0);
    cellsNearLines(g, lines, 35, [&](std::size_t i) { near[i] = 1; });
    for (std::size_t i = 0; i < g.size(); ++i) ASSERT_EQ(near[i] == 1, relocation::distanceToLines(lines, g.centre(i)) < 35) << i;
}

TEST(SuitabilityGrid, TracedOutlinesHoldExactlyTheirCellsAndAreValid) {
    for (unsigned seed : {1u, 2u, 3u, 4u}) {
        const GridFrame g{40, 30, 1000, 3000, 10};
        std::mt19937 rng(seed);
        // Blobby classes: random values smoothed, then thresholded into three classes.
        std::vector<double> v(g.size());
        for (auto& x : v) x = std::uniform_real_distribution<double>(0, 1)(rng);
        std::vector<std::uint32_t> key(g.size());
        for (int r = 0; r < g.height; ++r)
            for (int c = 0; c < g.width; ++c) {
                double s = 0;
                int n = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx)
                        if (c + dx >= 0 && r + dy >= 0 && c + dx < g.width && r + dy < g.height) s += v[g.index(c + dx, r + dy)], ++n;
                key[g.index(c, r)] = s / n < 0.45 ? 1 : s / n < 0.55 ? 2 : 3;
            }
        std::int32_t count = 0;
        const auto label = components(g, key, count);
        ASSERT_GT(count, 3);
        const auto shapes = tracePolygons(g, label, count, [](std::int32_t) { return true; });
        std::vector<std::size_t> cells(static_cast<std::size_t>(count) + 1, 0);
        for (std::int32_t l : label) ++cells[l];
        for (std::int32_t l = 1; l <= count; ++l) {
            ASSERT_EQ(shapes[l].size(), 1u) << "a 4-connected region is one polygon";
            double area = 0;
            for (const auto& ring : shapes[l][0].rings) area += ringArea(ring);
            EXPECT_NEAR(area, double(cells[l]) * g.cell * g.cell, 1e-6) << "label " << l;
            OGRPolygon poly;
            for (const auto& ring : shapes[l][0].rings) {
                OGRLinearRing lr;
                for (const XY& p : ring) lr.addPoint(p.x, p.y);
                poly.addRing(&lr);
            }
            EXPECT_TRUE(poly.IsValid()) << "label " << l << " seed " << seed;
        }
        // Every cell centre lies in the polygon of its own label and no other.
        for (std::size_t i = 0; i < g.size(); ++i)
            for (std::int32_t l = 1; l <= count; ++l)
                ASSERT_EQ(relocation::inside(shapes[l], g.centre(i)), label[i] == l) << i << " label " << l;
    }
}

// Noise: every cell its own random class, so regions touch themselves at corners everywhere.
TEST(SuitabilityGrid, TracedOutlinesOfNoiseHoldExactlyTheirCells) {
    for (unsigned seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
        const GridFrame g{64, 48, 0, 480, 10};
        std::mt19937 rng(seed);
        std::vector<std::uint32_t> key(g.size());
        for (auto& k : key) k = 1 + rng() % (seed % 2 ? 2 : 3);
        std::int32_t count = 0;
        const auto label = components(g, key, count);
        const auto shapes = tracePolygons(g, label, count, [](std::int32_t) { return true; });
        std::vector<std::size_t> cells(static_cast<std::size_t>(count) + 1, 0);
        for (std::int32_t l : label) ++cells[l];
        for (std::int32_t l = 1; l <= count; ++l) {
            ASSERT_EQ(shapes[l].size(), 1u) << "label " << l;
            double area = 0;
            for (const auto& ring : shapes[l][0].rings) area += ringArea(ring);
            ASSERT_NEAR(area, double(cells[l]) * g.cell * g.cell, 1e-6) << "label " << l;
            OGRPolygon poly;
            for (const auto& ring : shapes[l][0].rings) {
                OGRLinearRing lr;
                for (const XY& p : ring) lr.addPoint(p.x, p.y);
                poly.addRing(&lr);
            }
            EXPECT_TRUE(poly.IsValid()) << "label " << l << " seed " << seed;
        }
    }
}

TEST(SuitabilityGrid, WindowMeansAreTheDirectMeansOfFullyEligibleWindows) {
    const GridFrame g{33, 27, 0, 0, 1};
    std::mt19937 rng(5);
    std::vector<std::uint8_t> ok(g.size());
    std::vector<float> val(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) {
        ok[i] = rng() % 10 != 0;
        val[i] = static_cast<float>(rng() % 1000) / 1000.f;
    }
    for (int side : {1, 3, 5}) {
        const auto m = windowMeans(g, ok, val, side);
        const int OW = g.width - side + 1, OH = g.height - side + 1;
        ASSERT_EQ(m.size(), static_cast<std::size_t>(OW) * OH);
        int full = 0;
        for (int r = 0; r < OH; ++r)
            for (int c = 0; c < OW; ++c) {
                double s = 0;
                bool all = true;
                for (int y = r; y < r + side; ++y)
                    for (int x = c; x < c + side; ++x) {
                        all = all && ok[g.index(x, y)];
                        s += val[g.index(x, y)];
                    }
                const float got = m[static_cast<std::size_t>(r) * OW + c];
                if (!all) {
                    ASSERT_TRUE(std::isnan(got));
                } else {
                    ++full;
                    ASSERT_NEAR(got, s / (side * side), 1e-6);
                }
            }
        EXPECT_GT(full, 0);
    }
    EXPECT_TRUE(windowMeans(g, ok, val, 40).empty());
}
