#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/gcj02.hpp"
#include "io/importer.hpp"
#include "io/validator.hpp"
#include "io_fixtures.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

namespace {
io::ImportReport runImport(const std::string& project, const std::string& file, const std::string& into,
                           std::function<void(io::ImportOptions&)> tweak = {}) {
    io::ImportOptions o;
    o.project = project;
    o.source = file;
    o.into = into;
    if (tweak) tweak(o);
    Feedback fb;
    return io::importFile(o, fb);
}

std::vector<std::pair<double, double>> points(const std::string& path, const std::string& layer) {
    io::DatasetPtr ds = io::openVector(path, false);
    std::vector<std::pair<double, double>> out;
    for (auto& f : *ds->GetLayerByName(layer.c_str())) {
        const OGRPoint* p = f->GetGeometryRef()->toPoint();
        out.push_back({p->getX(), p->getY()});
    }
    return out;
}

std::string field(const std::string& path, const std::string& layer, const std::string& where, const std::string& name) {
    io::DatasetPtr ds = io::openVector(path, false);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    l->SetAttributeFilter(where.c_str());
    io::FeaturePtr f(l->GetNextFeature());
    return f ? f->GetFieldAsString(name.c_str()) : "<none>";
}

// Villages A and B in township 433127101 and C in 433127102, for ledger joins.
void addVillages(const std::string& project) {
    std::ostringstream csv;
    csv << "code,name,township_code,lon,lat\n"
        << "433127101201,伴湖村,433127101,109.80,29.00\n"
        << "433127101202,石堤村,433127101,109.82,29.01\n"
        << "433127102201,石堤村,433127102,109.90,29.10\n";
    test::TempDir d;
    test::writeFile(d.file("v.csv"), csv.str());
    runImport(project, d.file("v.csv"), "villages");
}
}  // namespace

TEST(Import, CsvWithChineseLonLatColumnsLandsInTheProjectCrs) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(dir.file("f.csv"), "id,name,kind,经度,纬度\nF1,伴湖村卫生室,村卫生室,110.0,29.0\n");
    const auto r = runImport(p, dir.file("f.csv"), "facilities");
    EXPECT_EQ(r.inserted, 1);
    EXPECT_EQ(field(p, "facilities", "id='F1'", "kind"), "village_clinic");  // Chinese title mapped to its code
    io::CrsTransform t("EPSG:4326", 4546);
    double x = 110.0, y = 29.0;
    t.transform(x, y);
    const auto pts = points(p, "facilities");
    ASSERT_EQ(pts.size(), 1u);
    EXPECT_NEAR(pts[0].first, x, 1e-6);
    EXPECT_NEAR(pts[0].second, y, 1e-6);
}

TEST(Import, Gcj02CsvIsConvertedNotShifted) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    const LonLat wgs{109.95, 29.05};
    const LonLat gcj = wgs84ToGcj02(wgs);
    char line[200];
    std::snprintf(line, sizeof line, "id,name,kind,lon,lat\nF1,x,bus_stop,%.9f,%.9f\n", gcj.lon, gcj.lat);
    test::writeFile(dir.file("g.csv"), line);
    runImport(p, dir.file("g.csv"), "facilities", [](auto& o) { o.sourceCrs = "gcj02"; });
    io::CrsTransform t("EPSG:4326", 4546);
    double x = wgs.lon, y = wgs.lat;
    t.transform(x, y);
    const auto pts = points(p, "facilities");
    EXPECT_LT(std::hypot(pts[0].first - x, pts[0].second - y), 0.5);
}

TEST(Import, BadRowMidFileLeavesTheProjectByteForByteUnchanged) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    std::ostringstream csv;
    csv << "id,name,kind,lon,lat\n";
    for (int i = 1; i <= 100; ++i) csv << "F" << i << ",设施" << i << ",bus_stop," << (i == 50 ? "10x9.9" : "109.9") << ",29.0\n";
    test::writeFile(dir.file("bad.csv"), csv.str());
    const std::string before = test::readFile(p);
    try {
        runImport(p, dir.file("bad.csv"), "facilities");
        FAIL() << "a bad row must fail the import";
    } catch (const DataError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("bad.csv"), std::string::npos) << msg;
        EXPECT_NE(msg.find("row 51"), std::string::npos) << msg;  // header is row 1
        EXPECT_NE(msg.find("field lon"), std::string::npos) << msg;
        EXPECT_NE(msg.find("10x9.9"), std::string::npos) << msg;
    }
    EXPECT_EQ(test::readFile(p), before);
    EXPECT_EQ(test::countFeatures(p, "facilities"), 0);
}

