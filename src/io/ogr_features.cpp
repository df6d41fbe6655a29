#include "io/ogr_features.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/error.hpp"
#include "io/server.hpp"

namespace ruralatlas::io {

namespace {

ShapeKind shapeOf(OGRwkbGeometryType type) {
    const OGRwkbGeometryType gt = wkbFlatten(type);
    if (gt == wkbNone) return ShapeKind::None;
    if (gt == wkbPoint || gt == wkbMultiPoint) return ShapeKind::Point;
    if (gt == wkbLineString || gt == wkbMultiLineString || gt == wkbCircularString || gt == wkbCompoundCurve || gt == wkbMultiCurve)
        return ShapeKind::Line;
    return ShapeKind::Polygon;
}

FieldKind kindOf(OGRFieldType t) {
    switch (t) {
        case OFTString:
            return FieldKind::Text;
        case OFTInteger:
        case OFTInteger64:
            return FieldKind::Integer;
        case OFTReal:
            return FieldKind::Real;
        default:
            return FieldKind::Other;
    }
}

void appendCurve(const OGRSimpleCurve& c, FeatureGeometry& g) {
    const int n = c.getNumPoints();
    if (n == 0) return;
    for (int i = 0; i < n; ++i) {
        const double x = c.getX(i), y = c.getY(i);
        g.xy.push_back(x);
        g.xy.push_back(y);
        g.bounds.include(x, y);
    }
    g.parts.push_back(uint32_t(g.xy.size() / 2));
}

void appendPolygon(const OGRPolygon& poly, FeatureGeometry& g) {
    for (const auto* ring : poly) appendCurve(*ring, g);
    g.polygons.push_back(uint32_t(g.parts.size()));
}

// Flattens a (linear) geometry; false for kinds that are not drawn (collections).
bool flatten(const OGRGeometry& geom, bool anchors, FeatureGeometry& g) {
    const OGRwkbGeometryType t = wkbFlatten(geom.getGeometryType());
    if (t == wkbPoint) {
        const auto* p = geom.toPoint();
        g.kind = ShapeKind::Point;
        g.xy = {p->getX(), p->getY()};
        g.parts.push_back(1);
        g.bounds.include(p->getX(), p->getY());
    } else if (t == wkbMultiPoint) {
        g.kind = ShapeKind::Point;
        for (const auto* p : *geom.toMultiPoint()) {
            g.xy.push_back(p->getX());
            g.xy.push_back(p->getY());
            g.parts.push_back(uint32_t(g.xy.size() / 2));
            g.bounds.include(p->getX(), p->getY());
        }
    } else if (t == wkbLineString) {
        g.kind = ShapeKind::Line;
        appendCurve(*geom.toLineString(), g);
    } else if (t == wkbMultiLineString) {
        g.kind = ShapeKind::Line;
        for (const auto* ls : *geom.toMultiLineString()) appendCurve(*ls, g);
    } else if (t == wkbPolygon || t == wkbMultiPolygon) {
        g.kind = ShapeKind::Polygon;
        if (t == wkbPolygon)
            appendPolygon(*geom.toPolygon(), g);
        else
            for (const auto* poly : *geom.toMultiPolygon()) appendPolygon(*poly, g);
        if (anchors) {
            OGRGeometryH pos = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&geom)));
            if (pos && !OGR_G_IsEmpty(pos)) {
                g.hasAnchor = true;
                g.anchor = {OGR_G_GetX(pos, 0), OGR_G_GetY(pos, 0)};
            }
            if (pos) OGR_G_DestroyGeometry(pos);
        }
    } else {
        return false;
    }
    return true;
}

// Clears a layer's filters and ignored fields whatever happens.
struct LayerReset {
    OGRLayer& layer;
    ~LayerReset() {
        layer.SetIgnoredFields(nullptr);
        layer.SetSpatialFilter(nullptr);
        layer.SetAttributeFilter(nullptr);
    }
};

}  // namespace

std::vector<std::string> ogrLayerNames(GDALDataset& ds) {
    std::vector<std::string> out;
    for (int i = 0; i < ds.GetLayerCount(); ++i) {
        const std::string name = ds.GetLayer(i)->GetName();
        if (name != "layer_styles" && name != "qgis_projects") out.push_back(name);  // QGIS's styles and project, not data
    }
    return out;
}

