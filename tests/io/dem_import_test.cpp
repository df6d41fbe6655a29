#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "io/importer.hpp"
#include "io/proj_transform.hpp"
#include "io_fixtures.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

namespace {
// A plane in degrees, as an SRTM-like GeoTIFF in EPSG:4326: z = 100 + 1000 (lon - 109.5) + 500 (lat - 28.65).
double plane(double lon, double lat) { return 100 + 1000 * (lon - 109.5) + 500 * (lat - 28.65); }

void writeTiff(const std::string& path) {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    const int w = 1200, h = 1020;
    io::DatasetPtr ds(drv->Create(path.c_str(), w, h, 1, GDT_Float32, nullptr));
    const double gt[6] = {109.5, 1.0 / 1200, 0, 29.5, 0, -0.85 / 1020};
    ds->SetGeoTransform(const_cast<double*>(gt));
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
    std::vector<float> z(static_cast<std::size_t>(w) * h);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c)
            z[static_cast<std::size_t>(r) * w + c] = static_cast<float>(plane(gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]));
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, z.data(), w, h, GDT_Float32, 0, 0), CE_None);
}
}  // namespace

TEST(ImportDem, WarpsToTheProjectCrsAndClipsToTheCounty) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    writeTiff(dir.file("srtm.tif"));
    io::ImportOptions o;
    o.project = p;
    o.source = dir.file("srtm.tif");
    o.into = "dem";
    Feedback fb;
    const auto r = io::importFile(o, fb);
    EXPECT_EQ(r.mode, "raster");

    GDALDatasetH dem = GDALOpenEx(("GPKG:" + p + ":dem").c_str(), GDAL_OF_RASTER, nullptr, nullptr, nullptr);
    ASSERT_NE(dem, nullptr);
    double gt[6];
    GDALGetGeoTransform(dem, gt);
    EXPECT_NEAR(gt[1], -gt[5], 1e-9);  // square cells
    EXPECT_GT(gt[1], 50);              // about 90 m (1/1200 degree)
    EXPECT_LT(gt[1], 120);
    const OGRSpatialReference* srs = GDALDataset::FromHandle(dem)->GetSpatialRef();
    ASSERT_NE(srs, nullptr);
    EXPECT_STREQ(srs->GetAuthorityCode(nullptr), "4546");
    // Values at a few cell centres equal the plane at their longitude and latitude (bilinear
    // resampling of a plane is exact up to float precision; tolerance 0.5 m).
    io::ToLonLat toLonLat(4546);
    const int w = GDALGetRasterXSize(dem), h = GDALGetRasterYSize(dem);
    for (auto [c, row] : {std::pair{w / 2, h / 2}, std::pair{w / 4, h / 3}, std::pair{3 * w / 4, 2 * h / 3}}) {
        float z = 0;
        ASSERT_EQ(GDALRasterIO(GDALGetRasterBand(dem, 1), GF_Read, c, row, 1, 1, &z, 1, 1, GDT_Float32, 0, 0), CE_None);
        double x = gt[0] + (c + 0.5) * gt[1], y = gt[3] + (row + 0.5) * gt[5];
        ASSERT_TRUE(toLonLat.transform(x, y));
        EXPECT_NEAR(z, plane(x, y), 0.5) << c << "," << row;
    }
    GDALClose(dem);

    // A second DEM is refused; the first stays.
    EXPECT_THROW(io::importFile(o, fb), DataError);
}

TEST(ImportDem, RasterWithoutCrsNeedsSourceCrs) {
    test::TempDir dir;
    const auto p = dir.file("p.gpkg");
    test::makeProject(p);
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    { io::DatasetPtr ds(drv->Create(dir.file("bare.tif").c_str(), 10, 10, 1, GDT_Int16, nullptr)); }
    io::ImportOptions o;
    o.project = p;
    o.source = dir.file("bare.tif");
    o.into = "dem";
    Feedback fb;
    try {
        io::importFile(o, fb);
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("--source-crs"), std::string::npos) << e.what();
    }
}
