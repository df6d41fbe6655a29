#include "result_writer.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "core/error.hpp"

namespace ruralatlas::services {

ResultWriter::ResultWriter(const std::string& out, int epsg) : m_out(out) {
    io::initGdal();
    const std::string ext = io::extensionOf(out);
    if (ext != "gpkg" && ext != "csv") throw UsageError("--out " + out + ": write .gpkg or .csv");
    m_csv = ext == "csv";
    m_srs.importFromEPSG(epsg);
    m_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    m_existing = !m_csv && std::filesystem::exists(out);
    if (m_csv) {
        m_atomic = std::make_unique<io::AtomicFile>(out);
        m_csvText = "\xEF\xBB\xBF";  // BOM: Excel then reads the UTF-8 Chinese correctly
        return;
    }
    if (m_existing) {
        m_ds = io::openVector(out, true);
    } else {
        m_atomic = std::make_unique<io::AtomicFile>(out);
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(m_csv ? "CSV" : "GPKG");
        m_ds.reset(drv->Create(m_atomic->tempPath().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!m_ds) throw DataError({out}, "cannot create: " + io::lastGdalError());
    }
    if (m_ds->StartTransaction() != OGRERR_NONE) throw DataError({out}, "cannot start a transaction");
}

ResultWriter::~ResultWriter() = default;

int ResultWriter::addLayer(const std::string& name, OGRwkbGeometryType geometry, const std::vector<ColumnDef>& columns, const std::string& titleZh) {
    if (m_csv) {
        if (!m_titles.empty()) return -1;
        for (std::size_t i = 0; i < columns.size(); ++i) m_csvText += (i ? "," : "") + columns[i].name;
        m_csvText += "\n";
        m_titles.push_back({name, columns});
        return 0;
    }
    if (m_existing) {
        for (int i = 0; i < m_ds->GetLayerCount(); ++i)
            if (name == m_ds->GetLayer(i)->GetName()) {
                m_ds->DeleteLayer(i);
                break;
            }
    }
    CPLStringList opts;
    if (m_csv) {
        opts.SetNameValue("GEOMETRY", "NONE");
        opts.SetNameValue("WRITE_BOM", "YES");
    } else {
        opts.SetNameValue("IDENTIFIER", titleZh.c_str());
    }
    OGRLayer* l = m_ds->CreateLayer(name.c_str(), m_csv ? nullptr : &m_srs, m_csv ? wkbNone : geometry, opts.List());
    if (!l) throw DataError({m_out, name}, "cannot create layer: " + io::lastGdalError());
    for (const auto& c : columns) {
        OGRFieldDefn fd(c.name.c_str(), c.type);
        if (l->CreateField(&fd) != OGRERR_NONE) throw DataError({m_out, name, "", c.name}, io::lastGdalError());
    }
    m_layers.push_back(l);
    m_titles.push_back({name, columns});
    return static_cast<int>(m_layers.size() - 1);
}

void ResultWriter::csvField(std::string& out, long long number) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, number);
    out.append(buf, r.ptr);
}

void ResultWriter::csvField(std::string& out, double number) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, number);
    out.append(buf, r.ptr);
}

void ResultWriter::csvField(std::string& out, std::string_view text) {
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
void appendCsv(std::string& out, const Value& v) {
    std::visit([&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (!std::is_same_v<T, std::monostate>) ResultWriter::csvField(out, x);
    }, v);
}
}  // namespace

void ResultWriter::addRow(int layer, const std::vector<Value>& values, std::unique_ptr<OGRGeometry> geometry) {
    if (layer < 0) return;
    if (m_csv) {
        formatCsvRow(m_csvText, values);
        return;
    }
    OGRLayer* l = m_layers[static_cast<std::size_t>(layer)];
    io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int idx = static_cast<int>(i);
        std::visit([&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, long long>) f->SetField(idx, static_cast<GIntBig>(v));
            else if constexpr (std::is_same_v<T, double>) f->SetField(idx, v);
            else if constexpr (std::is_same_v<T, std::string>) f->SetField(idx, v.c_str());
        }, values[i]);
    }
    if (geometry && !m_csv) f->SetGeometryDirectly(geometry.release());
    if (l->CreateFeature(f.get()) != OGRERR_NONE) throw DataError({m_out, l->GetName()}, "cannot write: " + io::lastGdalError());
}

void ResultWriter::formatCsvRow(std::string& out, const std::vector<Value>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        appendCsv(out, values[i]);
    }
    out += '\n';
}

void ResultWriter::addCsvText(const std::string& rows) {
    if (!m_csv) throw std::logic_error("ResultWriter::addCsvText on a GeoPackage");
    m_csvText += rows;
}

void ResultWriter::commit() {
    if (m_csv) {
        FILE* f = std::fopen(m_atomic->tempPath().c_str(), "wb");
        if (!f) throw DataError({m_out}, "cannot write the file");
        const bool ok = std::fwrite(m_csvText.data(), 1, m_csvText.size(), f) == m_csvText.size();
        if (std::fclose(f) != 0 || !ok) throw DataError({m_out}, "cannot write the file (disk full?)");
        m_atomic->commit();
        return;
    }
    {
        // Chinese titles of the result columns, as for the project's own layers.
        for (const auto& [layer, cols] : m_titles)
            for (const auto& c : cols) {
                if (c.titleZh.empty()) continue;
                std::string sql = "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title) VALUES ('" + layer + "', '" +
                                  c.name + "', '" + layer + "." + c.name + "', '" + c.titleZh + "')";
                OGRLayer* res = m_ds->ExecuteSQL("CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT UNIQUE, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name))", nullptr, nullptr);
                if (res) m_ds->ReleaseResultSet(res);
                res = m_ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
                if (res) m_ds->ReleaseResultSet(res);
            }
    }
    if (m_ds->CommitTransaction() != OGRERR_NONE) throw DataError({m_out}, "commit failed: " + io::lastGdalError());
    m_ds.reset();
    if (m_atomic) m_atomic->commit();
}

}  // namespace ruralatlas::services
