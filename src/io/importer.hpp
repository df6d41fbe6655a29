// Importing what planners have (GeoPackage, Shapefile, GeoJSON, KML, CSV, XLSX) into a
// project layer: CRS transformation (PROJ, plus GCJ-02/BD-09), encoding detection for DBF and
// CSV, field mapping by name, Chinese title or --field, ledger joins onto villages, and one
// transaction per import so a bad row leaves the project exactly as it was. Links GDAL.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/feedback.hpp"

class OGRFeature;

class GDALDataset;

namespace ruralatlas::io {

struct ImportReport;

struct ImportOptions {
    std::string project;
    std::string source;
    std::string into;                                            // target layer
    std::string sourceLayer;                                     // for multi-layer sources; default: the first
    std::string sourceCrs;                                       // overrides the file's CRS: EPSG:n, WKT, PROJ string, gcj02, bd09
    std::string encoding;                                        // overrides detection: UTF-8, GBK, GB18030, ...
    std::vector<std::pair<std::string, std::string>> fields;     // target=source
    std::vector<std::pair<std::string, std::string>> constants;  // target=value for every row (--set)
    bool skipBadRows = false;
    bool swapXY = false;        // coordinates given latitude first
    bool allowOutside = false;  // accept a file none of whose features lies in the county
    bool update = false;        // a row whose code/id is in the project replaces that feature (else: an error of the row)
    // Called inside the import's transaction just before its commit, with the open project: what
    // the caller writes there (the desktop app: the QGIS styles) commits with the features, or
    // nothing does. Vector imports only.
    std::function<void(GDALDataset& project)> beforeCommit;
    // Rewrites a text value read for a target field (a survey code through a crosswalk, a 19-digit
    // 坐落单位代码 to its village) after the column is read and before any check: returns an error
    // of the row, or empty.
    std::function<std::string(std::string_view field, const OGRFeature& source, std::string& value)> rewrite;
    // Called once every row is read, before anything is written: may add warnings, or refuse the
    // whole import by throwing (with a summary of what `rewrite` found).
    std::function<void(ImportReport& report)> afterRead;
};

struct ImportReport {
    std::string mode;      // "append" or "join"
    std::string encoding;  // what the text was read as
    std::string crs;       // the source CRS used
    long long read = 0, inserted = 0, updated = 0;
    std::vector<std::string> badRows;    // rows skipped with --skip-bad-rows
    std::vector<std::string> unmatched;  // ledger rows that matched no village, with why
    std::vector<std::string> warnings;
    std::vector<std::string> notes;  // what a conversion did (the survey crosswalk's classes)
    // Where each target field came from: "column NAME", "--set VALUE", "the village code",
    // "generated"; and the target fields left empty.
    std::vector<std::pair<std::string, std::string>> fieldSources;
    std::vector<std::string> emptyFields;
};

// Throws DataError naming file, row and field; UsageError for wrong options.
// `--into dem` imports a raster instead (importDem).
ImportReport importFile(const ImportOptions& options, Feedback& feedback);
// A DEM raster into the project's `dem` table, warped to the project CRS and clipped to the county.
// A land-use survey into landuse_plan (period current): a 三调 DLTB layer's DLBM/DLMC through
// the crosswalk (io/survey_import.cpp). `crosswalk`: "sandiao" (shipped) or a CSV file; empty
// when the source is an ordinary landuse_plan file (then it is imported as is, unless it has a
// DLBM column).
ImportReport importLandUse(ImportOptions options, const std::string& crosswalk, Feedback& feedback);

ImportReport importDem(const ImportOptions& options, Feedback& feedback);

// The raster table `table` of the GeoPackage `from` (with its tile matrix, gridded-coverage
// metadata, spatial reference and extension rows) copied into the GeoPackage `project` in one
// transaction; with `replace`, a table of that name there is dropped first (same transaction).
void copyRasterTable(const std::string& project, const std::string& from, const std::string& table, bool replace);

// A yearly indicator ledger into village_indicators (io/ledger_import.cpp): the long form by
// village code as any layer; by village name and township, or wide (one column per indicator,
// headed by its id or a shipped pack's title), converted row by row with every bad year, value
// or code named by file, row and column, and rows of unknown villages listed as unmatched.
ImportReport importIndicatorLedger(ImportOptions options, Feedback& feedback);

// A tabular source (CSV, XLSX...) as text, read the way importFile reads it (encoding, sheet
// headings): the column names and every row's cells with its label ("row 12").
struct TextTable {
    std::string layer, encoding;
    std::vector<std::string> header;
    struct Row {
        std::string label;
        std::vector<std::string> cells;
    };
    std::vector<Row> rows;
    std::vector<std::string> notes;
};
TextTable readTextTable(const ImportOptions& options);

// Which encoding a DBF's text is in: from its .cpg, its language-driver byte, or its bytes.
// Returns a GDAL/iconv name ("UTF-8", "CP936", "GB18030", "ISO-8859-1").
std::string detectDbfEncoding(const std::string& shpPath);

}  // namespace ruralatlas::io
