// The 三调 DLTB import into the current land use: classes through the crosswalk, trial codes
// warned, survey classes that span several 2023 classes kept at their parent, unmapped classes
// listed and the import refused with the project unchanged, a village's current land use
// replaced on re-import.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "core/error.hpp"
#include "core/landuse.hpp"
#include "core/landuse_crosswalk.hpp"
#include "io/importer.hpp"
#include "io/proj_transform.hpp"
#include "io_fixtures.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

namespace {
struct SurveyRow {
    std::string dlbm, dlmc, zldwdm;
};

// A DLTB shapefile (GBK text, as survey offices hand them out) of 100 m squares in a row near
// 110.0 E 29.0 N, in the project CRS (EPSG:4546) or in lon/lat (EPSG:4490).
std::string writeDltb(const test::TempDir& dir, const std::string& name, const std::vector<SurveyRow>& rows, bool lonLat = false,
                      bool withDlbm = true) {
    const std::string path = dir.file(name + ".shp");
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    io::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromEPSG(lonLat ? 4490 : 4546);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* options[] = {"ENCODING=CP936", nullptr};
    OGRLayer* l = ds->CreateLayer("DLTB", &srs, wkbPolygon, const_cast<char**>(options));
    for (const char* f : {"DLBM", "DLMC", "ZLDWDM"}) {
        if (!withDlbm && std::string(f) == "DLBM") continue;
        OGRFieldDefn d(f, OFTString);
        d.SetWidth(60);
        EXPECT_EQ(l->CreateField(&d), OGRERR_NONE);
    }
    io::CrsTransform t("EPSG:4326", 4546);
    double x0 = 110.0, y0 = 29.0;
    t.transform(x0, y0);
    io::CrsTransform back("EPSG:4546", 4490);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        if (withDlbm) f->SetField("DLBM", rows[i].dlbm.c_str());
        f->SetField("DLMC", rows[i].dlmc.c_str());
        f->SetField("ZLDWDM", rows[i].zldwdm.c_str());
        OGRLinearRing ring;
        const double x = x0 + 100.0 * static_cast<double>(i);
        for (auto [dx, dy] : {std::pair{0.0, 0.0}, {0.0, 100.0}, {100.0, 100.0}, {100.0, 0.0}, {0.0, 0.0}}) {
            double px = x + dx, py = y0 + dy;
            if (lonLat) back.transform(px, py);
            ring.addPoint(px, py);
        }
        OGRPolygon poly;
        poly.addRing(&ring);
        f->SetGeometry(&poly);
        EXPECT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
    }
    return path;
}

void addVillage(const std::string& project, const test::TempDir& dir) {
    test::writeFile(dir.file("v.csv"), "code,name,township_code,lon,lat\n433127101201,伴湖村,433127101,110.0,29.0\n");
    io::ImportOptions o;
    o.project = project;
    o.source = dir.file("v.csv");
    o.into = "villages";
    Feedback fb;
    io::importFile(o, fb);
}

io::ImportReport importSurvey(const std::string& project, const std::string& file, const std::string& crosswalk = "") {
    io::ImportOptions o;
    o.project = project;
    o.source = file;
    o.into = "landuse_plan";
    Feedback fb;
    return io::importLandUse(o, crosswalk, fb);
}

std::map<std::string, double> currentAreas(const std::string& project) {
    io::DatasetPtr ds = io::openVector(project, false);
    std::map<std::string, double> out;
    for (auto& f : *ds->GetLayerByName("landuse_plan")) {
        EXPECT_STREQ(f->GetFieldAsString("period"), "current");
        EXPECT_STREQ(f->GetFieldAsString("village_code"), "433127101201");
        out[f->GetFieldAsString("landuse_code")] += f->GetGeometryRef()->toMultiPolygon()->get_Area();
    }
    return out;
}

bool anyContains(const std::vector<std::string>& lines, const std::string& what) {
    for (const auto& l : lines)
        if (l.find(what) != std::string::npos) return true;
    return false;
}

