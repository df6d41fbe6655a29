#include "host/qgis_styles.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "core/landuse.hpp"
#include "core/schema.hpp"
#include "io/gdal_util.hpp"
#include "io/ogr_features.hpp"
#include "render/qgis_qml.hpp"
#include "render/style.hpp"

namespace ruralatlas::host {
namespace {

// Fields whose value the model derives from another: editing them in QGIS would break it.
struct Derived {
    const char* layer;
    const char* field;
    const char* why;
};
constexpr Derived kDerived[] = {
    {"villages", "township_code", "derived from the village code (its first 9 digits); edit the code instead"},
};

// Tables that hold the tool's or QGIS's own bookkeeping: no style for them.
bool isSupportTable(const std::string& name) {
    return name == "layer_styles" || name == "qgis_projects" || name == "ruralatlas_results" || name.rfind("gpkg_", 0) == 0 ||
           name.rfind("rtree_", 0) == 0;
}

std::string sqlQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

// Rows of a one- or two-column query, quietly empty when the table does not exist.
std::vector<std::pair<std::string, std::string>> queryPairs(GDALDataset& ds, const std::string& sql) {
    std::vector<std::pair<std::string, std::string>> out;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRLayer* l = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    CPLPopErrorHandler();
    CPLErrorReset();
    if (!l) return out;
    for (auto& f : *l) out.emplace_back(f->GetFieldAsString(0), f->GetFieldCount() > 1 ? f->GetFieldAsString(1) : "");
    ds.ReleaseResultSet(l);
    return out;
}

std::string nowIso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

OGRLayer* layerStylesTable(GDALDataset& ds, const std::string& path) {
    if (OGRLayer* l = ds.GetLayerByName("layer_styles")) return l;
    // The table as QGIS creates it (an attributes table registered in gpkg_contents).
    CPLStringList options;
    options.SetNameValue("FID", "id");
    OGRLayer* l = ds.CreateLayer("layer_styles", nullptr, wkbNone, options.List());
    if (!l) throw DataError({path, "layer_styles"}, "cannot create the QGIS style table: " + io::lastGdalError());
    const std::pair<const char*, int> texts[] = {
        {"f_table_catalog", 256}, {"f_table_schema", 256}, {"f_table_name", 256}, {"f_geometry_column", 256},
        {"styleName", 30},        {"styleQML", 0},         {"styleSLD", 0}};
    for (const auto& [name, width] : texts) {
        OGRFieldDefn fd(name, OFTString);
        fd.SetWidth(width);
        if (l->CreateField(&fd) != OGRERR_NONE) throw DataError({path, "layer_styles", "", name}, io::lastGdalError());
    }
    OGRFieldDefn def("useAsDefault", OFTInteger);
    def.SetSubType(OFSTBoolean);
    if (l->CreateField(&def) != OGRERR_NONE) throw DataError({path, "layer_styles", "", "useAsDefault"}, io::lastGdalError());
    for (const auto& [name, width] : std::initializer_list<std::pair<const char*, int>>{{"description", 0}, {"owner", 30}, {"ui", 30}}) {
        OGRFieldDefn fd(name, OFTString);
        fd.SetWidth(width);
        if (l->CreateField(&fd) != OGRERR_NONE) throw DataError({path, "layer_styles", "", name}, io::lastGdalError());
    }
    OGRFieldDefn time("update_time", OFTDateTime);
    time.SetDefault("CURRENT_TIMESTAMP");
    if (l->CreateField(&time) != OGRERR_NONE) throw DataError({path, "layer_styles", "", "update_time"}, io::lastGdalError());
    return l;
}

struct ProjectLayer {
    std::string table, title, qml;
    ShapeKind geometry;
    std::size_t drawOrder;
};

std::string xmlEsc(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

// The QML's root attributes and its body, to become a <maplayer> of the project.
std::pair<std::string, std::string> splitQml(const std::string& qml) {
    const auto open = qml.find("<qgis ");
    const auto end = qml.find('>', open);
    const auto close = qml.rfind("</qgis>");
    if (open == std::string::npos || end == std::string::npos || close == std::string::npos) return {};
    return {qml.substr(open + 6, end - open - 6), qml.substr(end + 1, close - end - 1)};
}

std::string crsXml(GDALDataset& ds) {
    const OGRSpatialReference* srs = nullptr;
    for (int i = 0; i < ds.GetLayerCount() && !srs; ++i) srs = ds.GetLayer(i)->GetSpatialRef();
    if (!srs) return {};
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2018", nullptr};
    srs->exportToWkt(&wkt, opts);
    char* proj4 = nullptr;
    srs->exportToProj4(&proj4);
    const char* code = srs->GetAuthorityCode(nullptr);
    const char* auth = srs->GetAuthorityName(nullptr);
    std::string out = "<spatialrefsys><wkt>" + xmlEsc(wkt ? wkt : "") + "</wkt><proj4>" + xmlEsc(proj4 ? proj4 : "") + "</proj4>";
    if (auth && code) out += "<srid>" + std::string(code) + "</srid><authid>" + xmlEsc(std::string(auth) + ":" + code) + "</authid>";
    out += "<description>" + xmlEsc(srs->GetName() ? srs->GetName() : "") + "</description></spatialrefsys>";
    CPLFree(wkt);
    CPLFree(proj4);
    return out;
}

void writeQgisProject(GDALDataset& ds, const std::string& path, const std::string& title, std::vector<ProjectLayer> layers) {
    // Top of the layer tree = drawn last.
    std::stable_sort(layers.begin(), layers.end(), [](const ProjectLayer& a, const ProjectLayer& b) {
        const bool ta = a.geometry == ShapeKind::None, tb = b.geometry == ShapeKind::None;
        if (ta != tb) return tb;  // tables below the map layers
        return a.drawOrder > b.drawOrder;
    });
    const std::string file = "./" + std::filesystem::path(path).filename().string();
    const std::string crs = crsXml(ds);
    std::string tree, maps, order;
    for (const auto& l : layers) {
        const std::string id = "ruralatlas_" + l.table;
        const std::string source = xmlEsc(file + "|layername=" + l.table);
        // Personal data stays switched off; tables have no check box in QGIS.
        const bool on = l.geometry != ShapeKind::None && l.table != "households";
        tree += "    <layer-tree-layer id=\"" + id + "\" name=\"" + xmlEsc(l.title) + "\" source=\"" + source +
                "\" providerKey=\"ogr\" checked=\"" + (on ? "Qt::Checked" : "Qt::Unchecked") + "\" expanded=\"0\"/>\n";
        const auto [attrs, body] = splitQml(l.qml);
        const char* geom = l.geometry == ShapeKind::Point     ? "Point"
                           : l.geometry == ShapeKind::Line    ? "Line"
                           : l.geometry == ShapeKind::Polygon ? "Polygon"
                                                              : "No geometry";
        maps += "    <maplayer type=\"vector\" geometry=\"" + std::string(geom) + "\" " + attrs + ">\n      <id>" + id +
                "</id>\n      <datasource>" + source + "</datasource>\n      <layername>" + xmlEsc(l.title) + "</layername>\n" +
                (l.geometry == ShapeKind::None ? std::string() : "      <srs>" + crs + "</srs>\n") +
                "      <provider encoding=\"UTF-8\">ogr</provider>\n" + body + "    </maplayer>\n";
        order += "    <layer id=\"" + id + "\"/>\n";
    }
    const std::string qgs =
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"" + xmlEsc(title) +
        "\" version=\"3.22.16-Białowieża\">\n  <homePath path=\"\"/>\n  <title>" + xmlEsc(title) + "</title>\n  <projectCrs>" + crs +
        "</projectCrs>\n  <layer-tree-group>\n" + tree + "  </layer-tree-group>\n  <projectlayers>\n" + maps +
        "  </projectlayers>\n  <layerorder>\n" + order +
        "  </layerorder>\n  <properties>\n    <SpatialRefSys><ProjectionsEnabled type=\"int\">1</ProjectionsEnabled></SpatialRefSys>\n"
        "    <Paths><Absolute type=\"bool\">false</Absolute></Paths>\n  </properties>\n</qgis>\n";
    // QGIS keeps a project in a GeoPackage as the hex text of its .qgz (a zip of the .qgs).
    const std::string zip = "/vsimem/ruralatlas_qgis_project_" + std::to_string(reinterpret_cast<std::uintptr_t>(&ds)) + ".qgz";
    void* h = CPLCreateZip(zip.c_str(), nullptr);
    if (!h) throw DataError({path, "qgis_projects"}, "cannot create the QGIS project archive: " + io::lastGdalError());
    if (CPLCreateFileInZip(h, "ruralatlas.qgs", nullptr) != CE_None || CPLWriteFileInZip(h, qgs.data(), int(qgs.size())) != CE_None ||
        CPLCloseFileInZip(h) != CE_None) {
        CPLCloseZip(h);
        VSIUnlink(zip.c_str());
        throw DataError({path, "qgis_projects"}, "cannot write the QGIS project archive: " + io::lastGdalError());
    }
    CPLCloseZip(h);
    vsi_l_offset size = 0;
    GByte* bytes = VSIGetMemFileBuffer(zip.c_str(), &size, FALSE);
    static const char* digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(size_t(size) * 2);
    for (vsi_l_offset i = 0; bytes && i < size; ++i) {
        hex += digits[bytes[i] >> 4];
        hex += digits[bytes[i] & 15];
    }
    VSIUnlink(zip.c_str());
    auto exec = [&](const std::string& sql) {
        CPLErrorReset();
        if (OGRLayer* r = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr)) ds.ReleaseResultSet(r);
        if (CPLGetLastErrorType() >= CE_Failure) throw DataError({path, "qgis_projects"}, io::lastGdalError());
    };
    exec("CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)");
    exec("INSERT OR REPLACE INTO qgis_projects (name, metadata, content) VALUES (" + sqlQuote(kQgisStyleName) + ", " +
         sqlQuote("{\"last_modified_time\": \"" + nowIso() + "\", \"last_modified_user\": \"RuralAtlas\" }") + ", '" + hex + "')");
}

}  // namespace

QgisStylesReport writeQgisStyles(const std::string& gpkg, const std::vector<std::string>& styleFiles, const std::string& finalPath) {
    io::DatasetPtr ds = io::openVector(gpkg, true);
    const QgisStylesPlan plan = planQgisStyles(*ds, gpkg, styleFiles);
    if (io::startWriteTransaction(*ds) != OGRERR_NONE) throw DataError({gpkg}, "cannot start a transaction: " + io::lastGdalError());
    QgisStylesReport report;
    try {
        report = storeQgisStyles(*ds, plan, gpkg, finalPath);
    } catch (...) {
        ds->RollbackTransaction();
        throw;
    }
    if (ds->CommitTransaction() != OGRERR_NONE) throw DataError({gpkg}, io::commitFailure());
    return report;
}

QgisStylesPlan planQgisStyles(GDALDataset& dataset, const std::string& gpkg, const std::vector<std::string>& styleFiles) {
    GDALDataset* ds = &dataset;
    if (std::string(ds->GetDriverName()) != "GPKG")
        throw DataError({gpkg}, "QGIS styles are stored in GeoPackages only (this is " + std::string(ds->GetDriverName()) + ")");
    QgisStylesPlan plan;
    const bool project = plan.project = ds->GetLayerByName("project_meta") != nullptr;

    // Which style draws each table.
    std::map<std::string, std::string> resultStyle;
    for (const auto& [table, ref] : queryPairs(*ds, "SELECT table_name, style FROM ruralatlas_results")) resultStyle[table] = ref;
    std::map<std::pair<std::string, std::string>, std::string> columnTitle;
    for (const auto& [key, title] : queryPairs(*ds, "SELECT table_name || char(31) || column_name, title FROM gpkg_data_columns")) {
        const auto sep = key.find('\x1f');
        if (sep != std::string::npos && !title.empty()) columnTitle[{key.substr(0, sep), key.substr(sep + 1)}] = title;
    }
    std::map<std::string, std::shared_ptr<const render::Style>> cache;
    auto styleFrom = [&](const std::vector<std::string>& files) -> std::shared_ptr<const render::Style> {
        std::string key;
        for (const auto& f : files) key += f + "\n";
        auto it = cache.find(key);
        if (it != cache.end()) return it->second;
        auto s = std::make_shared<const render::Style>(render::loadStyles(files));
        cache[key] = s;
        return s;
    };
    std::shared_ptr<const render::Style> given;
    if (!styleFiles.empty()) given = styleFrom(styleFiles);
    const std::string countyStyle = shippedDir("styles") + "/county.json";

    std::vector<QgisStylesPlan::Table>& pending = plan.tables;
    QgisStylesReport& report = plan.report;
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* l = ds->GetLayer(i);
        const std::string name = l->GetName();
        if (isSupportTable(name)) continue;
        const LayerDef* def = project || !resultStyle.count(name) ? findLayer(name) : nullptr;
        render::QmlLayer layer;
        layer.name = name;
        // Geometry, field kinds and the table's own title as every reader sees them.
        const std::optional<LayerInfo> info = io::ogrLayerInfo(*ds, name);
        if (!info) continue;
        layer.title = info->title;
        if (layer.title.empty() && def) layer.title = std::string(def->titleZh);
        layer.geometry = info->geometry;
        const bool result = resultStyle.count(name) > 0;
        layer.fields.push_back({"fid", FieldKind::Integer, "要素号", {}, true, "the GeoPackage feature id"});
        OGRFeatureDefn* defn = l->GetLayerDefn();
        for (int k = 0; k < defn->GetFieldCount(); ++k) {
            OGRFieldDefn* fd = defn->GetFieldDefn(k);
            render::QmlField f;
            f.name = fd->GetNameRef();
            f.type = info->fields[static_cast<std::size_t>(k)].kind;
            const FieldDef* fdef = def ? def->field(f.name) : nullptr;
            if (fdef) f.alias = std::string(fdef->titleZh);
            if (auto it = columnTitle.find({name, f.name}); f.alias.empty() && it != columnTitle.end()) f.alias = it->second;
            // Enumerations: the GeoPackage's coded domain, else the model's enumeration.
            if (const std::string& dn = fd->GetDomainName(); !dn.empty())
                if (const auto* cd = dynamic_cast<const OGRCodedFieldDomain*>(ds->GetFieldDomain(dn)))
                    for (const OGRCodedValue* v = cd->GetEnumeration(); v && v->pszCode; ++v)
                        f.valueMap.emplace_back(v->pszCode, v->pszValue ? v->pszValue : v->pszCode);
            if (f.valueMap.empty() && fdef && !fdef->enumeration.empty())
                if (const Enumeration* e = findEnumeration(fdef->enumeration))
                    for (const auto& v : e->values) f.valueMap.emplace_back(std::string(v.code), std::string(v.titleZh));
            if (f.valueMap.empty() && f.name == "landuse_code" && (def || project))
                for (const auto& [code, title] : landuseClasses()) f.valueMap.emplace_back(std::string(code), std::string(title));
            for (const auto& d : kDerived)
                if (name == d.layer && f.name == d.field) {
                    f.readOnly = true;
                    f.readOnlyWhy = d.why;
                }
            if (result) {
                f.readOnly = true;
                f.readOnlyWhy = "computed by RuralAtlas; run the analysis again instead of editing";
            }
            layer.fields.push_back(std::move(f));
        }
        // The style the tool itself draws this table with.
        std::vector<const render::StyleLayer*> drawing;
        std::shared_ptr<const render::Style> style = given;
        if (!style && result && !resultStyle[name].empty()) {
            const std::string path = pluginStylePath(resultStyle[name]);
            if (!path.empty() && std::filesystem::exists(path)) style = styleFrom({path});
        }
        if (!style && (project || def)) style = styleFrom({countyStyle});
        std::size_t drawOrder = std::size_t(-1) / 2 + std::size_t(i);
        if (style) {
            drawing = render::styleLayersFor(*style, name);
            for (std::size_t k = 0; k < style->layers.size(); ++k)
                if (!drawing.empty() && &style->layers[k] == drawing.front()) drawOrder = k;
        }
        render::QmlResult qml = render::qgisQml(layer, drawing);
        for (const auto& d : qml.degraded) report.notes.push_back(name + ": " + d);
        pending.push_back({name, l->GetGeometryColumn(), std::move(qml.qml),
                           layer.title.empty() ? std::string("RuralAtlas") : "RuralAtlas: " + layer.title,
                           layer.title.empty() ? name : layer.title, layer.geometry, drawOrder});
    }
    return plan;
}