std::optional<LayerInfo> ogrLayerInfo(GDALDataset& ds, const std::string& layer) {
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) return std::nullopt;
    LayerInfo info;
    info.name = l->GetName();
    // Analysis results carry their Chinese title in gpkg_contents.identifier.
    if (const char* id = l->GetMetadataItem("IDENTIFIER"); id && *id && std::string(id) != info.name) info.title = id;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    info.geometry = defn->GetGeomFieldCount() == 0 ? ShapeKind::None : shapeOf(l->GetGeomType());
    if (defn->GetGeomFieldCount() > 0 && wkbFlatten(l->GetGeomType()) == wkbUnknown) {
        // An untyped geometry column (a PostGIS "geometry", e.g. the server's results): the
        // kind of its first geometry, as the layer says nothing.
        LayerReset reset{*l};
        l->SetAttributeFilter(nullptr);
        l->SetSpatialFilter(nullptr);
        l->ResetReading();
        for (FeaturePtr f(l->GetNextFeature()); f; f.reset(l->GetNextFeature()))
            if (const OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
                info.geometry = shapeOf(g->getGeometryType());
                break;
            }
        l->ResetReading();
    }
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        info.fields.push_back({defn->GetFieldDefn(i)->GetNameRef(), kindOf(defn->GetFieldDefn(i)->GetType()), {}});
    info.featureCount = std::max<GIntBig>(-1, l->GetFeatureCount(FALSE));
    // Result GeoPackages record their columns' Chinese titles in gpkg_data_columns (a file
    // without that table has none: no message then).
    if (std::string(ds.GetDriverName()) == "GPKG") {
        std::string quoted = "'";
        for (char c : info.name) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        quoted += "'";
        CPLPushErrorHandler(CPLQuietErrorHandler);
        OGRLayer* titles =
            ds.ExecuteSQL(("SELECT column_name, title FROM gpkg_data_columns WHERE table_name = " + quoted).c_str(), nullptr, nullptr);
        CPLPopErrorHandler();
        CPLErrorReset();
        if (titles) {
            for (auto& f : *titles)
                for (auto& field : info.fields)
                    if (field.title.empty() && field.name == f->GetFieldAsString(0)) field.title = f->GetFieldAsString(1);
            ds.ReleaseResultSet(titles);
        }
    }
    return info;
}

bool ogrInCrs(GDALDataset& ds, const std::string& layer, int epsg) {
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) return false;
    const OGRSpatialReference* srs = l->GetSpatialRef();
    if (!srs) return true;  // no CRS declared: assume the project's
    const char* code = srs->GetAuthorityCode(nullptr);
    if (code && std::atoi(code) == epsg) return true;
    OGRSpatialReference want;
    want.importFromEPSG(epsg);
    return srs->IsSame(&want) != 0;
}

bool ogrMayRead(GDALDataset& ds, const std::string& layer) {
    if (std::string(ds.GetDriverName()) != "PostgreSQL") return true;
    bool may = true;
    const std::string q = "SELECT has_table_privilege(quote_ident(current_schema()) || '." + layer + "', 'SELECT') AS ok";
    if (OGRLayer* r = ds.ExecuteSQL(q.c_str(), nullptr, nullptr)) {
        if (FeaturePtr f{r->GetNextFeature()})
            may = std::string(f->GetFieldAsString(0)) != "0" && std::string(f->GetFieldAsString(0)) != "f";
        ds.ReleaseResultSet(r);
    }
    return may;
}

