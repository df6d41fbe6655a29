// The ruralatlas binary as a user runs it: exit codes 0/1/2 and one-line messages naming the
// file, layer, feature and field.
#include <gtest/gtest.h>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas::test;

namespace {
std::string initProject(const TempDir& dir) {
    const auto p = dir.file("p.gpkg");
    const auto r = runCli("init " + quote(p) + " --county-code 433127 --name 永顺县");
    EXPECT_EQ(r.status, 0) << r.output;
    return p;
}
}  // namespace

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(runCli("").status, 2);
    EXPECT_EQ(runCli("frobnicate").status, 2);
    EXPECT_EQ(runCli("init x.gpkg --county-code 4331 --name A").status, 2);
    EXPECT_EQ(runCli("init x.gpkg --county-code 433127").status, 2);
    EXPECT_EQ(runCli("demo --out x.gpkg --villages many").status, 2);
    EXPECT_EQ(runCli("info").status, 2);
    EXPECT_EQ(runCli("import a b --into nowhere").status, 2);
    const auto r = runCli("init x.gpkg --county-code 433127 --name A --crs EPSG:4326");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.output.find("EPSG:4534..4554"), std::string::npos) << r.output;
}

TEST(Cli, HelpIsBuiltFromTheCommandDeclaration) {
    const auto r = runCli("import --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("--source-crs"), std::string::npos);
    EXPECT_NE(r.output.find("--skip-bad-rows"), std::string::npos);
}

TEST(Cli, InitChoosesTheZoneFromTheCountyAndInfoListsLayers) {
    TempDir dir;
    const auto p = initProject(dir);
    const auto info = runCli("info " + quote(p) + " --json");
    EXPECT_EQ(info.status, 0);
    EXPECT_NE(info.output.find("\"crs\": \"EPSG:4546\""), std::string::npos) << info.output;
    EXPECT_NE(info.output.find("\"name\": \"villages\", \"title\": \"行政村\""), std::string::npos) << info.output;
    // Every county of the national list: 东城区 at 116.4E is in zone 39.
    const auto bj = runCli("init " + quote(dir.file("b.gpkg")) + " --county-code 110101 --name 东城区");
    EXPECT_EQ(bj.status, 0) << bj.output;
    EXPECT_NE(bj.output.find("EPSG:4548"), std::string::npos) << bj.output;
    // A code not in the shipped list (a county made after it) needs --crs or --longitude.
    EXPECT_EQ(runCli("init " + quote(dir.file("q.gpkg")) + " --county-code 659999 --name 新县").status, 2);
    const auto ok = runCli("init " + quote(dir.file("q.gpkg")) + " --county-code 659999 --name 新县 --longitude 87.6");
    EXPECT_EQ(ok.status, 0) << ok.output;
    EXPECT_NE(ok.output.find("EPSG:4538"), std::string::npos) << ok.output;
}

TEST(Cli, DataErrorsExitOneWithTheFileNamed) {
    TempDir dir;
    const auto p = initProject(dir);
    writeFile(dir.file("empty.csv"), "");
    auto r = runCli("import " + quote(p) + " " + quote(dir.file("empty.csv")) + " --into facilities");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("empty.csv: the file is empty"), std::string::npos) << r.output;

    // A truncated GeoPackage.
    const std::string bytes = readFile(p);
    writeFile(dir.file("cut.gpkg"), bytes.substr(0, bytes.size() / 3));
    r = runCli("info " + quote(dir.file("cut.gpkg")));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("cut.gpkg"), std::string::npos) << r.output;
    r = runCli("validate " + quote(dir.file("cut.gpkg")));
    EXPECT_EQ(r.status, 1);

    // A CSV with a bad header: no coordinates, no required columns.
    writeFile(dir.file("hdr.csv"), "foo;bar\n1;2\n");
    r = runCli("import " + quote(p) + " " + quote(dir.file("hdr.csv")) + " --into facilities");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("hdr.csv"), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;  // one line

    // A Shapefile missing its .shx.
    writeFile(dir.file("a.shp"), std::string(100, '\0'));
    r = runCli("import " + quote(p) + " " + quote(dir.file("a.shp")) + " --into villages");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find(".shx"), std::string::npos) << r.output;

    // A file that does not exist.
    r = runCli("import " + quote(p) + " " + quote(dir.file("nope.geojson")) + " --into villages");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("nope.geojson: file not found"), std::string::npos) << r.output;
}

