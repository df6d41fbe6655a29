// Importing a DEM (GeoTIFF or any raster GDAL reads) into the project's `dem` raster table:
// warped to the project CRS with bilinear resampling, clipped to the county plus 2 km, stored
// as Float32 gridded-coverage tiles.
#include <gdal_utils.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/importer.hpp"
#include "io/project.hpp"

namespace ruralatlas::io {

namespace {
// One SQLite connection with the statements the copy needs; every failure names the project.
class Sqlite {
public:
    Sqlite(const std::string& path, const std::string& table) : m_path(path), m_table(table) {
        if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
            throw DataError({path}, std::string("cannot open the project: ") + (m_db ? sqlite3_errmsg(m_db) : "out of memory"));
        sqlite3_busy_timeout(m_db, 30000);  // another writer: wait for it, up to 30 s
    }
    ~Sqlite() { sqlite3_close(m_db); }
    void exec(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            const std::string why = err ? err : "unknown error";
            sqlite3_free(err);
            throw DataError({m_path, m_table}, what() + why);
        }
    }
    std::vector<std::string> column(const std::string& sql) {
        std::vector<std::string> out;
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
            throw DataError({m_path, m_table}, what() + sqlite3_errmsg(m_db));
        while (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char* t = sqlite3_column_text(st, 0);
            out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
        }
        sqlite3_finalize(st);
        return out;
    }

private:
    std::string what() const { return m_table == "dem" ? "cannot store the DEM: " : "cannot store the gridded layer: "; }
    std::string m_path, m_table;
    sqlite3* m_db = nullptr;
};

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}
}  // namespace

// The raster table `table` of the GeoPackage `from` (with its tile matrix, gridded-coverage
// metadata, spatial reference and extension rows) copied into `project` in one transaction.
void copyRasterTable(const std::string& project, const std::string& from, const std::string& table, bool replace) {
    Sqlite db(project, table);
    db.exec("ATTACH DATABASE " + quoted(from) + " AS src");
    try {
        db.exec("BEGIN IMMEDIATE");
        const std::string t = quoted(table);
        if (replace && !db.column("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name = " + t).empty()) {
            // The old table and every row that describes it, in the same transaction.
            db.exec("DROP TABLE main.\"" + table + "\"");
            for (const char* meta : {"gpkg_contents", "gpkg_tile_matrix_set", "gpkg_tile_matrix", "gpkg_extensions"})
                if (!db.column(std::string("SELECT name FROM main.sqlite_master WHERE name = '") + meta + "'").empty())
                    db.exec(std::string("DELETE FROM main.") + meta + " WHERE table_name = " + t);
            if (!db.column("SELECT name FROM main.sqlite_master WHERE name = 'gpkg_2d_gridded_coverage_ancillary'").empty())
                db.exec("DELETE FROM main.gpkg_2d_gridded_coverage_ancillary WHERE tile_matrix_set_name = " + t);
            if (!db.column("SELECT name FROM main.sqlite_master WHERE name = 'gpkg_2d_gridded_tile_ancillary'").empty())
                db.exec("DELETE FROM main.gpkg_2d_gridded_tile_ancillary WHERE tpudt_name = " + t);
        }
        // Tables the project may lack (the gridded-coverage ones), then the raster table and its triggers.
        for (const auto& sql :
             db.column("SELECT s.sql FROM src.sqlite_master s WHERE s.type = 'table' AND s.name IN "
                       "('gpkg_2d_gridded_coverage_ancillary', 'gpkg_2d_gridded_tile_ancillary', "
                       "'gpkg_tile_matrix_set', 'gpkg_tile_matrix') AND s.name NOT IN (SELECT name FROM main.sqlite_master)"))
            db.exec(sql);
        for (const auto& sql :
             db.column("SELECT sql FROM src.sqlite_master WHERE tbl_name = " + t + " AND sql IS NOT NULL ORDER BY type = 'table' DESC"))
            db.exec(sql);
        db.exec(
            "INSERT INTO main.gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) "
            "SELECT srs_name, srs_id, organization, organization_coordsys_id, definition, description FROM src.gpkg_spatial_ref_sys "
            "WHERE srs_id NOT IN (SELECT srs_id FROM main.gpkg_spatial_ref_sys)");
        db.exec("INSERT INTO main.gpkg_contents SELECT * FROM src.gpkg_contents WHERE table_name = " + t);
        db.exec("INSERT INTO main.gpkg_tile_matrix_set SELECT * FROM src.gpkg_tile_matrix_set WHERE table_name = " + t);
        db.exec("INSERT INTO main.gpkg_tile_matrix SELECT * FROM src.gpkg_tile_matrix WHERE table_name = " + t);
        // The tiles after their tile matrix: the table's triggers check each tile against it.
        db.exec("INSERT INTO main.\"" + table + "\" SELECT * FROM src.\"" + table + "\"");
        db.exec(
            "INSERT INTO main.gpkg_2d_gridded_coverage_ancillary (tile_matrix_set_name, datatype, scale, offset, precision, "
            "data_null, grid_cell_encoding, uom, field_name, quantity_definition) SELECT tile_matrix_set_name, datatype, scale, "
            "offset, precision, data_null, grid_cell_encoding, uom, field_name, quantity_definition FROM "
            "src.gpkg_2d_gridded_coverage_ancillary WHERE tile_matrix_set_name = " +
            t);
        db.exec(
            "INSERT INTO main.gpkg_2d_gridded_tile_ancillary (tpudt_name, tpudt_id, scale, offset, min, max, mean, std_dev) "
            "SELECT tpudt_name, tpudt_id, scale, offset, min, max, mean, std_dev FROM src.gpkg_2d_gridded_tile_ancillary "
            "WHERE tpudt_name = " +
            t);
        db.exec(
            "INSERT INTO main.gpkg_extensions (table_name, column_name, extension_name, definition, scope) SELECT s.table_name, "
            "s.column_name, s.extension_name, s.definition, s.scope FROM src.gpkg_extensions s WHERE NOT EXISTS (SELECT 1 FROM "
            "main.gpkg_extensions m WHERE m.table_name IS s.table_name AND m.column_name IS s.column_name AND m.extension_name "
            "IS s.extension_name) AND s.extension_name <> 'gpkg_crs_wkt'");
        db.exec("COMMIT");
    } catch (...) {
        try {
            db.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
    db.exec("DETACH DATABASE src");
}

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
    // GDAL writes a raster table in several transactions (the table, then the tiles), so a kill
    // in between would leave the project with an empty DEM. The tiles go to a temporary
    // GeoPackage beside the project first, and from there into the project in one transaction.
    const ScratchFile scratch(o.project + ".dem-import.tmp.gpkg");
    const std::string& staging = scratch.path();
    GDALDriverH gpkg = GDALGetDriverByName("GPKG");
    CPLStringList co;
    co.SetNameValue("RASTER_TABLE", "dem");
    co.SetNameValue("RASTER_IDENTIFIER", "数字高程模型");
    co.SetNameValue("RASTER_DESCRIPTION", ("Elevation in metres, from " + std::filesystem::path(o.source).filename().string()).c_str());
    co.SetNameValue("TILE_FORMAT", "TIFF");
    GDALDatasetH out = GDALCreateCopy(gpkg, staging.c_str(), warped, FALSE, co.List(), nullptr, nullptr);
    if (!out) throw DataError({o.project, "dem"}, "cannot write the DEM: " + lastGdalError());
    GDALClose(out);
    feedback.setProgress(0.9, "storing the DEM");
    copyRasterTable(o.project, staging, "dem", false);
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
