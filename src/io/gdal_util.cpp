#include "io/gdal_util.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <vector>

#include "core/error.hpp"

namespace ruralatlas::io {

void initGdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);  // we report errors ourselves, with context
        CPLSetConfigOption("OGR_GPKG_FOREIGN_KEY_CHECK", "NO");
        // Two programs writing one project: the second waits for the first (up to 30 s) instead
        // of failing at once with "database is locked". GDAL applies this to every SQLite
        // connection it opens, GeoPackages included.
        if (!CPLGetConfigOption("OGR_SQLITE_PRAGMA", nullptr)) CPLSetConfigOption("OGR_SQLITE_PRAGMA", "busy_timeout=30000");
    });
}

std::string commitFailure() {
    return "the changes could not be saved (is the disk full, the file too large for a size limit, or the file held by another "
           "program?); nothing was changed. GDAL said: " +
           lastGdalError("nothing");
}

void recountFeatures(const std::string& gpkg, const std::string& table) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(gpkg.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 30000);
        std::string quotedName;
        for (char c : table) quotedName += c == '"' ? std::string("\"\"") : std::string(1, c);
        std::string literal;
        for (char c : table) literal += c == '\'' ? std::string("''") : std::string(1, c);
        const std::string sql = "UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM \"" + quotedName +
                                "\") WHERE lower(table_name) = lower('" + literal + "')";
        sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    }
    sqlite3_close(db);
}

std::string wkbHex(const OGRGeometry& g) {
    std::vector<unsigned char> wkb(g.WkbSize());
    g.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(wkb.size() * 2);
    for (unsigned char b : wkb) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string lastGdalError(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    return (msg && *msg) ? std::string(msg) : fallback;
}

DatasetPtr openVector(const std::string& path, bool update, const char* const* openOptions) {
    initGdal();
    const bool virtualPath = path.rfind("/vsi", 0) == 0 || path.rfind("PG:", 0) == 0;
    if (!virtualPath && !std::filesystem::exists(path)) throw DataError({path}, "file not found");
    if (!virtualPath && std::filesystem::is_regular_file(path) && std::filesystem::file_size(path) == 0)
        throw DataError({path}, "the file is empty");
    CPLErrorReset();
    const unsigned flags = GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY);
    auto* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), flags, nullptr, openOptions, nullptr));
    if (!ds) throw DataError({path}, "cannot open as vector data: " + lastGdalError("unrecognised or damaged file"));
    // Another program writing the same GeoPackage: wait for it (up to 30 s) rather than fail.
    if (std::string(ds->GetDriverName()) == "GPKG")
        if (OGRLayer* r = ds->ExecuteSQL("PRAGMA busy_timeout = 30000", nullptr, nullptr))
            ds->ReleaseResultSet(r);  // a result set: released
    return DatasetPtr(ds);
}

OGRErr startWriteTransaction(GDALDataset& ds) {
    const OGRErr e = ds.StartTransaction();
    if (e != OGRERR_NONE || std::string(ds.GetDriverName()) != "GPKG") return e;
    // SQLite's BEGIN is deferred: a transaction that reads first and then writes while another
    // program writes gets "database is locked" at once (waiting could deadlock). Writing first
    // takes the write lock up front, waiting for the other writer to finish.
    CPLErrorReset();
    if (OGRLayer* r = ds.ExecuteSQL("UPDATE gpkg_contents SET identifier = identifier WHERE 0", nullptr, nullptr)) ds.ReleaseResultSet(r);
    if (CPLGetLastErrorType() >= CE_Failure) {
        ds.RollbackTransaction();
        return OGRERR_FAILURE;
    }
    return OGRERR_NONE;
}

}  // namespace ruralatlas::io
