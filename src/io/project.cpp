#include "io/project.hpp"

#include <ctime>
#include <filesystem>
#include <set>

#include "core/error.hpp"
#include "core/standards.hpp"
#include "io/server.hpp"

namespace ruralatlas::io {

std::string todayIso() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

OGRwkbGeometryType ogrGeometryType(GeometryKind kind) {
    switch (kind) {
        case GeometryKind::Point:
            return wkbPoint;
        case GeometryKind::LineString:
            return wkbLineString;
        case GeometryKind::MultiPolygon:
            return wkbMultiPolygon;
        default:
            return wkbNone;
    }
}

OGRFieldType ogrFieldType(FieldType type) {
    switch (type) {
        case FieldType::Text:
            return OFTString;
        case FieldType::Integer:
            return OFTInteger64;
        case FieldType::Real:
            return OFTReal;
    }
    return OFTString;
}

namespace {
void exec(GDALDataset& ds, const std::string& sql) {
    CPLErrorReset();
    OGRLayer* res = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (res) ds.ReleaseResultSet(res);
    if (CPLGetLastErrorType() >= CE_Failure)
        throw DataError({ds.GetDescription()}, "SQL failed (" + lastGdalError() + "): " + sql.substr(0, 120));
}

std::string sqlQuote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "''";
        else
            out += c;
    }
    return out + "'";
}

void addDomains(GDALDataset& ds) {
    for (const auto& e : enumerations()) {
        if (ds.GetFieldDomain(std::string(e.name))) continue;  // an upgrade: the older schema's domains stay
        // The domain takes ownership of the strings and frees them with CPLFree.
        std::vector<OGRCodedValue> values;
        for (const auto& v : e.values) {
            OGRCodedValue cv;
            cv.pszCode = CPLStrdup(std::string(v.code).c_str());
            cv.pszValue = CPLStrdup(std::string(v.titleZh).c_str());
            values.push_back(cv);
        }
        auto domain =
            std::make_unique<OGRCodedFieldDomain>(std::string(e.name), std::string(e.name), OFTString, OFSTNone, std::move(values));
        std::string failure;
        if (!ds.AddFieldDomain(std::move(domain), failure))
            throw DataError({ds.GetDescription()}, "cannot add field domain " + std::string(e.name) + ": " + failure);
    }
}

void writeStandards(OGRLayer& layer) {
    for (const auto& s : defaultStandards()) {
        FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("id", s.id.c_str());
        f->SetField("kind", s.kind.c_str());
        f->SetField("rule", s.rule.c_str());
        f->SetField("measure", s.measure.c_str());
        f->SetField("mode", s.mode.c_str());
        if (s.threshold) f->SetField("threshold", *s.threshold);
        f->SetField("title", s.title.c_str());
        f->SetField("source", s.source.c_str());
        if (layer.CreateFeature(f.get()) != OGRERR_NONE) throw DataError({"", "standards"}, "cannot write: " + lastGdalError());
    }
}
}  // namespace

// The schema's attribute indexes, named <layer>_<first column>_idx.
void ensureSchemaIndexes(GDALDataset& ds, const LayerDef& def) {
    for (const auto& columns : def.indexes) {
        std::string list;
        for (const auto& c : columns) list += (list.empty() ? "\"" : ", \"") + std::string(c) + "\"";
        const std::string name = std::string(def.name) + "_" + std::string(columns.front()) + "_idx";
        exec(ds, "CREATE INDEX IF NOT EXISTS \"" + name + "\" ON \"" + std::string(def.name) + "\" (" + list + ")");
    }
}

namespace {

void createSchemaLayer(GDALDataset& ds, const LayerDef& def, OGRSpatialReference& srs) {
    const std::string name(def.name);
    CPLStringList options;
    options.SetNameValue("IDENTIFIER", std::string(def.titleZh).c_str());
    options.SetNameValue("DESCRIPTION", std::string(def.titleEn).c_str());
    options.SetNameValue("FID", "fid");
    if (def.geometry != GeometryKind::None) options.SetNameValue("GEOMETRY_NAME", "geom");
    OGRLayer* layer =
        ds.CreateLayer(name.c_str(), def.geometry == GeometryKind::None ? nullptr : &srs, ogrGeometryType(def.geometry), options.List());
    if (!layer) throw DataError({ds.GetDescription(), name}, "cannot create layer: " + lastGdalError());
    for (const auto& f : def.fields) {
        OGRFieldDefn fd(std::string(f.name).c_str(), ogrFieldType(f.type));
        if (f.width > 0) fd.SetWidth(f.width);
        if (f.required) fd.SetNullable(false);
        if (!f.enumeration.empty()) fd.SetDomainName(std::string(f.enumeration));
        if (layer->CreateField(&fd) != OGRERR_NONE)
            throw DataError({ds.GetDescription(), name, "", std::string(f.name)}, "cannot create field: " + lastGdalError());
    }
    if (def.name == "standards") writeStandards(*layer);
    ensureSchemaIndexes(ds, def);
}

// Chinese titles in gpkg_data_columns.title (GDAL writes the alternative name into `name`).
// The spec makes `name` unique across the file: a title used by two layers gets the layer's
// title in brackets there; `title` keeps the plain Chinese title.
void writeDataColumns(GDALDataset& ds) {
    exec(ds,
         "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
         "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
         "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name))");
    std::set<std::string> usedNames;
    for (const auto& def : projectLayers()) {
        if (!ds.GetLayerByName(std::string(def.name).c_str())) continue;
        for (const auto& f : def.fields) {
            const std::string t = sqlQuote(def.name), c = sqlQuote(f.name);
            std::string name(f.titleZh);
            if (!usedNames.insert(name).second) {
                name += "（" + std::string(def.titleZh) + "）";
                usedNames.insert(name);
            }
            exec(ds, "INSERT OR IGNORE INTO gpkg_data_columns (table_name, column_name) VALUES (" + t + ", " + c + ")");
            exec(ds, "UPDATE gpkg_data_columns SET name = " + sqlQuote(name) + ", title = " + sqlQuote(f.titleZh) + ", description = " +
                         sqlQuote(f.titleEn) + (f.enumeration.empty() ? std::string() : ", constraint_name = " + sqlQuote(f.enumeration)) +
                         " WHERE table_name = " + t + " AND column_name = " + c);
        }
    }
    exec(ds,
         "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
         "VALUES ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', 'read-write')");
}
}  // namespace

