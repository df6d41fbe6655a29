// Supervision sampling: the allocation by hand, draws reproducible and uniform, the visiting order
// optimal on a line, and `ruralatlas supervision-sample` on a demo county: the strata add up, the
// sample is the same for a seed and another for another seed, the route's minutes accumulate.
#include "sample.hpp"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include "io/gdal_util.hpp"
#include "result_rows.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::revitalization;
using namespace ruralatlas::test;

TEST(SupervisionSample, AllocationByHand) {
    EXPECT_EQ(allocate({6, 4}, 5), (std::vector<long long>{3, 2}));
    // 4 of {10, 1, 1}: 3.33, 0.33, 0.33 -> 4, 0, 0 by largest remainders, then each small stratum
    // takes one from the largest.
    EXPECT_EQ(allocate({10, 1, 1}, 4), (std::vector<long long>{2, 1, 1}));
    EXPECT_EQ(allocate({5, 9, 2}, 2), (std::vector<long long>{1, 1, 0})) << "fewer than the strata: the largest first";
    EXPECT_EQ(allocate({2, 3}, 10), (std::vector<long long>{2, 3})) << "never more than a stratum holds";
    EXPECT_EQ(allocate({7, 7, 7}, 6), (std::vector<long long>{2, 2, 2}));
    EXPECT_EQ(allocate({}, 3), std::vector<long long>{});
}

TEST(SupervisionSample, DrawsAreReproducibleDistinctAndUniform) {
    const auto a = drawIndices(100, 10, 42, 7), b = drawIndices(100, 10, 42, 7), c = drawIndices(100, 10, 43, 7);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_EQ(std::set<std::size_t>(a.begin(), a.end()).size(), 10u);
    for (std::size_t i : a) EXPECT_LT(i, 100u);
    // One of four, 40,000 streams: each about 10,000 (4 standard deviations is 350).
    std::map<std::size_t, int> counts;
    for (std::uint64_t s = 0; s < 40000; ++s) ++counts[drawIndices(4, 1, 9, s)[0]];
    for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(counts[i], 10000, 350) << i;
}

TEST(SupervisionSample, VisitOrderOnALineIsOptimal) {
    const std::vector<double> x = {0, 5, 1, 3, 2, 4};
    std::vector<std::vector<double>> cost(x.size(), std::vector<double>(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i)
        for (std::size_t j = 0; j < x.size(); ++j) cost[i][j] = std::fabs(x[i] - x[j]);
    EXPECT_EQ(visitOrder(cost), (std::vector<std::size_t>{0, 2, 4, 3, 5, 1}));
    // Stops on both sides of the start: the order found costs what the best of all 24 orders costs.
    const std::vector<double> y = {0, 2, -3, 3, -4};
    std::vector<std::vector<double>> c2(y.size(), std::vector<double>(y.size()));
    for (std::size_t i = 0; i < y.size(); ++i)
        for (std::size_t j = 0; j < y.size(); ++j) c2[i][j] = std::fabs(y[i] - y[j]);
    const auto o = visitOrder(c2);
    double total = 0;
    for (std::size_t i = 1; i < o.size(); ++i) total += c2[o[i - 1]][o[i]];
    // Brute force over every order of the four stops.
    std::vector<std::size_t> perm = {1, 2, 3, 4};
    double best = 1e9;
    do {
        double t = c2[0][perm[0]];
        for (std::size_t i = 1; i < perm.size(); ++i) t += c2[perm[i - 1]][perm[i]];
        best = std::min(best, t);
    } while (std::next_permutation(perm.begin(), perm.end()));
    EXPECT_DOUBLE_EQ(total, best);
}

TEST(SupervisionSample, DemoCountySampleAddsUpAndIsReproducible) {
    TempDir dir;
    const std::string project = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(project) + " --villages 150 --seed 3").status, 0);
    auto run = [&](const std::string& name, const std::string& args) {
        const std::string out = dir.file(name);
        const auto r = runCli("supervision-sample " + quote(project) + " " + args + " --out " + quote(out));
        EXPECT_EQ(r.status, 0) << r.output;
        return out;
    };
    const std::string a = run("a.gpkg", "--villages 12 --seed 5"), b = run("b.gpkg", "--villages 12 --seed 5"),
                      c = run("c.gpkg", "--villages 12 --seed 6");
    const auto va = readRows(a, "sample_villages"), vb = readRows(b, "sample_villages"), vc = readRows(c, "sample_villages");
    ASSERT_EQ(va.size(), 12u);
    std::set<std::string> sa, sb, sc;
    for (const auto& r : va) sa.insert(r.at("village_code"));
    for (const auto& r : vb) sb.insert(r.at("village_code"));
    for (const auto& r : vc) sc.insert(r.at("village_code"));
    EXPECT_EQ(sa, sb) << "a seed gives the same sample";
    EXPECT_NE(sa, sc) << "another seed another";
    EXPECT_EQ(sa.size(), 12u) << "no village twice";
    // Strata: sizes add up to the county, allocations to the sample, and each village's stratum
    // drew as many as its row says.
    const auto strata = readRows(a, "sample_strata");
    long long villages = 0, sampled = 0;
    std::map<std::string, long long> drawn;
    for (const auto& r : va) ++drawn[r.at("stratum")];
    for (const auto& s : strata) {
        villages += std::stoll(s.at("villages"));
        sampled += std::stoll(s.at("sampled"));
        EXPECT_EQ(drawn[s.at("stratum")], std::stoll(s.at("sampled"))) << s.at("stratum");
    }
    io::DatasetPtr ds = io::openVector(project, false);
    EXPECT_EQ(villages, ds->GetLayerByName("villages")->GetFeatureCount());
    EXPECT_EQ(sampled, 12);
    // The route: orders 1..12, minutes accumulating leg by leg.
    double cumulative = 0;
    for (std::size_t i = 0; i < va.size(); ++i) {
        EXPECT_EQ(va[i].at("visit_order"), std::to_string(i + 1));
        if (va[i].at("leg_minutes") != "<null>") {
            cumulative += std::stod(va[i].at("leg_minutes"));
            EXPECT_DOUBLE_EQ(std::stod(va[i].at("cumulative_minutes")), cumulative) << "the printed legs add up";
        }
    }
    EXPECT_GT(cumulative, 0);
    EXPECT_EQ(readRows(a, "sample_route").size(), 12u) << "a leg from the seat to each stop";
}

