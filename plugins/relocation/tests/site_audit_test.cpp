// `ruralatlas site-audit` on a demo county: the slope and the distance to a road at every site
// against Horn's formula on the DEM read here with GDAL and GEOS's distance to the roads layer,
// the weighted score against the criteria file, a site on the ecological red line flagged with
// its reason, and criteria files and missing data handled as a user needs.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

std::map<std::string, std::map<std::string, std::string>> auditRows(const std::string& gpkg) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    std::map<std::string, std::map<std::string, std::string>> out;
    for (auto& f : *ds->GetLayerByName("site_audit")) {
        auto& r = out[f->GetFieldAsString("site_id")];
        for (int i = 0; i < f->GetFieldCount(); ++i)
            r[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "NULL";
    }
    return out;
}

double jsonWeight(const std::string& out, const std::string& id) {
    const auto w = out.find("\"weights\": {");
    const auto at = out.find("\"" + id + "\": ", w);
    return at == std::string::npos ? NAN : std::stod(out.substr(at + id.size() + 4));
}

}  // namespace

TEST(SiteAudit, MeasuresAndScoresEqualThoseWorkedOutHere) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg"), out = dir.file("a.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 300 --seed 3").status, 0);
    const auto r = runCli("site-audit " + quote(g) + " --out " + quote(out) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"weights_method\": \"ahp\""), std::string::npos) << r.output;
    const auto rows = auditRows(out);
    ASSERT_GE(rows.size(), 5u);

    // The DEM as GDAL reads it, and the roads and sites as OGR reads them.
    GDALDatasetUniquePtr dem(GDALDataset::Open(("GPKG:" + g + ":dem").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(dem);
    double gt[6];
    ASSERT_EQ(dem->GetGeoTransform(gt), CE_None);
    GDALRasterBand* band = dem->GetRasterBand(1);
    const auto z = [&](int col, int row) {
        float v = 0;
        EXPECT_EQ(band->RasterIO(GF_Read, col, row, 1, 1, &v, 1, 1, GDT_Float32, 0, 0), CE_None);
        return double(v);
    };
    io::DatasetPtr ds = io::openVector(g, false);
    std::vector<std::unique_ptr<OGRGeometry>> roads;
    for (auto& f : *ds->GetLayerByName("roads"))
        if (f->GetGeometryRef()) roads.emplace_back(f->GetGeometryRef()->clone());
    std::map<std::string, double> weights;
    double sumW = 0;
    for (const char* id : {"slope", "relief", "road", "seat", "school", "clinic", "jobs"}) {
        weights[id] = jsonWeight(r.output, id);
        sumW += weights[id];
    }
    EXPECT_NEAR(sumW, 1, 1e-3);
    int checked = 0;
    for (auto& f : *ds->GetLayerByName("resettlement_sites")) {
        const OGRPoint* p = f->GetGeometryRef()->toPoint();
        const auto& row = rows.at(f->GetFieldAsString("id"));
        // Horn's slope at the site's cell.
        const int c = int(std::floor((p->getX() - gt[0]) / gt[1])), w = int(std::floor((p->getY() - gt[3]) / gt[5]));
        const double cell = gt[1];
        const double gx =
            ((z(c + 1, w - 1) + 2 * z(c + 1, w) + z(c + 1, w + 1)) - (z(c - 1, w - 1) + 2 * z(c - 1, w) + z(c - 1, w + 1))) / (8 * cell);
        const double gy =
            ((z(c - 1, w + 1) + 2 * z(c, w + 1) + z(c + 1, w + 1)) - (z(c - 1, w - 1) + 2 * z(c, w - 1) + z(c + 1, w - 1))) / (8 * cell);
        const double slope = std::atan(std::hypot(gx, gy)) * 180 / M_PI;
        EXPECT_NEAR(std::stod(row.at("value_slope")), slope, 0.006) << row.at("site_name");
        // Distance to the nearest road, by GEOS.
        double road = INFINITY;
        for (const auto& geom : roads) road = std::min(road, p->Distance(geom.get()));
        EXPECT_NEAR(std::stod(row.at("value_road")), road, 0.006) << row.at("site_name");
        // Scores by the default criteria: slope 1 at 5 degrees, 0 at 25; road 1 at 100 m, 0 at 1500.
        EXPECT_NEAR(std::stod(row.at("score_slope")), std::clamp((25 - slope) / 20, 0.0, 1.0), 1e-3);
        EXPECT_NEAR(std::stod(row.at("score_road")), std::clamp((1500 - road) / 1400, 0.0, 1.0), 1e-3);
        // The weighted score over the criteria judged.
        double total = 0, weight = 0;
        for (const auto& [id, wt] : weights)
            if (row.at("score_" + id) != "NULL") {
                total += wt * std::stod(row.at("score_" + id));
                weight += wt;
            }
        EXPECT_NEAR(std::stod(row.at("score")), total / weight, 2e-3) << row.at("site_name");
        ++checked;
    }
    EXPECT_EQ(checked, int(rows.size()));
}

// A red line drawn around a suitable site: the site is flagged with the reason in Chinese.
TEST(SiteAudit, ASiteOnTheRedLineIsFlaggedWithItsReason) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 120 --seed 6").status, 0);
    ASSERT_EQ(runCli("site-audit " + quote(g) + " --out " + quote(dir.file("before.gpkg"))).status, 0);
    std::string target;
    for (const auto& [id, row] : auditRows(dir.file("before.gpkg")))
        if (row.at("verdict_code") == "suitable") target = id;
    ASSERT_FALSE(target.empty());
    {
        io::DatasetPtr ds = io::openVector(g, true);
        OGRLayer* sites = ds->GetLayerByName("resettlement_sites");
        sites->SetAttributeFilter(("id = '" + target + "'").c_str());
        std::unique_ptr<OGRFeature> s(sites->GetNextFeature());
        ASSERT_TRUE(s);
        const OGRPoint* p = s->GetGeometryRef()->toPoint();
        OGRLinearRing ring;
        for (const auto& [dx, dy] :
             std::vector<std::pair<double, double>>{{-300, -300}, {300, -300}, {300, 300}, {-300, 300}, {-300, -300}})
            ring.addPoint(p->getX() + dx, p->getY() + dy);
        OGRPolygon poly;
        poly.addRing(&ring);
        OGRLayer* zones = ds->GetLayerByName("constraints");
        OGRFeature zone(zones->GetLayerDefn());
        zone.SetField("kind", "ecological_redline");
        zone.SetField("name", "测试红线");
        zone.SetGeometry(&poly);
        ASSERT_EQ(zones->CreateFeature(&zone), OGRERR_NONE);
    }
    const auto r = runCli("site-audit " + quote(g) + " --out " + quote(dir.file("after.gpkg")));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto row = auditRows(dir.file("after.gpkg")).at(target);
    EXPECT_EQ(row.at("verdict_code"), "excluded");
    EXPECT_NE(row.at("excluded_by").find("位于生态保护红线（测试红线）内"), std::string::npos) << row.at("excluded_by");
    EXPECT_NE(r.output.find("位于生态保护红线（测试红线）内"), std::string::npos) << r.output;
}

