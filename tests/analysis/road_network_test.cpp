// Road scenarios with known answers. Speeds are chosen so minutes are easy by hand:
// 60 km/h = 1 km per minute; walking legs at 5 km/h = 12 minutes per km.
#include "analysis/road_network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace ruralatlas;
using namespace ruralatlas::analysis;

namespace {
RoadRec road(std::vector<XY> line, double kmh = 60, bool oneway = false) {
    RoadRec r;
    r.line = std::move(line);
    r.cls = "county";
    r.speedKmh = kmh;
    r.oneway = oneway;
    return r;
}
Route one(const std::vector<RoadRec>& roads, XY facility, XY village, NetworkOptions o = {}) {
    RoadNetwork n(roads, o);
    Feedback fb;
    return n.nearest({facility}, {village}, fb)[0];
}

// A random n x n street grid, `step` metres apart (some streets missing, random speeds, some
// one-way), with the brute-force minutes between its nodes (Floyd-Warshall): d[a][b] from node a
// to node b, node (x, y) numbered y * n + x.
struct RandomGrid {
    std::vector<RoadRec> roads;
    std::vector<std::vector<double>> d;
};
RandomGrid randomGrid(std::mt19937& rng, int n, double step) {
    RandomGrid g;
    const int N = n * n;
    g.d.assign(N, std::vector<double>(N, kUnreachable));
    for (int i = 0; i < N; ++i) g.d[i][i] = 0;
    auto id = [&](int x, int y) { return y * n + x; };
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            for (auto [dx, dy] : {std::pair{1, 0}, std::pair{0, 1}}) {
                if (x + dx >= n || y + dy >= n || rng() % 5 == 0) continue;  // some streets missing
                const double kmh = 10 + rng() % 70;
                const bool oneway = rng() % 4 == 0;
                g.roads.push_back(road({{x * step, y * step}, {(x + dx) * step, (y + dy) * step}}, kmh, oneway));
                const double minutes = step / (kmh * 1000 / 60);
                const int a = id(x, y), b = id(x + dx, y + dy);
                g.d[a][b] = std::min(g.d[a][b], minutes);
                if (!oneway) g.d[b][a] = std::min(g.d[b][a], minutes);
            }
    for (int k = 0; k < N; ++k)
        for (int i = 0; i < N; ++i)
            for (int j = 0; j < N; ++j) g.d[i][j] = std::min(g.d[i][j], g.d[i][k] + g.d[k][j]);
    return g;
}
}  // namespace

//   V=========F      one road, 1,000 m at 60 km/h
TEST(RoadNetwork, StraightRoadTakesLengthOverSpeed) {
    const auto r = one({road({{0, 0}, {1000, 0}})}, {1000, 0}, {0, 0});
    ASSERT_TRUE(r.reachable());
    EXPECT_NEAR(r.minutes, 1.0, 1e-9);
    EXPECT_NEAR(r.metres, 1000.0, 1e-9);
}

//   V          the village 100 m off the road walks to the nearest point of the edge
//   |          (not to a node): 1.2 min walking + 0.5 min driving.
//   ====+====F
TEST(RoadNetwork, WalkingLegGoesToTheNearestPointOfTheEdge) {
    const auto r = one({road({{0, 0}, {1000, 0}})}, {1000, 0}, {500, 100});
    ASSERT_TRUE(r.reachable());
    EXPECT_NEAR(r.minutes, 1.2 + 0.5, 1e-9);
    EXPECT_NEAR(r.metres, 100 + 500, 1e-9);
}

//   +---------+      the one-way road runs west to east; going back means the 3 km loop.
//   |         |
//   A-->-->-->B
TEST(RoadNetwork, OneWayRoadsAreOnlyDrivenOneWay) {
    const std::vector<RoadRec> roads = {road({{0, 0}, {1000, 0}}, 60, true), road({{1000, 0}, {1000, 1000}, {0, 1000}, {0, 0}}, 60)};
    const auto forward = one(roads, {1000, 0}, {0, 0});
    EXPECT_NEAR(forward.minutes, 1.0, 1e-9);
    const auto backward = one(roads, {0, 0}, {1000, 0});
    EXPECT_NEAR(backward.minutes, 3.0, 1e-9);
    EXPECT_NEAR(backward.metres, 3000.0, 1e-9);
}