TEST(SupervisionSample, HouseholdsToVisitAreTheMonitoredFirst) {
    const std::vector<bool> flags = {false, true, false, false, true, false, false, true, false, false};
    const std::set<std::size_t> monitored = {1, 4, 7};
    const auto a = drawHouseholds(flags, 5, 11, 3);
    ASSERT_EQ(a.size(), 5u);
    EXPECT_EQ(std::set<std::size_t>(a.begin(), a.begin() + 3), monitored) << "every monitored household, first";
    for (std::size_t i = 3; i < 5; ++i) EXPECT_FALSE(flags[a[i]]) << "then others";
    EXPECT_EQ(std::set<std::size_t>(a.begin(), a.end()).size(), 5u);
    EXPECT_EQ(a, drawHouseholds(flags, 5, 11, 3)) << "a seed gives the same households";
    const auto two = drawHouseholds(flags, 2, 11, 3);
    ASSERT_EQ(two.size(), 2u);
    for (std::size_t i : two) EXPECT_TRUE(monitored.count(i)) << "fewer to visit than monitored: monitored only";
    EXPECT_EQ(drawHouseholds(flags, 20, 11, 3).size(), 10u) << "a small village: all of it";
    // The others are drawn uniformly: with 3 monitored and k = 5, each of the 7 others comes in 2
    // of 7 draws, about 2,000 of 7,000 (4 standard deviations is about 150).
    std::map<std::size_t, int> counts;
    for (std::uint64_t s = 0; s < 7000; ++s)
        for (std::size_t i : drawHouseholds(flags, 5, 2, s)) ++counts[i];
    for (std::size_t i = 0; i < flags.size(); ++i)
        if (!flags[i]) EXPECT_NEAR(counts[i], 2000, 200) << i;
}

namespace {
struct VisitRow {
    std::string village, household, group;
    long long villageOrder = 0, order = 0;
};
std::vector<VisitRow> visitRows(const std::string& project, const std::string& list) {
    io::DatasetPtr ds = io::openVector(project, false);
    OGRLayer* l = ds->GetLayerByName("supervision_visits");
    std::vector<VisitRow> out;
    if (!l) return out;
    l->SetAttributeFilter(("list_name = '" + list + "'").c_str());
    for (auto& f : *l)
        out.push_back({f->GetFieldAsString("village_code"), f->GetFieldAsString("household_id"), f->GetFieldAsString("visit_group"),
                       f->GetFieldAsInteger64("village_order"), f->GetFieldAsInteger64("visit_order")});
    return out;
}
}  // namespace

