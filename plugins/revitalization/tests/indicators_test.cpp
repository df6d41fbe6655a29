// `ruralatlas indicators` on a project of four villages written here: every figure against one
// worked out by hand (population-weighted means, sums over the villages with a value, the
// change since the ledger's previous year, targets, the former-poor villages against the others
// and against their neighbours within the radius); missing values counted as missing; bad packs
// and ledgers named.
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <map>
#include <string>

#include "core/error.hpp"
#include "indicator_pack.hpp"
#include "io/gdal_util.hpp"
#include "result_rows.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

const char* kPack = R"JSON({"version": 1, "id": "t", "name": "测试指标包", "indicators": [
  {"id": "tap", "title": "自来水普及率", "unit": "%", "formula": "100 * tap_water_rate", "aggregate": "population_mean",
   "target": {"value": 85, "bound": "floor", "source": "test"}},
  {"id": "income", "title": "集体收入", "unit": "万元", "aggregate": "sum", "decimals": 2},
  {"id": "big", "title": "千人以上村占比", "unit": "%", "formula": "100 * (population >= 1000)", "aggregate": "mean", "ledger": false}
]})JSON";

struct Built {
    std::string project, pack;
    int year = 0;
};

// V1 and V3 are former-poor; V1, V2 in township 101 two km apart, V3, V4 in 102 three km apart,
// thirty km from the others. V3 has no tap-water rate.
Built build(const TempDir& dir) {
    Built b;
    b.project = dir.file("p.gpkg");
    EXPECT_EQ(runCli("init " + quote(b.project) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"),
              "code,name,township_code,status,population,tap_water_rate,lon,lat\n"
              "433127101201,甲村,433127101,former_poor,1000,0.9,110.00,29.0\n"
              "433127101202,乙村,433127101,ordinary,3000,0.8,110.02,29.0\n"
              "433127102201,丙村,433127102,former_poor,2000,,110.30,29.2\n"
              "433127102202,丁村,433127102,ordinary,500,0.5,110.33,29.2\n");
    auto r = runCli("import " + quote(b.project) + " " + quote(dir.file("v.csv")) + " --into villages --allow-outside");
    EXPECT_EQ(r.status, 0) << r.output;
    {
        io::DatasetPtr ds = io::openVector(b.project, false);
        for (auto& f : *ds->GetLayerByName("project_meta"))
            if (std::string(f->GetFieldAsString("key")) == "data_date")
                b.year = std::stoi(std::string(f->GetFieldAsString("value")).substr(0, 4));
    }
    const std::string y = std::to_string(b.year), p = std::to_string(b.year - 1);
    writeFile(dir.file("ledger.csv"),
              "village_code,year,indicator,value,source\n"
              "433127101201," +
                  p +
                  ",income,10,台账\n"
                  "433127102202," +
                  p +
                  ",income,1,台账\n"
                  "433127101201," +
                  y +
                  ",income,12,台账\n"
                  "433127101202," +
                  y +
                  ",income,3,台账\n"
                  "433127102202," +
                  y +
                  ",income,2,台账\n"
                  "433127101201," +
                  p +
                  ",tap,85,台账\n"
                  "433127101202," +
                  p +
                  ",tap,70,台账\n"
                  "433127102202," +
                  p + ",tap,40,台账\n");
    r = runCli("import " + quote(b.project) + " " + quote(dir.file("ledger.csv")) + " --into village_indicators");
    EXPECT_EQ(r.status, 0) << r.output;
    b.pack = dir.file("pack.json");
    writeFile(b.pack, kPack);
    return b;
}

}  // namespace

