#include "io/validator.hpp"

#include <geos_c.h>

#include <algorithm>
#include <boost/geometry.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "core/admin_code.hpp"
#include "core/landuse.hpp"
#include "core/schema.hpp"
#include "core/spatial_index.hpp"
#include "io/geos_util.hpp"
#include "io/project.hpp"

namespace ruralatlas::io {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

long long ValidationReport::errors() const {
    return std::count_if(problems.begin(), problems.end(), [](const Problem& p) { return p.severity == Problem::Severity::Error; });
}
long long ValidationReport::warnings() const { return static_cast<long long>(problems.size()) - errors(); }

namespace {
using Sev = Problem::Severity;

std::string keyOf(OGRFeature& f) {
    for (const char* k : {"code", "id", "village_code"}) {
        const int i = f.GetFieldIndex(k);
        if (i >= 0 && f.IsFieldSetAndNotNull(i)) return f.GetFieldAsString(i);
    }
    return {};
}

class Checker {
public:
    Checker(Project& p, ValidationReport& r) : m_p(p), m_r(r) {}

    void add(Sev s, const std::string& rule, const std::string& layer, OGRFeature* f, const std::string& field, const std::string& msg) {
        Problem p;
        p.severity = s;
        p.rule = rule;
        p.layer = layer;
        if (f) {
            p.fid = f->GetFID();
            p.feature = keyOf(*f);
        }
        p.field = field;
        p.message = msg;
        m_r.problems.push_back(std::move(p));
    }

    void schema() {
        const int epsg = m_p.epsg();
        for (const auto& def : projectLayers()) {
            const std::string name(def.name);
            OGRLayer* l = m_p.findLayer(name);
            if (!l) {
                // A layer newer than the project's schema: the project predates it, which is not an
                // error of its data; `ruralatlas upgrade` adds it.
                const int version = std::atoi(m_p.meta("schema_version").c_str());
                if (def.since > 1 && version < def.since)
                    add(Sev::Warning, "schema_layer_missing", name, nullptr, "",
                        "layer " + name + " (" + std::string(def.titleZh) + ") came with schema version " + std::to_string(def.since) +
                            "; this project has version " + std::to_string(version) + ": run 'ruralatlas upgrade PROJECT' to add it");
                else
                    add(Sev::Error, "schema_layer_missing", name, nullptr, "",
                        "layer " + name + " (" + std::string(def.titleZh) + ") is missing");
                continue;
            }
            if (def.geometry != GeometryKind::None) {
                const OGRwkbGeometryType want = ogrGeometryType(def.geometry), have = wkbFlatten(l->GetGeomType());
                if (have != want && have != wkbUnknown)
                    add(Sev::Error, "schema_geometry_type", name, nullptr, "",
                        std::string("geometry type is ") + OGRGeometryTypeToName(have) + ", the data model says " +
                            OGRGeometryTypeToName(want));
                const OGRSpatialReference* s = l->GetSpatialRef();
                const char* code = s ? s->GetAuthorityCode(nullptr) : nullptr;
                if (!code || std::atoi(code) != epsg)
                    add(Sev::Error, "schema_crs", name, nullptr, "",
                        std::string("layer CRS is ") + (code ? std::string("EPSG:") + code : "unknown") +
                            ", the project's is EPSG:" + std::to_string(epsg));
            }
            OGRFeatureDefn* d = l->GetLayerDefn();
            for (const auto& f : def.fields) {
                const int i = d->GetFieldIndex(std::string(f.name).c_str());
                if (i < 0) {
                    add(f.required ? Sev::Error : Sev::Warning, "schema_field_missing", name, nullptr, std::string(f.name),
                        "field " + std::string(f.name) + " (" + std::string(f.titleZh) + ") is missing");
                    continue;
                }
                const OGRFieldType t = d->GetFieldDefn(i)->GetType();
                const bool ok = f.type == FieldType::Text
                                    ? t == OFTString
                                    : (t == OFTInteger || t == OFTInteger64 || (f.type == FieldType::Real && t == OFTReal));
                if (!ok)
                    add(Sev::Error, "schema_field_type", name, nullptr, std::string(f.name),
                        std::string("field type is ") + OGRFieldDefn::GetFieldTypeName(t) + ", expected " +
                            (f.type == FieldType::Text      ? "String"
                             : f.type == FieldType::Integer ? "Integer"
                                                            : "Real"));
            }
        }
    }