//        F
//        |
//   V----+----      two roads that cross without a shared vertex are noded at the crossing
//        |
TEST(RoadNetwork, CrossingRoadsAreNoded) {
    const std::vector<RoadRec> roads = {road({{-1000, 0}, {1000, 0}}), road({{0, -1000}, {0, 1000}})};
    const auto r = one(roads, {0, 1000}, {-1000, 0});
    ASSERT_TRUE(r.reachable());
    EXPECT_NEAR(r.minutes, 2.0, 1e-9);
}

//   V----+----F     a road ending 0.3 m from another's interior touches it (tolerance 0.5 m)
//        |
//        S
TEST(RoadNetwork, RoadsTouchingWithinToleranceAreJoined) {
    const std::vector<RoadRec> roads = {road({{-1000, 0}, {1000, 0}}), road({{0, -1000}, {0, -0.3}})};
    const auto r = one(roads, {0, -1000}, {-1000, 0});
    ASSERT_TRUE(r.reachable());
    EXPECT_NEAR(r.minutes, 2.0, 1e-3);
    NetworkOptions strict;
    strict.tolerance = 0.1;
    strict.maxWalkMetres = 0.2;  // no walking across the gap either
    EXPECT_FALSE(one(roads, {0, -1000}, {-1000, 0}, strict).reachable());
}

//   F=====           V=====      a separate piece of network: unreachable, not "far"
TEST(RoadNetwork, DisconnectedPartsAreUnreachable) {
    const std::vector<RoadRec> roads = {road({{0, 0}, {1000, 0}}), road({{10000, 0}, {11000, 0}})};
    const auto r = one(roads, {0, 0}, {11000, 0});
    EXPECT_FALSE(r.reachable());
    EXPECT_TRUE(std::isinf(r.minutes));
}

//   V                       a village 3 km from the nearest road is off the network unless
//                           walks that long are allowed (then: 36 min walking + 1 min driving)
//   =========F
TEST(RoadNetwork, VillageOffTheNetwork) {
    const std::vector<RoadRec> roads = {road({{0, 0}, {1000, 0}})};
    EXPECT_FALSE(one(roads, {1000, 0}, {0, 3000}).reachable());
    NetworkOptions far;
    far.maxWalkMetres = 5000;
    const auto r = one(roads, {1000, 0}, {0, 3000}, far);
    ASSERT_TRUE(r.reachable());
    EXPECT_NEAR(r.minutes, 36.0 + 1.0, 1e-9);
}

// The nearest by time, not by distance: 2 km of track (20 km/h, 6 min) against 4 km of
// provincial road (80 km/h, 3 min).
TEST(RoadNetwork, NearestIsByTimeNotDistance) {
    const std::vector<RoadRec> roads = {road({{0, 0}, {-2000, 0}}, 20), road({{0, 0}, {4000, 0}}, 80)};
    RoadNetwork n(roads, {});
    Feedback fb;
    const auto r = n.nearest({{-2000, 0}, {4000, 0}}, {{0, 0}}, fb)[0];
    EXPECT_EQ(r.source, 1);
    EXPECT_NEAR(r.minutes, 3.0, 1e-9);
}

TEST(RoadNetwork, SpeedDefaultsFromClassAndSurface) {
    EXPECT_EQ(defaultRoadSpeed("county", "hardened"), 40);
    EXPECT_EQ(defaultRoadSpeed("village", "gravel"), 14);
    EXPECT_EQ(defaultRoadSpeed("track", "earth"), 5);
}

