#include "analysis/project_data.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace ruralatlas::analysis {

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
}  // namespace

std::vector<VillageRec> loadVillages(io::Project& project) {
    std::vector<VillageRec> out;
    OGRLayer& l = project.layer("villages");
    out.reserve(static_cast<std::size_t>(std::max<GIntBig>(0, l.GetFeatureCount())));
    // Fetch only what analyses use (GDAL then selects fewer columns).
    const char* ignored[] = {"class_code", "plan_type", "poor_households", "monitored_households", "collective_income", "elevation_m", nullptr};
    l.SetIgnoredFields(ignored);
    const Fields fi(l);
    const int iCode = fi["code"], iName = fi["name"], iTown = fi["township_code"], iStatus = fi["status"], iTerrain = fi["terrain"],
              iPop = fi["population"], iHh = fi["households"], iTap = fi["tap_water_rate"], iToilet = fi["sanitary_toilet_rate"],
              iRoad = fi["hardened_road"], iPlan = fi["has_village_plan"];
    l.ResetReading();
    for (auto& f : l) {
        VillageRec v;
        v.fid = f->GetFID();
        v.code = str(*f, iCode);
        v.name = str(*f, iName);
        v.townshipCode = str(*f, iTown);
        v.status = str(*f, iStatus);
        v.terrain = str(*f, iTerrain);
        v.population = static_cast<long long>(optReal(*f, iPop).value_or(0));
        v.households = static_cast<long long>(optReal(*f, iHh).value_or(0));
        v.tapWaterRate = optReal(*f, iTap);
        v.sanitaryToiletRate = optReal(*f, iToilet);
        if (auto h = optReal(*f, iRoad)) v.hardenedRoad = static_cast<int>(*h);
        if (auto h = optReal(*f, iPlan)) v.hasVillagePlan = static_cast<int>(*h);
        const OGRGeometry* g = f->GetGeometryRef();
        if (g && !g->IsEmpty() && wkbFlatten(g->getGeometryType()) == wkbPoint) {
            v.hasPoint = true;
            v.at = {g->toPoint()->getX(), g->toPoint()->getY()};
        }
        out.push_back(std::move(v));
    }
    l.SetIgnoredFields(nullptr);
    return out;
}

std::vector<FacilityRec> loadFacilities(io::Project& project, const std::string& kind, const std::vector<std::string>& statuses) {
    std::vector<FacilityRec> out;
    OGRLayer& l = project.layer("facilities");
    std::string filter = "kind = '" + kind + "'";
    l.SetAttributeFilter(kind.empty() ? nullptr : filter.c_str());
    const Fields fi(l);
    const int iStatus = fi["status"], iId = fi["id"], iName = fi["name"], iKind = fi["kind"], iVillage = fi["village_code"], iCap = fi["capacity"];
    l.ResetReading();
    for (auto& f : l) {
        FacilityRec r;
        r.status = str(*f, iStatus);
        const std::string effective = r.status.empty() ? "existing" : r.status;
        if (!statuses.empty() && std::find(statuses.begin(), statuses.end(), effective) == statuses.end()) continue;
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty() || wkbFlatten(g->getGeometryType()) != wkbPoint) continue;
        r.id = str(*f, iId);
        r.name = str(*f, iName);
        r.kind = str(*f, iKind);
        r.villageCode = str(*f, iVillage);
        r.capacity = static_cast<long long>(optReal(*f, iCap).value_or(0));
        r.at = {g->toPoint()->getX(), g->toPoint()->getY()};
        out.push_back(std::move(r));
    }
    l.SetAttributeFilter(nullptr);
    return out;
}

std::vector<RoadRec> loadRoads(io::Project& project) {
    std::vector<RoadRec> out;
    OGRLayer& l = project.layer("roads");
    const Fields fi(l);
    const int iClass = fi["class"], iSurface = fi["surface"], iSpeed = fi["speed_kmh"], iOneway = fi["oneway"];
    l.ResetReading();
    for (auto& f : l) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        auto addLine = [&](const OGRLineString* ls) {
            RoadRec r;
            r.cls = str(*f, iClass);
            r.surface = str(*f, iSurface);
            r.speedKmh = optReal(*f, iSpeed).value_or(0);
            r.oneway = optReal(*f, iOneway).value_or(0) != 0;
            r.line.reserve(static_cast<std::size_t>(ls->getNumPoints()));
            for (int i = 0; i < ls->getNumPoints(); ++i) r.line.push_back({ls->getX(i), ls->getY(i)});
            if (r.line.size() >= 2) out.push_back(std::move(r));
        };
        const auto t = wkbFlatten(g->getGeometryType());
        if (t == wkbLineString) addLine(g->toLineString());
        else if (t == wkbMultiLineString)
            for (const auto* part : *g->toMultiLineString()) addLine(part);
    }
    return out;
}

std::vector<std::vector<XY>> loadRivers(io::Project& project) {
    std::vector<std::vector<XY>> out;
    OGRLayer* l = project.findLayer("rivers");
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

Raster loadDem(const std::string& projectPath) {
    io::initGdal();
    const std::string name = "GPKG:" + projectPath + ":dem";
    GDALDatasetH ds = GDALOpenEx(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!ds) throw DataError({projectPath, "dem"}, "the project has no DEM raster (needed for walking time): import one or use --mode straight|road");
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
    if (err != CE_None) throw DataError({projectPath, "dem"}, "cannot read the DEM: " + io::lastGdalError());
    return r;
}

std::vector<Standard> loadStandards(io::Project& project) {
    std::vector<Standard> out;
    OGRLayer* l = project.findLayer("standards");
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

std::vector<std::pair<std::string, std::string>> loadTownships(io::Project& project) {
    std::vector<std::pair<std::string, std::string>> out;
    OGRLayer* l = project.findLayer("townships");
    if (!l) return out;
    l->ResetReading();
    for (auto& f : *l) out.emplace_back(str(*f, "code"), str(*f, "name"));
    return out;
}

std::vector<std::string> statusesFor(const std::string& choice) {
    if (choice == "existing") return {"existing"};
    if (choice == "planned") return {"existing", "under_construction", "planned"};
    return {};
}

}  // namespace ruralatlas::analysis
