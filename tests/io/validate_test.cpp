#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/gdal_util.hpp"
#include "io/importer.hpp"
#include "io/validator.hpp"
#include "io_fixtures.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

namespace {
// The fixtures here are written in project metres.
void importMetres(const std::string& p, const test::TempDir& dir, const std::string& layer, const std::string& csv, bool outside = false) {
    test::importCsv(p, dir, layer, csv, "EPSG:4546", outside);
}

const io::Problem* find(const io::ValidationReport& r, const std::string& rule, const std::string& feature = "") {
    for (const auto& p : r.problems)
        if (p.rule == rule && (feature.empty() || p.feature == feature)) return &p;
    return nullptr;
}

// A clean little county in EPSG:4546 metres; each test breaks one thing.
std::string cleanProject(const test::TempDir& dir) {
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    importMetres(
        p, dir, "townships",
        "code,name,wkt\n433127101,首车镇,\"POLYGON((380000 3200000,400000 3200000,400000 3220000,380000 3220000,380000 3200000))\"\n");
    importMetres(p, dir, "villages",
                 "code,name,township_code,population,households,tap_water_rate,lon,lat\n"
                 "433127101201,伴湖村,433127101,1200,350,0.9,385000,3205000\n"
                 "433127101202,石堤村,433127101,800,240,0.8,395000,3215000\n");
    importMetres(p, dir, "roads",
                 "id,class,wkt\n"
                 "R1,county,\"LINESTRING(384000 3204000,396000 3216000)\"\n"
                 "R2,village,\"LINESTRING(385000 3205000,390000 3210000)\"\n"    // ends on R1's interior (T-junction)
                 "R3,village,\"LINESTRING(386000 3214000,394000 3206000)\"\n");  // crosses R1 without a shared vertex
    return p;
}
}  // namespace

TEST(Validate, CleanProjectHasNoErrors) {
    test::TempDir dir;
    const auto p = cleanProject(dir);
    Feedback fb;
    const auto r = io::validateProject(p, fb);
    for (const auto& x : r.problems) ADD_FAILURE() << x.rule << " " << x.layer << " " << x.feature << " " << x.message;
    EXPECT_EQ(r.errors(), 0);
}

TEST(Validate, FindsCodeProblems) {
    test::TempDir dir;
    const auto p = cleanProject(dir);
    // An 11-digit code, a code under another township and a duplicate code cannot come through
    // import (it refuses each as an error of its row) but can be written by other tools: added
    // straight into the file.
    test::insertRaw(p, "villages", {{"code", "43312710120"}, {"name", "短码村"}, {"township_code", "433127101"}}, "POINT(386000 3206000)");
    {
        io::DatasetPtr ds = io::openVector(p, true);
        OGRLayer* villages = ds->GetLayerByName("villages");
        villages->SetAttributeFilter("code = '433127101201'");
        io::FeaturePtr original(villages->GetNextFeature());
        ASSERT_NE(original, nullptr);
        villages->SetAttributeFilter(nullptr);
        io::FeaturePtr copy(original->Clone());
        copy->SetFID(OGRNullFID);
        copy->SetField("name", "重码村");
        ASSERT_EQ(villages->CreateFeature(copy.get()), OGRERR_NONE);
        io::FeaturePtr other(original->Clone());
        other->SetFID(OGRNullFID);
        other->SetField("code", "433127102203");
        other->SetField("name", "错乡村");
        ASSERT_EQ(villages->CreateFeature(other.get()), OGRERR_NONE);
    }
    Feedback fb;
    const auto r = io::validateProject(p, fb);
    const io::Problem* malformed = find(r, "code_malformed", "43312710120");
    ASSERT_NE(malformed, nullptr);
    EXPECT_EQ(malformed->layer, "villages");
    EXPECT_EQ(malformed->field, "code");
    EXPECT_GE(malformed->fid, 1);
    ASSERT_NE(find(r, "code_prefix", "433127102203"), nullptr);
    ASSERT_NE(find(r, "code_duplicate", "433127101201"), nullptr);
}

TEST(Validate, FindsImpossibleValuesAndUnknownEnumerations) {
    test::TempDir dir;
    const auto p = cleanProject(dir);
    io::DatasetPtr ds = io::openVector(p, true);
    ds->ExecuteSQL("UPDATE villages SET population = -5, tap_water_rate = 1.5, status = 'poorish' WHERE code = '433127101202'", nullptr,
                   nullptr);
    ds->ExecuteSQL("UPDATE villages SET households = 5000 WHERE code = '433127101201'", nullptr, nullptr);
    ds.reset();
    test::insertRaw(p, "resettlement_sites",
                    {{"id", "S1"}, {"name", "安置点"}, {"planned_households", "100"}, {"moved_in_households", "120"}},
                    "POINT(386000 3206000)");
    Feedback fb;
    const auto r = io::validateProject(p, fb);
    int range = 0;
    for (const auto& x : r.problems)
        if (x.rule == "range" && x.feature == "433127101202") ++range;
    EXPECT_EQ(range, 2);  // population and tap_water_rate
    const io::Problem* e = find(r, "enumeration", "433127101202");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->field, "status");
    ASSERT_NE(find(r, "impossible_value", "S1"), nullptr);
    ASSERT_NE(find(r, "impossible_value", "433127101201"), nullptr);  // more households than people
}