void ogrReadFeatures(GDALDataset& ds, const std::string& file, const std::string& layerName, const FeatureQuery& query,
                     const std::function<void(const Feature&)>& visit) {
    OGRLayer* ol = ds.GetLayerByName(layerName.c_str());
    if (!ol) throw DataError({file, layerName, "", ""}, "the layer is missing");
    // The server's rights: a layer the login may not read is said so, never read as empty.
    if (!ogrMayRead(ds, layerName))
        throw DataError({file, layerName},
                        "无权读取 / your login may not read this layer (households: county administrators and relocation officers; "
                        "others read the household_counts and household_causes aggregates)");
    OGRFeatureDefn* defn = ol->GetLayerDefn();
    std::vector<int> fieldIdx;
    if (query.allFields) {
        for (int i = 0; i < defn->GetFieldCount(); ++i) fieldIdx.push_back(i);
    } else {
        for (const auto& f : query.fields) {
            const int idx = defn->GetFieldIndex(f.c_str());
            if (idx < 0) {
                std::string list;
                for (int i = 0; i < defn->GetFieldCount(); ++i) list += std::string(i ? ", " : "") + defn->GetFieldDefn(i)->GetNameRef();
                throw DataError({file, layerName, "", f}, "the layer has no such field (fields: " + list + ")");
            }
            fieldIdx.push_back(idx);
        }
    }
    LayerReset reset{*ol};
    // Skip parsing what nobody asked for.
    std::vector<std::string> ignoredStore;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        if (std::find(fieldIdx.begin(), fieldIdx.end(), i) == fieldIdx.end()) ignoredStore.push_back(defn->GetFieldDefn(i)->GetNameRef());
    if (!query.geometry) ignoredStore.push_back("OGR_GEOMETRY");
    std::vector<const char*> ignored;
    for (const auto& s : ignoredStore) ignored.push_back(s.c_str());
    ignored.push_back(nullptr);
    ol->SetIgnoredFields(ignored.data());
    if (query.within)
        ol->SetSpatialFilterRect(query.within->minx, query.within->miny, query.within->maxx, query.within->maxy);
    else
        ol->SetSpatialFilter(nullptr);
    std::string where = query.where;
    std::string ids;  // the id conditions, kept when a hint is refused
    if (query.fid || query.range) {
        const char* fidCol = ol->GetFIDColumn();
        const std::string col = fidCol && *fidCol ? std::string("\"") + fidCol + "\"" : std::string("fid");
        if (query.fid) ids = col + " = " + std::to_string(*query.fid);
        if (query.range && query.range->first != std::numeric_limits<long long>::min())
            ids += (ids.empty() ? "" : " AND ") + col + " >= " + std::to_string(query.range->first);
        if (query.range && query.range->last != std::numeric_limits<long long>::max())
            ids += (ids.empty() ? "" : " AND ") + col + " < " + std::to_string(query.range->last);
        if (!ids.empty()) where = where.empty() ? ids : "(" + where + ") AND " + ids;
    }
    const auto refused = [&](const std::string& msg) {
        return UsageError("\"" + query.where + "\" is not a valid filter on " + layerName + ": " + msg);
    };
    CPLErrorReset();
    if (!where.empty() && ol->SetAttributeFilter(where.c_str()) != OGRERR_NONE) {
        // A hint the driver refuses only costs speed: read everything instead.
        if (!query.whereIsHint) throw refused(lastGdalError("syntax error"));
        where = ids;
        if (ol->SetAttributeFilter(where.empty() ? nullptr : where.c_str()) != OGRERR_NONE)
            throw DataError({file, layerName, "", ""}, "cannot select features by id: " + lastGdalError());
    }
    ol->ResetReading();

    // A server table comes in its storage order, which edits change: its features are delivered
    // in id order, as a file's are, so results do not depend on where the server keeps a row.
    const bool server = std::string(ds.GetDriverName()) == "PostgreSQL";
    std::vector<Feature> held;
    const std::function<void(const Feature&)> deliver =
        server ? std::function<void(const Feature&)>([&held](const Feature& f) { held.push_back(f); }) : visit;
    Feature out;
    out.values.resize(fieldIdx.size());
    long long visited = 0;
    for (;;) {
        FeaturePtr f(ol->GetNextFeature());
        if (!f) break;
        out.fid = f->GetFID();
        out.geometry.clear();
        if (query.geometry) {
            const OGRGeometry* g = f->GetGeometryRef();
            if (g && !g->IsEmpty()) {
                std::unique_ptr<OGRGeometry> linear;
                if (g->hasCurveGeometry()) {
                    linear.reset(g->getLinearGeometry());
                    g = linear.get();
                }
                if (g && !flatten(*g, query.anchors, out.geometry)) out.geometry.clear();
            }
        }
        for (size_t c = 0; c < fieldIdx.size(); ++c) {
            const int fi = fieldIdx[c];
            ResultValue& v = out.values[c];
            if (!f->IsFieldSetAndNotNull(fi)) {
                v = std::monostate{};
                continue;
            }
            if (query.asText) {
                v = std::string(f->GetFieldAsString(fi));
                continue;
            }
            switch (defn->GetFieldDefn(fi)->GetType()) {
                case OFTInteger:
                case OFTInteger64:
                    v = static_cast<long long>(f->GetFieldAsInteger64(fi));
                    break;
                case OFTReal:
                    v = f->GetFieldAsDouble(fi);
                    break;
                default:
                    v = std::string(f->GetFieldAsString(fi));
                    break;
            }
        }
        ++visited;
        deliver(out);
    }
    if (server) {
        // A right the login lacks (e.g. households for a planner) is an error, never an empty layer.
        if (CPLGetLastErrorType() == CE_Failure) throw DataError({file, layerName}, "cannot read the layer: " + lastGdalError());
        std::stable_sort(held.begin(), held.end(), [](const Feature& a, const Feature& b) { return a.fid < b.fid; });
        for (const Feature& f : held) visit(f);
        return;
    }
    // SQLite-backed drivers report a bad filter only when reading: a refused hint reads again
    // without it (nothing was delivered yet), a refused filter is the caller's error.
    if (!where.empty() && where != ids && CPLGetLastErrorType() == CE_Failure) {
        if (!query.whereIsHint) throw refused(lastGdalError("syntax error"));
        if (visited == 0) {
            FeatureQuery plain = query;
            plain.where.clear();
            plain.whereIsHint = false;
            ol->SetAttributeFilter(nullptr);
            ogrReadFeatures(ds, file, layerName, plain, visit);
        }
    }
}

