// Importing a DEM (GeoTIFF or any raster GDAL reads) into the project's `dem` raster table:
// warped to the project CRS with bilinear resampling, clipped to the county plus 2 km, stored
// as Float32 gridded-coverage tiles.
#include <gdal_utils.h>

#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "io/importer.hpp"
#include "io/project.hpp"

namespace ruralatlas::io {

ImportReport importDem(const ImportOptions& o, Feedback& feedback) {
    initGdal();
    ImportReport report;
    report.mode = "raster";
    if (o.sourceCrs == "gcj02" || o.sourceCrs == "bd09")
        throw UsageError("--source-crs " + o.sourceCrs + " applies to vector data; DEMs are not published in offset coordinates");
    if (!std::filesystem::exists(o.source)) throw DataError({o.source}, "file not found");
    int epsg = 0;
    std::unique_ptr<OGRGeometry> outline;
    {
        Project project = Project::open(o.project, false);
        epsg = project.epsg();
        outline = project.countyOutline();
    }
    {
        GDALDatasetH existing =
            GDALOpenEx(("GPKG:" + o.project + ":dem").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
        if (existing) {
            GDALClose(existing);
            throw DataError({o.project, "dem"}, "the project has a DEM already (a project holds one); start from a copy without it");
        }
    }
    GDALDatasetH src = GDALOpenEx(o.source.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!src) throw DataError({o.source}, "cannot open as a raster: " + lastGdalError("unrecognised or damaged file"));
    struct Closer {
        GDALDatasetH h;
        ~Closer() {
            if (h) GDALClose(h);
        }
    } closeSrc{src};
    if (GDALGetRasterCount(src) < 1) throw DataError({o.source}, "the raster has no band");
    const char* wkt = GDALGetProjectionRef(src);
    if ((!wkt || !*wkt) && o.sourceCrs.empty())
        throw DataError({o.source}, "the raster's coordinate system is unknown: give --source-crs (e.g. EPSG:4326 for SRTM)");

    CPLStringList args;
    args.AddString("-t_srs");
    args.AddString(("EPSG:" + std::to_string(epsg)).c_str());
    if (!o.sourceCrs.empty()) {
        args.AddString("-s_srs");
        args.AddString(o.sourceCrs.c_str());
    }
    args.AddString("-r");
    args.AddString("bilinear");
    args.AddString("-ot");
    args.AddString("Float32");
    args.AddString("-dstnodata");
    args.AddString("-32768");
    if (outline) {
        OGREnvelope e;
        outline->getEnvelope(&e);
        const double m = 2000;
        for (double v : {e.MinX - m, e.MinY - m, e.MaxX + m, e.MaxY + m}) args.AddString(std::to_string(v).c_str());
        args.InsertString(args.Count() - 4, "-te");
    }
    args.AddString("-of");
    args.AddString("MEM");
    GDALWarpAppOptions* wo = GDALWarpAppOptionsNew(args.List(), nullptr);
    int usageError = 0;
    feedback.setProgress(0.1, "warping");
    GDALDatasetH warped = GDALWarp("", nullptr, 1, &src, wo, &usageError);
    GDALWarpAppOptionsFree(wo);
    if (!warped) throw DataError({o.source}, "cannot warp into EPSG:" + std::to_string(epsg) + ": " + lastGdalError());
    Closer closeWarped{warped};
    double gt[6];
    GDALGetGeoTransform(warped, gt);
    // Square north-up cells, as the walking analysis expects.
    if (std::fabs(std::fabs(gt[1]) - std::fabs(gt[5])) > 1e-6 * std::fabs(gt[1])) {
        const double cell = std::min(std::fabs(gt[1]), std::fabs(gt[5]));
        CPLStringList square;
        for (const char* a : {"-tr"}) square.AddString(a);
        square.AddString(std::to_string(cell).c_str());
        square.AddString(std::to_string(cell).c_str());
        square.AddString("-r");
        square.AddString("bilinear");
        square.AddString("-of");
        square.AddString("MEM");
        GDALTranslateOptions* to = GDALTranslateOptionsNew(square.List(), nullptr);
        GDALDatasetH sq = GDALTranslate("", warped, to, &usageError);
        GDALTranslateOptionsFree(to);
        if (!sq) throw DataError({o.source}, "cannot resample to square cells: " + lastGdalError());
        GDALClose(warped);
        closeWarped.h = warped = sq;
        GDALGetGeoTransform(warped, gt);
    }
    feedback.checkCancelled();
    feedback.setProgress(0.6, "writing tiles");
    GDALDriverH gpkg = GDALGetDriverByName("GPKG");
    CPLStringList co;
    co.SetNameValue("APPEND_SUBDATASET", "YES");
    co.SetNameValue("RASTER_TABLE", "dem");
    co.SetNameValue("RASTER_IDENTIFIER", "数字高程模型");
    co.SetNameValue("RASTER_DESCRIPTION", ("Elevation in metres, from " + std::filesystem::path(o.source).filename().string()).c_str());
    co.SetNameValue("TILE_FORMAT", "TIFF");
    GDALDatasetH out = GDALCreateCopy(gpkg, o.project.c_str(), warped, FALSE, co.List(), nullptr, nullptr);
    if (!out) throw DataError({o.project, "dem"}, "cannot write the DEM: " + lastGdalError());
    GDALClose(out);
    report.read = static_cast<long long>(GDALGetRasterXSize(warped)) * GDALGetRasterYSize(warped);
    report.inserted = 1;
    report.crs = wkt && *wkt ? "from the file" : o.sourceCrs;
    report.encoding = "-";
    char buf[160];
    std::snprintf(buf, sizeof buf, "DEM of %d x %d cells of %.1f m in EPSG:%d", GDALGetRasterXSize(warped), GDALGetRasterYSize(warped),
                  gt[1], epsg);
    report.warnings.push_back(buf);
    feedback.setProgress(1.0, "done");
    return report;
}

}  // namespace ruralatlas::io
