#include "analysis/nearest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace ruralatlas::analysis;

// Against brute force on random cases (tolerance: exact, the same arithmetic).
TEST(NearestStraight, AgreesWithBruteForce) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 50000);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<XY> f(1 + rng() % 300), v(1 + rng() % 3000);
        for (auto& p : f) p = {u(rng), u(rng)};
        for (auto& p : v) p = {u(rng), u(rng)};
        const auto r = nearestStraight(f, v, 2);
        for (std::size_t i = 0; i < v.size(); ++i) {
            double best = 1e300;
            for (const auto& p : f) best = std::min(best, std::hypot(p.x - v[i].x, p.y - v[i].y));
            ASSERT_TRUE(r[i].reachable());
            EXPECT_DOUBLE_EQ(r[i].metres, best);
            const XY& chosen = f[static_cast<std::size_t>(r[i].source)];
            EXPECT_DOUBLE_EQ(std::hypot(chosen.x - v[i].x, chosen.y - v[i].y), best);
        }
    }
}

TEST(NearestStraight, NoFacilitiesMeansUnreachable) {
    const auto r = nearestStraight({}, {{0, 0}}, 2);
    EXPECT_FALSE(r[0].reachable());
}
