// `ruralatlas suitability` on demo counties, checked with what GDAL and GEOS read here: every cell
// of every candidate block is open land (slope by Horn's formula on the DEM read with GDAL, outside
// every excluding constraint and 50 m from the rivers by GEOS) scoring at least the minimum; the
// blocks are the size the households need and far enough apart; the zones cover the grid; a red
// line drawn over the best block moves the candidates off it; a seed gives the same sensitivity;
// no DEM is refused with a clear message.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "io/gdal_util.hpp"
#include "io/ogr_features.hpp"
#include "site_terrain.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

using Row = std::map<std::string, std::string>;
std::vector<Row> rows(const std::string& gpkg, const std::string& layer) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    std::vector<Row> out;
    for (auto& f : *ds->GetLayerByName(layer.c_str())) {
        Row& r = out.emplace_back();
        for (int i = 0; i < f->GetFieldCount(); ++i)
            r[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "NULL";
    }
    return out;
}

double jsonNumber(const std::string& out, const std::string& key) {
    const auto at = out.find("\"" + key + "\": ");
    return at == std::string::npos ? NAN : std::stod(out.substr(at + key.size() + 4));
}

Raster readDem(const std::string& gpkg) {
    io::initGdal();
    GDALDatasetUniquePtr ds(GDALDataset::Open(("GPKG:" + gpkg + ":dem").c_str(), GDAL_OF_RASTER));
    Raster r;
    if (!ds) return r;
    double gt[6];
    ds->GetGeoTransform(gt);
    r.x0 = gt[0], r.y1 = gt[3], r.cell = gt[1], r.width = ds->GetRasterXSize(), r.height = ds->GetRasterYSize();
    GDALRasterBand* b = ds->GetRasterBand(1);
    int has = 0;
    const double nd = b->GetNoDataValue(&has);
    if (has) r.nodata = static_cast<float>(nd);
    r.z.resize(static_cast<std::size_t>(r.width) * r.height);
    EXPECT_EQ(b->RasterIO(GF_Read, 0, 0, r.width, r.height, r.z.data(), r.width, r.height, GDT_Float32, 0, 0), CE_None);
    return r;
}

struct Land {
    std::vector<std::unique_ptr<OGRGeometry>> excluded, rivers;
};
Land readLand(const std::string& gpkg) {
    Land land;
    io::DatasetPtr ds = io::openVector(gpkg, false);
    for (auto& f : *ds->GetLayerByName("constraints")) {
        const std::string kind = f->GetFieldAsString("kind");
        if ((kind == "ecological_redline" || kind == "basic_farmland" || kind == "flood_zone" || kind == "geohazard") &&
            f->GetGeometryRef())
            land.excluded.emplace_back(f->GetGeometryRef()->clone());
    }
    for (auto& f : *ds->GetLayerByName("rivers"))
        if (f->GetGeometryRef()) land.rivers.emplace_back(f->GetGeometryRef()->clone());
    return land;
}

}  // namespace