    // Values: the rules of each feature on its own (checkFeature, shared with import), then what
    // needs the whole layer: duplicate codes and ids, and the references checked afterwards.
    void values() {
        const std::string county = m_p.meta("county_code");
        FeatureRules rules(county, m_countyCodes.size() <= 1);
        for (const auto& def : projectLayers()) {
            const std::string name(def.name);
            OGRLayer* l = m_p.findLayer(name);
            if (!l || name == "project_meta") continue;
            std::map<std::string, long long> seen;
            l->ResetReading();
            for (auto& f : *l) {
                for (auto& p : rules.check(def, *f)) m_r.problems.push_back(std::move(p));
                collect(name, *f, seen);
            }
        }
    }

    void collect(const std::string& layer, OGRFeature& f, std::map<std::string, long long>& seen) {
        auto code = [&](const char* field, AdminLevel level, bool unique) {
            const int i = f.GetFieldIndex(field);
            if (i < 0 || !f.IsFieldSetAndNotNull(i)) return std::string();
            const std::string c = f.GetFieldAsString(i);
            if (checkAdminCode(c, level) != CodeProblem::Ok) return std::string();
            if (unique && seen[c]++ > 0) add(Sev::Error, "code_duplicate", layer, &f, field, "code " + c + " appears more than once");
            return c;
        };
        if (layer == "county") code("code", AdminLevel::County, true);
        if (layer == "townships")
            if (const std::string t = code("code", AdminLevel::Township, true); !t.empty()) m_townships.insert(t);
        if (layer == "villages") {
            const std::string v = code("code", AdminLevel::Village, true);
            const std::string t = code("township_code", AdminLevel::Township, false);
            if (!v.empty()) m_villages.insert(v);
            if (!t.empty()) m_villageTownships.push_back({f.GetFID(), t, v});
        }
        if (layer == "facilities" || layer == "resettlement_sites" || layer == "industry_projects") {
            const int i = f.GetFieldIndex("id");
            if (i >= 0 && f.IsFieldSetAndNotNull(i) && seen[std::string("id:") + f.GetFieldAsString(i)]++ > 0)
                add(Sev::Error, "id_duplicate", layer, &f, "id", std::string("id ") + f.GetFieldAsString(i) + " appears more than once");
            if (layer == "resettlement_sites" && i >= 0) m_sites.insert(f.GetFieldAsString(i));
            if (layer == "industry_projects" && i >= 0) m_projects.insert(f.GetFieldAsString(i));
        }
        for (const char* ref : {"village_code", "source_village_code"}) {
            const int i = f.GetFieldIndex(ref);
            if (i >= 0 && f.IsFieldSetAndNotNull(i) && layer != "villages")
                m_villageRefs.push_back({layer, f.GetFID(), ref, f.GetFieldAsString(i), keyOf(f)});
        }
        if (layer == "relocations") m_siteRefs.push_back({layer, f.GetFID(), "site_id", f.GetFieldAsString("site_id"), ""});
        if (layer == "project_links") m_projectRefs.push_back({layer, f.GetFID(), "project_id", f.GetFieldAsString("project_id"), ""});
    }

    void references() {
        for (const auto& r : m_villageRefs)
            if (!m_villages.count(r.value)) addRef(r, "village code " + r.value + " is not in villages");
        for (const auto& r : m_siteRefs)
            if (!m_sites.count(r.value)) addRef(r, "site " + r.value + " is not in resettlement_sites");
        for (const auto& r : m_projectRefs)
            if (!m_projects.count(r.value)) addRef(r, "project " + r.value + " is not in industry_projects");
        for (const auto& v : m_villageTownships)
            if (!m_townships.empty() && !m_townships.count(v.township)) {
                Problem p;
                p.rule = "reference";
                p.layer = "villages";
                p.fid = v.fid;
                p.feature = v.code;
                p.field = "township_code";
                p.message = "township " + v.township + " is not in townships";
                m_r.problems.push_back(p);
            }
    }

