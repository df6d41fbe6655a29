// A ledger or point CSV imported into a project (io/importer.cpp) end to end: encoding
// detection, column mapping by name/title/alias, value parsing, coordinate columns with
// WGS84/CGCS2000/GCJ-02/BD-09 input, the per-row checks and the one-transaction write. The
// first byte picks the target layer, the source CRS and --skip-bad-rows. Any file gives a
// report or a DataError/UsageError; afterwards the project still opens and holds no more
// features than rows were read.
#include <cpl_error.h>
#include <gdal_priv.h>

#include <filesystem>

#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "io/gdal_util.hpp"
#include "io/importer.hpp"
#include "io/project.hpp"
#include "io/project_spec.hpp"

namespace fs = std::filesystem;
using namespace ruralatlas;

namespace {
std::string g_template;

long long featureCount(const std::string& project, const std::string& layer) {
    io::Project p = io::Project::open(project, false);
    OGRLayer* l = p.findLayer(layer);
    return l ? l->GetFeatureCount() : -1;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    io::initGdal();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    g_template = fuzz::scratchDir() + "/template.gpkg";
    io::ProjectSpec spec;
    spec.countyCode = "433127";
    spec.countyName = "永顺县";
    spec.epsg = 4546;
    spec.dataDate = "2026-01-01";
    io::createProject(g_template, spec, true);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t pick = data[0];
    const std::string project = fuzz::scratchDir() + "/work.gpkg";
    fs::copy_file(g_template, project, fs::copy_options::overwrite_existing);
    io::ImportOptions o;
    o.project = project;
    o.source = fuzz::writeScratch("ledger.csv", fuzz::asText(data + 1, size - 1));
    const char* layers[] = {"villages", "facilities", "townships", "resettlement_sites"};
    const char* crs[] = {"", "gcj02", "bd09", "EPSG:4490"};
    o.into = layers[pick & 3];
    o.sourceCrs = crs[(pick >> 2) & 3];
    o.skipBadRows = (pick >> 4) & 1;
    o.allowOutside = true;
    Feedback feedback;
    try {
        const io::ImportReport r = io::importFile(o, feedback);
        if (r.inserted + r.updated > r.read * 64) fuzz::broken("more features written than rows read could give");
        if (featureCount(project, o.into) != r.inserted) fuzz::broken("the layer holds other than what the report says was inserted");
    } catch (const DataError&) {
        if (featureCount(project, o.into) != 0) fuzz::broken("a refused import wrote features");
    } catch (const UsageError&) {
        if (featureCount(project, o.into) != 0) fuzz::broken("a refused import wrote features");
    }
    return 0;
}
