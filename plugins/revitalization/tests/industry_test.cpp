// `ruralatlas industry` on a project of five villages and four projects written here: the shares
// of investment and jobs, per person, the sector concentration (HHI), the same sector in
// neighbouring villages, the collective-income classes, the rank correlation with the distance to
// the county seat, and households benefiting with small counts protected — all worked out by hand.
#include "industry.hpp"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <map>
#include <string>

#include "io/gdal_util.hpp"
#include "result_rows.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

TEST(Industry, SpearmanAndHerfindahlByHand) {
    // No ties: 1 - 6 sum d^2 / (n (n^2 - 1)).
    EXPECT_NEAR(*revitalization::spearman({20, 0, 3, 4}, {0, 1.95, 3.9, 33}), 1.0 - 6.0 * 12 / (4 * 15), 1e-12);
    // Ties take mean ranks: a = (1, 2.5, 2.5, 4), b = (1, 2, 3, 4): Pearson of the ranks.
    const double ra[] = {1, 2.5, 2.5, 4}, rb[] = {1, 2, 3, 4};
    double sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < 4; ++i) {
        sab += (ra[i] - 2.5) * (rb[i] - 2.5);
        saa += (ra[i] - 2.5) * (ra[i] - 2.5);
        sbb += (rb[i] - 2.5) * (rb[i] - 2.5);
    }
    EXPECT_NEAR(*revitalization::spearman({1, 5, 5, 9}, {10, 20, 30, 40}), sab / std::sqrt(saa * sbb), 1e-12);
    EXPECT_FALSE(revitalization::spearman({1, 2}, {3, 4})) << "two pairs say nothing";
    EXPECT_FALSE(revitalization::spearman({1, 1, 1}, {3, 4, 5})) << "no spread";
    EXPECT_NEAR(revitalization::herfindahl({2, 1}), 5.0 / 9.0, 1e-12);
    EXPECT_DOUBLE_EQ(revitalization::herfindahl({4}), 1.0);
    EXPECT_DOUBLE_EQ(revitalization::herfindahl({}), 0.0);
}

