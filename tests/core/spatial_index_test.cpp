// The shared spatial index against brute force, and the one code-to-title lookup.
#include "core/spatial_index.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/schema.hpp"

namespace ruralatlas {
namespace {

TEST(SpatialIndex, BoxQueriesEqualBruteForce) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> pos(0, 1000), size(0, 30);
    std::vector<Bounds> boxes;
    for (int i = 0; i < 5000; ++i) {
        const double x = pos(rng), y = pos(rng);
        boxes.push_back({x, y, x + (i % 3 ? size(rng) : 0), y + size(rng)});  // some are segments or points
    }
    boxes.push_back(Bounds{});  // an empty box is never found
    const BoxIndex index(boxes);
    EXPECT_EQ(index.size(), 5000u);
    std::vector<std::uint32_t> got;
    for (int q = 0; q < 200; ++q) {
        const double x = pos(rng), y = pos(rng), w = size(rng) * 3;
        const Bounds box{x, y, x + w, y + w};
        index.query(box, got);
        std::vector<std::uint32_t> want;
        for (std::uint32_t i = 0; i < boxes.size(); ++i) {
            const Bounds& b = boxes[i];
            if (b.valid() && b.minx <= box.maxx && b.maxx >= box.minx && b.miny <= box.maxy && b.maxy >= box.miny) want.push_back(i);
        }
        ASSERT_EQ(got, want) << "query " << q;
    }
    // Touching edges meet.
    const BoxIndex two({Bounds{0, 0, 1, 1}, Bounds{2, 2, 3, 3}});
    two.query(Bounds{1, 1, 2, 2}, got);
    EXPECT_EQ(got, (std::vector<std::uint32_t>{0, 1}));
    BoxIndex empty;
    empty.query(Bounds{0, 0, 1, 1}, got);
    EXPECT_TRUE(got.empty());
}

TEST(SpatialIndex, NearestPointIsTheClosestByBruteForce) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> pos(-5000, 5000);
    std::vector<XY> points;
    for (int i = 0; i < 3000; ++i) points.push_back({pos(rng), pos(rng)});
    const PointIndex index(points);
    for (int q = 0; q < 500; ++q) {
        const XY at{pos(rng), pos(rng)};
        const int k = index.nearest(at);
        ASSERT_GE(k, 0);
        double best = INFINITY;
        for (const XY& p : points) best = std::min(best, std::hypot(p.x - at.x, p.y - at.y));
        EXPECT_DOUBLE_EQ(std::hypot(points[size_t(k)].x - at.x, points[size_t(k)].y - at.y), best);
    }
    EXPECT_EQ(PointIndex({}).nearest({0, 0}), -1);
}

TEST(CodeTitles, OneLookupForEnumerationsAndLandUse) {
    EXPECT_EQ(codeTitle("village_status", "former_poor").value_or(""), "脱贫村");
    EXPECT_FALSE(codeTitle("village_status", "no_such_code"));
    EXPECT_FALSE(codeTitle("no_such_enumeration", "x"));
    EXPECT_EQ(fieldValueTitle("facilities", "kind", "village_clinic").value_or(""), "村卫生室");
    EXPECT_FALSE(fieldValueTitle("villages", "name", "x"));                // not a coded field
    EXPECT_TRUE(fieldValueTitle("landuse_plan", "landuse_code", "0101"));  // 2023 land-use class
    EXPECT_FALSE(fieldValueTitle("no_such_layer", "kind", "clinic"));
}

}  // namespace
}  // namespace ruralatlas
