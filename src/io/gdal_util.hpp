// GDAL/OGR adapter basics. Links GDAL.
#pragma once
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace ruralatlas::io {

// Registers drivers and quiet error handling once (thread-safe).
void initGdal();

struct DatasetCloser {
    void operator()(GDALDataset* ds) const noexcept { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

struct FeatureDeleter {
    void operator()(OGRFeature* f) const noexcept { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

// The last GDAL error message (CPLGetLastErrorMsg), or `fallback` when there is none.
// What to say when a transaction could not be committed: the likely causes a user can act on
// (no space left, a file-size limit, another program holding the file), then GDAL's words.
std::string commitFailure();
// StartTransaction that also takes a GeoPackage's write lock at once (waiting for another writer
// up to the busy timeout), so a transaction that reads before it writes cannot fail half-way
// with "database is locked".
OGRErr startWriteTransaction(GDALDataset& ds);
// A commit that failed (the transaction is gone): the caller repairs what GDAL writes on close.
class CommitFailed : public DataError {
public:
    using DataError::DataError;
};
// Sets a GeoPackage table's cached feature count (gpkg_ogr_contents) to its number of rows; GDAL
// writes its own count on close even after SQLite rolled a failed commit back. Best effort.
void recountFeatures(const std::string& gpkg, const std::string& table);
std::string lastGdalError(const std::string& fallback = "unknown GDAL error");
// A geometry as ISO WKB (little-endian) in lower-case hex: exact, what PostGIS decodes and the
// result files and the server's saves send.
std::string wkbHex(const OGRGeometry& g);

// Opens a vector dataset; throws DataError naming the file when it cannot.
DatasetPtr openVector(const std::string& path, bool update, const char* const* openOptions = nullptr);

// Plain file helpers live in core (core/atomic_file.hpp); io code names them as before.
using ruralatlas::AtomicFile;
using ruralatlas::extensionOf;

}  // namespace ruralatlas::io