// Township 101: 甲 (the seat, 111), 乙, 丙 two km apart in a row; township 102: 丁, 戊 far away.
// P1 tea in 乙 (100万元, 10 jobs) benefits 乙 6 and 丙 2 households; P2 tea in 丙 (50, 4) has no
// links; P3 fruit in 甲 (30, 3) benefits 甲 10 and 丁 10; P4 tea in 丁 is closed.
TEST(Industry, EveryFigureByHand) {
    TempDir dir;
    const std::string project = dir.file("p.gpkg");
    ASSERT_EQ(runCli("init " + quote(project) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"),
              "code,name,township_code,class_code,population,collective_income,lon,lat\n"
              "433127101201,甲村,433127101,111,1000,20,110.00,29.0\n"
              "433127101202,乙村,433127101,220,500,0,110.02,29.0\n"
              "433127101203,丙村,433127101,220,2000,3,110.04,29.0\n"
              "433127102201,丁村,433127102,220,800,,110.30,29.2\n"
              "433127102202,戊村,433127102,220,300,4,110.33,29.2\n");
    auto r = runCli("import " + quote(project) + " " + quote(dir.file("v.csv")) + " --into villages --allow-outside");
    ASSERT_EQ(r.status, 0) << r.output;
    writeFile(dir.file("p.csv"),
              "id,name,sector,status,village_code,investment,jobs,lon,lat\n"
              "P1,乙村茶园,tea,existing,433127101202,100,10,110.021,29.001\n"
              "P2,丙村茶园,tea,existing,433127101203,50,4,110.041,29.001\n"
              "P3,甲村果园,fruit,existing,433127101201,30,3,110.001,29.001\n"
              "P4,丁村茶园,tea,closed,433127102201,999,99,110.301,29.201\n");
    r = runCli("import " + quote(project) + " " + quote(dir.file("p.csv")) + " --into industry_projects --allow-outside");
    ASSERT_EQ(r.status, 0) << r.output;
    writeFile(dir.file("l.csv"),
              "project_id,village_code,households\n"
              "P1,433127101202,6\nP1,433127101203,2\nP3,433127101201,10\nP3,433127102201,10\n");
    r = runCli("import " + quote(project) + " " + quote(dir.file("l.csv")) + " --into project_links");
    ASSERT_EQ(r.status, 0) << r.output;

    const std::string out = dir.file("ind.gpkg");
    r = runCli("industry " + quote(project) + " --radius 3 --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    const ResultRows v = readRows(out, "industry_villages"), a = readRows(out, "industry_areas"), pairs = readRows(out, "industry_pairs");
    ASSERT_EQ(v.size(), 5u);
    const auto &jia = findRow(v, "village_name", "甲村"), &yi = findRow(v, "village_name", "乙村"),
               &bing = findRow(v, "village_name", "丙村"), &ding = findRow(v, "village_name", "丁村"),
               &wu = findRow(v, "village_name", "戊村");
    EXPECT_DOUBLE_EQ(number(yi, "investment"), 75);    // 100 x 6/8
    EXPECT_DOUBLE_EQ(number(bing, "investment"), 75);  // 100 x 2/8 + 50
    EXPECT_DOUBLE_EQ(number(jia, "investment"), 15);
    EXPECT_DOUBLE_EQ(number(ding, "investment"), 15) << "the closed project counts for nothing";
    EXPECT_DOUBLE_EQ(number(yi, "investment_per_person"), 1500);
    EXPECT_DOUBLE_EQ(number(bing, "investment_per_person"), 375);
    EXPECT_DOUBLE_EQ(number(ding, "investment_per_person"), 188);  // 187.5 rounded
    EXPECT_NEAR(number(bing, "jobs"), 6.5, 1e-9);
    EXPECT_NEAR(number(yi, "jobs_per_100"), 1.5, 1e-9);
    EXPECT_EQ(yi.at("projects_linked"), "1");
    EXPECT_EQ(bing.at("projects_linked"), "2");
    EXPECT_EQ(wu.at("no_project"), "1");
    EXPECT_EQ(ding.at("no_project"), "0");
    EXPECT_EQ(jia.at("households_benefiting"), "10");
    EXPECT_EQ(bing.at("households_benefiting"), "<null>") << "2 households";
    EXPECT_EQ(yi.at("households_benefiting"), "<null>") << "6, else 2 = 18 - 10 - 6";
    EXPECT_EQ(wu.at("households_benefiting"), "<null>") << "no link: nothing recorded";
    EXPECT_EQ(yi.at("income_class"), "空壳村");
    EXPECT_EQ(bing.at("income_class"), "5万元以下");
    EXPECT_EQ(jia.at("income_class"), "10万元以上");
    EXPECT_EQ(ding.at("income_class"), "无数据");
    EXPECT_DOUBLE_EQ(number(jia, "seat_km"), 0);
    EXPECT_NEAR(number(yi, "seat_km"), 1.9, 0.11);
    EXPECT_EQ(yi.at("same_sector_neighbours"), "1");
    EXPECT_NE(yi.at("homogeneity").find("丙村"), std::string::npos) << yi.at("homogeneity");
    EXPECT_EQ(jia.at("same_sector_neighbours"), "0");
    ASSERT_EQ(pairs.size(), 1u) << "甲 and 丙 are 3.9 km apart; 甲 grows fruit";
    EXPECT_EQ(pairs[0].at("sector"), "tea");

    const auto& t101 = findRow(a, "code", "433127101");
    EXPECT_EQ(t101.at("projects"), "3");
    EXPECT_EQ(t101.at("main_sector"), "茶叶");
    EXPECT_NEAR(number(t101, "hhi"), 5.0 / 9.0, 0.001);
    EXPECT_NEAR(number(t101, "main_sector_share"), 66.7, 0.05);
    EXPECT_EQ(t101.at("households_benefiting"), "18");
    EXPECT_DOUBLE_EQ(number(t101, "investment_per_person"), std::round(165.0 * 10000 / 3500));
    EXPECT_EQ(t101.at("same_sector_pairs"), "1");
    EXPECT_EQ(t101.at("shell_villages"), "1");
    EXPECT_EQ(t101.at("under_5"), "2");
    const auto& t102 = findRow(a, "code", "433127102");
    EXPECT_EQ(t102.at("projects"), "0");
    EXPECT_EQ(t102.at("villages_without_project"), "1");
    EXPECT_EQ(t102.at("income_unknown"), "1");
    EXPECT_EQ(t102.at("households_benefiting"), "10");
    EXPECT_EQ(findRow(a, "level", "county").at("households_benefiting"), "28");

    const auto json = runCli("industry " + quote(project) + " --radius 3 --json");
    ASSERT_EQ(json.status, 0) << json.output;
    // Income against distance to the seat: 甲 (20, 0), 乙 (0, 1.9), 丙 (3, 3.9), 戊 (4, 34).
    EXPECT_NE(json.output.find("\"spearman_income_distance\": -0.2000"), std::string::npos) << json.output;
    EXPECT_NE(json.output.find("\"same_sector_pairs\": 1"), std::string::npos) << json.output;
}