    // Features that do not touch the county outline.
    void outside() {
        auto outline = m_p.countyOutline();
        if (!outline) {
            add(Sev::Warning, "county_missing", "county", nullptr, "",
                "the project has no county boundary: features cannot be checked against it");
            return;
        }
        GeosContext geos;
        auto ctx = static_cast<GEOSContextHandle_t>(geos.handle());
        GEOSGeometry* g = outline->exportToGEOS(ctx);
        const GEOSPreparedGeometry* prep = g ? GEOSPrepare_r(ctx, g) : nullptr;
        if (!prep) return;
        for (const char* name :
             {"townships", "villages", "facilities", "resettlement_sites", "industry_projects", "roads", "landuse_plan", "households"}) {
            OGRLayer* l = m_p.findLayer(name);
            if (!l) continue;
            long long count = 0;
            l->ResetReading();
            for (auto& f : *l) {
                const OGRGeometry* fg = f->GetGeometryRef();
                if (!fg || fg->IsEmpty()) continue;
                GEOSGeometry* gg = fg->exportToGEOS(ctx);
                if (!gg) continue;
                const char in = GEOSPreparedIntersects_r(ctx, prep, gg);
                GEOSGeom_destroy_r(ctx, gg);
                if (in == 0) {
                    ++count;
                    Problem p;
                    p.severity = std::string(name) == "roads" ? Sev::Warning : Sev::Error;
                    p.rule = "outside_county";
                    p.layer = name;
                    p.fid = f->GetFID();
                    p.feature = keyOf(*f);
                    p.field = "geom";
                    p.message = "lies outside the county boundary";
                    OGREnvelope e;
                    fg->getEnvelope(&e);
                    p.hasLocation = true;
                    p.x = (e.MinX + e.MaxX) / 2;
                    p.y = (e.MinY + e.MaxY) / 2;
                    m_r.problems.push_back(p);
                }
            }
        }
        GEOSPreparedGeom_destroy_r(ctx, prep);
        GEOSGeom_destroy_r(ctx, g);
    }

    // Connected pieces of the road network: roads join where they share a vertex, where an
    // end touches another road, or where they cross (within 1 m), as the road analyses node them.
    void roads() {
        OGRLayer* l = m_p.findLayer("roads");
        if (!l || l->GetFeatureCount() == 0) return;
        using P = bg::model::point<double, 2, bg::cs::cartesian>;
        using Seg = bg::model::segment<P>;
        using Box = bg::model::box<P>;
        std::vector<Seg> segs;
        std::vector<std::size_t> segRoad;
        std::vector<std::pair<long long, std::string>> roads;
        l->ResetReading();
        for (auto& f : *l) {
            const OGRGeometry* g = f->GetGeometryRef();
            if (!g || wkbFlatten(g->getGeometryType()) != wkbLineString) continue;
            const OGRLineString* ls = g->toLineString();
            for (int i = 0; i + 1 < ls->getNumPoints(); ++i) {
                segs.emplace_back(P(ls->getX(i), ls->getY(i)), P(ls->getX(i + 1), ls->getY(i + 1)));
                segRoad.push_back(roads.size());
            }
            roads.push_back({f->GetFID(), keyOf(*f)});
        }
        if (roads.empty()) return;
        std::vector<std::size_t> parent(roads.size());
        std::iota(parent.begin(), parent.end(), 0);
        auto find = [&](std::size_t x) {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        };
        // The packed index every layer uses; its hits come in ascending order, so the pieces
        // do not depend on how the tree was packed.
        const double tol = 1.0;
        std::vector<Bounds> boxes;
        boxes.reserve(segs.size());
        for (const Seg& s : segs) {
            Box b;
            bg::envelope(s, b);
            boxes.push_back({b.min_corner().get<0>() - tol, b.min_corner().get<1>() - tol, b.max_corner().get<0>() + tol,
                             b.max_corner().get<1>() + tol});
        }
        const BoxIndex index(boxes);
        std::vector<std::uint32_t> hits;
        for (std::size_t i = 0; i < segs.size(); ++i) {
            index.query(boxes[i], hits);
            for (std::uint32_t j : hits) {
                if (find(segRoad[i]) == find(segRoad[j])) continue;
                if (bg::distance(segs[i], segs[j]) <= tol) parent[find(segRoad[i])] = find(segRoad[j]);
            }
        }
        // Pieces in the order of their first road, then the largest first (stable): the list
        // reads the same on every run and build.
        std::map<std::size_t, std::size_t> pieceOfRoot;
        std::vector<std::vector<std::size_t>> sorted;
        for (std::size_t r = 0; r < roads.size(); ++r) {
            auto [it, fresh] = pieceOfRoot.try_emplace(find(r), sorted.size());
            if (fresh) sorted.emplace_back();
            sorted[it->second].push_back(r);
        }
        if (sorted.size() <= 1) return;
        std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
        Problem p;
        p.severity = Sev::Error;
        p.rule = "road_network_disconnected";
        p.layer = "roads";
        p.message = "the road network is in " + std::to_string(sorted.size()) + " disconnected pieces (largest " +
                    std::to_string(sorted[0].size()) + " roads); the smaller pieces are listed one by one";
        m_r.problems.push_back(p);
        std::size_t listed = 0;
        for (std::size_t k = 1; k < sorted.size() && listed < 200; ++k)
            for (std::size_t r : sorted[k]) {
                if (listed++ >= 200) break;
                Problem q;
                q.severity = Sev::Warning;
                q.rule = "road_piece";
                q.layer = "roads";
                q.fid = roads[r].first;
                q.feature = roads[r].second;
                q.message = "road is not connected to the main network (piece " + std::to_string(k + 1) + " of " +
                            std::to_string(sorted.size()) + ")";
                m_r.problems.push_back(q);
            }
    }