TEST(Import, SkipBadRowsImportsTheRestAndListsTheBadOnes) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(dir.file("b.csv"),
                    "id,name,kind,lon,lat\nF1,a,bus_stop,109.9,29.0\nF2,b,hospital,109.9,29.0\nF3,c,bus_stop,109.9,29.0\n");
    const auto r = runImport(p, dir.file("b.csv"), "facilities", [](auto& o) { o.skipBadRows = true; });
    EXPECT_EQ(r.inserted, 2);
    ASSERT_EQ(r.badRows.size(), 1u);
    EXPECT_NE(r.badRows[0].find("row 3"), std::string::npos);
    EXPECT_NE(r.badRows[0].find("hospital"), std::string::npos);
}

TEST(Import, UnknownCodeNamesTheAllowedValues) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(dir.file("u.csv"), "id,name,kind,lon,lat\nF1,a,hospital,109.9,29.0\n");
    try {
        runImport(p, dir.file("u.csv"), "facilities");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("village_clinic/村卫生室"), std::string::npos) << e.what();
        EXPECT_EQ(e.where().field, "kind");
    }
}

TEST(Import, RequiredFieldMissingIsNamed) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(dir.file("m.csv"), "id,name,lon,lat\nF1,a,109.9,29.0\n");
    try {
        runImport(p, dir.file("m.csv"), "facilities");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("required field kind"), std::string::npos) << e.what();
    }
}

TEST(Import, LatitudeFirstCoordinatesAreCaught) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(dir.file("s.csv"), "id,name,kind,lon,lat\nF1,a,bus_stop,29.0,109.9\n");
    EXPECT_THROW(runImport(p, dir.file("s.csv"), "facilities"), DataError);
    const auto r = runImport(p, dir.file("s.csv"), "facilities", [](auto& o) { o.swapXY = true; });
    EXPECT_EQ(r.inserted, 1);
}

TEST(Import, FileInTheWrongCrsThatLandsElsewhereIsRefused) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    // Beijing's coordinates: a file meant for another county (or in another CRS).
    test::writeFile(dir.file("w.csv"), "id,name,kind,lon,lat\nF1,a,bus_stop,116.4,39.9\n");
    try {
        runImport(p, dir.file("w.csv"), "facilities");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("none of the 1 features"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::countFeatures(p, "facilities"), 0);
    EXPECT_EQ(runImport(p, dir.file("w.csv"), "facilities", [](auto& o) { o.allowOutside = true; }).inserted, 1);
}

TEST(Import, GbkShapefileWithoutCpgReadsAsChinese) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    const auto shp = dir.file("villages.shp");
    {
        // Write the DBF in GBK, then remove the .cpg and blank the language-driver byte, as
        // many old county files are: only the bytes can tell.
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        io::DatasetPtr ds(drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRSpatialReference srs;
        srs.importFromEPSG(4490);
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const char* opts[] = {"ENCODING=CP936", nullptr};
        OGRLayer* l = ds->CreateLayer("villages", &srs, wkbPoint, const_cast<char**>(opts));
        for (const char* n : {"code", "name", "township_"}) {
            OGRFieldDefn fd(n, OFTString);
            l->CreateField(&fd);
        }
        io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        f->SetField("code", "433127103201");
        f->SetField("name", "芙蓉镇红土坪村");
        f->SetField("township_", "433127103");
        OGRPoint pt(109.97, 28.77);
        f->SetGeometry(&pt);
        ASSERT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
    }
    std::filesystem::remove(dir.file("villages.cpg"));
    std::string dbf = test::readFile(dir.file("villages.dbf"));
    ASSERT_NE(dbf.find("\xBA\xEC\xCD\xC1"), std::string::npos);  // 红土 in GBK bytes
    dbf[29] = 0;
    test::writeFile(dir.file("villages.dbf"), dbf);
    EXPECT_EQ(io::detectDbfEncoding(shp), "GB18030");

    const auto r = runImport(p, shp, "villages", [](auto& o) { o.fields = {{"township_code", "township_"}}; });
    EXPECT_EQ(r.inserted, 1);
    EXPECT_EQ(field(p, "villages", "code='433127103201'", "name"), "芙蓉镇红土坪村");
}