// Against an independent Floyd-Warshall on random grid networks with random speeds and one-way
// streets, villages and facilities on nodes.
TEST(RoadNetwork, AgreesWithBruteForceOnRandomGrids) {
    std::mt19937 rng(42);
    for (int trial = 0; trial < 5; ++trial) {
        const int n = 6;
        const double step = 500;
        const int N = n * n;
        auto id = [&](int x, int y) { return y * n + x; };
        auto [roads, d] = randomGrid(rng, n, step);
        std::vector<int> facilities = {id(0, 0), id(5, 5), id(2, 3)};
        std::vector<XY> src, dst;
        for (int f : facilities) src.push_back({(f % n) * step, (f / n) * step});
        for (int v = 0; v < N; ++v) dst.push_back({(v % n) * step, (v / n) * step});
        RoadNetwork net(roads, {});
        Feedback fb;
        const auto routes = net.nearest(src, dst, fb);
        for (int v = 0; v < N; ++v) {
            double best = kUnreachable;
            for (int f : facilities) best = std::min(best, d[v][f]);
            if (std::isinf(best)) {
                EXPECT_FALSE(routes[v].reachable()) << "trial " << trial << " village " << v;
            } else {
                ASSERT_TRUE(routes[v].reachable()) << "trial " << trial << " village " << v;
                EXPECT_NEAR(routes[v].minutes, best, 1e-9) << "trial " << trial << " village " << v;
            }
        }
    }
}

// One long road made of many one-segment roads (so every inner node has degree 2 and the chain
// is contracted into a single edge), each segment drawn either way, some one-way, with villages
// and facilities between nodes: against a direct walk along the line.
TEST(RoadNetwork, ContractedChainsKeepOneWaySegmentsAndPositions) {
    std::mt19937 rng(3);
    for (int trial = 0; trial < 20; ++trial) {
        const int n = 12;
        std::vector<double> x(n + 1);
        for (int i = 1; i <= n; ++i) x[i] = x[i - 1] + 100 + rng() % 400;
        std::vector<RoadRec> roads;
        struct Piece {
            double x0, x1, minutes;
            int allowed;  // +1 only toward +x, -1 only toward -x, 0 both
        };
        std::vector<Piece> pieces;
        for (int i = 0; i < n; ++i) {
            const double kmh = 10 + rng() % 60;
            const bool reversed = rng() % 2, oneway = rng() % 4 == 0;
            XY a{x[i], 0}, b{x[i + 1], 0};
            if (reversed) std::swap(a, b);
            roads.push_back(road({a, b}, kmh, oneway));
            pieces.push_back({x[i], x[i + 1], (x[i + 1] - x[i]) / (kmh * 1000 / 60), oneway ? (reversed ? -1 : 1) : 0});
        }
        auto travel = [&](double from, double to) {
            double t = 0;
            for (const Piece& p : pieces) {
                const double lo = std::max(std::min(from, to), p.x0), hi = std::min(std::max(from, to), p.x1);
                if (hi <= lo) continue;
                const int dir = to > from ? 1 : -1;
                if (p.allowed != 0 && p.allowed != dir) return kUnreachable;
                t += (hi - lo) / (p.x1 - p.x0) * p.minutes;
            }
            return t;
        };
        std::uniform_real_distribution<double> pos(0, x[n]);
        std::vector<XY> fac(3), vil(15);
        for (auto& p : fac) p = {pos(rng), 0};
        for (auto& p : vil) p = {pos(rng), 0};
        RoadNetwork net(roads, {});
        EXPECT_LE(net.edgeCount(), 1u);  // contracted into one edge
        Feedback fb;
        const auto r = net.nearest(fac, vil, fb);
        for (std::size_t v = 0; v < vil.size(); ++v) {
            double best = kUnreachable;
            for (const auto& f : fac) best = std::min(best, travel(vil[v].x, f.x));
            if (std::isinf(best)) {
                EXPECT_FALSE(r[v].reachable()) << "trial " << trial << " village " << v;
            } else {
                ASSERT_TRUE(r[v].reachable()) << "trial " << trial << " village " << v;
                EXPECT_NEAR(r[v].minutes, best, 1e-9) << "trial " << trial << " village " << v;
            }
        }
    }
}