TEST(Indicators, EveryFigureAsWorkedOutByHand) {
    TempDir dir;
    const Built b = build(dir);
    const std::string out = dir.file("ind.gpkg");
    const auto r = runCli("indicators " + quote(b.project) + " --pack " + quote(b.pack) + " --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    const ResultRows villages = readRows(out, "indicators_villages"), areas = readRows(out, "indicators_areas"),
                     near = readRows(out, "indicators_neighbours");
    ASSERT_EQ(villages.size(), 4u);
    // Villages: the formula for the data year, the ledger for the year before.
    const auto& v1 = findRow(villages, {{"village_code", "433127101201"}});
    EXPECT_DOUBLE_EQ(number(v1, "tap"), 90);
    EXPECT_DOUBLE_EQ(number(v1, "tap_previous"), 85);
    EXPECT_DOUBLE_EQ(number(v1, "tap_change"), 5);
    EXPECT_EQ(v1.at("tap_met"), "达标");
    EXPECT_DOUBLE_EQ(number(v1, "income"), 12);
    EXPECT_DOUBLE_EQ(number(v1, "income_change"), 2);
    const auto& v3 = findRow(villages, {{"village_code", "433127102201"}});
    EXPECT_EQ(v3.at("tap"), "<null>") << "a rate nobody recorded is missing, not 0";
    EXPECT_EQ(v3.at("tap_met"), "<null>");
    EXPECT_EQ(v3.at("income"), "<null>");
    EXPECT_EQ(findRow(villages, {{"village_code", "433127102202"}}).at("tap_met"), "未达标");
    EXPECT_DOUBLE_EQ(number(findRow(villages, {{"village_code", "433127101202"}}), "big"), 100);
    EXPECT_DOUBLE_EQ(number(findRow(villages, {{"village_code", "433127102202"}}), "big"), 0);

    // County, all villages: tap weighted by population over V1, V2, V4 (V3 missing).
    const auto& tapAll = findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "tap"}});
    EXPECT_NEAR(number(tapAll, "value"), (90.0 * 1000 + 80.0 * 3000 + 50.0 * 500) / 4500.0, 1e-3);
    EXPECT_EQ(tapAll.at("villages_with_value"), "3");
    EXPECT_EQ(tapAll.at("villages_missing"), "1");
    EXPECT_NEAR(number(tapAll, "previous_value"), (85.0 * 1000 + 70.0 * 3000 + 40.0 * 500) / 4500.0, 1e-3);
    EXPECT_NEAR(number(tapAll, "change"), (355000.0 - 315000.0) / 4500.0, 1e-2);
    EXPECT_EQ(tapAll.at("met"), "未达标");
    EXPECT_EQ(tapAll.at("target"), "≥85.0");
    // The former-poor villages against the others.
    EXPECT_NEAR(number(findRow(areas, {{"level", "county"}, {"group", "脱贫村"}, {"indicator", "tap"}}), "value"), 90.0, 1e-9);
    EXPECT_EQ(findRow(areas, {{"level", "county"}, {"group", "脱贫村"}, {"indicator", "tap"}}).at("met"), "达标");
    EXPECT_NEAR(number(findRow(areas, {{"level", "county"}, {"group", "其他村"}, {"indicator", "tap"}}), "value"), 265000.0 / 3500.0, 1e-3);
    // A township.
    EXPECT_NEAR(number(findRow(areas, {{"level", "township"}, {"code", "433127101"}, {"group", "全部村"}, {"indicator", "tap"}}), "value"),
                330000.0 / 4000.0, 1e-9);
    // Sums: the villages with a value; the year before from the ledger.
    const auto& income = findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "income"}});
    EXPECT_DOUBLE_EQ(number(income, "value"), 17);
    EXPECT_EQ(income.at("villages_missing"), "1");
    EXPECT_DOUBLE_EQ(number(income, "previous_value"), 11);
    EXPECT_DOUBLE_EQ(number(income, "change"), 6);
    EXPECT_EQ(income.at("met"), "<null>") << "no target, no judgement";
    EXPECT_DOUBLE_EQ(number(findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "big"}}), "value"), 75);
    EXPECT_EQ(findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "big"}}).at("previous_value"), "<null>")
        << "a formula-only indicator has no earlier year";

    // Neighbours within 5 km: V1 has V2 (2 km), V3 has V4 (3 km); V3's own value is missing.
    ASSERT_EQ(near.size(), 2u);
    const auto& n1 = findRow(near, {{"village_code", "433127101201"}});
    EXPECT_EQ(n1.at("neighbours"), "1");
    EXPECT_DOUBLE_EQ(number(n1, "tap_neighbours"), 80);
    EXPECT_DOUBLE_EQ(number(n1, "tap_difference"), 10);
    EXPECT_DOUBLE_EQ(number(n1, "income_neighbours"), 3);
    const auto& n3 = findRow(near, {{"village_code", "433127102201"}});
    EXPECT_DOUBLE_EQ(number(n3, "tap_neighbours"), 50);
    EXPECT_EQ(n3.at("tap_difference"), "<null>");
    // A radius of 1 km leaves V1 without neighbours.
    const std::string out1 = dir.file("ind1.gpkg");
    ASSERT_EQ(runCli("indicators " + quote(b.project) + " --pack " + quote(b.pack) + " --radius 1 --out " + quote(out1)).status, 0);
    EXPECT_EQ(findRow(readRows(out1, "indicators_neighbours"), {{"village_code", "433127101201"}}).at("neighbours"), "0");

    // The year before: the ledger alone (formulas hold the data year only).
    const std::string outPrev = dir.file("prev.gpkg");
    ASSERT_EQ(runCli("indicators " + quote(b.project) + " --pack " + quote(b.pack) + " --year " + std::to_string(b.year - 1) + " --out " +
                     quote(outPrev))
                  .status,
              0);
    EXPECT_DOUBLE_EQ(
        number(findRow(readRows(outPrev, "indicators_areas"), {{"level", "county"}, {"group", "全部村"}, {"indicator", "income"}}),
               "value"),
        11);
    EXPECT_NE(r.output.find("自来水普及率"), std::string::npos) << r.output;
}