TEST(Import, DbfLanguageDriverByteMeansGbk) {
    test::TempDir dir;
    const auto shp = dir.file("a.shp");
    test::writeFile(shp, "x");
    std::string dbf(64, '\0');
    dbf[29] = 0x4D;
    test::writeFile(dir.file("a.dbf"), dbf);
    EXPECT_EQ(io::detectDbfEncoding(shp), "CP936");
    test::writeFile(dir.file("a.cpg"), "UTF-8\n");
    EXPECT_EQ(io::detectDbfEncoding(shp), "UTF-8");
}

TEST(Import, GbkCsvLedgerIsDecoded) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillages(p);
    // "code,人口\n433127101201,1234\n" with the header in GBK.
    test::writeFile(dir.file("l.csv"), "code,\xC8\xCB\xBF\xDA\n433127101201,1234\n");
    const auto r = runImport(p, dir.file("l.csv"), "villages");
    EXPECT_EQ(r.mode, "join");
    EXPECT_EQ(r.encoding, "GB18030");
    EXPECT_EQ(r.updated, 1);
    EXPECT_EQ(field(p, "villages", "code='433127101201'", "population"), "1234");
}

TEST(Import, LedgerJoinsByCodeOrNameAndTownshipAndReportsEveryMiss) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillages(p);
    test::writeFile(dir.file("l.csv"),
                    "村名,乡镇代码,自来水普及率,村类别\n"
                    "伴湖村,433127101,85%,脱贫村\n"      // matched by name + township
                    "石堤村,433127102,0.9,ordinary\n"    // same name in another township: still unique
                    "不存在村,433127101,0.5,ordinary\n"  // no such village
                    "伴湖村,433127199,0.5,ordinary\n");  // no such township
    const auto r = runImport(p, dir.file("l.csv"), "villages");
    EXPECT_EQ(r.updated, 2);
    ASSERT_EQ(r.unmatched.size(), 2u);
    EXPECT_NE(r.unmatched[0].find("row 4"), std::string::npos);
    EXPECT_NE(r.unmatched[0].find("no village named 不存在村"), std::string::npos);
    EXPECT_NE(r.unmatched[1].find("row 5"), std::string::npos);
    EXPECT_EQ(field(p, "villages", "code='433127101201'", "tap_water_rate"), "0.85");
    EXPECT_EQ(field(p, "villages", "code='433127101201'", "status"), "former_poor");
    EXPECT_EQ(field(p, "villages", "code='433127102201'", "tap_water_rate"), "0.9");
    EXPECT_EQ(field(p, "villages", "code='433127101202'", "tap_water_rate"), "");

    test::writeFile(dir.file("c.csv"), "村代码,户数\n433127101202,310\n433127999999,5\n");
    const auto r2 = runImport(p, dir.file("c.csv"), "villages");
    EXPECT_EQ(r2.updated, 1);
    ASSERT_EQ(r2.unmatched.size(), 1u);
    EXPECT_NE(r2.unmatched[0].find("433127999999 is not in the project"), std::string::npos);
}

TEST(Import, GeoJsonMultiLinesAreSplitAndPolygonsPromoted) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(
        dir.file("r.geojson"),
        R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"R1","class":"县道"},)"
        R"("geometry":{"type":"MultiLineString","coordinates":[[[109.9,29.0],[109.91,29.01]],[[109.92,29.0],[109.93,29.0]]]}}]})");
    EXPECT_EQ(runImport(p, dir.file("r.geojson"), "roads").inserted, 2);
    EXPECT_EQ(field(p, "roads", "id='R1'", "class"), "county");
    test::writeFile(dir.file("c.geojson"),
                    R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"flood_zone","name":"洪水区"},)"
                    R"("geometry":{"type":"Polygon","coordinates":[[[109.9,29.0],[109.91,29.0],[109.91,29.01],[109.9,29.0]]]}}]})");
    EXPECT_EQ(runImport(p, dir.file("c.geojson"), "constraints").inserted, 1);
}