// Criteria files: an inconsistent AHP matrix and an unknown measure are refused naming the file
// (and line and key); direct and entropy weights work; without a DEM the terrain criteria are
// said to be missing and the others carry the weight.
TEST(SiteAudit, CriteriaFilesAreCheckedAndMissingDataIsSaid) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 80 --seed 7 --no-dem").status, 0);
    const std::string shipped = readFile(std::string(RURALATLAS_SOURCE_TREE) + "/data/site_criteria.json");
    const auto withWeights = [&](const std::string& weights) {
        std::string json = shipped;
        const auto at = json.find("\"weights\": {");
        const auto end = json.find("\n  },", at);
        return json.substr(0, at) + weights + json.substr(end + 4);
    };
    writeFile(dir.file("cyclic.json"), withWeights(R"("weights": {"method": "ahp", "matrix": [
      [1, 9, "1/9", 1, 1, 1, 1], ["1/9", 1, 9, 1, 1, 1, 1], [9, "1/9", 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]]})"));
    auto r = runCli("site-audit " + quote(g) + " --criteria " + quote(dir.file("cyclic.json")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("cyclic.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("一致性比率 CR = "), std::string::npos) << r.output;

    std::string unknown = shipped;
    const std::string relief = "\"measure\": \"relief\"";
    unknown.replace(unknown.find(relief), relief.size(), "\"measure\": \"altitude\"");
    writeFile(dir.file("unknown.json"), unknown);
    r = runCli("site-audit " + quote(g) + " --criteria " + quote(dir.file("unknown.json")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("unknown.json, line "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("field criteria.relief.measure: \"altitude\" is not a measure"), std::string::npos) << r.output;

    writeFile(dir.file("direct.json"), withWeights(R"("weights": {"method": "direct", "values": {"slope": 3, "relief": 1, "road": 1,
      "seat": 1, "school": 1, "clinic": 1, "jobs": 2}})"));
    r = runCli("site-audit " + quote(g) + " --criteria " + quote(dir.file("direct.json")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    // No DEM: slope and relief cannot be judged; the other five share the weight (1:1:1:1:2).
    EXPECT_NE(r.output.find("\"not_judged_criteria\": [\"slope\", \"relief\"]"), std::string::npos) << r.output;
    EXPECT_NEAR(jsonWeight(r.output, "slope"), 0, 1e-9);
    EXPECT_NEAR(jsonWeight(r.output, "jobs"), 2.0 / 6, 1e-4);
    EXPECT_NEAR(jsonWeight(r.output, "road"), 1.0 / 6, 1e-4);
    r = runCli("site-audit " + quote(g) + " --criteria " + quote(dir.file("direct.json")));
    EXPECT_NE(r.output.find("缺少数据，未评价“坡度”：项目中没有数字高程模型（DEM）"), std::string::npos) << r.output;

    writeFile(dir.file("entropy.json"), withWeights(R"("weights": {"method": "entropy"})"));
    r = runCli("site-audit " + quote(g) + " --criteria " + quote(dir.file("entropy.json")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"weights_method\": \"entropy\""), std::string::npos) << r.output;
    double sum = 0;
    for (const char* id : {"slope", "relief", "road", "seat", "school", "clinic", "jobs"}) sum += jsonWeight(r.output, id);
    EXPECT_NEAR(sum, 1, 1e-3);
}
