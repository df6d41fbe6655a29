// QGIS default styles inside a GeoPackage (the `layer_styles` table QGIS reads when a layer is
// opened): per layer, the Chinese field titles as aliases, enumerations as value maps,
// read-only flags on derived fields and a renderer translated from the RuralAtlas style that
// the tool itself draws the layer with (render/qgis_qml.hpp). Written for projects (init,
// county-from-codes, demo), analysis results, exports, by `ruralatlas qgis-styles` and by the
// desktop app on save.
#pragma once
#include <string>
#include <vector>

#include "core/feature_source.hpp"

class GDALDataset;

namespace ruralatlas::host {

struct QgisStylesReport {
    int layers = 0;                  // styles written
    std::vector<std::string> kept;   // tables whose own default style (saved in QGIS) stays the default
    std::vector<std::string> notes;  // what did not translate exactly, per table
};

// The name under which RuralAtlas stores its styles; styles of other names are never touched.
inline constexpr const char* kQgisStyleName = "RuralAtlas";

// Writes (or refreshes) a RuralAtlas style for every table of `gpkg`, in one transaction.
// `styleFiles` replaces the defaults: county.json for a project's layers, and for result tables
// the style recorded with them. A style of another name marked default stays the default.
// Throws DataError naming the file (and table) on failure; the file is then unchanged.
// `finalPath` is where the file will live when `gpkg` is a temporary file about to be renamed
// (the QGIS project inside refers to its own file by name).
QgisStylesReport writeQgisStyles(const std::string& gpkg, const std::vector<std::string>& styleFiles = {},
                                 const std::string& finalPath = {});

// The same in two steps, inside a write transaction the caller holds on `ds` (so that a result
// written into an existing GeoPackage and its styles commit together): `planQgisStyles` reads
// the tables and translates the styles, writing nothing (a style that does not load throws
// here, before any write); `storeQgisStyles` writes them, and throws only when a write fails.
struct QgisStylesPlan {
    struct Table {
        std::string table, geometryColumn, qml, description, title;
        ShapeKind geometry = ShapeKind::None;
        std::size_t drawOrder = 0;  // first style layer drawing it (bottom first); large when none
    };
    std::vector<Table> tables;
    bool project = false;  // a project (has project_meta), not a result file
    QgisStylesReport report;
};
QgisStylesPlan planQgisStyles(GDALDataset& ds, const std::string& gpkg, const std::vector<std::string>& styleFiles = {});
QgisStylesReport storeQgisStyles(GDALDataset& ds, const QgisStylesPlan& plan, const std::string& gpkg, const std::string& finalPath = {});

}  // namespace ruralatlas::host
