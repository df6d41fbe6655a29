#include "io/county_builder.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <geos_c.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/admin_code.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/gcj02.hpp"
#include "io/county_codes.hpp"
#include "io/proj_transform.hpp"
#include "io/project.hpp"

namespace ruralatlas::io {

namespace fs = std::filesystem;

namespace {
// One CSV record: commas separate, double quotes protect (as in the china-division files).
std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"')
                quoted = false;
            else
                cur += c;
        } else if (c == '"')
            quoted = true;
        else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r')
            cur += c;
    }
    out.push_back(cur);
    return out;
}

// The records of a CSV (plain, or gzip-compressed when the name ends in .gz); with `prefix`,
// only records whose line starts with it (the code column comes first), so that the national
// village list (620,000 lines) is split only where it matters.
std::vector<std::vector<std::string>> readCsv(const fs::path& path, bool header, const std::string& prefix = {}) {
    const std::string name = path.string();
    const bool gz = name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0;
    VSILFILE* f = VSIFOpenL((gz ? "/vsigzip/" + name : name).c_str(), "rb");
    if (!f) throw DataError({name}, "cannot read the file");
    std::vector<std::vector<std::string>> rows;
    bool first = true;
    while (const char* raw = CPLReadLineL(f)) {
        std::string line(raw);
        if (first && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
        if (first && header) {
            first = false;
            continue;
        }
        first = false;
        if (line.empty()) continue;
        if (!prefix.empty()) {
            const std::size_t at = line[0] == '"' ? 1 : 0;
            if (line.compare(at, prefix.size(), prefix) != 0) continue;
        }
        rows.push_back(splitCsv(line));
    }
    VSIFCloseL(f);
    return rows;
}

// The first of `names` that exists in `dir`, else the first name (reported missing later).
fs::path firstExisting(const fs::path& dir, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (fs::exists(dir / n)) return dir / n;
    return dir / *names.begin();
}

struct Place {
    std::string code, name, parent, urClass;
    std::optional<LonLat> gcj;
};

std::optional<LonLat> lonLat(const std::string& lon, const std::string& lat) {
    if (lon.empty() || lat.empty()) return std::nullopt;
    char* e1 = nullptr;
    char* e2 = nullptr;
    const double x = std::strtod(lon.c_str(), &e1), y = std::strtod(lat.c_str(), &e2);
    if (*e1 || *e2 || !std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
    return LonLat{x, y};
}

// Names in the 2016 and 2023 lists differ in suffixes ("村委会" vs "村"): compare the stem.
std::string nameStem(std::string n) {
    for (const char* s : {"居民委员会", "村民委员会", "村委会", "居委会", "委员会"}) {
        const std::string suf(s);
        if (n.size() > suf.size() && n.compare(n.size() - suf.size(), suf.size(), suf) == 0) {
            n.erase(n.size() - suf.size());
            break;
        }
    }
    const std::string community = "社区";  // 龙潭居委会 (2016) and 龙潭社区居民委员会 (2023) are one place
    if (n.size() > community.size() && n.compare(n.size() - community.size(), community.size(), community) == 0)
        n.erase(n.size() - community.size());
    return n;
}
}  // namespace

// Long on purpose: a real county built from the code list in one transaction (townships, villages,
// their located seats, the outline), each step reading what the previous wrote.
CountyBuildReport buildCountyFromCodes(const std::string& county, const std::string& dataDir, const std::string& out, Feedback& feedback,
                                       const FinishFile& finish) {
    initGdal();
    if (auto p = checkAdminCode(county, AdminLevel::County); p != CodeProblem::Ok)
        throw UsageError("--county " + county + ": " + describe(p, AdminLevel::County));
    const fs::path dir(dataDir);
    // The national lists (any county) are gzip-compressed; a folder may also hold plain extracts.
    const fs::path cd = dir / "china-division";
    const fs::path areas = firstExisting(cd, {"areas.csv", "areas.csv.gz"});
    const fs::path streets = firstExisting(cd, {"streets.csv.gz", "streets.csv"});
    fs::path villages = firstExisting(cd, {"villages.csv", "villages_national.csv.gz"});
    for (const auto& p : {areas, streets, villages})
        if (!fs::exists(p))
            throw DataError({p.string()}, "missing: DIR must have the layout of shared/data/real (china-division/, vonng-adcode/)");
    CountyBuildReport report;

    // 2023 codes.
    for (const auto& r : readCsv(areas, true))
        if (r.size() >= 2 && r[0] == county) report.countyName = r[1];
    if (report.countyName.empty()) throw DataError({areas.string(), "", county}, "county " + county + " is not in the 2023 code list");
    std::vector<Place> towns2023, villages2023;
    for (const auto& r : readCsv(streets, true, county))
        if (r.size() >= 3 && r[2] == county) towns2023.push_back({r[0], r[1], county, "", std::nullopt});
    for (const auto& r : readCsv(villages, true, county))
        if (r.size() >= 6 && r[5] == county) villages2023.push_back({r[0], r[1], r[2], "", std::nullopt});
    // A provincial extract without this county: the national list, when the folder has it.
    if (villages2023.empty() && villages.filename() != "villages_national.csv.gz" && fs::exists(cd / "villages_national.csv.gz")) {
        villages = cd / "villages_national.csv.gz";
        for (const auto& r : readCsv(villages, true, county))
            if (r.size() >= 6 && r[5] == county) villages2023.push_back({r[0], r[1], r[2], "", std::nullopt});
    }
    if (villages2023.empty())
        throw DataError({villages.string(), "", county},
                        "no village of county " + county + " in the 2023 village list (it may hold only some provinces)");
    feedback.setProgress(0.1, "2016 codes");

    // 2016 codes with class and GCJ-02 points.
    std::map<std::string, Place> towns2016, villages2016;
    std::optional<LonLat> countyCentre;
    const fs::path adcode = dir / "vonng-adcode" / "adcode" / (county + ".csv");
    if (fs::exists(adcode)) {
        for (const auto& r : readCsv(adcode, false)) {
            if (r.size() < 14) continue;
            const std::string& level = r[3];
            Place p{r[0], r[2], r[1], r[8], lonLat(r[12], r[13])};
            if (level == "county")
                countyCentre = p.gcj;
            else if (level == "town")
                towns2016[r[0].substr(0, 9)] = p;
            else if (level == "village")
                villages2016[r[0]] = p;
        }
    } else {
        report.notes.push_back("no 2016 file " + adcode.string() + ": no points and no urban-rural class");
    }

    // Outline.
    std::unique_ptr<OGRGeometry> outline;
    const fs::path fence = dir / "vonng-adcode" / "fences" / (county + ".json");
    if (fs::exists(fence)) {
        std::ifstream in(fence);
        std::stringstream ss;
        ss << in.rdbuf();
        OGRGeometry* g = OGRGeometryFactory::createFromGeoJson(ss.str().c_str());
        if (!g) throw DataError({fence.string()}, "the fence is not a GeoJSON geometry");
        outline.reset(OGRGeometryFactory::forceToMultiPolygon(g));
        if (!countyCentre) {
            OGRPoint c;
            outline->Centroid(&c);
            countyCentre = LonLat{c.getX(), c.getY()};
        }
    } else {
        report.notes.push_back("no county outline " + fence.string());
    }
    if (!countyCentre) {
        for (const auto& [k, v] : villages2016)
            if (v.gcj) {
                countyCentre = v.gcj;
                break;
            }
    }
    if (countyCentre) {
        report.epsg = gaussKrugerEpsgForLongitude(gcj02ToWgs84(*countyCentre).lon);
    } else if (auto lon = countyLongitude(county)) {
        // No points and no outline here: the zone from the national county list.
        report.epsg = gaussKrugerEpsgForLongitude(*lon);
        report.notes.push_back("no points and no outline for this county in " + dataDir +
                               ": villages have no location and townships no area until imported; the Gauss-Krüger zone comes from "
                               "the national county list");
    } else {
        throw DataError({adcode.string()}, "no coordinate for the county: cannot choose its Gauss-Krüger zone");
    }
    CrsTransform toProject("gcj02", report.epsg);
    if (outline) {
        if (!toProject.transform(*outline)) throw DataError({fence.string()}, "cannot transform the outline");
        report.hasOutline = true;
    }

    // Match 2023 villages to 2016 records: same code; else same name in the same township.
    feedback.setProgress(0.3, "matching");
    std::map<std::string, std::vector<std::string>> byTownAndName2016;
    for (const auto& [code, p] : villages2016) byTownAndName2016[code.substr(0, 9) + "|" + nameStem(p.name)].push_back(code);
    std::set<std::string> used2016;
    struct Out {
        Place p;
        std::optional<std::pair<double, double>> xy;
    };
    std::vector<Out> outVillages;
    for (const Place& v : villages2023) {
        Out o{v, std::nullopt};
        const Place* old = nullptr;
        if (auto it = villages2016.find(v.code); it != villages2016.end()) {
            old = &it->second;
            if (nameStem(old->name) != nameStem(v.name)) report.renamed.push_back(v.code + " " + old->name + " -> " + v.name);
        } else if (auto jt = byTownAndName2016.find(v.code.substr(0, 9) + "|" + nameStem(v.name));
                   jt != byTownAndName2016.end() && jt->second.size() == 1 && !villages2023.empty()) {
            old = &villages2016[jt->second.front()];
            report.codeChanged.push_back(old->code + " -> " + v.code + " " + v.name);
        } else {
            report.newSince2016.push_back(v.code + " " + v.name);
        }
        if (old) {
            used2016.insert(old->code);
            o.p.urClass = old->urClass;
            if (old->gcj) {
                double x = old->gcj->lon, y = old->gcj->lat;
                if (toProject.transform(x, y)) o.xy = std::make_pair(x, y);
            }
        }
        if (!o.xy)
            report.withoutPoint.push_back(v.code + " " + v.name);
        else
            ++report.villagesWithPoint;
        if (o.xy && outline) {
            OGRPoint pt(o.xy->first, o.xy->second);
            if (!outline->Intersects(&pt)) report.outsideOutline.push_back(v.code + " " + v.name);
        }
        outVillages.push_back(std::move(o));
    }
    for (const auto& [code, p] : villages2016)
        if (!used2016.count(code)) report.goneSince2016.push_back(code + " " + p.name);
    report.villages = static_cast<long long>(outVillages.size());
    report.townships = static_cast<long long>(towns2023.size());

    // Township areas: Voronoi cells of the village points and township seats, merged per
    // township and clipped to the outline. An approximation: no public township polygons exist.
    feedback.setProgress(0.5, "township areas");
    std::map<std::string, std::unique_ptr<OGRGeometry>> townArea;
    std::map<std::string, std::pair<double, double>> townSeat;
    for (const Place& t : towns2023) {
        if (auto it = towns2016.find(t.code); it != towns2016.end() && it->second.gcj) {
            double x = it->second.gcj->lon, y = it->second.gcj->lat;
            if (toProject.transform(x, y)) {
                townSeat[t.code] = {x, y};
                ++report.townshipsWithSeat;
            }
        }
    }
    if (outline) {
        GEOSContextHandle_t h = GEOS_init_r();
        std::vector<std::pair<std::string, std::pair<double, double>>> seeds;
        for (const auto& o : outVillages)
            if (o.xy) seeds.push_back({o.p.code.substr(0, 9), *o.xy});
        for (const auto& [code, xy] : townSeat) seeds.push_back({code, xy});
        std::vector<GEOSGeometry*> pts;
        for (const auto& s : seeds) pts.push_back(GEOSGeom_createPointFromXY_r(h, s.second.first, s.second.second));
        GEOSGeometry* mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts.data(), static_cast<unsigned>(pts.size()));
        GEOSGeometry* clip = outline->exportToGEOS(h);
        GEOSGeometry* cells = GEOSVoronoiDiagram_r(h, mp, clip, 0.0, 0);
        std::map<std::string, std::vector<GEOSGeometry*>> parts;
        const int n = cells ? GEOSGetNumGeometries_r(h, cells) : 0;
        for (int k = 0; k < n; ++k) {
            const GEOSGeometry* cell = GEOSGetGeometryN_r(h, cells, k);
            const GEOSPreparedGeometry* prep = GEOSPrepare_r(h, cell);
            for (std::size_t i = 0; i < seeds.size(); ++i) {
                if (GEOSPreparedContains_r(h, prep, GEOSGetGeometryN_r(h, mp, static_cast<int>(i))) == 1) {
                    parts[seeds[i].first].push_back(GEOSGeom_clone_r(h, cell));
                    break;
                }
            }
            GEOSPreparedGeom_destroy_r(h, prep);
        }
        for (auto& [code, cellsOf] : parts) {
            GEOSGeometry* coll =
                GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, cellsOf.data(), static_cast<unsigned>(cellsOf.size()));
            GEOSGeometry* u = GEOSUnaryUnion_r(h, coll);
            GEOSGeometry* c = u ? GEOSIntersection_r(h, u, clip) : nullptr;
            if (c && !GEOSisEmpty_r(h, c)) {
                OGRGeometry* g = OGRGeometryFactory::createFromGEOS(h, c);
                if (g) townArea[code].reset(OGRGeometryFactory::forceToMultiPolygon(g));
            }
            if (c) GEOSGeom_destroy_r(h, c);
            if (u) GEOSGeom_destroy_r(h, u);
            GEOSGeom_destroy_r(h, coll);
        }
        if (cells) GEOSGeom_destroy_r(h, cells);
        GEOSGeom_destroy_r(h, clip);
        GEOSGeom_destroy_r(h, mp);
        GEOS_finish_r(h);
    }

    // Write.
    feedback.setProgress(0.8, "writing");
    AtomicFile file(out);
    ProjectSpec spec;
    spec.countyCode = county;
    spec.countyName = report.countyName;
    spec.epsg = report.epsg;
    spec.synthetic = false;
    spec.dataDate = "2023-06-30";
    spec.extraMeta = {
        {"source",
         "NBS 统计用区划代码 2023 (china-division 2.7.0); NBS 2016 codes, urban-rural class and points, AMap county fence (Vonng/adcode, "
         "CC BY 4.0)"},
        {"attribution", "Vonng/adcode, CC BY 4.0"},
        {"source_crs", "GCJ-02, converted to CGCS2000 with the public formula and an iterative inverse"},
    };
    // What is approximated or missing, said once in the project (info prints it).
    spec.extraMeta.push_back(
        {"township_boundaries", !townArea.empty() ? "approximate: Voronoi cells of village points merged per township, clipped to the "
                                                    "county outline (no public township polygons) / 乡镇界为近似（由村点推算）"
                                                  : "missing: no village points or no county outline to build them from; import township "
                                                    "polygons / 乡镇界缺失，请导入"});
    spec.extraMeta.push_back(
        {"village_locations", report.villagesWithPoint > 0
                                  ? std::to_string(report.villagesWithPoint) + " of " + std::to_string(report.villages) +
                                        " villages located by the NBS 2016 points (AMap, GCJ-02 converted); the others have no location "
                                        "until imported / 部分村无位置"
                                  : "missing: no public village points for this county; import village points / 村点位缺失，请导入"});
    spec.extraMeta.push_back({"county_outline", outline ? "AMap county fence of about 2018 (Vonng/adcode), GCJ-02 converted / 县界来自高德"
                                                        : "missing: no public outline for this county; import it / 县界缺失，请导入"});
    {
        DatasetPtr ds = createProjectDataset(file.tempPath(), spec);
        startWriteTransaction(*ds);
        OGRLayer* cl = ds->GetLayerByName("county");
        FeaturePtr cf(OGRFeature::CreateFeature(cl->GetLayerDefn()));
        cf->SetField("code", county.c_str());
        cf->SetField("name", report.countyName.c_str());
        if (outline) cf->SetGeometry(outline.get());
        if (cl->CreateFeature(cf.get()) != OGRERR_NONE) throw DataError({out, "county", county}, lastGdalError());
        OGRLayer* tl = ds->GetLayerByName("townships");
        for (const Place& t : towns2023) {
            FeaturePtr f(OGRFeature::CreateFeature(tl->GetLayerDefn()));
            f->SetField("code", t.code.c_str());
            f->SetField("name", t.name.c_str());
            if (auto it = townArea.find(t.code); it != townArea.end())
                f->SetGeometry(it->second.get());
            else
                report.notes.push_back("township " + t.code + " " + t.name + " has no point to draw its area from");
            if (tl->CreateFeature(f.get()) != OGRERR_NONE) throw DataError({out, "townships", t.code}, lastGdalError());
        }
        OGRLayer* vl = ds->GetLayerByName("villages");
        for (const auto& o : outVillages) {
            FeaturePtr f(OGRFeature::CreateFeature(vl->GetLayerDefn()));
            f->SetField("code", o.p.code.c_str());
            f->SetField("name", o.p.name.c_str());
            f->SetField("township_code", o.p.parent.c_str());
            if (!o.p.urClass.empty()) f->SetField("class_code", o.p.urClass.c_str());
            if (o.xy) f->SetGeometryDirectly(new OGRPoint(o.xy->first, o.xy->second));
            if (vl->CreateFeature(f.get()) != OGRERR_NONE) throw DataError({out, "villages", o.p.code}, lastGdalError());
        }
        if (ds->CommitTransaction() != OGRERR_NONE) throw DataError({out}, commitFailure());
    }
    if (finish) finish(file.tempPath());
    file.commit();
    feedback.setProgress(1.0, "done");
    return report;
}

}  // namespace ruralatlas::io