TEST(Import, ShapefileWithoutShxOrPrjGetsAnActionableMessage) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(dir.file("x.shp"), std::string(100, '\0'));
    test::writeFile(dir.file("x.dbf"), std::string(40, '\0'));
    try {
        runImport(p, dir.file("x.shp"), "villages");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find(".shx"), std::string::npos);
    }
    test::writeFile(dir.file("x.shx"), std::string(100, '\0'));
    try {
        runImport(p, dir.file("x.shp"), "villages");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("--source-crs"), std::string::npos) << e.what();
    }
}

TEST(Import, KmlAndXlsxAreRead) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    test::writeFile(dir.file("s.kml"),
                    R"(<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>)"
                    R"(<name>县城安置区</name><ExtendedData><Data name="id"><value>S1</value></Data></ExtendedData>)"
                    R"(<Point><coordinates>109.86,28.98</coordinates></Point></Placemark></Document></kml>)");
    EXPECT_EQ(runImport(p, dir.file("s.kml"), "resettlement_sites").inserted, 1);
    EXPECT_EQ(field(p, "resettlement_sites", "id='S1'", "name"), "县城安置区");

    // An XLSX written by GDAL, as a county office's spreadsheet would be.
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("XLSX");
        io::DatasetPtr ds(drv->Create(dir.file("f.xlsx").c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRLayer* l = ds->CreateLayer("设施", nullptr, wkbNone, nullptr);
        for (const char* n : {"编号", "设施名称", "设施类型", "经度", "纬度"}) {
            OGRFieldDefn fd(n, OFTString);
            l->CreateField(&fd);
        }
        io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        f->SetField(0, "F7");
        f->SetField(1, "石堤村卫生室");
        f->SetField(2, "村卫生室");
        f->SetField(3, "109.9");
        f->SetField(4, "29.0");
        if (l->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error("fixture: cannot write a feature");
        // A second sheet row that is bad: sheet row 3 (the header is row 1).
        io::FeaturePtr g(OGRFeature::CreateFeature(l->GetLayerDefn()));
        g->SetField(0, "F8");
        g->SetField(1, "坏行");
        g->SetField(2, "村卫生室");
        g->SetField(3, "东经109度");
        g->SetField(4, "29.0");
        if (l->CreateFeature(g.get()) != OGRERR_NONE) throw std::runtime_error("fixture: cannot write a feature");
    }
    try {
        runImport(p, dir.file("f.xlsx"), "facilities", [](auto& o) { o.fields = {{"id", "编号"}}; });
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("row 3, field 经度"), std::string::npos) << e.what();
    }
    const auto r = runImport(p, dir.file("f.xlsx"), "facilities", [](auto& o) {
        o.fields = {{"id", "编号"}};
        o.skipBadRows = true;
    });
    EXPECT_EQ(r.inserted, 1);
    EXPECT_EQ(field(p, "facilities", "id='F7'", "name"), "石堤村卫生室");
    EXPECT_EQ(field(p, "facilities", "id='F7'", "kind"), "village_clinic");
}