    std::set<std::string> m_countyCodes;

private:
    struct Ref {
        std::string layer;
        long long fid;
        std::string field, value, key;
    };
    struct VT {
        long long fid;
        std::string township, code;
    };
    void addRef(const Ref& r, const std::string& msg) {
        Problem p;
        p.rule = "reference";
        p.layer = r.layer;
        p.fid = r.fid;
        p.feature = r.key;
        p.field = r.field;
        p.message = msg;
        m_r.problems.push_back(p);
    }
    Project& m_p;
    ValidationReport& m_r;
    std::set<std::string> m_townships, m_villages, m_sites, m_projects;
    std::vector<Ref> m_villageRefs, m_siteRefs, m_projectRefs;
    std::vector<VT> m_villageTownships;
};
}  // namespace

// The rules of one feature on its own (see validator.hpp).
struct FeatureRules::Impl {
    GeosContext geos;
};

FeatureRules::FeatureRules(std::string countyCode, bool singleCounty)
    : m_county(std::move(countyCode)), m_singleCounty(singleCounty), m_impl(std::make_unique<Impl>()) {}
FeatureRules::~FeatureRules() = default;

std::vector<Problem> FeatureRules::check(const LayerDef& def, OGRFeature& f) const {
    std::vector<Problem> out;
    const std::string name(def.name);
    auto add = [&](Sev s, const std::string& rule, const std::string& field, const std::string& msg) {
        Problem p;
        p.severity = s;
        p.rule = rule;
        p.layer = name;
        p.fid = f.GetFID();
        p.feature = keyOf(f);
        p.field = field;
        p.message = msg;
        out.push_back(std::move(p));
    };
    OGRFeatureDefn* d = f.GetDefnRef();
    for (const auto& fd : def.fields) {
        const int i = d->GetFieldIndex(std::string(fd.name).c_str());
        if (i < 0) continue;
        const std::string field(fd.name);
        if (!f.IsFieldSetAndNotNull(i)) {
            if (fd.required) add(Sev::Error, "required", field, "required value is empty");
            continue;
        }
        const std::string v = f.GetFieldAsString(i);
        if (!fd.enumeration.empty()) {
            const Enumeration* e = findEnumeration(fd.enumeration);
            if (e && !e->resolve(v))
                add(Sev::Error, "enumeration", field, "unknown value '" + v + "'");
            else if (e && e->resolve(v) != std::string_view(v))
                add(Sev::Warning, "enumeration_title", field, "value '" + v + "' is a title, not the code " + std::string(*e->resolve(v)));
        }
        if (fd.type != FieldType::Text) {
            const double x = f.GetFieldAsDouble(i);
            if ((fd.min && x < *fd.min) || (fd.max && x > *fd.max)) {
                char buf[160];
                std::snprintf(buf, sizeof buf, "value %g is outside %g..%g", x, fd.min.value_or(-1e300), fd.max.value_or(1e300));
                add(Sev::Error, "range", field, buf);
            }
        }
    }
    // Codes: their form, and their prefixes.
    auto code = [&](const char* field, AdminLevel level) {
        const int i = f.GetFieldIndex(field);
        if (i < 0 || !f.IsFieldSetAndNotNull(i)) return std::string();
        const std::string c = f.GetFieldAsString(i);
        if (auto problem = checkAdminCode(c, level); problem != CodeProblem::Ok) {
            add(Sev::Error, "code_malformed", field, "'" + c + "': " + describe(problem, level));
            return std::string();
        }
        return c;
    };
    if (name == "county") code("code", AdminLevel::County);
    if (name == "townships") {
        const std::string t = code("code", AdminLevel::Township);
        if (!t.empty() && m_county.size() == 6 && t.compare(0, 6, m_county) != 0 && m_singleCounty)
            add(Sev::Error, "code_prefix", "code", "township " + t + " does not start with the county code " + m_county);
    }
    if (name == "villages") {
        const std::string v = code("code", AdminLevel::Village);
        const std::string t = code("township_code", AdminLevel::Township);
        if (!v.empty() && !t.empty() && !villageBelongsToTownship(v, t))
            add(Sev::Error, "code_prefix", "code", "village code " + v + " does not start with its township code " + t);
    }
    if (name == "landuse_plan") {
        const std::string c = f.GetFieldAsString("landuse_code");
        if (!c.empty() && !isLanduseCode(c))
            add(Sev::Error, "landuse_code", "landuse_code", "'" + c + "' is not a code of the 2023 land-use classification");
    }
    // Values that cannot be true together.
    auto num = [&](const char* field) -> std::optional<double> {
        const int i = f.GetFieldIndex(field);
        if (i < 0 || !f.IsFieldSetAndNotNull(i)) return std::nullopt;
        return f.GetFieldAsDouble(i);
    };
    auto more = [&](const char* a, const char* b, const std::string& what) {
        auto x = num(a), y = num(b);
        if (x && y && *x > *y) {
            char buf[200];
            std::snprintf(buf, sizeof buf, "%s: %s = %g exceeds %s = %g", what.c_str(), a, *x, b, *y);
            add(Sev::Error, "impossible_value", a, buf);
        }
    };
    if (name == "resettlement_sites") {
        more("moved_in_households", "planned_households", "more households moved in than planned");
        more("old_homes_demolished", "old_homes_total", "more old homes demolished than exist");
    }
    if (name == "villages") {
        more("poor_households", "households", "more lifted households than households");
        more("monitored_households", "households", "more monitored households than households");
        more("households", "population", "more households than people");
    }
    // Geometry.
    const OGRGeometry* g = f.GetGeometryRef();
    if (g && !g->IsEmpty() && def.geometry != GeometryKind::Point) {
        if (auto bad = m_impl->geos.invalidity(*g)) {
            add(Sev::Error, "geometry_invalid", "geom", "invalid geometry: " + bad->reason);
            out.back().hasLocation = true;
            out.back().x = bad->x;
            out.back().y = bad->y;
        }
    } else if (!g && def.geometry != GeometryKind::None && def.geometry != GeometryKind::Raster) {
        add(Sev::Warning, "geometry_missing", "geom", "feature has no geometry");
    }
    return out;
}

ValidationReport validateProject(const std::string& path, Feedback& feedback) {
    Project project = Project::open(path, false);
    ValidationReport report;
    Checker c(project, report);
    if (OGRLayer* county = project.findLayer("county"))
        for (auto& f : *county) c.m_countyCodes.insert(f->GetFieldAsString("code"));
    feedback.setProgress(0.0, "schema");
    c.schema();
    feedback.setProgress(0.1, "values and geometry");
    c.values();
    feedback.checkCancelled();
    c.references();
    feedback.setProgress(0.6, "county boundary");
    c.outside();
    feedback.checkCancelled();
    feedback.setProgress(0.8, "road network");
    c.roads();
    feedback.setProgress(1.0, "done");
    return report;
}

}  // namespace ruralatlas::io
