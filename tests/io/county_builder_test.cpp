#include "io/county_builder.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "io_fixtures.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

// End to end on the shipped extract of the public data (data/real, as shared/data/real).
TEST(CountyFromCodes, BuildsYongshunWithEveryVillageInsideTheOutline) {
    test::TempDir dir;
    const auto out = dir.file("yongshun.gpkg");
    Feedback fb;
    const auto r = io::buildCountyFromCodes("433127", std::string(RURALATLAS_SOURCE_DATA) + "/real", out, fb);
    EXPECT_EQ(r.countyName, "永顺县");
    EXPECT_EQ(r.epsg, 4546);
    // Counts from SOURCES.md: 23 townships; 303 villages in the 2023 list.
    EXPECT_EQ(r.townships, 23);
    EXPECT_EQ(r.villages, 303);
    EXPECT_EQ(test::countFeatures(out, "townships"), 23);
    EXPECT_EQ(test::countFeatures(out, "villages"), 303);

    // Independently: 2023 codes that have a 2016 row with a point.
    std::set<std::string> codes2023;
    {
        std::ifstream in(std::string(RURALATLAS_SOURCE_DATA) + "/real/china-division/villages.csv");
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line))
            if (line.compare(0, 6, "433127") == 0) codes2023.insert(line.substr(0, 12));
    }
    long long withPoint = 0;
    {
        std::ifstream in(std::string(RURALATLAS_SOURCE_DATA) + "/real/vonng-adcode/adcode/433127.csv");
        std::string line;
        while (std::getline(in, line)) {
            std::vector<std::string> f;
            std::stringstream ss(line);
            std::string x;
            while (std::getline(ss, x, ',')) f.push_back(x);
            if (f.size() > 13 && f[3] == "village" && !f[12].empty() && codes2023.count(f[0])) ++withPoint;
        }
    }
    EXPECT_GE(withPoint, 243);  // SOURCES.md: 243 same code and name with a point, plus renamed ones
    EXPECT_EQ(r.villagesWithPoint, withPoint);
    EXPECT_EQ(static_cast<long long>(r.withoutPoint.size()), 303 - withPoint);

    // Every village point inside the county outline, checked here with OGR.
    io::DatasetPtr ds = io::openVector(out, false);
    io::FeaturePtr county(ds->GetLayerByName("county")->GetNextFeature());
    ASSERT_TRUE(county && county->GetGeometryRef());
    long long inside = 0, points = 0;
    for (auto& f : *ds->GetLayerByName("villages")) {
        if (!f->GetGeometryRef()) continue;
        ++points;
        if (county->GetGeometryRef()->Contains(f->GetGeometryRef()))
            ++inside;
        else
            ADD_FAILURE() << f->GetFieldAsString("code") << " lies outside";
        EXPECT_EQ(std::string(f->GetFieldAsString("code")).substr(0, 9), f->GetFieldAsString("township_code"));
    }
    EXPECT_EQ(points, withPoint);
    EXPECT_EQ(inside, points);
    EXPECT_TRUE(r.outsideOutline.empty());
    // The area of 永顺县 is about 3,810 km² (public figure); the fence gives it within 5 %.
    const double km2 = county->GetGeometryRef()->toMultiPolygon()->get_Area() / 1e6;
    EXPECT_NEAR(km2, 3810, 190);
}

TEST(CountyFromCodes, UnknownCountyAndMissingDataAreClearErrors) {
    test::TempDir dir;
    Feedback fb;
    EXPECT_THROW(io::buildCountyFromCodes("433199", std::string(RURALATLAS_SOURCE_DATA) + "/real", dir.file("x.gpkg"), fb), DataError);
    EXPECT_THROW(io::buildCountyFromCodes("433127", dir.file("nowhere"), dir.file("x.gpkg"), fb), DataError);
    EXPECT_FALSE(std::filesystem::exists(dir.file("x.gpkg")));
}
