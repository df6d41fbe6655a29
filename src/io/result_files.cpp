#include "io/result_files.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "core/timing.hpp"
#include "io/gdal_util.hpp"
#include "io/importer.hpp"
#include "io/server.hpp"
#include "io/xlsx_writer.hpp"

namespace ruralatlas::io {

void csvField(std::string& out, long long number) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, number);
    out.append(buf, r.ptr);
}

void csvField(std::string& out, double number) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, number);
    out.append(buf, r.ptr);
}

void csvField(std::string& out, std::string_view text) {
    if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
        out += text;
        return;
    }
    out += '"';
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

namespace {

class CsvRowSink : public RowSink {
public:
    explicit CsvRowSink(std::string& out) : m_out(out) {}
    void start() { m_first = true; }
    void text(std::string_view v) override { sep(), csvField(m_out, v); }
    void real(double v) override { sep(), csvField(m_out, v); }
    void integer(long long v) override { sep(), csvField(m_out, v); }
    void null() override { sep(); }

private:
    void sep() {
        if (!m_first) m_out += ',';
        m_first = false;
    }
    std::string& m_out;
    bool m_first = true;
};

// Sets the fields of one OGR feature, in column order.
class FeatureRowSink : public RowSink {
public:
    explicit FeatureRowSink(OGRFeature& f) : m_f(f) {}
    void text(std::string_view v) override {
        m_text.assign(v);
        m_f.SetField(m_i++, m_text.c_str());
    }
    void real(double v) override { m_f.SetField(m_i++, v); }
    void integer(long long v) override { m_f.SetField(m_i++, static_cast<GIntBig>(v)); }
    void null() override { ++m_i; }

private:
    OGRFeature& m_f;
    int m_i = 0;
    std::string m_text;  // reused: most texts are short
};

OGRFieldType ogrType(ResultFieldType t) {
    switch (t) {
        case ResultFieldType::Integer:
            return OFTInteger;
        case ResultFieldType::Integer64:
            return OFTInteger64;
        case ResultFieldType::Real:
            return OFTReal;
        case ResultFieldType::Text:
            break;
    }
    return OFTString;
}

OGRwkbGeometryType ogrGeometry(ResultGeometry g) {
    return g == ResultGeometry::Point          ? wkbPoint
           : g == ResultGeometry::LineString   ? wkbLineString
           : g == ResultGeometry::MultiPolygon ? wkbMultiPolygon
                                               : wkbNone;
}

std::unique_ptr<OGRGeometry> ogrShape(ResultGeometry g, const std::vector<XY>& xy) {
    if (xy.empty()) return nullptr;
    if (g == ResultGeometry::Point) return std::make_unique<OGRPoint>(xy[0].x, xy[0].y);
    if (g == ResultGeometry::MultiPolygon) {
        auto multi = std::make_unique<OGRMultiPolygon>();
        auto poly = std::make_unique<OGRPolygon>();
        auto ring = std::make_unique<OGRLinearRing>();
        for (const XY& p : xy) {
            if (isRingEnd(p)) {
                poly->addRingDirectly(ring.release());
                ring = std::make_unique<OGRLinearRing>();
            } else if (isPolygonEnd(p)) {
                multi->addGeometryDirectly(poly.release());
                poly = std::make_unique<OGRPolygon>();
            } else {
                ring->addPoint(p.x, p.y);
            }
        }
        if (multi->IsEmpty()) return nullptr;
        return multi;
    }
    auto line = std::make_unique<OGRLineString>();
    for (const XY& p : xy) line->addPoint(p.x, p.y);
    return line;
}

void writeCsv(const std::string& path, const ResultTable& table) {
    AtomicFile atomic(path);
    std::string text = "\xEF\xBB\xBF";  // BOM: Excel then reads the UTF-8 Chinese correctly
    for (std::size_t i = 0; i < table.columns.size(); ++i) text += (i ? "," : "") + table.columns[i].name;
    text += "\n";
    {
        // Formatting 600,000 rows is half a second on one core: both cores, in order.
        PhaseTimer t("rows");
        const std::size_t n = table.rows, half = n > 20000 ? n / 2 : n;
        std::string second;
        std::thread helper;
        if (half < n) helper = std::thread([&] { formatCsvRows(table, half, n, second); });
        formatCsvRows(table, 0, half, text);
        if (helper.joinable()) helper.join();
        text += second;
    }
    PhaseTimer t("commit");
    FILE* f = std::fopen(atomic.tempPath().c_str(), "wb");
    if (!f) throw DataError({path}, "cannot write the file");
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok) throw DataError({path}, "cannot write the file (disk full?)");
    atomic.commit();
}

