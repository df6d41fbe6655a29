#include "io/gpkg_source.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "io/arrow_reader.hpp"
#include "io/server.hpp"

namespace ruralatlas::io {

namespace {
std::optional<double> optReal(OGRFeature& f, const char* name) {
    const int i = f.GetFieldIndex(name);
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return std::nullopt;
    return f.GetFieldAsDouble(i);
}
std::string str(OGRFeature& f, const char* name) {
    const int i = f.GetFieldIndex(name);
    return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : std::string();
}
// Field indices looked up once per layer, not per feature (a name lookup per field per
// feature was a third of the time of reading 600,000 villages).
class Fields {
public:
    explicit Fields(OGRLayer& l) : m_defn(l.GetLayerDefn()) {}
    int operator[](const char* name) const { return m_defn->GetFieldIndex(name); }

private:
    OGRFeatureDefn* m_defn;
};
std::optional<double> optReal(OGRFeature& f, int i) {
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return std::nullopt;
    return f.GetFieldAsDouble(i);
}
std::string str(OGRFeature& f, int i) { return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : std::string(); }

// The attribute filter of a slice (and of a condition besides), in the layer's own FID column.
std::string sliceFilter(OGRLayer& l, const FidRange* range, const std::string& also = {}) {
    std::string f = also;
    if (range) {
        const char* fid = l.GetFIDColumn();
        const std::string col = fid && *fid ? std::string("\"") + fid + "\"" : std::string("fid");
        if (range->first != std::numeric_limits<long long>::min())
            f += (f.empty() ? "" : " AND ") + col + " >= " + std::to_string(range->first);
        if (range->last != std::numeric_limits<long long>::max())
            f += (f.empty() ? "" : " AND ") + col + " < " + std::to_string(range->last);
    }
    return f;
}
// Room to make for a slice (or the whole layer): its expected size, or the layer's stored count.
std::size_t expectedCount(OGRLayer& l, const FidRange* range) {
    if (range) return static_cast<std::size_t>(std::max(0LL, range->expected));
    return static_cast<std::size_t>(std::max<GIntBig>(0, l.GetFeatureCount(FALSE)));
}
void applyFilter(OGRLayer& l, const std::string& filter) {
    if (l.SetAttributeFilter(filter.empty() ? nullptr : filter.c_str()) != OGRERR_NONE)
        throw DataError({"", l.GetName()}, "cannot filter the layer: " + lastGdalError());
}
std::vector<Village> loadVillages(Project& project, VillageFields fields, const FidRange* range) {
    std::vector<Village> out;
    OGRLayer& l = project.layer("villages");
    out.reserve(expectedCount(l, range));
    applyFilter(l, sliceFilter(l, range));
    // Fetch only what analyses use: fewer columns, less time.
    std::vector<std::string> wanted = {"code", "name", "township_code", "population"};
    if (fields == VillageFields::All)
        for (const char* f :
             {"status", "terrain", "households", "tap_water_rate", "sanitary_toilet_rate", "hardened_road", "has_village_plan"})
            wanted.emplace_back(f);
    {
        ArrowLayerReader in(l, wanted, true);
        if (in.ok()) {
            const int iCode = in.column("code"), iName = in.column("name"), iTown = in.column("township_code"),
                      iStatus = in.column("status"), iTerrain = in.column("terrain"), iPop = in.column("population"),
                      iHh = in.column("households"), iTap = in.column("tap_water_rate"), iToilet = in.column("sanitary_toilet_rate"),
                      iRoad = in.column("hardened_road"), iPlan = in.column("has_village_plan");
            while (in.next()) {
                for (std::size_t k = 0; k < in.size(); ++k) {
                    Village& v = out.emplace_back();
                    v.fid = in.fid(k);
                    v.code = in.text(iCode, k);
                    v.name = in.text(iName, k);
                    v.townshipCode = in.text(iTown, k);
                    if (iStatus >= 0) v.status = in.text(iStatus, k);
                    if (iTerrain >= 0) v.terrain = in.text(iTerrain, k);
                    const auto pop = in.number(iPop, k);
                    v.population = static_cast<long long>(pop.value_or(0));
                    v.populationKnown = pop.has_value();
                    const auto hh = in.number(iHh, k);
                    v.households = static_cast<long long>(hh.value_or(0));
                    v.householdsKnown = hh.has_value();
                    v.tapWaterRate = in.number(iTap, k);
                    v.sanitaryToiletRate = in.number(iToilet, k);
                    if (auto h = in.number(iRoad, k)) v.hardenedRoad = static_cast<int>(*h);
                    if (auto h = in.number(iPlan, k)) v.hasVillagePlan = static_cast<int>(*h);
                    v.hasPoint = wkbPoint(in.wkb(k), v.at.x, v.at.y);
                }
            }
            l.SetAttributeFilter(nullptr);
            return out;
        }
    }
    // Feature by feature, for a driver without an Arrow stream.
    std::vector<const char*> ignored;
    for (int i = 0; i < l.GetLayerDefn()->GetFieldCount(); ++i) {
        const char* name = l.GetLayerDefn()->GetFieldDefn(i)->GetNameRef();
        if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) ignored.push_back(name);
    }
    ignored.push_back(nullptr);
    l.SetIgnoredFields(ignored.data());
    const Fields fi(l);
    const int iCode = fi["code"], iName = fi["name"], iTown = fi["township_code"], iStatus = fi["status"], iTerrain = fi["terrain"],
              iPop = fi["population"], iHh = fi["households"], iTap = fi["tap_water_rate"], iToilet = fi["sanitary_toilet_rate"],
              iRoad = fi["hardened_road"], iPlan = fi["has_village_plan"];
    l.ResetReading();
    for (auto& f : l) {
        Village v;
        v.fid = f->GetFID();
        v.code = str(*f, iCode);
        v.name = str(*f, iName);
        v.townshipCode = str(*f, iTown);
        v.status = str(*f, iStatus);
        v.terrain = str(*f, iTerrain);
        const auto pop = optReal(*f, iPop);
        v.population = static_cast<long long>(pop.value_or(0));
        v.populationKnown = pop.has_value();
        const auto hh = optReal(*f, iHh);
        v.households = static_cast<long long>(hh.value_or(0));
        v.householdsKnown = hh.has_value();
        v.tapWaterRate = optReal(*f, iTap);
        v.sanitaryToiletRate = optReal(*f, iToilet);
        if (auto h = optReal(*f, iRoad)) v.hardenedRoad = static_cast<int>(*h);
        if (auto h = optReal(*f, iPlan)) v.hasVillagePlan = static_cast<int>(*h);
        const OGRGeometry* g = f->GetGeometryRef();
        if (g && !g->IsEmpty() && wkbFlatten(g->getGeometryType()) == ::wkbPoint) {
            v.hasPoint = true;
            v.at = {g->toPoint()->getX(), g->toPoint()->getY()};
        }
        out.push_back(std::move(v));
    }
    l.SetIgnoredFields(nullptr);
    l.SetAttributeFilter(nullptr);
    return out;
}

// A server table comes in its storage order, which edits change: records in feature-id order,
// as a file's come (`ids` holds each record's feature id).
template <class T>
std::vector<T> inIdOrder(Project& project, std::vector<T> v, const std::vector<long long>& ids) {
    if (!project.isServer() || ids.size() != v.size() || std::is_sorted(ids.begin(), ids.end())) return v;
    std::vector<std::size_t> order(v.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
    std::vector<T> out;
    out.reserve(v.size());
    for (std::size_t i : order) out.push_back(std::move(v[i]));
    return out;
}

std::vector<Facility> loadFacilities(Project& project, const std::string& kind, const std::vector<std::string>& statuses,
                                     const FidRange* range) {
    std::vector<Facility> out;
    std::vector<long long> ids;  // each record's feature id, to put a server's rows in id order
    OGRLayer& l = project.layer("facilities");
    // Room for every facility of the slice: pages never written are never touched, and growing
    // the vector would copy every record and fault in twice the memory.
    out.reserve(expectedCount(l, range));
    std::string quoted;
    for (char c : kind) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    applyFilter(l, sliceFilter(l, range, kind.empty() ? std::string() : "kind = '" + quoted + "'"));
    auto wanted = [&](const std::string& status) {
        return statuses.empty() ||
               std::find(statuses.begin(), statuses.end(), status.empty() ? std::string("existing") : status) != statuses.end();
    };
    {
        ArrowLayerReader in(l, {"id", "name", "kind", "status", "village_code", "capacity"}, project.isServer());
        if (in.ok()) {
            const int iStatus = in.column("status"), iId = in.column("id"), iName = in.column("name"), iKind = in.column("kind"),
                      iVillage = in.column("village_code"), iCap = in.column("capacity");
            while (in.next()) {
                for (std::size_t k = 0; k < in.size(); ++k) {
                    Facility r;
                    r.status = in.text(iStatus, k);
                    if (!wanted(r.status) || !wkbPoint(in.wkb(k), r.at.x, r.at.y)) continue;
                    r.id = in.text(iId, k);
                    r.name = in.text(iName, k);
                    r.kind = in.text(iKind, k);
                    r.villageCode = in.text(iVillage, k);
                    r.capacity = static_cast<long long>(in.number(iCap, k).value_or(0));
                    out.push_back(std::move(r));
                    ids.push_back(in.fid(k));
                }
            }
            l.SetAttributeFilter(nullptr);
            return inIdOrder(project, std::move(out), ids);
        }
    }
    const Fields fi(l);
    const int iStatus = fi["status"], iId = fi["id"], iName = fi["name"], iKind = fi["kind"], iVillage = fi["village_code"],
              iCap = fi["capacity"];
    l.ResetReading();
    for (auto& f : l) {
        Facility r;
        r.status = str(*f, iStatus);
        if (!wanted(r.status)) continue;
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty() || wkbFlatten(g->getGeometryType()) != ::wkbPoint) continue;
        r.id = str(*f, iId);
        r.name = str(*f, iName);
        r.kind = str(*f, iKind);
        r.villageCode = str(*f, iVillage);
        r.capacity = static_cast<long long>(optReal(*f, iCap).value_or(0));
        r.at = {g->toPoint()->getX(), g->toPoint()->getY()};
        out.push_back(std::move(r));
        ids.push_back(f->GetFID());
    }
    l.SetAttributeFilter(nullptr);
    return inIdOrder(project, std::move(out), ids);
}

std::vector<Road> loadRoads(Project& project, const FidRange* range) {
    std::vector<Road> out;
    std::vector<long long> ids;
    OGRLayer& l = project.layer("roads");
    out.reserve(expectedCount(l, range));
    applyFilter(l, sliceFilter(l, range));
    {
        ArrowLayerReader in(l, {"class", "surface", "speed_kmh", "oneway"}, project.isServer());
        if (in.ok()) {
            const int iClass = in.column("class"), iSurface = in.column("surface"), iSpeed = in.column("speed_kmh"),
                      iOneway = in.column("oneway");
            while (in.next()) {
                for (std::size_t k = 0; k < in.size(); ++k) {
                    const auto wkb = in.wkb(k);
                    if (wkb.empty()) continue;
                    wkbLines(wkb, [&](const double* xy, std::size_t n) {
                        if (n < 2) return;
                        Road& r = out.emplace_back();
                        r.cls = in.text(iClass, k);
                        r.surface = in.text(iSurface, k);
                        r.speedKmh = in.number(iSpeed, k).value_or(0);
                        r.oneway = in.number(iOneway, k).value_or(0) != 0;
                        r.line.resize(n);
                        for (std::size_t i = 0; i < n; ++i) r.line[i] = {xy[2 * i], xy[2 * i + 1]};
                        ids.push_back(in.fid(k));
                    });
                }
            }
            l.SetAttributeFilter(nullptr);
            return inIdOrder(project, std::move(out), ids);
        }
    }
    const Fields fi(l);
    const int iClass = fi["class"], iSurface = fi["surface"], iSpeed = fi["speed_kmh"], iOneway = fi["oneway"];
    l.ResetReading();
    for (auto& f : l) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        auto addLine = [&](const OGRLineString* ls) {
            Road r;
            r.cls = str(*f, iClass);
            r.surface = str(*f, iSurface);
            r.speedKmh = optReal(*f, iSpeed).value_or(0);
            r.oneway = optReal(*f, iOneway).value_or(0) != 0;
            r.line.reserve(static_cast<std::size_t>(ls->getNumPoints()));
            for (int i = 0; i < ls->getNumPoints(); ++i) r.line.push_back({ls->getX(i), ls->getY(i)});
            if (r.line.size() >= 2) {
                out.push_back(std::move(r));
                ids.push_back(f->GetFID());
            }
        };
        const auto t = wkbFlatten(g->getGeometryType());
        if (t == wkbLineString)
            addLine(g->toLineString());
        else if (t == wkbMultiLineString)
            for (const auto* part : *g->toMultiLineString()) addLine(part);
    }
    l.SetAttributeFilter(nullptr);
    return out;
}

