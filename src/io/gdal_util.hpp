// GDAL/OGR adapter basics. Links GDAL.
#pragma once
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

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

// Lower-case file extension without the dot ("shp", "gpkg"); "" when none.
std::string extensionOf(const std::string& path);

// Writes to `tmp` and renames onto `final` only when the work succeeded; removes `tmp` otherwise.
class AtomicFile {
public:
    explicit AtomicFile(std::string finalPath);
    ~AtomicFile();
    const std::string& tempPath() const { return m_tmp; }
    void commit();  // rename tmp -> final

private:
    std::string m_final;
    std::string m_tmp;
    bool m_done = false;
};

}  // namespace ruralatlas::io
