// The segment grid against brute force: nearest segment within a distance, and every pair of
// segments that come within the padding of each other found (each finding reported once).
#include "analysis/segment_grid.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

using namespace ruralatlas::analysis;

namespace {
struct Seg {
    XY a, b;
};
std::vector<Seg> randomSegments(std::mt19937& rng, int n, double extent, double maxLength) {
    std::uniform_real_distribution<double> at(0, extent), len(-maxLength, maxLength);
    std::vector<Seg> out;
    for (int i = 0; i < n; ++i) {
        const XY a{at(rng), at(rng)};
        out.push_back({a, {a.x + len(rng), a.y + len(rng)}});
    }
    // Long ones across many cells (filed by distance to each cell, not by bounding box) and a
    // zero-length one, which must be filed correctly too.
    std::uniform_real_distribution<double> longLen(-extent / 2, extent / 2);
    for (int i = 0; i < n / 20; ++i) {
        const XY a{at(rng), at(rng)};
        out.push_back({a, {a.x + longLen(rng), a.y + longLen(rng)}});
    }
    out.push_back({{0, 0}, {extent, extent}});
    out.push_back({{extent, 0}, {0, extent * 0.9}});
    out.push_back({{extent / 2, extent / 2}, {extent / 2, extent / 2}});
    return out;
}
double segSegDistance2(const Seg& s, const Seg& o) {
    return std::min({segmentDistance2(s.a, s.b, o.a), segmentDistance2(s.a, s.b, o.b), segmentDistance2(o.a, o.b, s.a),
                     segmentDistance2(o.a, o.b, s.b)});
}
}  // namespace

TEST(SegmentGrid, NearestAgreesWithBruteForce) {
    std::mt19937 rng(7);
    for (int round = 0; round < 4; ++round) {
        const auto segs = randomSegments(rng, 300 + round * 400, 10000, 50 + round * 200);
        auto ends = [&](std::size_t i) { return std::pair<XY, XY>(segs[i].a, segs[i].b); };
        const SegmentGrid grid(segs.size(), ends, 0.0);
        std::uniform_real_distribution<double> at(-2000, 12000);  // some queries outside the grid
        for (int q = 0; q < 500; ++q) {
            const XY p{at(rng), at(rng)};
            const double maxDist = q % 3 == 0 ? 1e9 : 300.0;
            double best = maxDist * maxDist;
            std::uint32_t bestI = UINT32_MAX;
            for (std::uint32_t i = 0; i < segs.size(); ++i) {
                const double d2 = segmentDistance2(segs[i].a, segs[i].b, p);
                if (d2 < best || (d2 == best && i < bestI)) {
                    best = d2;
                    bestI = i;
                }
            }
            std::uint32_t got;
            double d2, t;
            const bool found = grid.nearest(p, maxDist, ends, got, d2, t);
            ASSERT_EQ(found, bestI != UINT32_MAX) << "query " << q << " round " << round;
            if (found) {
                EXPECT_EQ(got, bestI);
                EXPECT_DOUBLE_EQ(d2, best);
                EXPECT_GE(t, 0.0);
                EXPECT_LE(t, 1.0);
            }
        }
    }
}

TEST(SegmentGrid, EveryNearPairIsVisitedInACellWhereItsClosestPointLies) {
    // Brute force: every pair where an end of one lies within `pad` of the other. Grid: the
    // visitor reports a pair only in the cell holding that end, as the road network reports its
    // findings; every pair must come out exactly once.
    std::mt19937 rng(11);
    for (double pad : {0.0, 0.5, 30.0}) {
        const auto segs = randomSegments(rng, 1500, 5000, 120);
        auto ends = [&](std::size_t i) { return std::pair<XY, XY>(segs[i].a, segs[i].b); };
        const SegmentGrid grid(segs.size(), ends, pad);
        std::set<std::pair<std::uint32_t, std::uint32_t>> expected;
        for (std::uint32_t i = 0; i < segs.size(); ++i)
            for (std::uint32_t j = i + 1; j < segs.size(); ++j) {
                if (segSegDistance2(segs[i], segs[j]) <= pad * pad) expected.insert({i, j});
            }
        using Found = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
        auto states = grid.forEachPair<Found>(
            2, [] { return Found{}; },
            [&](Found& f, std::size_t cell, std::uint32_t i, std::uint32_t j) {
                ASSERT_LT(i, j);
                // Where they meet: the first end (in a fixed order) within pad of the other segment.
                const Seg& s = segs[i];
                const Seg& o = segs[j];
                XY where{};
                bool near = false;
                for (const XY& e : {o.a, o.b})
                    if (!near && segmentDistance2(s.a, s.b, e) <= pad * pad) where = e, near = true;
                for (const XY& e : {s.a, s.b})
                    if (!near && segmentDistance2(o.a, o.b, e) <= pad * pad) where = e, near = true;
                if (near && grid.cellOf(where) == cell) f.push_back({i, j});
            });
        std::multiset<std::pair<std::uint32_t, std::uint32_t>> got;
        for (const auto& f : states) got.insert(f.begin(), f.end());
        EXPECT_EQ(got.size(), expected.size()) << "pad " << pad;  // no pair twice
        const std::set<std::pair<std::uint32_t, std::uint32_t>> distinct(got.begin(), got.end());
        EXPECT_EQ(distinct, expected) << "pad " << pad;
    }
}
