#include "io/gdal_util.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "core/error.hpp"

namespace ruralatlas::io {

void initGdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);  // we report errors ourselves, with context
        CPLSetConfigOption("OGR_GPKG_FOREIGN_KEY_CHECK", "NO");
    });
}

std::string lastGdalError(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    return (msg && *msg) ? std::string(msg) : fallback;
}

DatasetPtr openVector(const std::string& path, bool update, const char* const* openOptions) {
    initGdal();
    const bool virtualPath = path.rfind("/vsi", 0) == 0;
    if (!virtualPath && !std::filesystem::exists(path)) throw DataError({path}, "file not found");
    if (!virtualPath && std::filesystem::is_regular_file(path) && std::filesystem::file_size(path) == 0)
        throw DataError({path}, "the file is empty");
    CPLErrorReset();
    const unsigned flags = GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY);
    auto* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), flags, nullptr, openOptions, nullptr));
    if (!ds) throw DataError({path}, "cannot open as vector data: " + lastGdalError("unrecognised or damaged file"));
    return DatasetPtr(ds);
}

}  // namespace ruralatlas::io