void writeTables(GDALDataset& dataset, const std::string& path, const std::vector<ResultTable>& tables, OGRSpatialReference& srs,
                 bool existing);

void writeGpkg(const std::string& path, const std::vector<ResultTable>& tables, int epsg, const FileResultSink::Finish& finish) {
    initGdal();
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const bool existing = std::filesystem::exists(path);
    std::unique_ptr<AtomicFile> atomic;
    DatasetPtr ds;
    if (existing) {
        ds = openVector(path, true);
    } else {
        atomic = std::make_unique<AtomicFile>(path);
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        ds.reset(drv->Create(atomic->tempPath().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw DataError({path}, "cannot create: " + lastGdalError());
    }
    if (startWriteTransaction(*ds) != OGRERR_NONE) throw DataError({path}, "cannot start a transaction");
    try {
        writeTables(*ds, path, tables, srs, existing);
        if (finish) finish(*ds, path);
    } catch (...) {
        ds->RollbackTransaction();
        throw;
    }
    if (ds->CommitTransaction() != OGRERR_NONE) throw DataError({path}, commitFailure());
    ds.reset();
    if (atomic) atomic->commit();
}

// The tables, their Chinese column titles and their styles' record, into `ds` (in a transaction).
void writeTables(GDALDataset& dataset, const std::string& path, const std::vector<ResultTable>& tables, OGRSpatialReference& srs,
                 bool existing) {
    GDALDataset* ds = &dataset;
    std::vector<XY> shape;
    for (const ResultTable& table : tables) {
        if (existing) {
            for (int i = 0; i < ds->GetLayerCount(); ++i)
                if (table.name == ds->GetLayer(i)->GetName()) {
                    ds->DeleteLayer(i);
                    break;
                }
        }
        CPLStringList opts;
        opts.SetNameValue("IDENTIFIER", table.titleZh.c_str());
        OGRLayer* l = ds->CreateLayer(table.name.c_str(), &srs, ogrGeometry(table.geometry), opts.List());
        if (!l) throw DataError({path, table.name}, "cannot create layer: " + lastGdalError());
        for (const auto& c : table.columns) {
            OGRFieldDefn fd(c.name.c_str(), ogrType(c.type));
            if (l->CreateField(&fd) != OGRERR_NONE) throw DataError({path, table.name, "", c.name}, lastGdalError());
        }
        // One feature, emptied for each row (Reset: as new, without the allocations).
        FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        PhaseTimer rowsTimer("rows of " + table.name);
        for (std::size_t i = 0; i < table.rows; ++i) {
            f->Reset();
            FeatureRowSink sink(*f);
            table.row(i, sink);
            shape.clear();
            if (table.shape && table.shape(i, shape))
                if (auto g = ogrShape(table.geometry, shape)) f->SetGeometryDirectly(g.release());
            if (l->CreateFeature(f.get()) != OGRERR_NONE) throw DataError({path, table.name}, "cannot write: " + lastGdalError());
        }
    }
    // Chinese titles of the result columns, as for the project's own layers.
    PhaseTimer titlesTimer("result titles");
    auto exec = [&](const std::string& sql) {
        if (OGRLayer* res = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr)) ds->ReleaseResultSet(res);
    };
    auto quote = [](const std::string& s) {
        std::string q = "'";
        for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
        return q + "'";
    };
    // One statement per table: each ExecuteSQL costs the driver about 2 ms.
    exec(
        "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT UNIQUE, "
        "title "
        "TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name))");
    for (const ResultTable& table : tables) {
        std::string values;
        for (const auto& c : table.columns) {
            if (c.titleZh.empty()) continue;
            values += std::string(values.empty() ? "" : ", ") + "(" + quote(table.name) + ", " + quote(c.name) + ", " +
                      quote(table.name + "." + c.name) + ", " + quote(c.titleZh) + ")";
        }
        if (!values.empty()) exec("INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title) VALUES " + values);
    }
    // What each result table is and how it is drawn, read back by resultStyles.
    exec("CREATE TABLE IF NOT EXISTS ruralatlas_results (table_name TEXT PRIMARY KEY, title TEXT, style TEXT)");
    for (const ResultTable& table : tables)
        exec("INSERT OR REPLACE INTO ruralatlas_results (table_name, title, style) VALUES (" + quote(table.name) + ", " +
             quote(table.titleZh) + ", " + quote(table.style) + ")");
}

}  // namespace

void formatCsvRows(const ResultTable& table, std::size_t begin, std::size_t end, std::string& out) {
    out.reserve(out.size() + (end - begin) * 96);
    CsvRowSink sink(out);
    for (std::size_t i = begin; i < end; ++i) {
        sink.start();
        table.row(i, sink);
        out += '\n';
    }
}