QgisStylesReport storeQgisStyles(GDALDataset& dataset, const QgisStylesPlan& plan, const std::string& gpkg, const std::string& finalPath) {
    GDALDataset* ds = &dataset;
    const auto& pending = plan.tables;
    const bool project = plan.project;
    QgisStylesReport report = plan.report;
    {
        OGRLayer* styles = layerStylesTable(*ds, gpkg);
        // Tables whose default style was saved by someone else keep it as the default.
        std::set<std::string> ownDefault;
        for (const auto& [table, n] : queryPairs(
                 *ds, "SELECT f_table_name, styleName FROM layer_styles WHERE useAsDefault AND styleName <> " + sqlQuote(kQgisStyleName)))
            ownDefault.insert(table);
        for (const auto& p : pending) {
            styles->SetAttributeFilter(("f_table_name = " + sqlQuote(p.table) + " AND styleName = " + sqlQuote(kQgisStyleName)).c_str());
            std::vector<GIntBig> old;
            for (auto& f : *styles) old.push_back(f->GetFID());
            styles->SetAttributeFilter(nullptr);
            for (GIntBig fid : old)
                if (styles->DeleteFeature(fid) != OGRERR_NONE) throw DataError({gpkg, "layer_styles"}, io::lastGdalError());
            io::FeaturePtr f(OGRFeature::CreateFeature(styles->GetLayerDefn()));
            f->SetField("f_table_catalog", "");
            f->SetField("f_table_schema", "");
            f->SetField("f_table_name", p.table.c_str());
            f->SetField("f_geometry_column", p.geometryColumn.c_str());
            f->SetField("styleName", kQgisStyleName);
            f->SetField("styleQML", p.qml.c_str());
            f->SetField("styleSLD", "");
            f->SetField("useAsDefault", ownDefault.count(p.table) ? 0 : 1);
            f->SetField("description", p.description.c_str());
            f->SetField("owner", "");
            f->SetField("ui", "");
            f->SetField("update_time", nowIso().c_str());
            if (styles->CreateFeature(f.get()) != OGRERR_NONE)
                throw DataError({gpkg, "layer_styles", p.table}, "cannot write the style: " + io::lastGdalError());
            if (ownDefault.count(p.table)) report.kept.push_back(p.table);
            ++report.layers;
        }
        // A QGIS project inside the GeoPackage (QGIS: Project > Open From > GeoPackage): every
        // table under its Chinese title, in our drawing order, in the project's CRS.
        std::vector<ProjectLayer> layers;
        for (const auto& p : pending) layers.push_back({p.table, p.title, p.qml, p.geometry, p.drawOrder});
        std::string title;
        if (project)
            for (const auto& [k, v] : queryPairs(*ds, "SELECT key, value FROM project_meta WHERE key = 'county_name'")) title = v;
        title = project ? (title.empty() ? "" : title + " ") + "县域规划数据库（RuralAtlas）" : "RuralAtlas 分析结果";
        writeQgisProject(*ds, finalPath.empty() ? gpkg : finalPath, title, std::move(layers));
    }
    return report;
}

}  // namespace ruralatlas::host
