#include "io/exporter.hpp"

#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "core/schema.hpp"
#include "io/proj_transform.hpp"
#include "io/project.hpp"

namespace ruralatlas::io {

namespace fs = std::filesystem;

namespace {
struct Format {
    const char* driver;
    bool lonLatColumns;  // add lon/lat (CGCS2000 ≈ WGS84 degrees) for point layers
};

Format formatFor(const std::string& out) {
    const std::string ext = extensionOf(out);
    if (ext == "gpkg") return {"GPKG", false};
    if (ext == "shp") return {"ESRI Shapefile", false};
    if (ext == "geojson" || ext == "json") return {"GeoJSON", false};
    if (ext == "csv") return {"CSV", true};
    if (ext == "xlsx") return {"XLSX", true};
    throw UsageError("--out " + out + ": unknown format (use .gpkg, .shp, .geojson, .csv or .xlsx)");
}

// Households aggregated per village: counts below kMinHouseholdsShown are suppressed.
struct Aggregate {
    long long households = 0, monitored = 0, members = 0;
};
}  // namespace

// Long on purpose: one export is one pass from the project layer to the output driver with its
// format-specific options (encoding, CRS, personal-data check) and the atomic file.
ExportReport exportLayer(const std::string& projectPath, const std::string& layerName, const std::string& out, Feedback& feedback) {
    initGdal();
    const Format fmt = formatFor(out);
    Project project = Project::open(projectPath, false);
    OGRLayer& in = project.layer(layerName);
    const LayerDef* def = findLayer(layerName);
    const bool personal = def && def->personal;
    ExportReport report;
    report.format = fmt.driver;
    report.aggregated = personal;

    // Shapefiles are several files: write them into a temp folder and move them over at the end.
    const fs::path target(out);
    const fs::path tmpDir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const fs::path tmp = tmpDir / ("." + target.stem().string() + ".tmp-export");
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } cleanup{tmp};
    const std::string tmpOut = (tmp / target.filename()).string();

    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(fmt.driver);
    if (!drv) throw DataError({out}, std::string("GDAL lacks the ") + fmt.driver + " driver");
    DatasetPtr ds(drv->Create(tmpOut.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw DataError({out}, "cannot create: " + lastGdalError());

    CPLStringList lco;
    const std::string fmtName = fmt.driver;
    if (fmtName == "ESRI Shapefile") lco.SetNameValue("ENCODING", "UTF-8");
    if (fmtName == "GeoJSON") lco.SetNameValue("RFC7946", "YES");  // reprojects to WGS84 lon/lat
    if (fmtName == "CSV") {
        lco.SetNameValue("GEOMETRY", in.GetGeomType() == wkbPoint || in.GetGeomType() == wkbNone || personal ? "NONE" : "AS_WKT");
        lco.SetNameValue("WRITE_BOM", "YES");  // so Excel opens the UTF-8 Chinese correctly
    }
    if (fmtName == "GPKG") {
        if (def) lco.SetNameValue("IDENTIFIER", std::string(def->titleZh).c_str());
    }

    const bool point = in.GetGeomType() == wkbPoint && !personal;
    const bool writeGeometry = !personal && in.GetGeomType() != wkbNone && fmtName != "XLSX";
    OGRSpatialReference crs = project.crs();
    OGRLayer* outLayer =
        ds->CreateLayer(layerName.c_str(), writeGeometry ? &crs : nullptr, writeGeometry ? in.GetGeomType() : wkbNone, lco.List());
    if (!outLayer) throw DataError({out, layerName}, "cannot create layer: " + lastGdalError());

    if (personal) {
        // Only aggregates leave the database.
        for (const char* name : {"village_code", "households", "monitored_households", "members"}) {
            OGRFieldDefn fd(name, std::string(name) == "village_code" ? OFTString : OFTInteger64);
            outLayer->CreateField(&fd);
        }
        // Every personal layer has one household per row and its village_code; the household
        // ledger tells monitored and members, a visit list its group.
        OGRFeatureDefn* inDefn = in.GetLayerDefn();
        const int iVillage = inDefn->GetFieldIndex("village_code"), iMonitored = inDefn->GetFieldIndex("monitored"),
                  iMembers = inDefn->GetFieldIndex("members"), iGroup = inDefn->GetFieldIndex("visit_group");
        if (iVillage < 0)
            throw DataError({projectPath, layerName, "", "village_code"}, "personal data without village codes cannot be aggregated");
        std::map<std::string, Aggregate> byVillage;
        for (auto& f : in) {
            Aggregate& a = byVillage[f->GetFieldAsString(iVillage)];
            ++a.households;
            if (iMonitored >= 0) a.monitored += f->GetFieldAsInteger64(iMonitored);
            if (iGroup >= 0) a.monitored += std::string(f->GetFieldAsString(iGroup)) == "monitored";
            if (iMembers >= 0) a.members += f->GetFieldAsInteger64(iMembers);
        }
        if (ds->StartTransaction() != OGRERR_NONE) { /* drivers without transactions */
        }
        for (const auto& [code, a] : byVillage) {
            FeaturePtr f(OGRFeature::CreateFeature(outLayer->GetLayerDefn()));
            f->SetField("village_code", code.c_str());
            if (a.households >= kMinHouseholdsShown) {
                f->SetField("households", static_cast<GIntBig>(a.households));
                if (iMembers >= 0) f->SetField("members", static_cast<GIntBig>(a.members));
            } else {
                ++report.suppressed;
            }
            if (a.monitored >= kMinHouseholdsShown)
                f->SetField("monitored_households", static_cast<GIntBig>(a.monitored));
            else if (a.monitored > 0)
                ++report.suppressed;
            if (outLayer->CreateFeature(f.get()) != OGRERR_NONE) throw DataError({out, layerName}, lastGdalError());
            ++report.features;
        }
        ds->CommitTransaction();
    } else {
        OGRFeatureDefn* inDefn = in.GetLayerDefn();
        for (int i = 0; i < inDefn->GetFieldCount(); ++i) {
            OGRFieldDefn fd(inDefn->GetFieldDefn(i));
            fd.SetDomainName("");
            if (outLayer->CreateField(&fd) != OGRERR_NONE) throw DataError({out, layerName, "", fd.GetNameRef()}, lastGdalError());
        }
        std::unique_ptr<ToLonLat> lonLat;
        if (point && fmt.lonLatColumns) {
            for (const char* name : {"lon", "lat"}) {
                OGRFieldDefn fd(name, OFTReal);
                fd.SetPrecision(7);
                outLayer->CreateField(&fd);
            }
            lonLat = std::make_unique<ToLonLat>(project.epsg());
        }
        OGRFeatureDefn* outDefn = outLayer->GetLayerDefn();
        std::vector<int> map(static_cast<std::size_t>(inDefn->GetFieldCount()));
        for (int i = 0; i < inDefn->GetFieldCount(); ++i)
            map[static_cast<std::size_t>(i)] = outDefn->GetFieldIndex(outDefn->GetFieldDefn(i)->GetNameRef());
        const int lonIdx = outDefn->GetFieldIndex("lon"), latIdx = outDefn->GetFieldIndex("lat");
        const GIntBig total = std::max<GIntBig>(1, in.GetFeatureCount());
        ds->StartTransaction();
        in.ResetReading();
        for (auto& f : in) {
            FeaturePtr o(OGRFeature::CreateFeature(outDefn));
            for (int i = 0; i < inDefn->GetFieldCount(); ++i) {
                if (!f->IsFieldSetAndNotNull(i)) continue;
                o->SetField(i, f->GetRawFieldRef(i));
            }
            const OGRGeometry* g = f->GetGeometryRef();
            if (g && writeGeometry) o->SetGeometry(g);
            if (lonLat && g && wkbFlatten(g->getGeometryType()) == wkbPoint) {
                double x = g->toPoint()->getX(), y = g->toPoint()->getY();
                if (lonLat->transform(x, y)) {
                    o->SetField(lonIdx, x);
                    o->SetField(latIdx, y);
                }
            }
            if (outLayer->CreateFeature(o.get()) != OGRERR_NONE)
                throw DataError({out, layerName, std::to_string(f->GetFID())}, lastGdalError());
            if (++report.features % 4096 == 0) {
                feedback.checkCancelled();
                feedback.setProgress(static_cast<double>(report.features) / total, "writing");
            }
        }
        ds->CommitTransaction();
    }
    ds.reset();
    // Move every file the driver wrote (x.shp, x.shx, x.dbf, x.prj, x.cpg) into place.
    for (const auto& entry : fs::directory_iterator(tmp)) {
        const fs::path dest = (target.parent_path().empty() ? fs::path(".") : target.parent_path()) / entry.path().filename();
        fs::rename(entry.path(), dest);
    }
    return report;
}

}  // namespace ruralatlas::io