// A small layer read whole: from a server, in id order (a result set, released with this).
class WholeLayer {
public:
    WholeLayer(Project& project, const char* name) : m_ds(project.dataset()), m_layer(project.findLayer(name)) {
        if (m_layer && project.isServer()) {
            m_result = m_ds.ExecuteSQL((std::string("SELECT * FROM ") + name + " ORDER BY fid").c_str(), nullptr, nullptr);
            if (!m_result) throw DataError({project.path(), name}, "cannot read the layer: " + lastGdalError());
            m_layer = m_result;
        }
    }
    ~WholeLayer() {
        if (m_result) m_ds.ReleaseResultSet(m_result);
    }
    OGRLayer* get() const { return m_layer; }

private:
    GDALDataset& m_ds;
    OGRLayer* m_layer = nullptr;
    OGRLayer* m_result = nullptr;
};

std::vector<std::vector<XY>> loadRivers(Project& project) {
    std::vector<std::vector<XY>> out;
    WholeLayer whole(project, "rivers");
    OGRLayer* l = whole.get();
    if (!l) return out;
    l->ResetReading();
    for (auto& f : *l) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || wkbFlatten(g->getGeometryType()) != wkbLineString) continue;
        const OGRLineString* ls = g->toLineString();
        std::vector<XY> line;
        for (int i = 0; i < ls->getNumPoints(); ++i) line.push_back({ls->getX(i), ls->getY(i)});
        out.push_back(std::move(line));
    }
    return out;
}