// The sparse cost rows of a location problem: from each source, every target within the cut-off,
// against brute-force shortest paths (Floyd-Warshall on the grid's nodes, one-way streets
// included) and against fromOne for points between nodes and on a ring road (a loop edge).
TEST(RoadNetwork, WithinFromEachIsTheCutOffOfBruteForce) {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 5; ++trial) {
        const int n = 7;
        const double step = 500;
        const int N = n * n;
        auto id = [&](int x, int y) { return y * n + x; };
        auto [roads, d] = randomGrid(rng, n, step);
        // A ring road beside the grid, joined to nothing: a closed line is a loop edge.
        roads.push_back(road({{5000, 0}, {6000, 0}, {6000, 1000}, {5000, 1000}, {5000, 0}}, 30));
        RoadNetwork net(roads, {});
        std::vector<int> srcNodes = {id(0, 0), id(3, 3), id(6, 2), id(1, 5)};
        std::vector<XY> src, dst;
        for (int s : srcNodes) src.push_back({(s % n) * step, (s / n) * step});
        for (int v = 0; v < N; ++v) dst.push_back({(v % n) * step, (v / n) * step});
        const double cutoff = 4.0;
        const auto rows = net.withinFromEach(src, dst, cutoff, nullptr, 2);
        ASSERT_EQ(rows.size(), src.size());
        for (std::size_t j = 0; j < src.size(); ++j) {
            std::vector<std::pair<std::uint32_t, double>> want;
            for (int v = 0; v < N; ++v)
                if (d[v][srcNodes[j]] <= cutoff) want.emplace_back(std::uint32_t(v), d[v][srcNodes[j]]);
            ASSERT_EQ(rows[j].size(), want.size()) << "trial " << trial << " source " << j;
            for (std::size_t k = 0; k < want.size(); ++k) {
                EXPECT_EQ(rows[j][k].first, want[k].first) << "trial " << trial << " source " << j;
                EXPECT_NEAR(rows[j][k].second, want[k].second, 1e-9) << "trial " << trial << " source " << j;
                EXPECT_GE(rows[j][k].second, 0.0);
            }
        }
        // Points between nodes and around the ring: the same rows as fromOne gives one by one.
        std::uniform_real_distribution<double> u(0, 1);
        std::vector<XY> pts;
        for (int k = 0; k < 60; ++k) {
            const int x = int(rng() % n), y = int(rng() % (n - 1));
            pts.push_back({x * step + (rng() % 3 == 0 ? 20 : 0), (y + u(rng)) * step});  // on a street, or 20 m off it
        }
        for (int k = 0; k < 10; ++k) pts.push_back({5000 + 1000 * u(rng), k % 2 ? 0.0 : 1000.0});  // on the ring
        std::vector<XY> from = {pts[0], pts[1], pts[60], pts[65], {5000, 0}};
        const auto sparse = net.withinFromEach(from, pts, 6.0, nullptr, 1);
        for (std::size_t j = 0; j < from.size(); ++j) {
            const auto dense = net.fromOne(from[j], pts, 6.0);
            std::vector<std::pair<std::uint32_t, double>> want;
            for (std::size_t i = 0; i < pts.size(); ++i)
                if (dense[i].reachable()) want.emplace_back(std::uint32_t(i), std::max(0.0, dense[i].minutes));
            ASSERT_EQ(sparse[j].size(), want.size()) << "trial " << trial << " from " << j;
            for (std::size_t k = 0; k < want.size(); ++k) {
                EXPECT_EQ(sparse[j][k].first, want[k].first);
                EXPECT_NEAR(sparse[j][k].second, want[k].second, 1e-9);
            }
        }
        // A node reached from itself costs nothing, exactly (never a hair below zero).
        for (std::size_t j = 0; j < src.size(); ++j)
            for (const auto& [v, minutes] : rows[j])
                if (int(v) == srcNodes[j]) EXPECT_EQ(minutes, 0.0) << "trial " << trial << " source " << j;
    }
}
