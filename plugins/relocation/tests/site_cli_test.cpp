// `ruralatlas site` as a user runs it: on OR-Library files and on a demo county.
#include <gtest/gtest.h>

#include <cmath>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas::test;

TEST(SiteCli, SolvesAnOrLibFileWithoutAProject) {
    const auto r = runCli("site --orlib " + quote(RURALATLAS_ORLIB_DIR "/pmed1.txt") + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"objective\": 5819"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"lower_bound\": 5819"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"optimal\": true"), std::string::npos) << r.output;
    const auto missing = runCli("site --json");
    EXPECT_EQ(missing.status, 2) << missing.output;
    EXPECT_NE(missing.output.find("PROJECT is required"), std::string::npos) << missing.output;
}

namespace {
struct Pt {
    double x, y, w;
    std::string id;
};
std::vector<Pt> readPoints(const std::string& gpkg, const char* layer, const char* idField, const char* weightField) {
    ruralatlas::io::DatasetPtr ds = ruralatlas::io::openVector(gpkg, false);
    std::vector<Pt> out;
    for (auto& f : *ds->GetLayerByName(layer)) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) continue;
        out.push_back({g->toPoint()->getX(), g->toPoint()->getY(), weightField ? f->GetFieldAsDouble(weightField) : 0.0,
                       f->GetFieldAsString(idField)});
    }
    return out;
}
double jsonNumber(const std::string& out, const std::string& key) {
    const auto at = out.find("\"" + key + "\": ");
    if (at == std::string::npos) return NAN;
    return std::stod(out.substr(at + key.size() + 4));
}
}  // namespace

// On a demo county by straight line with no cut-off: the p-median, the maximal cover and the
// p-center equal brute force over every set of sites, worked out from the layers with OGR.
TEST(SiteCli, DemoCountyByStraightLineEqualsBruteForce) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 300 --seed 3").status, 0);
    const auto villages = readPoints(g, "villages", "code", "population");
    const auto sites = readPoints(g, "resettlement_sites", "id", nullptr);
    ASSERT_GE(sites.size(), 5u);
    const std::size_t m = sites.size();
    const auto dist = [&](std::size_t i, std::size_t j) { return std::hypot(villages[i].x - sites[j].x, villages[i].y - sites[j].y); };
    double bestMedian = INFINITY, bestCover = -1, bestCenter = INFINITY, bestPinned = INFINITY;
    const int p = 3;
    const double radius = 8000;
    // With the first site kept (--fixed) and the second left out (--exclude), as the desktop
    // app's choose-sites flow asks.
    const unsigned keep = 1u, drop = 2u;
    for (unsigned mask = 0; mask < (1u << m); ++mask) {
        if (__builtin_popcount(mask) != p) continue;
        double median = 0, cover = 0, center = 0;
        for (std::size_t i = 0; i < villages.size(); ++i) {
            double d = INFINITY;
            for (std::size_t j = 0; j < m; ++j)
                if (mask & (1u << j)) d = std::min(d, dist(i, j));
            median += villages[i].w * d;
            cover += d <= radius ? villages[i].w : 0;
            center = std::max(center, d);
        }
        bestMedian = std::min(bestMedian, median);
        if ((mask & keep) && !(mask & drop)) bestPinned = std::min(bestPinned, median);
        bestCover = std::max(bestCover, cover);
        bestCenter = std::min(bestCenter, center);
    }
    const std::string base = "site " + quote(g) + " --mode straight --cutoff 1e8 --p 3 --json";
    const auto median = runCli(base);
    ASSERT_EQ(median.status, 0) << median.output;
    EXPECT_NEAR(jsonNumber(median.output, "objective"), bestMedian, 1e-3 * 1e-6 * bestMedian + 0.01) << median.output;
    EXPECT_NE(median.output.find("\"optimal\": true"), std::string::npos);
    const auto pinned = runCli(base + " --fixed " + sites[0].id + " --exclude " + sites[1].id);
    ASSERT_EQ(pinned.status, 0) << pinned.output;
    EXPECT_NEAR(jsonNumber(pinned.output, "objective"), bestPinned, 1e-3 * 1e-6 * bestPinned + 0.01) << pinned.output;
    EXPECT_GE(bestPinned, bestMedian);
    const auto cover = runCli(base + " --problem max-cover --radius 8000");
    ASSERT_EQ(cover.status, 0) << cover.output;
    EXPECT_NEAR(jsonNumber(cover.output, "objective"), bestCover, 1e-6) << cover.output;
    const auto center = runCli(base + " --problem p-center");
    ASSERT_EQ(center.status, 0) << center.output;
    EXPECT_NEAR(jsonNumber(center.output, "objective"), bestCenter, 0.01) << center.output;
    // The chosen sites and every village's allocation are written, with the plugin's style.
    const auto out = runCli(base + " --out " + quote(dir.file("s.gpkg")));
    ASSERT_EQ(out.status, 0) << out.output;
    ruralatlas::io::DatasetPtr ds = ruralatlas::io::openVector(dir.file("s.gpkg"), false);
    EXPECT_EQ(ds->GetLayerByName("site_chosen")->GetFeatureCount(), 3);
    EXPECT_EQ(ds->GetLayerByName("site_allocation")->GetFeatureCount(), static_cast<GIntBig>(villages.size()));
}

TEST(SiteCli, BadInputIsRefusedNamingLayerFeatureAndField) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 60 --seed 4").status, 0);
    const auto tooMany = runCli("site " + quote(g) + " --p 99");
    EXPECT_EQ(tooMany.status, 2);
    EXPECT_NE(tooMany.output.find("p = 99 is larger than the"), std::string::npos) << tooMany.output;
    const auto noField = runCli("site " + quote(g) + " --p 2 --demand people_to_move");
    EXPECT_NE(noField.status, 0);
    EXPECT_NE(noField.output.find("layer villages, field people_to_move"), std::string::npos) << noField.output;
    const auto textCapacity = runCli("site " + quote(g) + " --p 2 --capacity-field name");
    EXPECT_NE(textCapacity.status, 0);
    EXPECT_NE(textCapacity.output.find("field name: the capacity is missing or not a non-negative number"), std::string::npos)
        << textCapacity.output;
    const auto badFixed = runCli("site " + quote(g) + " --p 2 --fixed NOPE");
    EXPECT_NE(badFixed.status, 0);
    EXPECT_NE(badFixed.output.find("NOPE"), std::string::npos) << badFixed.output;
    const auto badExclude = runCli("site " + quote(g) + " --p 2 --exclude NOPE");
    EXPECT_EQ(badExclude.status, 1);
    EXPECT_NE(badExclude.output.find("NOPE, field id: an excluded site (--exclude) is not among the candidates"), std::string::npos)
        << badExclude.output;
    const auto sites = readPoints(g, "resettlement_sites", "id", nullptr);
    ASSERT_FALSE(sites.empty());
    const auto both = runCli("site " + quote(g) + " --p 2 --fixed " + sites[0].id + " --exclude " + sites[0].id);
    EXPECT_EQ(both.status, 2);
    EXPECT_NE(both.output.find("--fixed and --exclude both name"), std::string::npos) << both.output;
}
