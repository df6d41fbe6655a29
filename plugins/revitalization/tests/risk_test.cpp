// Return-to-poverty monitoring: small-count protection (primary and complementary suppression,
// checked against the rules directly on random tables), local Gi* against a direct computation
// of Getis and Ord's formula and its permutation p-value against the exact conditional
// distribution, and `ruralatlas risk` end to end on a project written here, every figure worked
// out by hand and no count of 1 to 4 households in any output.
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>

#include "hotspots.hpp"
#include "io/gdal_util.hpp"
#include "result_rows.hpp"
#include "small_counts.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::revitalization;
using namespace ruralatlas::test;

namespace {

// The rules of small_counts.hpp, checked here without the class's own check.
void expectProtected(const SmallCounts& sc, const std::vector<std::pair<std::size_t, std::vector<std::size_t>>>& equations,
                     const std::vector<bool>& printed) {
    for (std::size_t i = 0; i < sc.size(); ++i) {
        if (!printed[i]) continue;
        const auto v = sc.shown(i);
        if (v) {
            EXPECT_FALSE(*v >= 1 && *v <= 4) << "cell " << i << " shows " << *v;
        }
    }
    for (const auto& [m, children] : equations) {
        long long blankedSum = 0;
        int blanked = 0;
        for (std::size_t c : children)
            if (!sc.shown(c)) {
                blankedSum += sc.value(c);
                ++blanked;
            }
        if (sc.shown(m)) {
            EXPECT_TRUE(blankedSum == 0 || blankedSum >= 5) << "margin " << m << " shown, blanked children sum to " << blankedSum;
        } else if (blanked == 0) {
            EXPECT_TRUE(sc.value(m) == 0 || sc.value(m) >= 5) << "margin " << m << " can be read off its children";
        }
    }
}

}  // namespace

TEST(SmallCounts, ATownshipOfThreeVillagesByHand) {
    SmallCounts sc;
    const auto a = sc.cell(7), b = sc.cell(3), c = sc.cell(12), t = sc.cell(22);
    sc.equation(t, {a, b, c});
    EXPECT_EQ(sc.protect(), 1u);
    EXPECT_FALSE(sc.shown(b)) << "3 households: primary";
    EXPECT_FALSE(sc.shown(a)) << "7 is the smallest other: else 3 = 22 - 7 - 12";
    EXPECT_EQ(sc.shown(c), 12);
    EXPECT_EQ(sc.shown(t), 22);
    EXPECT_TRUE(sc.safe());
}

TEST(SmallCounts, AMarginOfFourIsBlankedAndSoIsAChild) {
    SmallCounts sc;
    const auto a = sc.cell(0), b = sc.cell(4), t = sc.cell(4);
    sc.equation(t, {a, b});
    sc.protect();
    EXPECT_EQ(sc.shown(a), 0) << "zero is no household: shown";
    EXPECT_FALSE(sc.shown(b));
    EXPECT_FALSE(sc.shown(t));
}

TEST(SmallCounts, HiddenRemaindersTakePart) {
    // 10 monitored: 6 with status A, 2 with B, and 2 with no status (hidden). Blanking B leaves
    // B + the hidden 2 = 4 to be read off: A must go too.
    SmallCounts sc;
    const auto m = sc.cell(10), a = sc.cell(6), b = sc.cell(2), hidden = sc.cell(2, false);
    sc.equation(m, {a, b, hidden});
    sc.protect();
    EXPECT_FALSE(sc.shown(hidden));
    EXPECT_FALSE(sc.shown(b));
    EXPECT_FALSE(sc.shown(a));
    EXPECT_EQ(sc.shown(m), 10);
}