std::optional<Raster> loadDem(const std::string& projectPath) {
    initGdal();
    std::string name = "GPKG:" + projectPath + ":dem";
    std::string tiff;  // a server project's DEM, held in memory while it is read
    if (server::isServer(projectPath)) {
        tiff = server::demFromServer(projectPath);
        if (tiff.empty()) return std::nullopt;
        name = "/vsimem/ruralatlas_dem_" + std::to_string(reinterpret_cast<std::uintptr_t>(&tiff)) + ".tif";
        VSIFCloseL(VSIFileFromMemBuffer(name.c_str(), reinterpret_cast<GByte*>(tiff.data()), tiff.size(), FALSE));
    }
    struct Unlink {
        const std::string& n;
        bool mem;
        ~Unlink() {
            if (mem) VSIUnlink(n.c_str());
        }
    } unlink{name, !tiff.empty()};
    GDALDatasetH ds = GDALOpenEx(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!ds) return std::nullopt;
    Raster r;
    double gt[6];
    GDALGetGeoTransform(ds, gt);
    r.x0 = gt[0];
    r.y1 = gt[3];
    r.cell = gt[1];
    r.width = GDALGetRasterXSize(ds);
    r.height = GDALGetRasterYSize(ds);
    if (std::fabs(gt[1] + gt[5]) > 1e-9 || gt[2] != 0 || gt[4] != 0) {
        GDALClose(ds);
        throw DataError({projectPath, "dem"}, "the DEM must be north-up with square cells");
    }
    r.z.resize(static_cast<std::size_t>(r.width) * r.height);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    int hasNodata = 0;
    const double nd = GDALGetRasterNoDataValue(b, &hasNodata);
    if (hasNodata) r.nodata = static_cast<float>(nd);
    const CPLErr err = GDALRasterIO(b, GF_Read, 0, 0, r.width, r.height, r.z.data(), r.width, r.height, GDT_Float32, 0, 0);
    GDALClose(ds);
    if (err != CE_None) throw DataError({projectPath, "dem"}, "cannot read the DEM: " + lastGdalError());
    return r;
}

