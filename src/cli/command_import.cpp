// ruralatlas import: bring a planner's file into a project layer.
#include <cstdio>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "io/importer.hpp"

namespace ruralatlas::cli {

Command importCommand() {
    CommandSpec spec{
        "import",
        "导入数据（GPKG/SHP/GeoJSON/KML/CSV/XLSX，台账挂接）",
        "Import GeoPackage, Shapefile, GeoJSON, KML, CSV or XLSX into a layer; join ledgers onto villages",
        "PROJECT FILE --into LAYER",
        2,
        2,
        {{"into", true, false, "target layer (villages, facilities, roads, ..., or dem for a DEM raster such as SRTM GeoTIFF)", "LAYER"},
         {"layer", true, false, "source layer when the file has several", "NAME"},
         {"source-crs", true, false, "source CRS: EPSG:n, WKT or PROJ string, or gcj02 / bd09 for web-map coordinates", "CRS"},
         {"encoding", true, false, "text encoding of a DBF or CSV (default: detected): UTF-8, GBK, GB18030", "ENC"},
         {"field", true, true, "map a target field to a source column (also lon=, lat=, wkt=, township=)", "TARGET=SOURCE"},
         {"crosswalk", true, false,
          "三调地类转换表 / land-use crosswalk for a survey (DLTB) layer into landuse_plan: sandiao (shipped, default when the layer "
          "has DLBM) or a CSV file",
          "NAME|FILE"},
         {"skip-bad-rows", false, false, "import the good rows and list the bad ones instead of failing"},
         {"update", false, false, "a row whose code or id is in the project already replaces that feature (else the row is an error)"},
         {"swap-xy", false, false, "the coordinates are latitude first"},
         {"allow-outside", false, false, "import even when no feature lies in the county"},
         {"set", true, true, "give every imported row this value, e.g. --set kind=primary_school (codes or Chinese titles)",
          "FIELD=VALUE"}}};
    return {spec, [](const Args& a) {
                io::ImportOptions o;
                o.project = a.positional()[0];
                o.source = a.positional()[1];
                o.into = a.require("into");
                o.sourceLayer = a.value("layer").value_or("");
                o.sourceCrs = a.value("source-crs").value_or("");
                o.encoding = a.value("encoding").value_or("");
                for (const auto& f : a.values("field")) {
                    const auto eq = f.find('=');
                    if (eq == std::string::npos || eq == 0 || eq + 1 == f.size())
                        throw UsageError("--field takes TARGET=SOURCE, not '" + f + "'");
                    o.fields.emplace_back(f.substr(0, eq), f.substr(eq + 1));
                }
                for (const auto& f : a.values("set")) {
                    const auto eq = f.find('=');
                    if (eq == std::string::npos || eq == 0 || eq + 1 == f.size())
                        throw UsageError("--set takes FIELD=VALUE, not '" + f + "'");
                    o.constants.emplace_back(f.substr(0, eq), f.substr(eq + 1));
                }
                o.skipBadRows = a.has("skip-bad-rows");
                o.swapXY = a.has("swap-xy");
                o.update = a.has("update");
                o.allowOutside = a.has("allow-outside");
                ProgressBar bar("import");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
                const auto r = o.into == "landuse_plan"         ? io::importLandUse(o, a.value("crosswalk").value_or(""), fb)
                               : a.has("crosswalk")             ? throw UsageError("--crosswalk goes with --into landuse_plan")
                               : o.into == "village_indicators" ? io::importIndicatorLedger(o, fb)
                                                                : io::importFile(o, fb);
                if (r.mode == "raster")
                    std::printf("imported %s into dem: %s\n", o.source.c_str(), r.warnings.empty() ? "" : r.warnings.front().c_str());
                else if (r.mode == "join")
                    std::printf("joined %s onto %s: %lld rows read, %lld villages updated, %zu rows unmatched (encoding %s)\n",
                                o.source.c_str(), o.into.c_str(), r.read, r.updated, r.unmatched.size(), r.encoding.c_str());
                else
                    std::printf(
                        "imported %s into %s: %lld rows read, %lld features added, %lld updated (same code or id), %zu rows skipped (CRS "
                        "%s, encoding %s)\n",
                        o.source.c_str(), o.into.c_str(), r.read, r.inserted, r.updated, r.badRows.size(), r.crs.c_str(),
                        r.encoding.c_str());
                if (r.mode != "raster") {
                    std::printf("  字段来源 / fields from:");
                    for (const auto& [field, from] : r.fieldSources) std::printf(" %s ← %s;", field.c_str(), from.c_str());
                    std::printf("\n");
                    if (!r.emptyFields.empty()) {
                        std::printf("  未填 / left empty:");
                        for (const auto& f : r.emptyFields) std::printf(" %s", f.c_str());
                        std::printf("\n");
                    }
                }
                for (const auto& n : r.notes) std::printf("  %s\n", n.c_str());
                for (const auto& b : r.badRows) std::printf("  skipped %s\n", b.c_str());
                for (const auto& u : r.unmatched) std::printf("  unmatched %s\n", u.c_str());
                if (r.mode != "raster")
                    for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s: %s\n", o.source.c_str(), w.c_str());
                return 0;
            }};
}

}  // namespace ruralatlas::cli
