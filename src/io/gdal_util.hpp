// GDAL/OGR adapter basics. Links GDAL.
#pragma once
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

#include "core/atomic_file.hpp"

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
std::string lastGdalError(const std::string& fallback = "unknown GDAL error");

// Opens a vector dataset; throws DataError naming the file when it cannot.
DatasetPtr openVector(const std::string& path, bool update, const char* const* openOptions = nullptr);

// Plain file helpers live in core (core/atomic_file.hpp); io code names them as before.
using ruralatlas::AtomicFile;
using ruralatlas::extensionOf;

}  // namespace ruralatlas::io
