#include "core/crs.hpp"

#include <gtest/gtest.h>

using namespace ruralatlas;

TEST(GaussKruger, ZoneIsTheNearestCentralMeridian) {
    // Zone = round(lon / 3); EPSG = 4509 + zone (CGCS2000 3-degree GK, no zone prefix).
    EXPECT_EQ(gaussKrugerZone(109.9), 37);  // 永顺县: central meridian 111°E
    EXPECT_EQ(gaussKrugerEpsgForLongitude(109.9), 4546);
    EXPECT_EQ(gaussKrugerEpsgForLongitude(112.6), 4547);  // 37.53 -> zone 38, 114°E
    EXPECT_EQ(gaussKrugerEpsgForLongitude(116.4), 4548);  // Beijing: 117°E
    EXPECT_DOUBLE_EQ(gaussKrugerCentralMeridian(37), 111.0);
}

TEST(GaussKruger, ClampsToTheZonesOfChina) {
    EXPECT_EQ(gaussKrugerEpsgForLongitude(74.0), 4534);   // 75°E
    EXPECT_EQ(gaussKrugerEpsgForLongitude(135.1), 4554);  // 135°E
    EXPECT_EQ(gaussKrugerEpsgForLongitude(140.0), 4554);
}

TEST(GaussKruger, ParsesAndRecognisesEpsgCodes) {
    EXPECT_EQ(parseEpsg("EPSG:4546"), 4546);
    EXPECT_EQ(parseEpsg("epsg:4490"), 4490);
    EXPECT_EQ(parseEpsg("4546"), 4546);
    EXPECT_FALSE(parseEpsg("EPSG:"));
    EXPECT_FALSE(parseEpsg("WGS84"));
    EXPECT_TRUE(isGaussKrugerEpsg(4546));
    EXPECT_FALSE(isGaussKrugerEpsg(4523));  // zone-prefixed variant
    EXPECT_FALSE(isGaussKrugerEpsg(4326));
}
