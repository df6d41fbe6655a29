// Supervision sampling: the allocation by hand, draws reproducible and uniform, the visiting order
// optimal on a line, and `ruralatlas supervision-sample` on a demo county: the strata add up, the
// sample is the same for a seed and another for another seed, the route's minutes accumulate.
#include "sample.hpp"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
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