void createProjectSchema(GDALDataset& ds, const ProjectSpec& spec) {
    OGRSpatialReference srs;
    if (srs.importFromEPSG(spec.epsg) != OGRERR_NONE)
        throw DataError({ds.GetDescription()}, "unknown CRS EPSG:" + std::to_string(spec.epsg));
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

    if (startWriteTransaction(ds) != OGRERR_NONE) throw DataError({ds.GetDescription()}, "cannot start a transaction");
    addDomains(ds);
    for (const auto& def : projectLayers()) createSchemaLayer(ds, def, srs);
    writeDataColumns(ds);

    OGRLayer* meta = ds.GetLayerByName("project_meta");
    std::vector<std::pair<std::string, std::string>> rows = {
        {"county_code", spec.countyCode},
        {"county_name", spec.countyName},
        {"crs", "EPSG:" + std::to_string(spec.epsg)},
        {"schema_version", kSchemaVersion},
        {"created", todayIso()},
        {"data_date", spec.dataDate.empty() ? todayIso() : spec.dataDate},
        {"synthetic", spec.synthetic ? "true" : "false"},
        {"tool", "RuralAtlas"},
    };
    rows.insert(rows.end(), spec.extraMeta.begin(), spec.extraMeta.end());
    for (const auto& [k, v] : rows) {
        FeaturePtr f(OGRFeature::CreateFeature(meta->GetLayerDefn()));
        f->SetField("key", k.c_str());
        f->SetField("value", v.c_str());
        if (meta->CreateFeature(f.get()) != OGRERR_NONE) throw DataError({ds.GetDescription(), "project_meta"}, lastGdalError());
    }
    if (ds.CommitTransaction() != OGRERR_NONE) throw DataError({ds.GetDescription()}, commitFailure());
}

DatasetPtr createProjectDataset(const std::string& path, const ProjectSpec& spec) {
    initGdal();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) throw DataError({path}, "GDAL has no GPKG driver");
    DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw DataError({path}, "cannot create GeoPackage: " + lastGdalError());
    createProjectSchema(*ds, spec);
    return ds;
}

void createProject(const std::string& path, const ProjectSpec& spec, bool overwrite, const FinishFile& finish) {
    if (std::filesystem::exists(path) && !overwrite) throw DataError({path}, "the file exists already (use --overwrite to replace it)");
    AtomicFile out(path);
    { DatasetPtr ds = createProjectDataset(out.tempPath(), spec); }
    if (finish) finish(out.tempPath());
    out.commit();
}

std::vector<std::string> upgradeProject(const std::string& path) {
    initGdal();
    Project p = Project::open(path, true);
    OGRSpatialReference srs;
    srs.importFromEPSG(p.epsg());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    GDALDataset& d = p.dataset();
    std::vector<std::string> added;
    if (startWriteTransaction(d) != OGRERR_NONE) throw DataError({path}, "cannot start a transaction");
    try {
        addDomains(d);
        for (const auto& def : projectLayers()) {
            OGRLayer* layer = d.GetLayerByName(std::string(def.name).c_str());
            if (!layer) {
                createSchemaLayer(d, def, srs);
                added.emplace_back(def.name);
                continue;
            }
            // Fields a newer schema added to a layer the project has: nullable, whatever the
            // schema says, since the features already there have no value.
            for (const auto& f : def.fields) {
                if (layer->GetLayerDefn()->GetFieldIndex(std::string(f.name).c_str()) >= 0) continue;
                OGRFieldDefn fd(std::string(f.name).c_str(), ogrFieldType(f.type));
                if (f.width > 0) fd.SetWidth(f.width);
                if (!f.enumeration.empty()) fd.SetDomainName(std::string(f.enumeration));
                if (layer->CreateField(&fd) != OGRERR_NONE)
                    throw DataError({path, std::string(def.name), "", std::string(f.name)}, "cannot add field: " + lastGdalError());
                added.push_back(std::string(def.name) + "." + std::string(f.name));
            }
            ensureSchemaIndexes(d, def);
        }
        writeDataColumns(d);
        p.setMeta("schema_version", kSchemaVersion);
        if (d.CommitTransaction() != OGRERR_NONE) throw DataError({path}, commitFailure());
    } catch (...) {
        d.RollbackTransaction();
        throw;
    }
    return added;
}