TEST(Indicators, BadPacksAndLedgersAreNamed) {
    TempDir dir;
    const Built b = build(dir);
    auto refused = [&](const std::string& pack, const std::string& key, const std::string& words) {
        writeFile(dir.file("bad.json"), pack);
        const auto r =
            runCli("indicators " + quote(b.project) + " --pack " + quote(dir.file("bad.json")) + " --out " + quote(dir.file("x.csv")));
        EXPECT_NE(r.status, 0) << pack;
        EXPECT_NE(r.output.find("bad.json"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find(key), std::string::npos) << r.output;
        EXPECT_NE(r.output.find(words), std::string::npos) << r.output;
    };
    refused(R"({"indicators": [{"id": "a", "title": "甲", "formula": "100 * (tap_water_rate"}]})", "indicators[0].formula", "')' expected");
    refused(R"({"indicators": [{"id": "a", "title": "甲", "formula": "100 * water"}]})", "indicators[0].formula", "'water'");
    refused(R"({"indicators": [{"id": "a", "title": "甲", "aggregate": "median"}]})", "indicators[0].aggregate", "median");
    refused(R"({"indicators": [{"id": "a", "title": "甲"}, {"id": "a", "title": "乙"}]})", "indicators[1].id", "twice");
    // A ledger year that is not a number, a village code that is not 12 digits: the row and field.
    writeFile(dir.file("l.csv"), "village_code,year,indicator,value\n433127101201,二〇二五,income,3\n");
    auto r = runCli("import " + quote(b.project) + " " + quote(dir.file("l.csv")) + " --into village_indicators");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("year"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("l.csv"), std::string::npos) << r.output;
    writeFile(dir.file("l2.csv"), "village_code,year,indicator,value\n4331271012,2025,income,3\n");
    r = runCli("import " + quote(b.project) + " " + quote(dir.file("l2.csv")) + " --into village_indicators");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("village_code"), std::string::npos) << r.output;
}

TEST(Indicators, FormulaLanguage) {
    using revitalization::Formula;
    const Formula f = Formula::parse("100 * a / (b - 2) + (c >= 5) - -1", "t.json", "k");
    ASSERT_EQ(f.fields(), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_DOUBLE_EQ(*f.eval({3.0, 5.0, 5.0}), 100.0 * 3 / 3 + 1 + 1);
    EXPECT_DOUBLE_EQ(*f.eval({3.0, 5.0, 4.0}), 100.0 + 0 + 1);
    EXPECT_FALSE(f.eval({std::nullopt, 5.0, 5.0})) << "a missing field makes the value missing";
    EXPECT_FALSE(f.eval({3.0, 2.0, 5.0})) << "division by zero is missing, not infinite";
    EXPECT_THROW(Formula::parse("a +", "t.json", "k"), DataError);
    EXPECT_THROW(Formula::parse("a b", "t.json", "k"), DataError);
    EXPECT_THROW(Formula::parse("1..2", "t.json", "k"), DataError);
}

// The shipped pack and the demo county: the ledger's years and the layer's data year together.
TEST(Indicators, DemoCountyWithTheShippedPack) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg"), out = dir.file("ind.csv");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 120 --seed 3").status, 0);
    const auto r = runCli("indicators " + quote(g) + " --out " + quote(dir.file("ind.gpkg")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    const ResultRows areas = readRows(dir.file("ind.gpkg"), "indicators_areas");
    const auto& toilets = findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "sanitary_toilet_rate"}});
    EXPECT_FALSE(std::isnan(number(toilets, "value")));
    EXPECT_GT(number(toilets, "change"), 0) << "the demo's toilets improve year on year";
    const auto& income = findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "per_capita_income"}});
    EXPECT_GT(number(income, "value"),
              number(findRow(areas, {{"level", "county"}, {"group", "脱贫村"}, {"indicator", "per_capita_income"}}), "value"))
        << "former-poor villages earn less than the county as a whole in the demo";
}