// Import does the obvious thing: the township from the village code, ids made where nothing
// needs them, a constant for every row, and a summary of where each field came from.
TEST(Import, TownshipFromTheVillageCodeIdsMadeAndConstantsGiven) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    auto r = test::importCsv(p, dir, "villages", "code,name,lon,lat\n433127101201,伴湖村,109.85,29.0\n433127102203,石堤村,109.9,29.1\n");
    EXPECT_EQ(r.inserted, 2);
    {
        io::DatasetPtr ds = io::openVector(p, false);
        OGRLayer* v = ds->GetLayerByName("villages");
        std::map<std::string, std::string> town;
        for (auto& f : *v) town[f->GetFieldAsString("code")] = f->GetFieldAsString("township_code");
        EXPECT_EQ(town["433127101201"], "433127101");
        EXPECT_EQ(town["433127102203"], "433127102");
    }
    const auto from = [&](const io::ImportReport& rep, const std::string& field) {
        for (const auto& [f, src] : rep.fieldSources)
            if (f == field) return src;
        return std::string("(empty)");
    };
    EXPECT_EQ(from(r, "township_code"), "the village code (first 9 digits)");
    EXPECT_EQ(from(r, "name"), "column name");
    EXPECT_NE(std::find(r.emptyFields.begin(), r.emptyFields.end(), "population"), r.emptyFields.end());

    // A township column that disagrees with the code is still an error, naming the row and field.
    try {
        test::importCsv(p, dir, "villages", "code,name,township_code,lon,lat\n433127101209,错村,433127102,109.85,29.0\n");
        ADD_FAILURE() << "a disagreeing township code was accepted";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("field township_code: township code 433127102 disagrees with the village code 433127101209"),
                  std::string::npos)
            << e.what();
    }

    // Schools with no id and no kind column: --set kind (a Chinese title works), ids generated;
    // the same file again updates the same two schools.
    test::writeFile(dir.file("schools.csv"), "name,lon,lat\n一小,109.85,29.0\n二小,109.86,29.01\n");
    io::ImportOptions o;
    o.project = p;
    o.source = dir.file("schools.csv");
    o.into = "facilities";
    o.constants = {{"kind", "小学"}};
    Feedback fb;
    r = io::importFile(o, fb);
    EXPECT_EQ(r.inserted, 2);
    EXPECT_EQ(from(r, "kind"), "--set 小学");
    EXPECT_EQ(from(r, "id"), "generated (schools-ROW)");
    // Again without --update: the ids are in the project, so every row is an error.
    try {
        io::importFile(o, fb);
        ADD_FAILURE() << "a second import of the same rows was accepted without --update";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("id schools-1 is in the project already"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("use --update"), std::string::npos) << e.what();
    }
    o.update = true;
    r = io::importFile(o, fb);
    EXPECT_EQ(r.inserted, 0);
    EXPECT_EQ(r.updated, 2);
    {
        io::DatasetPtr ds = io::openVector(p, false);
        OGRLayer* f = ds->GetLayerByName("facilities");
        EXPECT_EQ(f->GetFeatureCount(), 2);
        std::set<std::string> ids;
        for (auto& x : *f) {
            EXPECT_STREQ(x->GetFieldAsString("kind"), "primary_school");
            ids.insert(x->GetFieldAsString("id"));
        }
        EXPECT_EQ(ids, (std::set<std::string>{"schools-1", "schools-2"}));
    }
    o.constants = {{"kind", "不存在"}};
    EXPECT_THROW(io::importFile(o, fb), UsageError);
    o.constants = {{"nope", "1"}};
    EXPECT_THROW(io::importFile(o, fb), UsageError);

    // Rivers without an id column import with made ids.
    r = test::importCsv(p, dir, "rivers", "name,class,wkt\n猛洞河,river,\"LINESTRING(109.8 29.0,109.9 29.1)\"\n");
    EXPECT_EQ(r.inserted, 1);
    EXPECT_EQ(from(r, "id"), "generated (rivers-ROW)");
}