Project Project::open(const std::string& path, bool update) {
    if (server::isServer(path)) {
        // The server form: the shared schema, row-level security keeping the session to its county.
        const server::Target t = server::parseTarget(path);
        if (t.county.empty()) throw DataError({path}, "name the county to work on in the server name: PG:... county=433127");
        server::checkConnection(t);  // libpq's own words when the server is not there or refuses the login
        DatasetPtr ds = openVector(server::gdalConnection(t), update);
        if (!ds->GetLayerByName("project_meta"))
            throw DataError({path}, "not a RuralAtlas server: no project_meta table (create one with 'ruralatlas server init')");
        Project p(path, std::move(ds));
        if (p.meta("county_code") != t.county)
            throw DataError({path}, "the server holds no county " + t.county + " you may read (ask its administrator for the right)");
        return p;
    }
    DatasetPtr ds = openVector(path, update);
    if (std::string(ds->GetDriverName()) != "GPKG")
        throw DataError({path}, "not a GeoPackage project (driver " + std::string(ds->GetDriverName()) + ")");
    if (!ds->GetLayerByName("project_meta"))
        throw DataError({path}, "not a RuralAtlas project: no project_meta table (create one with 'ruralatlas init')");
    return Project(path, std::move(ds));
}

OGRLayer* Project::findLayer(const std::string& name) { return m_ds->GetLayerByName(name.c_str()); }

OGRLayer& Project::layer(const std::string& name) {
    OGRLayer* l = findLayer(name);
    if (!l) throw DataError({m_path, name}, "the project has no such layer");
    return *l;
}

std::map<std::string, std::string> Project::meta() {
    std::map<std::string, std::string> out;
    OGRLayer& l = layer("project_meta");
    l.ResetReading();
    for (auto& f : l) {
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("key"))) out[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    }
    return out;
}

std::string Project::meta(const std::string& key) {
    auto m = meta();
    auto it = m.find(key);
    return it == m.end() ? std::string{} : it->second;
}

void Project::setMeta(const std::string& key, const std::string& value) {
    OGRLayer& l = layer("project_meta");
    l.SetAttributeFilter(("key = " + sqlQuote(key)).c_str());
    FeaturePtr existing(l.GetNextFeature());
    l.SetAttributeFilter(nullptr);
    if (existing) {
        existing->SetField("value", value.c_str());
        if (l.SetFeature(existing.get()) != OGRERR_NONE) throw DataError({m_path, "project_meta"}, lastGdalError());
    } else {
        FeaturePtr f(OGRFeature::CreateFeature(l.GetLayerDefn()));
        f->SetField("key", key.c_str());
        f->SetField("value", value.c_str());
        if (l.CreateFeature(f.get()) != OGRERR_NONE) throw DataError({m_path, "project_meta"}, lastGdalError());
    }
}

int Project::epsg() {
    const std::string crs = meta("crs");
    if (crs.rfind("EPSG:", 0) == 0) return std::stoi(crs.substr(5));
    // Fall back on the villages layer's CRS.
    OGRLayer& v = layer("villages");
    const OGRSpatialReference* s = v.GetSpatialRef();
    if (s && s->GetAuthorityCode(nullptr)) return std::stoi(s->GetAuthorityCode(nullptr));
    throw DataError({m_path, "project_meta", "crs"}, "the project has no CRS");
}

const OGRSpatialReference& Project::crs() {
    if (!m_crsLoaded) {
        m_crs.importFromEPSG(epsg());
        m_crs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        m_crsLoaded = true;
    }
    return m_crs;
}

std::unique_ptr<OGRGeometry> Project::countyOutline() {
    OGRLayer* l = findLayer("county");
    if (!l) return nullptr;
    OGRMultiPolygon parts;
    l->ResetReading();
    for (auto& f : *l) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        if (wkbFlatten(g->getGeometryType()) == wkbPolygon)
            parts.addGeometry(g);
        else if (wkbFlatten(g->getGeometryType()) == wkbMultiPolygon)
            for (const auto* p : *g->toMultiPolygon()) parts.addGeometry(p);
    }
    if (parts.IsEmpty()) return nullptr;
    if (parts.getNumGeometries() == 1) return std::unique_ptr<OGRGeometry>(parts.clone());
    // One cascaded union, not a chain of pairwise unions (2,000 counties in a national file).
    return std::unique_ptr<OGRGeometry>(parts.UnionCascaded());
}

}  // namespace ruralatlas::io
