// The file adapter of the result port (core/result_table.hpp): analysis result tables written
// as GeoPackage layers or as one CSV table, chosen by the file's extension. A new file is written
// to a temp file and renamed into place; an existing GeoPackage gets its result layers replaced
// inside one transaction, so a failure leaves it as it was. Links GDAL.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result_table.hpp"

class GDALDataset;

namespace ruralatlas::io {

// A result shape as hex WKB (empty when it has none), for the server's result tables.
std::string resultShapeWkbHex(ResultGeometry g, const std::vector<XY>& xy);

// One gridded result written as the only raster table of a new GeoPackage at `path` (Float32,
// no value as -9999, the grid's Chinese title as its identifier): the staging copy that
// copyRasterTable (io/importer.hpp) then copies into a result or a project in one transaction.
void writeGridGpkg(const std::string& path, const ResultGrid& grid, int epsg);

class FileResultSink : public ResultSink {
public:
    // Throws UsageError when the extension is not .gpkg, .csv or .xlsx.
    explicit FileResultSink(std::string path);
    // CSV: the first table only (UTF-8 with a BOM so Excel reads the Chinese; points are not
    // written). GeoPackage: every table as a layer in the project CRS with Chinese titles.
    // XLSX: every table as a sheet (io/xlsx_writer.hpp), without geometry.
    void write(const std::vector<ResultTable>& tables, int epsg) override;
    // The tables and gridded results of one run. With grids, a GeoPackage is written whole to a
    // temporary copy and renamed into place (a raster table cannot join the tables' transaction),
    // so a failure or a kill still leaves the file as it was. CSV and XLSX leave the grids out.
    void write(const std::vector<ResultTable>& tables, const std::vector<ResultGrid>& grids, int epsg);
    // Called inside the write transaction of a GeoPackage, after the tables and before the
    // commit, with the open dataset and the path the file has when done: what it adds (the QGIS
    // styles) commits with the tables, into a new file or an existing one, or nothing does. An
    // exception from it leaves the file as it was. Not called for CSV.
    using Finish = std::function<void(GDALDataset& ds, const std::string& finalPath)>;
    void setFinish(Finish finish) { m_finish = std::move(finish); }
    bool isCsv() const { return m_csv; }
    bool isXlsx() const { return m_xlsx; }

private:
    std::string m_path;
    Finish m_finish;
    bool m_csv = false, m_xlsx = false;
};

// The default styles ("PLUGIN/FILE.json") of the result tables in a GeoPackage the file sink
// wrote, in table-name order without repeats; empty for a file without that record.
std::vector<std::string> resultStyles(const std::string& file);

// One CSV field, quoted when it must be (RFC 4180); numbers in their shortest exact form.
void csvField(std::string& out, std::string_view text);
void csvField(std::string& out, double number);
void csvField(std::string& out, long long number);
// Rows [begin, end) of a table as CSV lines.
void formatCsvRows(const ResultTable& table, std::size_t begin, std::size_t end, std::string& out);

}  // namespace ruralatlas::io