TEST(SmallCounts, RandomTwoLevelTablesNeverLeak) {
    std::mt19937 rng(7);
    for (int round = 0; round < 300; ++round) {
        SmallCounts sc;
        std::vector<std::pair<std::size_t, std::vector<std::size_t>>> eqs;
        std::vector<bool> printed;
        // Townships of villages, villages of 3 categories (+ a hidden remainder), the county.
        const int towns = 1 + int(rng() % 4);
        std::vector<std::size_t> townCells;
        std::vector<std::vector<long long>> townCat(std::size_t(towns), std::vector<long long>(3, 0));
        std::vector<std::vector<std::vector<std::size_t>>> villageCat(static_cast<std::size_t>(towns));
        for (int t = 0; t < towns; ++t) {
            const int villages = 1 + int(rng() % 5);
            std::vector<std::size_t> vCells;
            long long tSum = 0;
            for (int v = 0; v < villages; ++v) {
                std::vector<std::size_t> cats;
                long long vSum = 0;
                for (int k = 0; k < 3; ++k) {
                    const long long x = rng() % 3 == 0 ? 0 : rng() % 9;
                    cats.push_back(sc.cell(x));
                    printed.push_back(true);
                    townCat[std::size_t(t)][std::size_t(k)] += x;
                    vSum += x;
                }
                const long long rest = rng() % 2 ? 0 : rng() % 4;
                cats.push_back(sc.cell(rest, false));
                printed.push_back(false);
                vSum += rest;
                const auto vc = sc.cell(vSum);
                printed.push_back(true);
                sc.equation(vc, cats);
                eqs.push_back({vc, cats});
                vCells.push_back(vc);
                villageCat[std::size_t(t)].push_back(cats);
                tSum += vSum;
            }
            const auto tc = sc.cell(tSum);
            printed.push_back(true);
            sc.equation(tc, vCells);
            eqs.push_back({tc, vCells});
            for (int k = 0; k < 3; ++k) {
                std::vector<std::size_t> children;
                for (const auto& cats : villageCat[std::size_t(t)]) children.push_back(cats[std::size_t(k)]);
                const auto tk = sc.cell(townCat[std::size_t(t)][std::size_t(k)]);
                printed.push_back(true);
                sc.equation(tk, children);
                eqs.push_back({tk, children});
            }
            townCells.push_back(tc);
        }
        long long all = 0;
        for (auto c : townCells) all += sc.value(c);
        const auto county = sc.cell(all);
        printed.push_back(true);
        sc.equation(county, townCells);
        eqs.push_back({county, townCells});
        sc.protect();
        expectProtected(sc, eqs, printed);
        EXPECT_TRUE(sc.safe());
        if (HasFailure()) break;
    }
}

TEST(SmallCounts, EquationsThatDoNotAddUpAreRefused) {
    SmallCounts sc;
    const auto a = sc.cell(3), t = sc.cell(4);
    EXPECT_THROW(sc.equation(t, {a}), std::logic_error);
}

// Gi* as Getis and Ord write it, computed directly for every village.
TEST(GiStar, MatchesTheFormulaComputedDirectly) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0, 10000);
    std::vector<XY> at;
    std::vector<double> x;
    for (int i = 0; i < 60; ++i) {
        at.push_back({u(rng), u(rng)});
        x.push_back(at.back().x < 3000 && at.back().y < 3000 ? 0.08 + u(rng) / 1e6 : 0.02 + u(rng) / 5e5);
    }
    const double d = 2500;
    const auto g = localGiStar(at, x, d, 0, 1);
    const double n = double(x.size());
    double mean = 0, sq = 0;
    for (double v : x) mean += v, sq += v * v;
    mean /= n;
    const double s = std::sqrt(sq / n - mean * mean);
    for (std::size_t i = 0; i < x.size(); ++i) {
        double wx = 0, w = 0, w2 = 0;
        for (std::size_t j = 0; j < x.size(); ++j) {
            const double wij = std::hypot(at[i].x - at[j].x, at[i].y - at[j].y) <= d ? 1.0 : 0.0;
            wx += wij * x[j];
            w += wij;
            w2 += wij * wij;
        }
        const double z = (wx - mean * w) / (s * std::sqrt((n * w2 - w * w) / (n - 1)));
        EXPECT_NEAR(g[i].z, z, 1e-9) << i;
        EXPECT_EQ(g[i].neighbours, std::size_t(w));
        EXPECT_TRUE(std::isnan(g[i].p)) << "no permutations, no p";
    }
    // The cluster in the corner is found.
    int hotInCorner = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (at[i].x < 2000 && at[i].y < 2000 && clusterLevel(g[i], false) >= 2) ++hotInCorner;
    EXPECT_GT(hotInCorner, 0);
}