// Roads and facilities from OpenStreetMap (GDAL's OSM driver; WGS84, not GCJ-02): classes from
// the route number or highway=*, surfaces, one-way (against the drawing when -1), kinds from
// amenity/healthcare/highway, schools by level, ids from the OSM ids (a second import updates),
// footways and schools of unknown level left out, and what lies far outside the county clipped.
TEST(Import, OpenStreetMapRoadsAndFacilities) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);  // county outline 109.6-110.4E, 28.7-29.45N
    test::writeFile(dir.file("x.osm"), R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="ruralatlas-test">
  <node id="1" lat="29.00" lon="109.85"/><node id="2" lat="29.01" lon="109.86"/>
  <node id="3" lat="29.02" lon="109.87"/><node id="4" lat="29.03" lon="109.88"/>
  <node id="5" lat="30.00" lon="115.00"/><node id="6" lat="30.01" lon="115.01"/>
  <node id="10" lat="29.005" lon="109.855"><tag k="amenity" v="school"/><tag k="name" v="芙蓉小学"/></node>
  <node id="11" lat="29.006" lon="109.856"><tag k="amenity" v="school"/><tag k="name" v="某学校"/></node>
  <node id="12" lat="29.007" lon="109.857"><tag k="amenity" v="clinic"/><tag k="name" v="石堤村卫生室"/></node>
  <node id="13" lat="29.008" lon="109.858"><tag k="amenity" v="hospital"/><tag k="name" v="首车镇卫生院"/></node>
  <node id="14" lat="29.009" lon="109.859"><tag k="office" v="government"/><tag k="name" v="首车镇人民政府"/></node>
  <node id="15" lat="29.010" lon="109.860"><tag k="highway" v="bus_stop"/><tag k="name" v="首车站"/></node>
  <node id="20" lat="29.020" lon="109.870"/><node id="21" lat="29.020" lon="109.871"/>
  <node id="22" lat="29.021" lon="109.871"/><node id="23" lat="29.021" lon="109.870"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="ref" v="X012"/><tag k="surface" v="asphalt"/><tag k="name" v="永茶公路"/></way>
  <way id="101"><nd ref="2"/><nd ref="3"/><tag k="highway" v="tertiary"/><tag k="oneway" v="-1"/></way>
  <way id="102"><nd ref="3"/><nd ref="4"/><tag k="highway" v="footway"/></way>
  <way id="103"><nd ref="3"/><nd ref="4"/><tag k="highway" v="track"/><tag k="surface" v="dirt"/></way>
  <way id="104"><nd ref="5"/><nd ref="6"/><tag k="highway" v="primary"/></way>
  <way id="105"><nd ref="20"/><nd ref="21"/><nd ref="22"/><nd ref="23"/><nd ref="20"/><tag k="amenity" v="kindergarten"/><tag k="name" v="阳光幼儿园"/><tag k="building" v="yes"/></way>
</osm>
)");
    io::ImportOptions o;
    o.project = p;
    o.source = dir.file("x.osm");
    o.into = "roads";
    Feedback fb;
    auto r = io::importFile(o, fb);
    EXPECT_EQ(r.inserted, 3);  // primary, tertiary, track; not the footway; the road at 115E clipped
    o.into = "facilities";
    r = io::importFile(o, fb);
    EXPECT_EQ(r.inserted, 5);
    o.update = true;
    r = io::importFile(o, fb);  // the same extract again: updated by OSM id, nothing doubled
    EXPECT_EQ(r.inserted, 0);
    EXPECT_EQ(r.updated, 5);
    io::DatasetPtr ds = io::openVector(p, false);
    std::map<std::string, std::vector<std::string>> roads;
    for (auto& f : *ds->GetLayerByName("roads"))
        roads[f->GetFieldAsString("id")] = {f->GetFieldAsString("class"), f->GetFieldAsString("surface"), f->GetFieldAsString("oneway")};
    EXPECT_EQ(roads["osm-w100"], (std::vector<std::string>{"county", "hardened", ""}));  // X012: a county road, whatever highway=* says
    EXPECT_EQ(roads["osm-w101"], (std::vector<std::string>{"township", "", "1"}));
    EXPECT_EQ(roads["osm-w103"], (std::vector<std::string>{"track", "earth", ""}));
    EXPECT_EQ(roads.size(), 3u);
    // oneway=-1: stored in the direction of travel, from node 3 to node 2.
    {
        OGRLayer* l = ds->GetLayerByName("roads");
        l->SetAttributeFilter("id = 'osm-w101'");
        io::FeaturePtr f(l->GetNextFeature());
        ASSERT_NE(f, nullptr);
        const OGRLineString* ls = f->GetGeometryRef()->toLineString();
        EXPECT_GT(ls->getY(0), ls->getY(1));  // node 3 (29.02N) first
    }
    std::map<std::string, std::string> kinds;
    for (auto& f : *ds->GetLayerByName("facilities")) kinds[f->GetFieldAsString("id")] = f->GetFieldAsString("kind");
    EXPECT_EQ(kinds, (std::map<std::string, std::string>{{"osm-n10", "primary_school"},
                                                         {"osm-n12", "village_clinic"},
                                                         {"osm-n13", "township_health_center"},
                                                         {"osm-n15", "bus_stop"},
                                                         {"osm-w105", "kindergarten"}}));
    // Other layers are refused with a clear message.
    o.into = "villages";
    EXPECT_THROW(io::importFile(o, fb), UsageError);

    // The same extract as .osm.pbf (written from the XML by osmium, which scripts/setup.sh
    // installs) gives the same features in a fresh project.
    ASSERT_EQ(test::runCommand("osmium cat " + test::quote(dir.file("x.osm")) + " -o " + test::quote(dir.file("x.osm.pbf"))).status, 0);
    const auto q = dir.file("q.gpkg");
    test::makeProject(q);
    o.project = q;
    o.source = dir.file("x.osm.pbf");
    o.into = "roads";
    EXPECT_EQ(io::importFile(o, fb).inserted, 3);
    o.into = "facilities";
    EXPECT_EQ(io::importFile(o, fb).inserted, 5);
    io::DatasetPtr qs = io::openVector(q, false);
    std::map<std::string, std::vector<std::string>> roads2;
    for (auto& f : *qs->GetLayerByName("roads"))
        roads2[f->GetFieldAsString("id")] = {f->GetFieldAsString("class"), f->GetFieldAsString("surface"), f->GetFieldAsString("oneway")};
    EXPECT_EQ(roads2, roads);
    std::map<std::string, std::string> kinds2;
    for (auto& f : *qs->GetLayerByName("facilities")) kinds2[f->GetFieldAsString("id")] = f->GetFieldAsString("kind");
    EXPECT_EQ(kinds2, kinds);
}