// A service indicator: a village is 100 within the standard of a facility kind, else 0. A primary
// school at 甲村: within the standard's 3 km are 甲 (0 m) and 乙 (about 1.9 km); 丙 and 丁 are 30
// km away. By population: 100 x (1000 + 3000) / 6500. With a threshold of 1 km only 甲. A kind the
// project has none of is missing, never 0.
TEST(Indicators, ServiceIndicatorsFromTheCoverageEngine) {
    TempDir dir;
    const Built b = build(dir);
    writeFile(dir.file("f.csv"), "id,kind,name,status,lon,lat\nF1,primary_school,甲村小学,existing,110.00,29.0\n");
    auto r = runCli("import " + quote(b.project) + " " + quote(dir.file("f.csv")) + " --into facilities --allow-outside");
    ASSERT_EQ(r.status, 0) << r.output;
    writeFile(dir.file("svc.json"), R"JSON({"version": 1, "id": "svc", "name": "服务", "indicators": [
  {"id": "school", "title": "小学覆盖人口占比", "unit": "%", "service": {"kind": "primary_school", "mode": "straight"},
   "aggregate": "population_mean", "ledger": false},
  {"id": "school_1km", "title": "小学1公里覆盖人口占比", "unit": "%",
   "service": {"kind": "primary_school", "mode": "straight", "threshold": 1000}, "aggregate": "population_mean", "ledger": false},
  {"id": "kinder", "title": "幼儿园覆盖村占比", "unit": "%", "service": {"kind": "kindergarten", "mode": "straight"},
   "aggregate": "mean", "ledger": false}
]})JSON");
    const std::string out = dir.file("svc.gpkg");
    r = runCli("indicators " + quote(b.project) + " --pack " + quote(dir.file("svc.json")) + " --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("项目没有幼儿园"), std::string::npos) << r.output;
    const ResultRows villages = readRows(out, "indicators_villages"), areas = readRows(out, "indicators_areas");
    EXPECT_DOUBLE_EQ(number(findRow(villages, {{"village_code", "433127101202"}}), "school"), 100);
    EXPECT_DOUBLE_EQ(number(findRow(villages, {{"village_code", "433127102201"}}), "school"), 0);
    EXPECT_DOUBLE_EQ(number(findRow(villages, {{"village_code", "433127101202"}}), "school_1km"), 0);
    EXPECT_EQ(findRow(villages, {{"village_code", "433127101201"}}).at("kinder"), "<null>") << "no kindergarten at all: missing";
    EXPECT_NEAR(number(findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "school"}}), "value"), 100.0 * 4000 / 6500,
                0.01);
    EXPECT_NEAR(number(findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "school_1km"}}), "value"),
                100.0 * 1000 / 6500, 0.01);
    EXPECT_EQ(findRow(areas, {{"level", "county"}, {"group", "全部村"}, {"indicator", "kinder"}}).at("villages_missing"), "4");
    // A service of a kind the data model does not know is refused, naming the key.
    writeFile(dir.file("bad.json"), R"JSON({"version": 1, "indicators": [
  {"id": "x", "title": "x", "service": {"kind": "spaceport"}, "ledger": false}]})JSON");
    r = runCli("indicators " + quote(b.project) + " --pack " + quote(dir.file("bad.json")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("indicators[0].service.kind"), std::string::npos) << r.output;
}