// Six villages on a line 1 km apart, radius 1 km: the third has itself and two neighbours. Its
// conditional permutation draws 2 of the other 5 values: 10 equally likely pairs, so the exact
// p is known; 99,999 permutations land close to it, and a seed gives the same p again.
TEST(GiStar, PermutationPValueMatchesTheExactConditionalDistribution) {
    std::vector<XY> at;
    for (int i = 0; i < 6; ++i) at.push_back({1000.0 * i, 0});
    const std::vector<double> x = {1, 2, 9, 8, 3, 4};
    const int perms = 99999;
    const auto g = localGiStar(at, x, 1000, perms, 42);
    // Village 2: observed 2 + 9 + 8 = 19; others {1, 2, 8, 3, 4}.
    const std::vector<double> others = {1, 2, 8, 3, 4};
    int atLeast = 0, pairs = 0;
    for (std::size_t a = 0; a < others.size(); ++a)
        for (std::size_t b = a + 1; b < others.size(); ++b) {
            ++pairs;
            if (9 + others[a] + others[b] >= 19) ++atLeast;
        }
    const double exact = std::min(atLeast, pairs - atLeast) / double(pairs);  // 1/10
    EXPECT_NEAR(g[2].p, exact, 0.01);
    EXPECT_EQ(g[2].neighbours, 3u);
    const auto again = localGiStar(at, x, 1000, perms, 42);
    for (std::size_t i = 0; i < at.size(); ++i) EXPECT_EQ(g[i].p, again[i].p) << "a seed gives the same result";
    const auto threaded = localGiStar(at, x, 1000, perms, 42, 2);
    for (std::size_t i = 0; i < at.size(); ++i) EXPECT_EQ(g[i].p, threaded[i].p) << "whatever the threads";
    const auto other = localGiStar(at, x, 1000, perms, 43);
    EXPECT_NE(g[2].p, other[2].p);
}