TEST(Suitability, EveryCellOfEveryCandidateBlockIsOpenLandScoringEnough) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg"), out = dir.file("s.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 100 --seed 3").status, 0);
    const auto r =
        runCli("suitability " + quote(g) + " --households 160 --max-candidates 12 --sensitivity 60 --seed 7 --json --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    // 160 households x 3.5 people x 25 m2 x 2.5 (the defaults).
    EXPECT_DOUBLE_EQ(jsonNumber(r.output, "need_m2"), 35000.0);
    const Raster dem = readDem(g);
    ASSERT_GT(dem.width, 100);
    EXPECT_EQ(jsonNumber(r.output, "cells"), double(dem.width) * dem.height);
    const double side = jsonNumber(r.output, "block_side_m");
    EXPECT_EQ(side, std::ceil(std::sqrt(std::ceil(35000.0 / (dem.cell * dem.cell)))) * dem.cell);
    const Land land = readLand(g);
    ASSERT_FALSE(land.excluded.empty());
    // The score grid in the result, as GDAL reads it: on the DEM's cells.
    GDALDatasetUniquePtr grid(GDALDataset::Open(("GPKG:" + out + ":suitability_score").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(grid);
    ASSERT_EQ(grid->GetRasterXSize(), dem.width);
    ASSERT_EQ(grid->GetRasterYSize(), dem.height);
    std::vector<float> scores(static_cast<std::size_t>(dem.width) * dem.height);
    ASSERT_EQ(
        grid->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, dem.width, dem.height, scores.data(), dem.width, dem.height, GDT_Float32, 0, 0),
        CE_None);
    int hasNoData = 0;
    const float noData = static_cast<float>(grid->GetRasterBand(1)->GetNoDataValue(&hasNoData));
    ASSERT_TRUE(hasNoData);
    auto scoreAt = [&](double x, double y) {
        const int c = static_cast<int>(std::floor((x - dem.x0) / dem.cell)), r = static_cast<int>(std::floor((dem.y1 - y) / dem.cell));
        return scores[static_cast<std::size_t>(r) * dem.width + c];
    };
    const auto cands = rows(out, "suitability_candidates");
    ASSERT_EQ(cands.size(), 12u);
    std::vector<std::pair<double, double>> centres;
    double last = 2;
    for (const Row& c : cands) {
        ASSERT_EQ(c.at("site_fits"), "1");
        const double x = std::stod(c.at("site_x")), y = std::stod(c.at("site_y")), score = std::stod(c.at("site_score"));
        EXPECT_GE(score, 0.5);
        EXPECT_LE(score, last + 1e-9) << "ranked by score";
        last = score;
        EXPECT_GE(std::stod(c.at("area_ha")) * 10000, side * side);
        for (const auto& [ox, oy] : centres) EXPECT_GE(std::hypot(ox - x, oy - y), 1000.0 - 1e-6);
        centres.push_back({x, y});
        // Every cell of the block: open land, its score in the grid; their mean is the block's score.
        double sum = 0;
        int cells = 0;
        for (double cy = y - side / 2 + dem.cell / 2; cy < y + side / 2; cy += dem.cell)
            for (double cx = x - side / 2 + dem.cell / 2; cx < x + side / 2; cx += dem.cell) {
                const double sl = relocation::slopeAt(dem, {cx, cy});
                ASSERT_TRUE(std::isfinite(sl));
                EXPECT_LE(sl, 25.0);
                OGRPoint pt(cx, cy);
                for (const auto& e : land.excluded) ASSERT_FALSE(e->Contains(&pt)) << "rank " << c.at("rank") << " at " << cx << "," << cy;
                for (const auto& river : land.rivers) ASSERT_GE(river->Distance(&pt), 50.0 - 1e-6);
                const float v = scoreAt(cx, cy);
                ASSERT_NE(v, noData);
                EXPECT_GE(v, 0.5f);
                sum += v;
                ++cells;
            }
        EXPECT_NEAR(sum / cells, score, 0.0006);
        const double share = std::stod(c.at("top_share"));
        EXPECT_GE(share, 0.0);
        EXPECT_LE(share, 1.0);
        EXPECT_NE(c.at("sentence").find("米见方"), std::string::npos);
    }
    // The zones cover the county once: their area is the county outline's (GEOS), to the cells
    // along its edge; the DEM reaching past the county is not judged.
    double ha = 0;
    for (const Row& z : rows(out, "suitability_zones")) ha += std::stod(z.at("area_ha"));
    double countyHa = 0;
    {
        io::DatasetPtr ds = io::openVector(g, false);
        for (auto& f : *ds->GetLayerByName("county")) countyHa += f->GetGeometryRef()->toMultiSurface()->get_Area() / 10000;
    }
    ASSERT_GT(countyHa, 1000);
    EXPECT_LT(countyHa, double(dem.width) * dem.height * dem.cell * dem.cell / 10000 * 0.95);
    EXPECT_NEAR(ha, countyHa, 0.005 * countyHa);
    EXPECT_NEAR(ha, jsonNumber(r.output, "county_cells") * dem.cell * dem.cell / 10000, 0.01 * jsonNumber(r.output, "zones"));
    // The same seed, the same sensitivity.
    const std::string again = dir.file("again.gpkg");
    ASSERT_EQ(
        runCli("suitability " + quote(g) + " --households 160 --max-candidates 12 --sensitivity 60 --seed 7 --out " + quote(again)).status,
        0);
    const auto cands2 = rows(again, "suitability_candidates");
    ASSERT_EQ(cands2.size(), cands.size());
    for (std::size_t i = 0; i < cands.size(); ++i) EXPECT_EQ(cands2[i].at("top_share"), cands[i].at("top_share"));
}

TEST(Suitability, ARedLineOverTheBestBlockMovesTheCandidatesOffIt) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg"), before = dir.file("before.gpkg"), after = dir.file("after.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 120 --seed 6").status, 0);
    const auto r1 = runCli("suitability " + quote(g) + " --json --out " + quote(before));
    ASSERT_EQ(r1.status, 0) << r1.output;
    const auto best = rows(before, "suitability_candidates").at(0);
    const double x = std::stod(best.at("site_x")), y = std::stod(best.at("site_y"));
    // And a reservoir (1703 水库水面, current land use) over the second block.
    const auto second = rows(before, "suitability_candidates").at(1);
    const double wx = std::stod(second.at("site_x")), wy = std::stod(second.at("site_y"));
    {
        io::DatasetPtr ds = io::openVector(g, true);
        OGRLinearRing wring;
        for (const auto& [dx, dy] :
             std::vector<std::pair<double, double>>{{-300, -300}, {300, -300}, {300, 300}, {-300, 300}, {-300, -300}})
            wring.addPoint(wx + dx, wy + dy);
        OGRPolygon wpoly;
        wpoly.addRing(&wring);
        OGRMultiPolygon wmulti;
        wmulti.addGeometry(&wpoly);
        OGRLayer* landuse = ds->GetLayerByName("landuse_plan");
        OGRFeature parcel(landuse->GetLayerDefn());
        parcel.SetField("village_code", "433199100201");
        parcel.SetField("landuse_code", "1703");
        parcel.SetField("period", "current");
        parcel.SetGeometry(&wmulti);
        ASSERT_EQ(landuse->CreateFeature(&parcel), OGRERR_NONE);
        OGRLinearRing ring;
        for (const auto& [dx, dy] :
             std::vector<std::pair<double, double>>{{-400, -400}, {400, -400}, {400, 400}, {-400, 400}, {-400, -400}})
            ring.addPoint(x + dx, y + dy);
        OGRPolygon poly;
        poly.addRing(&ring);
        OGRLayer* zones = ds->GetLayerByName("constraints");
        OGRFeature zone(zones->GetLayerDefn());
        zone.SetField("kind", "ecological_redline");
        zone.SetField("name", "测试红线");
        zone.SetGeometry(&poly);
        ASSERT_EQ(zones->CreateFeature(&zone), OGRERR_NONE);
    }
    const auto r2 = runCli("suitability " + quote(g) + " --json --out " + quote(after));
    ASSERT_EQ(r2.status, 0) << r2.output;
    const double side = jsonNumber(r2.output, "block_side_m");
    for (const Row& c : rows(after, "suitability_candidates")) {
        if (c.at("site_fits") != "1") continue;
        const double cx = std::stod(c.at("site_x")), cy = std::stod(c.at("site_y"));
        // The block and the red line do not overlap.
        EXPECT_TRUE(std::abs(cx - x) >= 400 + side / 2 - 30 || std::abs(cy - y) >= 400 + side / 2 - 30) << cx << "," << cy;
        EXPECT_TRUE(std::abs(cx - wx) >= 300 + side / 2 - 30 || std::abs(cy - wy) >= 300 + side / 2 - 30) << cx << "," << cy;
    }
    auto redline = [](const std::string& file) {
        double ha = 0;
        for (const Row& z : rows(file, "suitability_zones"))
            if (z.at("zone_code") == "excluded_ecological_redline") ha += std::stod(z.at("area_ha"));
        return ha;
    };
    // The grid has no score on the red line.
    {
        GDALDatasetUniquePtr grid(GDALDataset::Open(("GPKG:" + after + ":suitability_score").c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(grid);
        double gt[6];
        grid->GetGeoTransform(gt);
        float v = 0;
        ASSERT_EQ(grid->GetRasterBand(1)->RasterIO(GF_Read, int((x - gt[0]) / gt[1]), int((y - gt[3]) / gt[5]), 1, 1, &v, 1, 1, GDT_Float32,
                                                   0, 0),
                  CE_None);
        EXPECT_EQ(v, static_cast<float>(grid->GetRasterBand(1)->GetNoDataValue()));
    }
    // The reasons grid says why: bit 1, the ecological red line (the first excluded kind).
    {
        GDALDatasetUniquePtr reasons(GDALDataset::Open(("GPKG:" + after + ":suitability_exclusion").c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(reasons);
        double gt[6];
        reasons->GetGeoTransform(gt);
        float v = 0;
        ASSERT_EQ(reasons->GetRasterBand(1)->RasterIO(GF_Read, int((x - gt[0]) / gt[1]), int((y - gt[3]) / gt[5]), 1, 1, &v, 1, 1,
                                                      GDT_Float32, 0, 0),
                  CE_None);
        EXPECT_EQ(static_cast<int>(v) & 1, 1) << v;
        ASSERT_EQ(reasons->GetRasterBand(1)->RasterIO(GF_Read, int((wx - gt[0]) / gt[1]), int((wy - gt[3]) / gt[5]), 1, 1, &v, 1, 1,
                                                      GDT_Float32, 0, 0),
                  CE_None);
        EXPECT_EQ(static_cast<int>(v) & 4096, 4096) << "the reservoir: " << v;
    }
    // 800 m x 800 m is 64 ha, less what was excluded there before (nothing, on the best block's land).
    EXPECT_NEAR(redline(after) - redline(before), 64.0, 5.0);
}

TEST(Suitability, WithoutADemItSaysWhatIsMissing) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 60 --seed 7 --no-dem").status, 0);
    const auto r = runCli("suitability " + quote(g) + " --out " + quote(dir.file("s.gpkg")));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("no DEM"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("s.gpkg")));
}

// --save-grid stores the score grid in the project as a gridded layer, cell for cell the one in
// the result file, and a second run replaces it (one layer, the DEM untouched); without the
// flag the project is not written. The layer then draws from the project alone.
TEST(Suitability, SaveGridStoresTheScoreInTheProjectAndReplacesIt) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 60 --seed 5").status, 0);
    const auto readGrid = [](const std::string& gpkg, const std::string& table) {
        io::initGdal();
        GDALDatasetUniquePtr ds(GDALDataset::Open(("GPKG:" + gpkg + ":" + table).c_str(), GDAL_OF_RASTER));
        std::vector<float> v;
        if (!ds) return v;
        v.resize(std::size_t(ds->GetRasterXSize()) * std::size_t(ds->GetRasterYSize()));
        EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ds->GetRasterXSize(), ds->GetRasterYSize(), v.data(), ds->GetRasterXSize(),
                                                 ds->GetRasterYSize(), GDT_Float32, 0, 0),
                  CE_None);
        return v;
    };
    const auto gridsInProject = [&] {
        io::DatasetPtr ds = io::openVector(g, false);
        return io::gpkgGridNames(*ds);
    };
    const std::vector<float> dem = readGrid(g, "dem");
    ASSERT_FALSE(dem.empty());
    ASSERT_EQ(runCli("suitability " + quote(g) + " --households 80 --out " + quote(dir.file("a.gpkg"))).status, 0);
    EXPECT_EQ(gridsInProject(), std::vector<std::string>{"dem"});
    std::vector<float> first;
    for (int run = 0; run < 2; ++run) {
        // The second run weighs another criterion (road time to a kindergarten): other scores.
        const std::string out = dir.file("s" + std::to_string(run) + ".gpkg");
        const std::string criteria = run ? " --criteria " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/bench/site_criteria_8.json") : "";
        const auto r = runCli("suitability " + quote(g) + " --households 80" + criteria + " --save-grid --out " + quote(out));
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("suitability_score"), std::string::npos) << r.output;
        EXPECT_EQ(gridsInProject(), (std::vector<std::string>{"dem", "suitability_score"}));
        const std::vector<float> inProject = readGrid(g, "suitability_score"), inResult = readGrid(out, "suitability_score");
        ASSERT_EQ(inProject.size(), inResult.size());
        ASSERT_FALSE(inProject.empty());
        EXPECT_EQ(std::memcmp(inProject.data(), inResult.data(), inProject.size() * sizeof(float)), 0);
        EXPECT_EQ(readGrid(g, "dem"), dem);
        if (run == 0)
            first = inProject;
        else
            EXPECT_NE(std::memcmp(first.data(), inProject.data(), first.size() * sizeof(float)), 0);  // replaced
    }
    io::DatasetPtr ds = io::openVector(g, false);
    OGRLayer* n = ds->ExecuteSQL("SELECT count(*) FROM gpkg_tile_matrix_set WHERE table_name = 'suitability_score'", nullptr, nullptr);
    ASSERT_TRUE(n);
    io::FeaturePtr row(n->GetNextFeature());
    ASSERT_TRUE(row);
    EXPECT_EQ(row->GetFieldAsInteger(0), 1);
    row.reset();
    ds->ReleaseResultSet(n);
    ds.reset();
    EXPECT_EQ(runCli("validate " + quote(g)).status, 0);
    // Drawn from the project, with no result file.
    const auto r =
        runCli("render " + quote(g) + " --style relocation/suitability_score.json --size 400x300 --out " + quote(dir.file("m.png")));
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find("skipped"), std::string::npos) << r.output;
}