std::vector<std::string> gpkgGridNames(GDALDataset& ds) {
    std::vector<std::string> out;
    if (!ds.GetDriver() || !EQUAL(ds.GetDriver()->GetDescription(), "GPKG")) return out;
    OGRLayer* rows = ds.ExecuteSQL("SELECT table_name FROM gpkg_contents WHERE data_type = '2d-gridded-coverage' ORDER BY table_name",
                                   nullptr, "NATIVE");
    if (!rows) return out;
    for (auto& f : *rows) out.push_back(f->GetFieldAsString(0));
    ds.ReleaseResultSet(rows);
    return out;
}

std::optional<ResultGrid> readGpkgGrid(const std::string& path, const std::string& table) {
    initGdal();
    const std::string name = "GPKG:" + path + ":" + table;
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
    if (!ds) return std::nullopt;
    ResultGrid g;
    g.name = table;
    if (const char* id = ds->GetMetadataItem("IDENTIFIER"); id && *id && std::string(id) != table) g.titleZh = id;
    double gt[6];
    if (ds->GetGeoTransform(gt) != CE_None || std::fabs(gt[1] + gt[5]) > 1e-9 * std::fabs(gt[1]) || gt[2] != 0 || gt[4] != 0 || gt[1] <= 0)
        throw DataError({path, table}, "a gridded layer must be north-up with square cells");
    g.x0 = gt[0];
    g.y1 = gt[3];
    g.cell = gt[1];
    g.width = ds->GetRasterXSize();
    g.height = ds->GetRasterYSize();
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (!band || g.width <= 0 || g.height <= 0) throw DataError({path, table}, "the gridded layer has no cells");
    g.values.resize(std::size_t(g.width) * std::size_t(g.height));
    if (band->RasterIO(GF_Read, 0, 0, g.width, g.height, g.values.data(), g.width, g.height, GDT_Float32, 0, 0) != CE_None)
        throw DataError({path, table}, "cannot read the gridded layer: " + lastGdalError());
    int hasNoData = 0;
    const double nd = band->GetNoDataValue(&hasNoData);
    const float noData = float(nd);
    for (float& v : g.values)
        if (!std::isfinite(v) || (hasNoData && v == noData)) v = NAN;
    return g;
}

OgrFeatureSource::OgrFeatureSource(const std::string& path) : m_path(path), m_ds(openVector(path, false)) {}

std::unique_ptr<FeatureSource> openFeatureSource(const std::string& path) {
    if (server::isServer(path)) {
        // Results written back into a server project: its county's rows of ruralatlas_results.
        const server::Target t = server::parseTarget(path);
        if (t.county.empty()) throw DataError({path}, "name the county whose results to read: PG:... county=433127");
        server::checkConnection(t);
        return std::make_unique<OgrFeatureSource>(server::resultsConnection(t));
    }
    return std::make_unique<OgrFeatureSource>(path);
}

}  // namespace ruralatlas::io
