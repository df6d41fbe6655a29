#include "core/gcj02.hpp"

#include <gtest/gtest.h>

using namespace ruralatlas;

// Tolerance 0.5 m for every round trip, on a 0.25° grid over China's mainland box.
TEST(Gcj02, RoundTripBelowHalfAMetreOverChina) {
    double worst = 0;
    for (double lat = 18.0; lat <= 53.5; lat += 0.25)
        for (double lon = 73.5; lon <= 134.75; lon += 0.25) {
            const LonLat w{lon, lat};
            const LonLat back = gcj02ToWgs84(wgs84ToGcj02(w));
            worst = std::max(worst, haversineMetres(w, back));
        }
    EXPECT_LT(worst, 0.5);
    EXPECT_LT(worst, 0.01);  // the iteration converges far below the requirement
}

TEST(Gcj02, InverseOfGcjGivesBackTheGcjPoint) {
    const LonLat g{109.856933, 28.979955};  // 永顺县 county seat as published (GCJ-02)
    EXPECT_LT(haversineMetres(wgs84ToGcj02(gcj02ToWgs84(g)), g), 0.01);
}

// SOURCES.md (computed independently of this code): in 永顺县 GCJ-02 is shifted from WGS84 by
// about 550-600 m, +445..+490 m east and -280..-380 m south.
TEST(Gcj02, ShiftInYongshunMatchesThePublishedMagnitude) {
    for (double lon = 109.6; lon <= 110.4; lon += 0.2)
        for (double lat = 28.7; lat <= 29.45; lat += 0.25) {
            const LonLat w{lon, lat};
            const LonLat g = wgs84ToGcj02(w);
            const double east = haversineMetres(w, {g.lon, w.lat}) * (g.lon > w.lon ? 1 : -1);
            const double north = haversineMetres(w, {w.lon, g.lat}) * (g.lat > w.lat ? 1 : -1);
            EXPECT_GT(east, 430) << lon << "," << lat;
            EXPECT_LT(east, 500);
            EXPECT_LT(north, -270);
            EXPECT_GT(north, -390);
        }
}

TEST(Gcj02, NoOffsetOutsideChina) {
    const LonLat tokyoish{139.7, 35.7};
    const LonLat g = wgs84ToGcj02(tokyoish);
    EXPECT_DOUBLE_EQ(g.lon, tokyoish.lon);
    EXPECT_DOUBLE_EQ(g.lat, tokyoish.lat);
}

TEST(Bd09, RoundTripBelowHalfAMetreOverChina) {
    double worst = 0;
    for (double lat = 18.0; lat <= 53.5; lat += 0.5)
        for (double lon = 73.5; lon <= 134.75; lon += 0.5) {
            const LonLat w{lon, lat};
            worst = std::max(worst, haversineMetres(w, bd09ToWgs84(wgs84ToBd09(w))));
        }
    EXPECT_LT(worst, 0.5);
}

TEST(Bd09, OffsetFromGcjIsAFewHundredMetres) {
    // BD-09 adds about 0.0065° east and 0.006° north to GCJ-02: several hundred metres.
    const LonLat g{116.4, 39.9};
    const double d = haversineMetres(g, gcj02ToBd09(g));
    EXPECT_GT(d, 500);
    EXPECT_LT(d, 1200);
}
