// Ledgers as county offices keep them, into village_indicators: wide sheets with one column per
// indicator (ids or Chinese titles of the shipped pack), villages by name and township, unmatched
// rows listed and left out, bad years, values and codes named by file, row and column, and
// nothing written when a row is bad.
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <map>
#include <string>
#include <tuple>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

std::string makeProject(const TempDir& dir) {
    const std::string project = dir.file("p.gpkg");
    EXPECT_EQ(runCli("init " + quote(project) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("t.csv"),
              "code,name,wkt\n"
              "433127101,灵溪镇,\"MULTIPOLYGON(((109.9 28.9,110.1 28.9,110.1 29.1,109.9 29.1,109.9 28.9)))\"\n"
              "433127102,首车镇,\"MULTIPOLYGON(((110.2 29.1,110.4 29.1,110.4 29.3,110.2 29.3,110.2 29.1)))\"\n");
    const auto t = runCli("import " + quote(project) + " " + quote(dir.file("t.csv")) + " --into townships --allow-outside");
    EXPECT_EQ(t.status, 0) << t.output;
    writeFile(dir.file("v.csv"),
              "code,name,township_code,lon,lat\n"
              "433127101201,甲村,433127101,110.00,29.0\n"
              "433127101202,乙村,433127101,110.02,29.0\n"
              "433127102201,甲村,433127102,110.30,29.2\n");
    const auto r = runCli("import " + quote(project) + " " + quote(dir.file("v.csv")) + " --into villages --allow-outside");
    EXPECT_EQ(r.status, 0) << r.output;
    return project;
}

using Key = std::tuple<std::string, long long, std::string>;
std::map<Key, double> ledger(const std::string& project) {
    std::map<Key, double> out;
    io::DatasetPtr ds = io::openVector(project, false);
    for (auto& f : *ds->GetLayerByName("village_indicators"))
        out[{f->GetFieldAsString("village_code"), f->GetFieldAsInteger64("year"), f->GetFieldAsString("indicator")}] =
            f->GetFieldAsDouble("value");
    return out;
}

}  // namespace

TEST(Ledger, WideSheetByNameAndTownship) {
    TempDir dir;
    const std::string project = makeProject(dir);
    // Two 甲村: the township tells them apart. Titles with units in brackets; one id column.
    writeFile(dir.file("wide.csv"),
              "乡镇,村名,年度,农村自来水普及率（%）,村集体经济收入（万元）,per_capita_income\n"
              "灵溪镇,甲村,2024,92.5,12,\n"
              "灵溪镇,乙村,2024,88%,0,13500\n"
              "首车镇,甲村,2024,,3.5,11800\n"
              "首车镇,丙村,2024,70,1,9000\n"
              "石堤镇,丁村,2024,60,1,9000\n");
    const auto r = runCli("import " + quote(project) + " " + quote(dir.file("wide.csv")) + " --into village_indicators");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("宽表台账"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("unmatched row 5: no village named 丙村"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("unmatched row 6: township '石堤镇' is not in the project"), std::string::npos) << r.output;
    const auto l = ledger(project);
    EXPECT_EQ(l.size(), 7u) << "3 + 3 values, an empty cell is no row; the unmatched rows left out";
    EXPECT_DOUBLE_EQ(l.at({"433127101201", 2024, "tap_water_rate"}), 92.5);
    EXPECT_DOUBLE_EQ(l.at({"433127101202", 2024, "tap_water_rate"}), 88) << "88% as the percent it is";
    EXPECT_DOUBLE_EQ(l.at({"433127101202", 2024, "collective_income"}), 0);
    EXPECT_DOUBLE_EQ(l.at({"433127102201", 2024, "collective_income"}), 3.5) << "首车镇's 甲村";
    EXPECT_EQ(l.count({"433127102201", 2024, "tap_water_rate"}), 0u) << "an empty cell is missing, not 0";
    EXPECT_DOUBLE_EQ(l.at({"433127102201", 2024, "per_capita_income"}), 11800);
}

TEST(Ledger, LongSheetByNameAndCodesChecked) {
    TempDir dir;
    const std::string project = makeProject(dir);
    writeFile(dir.file("long.csv"),
              "乡镇,村名,年度,指标,指标值\n"
              "433127101,乙村,2023,tap_water_rate,80\n"
              "灵溪镇,乙村,2024,tap_water_rate,85\n");
    auto r = runCli("import " + quote(project) + " " + quote(dir.file("long.csv")) + " --into village_indicators");
    ASSERT_EQ(r.status, 0) << r.output;
    auto l = ledger(project);
    EXPECT_DOUBLE_EQ(l.at({"433127101202", 2023, "tap_water_rate"}), 80) << "a township by code";
    EXPECT_DOUBLE_EQ(l.at({"433127101202", 2024, "tap_water_rate"}), 85);
    // A wide sheet by code: a code of 11 digits is named with its row and column.
    writeFile(dir.file("bad-code.csv"), "村代码,年度,tap_water_rate\n433127101201,2025,90\n43312710120,2025,90\n");
    r = runCli("import " + quote(project) + " " + quote(dir.file("bad-code.csv")) + " --into village_indicators");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("row 3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("村代码"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("12-digit"), std::string::npos) << r.output;
    EXPECT_EQ(ledger(project).size(), 2u) << "nothing of the bad file written";
}

TEST(Ledger, BadYearsValuesAndColumnsAreNamed) {
    TempDir dir;
    const std::string project = makeProject(dir);
    auto bad = [&](const std::string& csv, std::initializer_list<const char*> says) {
        writeFile(dir.file("bad.csv"), csv);
        const auto r = runCli("import " + quote(project) + " " + quote(dir.file("bad.csv")) + " --into village_indicators");
        EXPECT_EQ(r.status, 1) << r.output;
        for (const char* s : says) EXPECT_NE(r.output.find(s), std::string::npos) << s << " in " << r.output;
    };
    bad("乡镇,村名,年度,tap_water_rate\n灵溪镇,甲村,2024,90\n灵溪镇,乙村,二〇二四,90\n", {"bad.csv", "row 3", "年度", "not a year"});
    bad("乡镇,村名,年度,tap_water_rate\n灵溪镇,甲村,2024,九十\n", {"row 2", "tap_water_rate", "not a number"});
    bad("乡镇,村名,年度,自来水情况\n灵溪镇,甲村,2024,好\n", {"自来水情况", "neither indicator ids"});
    bad("村名,年度,tap_water_rate\n甲村,2024,90\n", {"township"});
    EXPECT_TRUE(ledger(project).empty());
}
