#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/gcj02.hpp"
#include "io/proj_transform.hpp"

using namespace ruralatlas;

namespace {
// Meridian arc length on the CGCS2000 ellipsoid by Simpson integration: an independent
// check of PROJ's Gauss-Krüger northing on the central meridian.
double meridianArc(double latDeg) {
    const double a = 6378137.0, f = 1 / 298.257222101, e2 = f * (2 - f);
    const double phi = latDeg * std::numbers::pi / 180;
    const int n = 20000;
    auto m = [&](double p) {
        const double s = std::sin(p);
        return a * (1 - e2) / std::pow(1 - e2 * s * s, 1.5);
    };
    double sum = m(0) + m(phi);
    for (int i = 1; i < n; ++i) sum += (i % 2 ? 4 : 2) * m(phi * i / n);
    return sum * phi / n / 3;
}
}  // namespace

TEST(CrsTransform, GaussKrugerOnTheCentralMeridianIsTheMeridianArc) {
    io::CrsTransform t("EPSG:4490", 4546);  // CGCS2000 geographic, lon/lat order
    double x = 111.0, y = 29.0;
    ASSERT_TRUE(t.transform(x, y));
    EXPECT_NEAR(x, 500000.0, 1e-6);
    EXPECT_NEAR(y, meridianArc(29.0), 0.001);  // tolerance 1 mm
}

TEST(CrsTransform, AxisOrderIsLongitudeFirstForEpsg4326) {
    io::CrsTransform t("EPSG:4326", 4546);
    double x = 109.9, y = 29.0;
    ASSERT_TRUE(t.transform(x, y));
    EXPECT_LT(x, 500000.0);  // west of 111°E
    EXPECT_GT(y, 3.2e6);
}

TEST(CrsTransform, Gcj02SourceLandsWhereTheWgs84PointDoes) {
    const LonLat wgs{109.85, 28.98};
    const LonLat gcj = wgs84ToGcj02(wgs);
    io::CrsTransform fromGcj("gcj02", 4546), fromWgs("EPSG:4326", 4546);
    double x1 = gcj.lon, y1 = gcj.lat, x2 = wgs.lon, y2 = wgs.lat, x3 = gcj.lon, y3 = gcj.lat;
    ASSERT_TRUE(fromGcj.transform(x1, y1));
    ASSERT_TRUE(fromWgs.transform(x2, y2));
    ASSERT_TRUE(fromWgs.transform(x3, y3));  // the mistake: GCJ read as WGS84
    EXPECT_LT(std::hypot(x1 - x2, y1 - y2), 0.5);
    EXPECT_GT(std::hypot(x3 - x2, y3 - y2), 400.0);
    // And back.
    ASSERT_TRUE(fromGcj.inverse(x1, y1));
    EXPECT_LT(haversineMetres({x1, y1}, gcj), 0.5);
}

TEST(CrsTransform, Bd09SourceLandsWhereTheWgs84PointDoes) {
    const LonLat wgs{109.85, 28.98};
    const LonLat bd = wgs84ToBd09(wgs);
    io::CrsTransform fromBd("bd09", 4546), fromWgs("EPSG:4326", 4546);
    double x1 = bd.lon, y1 = bd.lat, x2 = wgs.lon, y2 = wgs.lat;
    ASSERT_TRUE(fromBd.transform(x1, y1));
    ASSERT_TRUE(fromWgs.transform(x2, y2));
    EXPECT_LT(std::hypot(x1 - x2, y1 - y2), 0.5);
}

TEST(CrsTransform, UnknownCrsIsAnError) { EXPECT_THROW(io::CrsTransform("EPSG:999999", 4546), std::runtime_error); }
