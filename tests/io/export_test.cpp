#include <gtest/gtest.h>

#include "io/exporter.hpp"
#include "io/importer.hpp"
#include "io_fixtures.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

namespace {
std::string projectWithVillagesAndHouseholds(const test::TempDir& dir) {
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::importCsv(
        p, dir, "villages",
        "code,name,township_code,lon,lat\n433127101201,伴湖村,433127101,109.8,29.0\n433127101202,红土坪村,433127101,109.9,29.1\n");
    std::string hh = "id,village_code,members,monitored,lon,lat\n";
    for (int i = 0; i < 7; ++i) hh += "H" + std::to_string(i) + ",433127101201,3," + (i < 3 ? "1" : "0") + ",109.8,29.0\n";
    for (int i = 7; i < 10; ++i) hh += "H" + std::to_string(i) + ",433127101202,2,1,109.9,29.1\n";
    test::importCsv(p, dir, "households", hh);
    return p;
}
}  // namespace

TEST(Export, ShapefileIsUtf8WithCpgAndReadsBackChinese) {
    test::TempDir dir;
    const auto p = projectWithVillagesAndHouseholds(dir);
    Feedback fb;
    io::exportLayer(p, "villages", dir.file("out.shp"), fb);
    EXPECT_EQ(test::readFile(dir.file("out.cpg")).substr(0, 5), "UTF-8");
    io::DatasetPtr ds = io::openVector(dir.file("out.shp"), false);
    OGRLayer* l = ds->GetLayer(0);
    EXPECT_EQ(l->GetFeatureCount(), 2);
    io::FeaturePtr f(l->GetNextFeature());
    EXPECT_STREQ(f->GetFieldAsString("name"), "伴湖村");
    EXPECT_FALSE(std::filesystem::exists(dir.file(".out.tmp-export")));
}

TEST(Export, GeoJsonIsInWgs84Degrees) {
    test::TempDir dir;
    const auto p = projectWithVillagesAndHouseholds(dir);
    Feedback fb;
    io::exportLayer(p, "villages", dir.file("v.geojson"), fb);
    io::DatasetPtr ds = io::openVector(dir.file("v.geojson"), false);
    io::FeaturePtr f(ds->GetLayer(0)->GetNextFeature());
    const OGRPoint* pt = f->GetGeometryRef()->toPoint();
    EXPECT_NEAR(pt->getX(), 109.8, 1e-6);
    EXPECT_NEAR(pt->getY(), 29.0, 1e-6);
}

TEST(Export, CsvAndXlsxCarryLonLat) {
    test::TempDir dir;
    const auto p = projectWithVillagesAndHouseholds(dir);
    Feedback fb;
    for (const char* name : {"v.csv", "v.xlsx"}) {
        io::exportLayer(p, "villages", dir.file(name), fb);
        io::DatasetPtr ds = io::openVector(dir.file(name), false);
        io::FeaturePtr f(ds->GetLayer(0)->GetNextFeature());
        ASSERT_TRUE(f) << name;
        EXPECT_NEAR(f->GetFieldAsDouble("lon"), 109.8, 1e-6) << name;
        EXPECT_NEAR(f->GetFieldAsDouble("lat"), 29.0, 1e-6) << name;
        EXPECT_STREQ(f->GetFieldAsString("name"), "伴湖村") << name;
    }
}

TEST(Export, HouseholdsLeaveOnlyAsAggregatesWithSmallCountsSuppressed) {
    test::TempDir dir;
    const auto p = projectWithVillagesAndHouseholds(dir);
    Feedback fb;
    const auto r = io::exportLayer(p, "households", dir.file("h.csv"), fb);
    EXPECT_TRUE(r.aggregated);
    const std::string text = test::readFile(dir.file("h.csv"));
    EXPECT_EQ(text.find("H1"), std::string::npos);  // no pseudonymous ids
    const char* opts[] = {"EMPTY_STRING_AS_NULL=YES", nullptr};
    io::DatasetPtr ds = io::openVector(dir.file("h.csv"), false, opts);
    OGRLayer* l = ds->GetLayer(0);
    EXPECT_EQ(l->GetFeatureCount(), 2);
    EXPECT_EQ(text.find(",\"3\""), std::string::npos) << text;  // no count of 3 anywhere
    for (auto& f : *l) {
        const std::string v = f->GetFieldAsString("village_code");
        if (v == "433127101201") {
            EXPECT_EQ(f->GetFieldAsInteger64("households"), 7);
            EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("monitored_households")));  // 3 < 5
        } else {
            EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("households")));  // 3 < 5
            EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("members")));
        }
    }
}