const std::string kZl = "4331271012010010000";  // 坐落单位代码: village 433127101201 + 7 digits
}  // namespace

TEST(SurveyCrosswalk, ResolvesByCodeAndName) {
    const auto survey = LanduseCrosswalk::shipped("sandiao");
    const auto trial = LanduseCrosswalk::shipped("trial2020");
    // Every row's target is a 2023 class (load checks it) and the survey's own classes are there.
    EXPECT_GE(survey.rows().size(), 60u);
    using K = SurveyClassMapping::Kind;
    // 0303 is 红树林地 in the survey and 灌木林地 in 2023: the name tells which.
    auto m = mapSurveyClass(survey, trial, "0303", "红树林地");
    EXPECT_EQ(m.kind, K::Survey);
    EXPECT_EQ(m.toCode, "0507");
    m = mapSurveyClass(survey, trial, "0303", "灌木林地");
    EXPECT_EQ(m.kind, K::Current);
    EXPECT_EQ(m.toCode, "0303");
    // 2302 is 田坎 in the 2020 trial edition and 后备耕地 in 2023.
    m = mapSurveyClass(survey, trial, "2302", "田坎");
    EXPECT_EQ(m.kind, K::Trial2020);
    EXPECT_EQ(m.toCode, "2303");
    EXPECT_EQ(mapSurveyClass(survey, trial, "2302", "后备耕地").kind, K::Current);
    // A trial-only code needs no name; a survey class that spans several 2023 classes keeps the parent.
    EXPECT_EQ(mapSurveyClass(survey, trial, "0604", "").toCode, "060203");
    m = mapSurveyClass(survey, trial, "1006", "农村道路");
    EXPECT_EQ(m.toCode, "0601");
    EXPECT_TRUE(m.refine);
    EXPECT_FALSE(mapSurveyClass(survey, trial, "0101", "水田").refine);
    // Unknown: never guessed.
    m = mapSurveyClass(survey, trial, "9901", "不知道");
    EXPECT_EQ(m.kind, K::Unmapped);
    EXPECT_NE(m.reason.find("9901"), std::string::npos);
    m = mapSurveyClass(survey, trial, "0702", "水田");  // code and name disagree
    EXPECT_EQ(m.kind, K::Unmapped);
    // Which current codes the survey can produce.
    EXPECT_TRUE(survey.reaches("0703"));
    EXPECT_TRUE(survey.reaches("0804"));  // below 08, which 08H2 reaches
    EXPECT_FALSE(survey.reaches("16"));   // 留白用地 is a planning class only
}

TEST(SurveyCrosswalk, BadFileNamesLineAndColumn) {
    test::TempDir dir;
    test::writeFile(dir.file("cw.csv"), "from_code,from_name,to_code,note\n0101,水田,0101,\n0102,水浇地,0199,\n");
    try {
        LanduseCrosswalk::load(dir.file("cw.csv"));
        FAIL() << "a to_code outside the classification loaded";
    } catch (const DataError& e) {
        EXPECT_EQ(e.where().feature, "line 3");
        EXPECT_EQ(e.where().field, "to_code");
    }
    test::writeFile(dir.file("nohead.csv"), "0101,水田,0101,\n");
    EXPECT_THROW(LanduseCrosswalk::load(dir.file("nohead.csv")), DataError);
}