std::vector<Standard> loadStandards(Project& project) {
    std::vector<Standard> out;
    WholeLayer whole(project, "standards");
    OGRLayer* l = whole.get();
    if (!l) return out;
    l->ResetReading();
    for (auto& f : *l) {
        Standard s;
        s.id = str(*f, "id");
        s.kind = str(*f, "kind");
        s.rule = str(*f, "rule");
        s.measure = str(*f, "measure");
        s.mode = str(*f, "mode");
        s.threshold = optReal(*f, "threshold");
        s.title = str(*f, "title");
        s.source = str(*f, "source");
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<Township> loadTownships(Project& project) {
    std::vector<Township> out;
    WholeLayer whole(project, "townships");
    OGRLayer* l = whole.get();
    if (!l) return out;
    l->ResetReading();
    for (auto& f : *l) out.push_back({str(*f, "code"), str(*f, "name")});
    return out;
}

// Where to cut a layer into `parts` slices by feature id: the first feature's id and the feature
// count (both cheap in a GeoPackage: the start of the rowid b-tree, gpkg_ogr_contents). Ids with
// gaps only unbalance the slices; the first and last slices are open-ended, so none is missed.
std::vector<FidRange> fidSlices(Project& project, const std::string& layer, int parts) {
    OGRLayer* l = project.findLayer(layer);
    if (!l || parts < 2 || !l->GetFIDColumn() || !*l->GetFIDColumn()) return {};
    const GIntBig count = l->GetFeatureCount(FALSE);
    if (count < 1000) return {};
    l->ResetReading();
    FeaturePtr first{l->GetNextFeature()};
    l->ResetReading();
    if (!first) return {};
    const long long lo = first->GetFID();
    std::vector<FidRange> out;
    for (int k = 0; k < parts; ++k)
        out.push_back({k == 0 ? std::numeric_limits<long long>::min() : lo + count * k / parts,
                       k == parts - 1 ? std::numeric_limits<long long>::max() : lo + count * (k + 1) / parts, count / parts + 1});
    return out;
}

}  // namespace

GpkgSource::GpkgSource(const std::string& path)
    : m_owned(std::make_unique<Project>(Project::open(path, false))), m_project(m_owned.get()) {}
GpkgSource::GpkgSource(Project& project) : m_project(&project) {}
GpkgSource::~GpkgSource() = default;

std::unique_ptr<ProjectSource> GpkgSource::connect() const { return std::make_unique<GpkgSource>(m_project->path()); }

bool GpkgSource::hasLayer(const std::string& layer) { return m_project->findLayer(layer) != nullptr; }

long long GpkgSource::featureCount(const std::string& layer) {
    OGRLayer* l = m_project->findLayer(layer);
    return l ? std::max<GIntBig>(0, l->GetFeatureCount(FALSE)) : 0;
}

std::vector<FidRange> GpkgSource::slices(const std::string& layer, int parts) { return fidSlices(*m_project, layer, parts); }

std::vector<Village> GpkgSource::readVillages(VillageFields fields, const FidRange* range) {
    auto v = loadVillages(*m_project, fields, range);
    if (m_project->isServer()) std::stable_sort(v.begin(), v.end(), [](const Village& a, const Village& b) { return a.fid < b.fid; });
    return v;
}

std::vector<Facility> GpkgSource::readFacilities(const std::string& kind, const std::vector<std::string>& statuses, const FidRange* range) {
    return loadFacilities(*m_project, kind, statuses, range);
}

std::vector<Road> GpkgSource::readRoads(const FidRange* range) { return loadRoads(*m_project, range); }
std::vector<std::vector<XY>> GpkgSource::rivers() { return loadRivers(*m_project); }
std::optional<Raster> GpkgSource::dem() { return loadDem(m_project->path()); }

std::vector<std::string> GpkgSource::gridNames() {
    if (server::isServer(m_project->path()))
        return server::demFromServer(m_project->path()).empty() ? std::vector<std::string>{} : std::vector<std::string>{"dem"};
    return gpkgGridNames(m_project->dataset());
}

std::optional<ResultGrid> GpkgSource::readGrid(const std::string& grid) {
    if (!server::isServer(m_project->path())) return readGpkgGrid(m_project->path(), grid);
    if (grid != "dem") return std::nullopt;
    std::optional<Raster> dem = loadDem(m_project->path());
    if (!dem) return std::nullopt;
    ResultGrid g;
    g.name = "dem";
    g.x0 = dem->x0;
    g.y1 = dem->y1;
    g.cell = dem->cell;
    g.width = dem->width;
    g.height = dem->height;
    g.values = std::move(dem->z);
    for (float& v : g.values)
        if (v == dem->nodata || !std::isfinite(v)) v = NAN;
    return g;
}
std::vector<Standard> GpkgSource::standards() { return loadStandards(*m_project); }
std::vector<Township> GpkgSource::townships() { return loadTownships(*m_project); }

std::unique_ptr<ProjectSource> openProjectSource(const std::string& project) { return std::make_unique<GpkgSource>(project); }

}  // namespace ruralatlas::io
