// ruralatlas export: a project layer to GPKG, SHP, GeoJSON, CSV or XLSX.
#include <cstdio>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "host/qgis_styles.hpp"
#include "io/exporter.hpp"

namespace ruralatlas::cli {

Command exportCommand() {
    CommandSpec spec{"export",
                     "导出图层（GPKG/SHP/GeoJSON/CSV/XLSX）",
                     "Export a layer to GeoPackage, Shapefile, GeoJSON, CSV or XLSX",
                     "PROJECT --layer LAYER --out FILE",
                     1,
                     1,
                     {{"layer", true, false, "layer to export", "LAYER"},
                      {"out", true, false, "output file; the format follows the extension", "FILE"}}};
    return {spec, [](const Args& a) {
                ProgressBar bar("export");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
                const auto r = io::exportLayer(a.positional()[0], a.require("layer"), a.require("out"), fb);
                if (extensionOf(a.require("out")) == "gpkg") host::writeQgisStyles(a.require("out"));
                std::printf("exported %lld %s to %s (%s)\n", r.features, r.aggregated ? "village aggregates (personal data)" : "features",
                            a.require("out").c_str(), r.format.c_str());
                if (r.suppressed) std::printf("  %lld counts under 5 households suppressed\n", r.suppressed);
                return 0;
            }};
}

}  // namespace ruralatlas::cli