TEST(SurveyImport, DltbThroughTheCrosswalkIntoCurrentLandUse) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillage(p, dir);
    const auto file = writeDltb(dir, "dltb",
                                {{"0101", "水田", kZl},
                                 {"0702", "农村宅基地", kZl},
                                 {"1006", "农村道路", kZl},
                                 {"0204", "其他园地", kZl},
                                 {"0603", "畜禽养殖设施建设用地", kZl},  // a 2020 trial code
                                 {"0305", "灌木林地", kZl}});
    const auto r = importSurvey(p, file);
    EXPECT_EQ(r.inserted, 6);
    const auto areas = currentAreas(p);
    std::map<std::string, double> want = {{"0101", 1e4}, {"0703", 1e4}, {"0601", 1e4}, {"02", 1e4}, {"060202", 1e4}, {"0303", 1e4}};
    ASSERT_EQ(areas.size(), want.size());
    for (const auto& [code, area] : want) EXPECT_NEAR(areas.at(code), area, 1e-4) << code;
    EXPECT_TRUE(anyContains(r.warnings, "0603")) << "the trial code is warned";
    EXPECT_TRUE(anyContains(r.warnings, "0204")) << "其他园地 kept at 02 is warned";
    EXPECT_FALSE(anyContains(r.warnings, "三调 0101")) << r.warnings.front();

    // Importing the survey again replaces the village's current land use, it does not double it.
    const auto again = importSurvey(p, file);
    EXPECT_EQ(again.inserted, 6);
    EXPECT_EQ(test::countFeatures(p, "landuse_plan"), 6);
    EXPECT_TRUE(anyContains(again.notes, "replaced current parcels: 6"));
}

TEST(SurveyImport, LonLatSurveyIsProjected) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillage(p, dir);
    importSurvey(p, writeDltb(dir, "ll", {{"0101", "水田", kZl}, {"0103", "旱地", kZl}}, true));
    const auto areas = currentAreas(p);
    // 100 m squares drawn in EPSG:4546, written in lon/lat and projected back on import.
    EXPECT_NEAR(areas.at("0101"), 1e4, 0.01);
    EXPECT_NEAR(areas.at("0103"), 1e4, 0.01);
}

TEST(SurveyImport, UnmappedClassesAreListedAndNothingIsWritten) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillage(p, dir);
    importSurvey(p, writeDltb(dir, "first", {{"0101", "水田", kZl}}));
    const std::string before = test::readFile(p);
    const auto bad =
        writeDltb(dir, "bad", {{"0101", "水田", kZl}, {"9901", "某地类", kZl}, {"9901", "某地类", kZl}, {"0702", "水田", kZl}});
    try {
        importSurvey(p, bad);
        FAIL() << "unmapped classes imported";
    } catch (const DataError& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.where().field, "DLBM");
        EXPECT_NE(what.find("9901 某地类 (2 个图斑)"), std::string::npos) << what;
        EXPECT_NE(what.find("0702 水田 (1 个图斑)"), std::string::npos) << what;
        EXPECT_NE(what.find("2 land-use classes (3 parcels)"), std::string::npos) << what;
    }
    EXPECT_EQ(test::readFile(p), before) << "a failed import changed the project";
    // With the missing row added to a copy of the crosswalk, the class goes through.
    std::string cw = test::readFile(LanduseCrosswalk::shipped("sandiao").file());
    cw += "9901,某地类,2301,county addition\n";
    test::writeFile(dir.file("cw.csv"), cw);
    const auto ok = importSurvey(p, writeDltb(dir, "good", {{"9901", "某地类", kZl}}), dir.file("cw.csv"));
    EXPECT_EQ(ok.inserted, 1);
    EXPECT_EQ(currentAreas(p).count("2301"), 1u);
}

TEST(SurveyImport, LayerWithoutDlbmIsAClearError) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillage(p, dir);
    const auto file = writeDltb(dir, "nodlbm", {{"0101", "水田", kZl}}, false, false);
    try {
        importSurvey(p, file, "sandiao");
        FAIL() << "a layer without DLBM imported";
    } catch (const DataError& e) {
        EXPECT_EQ(e.where().field, "DLBM");
        EXPECT_EQ(e.where().layer, "nodlbm");
        EXPECT_NE(std::string(e.what()).find("--field landuse_code="), std::string::npos);
    }
    EXPECT_EQ(test::countFeatures(p, "landuse_plan"), 0);
}