TEST(Validate, ReportsInvalidGeometryWithGeosReasonAndLocation) {
    test::TempDir dir;
    const auto p = cleanProject(dir);
    test::insertRaw(p, "constraints", {{"kind", "flood_zone"}, {"name", "蝴蝶"}},
                    "MULTIPOLYGON(((381000 3201000,383000 3203000,383000 3201000,381000 3203000,381000 3201000)))");
    Feedback fb;
    const auto r = io::validateProject(p, fb);
    const io::Problem* g = find(r, "geometry_invalid");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->layer, "constraints");
    EXPECT_NE(g->message.find("Self-intersection"), std::string::npos) << g->message;
    EXPECT_TRUE(g->hasLocation);
    EXPECT_NEAR(g->x, 382000, 1e-6);  // the bow-tie crosses itself at its centre
    EXPECT_NEAR(g->y, 3202000, 1e-6);
}

TEST(Validate, FindsFeaturesOutsideTheCounty) {
    test::TempDir dir;
    const auto p = cleanProject(dir);
    importMetres(p, dir, "facilities", "id,kind,name,lon,lat\nF9,bus_stop,远站,600000,3500000\n", true);
    Feedback fb;
    const auto r = io::validateProject(p, fb);
    const io::Problem* o = find(r, "outside_county", "F9");
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->layer, "facilities");
}

TEST(Validate, FindsADisconnectedRoadNetwork) {
    test::TempDir dir;
    const auto p = cleanProject(dir);
    importMetres(p, dir, "roads", "id,class,wkt\nR9,track,\"LINESTRING(398000 3201000,399000 3201500)\"\n");
    Feedback fb;
    const auto r = io::validateProject(p, fb);
    const io::Problem* d = find(r, "road_network_disconnected");
    ASSERT_NE(d, nullptr);
    EXPECT_NE(d->message.find("2 disconnected pieces"), std::string::npos) << d->message;
    const io::Problem* piece = find(r, "road_piece");
    ASSERT_NE(piece, nullptr);
    EXPECT_EQ(piece->feature, "R9");
}

// Importing a layer edited elsewhere with --update replaces what it edits: a known code or id
// updates the feature (attributes and place), a new one is added, nothing is doubled.
TEST(Validate, ImportingKnownCodesAndIdsUpdatesInsteadOfDoubling) {
    test::TempDir dir;
    const auto p = cleanProject(dir);
    const std::string edited =
        "code,name,township_code,population,lon,lat\n"
        "433127101201,伴湖新村,433127101,1300,385500,3205500\n"  // known: updated and moved
        "433127101203,新建村,433127101,500,389000,3209000\n";    // new: added
    // Without --update a known code is an error of its row, and nothing is written.
    try {
        test::importCsv(p, dir, "villages", edited, "EPSG:4546");
        ADD_FAILURE() << "a known code was accepted without --update";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("row 2, field code: code 433127101201 is in the project already"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(test::countFeatures(p, "villages"), 2);
    test::importCsv(p, dir, "villages", edited, "EPSG:4546", false, true);
    importMetres(p, dir, "facilities",
                 "id,kind,name,lon,lat\nF1,village_clinic,卫生室,385000,3205000\nF2,primary_school,小学,386000,3206000\n");
    test::importCsv(p, dir, "facilities", "id,kind,name,lon,lat\nF1,village_clinic,伴湖村卫生室,385100,3205100\n", "EPSG:4546", false,
                    true);
    io::DatasetPtr ds = io::openVector(p, false);
    OGRLayer* v = ds->GetLayerByName("villages");
    EXPECT_EQ(v->GetFeatureCount(), 3);
    v->SetAttributeFilter("code = '433127101201'");
    io::FeaturePtr f(v->GetNextFeature());
    ASSERT_NE(f, nullptr);
    EXPECT_STREQ(f->GetFieldAsString("name"), "伴湖新村");
    EXPECT_EQ(f->GetFieldAsInteger("population"), 1300);
    EXPECT_EQ(f->GetFieldAsInteger("households"), 350);  // not in the file: kept
    const OGRPoint* pt = f->GetGeometryRef()->toPoint();
    EXPECT_NEAR(pt->getX(), 385500, 1e-6);
    EXPECT_NEAR(pt->getY(), 3205500, 1e-6);
    OGRLayer* fac = ds->GetLayerByName("facilities");
    EXPECT_EQ(fac->GetFeatureCount(), 2);
    fac->SetAttributeFilter("id = 'F1'");
    io::FeaturePtr clinic(fac->GetNextFeature());
    ASSERT_NE(clinic, nullptr);
    EXPECT_STREQ(clinic->GetFieldAsString("name"), "伴湖村卫生室");
    Feedback fb;
    EXPECT_EQ(io::validateProject(p, fb).errors(), 0);
}
