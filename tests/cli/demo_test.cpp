// The demo county as a user gets it: deterministic, valid, connected, with realistic gaps.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {
long long scalar(GDALDataset& ds, const std::string& sql) {
    OGRLayer* r = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!r) return -1;
    io::FeaturePtr f(r->GetNextFeature());
    const long long v = f ? f->GetFieldAsInteger64(0) : -1;
    ds.ReleaseResultSet(r);
    return v;
}

class Demo : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new TempDir();
        const auto r = runCli("demo --out " + quote(s_dir->file("demo.gpkg")) + " --villages 300 --seed 7");
        ASSERT_EQ(r.status, 0) << r.output;
    }
    static void TearDownTestSuite() { delete s_dir; }
    static std::string path() { return s_dir->file("demo.gpkg"); }
    static TempDir* s_dir;
};
TempDir* Demo::s_dir = nullptr;
}  // namespace

TEST_F(Demo, HasEveryLayerFilledAndIsLabelledSynthetic) {
    io::DatasetPtr ds = io::openVector(path(), false);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(*) FROM villages"), 300);
    for (const char* l : {"county", "townships", "facilities", "roads", "rivers", "resettlement_sites", "relocations", "industry_projects",
                          "project_links", "landuse_plan", "constraints", "households", "standards"})
        EXPECT_GT(scalar(*ds, std::string("SELECT COUNT(*) FROM ") + l), 0) << l;
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(*) FROM project_meta WHERE key='synthetic' AND value='true'"), 1);
    // Every facility kind and every constraint kind occurs.
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(DISTINCT kind) FROM facilities"), 12);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(DISTINCT kind) FROM constraints"), 7);
    // Village territories for every village, land use for every village, plans for about a third.
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(*) FROM village_boundaries"), 300);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(DISTINCT village_code) FROM landuse_plan WHERE period = 'current'"), 300);
    EXPECT_GE(scalar(*ds, "SELECT COUNT(DISTINCT village_code) FROM landuse_plan WHERE period = 'planned'"), 60);
    // A village with planned parcels records that it has a plan.
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(DISTINCT village_code) FROM landuse_plan WHERE period = 'planned'"),
              scalar(*ds,
                     "SELECT COUNT(*) FROM villages WHERE has_village_plan = 1 AND code IN (SELECT village_code FROM landuse_plan WHERE "
                     "period = 'planned')"));
    EXPECT_GE(scalar(*ds, "SELECT COUNT(DISTINCT sector) FROM industry_projects"), 8);
    // The DEM raster is there and covers the county at 30 m.
    GDALDatasetH dem = GDALOpenEx(("GPKG:" + path() + ":dem").c_str(), GDAL_OF_RASTER, nullptr, nullptr, nullptr);
    ASSERT_NE(dem, nullptr);
    double gt[6];
    GDALGetGeoTransform(dem, gt);
    EXPECT_DOUBLE_EQ(gt[1], 30.0);
    GDALClose(dem);
}

TEST_F(Demo, PassesValidation) {
    const auto r = runCli("validate " + quote(path()));
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("0 errors, 0 warnings"), std::string::npos) << r.output;
}

TEST_F(Demo, HasTheGapsARealCountyHas) {
    io::DatasetPtr ds = io::openVector(path(), false);
    const long long withoutClinic = scalar(*ds,
                                           "SELECT COUNT(*) FROM villages v WHERE NOT EXISTS (SELECT 1 FROM facilities f WHERE "
                                           "f.kind='village_clinic' AND f.village_code=v.code)");
    EXPECT_GT(withoutClinic, 10);
    EXPECT_LT(withoutClinic, 150);
    EXPECT_GT(scalar(*ds, "SELECT COUNT(*) FROM facilities WHERE status='planned'"), 0);
    EXPECT_GT(scalar(*ds, "SELECT COUNT(*) FROM roads WHERE class='track'"), 0);
    EXPECT_GT(scalar(*ds, "SELECT COUNT(*) FROM villages WHERE hardened_road=0"), 0);
    EXPECT_GT(scalar(*ds, "SELECT COUNT(*) FROM villages WHERE status='former_poor'"), 30);
    // Relocations come mostly from mountain villages.
    const long long fromMountain = scalar(
        *ds, "SELECT SUM(r.households) FROM relocations r JOIN villages v ON v.code=r.source_village_code WHERE v.terrain='mountain'");
    const long long all = scalar(*ds, "SELECT SUM(households) FROM relocations");
    EXPECT_GT(fromMountain * 2, all);
    // Some village has between 1 and 4 monitored households: the suppression rule has work to do.
    EXPECT_GT(
        scalar(
            *ds,
            "SELECT COUNT(*) FROM (SELECT village_code, SUM(monitored) m FROM households GROUP BY village_code) WHERE m BETWEEN 1 AND 4"),
        0);
}

TEST_F(Demo, CodesNestAndTownshipsCoverTheirVillages) {
    io::DatasetPtr ds = io::openVector(path(), false);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(*) FROM villages WHERE substr(code,1,9) <> township_code"), 0);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(*) FROM villages WHERE township_code NOT IN (SELECT code FROM townships)"), 0);
    EXPECT_EQ(
        scalar(*ds, "SELECT COUNT(*) FROM villages v JOIN townships t ON t.code = v.township_code WHERE NOT ST_Intersects(t.geom, v.geom)"),
        0);
}

TEST_F(Demo, SameSeedSameCountyOtherSeedOtherCounty) {
    TempDir dir;
    ASSERT_EQ(runCli("demo --out " + quote(dir.file("a.gpkg")) + " --villages 300 --seed 7 --no-dem").status, 0);
    ASSERT_EQ(runCli("demo --out " + quote(dir.file("b.gpkg")) + " --villages 300 --seed 8 --no-dem").status, 0);
    auto dump = [](const std::string& p) {
        io::DatasetPtr ds = io::openVector(p, false);
        std::string s;
        for (auto& f : *ds->GetLayerByName("villages")) {
            s += f->GetFieldAsString("code");
            s += f->GetFieldAsString("name");
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.3f,%.3f;", f->GetGeometryRef()->toPoint()->getX(), f->GetGeometryRef()->toPoint()->getY());
            s += buf;
        }
        return s;
    };
    EXPECT_EQ(dump(path()), dump(dir.file("a.gpkg")));
    EXPECT_NE(dump(path()), dump(dir.file("b.gpkg")));
}

TEST_F(Demo, ScalesToSeveralCountiesWithUniqueCodes) {
    TempDir dir;
    ASSERT_EQ(runCli("demo --out " + quote(dir.file("p.gpkg")) + " --villages 1200 --no-dem").status, 0);
    io::DatasetPtr ds = io::openVector(dir.file("p.gpkg"), false);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(*) FROM county"), 4);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(*) FROM villages"), 1200);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(DISTINCT code) FROM villages"), 1200);
    EXPECT_EQ(scalar(*ds, "SELECT COUNT(DISTINCT id) FROM facilities"), scalar(*ds, "SELECT COUNT(*) FROM facilities"));
    const auto r = runCli("validate " + quote(dir.file("p.gpkg")));
    EXPECT_EQ(r.status, 0) << r.output;
}