// Township 101: 甲 (100 households, 12 monitored, with household records), 乙 (80, 3), 丙 (50, 7);
// township 102: 丁 (200, 20) and 戊 (60, monitored not recorded).
TEST(Risk, CountsByHandAndNoSmallCountAnywhere) {
    TempDir dir;
    const std::string project = dir.file("p.gpkg");
    ASSERT_EQ(runCli("init " + quote(project) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"),
              "code,name,township_code,households,monitored_households,lon,lat\n"
              "433127101201,甲村,433127101,100,12,110.00,29.0\n"
              "433127101202,乙村,433127101,80,3,110.02,29.0\n"
              "433127101203,丙村,433127101,50,7,110.04,29.0\n"
              "433127102201,丁村,433127102,200,20,110.30,29.2\n"
              "433127102202,戊村,433127102,60,,110.33,29.2\n");
    auto r = runCli("import " + quote(project) + " " + quote(dir.file("v.csv")) + " --into villages --allow-outside");
    ASSERT_EQ(r.status, 0) << r.output;
    // 甲村's households: 6 unstable, 4 edge, 2 sudden hardship (8 by illness, 4 by disability);
    // 5 identified in 2024 and 7 in 2025; 6 more whose risk was eliminated in 2025; 30 lifted.
    std::string h = "id,village_code,status,cause,monitored,identified_year,eliminated_year,lon,lat\n";
    int k = 0;
    auto add = [&](const std::string& status, const std::string& cause, int monitored, const std::string& ident, const std::string& elim) {
        h += "H" + std::to_string(++k) + ",433127101201," + status + "," + cause + "," + std::to_string(monitored) + "," + ident + "," +
             elim + ",110.001,29.001\n";
    };
    for (int i = 0; i < 12; ++i)
        add(i < 6    ? "monitored_unstable"
            : i < 10 ? "monitored_edge"
                     : "monitored_sudden_hardship",
            i < 8 ? "illness" : "disability", 1, i < 5 ? "2024" : "2025", "");
    for (int i = 0; i < 6; ++i) add("lifted", "illness", 0, "2023", "2025");
    for (int i = 0; i < 30; ++i) add("lifted", "lack_labor", 0, "", "");
    writeFile(dir.file("h.csv"), h);
    r = runCli("import " + quote(project) + " " + quote(dir.file("h.csv")) + " --into households --allow-outside");
    ASSERT_EQ(r.status, 0) << r.output;

    const std::string out = dir.file("risk.gpkg");
    r = runCli("risk " + quote(project) + " --year 2025 --permutations 99 --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    const ResultRows villages = readRows(out, "risk_villages"), areas = readRows(out, "risk_areas"), years = readRows(out, "risk_years");
    ASSERT_EQ(villages.size(), 5u);
    const auto& jia = findRow(villages, "village_name", "甲村");
    EXPECT_EQ(jia.at("monitored"), "12");
    EXPECT_EQ(jia.at("source"), "农户台账");
    EXPECT_EQ(jia.at("monitored_unstable"), "6");
    EXPECT_EQ(jia.at("monitored_edge"), "<null>") << "4 households";
    EXPECT_EQ(jia.at("monitored_sudden_hardship"), "<null>") << "2 households";
    EXPECT_EQ(jia.at("cause_disability"), "<null>") << "4 households";
    EXPECT_EQ(jia.at("cause_illness"), "<null>") << "8, but 12 - 8 would give away the 4";
    EXPECT_EQ(jia.at("cause_lack_labor"), "0");
    EXPECT_EQ(jia.at("identified"), "7");
    EXPECT_EQ(jia.at("eliminated"), "6");
    EXPECT_DOUBLE_EQ(std::stod(jia.at("monitored_share")), 12.0);
    const auto& yi = findRow(villages, "village_name", "乙村");
    EXPECT_EQ(yi.at("monitored"), "<null>");
    EXPECT_EQ(yi.at("source"), "村级统计");
    EXPECT_EQ(yi.at("monitored_share"), "<null>") << "a share would give the count away";
    EXPECT_EQ(yi.at("monitored_unstable"), "<null>") << "no records: no breakdown";
    EXPECT_EQ(findRow(villages, "village_name", "丙村").at("monitored"), "<null>") << "7, blanked so 乙村's 3 cannot be read off";
    EXPECT_EQ(findRow(villages, "village_name", "丁村").at("monitored"), "20");
    const auto& wu = findRow(villages, "village_name", "戊村");
    EXPECT_EQ(wu.at("monitored"), "<null>");
    EXPECT_EQ(wu.at("cluster"), "无数据");
    EXPECT_NE(wu.at("note").find("无监测户数据"), std::string::npos);

    const auto& t101 = findRow(areas, "code", "433127101");
    EXPECT_EQ(t101.at("monitored"), "22");
    EXPECT_EQ(t101.at("households"), "230");
    EXPECT_NEAR(std::stod(t101.at("monitored_share")), 100.0 * 22 / 230, 0.006);
    EXPECT_EQ(t101.at("monitored_unstable"), "6");
    EXPECT_EQ(t101.at("monitored_edge"), "<null>");
    const auto& t102 = findRow(areas, "code", "433127102");
    EXPECT_EQ(t102.at("monitored"), "20");
    EXPECT_EQ(t102.at("villages_without_data"), "1");
    EXPECT_EQ(t101.at("villages_with_records"), "1");
    EXPECT_EQ(t102.at("villages_with_records"), "0");
    const auto& county = findRow(areas, "level", "county");
    EXPECT_EQ(county.at("monitored"), "42");
    EXPECT_EQ(county.at("households"), "490");
    EXPECT_EQ(county.at("villages"), "5");
    // Years: the county's identified and eliminated by year.
    std::map<std::string, std::pair<std::string, std::string>> byYear;
    for (const auto& y : years)
        if (y.at("level") == "county") byYear[y.at("year")] = {y.at("identified"), y.at("eliminated")};
    EXPECT_EQ(byYear["2025"].first, "7");
    EXPECT_EQ(byYear["2025"].second, "6");
    EXPECT_EQ(byYear["2024"].first, "5");
    EXPECT_EQ(byYear["2023"].first, "6");
    EXPECT_EQ(byYear["2023"].second, "0");

    // No output holds a count of 1 to 4: every count column of every table, and the CSV and JSON.
    const std::vector<std::string> countColumns = {
        "households", "monitored", "monitored_unstable", "monitored_edge", "monitored_sudden_hardship", "identified", "eliminated"};
    for (const ResultRows* rows : {&villages, &areas, &years})
        for (const auto& row : *rows)
            for (const auto& [name, value] : row) {
                const bool isCount =
                    std::find(countColumns.begin(), countColumns.end(), name) != countColumns.end() || name.rfind("cause_", 0) == 0;
                if (isCount && value != "<null>") {
                    const long long n = std::stoll(value);
                    EXPECT_FALSE(n >= 1 && n <= 4) << name << " = " << value;
                }
            }
    const auto json = runCli("risk " + quote(project) + " --year 2025 --permutations 99 --json");
    ASSERT_EQ(json.status, 0) << json.output;
    EXPECT_NE(json.output.find("\"monitored\": 42"), std::string::npos) << json.output;
    const std::string csv = dir.file("risk.csv");
    ASSERT_EQ(runCli("risk " + quote(project) + " --year 2025 --out " + quote(csv)).status, 0);
    // The CSV (the village table): split by commas (no field here holds one) and check each count.
    std::vector<std::vector<std::string>> lines;
    {
        std::string text = readFile(csv), cellText;
        std::vector<std::string> line;
        for (char c : text) {
            if (c == ',' || c == '\n') {
                line.push_back(cellText);
                cellText.clear();
                if (c == '\n') lines.push_back(std::move(line)), line.clear();
            } else if (c != '\r' && c != '"') {
                cellText += c;
            }
        }
    }
    ASSERT_EQ(lines.size(), 6u);
    int checked = 0;
    for (std::size_t col = 0; col < lines[0].size(); ++col) {
        const std::string& name = lines[0][col];
        if (std::find(countColumns.begin(), countColumns.end(), name) == countColumns.end() && name.rfind("cause_", 0) != 0) continue;
        for (std::size_t row = 1; row < lines.size(); ++row) {
            const std::string& v = lines[row][col];
            EXPECT_FALSE(v == "1" || v == "2" || v == "3" || v == "4") << name << " row " << row << " = " << v;
            ++checked;
        }
    }
    EXPECT_GE(checked, 5 * 14);
}

TEST(Risk, WithoutHouseholdRecordsOnlyVillageCounts) {
    TempDir dir;
    const std::string project = dir.file("p.gpkg");
    ASSERT_EQ(runCli("init " + quote(project) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"),
              "code,name,township_code,households,monitored_households,lon,lat\n"
              "433127101201,甲村,433127101,100,12,110.00,29.0\n"
              "433127101202,乙村,433127101,80,9,110.02,29.0\n");
    ASSERT_EQ(runCli("import " + quote(project) + " " + quote(dir.file("v.csv")) + " --into villages --allow-outside").status, 0);
    const auto r = runCli("risk " + quote(project) + " --permutations 0");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("监测户 21 户"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("没有农户记录"), std::string::npos) << r.output;
}