// What validate would reject is refused at import, as an error of its row naming the row (and
// for a repeated code the row that gave it first); --skip-bad-rows imports the rest, and what
// was imported validates.
TEST(Import, RowsValidateWouldRejectAreErrorsOfTheirRows) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillages(p);
    test::writeFile(dir.file("v.csv"),
                    "code,name,population,households,lon,lat\n"
                    "433127101210,新村,500,120,109.81,29.02\n"          // row 2: good
                    "433127101210,重码村,400,100,109.82,29.03\n"        // row 3: repeats row 2
                    "433127101201,伴湖村,600,150,109.80,29.00\n"        // row 4: in the project already
                    "433127101211,倒挂村,100,300,109.83,29.04\n"        // row 5: more households than people
                    "4.3312710e+11,科学村,300,80,109.84,29.05\n"        // row 6: a code whose digits were lost
                    "433127101212.0,浮点村,350,90,109.85,29.06\n"       // row 7: a code stored as a float, exact
                    "4.33127101213E+11,全位村,360,95,109.86,29.07\n");  // row 8: scientific, all 12 digits
    try {
        runImport(p, dir.file("v.csv"), "villages");
        ADD_FAILURE() << "bad rows were imported";
    } catch (const DataError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("v.csv, layer v, row 3, field code: code 433127101210 repeats row 2"), std::string::npos) << m;
        EXPECT_NE(m.find("(and 3 more bad rows)"), std::string::npos) << m;
        EXPECT_NE(m.find("nothing was imported"), std::string::npos) << m;
    }
    EXPECT_EQ(test::countFeatures(p, "villages"), 3);  // unchanged

    const auto r = runImport(p, dir.file("v.csv"), "villages", [](io::ImportOptions& o) { o.skipBadRows = true; });
    EXPECT_EQ(r.inserted, 3);  // rows 2, 7 and 8
    ASSERT_EQ(r.badRows.size(), 4u);
    auto bad = [&](const std::string& text) {
        return std::any_of(r.badRows.begin(), r.badRows.end(), [&](const std::string& b) { return b.find(text) != std::string::npos; });
    };
    EXPECT_TRUE(bad("row 3, field code: code 433127101210 repeats row 2"));
    EXPECT_TRUE(bad("row 4, field code: code 433127101201 is in the project already"));
    EXPECT_TRUE(bad("row 5, field households: more households than people"));
    EXPECT_TRUE(
        bad("row 6, field code: '4.3312710e+11' is a code stored as a number in scientific notation: only 8 of its 12 digits "
            "survive; format the column as text in the source and export it again"));
    EXPECT_EQ(field(p, "villages", "code='433127101212'", "name"), "浮点村");
    EXPECT_EQ(field(p, "villages", "code='433127101213'", "township_code"), "433127101");
    Feedback fb;
    const auto report = io::validateProject(p, fb);
    for (const auto& problem : report.problems)
        EXPECT_NE(problem.severity, io::Problem::Severity::Error) << problem.rule << ": " << problem.message;
}

