// QGIS default styles inside a GeoPackage (the `layer_styles` table QGIS reads when a layer is
// opened): per layer, the Chinese field titles as aliases, enumerations as value maps,
// read-only flags on derived fields and a renderer translated from the RuralAtlas style that
// the tool itself draws the layer with (render/qgis_qml.hpp). Written for projects (init,
// county-from-codes, demo), analysis results, exports, by `ruralatlas qgis-styles` and by the
// desktop app on save.
#pragma once
#include <string>
#include <vector>

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

}  // namespace ruralatlas::host