std::vector<std::string> resultStyles(const std::string& file) {
    if (server::isServer(file)) return server::serverResultStyles(file);
    std::vector<std::string> out;
    if (extensionOf(file) != "gpkg") return out;
    DatasetPtr ds = openVector(file, false);
    // A file written before results recorded their styles has no such table: no message then.
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRLayer* l = ds->ExecuteSQL("SELECT style FROM ruralatlas_results WHERE style IS NOT NULL AND style <> '' ORDER BY table_name",
                                 nullptr, nullptr);
    CPLPopErrorHandler();
    if (!l) {
        CPLErrorReset();
        return out;
    }
    for (auto& f : *l) {
        const std::string s = f->GetFieldAsString(0);
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    ds->ReleaseResultSet(l);
    return out;
}

std::string resultShapeWkbHex(ResultGeometry g, const std::vector<XY>& xy) {
    const auto shape = ogrShape(g, xy);
    if (!shape) return {};
    return wkbHex(*shape);
}

FileResultSink::FileResultSink(std::string path) : m_path(std::move(path)) {
    const std::string ext = extensionOf(m_path);
    if (ext != "gpkg" && ext != "csv" && ext != "xlsx") throw UsageError("--out " + m_path + ": write .gpkg, .csv or .xlsx");
    m_csv = ext == "csv";
    m_xlsx = ext == "xlsx";
}

void writeGridGpkg(const std::string& path, const ResultGrid& grid, int epsg) {
    initGdal();
    if (grid.values.size() != static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height) || grid.width <= 0)
        throw DataError({path, grid.name}, "a gridded result of the wrong size");
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    const std::string srsWkt = wkt ? wkt : "";
    CPLFree(wkt);
    // The grid as a GDAL raster in memory, copied into the new GeoPackage.
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr src(mem->Create("", grid.width, grid.height, 1, GDT_Float32, nullptr));
    double gt[6] = {grid.x0, grid.cell, 0, grid.y1, 0, -grid.cell};
    src->SetGeoTransform(gt);
    src->SetProjection(srsWkt.c_str());
    GDALRasterBand* band = src->GetRasterBand(1);
    constexpr float kNoData = -9999.f;
    band->SetNoDataValue(kNoData);
    std::vector<float> values(grid.values);
    for (float& v : values)
        if (!std::isfinite(v)) v = kNoData;
    if (band->RasterIO(GF_Write, 0, 0, grid.width, grid.height, values.data(), grid.width, grid.height, GDT_Float32, 0, 0) != CE_None)
        throw DataError({path, grid.name}, "cannot build the grid: " + lastGdalError());
    CPLStringList co;
    co.SetNameValue("RASTER_TABLE", grid.name.c_str());
    co.SetNameValue("RASTER_IDENTIFIER", grid.titleZh.c_str());
    co.SetNameValue("RASTER_DESCRIPTION", grid.description.c_str());
    co.SetNameValue("TILE_FORMAT", "TIFF");
    GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr out(gpkg->CreateCopy(path.c_str(), src.get(), FALSE, co.List(), nullptr, nullptr));
    if (!out) throw DataError({path, grid.name}, "cannot write the grid: " + lastGdalError());
    out.reset();
}

void FileResultSink::write(const std::vector<ResultTable>& tables, const std::vector<ResultGrid>& grids, int epsg) {
    if (grids.empty() || m_csv || m_xlsx) {
        write(tables, epsg);
        return;
    }
    // Everything into a temporary copy, renamed into place at the end.
    AtomicFile atomic(m_path);
    if (std::filesystem::exists(m_path)) {
        std::error_code ec;
        std::filesystem::copy_file(m_path, atomic.tempPath(), std::filesystem::copy_options::overwrite_existing, ec);
        if (ec) throw DataError({m_path}, "cannot copy the file to update it: " + ec.message());
    }
    {
        PhaseTimer t("tables");
        writeGpkg(atomic.tempPath(), tables, epsg,
                  m_finish ? Finish([&](GDALDataset& ds, const std::string&) { m_finish(ds, m_path); }) : Finish());
    }
    PhaseTimer t("grids");
    for (const ResultGrid& grid : grids) {
        const ScratchFile staging(atomic.tempPath() + "." + grid.name + ".gpkg");
        writeGridGpkg(staging.path(), grid, epsg);
        copyRasterTable(atomic.tempPath(), staging.path(), grid.name, true);
    }
    atomic.commit();
}

void FileResultSink::write(const std::vector<ResultTable>& tables, int epsg) {
    if (tables.empty()) return;
    if (m_csv)
        writeCsv(m_path, tables.front());
    else if (m_xlsx)
        writeXlsx(m_path, tables);
    else
        writeGpkg(m_path, tables, epsg, m_finish);
}

}  // namespace ruralatlas::io