// A ledger of 20,000 rows whose codes repeat (800 distinct), as a new user once imported in full
// (then failing validate with hundreds of thousands of errors): refused; with --skip-bad-rows,
// one feature per code, and the project validates without a duplicate.
TEST(Import, ManyRepeatedCodesAreRefusedNotWritten) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    std::ostringstream csv;
    csv << "code,name,lon,lat\n";
    for (int i = 0; i < 20000; ++i) {
        const int v = 1 + i % 800;
        char code[16];
        std::snprintf(code, sizeof code, "433127101%03d", v);
        csv << code << ",村" << v << "," << 109.7 + 0.0005 * v << "," << 29.0 + 0.0001 * (i % 800) << "\n";
    }
    test::writeFile(dir.file("big.csv"), csv.str());
    try {
        runImport(p, dir.file("big.csv"), "villages");
        ADD_FAILURE() << "repeated codes were imported";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("row 802, field code: code 433127101001 repeats row 2"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("(and 19199 more bad rows)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::countFeatures(p, "villages"), 0);
    const auto r = runImport(p, dir.file("big.csv"), "villages", [](io::ImportOptions& o) { o.skipBadRows = true; });
    EXPECT_EQ(r.inserted, 800);
    EXPECT_EQ(r.badRows.size(), 19200u);
    Feedback fb;
    const auto report = io::validateProject(p, fb);
    EXPECT_EQ(
        std::count_if(report.problems.begin(), report.problems.end(), [](const io::Problem& x) { return x.rule == "code_duplicate"; }), 0);
}

// Two more of validate's errors, refused at import as errors of their rows: a feature outside the
// county (unless --allow-outside) and a reference to a village that is not in the project.
TEST(Import, OutsideTheCountyAndBrokenReferencesAreErrorsOfTheirRows) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    addVillages(p);
    test::writeFile(dir.file("f.csv"),
                    "id,name,kind,village_code,lon,lat\n"
                    "F1,伴湖卫生室,village_clinic,433127101201,109.80,29.00\n"  // row 2: good
                    "F2,无村卫生室,village_clinic,433127109999,109.81,29.01\n"  // row 3: no such village
                    "F3,邻县卫生室,village_clinic,,110.50,29.00\n");            // row 4: outside the county box
    try {
        runImport(p, dir.file("f.csv"), "facilities");
        ADD_FAILURE() << "bad rows were imported";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("row 3, field village_code: village code 433127109999 is not in villages"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("(and 1 more bad rows)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::countFeatures(p, "facilities"), 0);
    auto r = runImport(p, dir.file("f.csv"), "facilities", [](io::ImportOptions& o) { o.skipBadRows = true; });
    EXPECT_EQ(r.inserted, 1);
    ASSERT_EQ(r.badRows.size(), 2u);
    EXPECT_NE(r.badRows[1].find("row 4, field geometry: lies outside the county boundary"), std::string::npos) << r.badRows[1];
    Feedback fb;
    for (const auto& problem : io::validateProject(p, fb).problems)
        EXPECT_NE(problem.severity, io::Problem::Severity::Error) << problem.rule << ": " << problem.message;
    // Asked for: the one outside comes in (and validate will say where it is).
    test::writeFile(dir.file("g.csv"), "id,name,kind,lon,lat\nF3,邻县卫生室,village_clinic,110.50,29.00\n");
    r = runImport(p, dir.file("g.csv"), "facilities", [](io::ImportOptions& o) { o.allowOutside = true; });
    EXPECT_EQ(r.inserted, 1);
}