TEST(Cli, LatitudeFirstAndOutsideTheCountyAreCaught) {
    TempDir dir;
    const auto p = initProject(dir);
    // Give the project its county outline from the real data, so "outside" has a meaning.
    auto r =
        runCli("county-from-codes --county 433127 --data " + quote(std::string(RURALATLAS_SOURCE_DATA) + "/real") + " --out " + quote(p));
    ASSERT_EQ(r.status, 0) << r.output;
    writeFile(dir.file("s.csv"), "id,name,kind,lat,lon\nF1,a,bus_stop,109.9,29.0\n");
    r = runCli("import " + quote(p) + " " + quote(dir.file("s.csv")) + " --into facilities");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("--swap-xy"), std::string::npos) << r.output;
    writeFile(dir.file("w.csv"), "id,name,kind,lon,lat\nF1,a,bus_stop,113.0,28.2\n");
    r = runCli("import " + quote(p) + " " + quote(dir.file("w.csv")) + " --into facilities");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("none of the 1 features lies within 20 km of the county"), std::string::npos) << r.output;
}

TEST(Cli, ValidateExitsOneOnErrorsAndPrintsJson) {
    TempDir dir;
    const auto p = initProject(dir);
    writeFile(dir.file("v.csv"), "code,name,township_code,population,lon,lat\n43312710120,短码村,433127101,-3,109.9,29.0\n");
    // Import holds rows to validate's rules: refused, one line naming file, row and field.
    auto r = runCli("import " + quote(p) + " " + quote(dir.file("v.csv")) + " --into villages");
    ASSERT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("v.csv, layer v, row 2, field population: value -3 is outside 0..1e+12 (range) (and 1 more in this row)"),
              std::string::npos)
        << r.output;
    // Written by another tool, past import: validate finds it.
    {
        ruralatlas::io::DatasetPtr ds = ruralatlas::io::openVector(p, true);
        OGRLayer* v = ds->GetLayerByName("villages");
        ruralatlas::io::FeaturePtr f(OGRFeature::CreateFeature(v->GetLayerDefn()));
        f->SetField("code", "43312710120");
        f->SetField("name", "短码村");
        f->SetField("township_code", "433127101");
        f->SetField("population", -3);
        ASSERT_EQ(v->CreateFeature(f.get()), OGRERR_NONE);
    }
    r = runCli("validate " + quote(p));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("layer villages, feature 1 (43312710120), field code"), std::string::npos) << r.output;
    r = runCli("validate " + quote(p) + " --json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("\"rule\": \"range\""), std::string::npos) << r.output;
}

TEST(Cli, CountyFromCodesReportsWhatIsMissing) {
    TempDir dir;
    const auto r = runCli("county-from-codes --county 433127 --data " + quote(std::string(RURALATLAS_SOURCE_DATA) + "/real") + " --out " +
                          quote(dir.file("y.gpkg")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"villages\": 303"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"townships\": 23"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("433127103004 新城社区居委会"), std::string::npos);  // new since 2016: no point
}

TEST(Cli, ExportRefusesUnknownFormats) {
    TempDir dir;
    const auto p = initProject(dir);
    EXPECT_EQ(runCli("export " + quote(p) + " --layer villages --out " + quote(dir.file("v.dwg"))).status, 2);
    EXPECT_EQ(runCli("export " + quote(p) + " --layer nowhere --out " + quote(dir.file("v.csv"))).status, 1);
}