TEST(SupervisionSample, TheVisitListIsDrawnIntoTheProjectAndNeverIntoAFile) {
    TempDir dir;
    const std::string project = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(project) + " --villages 150 --seed 3").status, 0);
    // The ledger by village, read here with GDAL.
    std::map<std::string, std::map<std::string, bool>> ledger;  // village -> household -> monitored
    {
        io::DatasetPtr ds = io::openVector(project, false);
        for (auto& f : *ds->GetLayerByName("households"))
            ledger[f->GetFieldAsString("village_code")][f->GetFieldAsString("id")] =
                f->GetFieldAsInteger("monitored") == 1 || std::string(f->GetFieldAsString("status")).rfind("monitored_", 0) == 0;
    }
    ASSERT_GT(ledger.size(), 3u);
    const std::string out = dir.file("sample.gpkg");
    int runs = 0;
    auto sample = [&](const std::string& args) {
        const std::string file = runs++ == 0 ? out : dir.file("sample" + std::to_string(runs) + ".gpkg");
        const auto r = runCli("supervision-sample " + quote(project) + " --villages 150 --households 6 --route none " + args + " --out " +
                              quote(file));
        EXPECT_EQ(r.status, 0) << r.output;
        return r.output;
    };
    const std::string said = sample("--seed 5 --visit-list 第一次督查");
    const auto rows = visitRows(project, "第一次督查");
    // Every sampled village with a ledger: min(6, its households), the monitored first in the draw.
    std::map<std::string, std::vector<VisitRow>> byVillage;
    for (const auto& r : rows) byVillage[r.village].push_back(r);
    EXPECT_EQ(byVillage.size(), ledger.size()) << "all villages sampled: every village with households has its list";
    const auto villages = readRows(out, "sample_villages");
    std::map<std::string, long long> order;
    for (const auto& v : villages) order[v.at("village_code")] = std::stoll(v.at("visit_order"));
    for (const auto& [code, list] : byVillage) {
        const auto& hh = ledger.at(code);
        long long nMonitored = 0;
        for (const auto& [id, m] : hh) nMonitored += m;
        ASSERT_EQ(list.size(), std::min<std::size_t>(6, hh.size())) << code;
        std::set<std::string> ids;
        long long groupMonitored = 0;
        for (std::size_t i = 0; i < list.size(); ++i) {
            ASSERT_TRUE(hh.count(list[i].household)) << list[i].household << " is not a household of " << code;
            EXPECT_EQ(list[i].group == "monitored", hh.at(list[i].household));
            groupMonitored += list[i].group == "monitored";
            ids.insert(list[i].household);
            EXPECT_EQ(list[i].villageOrder, order.at(code)) << "the village's place on the route";
        }
        EXPECT_EQ(ids.size(), list.size()) << "no household twice";
        EXPECT_EQ(groupMonitored, std::min<long long>(6, nMonitored)) << code << ": the monitored first";
        std::set<long long> orders;
        for (const auto& r : list) orders.insert(r.order);
        EXPECT_EQ(orders.size(), list.size());
        EXPECT_EQ(*orders.begin(), 1);
        EXPECT_EQ(*orders.rbegin(), (long long)list.size());
    }
    // Not one household id in the result file or in what the command printed.
    std::string fileBytes;
    {
        std::ifstream in(out, std::ios::binary);
        fileBytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    for (const auto& r : rows) {
        EXPECT_EQ(fileBytes.find(r.household), std::string::npos) << "household id in the result file";
        EXPECT_EQ(said.find(r.household), std::string::npos) << "household id printed";
    }
    // The same seed draws the same list; the same name replaces it; another name is kept apart.
    sample("--seed 5 --visit-list 第一次督查");
    const auto again = visitRows(project, "第一次督查");
    ASSERT_EQ(again.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(again[i].household, rows[i].household);
    sample("--seed 6 --visit-list 第二次督查");
    EXPECT_EQ(visitRows(project, "第一次督查").size(), rows.size());
    const auto other = visitRows(project, "第二次督查");
    EXPECT_EQ(other.size(), rows.size()) << "as many households, other ones";
    bool differs = false;
    for (std::size_t i = 0; i < rows.size() && i < other.size(); ++i) differs = differs || other[i].household != rows[i].household;
    EXPECT_TRUE(differs);
    // Exported, the list is village counts only, none under five households.
    const std::string csv = dir.file("visits.csv");
    ASSERT_EQ(runCli("export " + quote(project) + " --layer supervision_visits --out " + quote(csv)).status, 0);
    std::ifstream in(csv);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    for (const auto& r : rows) EXPECT_EQ(text.find(r.household), std::string::npos);
    EXPECT_NE(text.find("households"), std::string::npos);
}

TEST(SupervisionSample, AVisitListWithoutAHouseholdLedgerIsRefusedAndNothingWritten) {
    TempDir dir;
    const std::string project = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(project) + " --villages 60 --seed 3").status, 0);
    {
        io::DatasetPtr ds = io::openVector(project, true);
        for (int i = 0; i < ds->GetLayerCount(); ++i)
            if (std::string(ds->GetLayer(i)->GetName()) == "households") ASSERT_EQ(ds->DeleteLayer(i), OGRERR_NONE);
    }
    const auto r = runCli("supervision-sample " + quote(project) + " --villages 5 --visit-list x --out " + quote(dir.file("s.gpkg")));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("households"), std::string::npos) << r.output;
    EXPECT_TRUE(visitRows(project, "x").empty());
}
