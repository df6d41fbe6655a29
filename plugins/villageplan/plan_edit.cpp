#include "plan_edit.hpp"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "core/feedback.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/json_value.hpp"
#include "core/landuse.hpp"
#include "core/record_readers.hpp"
#include "core/timing.hpp"
#include "geos_shapes.hpp"
#include "io/gdal_util.hpp"
#include "io/gpkg_source.hpp"
#include "io/server.hpp"

namespace ruralatlas::villageplan {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;

struct Seg {
    XY a, b;
    long long owner = 0;  // a parcel's id; 0 for the fixed layers
    int kind = 0;         // 0 parcel, 1 territory, 2 road, 3 constraint
    bool operator==(const Seg& o) const {
        return a.x == o.a.x && a.y == o.a.y && b.x == o.b.x && b.y == o.b.y && owner == o.owner && kind == o.kind;
    }
};
using SegValue = std::pair<BBox, Seg>;
struct SegEqual {
    bool operator()(const SegValue& l, const SegValue& r) const { return l.second == r.second; }
};
struct SegIndexable {
    using result_type = const BBox&;
    const BBox& operator()(const SegValue& v) const { return v.first; }
};
using SegTree = bgi::rtree<SegValue, bgi::quadratic<16>, SegIndexable, SegEqual>;

const char* kindName(int k) {
    switch (k) {
        case 0:
            return "图斑";
        case 1:
            return "村界";
        case 2:
            return "道路";
        default:
            return "管控区";
    }
}

double dist2(XY a, XY b) { return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y); }

XY closestOnSegment(XY p, XY a, XY b) {
    const double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    if (l2 <= 0) return a;
    const double t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / l2, 0.0, 1.0);
    return {a.x + t * dx, a.y + t * dy};
}

bool insideRing(const Ring& r, XY p) {
    bool in = false;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
        if (((r[i].y > p.y) != (r[j].y > p.y)) && p.x < (r[j].x - r[i].x) * (p.y - r[i].y) / (r[j].y - r[i].y) + r[i].x) in = !in;
    return in;
}

bool inside(const Polygons& shape, XY p) {
    for (const Polygon& poly : shape) {
        if (poly.rings.empty() || !insideRing(poly.rings[0], p)) continue;
        bool hole = false;
        for (std::size_t k = 1; k < poly.rings.size() && !hole; ++k) hole = insideRing(poly.rings[k], p);
        if (!hole) return true;
    }
    return false;
}

double ringArea(const Ring& r) {
    double a = 0;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) a += (r[j].x + r[i].x) * (r[j].y - r[i].y);
    return std::abs(a) / 2;
}

double shapeArea(const Polygons& s) {
    double a = 0;
    for (const Polygon& p : s)
        for (std::size_t k = 0; k < p.rings.size(); ++k) a += (k == 0 ? 1 : -1) * ringArea(p.rings[k]);
    return a;
}

std::string num(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string parcelJson(const std::optional<LandUseParcel>& p, long long origin) {
    if (!p) return "null";
    std::string s = "{\"code\":" + jsonQuote(p->landuseCode) + ",\"origin\":" + std::to_string(origin) + ",\"fields\":{";
    bool firstField = true;
    for (const auto& [k, v] : p->fields) {
        s += (firstField ? "" : ",") + jsonQuote(k) + ":" + jsonQuote(v);
        firstField = false;
    }
    s += "},\"shape\":[";
    for (std::size_t i = 0; i < p->shape.size(); ++i) {
        s += i ? ",[" : "[";
        for (std::size_t k = 0; k < p->shape[i].rings.size(); ++k) {
            s += k ? ",[" : "[";
            const Ring& r = p->shape[i].rings[k];
            for (std::size_t j = 0; j < r.size(); ++j) s += (j ? ",[" : "[") + num(r[j].x) + "," + num(r[j].y) + "]";
            s += "]";
        }
        s += "]";
    }
    return s + "]}";
}

std::optional<LandUseParcel> parcelFromJson(const JsonValue& v, const std::string& village, long long fid, long long* origin) {
    if (v.isNull()) return std::nullopt;
    LandUseParcel p;
    p.fid = fid;
    p.villageCode = village;
    p.period = "planned";
    if (const JsonValue* c = v.find("code")) p.landuseCode = c->string();
    if (const JsonValue* o = v.find("origin"); o && origin) *origin = static_cast<long long>(o->number());
    if (const JsonValue* f = v.find("fields"))
        for (const auto& [k, val] : f->members()) p.fields[k] = val.string();
    if (const JsonValue* s = v.find("shape"))
        for (const JsonValue& poly : s->array()) {
            Polygon out;
            for (const JsonValue& ring : poly.array()) {
                Ring r;
                for (const JsonValue& pt : ring.array()) r.push_back({pt.array().at(0).number(), pt.array().at(1).number()});
                out.rings.push_back(std::move(r));
            }
            p.shape.push_back(std::move(out));
        }
    return p;
}

}  // namespace

bool sameParcel(const LandUseParcel& a, const LandUseParcel& b) {
    return a.landuseCode == b.landuseCode && a.fields == b.fields && samePolygons(a.shape, b.shape);
}

bool samePolygons(const Polygons& a, const Polygons& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].rings.size() != b[i].rings.size()) return false;
        for (std::size_t k = 0; k < a[i].rings.size(); ++k) {
            const Ring &x = a[i].rings[k], &y = b[i].rings[k];
            if (x.size() != y.size()) return false;
            for (std::size_t j = 0; j < x.size(); ++j)
                if (x[j].x != y[j].x || x[j].y != y[j].y) return false;
        }
    }
    return true;
}

// GEOS and the snapping index.
struct PlanEditor::Geom {
    Geos geos;
    SegTree tree;
    std::map<long long, std::vector<SegValue>> byParcel;
    GeomPtr territory{nullptr, GeomDeleter{nullptr}};

    static void segmentsOf(const Polygons& shape, long long owner, int kind, std::vector<SegValue>& out) {
        for (const Polygon& p : shape)
            for (const Ring& r : p.rings)
                for (std::size_t i = 0; i + 1 < r.size(); ++i) {
                    const XY a = r[i], b = r[i + 1];
                    out.push_back({BBox(BPoint(std::min(a.x, b.x), std::min(a.y, b.y)), BPoint(std::max(a.x, b.x), std::max(a.y, b.y))),
                                   Seg{a, b, owner, kind}});
                }
    }
    void setParcel(long long fid, const LandUseParcel* p) {
        if (auto it = byParcel.find(fid); it != byParcel.end()) {
            for (const SegValue& v : it->second) tree.remove(v);
            byParcel.erase(it);
        }
        if (!p) return;
        std::vector<SegValue> segs;
        segmentsOf(p->shape, fid, 0, segs);
        for (const SegValue& v : segs) tree.insert(v);
        byParcel[fid] = std::move(segs);
    }

    // The parcels with a segment whose box lies within `tolerance` of the point.
    std::set<long long> parcelsNear(XY at, double tolerance) const {
        std::vector<SegValue> hits;
        tree.query(bgi::intersects(BBox(BPoint(at.x - tolerance, at.y - tolerance), BPoint(at.x + tolerance, at.y + tolerance))),
                   std::back_inserter(hits));
        std::set<long long> owners;
        for (const SegValue& h : hits)
            if (h.second.kind == 0) owners.insert(h.second.owner);
        return owners;
    }

    GeomPtr shape(const Polygons& s) {
        GeomPtr g = toGeos(geos, s);
        if (!g) throw EditRefused("图形无法构成面：" + geos.lastError);
        return g;
    }
    GeomPtr line(const std::vector<XY>& pts, double extend) {
        if (pts.size() < 2) throw EditRefused("线至少需要两个点");
        std::vector<XY> p = pts;
        // The ends pushed out a little, so a line snapped onto a boundary crosses it.
        auto push = [&](XY& end, XY from) {
            const double d = std::sqrt(dist2(end, from));
            if (d > 0) end = {end.x + (end.x - from.x) / d * extend, end.y + (end.y - from.y) / d * extend};
        };
        push(p.front(), p[1]);
        push(p.back(), p[p.size() - 2]);
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.h, static_cast<unsigned>(p.size()), 2);
        for (unsigned i = 0; i < p.size(); ++i) GEOSCoordSeq_setXY_r(geos.h, seq, i, p[i].x, p[i].y);
        return own(geos, GEOSGeom_createLineString_r(geos.h, seq));
    }
    // The faces the boundary of `poly` and `line` make.
    std::vector<GeomPtr> faces(const GEOSGeometry* poly, const GEOSGeometry* ln) {
        GEOSGeometry* parts[2] = {GEOSBoundary_r(geos.h, poly), GEOSGeom_clone_r(geos.h, ln)};
        GeomPtr coll = own(geos, GEOSGeom_createCollection_r(geos.h, GEOS_GEOMETRYCOLLECTION, parts, 2));
        GeomPtr noded = own(geos, GEOSUnaryUnion_r(geos.h, coll.get()));
        const GEOSGeometry* in[1] = {noded.get()};
        GeomPtr polys = own(geos, GEOSPolygonize_r(geos.h, in, 1));
        std::vector<GeomPtr> out;
        const int n = polys ? GEOSGetNumGeometries_r(geos.h, polys.get()) : 0;
        for (int i = 0; i < n; ++i) out.push_back(own(geos, GEOSGeom_clone_r(geos.h, GEOSGetGeometryN_r(geos.h, polys.get(), i))));
        return out;
    }
    bool within(const GEOSGeometry* piece, const GEOSGeometry* poly) {
        GeomPtr pt = own(geos, GEOSPointOnSurface_r(geos.h, piece));
        return GEOSContains_r(geos.h, poly, pt.get()) == 1;
    }
    double sharedLength(const GEOSGeometry* a, const GEOSGeometry* b) {
        GeomPtr ba = own(geos, GEOSBoundary_r(geos.h, a));
        GeomPtr i = own(geos, GEOSIntersection_r(geos.h, ba.get(), b));
        double len = 0;
        if (i) GEOSLength_r(geos.h, i.get(), &len);
        return len;
    }
    GeomPtr unite(std::vector<GeomPtr>& parts) {
        std::vector<GEOSGeometry*> raw;
        for (GeomPtr& p : parts) raw.push_back(p.release());
        parts.clear();
        GeomPtr coll = own(geos, GEOSGeom_createCollection_r(geos.h, GEOS_GEOMETRYCOLLECTION, raw.data(), unsigned(raw.size())));
        return polygonal(geos, own(geos, GEOSUnaryUnion_r(geos.h, coll.get())).get());
    }
    Polygons polys(const GEOSGeometry* g) { return fromGeos(geos, g); }
};

PlanEditor::PlanEditor(const std::string& projectPath, const std::string& village, const PlanRules& rules)
    : m_path(projectPath), m_village(village), m_rules(rules), m_geom(std::make_unique<Geom>()) {
    if (village.size() != 12 || village.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError("village " + village + ": a village code has 12 digits");
    io::GpkgSource project(projectPath);
    m_check = std::make_unique<LiveCheck>(project, rules, village);
    for (LandUseParcel& p : readLandUseParcels(project, village, "planned")) {
        const long long fid = p.fid;
        m_saved.emplace(fid, std::move(p));
    }
    // The layer's other fields, as text, for the parcels of both periods; on the server also
    // each planned parcel's row version (the server's own columns ra_* are not the planner's).
    if (const auto info = project.layerInfo("landuse_plan")) {
        for (const FieldInfo& f : info->fields)
            if (f.name != "village_code" && f.name != "landuse_code" && f.name != "period" && f.name.rfind("ra_", 0) != 0)
                m_fieldDefs.push_back(f);
        if (!m_fieldDefs.empty() || onServer()) {
            FeatureQuery q;
            q.fields = {"period"};
            for (const FieldInfo& f : m_fieldDefs) q.fields.push_back(f.name);
            if (onServer()) q.fields.push_back("ra_version");
            q.geometry = false;
            q.asText = true;
            q.where = "village_code = '" + village + "'";
            project.readFeatures("landuse_plan", q, [&](const Feature& f) {
                std::map<std::string, std::string> values;
                for (std::size_t i = 0; i < m_fieldDefs.size(); ++i)
                    if (!std::holds_alternative<std::monostate>(f.values[i + 1]))
                        values[m_fieldDefs[i].name] = valueAsText(f.values[i + 1]);
                if (auto it = m_saved.find(f.fid); it != m_saved.end() && valueAsText(f.values[0]) == "planned") {
                    it->second.fields = std::move(values);
                    if (onServer()) m_versions[f.fid] = std::stoll(valueAsText(f.values[m_fieldDefs.size() + 1]));
                } else {
                    m_currentFields[f.fid] = std::move(values);
                }
            });
        }
    }
    m_parcels = m_saved;
    for (const auto& [fid, p] : m_parcels) m_geom->setParcel(fid, &p);
    m_geom->territory = toGeos(m_geom->geos, m_check->territory());
    if (m_geom->territory && GEOSisValid_r(m_geom->geos.h, m_geom->territory.get()) != 1)
        m_geom->territory = polygonal(m_geom->geos, own(m_geom->geos, GEOSMakeValid_r(m_geom->geos.h, m_geom->territory.get())).get());
    // The fixed snapping layers: the territory, the roads and the constraints near it.
    std::vector<SegValue> fixed;
    Geom::segmentsOf(m_check->territory(), 0, 1, fixed);
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    for (const Polygon& p : m_check->territory())
        for (const Ring& r : p.rings)
            for (const XY& q : r)
                minx = std::min(minx, q.x), miny = std::min(miny, q.y), maxx = std::max(maxx, q.x), maxy = std::max(maxy, q.y);
    Bounds near;
    near.minx = minx - 200, near.miny = miny - 200, near.maxx = maxx + 200, near.maxy = maxy + 200;
    if (project.layerInfo("constraints"))
        for (const Constraint& c : readConstraints(project, near)) Geom::segmentsOf(c.shape, 0, 3, fixed);
    if (project.layerInfo("roads")) {
        FeatureQuery q;
        q.geometry = true;
        q.within = near;
        project.readFeatures("roads", q, [&](const Feature& f) {
            const std::vector<double>& xy = f.geometry.xy;
            std::uint32_t point = 0;
            for (const std::uint32_t end : f.geometry.parts) {
                for (; point + 1 < end; ++point) {
                    const XY a{xy[std::size_t(point) * 2], xy[std::size_t(point) * 2 + 1]};
                    const XY b{xy[std::size_t(point) * 2 + 2], xy[std::size_t(point) * 2 + 3]};
                    fixed.push_back({BBox(BPoint(std::min(a.x, b.x), std::min(a.y, b.y)), BPoint(std::max(a.x, b.x), std::max(a.y, b.y))),
                                     Seg{a, b, 0, 2}});
                }
                point = end;
            }
        });
    }
    for (const SegValue& v : fixed) m_geom->tree.insert(v);
    const auto t0 = std::chrono::steady_clock::now();
    m_check->update(m_parcels, {});
    m_timings.checkMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    readJournal();
}

PlanEditor::~PlanEditor() = default;

const LandUseParcel* PlanEditor::parcel(long long fid) const {
    auto it = m_parcels.find(fid);
    return it == m_parcels.end() ? nullptr : &it->second;
}

long long PlanEditor::originOf(long long fid) const {
    if (auto it = m_origin.find(fid); it != m_origin.end()) return it->second;
    return fid > 0 ? fid : 0;
}

EditChange PlanEditor::change(long long fid, std::optional<LandUseParcel> after, long long originAfter) const {
    EditChange c;
    c.fid = fid;
    if (const LandUseParcel* p = parcel(fid)) c.before = *p;
    c.originBefore = c.before ? originOf(fid) : 0;
    if (after) {
        after->fid = fid;
        after->villageCode = m_village;
        after->period = "planned";
    }
    c.after = std::move(after);
    c.originAfter = c.after ? originAfter : 0;
    return c;
}

void PlanEditor::applyChanges(const Edit& e, bool forward) {
    std::set<long long> changed;
    for (const EditChange& c : e.changes) {
        const std::optional<LandUseParcel>& to = forward ? c.after : c.before;
        const long long origin = forward ? c.originAfter : c.originBefore;
        if (to)
            m_parcels[c.fid] = *to;
        else
            m_parcels.erase(c.fid);
        if (to && origin != c.fid && origin != 0)
            m_origin[c.fid] = origin;
        else
            m_origin.erase(c.fid);
        m_geom->setParcel(c.fid, to ? &m_parcels[c.fid] : nullptr);
        changed.insert(c.fid);
    }
    afterChange(changed);
}

void PlanEditor::afterChange(const std::set<long long>& changed) {
    const auto t0 = std::chrono::steady_clock::now();
    m_check->update(m_parcels, changed);
    m_timings.checkMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void PlanEditor::apply(Edit edit) {
    if (edit.changes.empty()) throw EditRefused("没有图斑发生变化");
    applyChanges(edit, true);
    m_history.resize(m_at);
    std::string line = "{\"edit\":" + jsonQuote(edit.title) + ",\"changes\":[";
    for (std::size_t i = 0; i < edit.changes.size(); ++i) {
        const EditChange& c = edit.changes[i];
        line += (i ? "," : "") + std::string("{\"fid\":") + std::to_string(c.fid) + ",\"before\":" + parcelJson(c.before, c.originBefore) +
                ",\"after\":" + parcelJson(c.after, c.originAfter) + "}";
    }
    journal(line + "]}");
    m_history.push_back(std::move(edit));
    ++m_at;
}

void PlanEditor::undo() {
    if (!canUndo()) return;
    --m_at;
    applyChanges(m_history[m_at], false);
    journal("{\"undo\":1}");
}

void PlanEditor::redo() {
    if (!canRedo()) return;
    applyChanges(m_history[m_at], true);
    ++m_at;
    journal("{\"redo\":1}");
}

void PlanEditor::startFromCurrent() {
    if (!m_parcels.empty()) throw EditRefused("该村已有规划图斑，不能再从现状复制");
    Edit e{"从现状复制规划图斑", {}};
    for (const LandUseParcel& p : m_check->currentParcels()) {
        if (p.villageCode != m_village || p.period != "current") continue;
        LandUseParcel q = p;
        if (auto f = m_currentFields.find(p.fid); f != m_currentFields.end()) q.fields = f->second;
        e.changes.push_back(change(newId(), std::move(q), p.fid));
    }
    if (e.changes.empty()) throw EditRefused("该村没有现状图斑可以复制");
    apply(std::move(e));
}

long long PlanEditor::addParcel(const Polygons& shape, const std::string& code, bool avoidExisting) {
    if (!code.empty() && !isLanduseCode(code)) throw EditRefused("用地代码“" + code + "”不在2023年用地用海分类中");
    Geos& g = m_geom->geos;
    GeomPtr n = m_geom->shape(shape);
    if (GEOSisValid_r(g.h, n.get()) != 1) throw EditRefused("所绘图斑自相交，请重新绘制");
    if (m_geom->territory) n = polygonal(g, own(g, GEOSIntersection_r(g.h, n.get(), m_geom->territory.get())).get());
    if (!n || GEOSisEmpty_r(g.h, n.get()) || area(g, n.get()) <= 0) throw EditRefused("所绘图斑不在村域范围内");
    Edit e{"绘制图斑", {}};
    if (avoidExisting) {
        // Only what no parcel covers.
        std::vector<GeomPtr> under;
        const GEOSPreparedGeometry* near = GEOSPrepare_r(g.h, n.get());
        for (const auto& [fid, p] : m_parcels)
            if (GeomPtr b = toGeos(g, p.shape); b && GEOSPreparedIntersects_r(g.h, near, b.get()) == 1) under.push_back(std::move(b));
        GEOSPreparedGeom_destroy_r(g.h, near);
        if (!under.empty()) n = polygonal(g, own(g, GEOSDifference_r(g.h, n.get(), m_geom->unite(under).get())).get());
        if (!n || GEOSisEmpty_r(g.h, n.get()) || area(g, n.get()) < 1e-6) throw EditRefused("所绘范围已全部被已有图斑占用");
    } else {
        // The parcels under it lose what it covers.
        const GEOSPreparedGeometry* prep = GEOSPrepare_r(g.h, n.get());
        for (const auto& [fid, p] : m_parcels) {
            GeomPtr b = toGeos(g, p.shape);
            if (!b || GEOSPreparedIntersects_r(g.h, prep, b.get()) != 1 || GEOSPreparedTouches_r(g.h, prep, b.get()) == 1) continue;
            GeomPtr rest = polygonal(g, own(g, GEOSDifference_r(g.h, b.get(), n.get())).get());
            LandUseParcel q = p;
            if (!rest || GEOSisEmpty_r(g.h, rest.get()) || area(g, rest.get()) < 1e-6) {
                e.changes.push_back(change(fid, std::nullopt, 0));
                continue;
            }
            q.shape = fromGeos(g, rest.get());
            e.changes.push_back(change(fid, std::move(q), originOf(fid)));
        }
        GEOSPreparedGeom_destroy_r(g.h, prep);
    }
    const long long id = newId();
    LandUseParcel np;
    np.landuseCode = code;
    np.shape = fromGeos(g, n.get());
    e.changes.push_back(change(id, std::move(np), 0));
    apply(std::move(e));
    return id;
}

std::vector<long long> PlanEditor::split(long long fid, const std::vector<XY>& line) {
    const LandUseParcel* p = parcel(fid);
    if (!p) throw EditRefused("没有选中要分割的图斑");
    Geos& g = m_geom->geos;
    GeomPtr poly = m_geom->shape(p->shape);
    GeomPtr ln = m_geom->line(line, 0.01);
    std::vector<GeomPtr> pieces;
    for (GeomPtr& f : m_geom->faces(poly.get(), ln.get()))
        if (m_geom->within(f.get(), poly.get())) pieces.push_back(std::move(f));
    if (pieces.size() < 2) throw EditRefused("分割线没有穿过图斑（线的两端须在图斑之外或边界上）");
    // The largest piece keeps the id.
    std::sort(pieces.begin(), pieces.end(), [&](const GeomPtr& a, const GeomPtr& b) { return area(g, a.get()) > area(g, b.get()); });
    Edit e{"分割图斑", {}};
    std::vector<long long> ids;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        LandUseParcel q = *p;
        q.shape = fromGeos(g, pieces[i].get());
        const long long id = i == 0 ? fid : newId();
        e.changes.push_back(change(id, std::move(q), originOf(fid)));
        ids.push_back(id);
    }
    apply(std::move(e));
    return ids;
}

long long PlanEditor::merge(const std::vector<long long>& fids) {
    if (fids.size() < 2) throw EditRefused("合并至少需要选中两个图斑");
    Geos& g = m_geom->geos;
    std::vector<GeomPtr> parts;
    long long keep = 0;
    double best = -1;
    for (long long fid : fids) {
        const LandUseParcel* p = parcel(fid);
        if (!p) throw EditRefused("图斑（要素" + std::to_string(fid) + "）不存在");
        parts.push_back(m_geom->shape(p->shape));
        const double a = area(g, parts.back().get());
        if (a > best) best = a, keep = fid;
    }
    GeomPtr u = m_geom->unite(parts);
    if (!u || GEOSGetNumGeometries_r(g.h, u.get()) != 1) throw EditRefused("所选图斑互不相邻，不能合并为一个图斑");
    Edit e{"合并图斑", {}};
    LandUseParcel q = *parcel(keep);
    q.shape = fromGeos(g, u.get());
    e.changes.push_back(change(keep, std::move(q), originOf(keep)));
    for (long long fid : fids)
        if (fid != keep) e.changes.push_back(change(fid, std::nullopt, 0));
    apply(std::move(e));
    return keep;
}

// Long on purpose: one boundary redrawn, the neighbours kept in step.
void PlanEditor::reshape(long long fid, const std::vector<XY>& line) {
    const LandUseParcel* p = parcel(fid);
    if (!p) throw EditRefused("没有选中要修整的图斑");
    Geos& g = m_geom->geos;
    GeomPtr poly = m_geom->shape(p->shape);
    GeomPtr ln = m_geom->line(line, 0.01);
    std::vector<GeomPtr> in, added;
    for (GeomPtr& f : m_geom->faces(poly.get(), ln.get())) {
        if (m_geom->within(f.get(), poly.get()))
            in.push_back(std::move(f));
        else if (m_geom->sharedLength(f.get(), ln.get()) > 1e-6)
            added.push_back(std::move(f));
    }
    if (in.empty()) throw EditRefused("修整线与图斑无关");
    std::sort(in.begin(), in.end(), [&](const GeomPtr& a, const GeomPtr& b) { return area(g, a.get()) > area(g, b.get()); });
    std::vector<GeomPtr> removed;
    for (std::size_t i = 1; i < in.size(); ++i) removed.push_back(std::move(in[i]));
    if (removed.empty() && added.empty()) throw EditRefused("修整线须从图斑边界出发并回到边界（两次穿过边界）");
    std::vector<GeomPtr> keepParts;
    keepParts.push_back(std::move(in[0]));
    GeomPtr add = added.empty() ? GeomPtr(nullptr, GeomDeleter{g.h}) : m_geom->unite(added);
    if (add && m_geom->territory) add = polygonal(g, own(g, GEOSIntersection_r(g.h, add.get(), m_geom->territory.get())).get());
    if (add && !GEOSisEmpty_r(g.h, add.get())) keepParts.push_back(own(g, GEOSGeom_clone_r(g.h, add.get())));
    GeomPtr result = m_geom->unite(keepParts);
    if (!result || GEOSGetNumGeometries_r(g.h, result.get()) != 1) throw EditRefused("修整后图斑不再是一个整体，未修整");
    Edit e{"修整图斑边界", {}};
    LandUseParcel q = *p;
    q.shape = fromGeos(g, result.get());
    e.changes.push_back(change(fid, std::move(q), originOf(fid)));
    // The neighbours: what the parcel took is cut from them; what it gave up goes to the one
    // that shares most of its boundary.
    std::map<long long, GeomPtr> next;
    auto current = [&](long long id) -> GEOSGeometry* {
        auto it = next.find(id);
        if (it == next.end()) it = next.emplace(id, m_geom->shape(m_parcels.at(id).shape)).first;
        return it->second.get();
    };
    if (add && !GEOSisEmpty_r(g.h, add.get())) {
        for (const auto& [id, n] : m_parcels) {
            if (id == fid) continue;
            GeomPtr b = toGeos(g, n.shape);
            if (!b || GEOSIntersects_r(g.h, b.get(), add.get()) != 1 || GEOSTouches_r(g.h, b.get(), add.get()) == 1) continue;
            GEOSGeometry* cur = current(id);
            next[id] = polygonal(g, own(g, GEOSDifference_r(g.h, cur, add.get())).get());
        }
    }
    for (GeomPtr& r : removed) {
        long long best = 0;
        double bestLen = 0;
        for (const auto& [id, n] : m_parcels) {
            if (id == fid) continue;
            GeomPtr b = toGeos(g, n.shape);
            if (!b || GEOSIntersects_r(g.h, b.get(), r.get()) != 1) continue;
            const double len = m_geom->sharedLength(r.get(), b.get());
            if (len > bestLen) bestLen = len, best = id;
        }
        if (best == 0) continue;
        std::vector<GeomPtr> two;
        two.push_back(own(g, GEOSGeom_clone_r(g.h, current(best))));
        two.push_back(std::move(r));
        next[best] = m_geom->unite(two);
    }
    for (auto& [id, shape] : next) {
        if (!shape || GEOSisEmpty_r(g.h, shape.get()) || area(g, shape.get()) < 1e-6) {
            e.changes.push_back(change(id, std::nullopt, 0));
            continue;
        }
        LandUseParcel n = m_parcels.at(id);
        n.shape = fromGeos(g, shape.get());
        e.changes.push_back(change(id, std::move(n), originOf(id)));
    }
    apply(std::move(e));
}

void PlanEditor::moveVertex(XY from, XY to, double tolerance) {
    const double t2 = tolerance * tolerance;
    Edit e{"移动折点", {}};
    Geos& g = m_geom->geos;
    for (long long fid : m_geom->parcelsNear(from, tolerance)) {
        LandUseParcel q = m_parcels.at(fid);
        bool moved = false;
        for (Polygon& poly : q.shape)
            for (Ring& r : poly.rings)
                for (XY& pt : r)
                    if (dist2(pt, from) <= t2) pt = to, moved = true;
        if (!moved) continue;
        GeomPtr gq = toGeos(g, q.shape);
        if (!gq || GEOSisValid_r(g.h, gq.get()) != 1) throw EditRefused("移动后图斑（要素" + std::to_string(fid) + "）边界自相交，未移动");
        e.changes.push_back(change(fid, std::move(q), originOf(fid)));
    }
    if (e.changes.empty()) throw EditRefused("此处没有折点");
    apply(std::move(e));
}

void PlanEditor::insertVertex(XY at, double tolerance) {
    Edit e{"添加折点", {}};
    const double t2 = tolerance * tolerance;
    for (long long fid : m_geom->parcelsNear(at, tolerance)) {
        LandUseParcel q = m_parcels.at(fid);
        bool added = false;
        for (Polygon& poly : q.shape)
            for (Ring& r : poly.rings) {
                bool hasVertex = false;
                for (const XY& pt : r) hasVertex = hasVertex || dist2(pt, at) <= 1e-12;
                if (hasVertex) continue;
                for (std::size_t i = 0; i + 1 < r.size(); ++i)
                    if (dist2(closestOnSegment(at, r[i], r[i + 1]), at) <= t2) {
                        r.insert(r.begin() + static_cast<std::ptrdiff_t>(i) + 1, at);
                        added = true;
                        break;
                    }
            }
        if (added) e.changes.push_back(change(fid, std::move(q), originOf(fid)));
    }
    if (e.changes.empty()) throw EditRefused("此处没有图斑边界");
    apply(std::move(e));
}

void PlanEditor::deleteVertex(XY at, double tolerance) {
    Edit e{"删除折点", {}};
    const double t2 = tolerance * tolerance;
    Geos& g = m_geom->geos;
    for (long long fid : m_geom->parcelsNear(at, tolerance)) {
        LandUseParcel q = m_parcels.at(fid);
        bool removed = false;
        for (Polygon& poly : q.shape)
            for (Ring& r : poly.rings) {
                for (std::size_t i = 0; i + 1 < r.size(); ++i) {
                    if (dist2(r[i], at) > t2) continue;
                    if (r.size() <= 4) throw EditRefused("图斑（要素" + std::to_string(fid) + "）的环只剩三个角点，不能再删除折点");
                    r.erase(r.begin() + static_cast<std::ptrdiff_t>(i));
                    if (i == 0) r.back() = r.front();
                    removed = true;
                    break;
                }
            }
        if (!removed) continue;
        GeomPtr gq = toGeos(g, q.shape);
        if (!gq || GEOSisValid_r(g.h, gq.get()) != 1)
            throw EditRefused("删除折点后图斑（要素" + std::to_string(fid) + "）边界自相交，未删除");
        e.changes.push_back(change(fid, std::move(q), originOf(fid)));
    }
    if (e.changes.empty()) throw EditRefused("此处没有折点");
    apply(std::move(e));
}

void PlanEditor::remove(const std::vector<long long>& fids) {
    Edit e{"删除图斑", {}};
    for (long long fid : fids)
        if (parcel(fid)) e.changes.push_back(change(fid, std::nullopt, 0));
    if (e.changes.empty()) throw EditRefused("没有选中图斑");
    apply(std::move(e));
}

void PlanEditor::setCode(const std::vector<long long>& fids, const std::string& code) {
    if (!isLanduseCode(code)) throw EditRefused("用地代码“" + code + "”不在2023年用地用海分类中");
    Edit e{"设置用地代码 " + code, {}};
    for (long long fid : fids)
        if (const LandUseParcel* p = parcel(fid); p && p->landuseCode != code) {
            LandUseParcel q = *p;
            q.landuseCode = code;
            e.changes.push_back(change(fid, std::move(q), originOf(fid)));
        }
    if (e.changes.empty()) throw EditRefused("所选图斑已是该用地代码");
    apply(std::move(e));
}

void PlanEditor::setField(const std::vector<long long>& fids, const std::string& field, const std::string& value) {
    auto def = std::find_if(m_fieldDefs.begin(), m_fieldDefs.end(), [&](const FieldInfo& f) { return f.name == field; });
    if (def == m_fieldDefs.end()) throw EditRefused("图层 landuse_plan 没有可编辑的字段“" + field + "”");
    if (!value.empty() && (def->kind == FieldKind::Integer || def->kind == FieldKind::Real)) {
        char* end = nullptr;
        if (def->kind == FieldKind::Integer)
            (void)std::strtoll(value.c_str(), &end, 10);
        else
            (void)std::strtod(value.c_str(), &end);
        const std::string kind = def->kind == FieldKind::Integer ? "整数" : "数值";
        if (end == value.c_str() || *end != '\0') throw EditRefused("字段“" + field + "”为" + kind + "，“" + value + "”不是" + kind);
    }
    Edit e{"修改属性“" + field + "”", {}};
    for (long long fid : fids)
        if (const LandUseParcel* p = parcel(fid)) {
            LandUseParcel q = *p;
            if (value.empty())
                q.fields.erase(field);
            else
                q.fields[field] = value;
            if (q.fields == p->fields) continue;
            e.changes.push_back(change(fid, std::move(q), originOf(fid)));
        }
    if (e.changes.empty()) throw EditRefused("属性没有变化");
    apply(std::move(e));
}

long long PlanEditor::parcelAt(XY at) const {
    std::vector<SegValue> hits;
    long long best = 0;
    double bestArea = 0;
    // A parcel holding the point has an edge on each side of it: look along the row.
    m_geom->tree.query(bgi::intersects(BBox(BPoint(-1e300, at.y), BPoint(1e300, at.y))), std::back_inserter(hits));
    std::set<long long> owners;
    for (const SegValue& h : hits)
        if (h.second.kind == 0) owners.insert(h.second.owner);
    for (long long fid : owners) {
        const LandUseParcel& p = m_parcels.at(fid);
        if (!inside(p.shape, at)) continue;
        const double a = shapeArea(p.shape);
        if (best == 0 || a < bestArea) best = fid, bestArea = a;
    }
    return best;
}

std::optional<SnapHit> PlanEditor::snap(XY at, double tolerance) const {
    std::vector<SegValue> hits;
    m_geom->tree.query(bgi::intersects(BBox(BPoint(at.x - tolerance, at.y - tolerance), BPoint(at.x + tolerance, at.y + tolerance))),
                       std::back_inserter(hits));
    const double t2 = tolerance * tolerance;
    std::optional<SnapHit> vertex, edge;
    double dv = t2, de = t2;
    for (const SegValue& h : hits) {
        for (XY q : {h.second.a, h.second.b})
            if (const double d = dist2(q, at); d <= dv) dv = d, vertex = SnapHit{q, true, kindName(h.second.kind)};
        const XY c = closestOnSegment(at, h.second.a, h.second.b);
        if (const double d = dist2(c, at); d <= de) de = d, edge = SnapHit{c, false, kindName(h.second.kind)};
    }
    return vertex ? vertex : edge;
}

bool PlanEditor::modified() const { return unsavedChanges() > 0; }

std::size_t PlanEditor::unsavedChanges() const {
    std::size_t n = 0;
    for (const auto& [fid, p] : m_parcels) {
        auto it = m_saved.find(fid);
        if (it == m_saved.end() || !sameParcel(it->second, p)) ++n;
    }
    for (const auto& [fid, p] : m_saved)
        if (!m_parcels.count(fid)) ++n;
    return n;
}

namespace {

OGRGeometry* ogrOf(const Polygons& shape) {
    auto* multi = new OGRMultiPolygon();
    for (const Polygon& p : shape) {
        auto* poly = new OGRPolygon();
        for (const Ring& r : p.rings) {
            auto* ring = new OGRLinearRing();
            for (const XY& q : r) ring->addPoint(q.x, q.y);
            poly->addRingDirectly(ring);
        }
        multi->addGeometryDirectly(poly);
    }
    return multi;
}

}  // namespace

// Long on purpose: every change since the last save, in one transaction.
std::map<long long, long long> PlanEditor::saveToFile() {
    io::initGdal();
    io::DatasetPtr ds = io::openVector(m_path, true);
    OGRLayer* layer = ds->GetLayerByName("landuse_plan");
    if (!layer) throw DataError({m_path, "landuse_plan"}, "the project has no landuse_plan layer");
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    const int fCode = defn->GetFieldIndex("landuse_code"), fVillage = defn->GetFieldIndex("village_code"),
              fPeriod = defn->GetFieldIndex("period");
    if (fCode < 0 || fVillage < 0 || fPeriod < 0)
        throw DataError({m_path, "landuse_plan", "",
                         fCode < 0      ? "landuse_code"
                         : fVillage < 0 ? "village_code"
                                        : "period"},
                        "the landuse_plan layer lacks this field");
    if (io::startWriteTransaction(*ds) != OGRERR_NONE)
        throw DataError({m_path, "landuse_plan"}, "cannot start a transaction: " + io::lastGdalError());
    std::map<long long, long long> assigned;  // new parcel -> its feature id
    try {
        for (const auto& [fid, p] : m_saved)
            if (!m_parcels.count(fid) && layer->DeleteFeature(fid) != OGRERR_NONE)
                throw DataError({m_path, "landuse_plan", std::to_string(fid)}, "cannot delete the parcel: " + io::lastGdalError());
        for (const auto& [fid, p] : m_parcels) {
            auto saved = m_saved.find(fid);
            if (saved != m_saved.end() && sameParcel(saved->second, p)) continue;
            io::FeaturePtr f;
            if (saved != m_saved.end()) {
                f.reset(layer->GetFeature(fid));
                if (!f) throw DataError({m_path, "landuse_plan", std::to_string(fid)}, "the parcel is no longer in the project");
            } else if (const long long origin = originOf(fid); origin > 0) {
                io::FeaturePtr src(layer->GetFeature(origin));
                f.reset(src ? src->Clone() : OGRFeature::CreateFeature(defn));
                f->SetFID(OGRNullFID);
            } else {
                f.reset(OGRFeature::CreateFeature(defn));
            }
            f->SetField(fCode, p.landuseCode.c_str());
            f->SetField(fVillage, m_village.c_str());
            f->SetField(fPeriod, "planned");
            for (const FieldInfo& d : m_fieldDefs) {
                const int i = defn->GetFieldIndex(d.name.c_str());
                if (i < 0) continue;
                if (auto v = p.fields.find(d.name); v != p.fields.end())
                    f->SetField(i, v->second.c_str());
                else
                    f->SetFieldNull(i);
            }
            f->SetGeometryDirectly(ogrOf(p.shape));
            const OGRErr err = saved != m_saved.end() ? layer->SetFeature(f.get()) : layer->CreateFeature(f.get());
            if (err != OGRERR_NONE)
                throw DataError({m_path, "landuse_plan", std::to_string(fid)}, "cannot write the parcel: " + io::lastGdalError());
            if (saved == m_saved.end()) assigned[fid] = f->GetFID();
        }
        if (ds->CommitTransaction() != OGRERR_NONE) throw io::CommitFailed({m_path, "landuse_plan"}, io::commitFailure());
    } catch (...) {
        ds->RollbackTransaction();
        throw;
    }
    return assigned;
}

SaveConflicts::SaveConflicts(std::vector<SaveConflict> conflicts)
    : std::runtime_error("其他人已保存了其中" + std::to_string(conflicts.size()) +
                         "个图斑，本次保存未写入任何内容 / others saved some of these parcels since you read them: nothing was written"),
      m_conflicts(std::move(conflicts)) {}

// The server form of a save: one short transaction through io::server::saveEdits, each parcel
// carrying the row version it was read at; a parcel changed there since refuses the save.
std::map<long long, long long> PlanEditor::saveToServer() {
    std::vector<io::server::FeatureEdit> edits;
    std::vector<long long> ids;  // the editor's id of each edit
    const auto versionOf = [&](long long fid) {
        auto v = m_versions.find(fid);
        if (v == m_versions.end()) throw DataError({m_path, "landuse_plan", std::to_string(fid)}, "the parcel's row version is unknown");
        return v->second;
    };
    for (const auto& [fid, p] : m_saved)
        if (!m_parcels.count(fid)) {
            io::server::FeatureEdit e;
            e.layer = "landuse_plan";
            e.fid = fid;
            e.version = versionOf(fid);
            e.remove = true;
            edits.push_back(std::move(e));
            ids.push_back(fid);
        }
    for (const auto& [fid, p] : m_parcels) {
        auto saved = m_saved.find(fid);
        if (saved != m_saved.end() && sameParcel(saved->second, p)) continue;
        io::server::FeatureEdit e;
        e.layer = "landuse_plan";
        e.fid = saved != m_saved.end() ? fid : 0;
        e.version = saved != m_saved.end() ? versionOf(fid) : 0;
        e.fields = {{"village_code", m_village}, {"landuse_code", p.landuseCode}, {"period", std::string("planned")}};
        for (const FieldInfo& d : m_fieldDefs) {
            auto v = p.fields.find(d.name);
            e.fields.emplace_back(d.name, v != p.fields.end() ? std::optional<std::string>(v->second) : std::nullopt);
        }
        e.wkt = io::wkbHex(*std::unique_ptr<OGRGeometry>(ogrOf(p.shape)));
        edits.push_back(std::move(e));
        ids.push_back(fid);
    }
    if (edits.empty()) return {};
    const io::server::SaveResult r = io::server::saveEdits(m_path, edits);
    if (!r.saved) {
        std::vector<SaveConflict> list;
        m_conflicts.clear();
        for (const io::server::Conflict& k : r.conflicts) {
            SaveConflict c{k.fid, k.yourVersion, k.theirVersion, k.changedBy, k.changedAt};
            m_conflicts[k.fid] = c;
            list.push_back(std::move(c));
        }
        throw SaveConflicts(std::move(list));
    }
    m_conflicts.clear();
    std::map<long long, long long> assigned;
    for (std::size_t i = 0; i < edits.size(); ++i) {
        if (edits[i].remove) {
            m_versions.erase(ids[i]);
            continue;
        }
        if (edits[i].fid == 0) assigned[ids[i]] = r.fids.at(i);
        m_versions[r.fids.at(i)] = r.versions.at(i);
    }
    return assigned;
}

void PlanEditor::keepMine(const std::vector<long long>& fids) {
    for (long long fid : fids) {
        auto k = m_conflicts.find(fid);
        if (k == m_conflicts.end()) continue;
        if (k->second.theirVersion < 0) {
            // Deleted there: mine comes back as a new parcel (or my deletion has nothing to do).
            m_saved.erase(fid);
            m_versions.erase(fid);
        } else {
            m_versions[fid] = k->second.theirVersion;
        }
        m_conflicts.erase(k);
    }
}

void PlanEditor::takeTheirs(const std::vector<long long>& fids) {
    if (fids.empty()) return;
    if (!onServer()) throw UsageError("only a project on the shared server has others' saves to take");
    // The server's parcels now (a parcel deleted there, or no longer this village's plan, is gone).
    std::map<long long, LandUseParcel> theirs;
    std::map<long long, long long> versions;
    std::string list;
    for (long long fid : fids) list += (list.empty() ? "" : ",") + std::to_string(fid);
    io::GpkgSource project(m_path);
    FeatureQuery q;
    q.fields = {"landuse_code", "ra_version"};
    for (const FieldInfo& f : m_fieldDefs) q.fields.push_back(f.name);
    q.geometry = true;
    q.asText = true;
    q.where = "fid IN (" + list + ") AND village_code = '" + m_village + "' AND period = 'planned'";
    project.readFeatures("landuse_plan", q, [&](const Feature& f) {
        LandUseParcel p;
        p.fid = f.fid;
        p.villageCode = m_village;
        p.period = "planned";
        p.landuseCode = valueAsText(f.values[0]);
        p.shape = polygonsOf(f.geometry);
        for (std::size_t i = 0; i < m_fieldDefs.size(); ++i)
            if (!std::holds_alternative<std::monostate>(f.values[i + 2])) p.fields[m_fieldDefs[i].name] = valueAsText(f.values[i + 2]);
        versions[f.fid] = std::stoll(valueAsText(f.values[1]));
        theirs.emplace(f.fid, std::move(p));
    });
    Edit e;
    e.title = "采用他人保存的图斑";
    for (long long fid : fids) {
        auto t = theirs.find(fid);
        // The saved state becomes theirs; the edited state too, as an edit that can be undone.
        if (t != theirs.end()) {
            m_saved[fid] = t->second;
            m_versions[fid] = versions.at(fid);
        } else {
            m_saved.erase(fid);
            m_versions.erase(fid);
        }
        m_conflicts.erase(fid);
        const LandUseParcel* mine = parcel(fid);
        if (t == theirs.end() && !mine) continue;
        if (t != theirs.end() && mine && sameParcel(*mine, t->second)) continue;
        e.changes.push_back(change(fid, t != theirs.end() ? std::optional<LandUseParcel>(t->second) : std::nullopt, 0));
    }
    if (!e.changes.empty()) apply(std::move(e));
}

void PlanEditor::save() {
    const std::map<long long, long long> assigned = onServer() ? saveToServer() : saveToFile();
    // The new parcels under their feature ids; the saved state is now.
    std::map<long long, LandUseParcel> now;
    for (auto& [fid, p] : m_parcels) {
        auto a = assigned.find(fid);
        const long long id = a != assigned.end() ? a->second : fid;
        p.fid = id;
        now.emplace(id, std::move(p));
    }
    m_parcels = std::move(now);
    m_saved = m_parcels;
    m_origin.clear();
    m_history.clear();
    m_at = 0;
    m_geom->byParcel.clear();
    m_geom->tree.clear();
    discard();
}

void PlanEditor::discard() {
    // Back to the saved state; the fixed snapping layers stay.
    std::set<long long> changed;
    for (const auto& [fid, p] : m_parcels) changed.insert(fid);
    for (const auto& [fid, p] : m_saved) changed.insert(fid);
    for (long long fid : changed) m_geom->setParcel(fid, nullptr);
    m_parcels = m_saved;
    m_origin.clear();
    for (const auto& [fid, p] : m_parcels) m_geom->setParcel(fid, &p);
    m_history.clear();
    m_at = 0;
    m_recoverable = 0;
    std::error_code ec;
    std::filesystem::remove(journalPath(), ec);
    m_journalStarted = false;
    m_check->update(m_parcels, {}, true);
}

std::string PlanEditor::journalPath() const {
    if (!onServer()) return m_path + ".edit-" + m_village + ".jsonl";
    // A server project: a local folder of the user's, one journal per connection (server,
    // database, login, county) and village. The name never holds a password.
    std::string key;
    std::istringstream words(m_path.substr(3));
    for (std::string w; words >> w;)
        if (w.rfind("password=", 0) != 0) key += w + " ";
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    std::filesystem::path dir = xdg && *xdg ? std::filesystem::path(xdg) : std::filesystem::path(home ? home : "/tmp") / ".local/share";
    dir /= "ruralatlas/journals";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    char name[40];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
    return (dir / (std::string("server-") + name + ".edit-" + m_village + ".jsonl")).string();
}

void PlanEditor::journal(const std::string& line) {
    const std::string path = journalPath();
    std::FILE* f = std::fopen(path.c_str(), m_journalStarted ? "ab" : "wb");
    if (!f) throw DataError({path}, "cannot write the edit journal (unsaved edits could not be recovered)");
    if (!m_journalStarted) {
        long long fidSum = 0;
        for (const auto& [fid, p] : m_saved) fidSum += fid;
        const std::string head = "{\"journal\":\"ruralatlas-plan-edit\",\"village\":" + jsonQuote(m_village) +
                                 ",\"saved\":" + std::to_string(m_saved.size()) + ",\"fid_sum\":" + std::to_string(fidSum) + "}\n";
        std::fwrite(head.data(), 1, head.size(), f);
        m_journalStarted = true;
    }
    std::fwrite(line.data(), 1, line.size(), f);
    std::fputc('\n', f);
    std::fflush(f);
    std::fclose(f);
}

void PlanEditor::readJournal() {
    std::ifstream in(journalPath(), std::ios::binary);
    if (!in) return;
    std::string line;
    if (!std::getline(in, line)) return;
    try {
        const JsonValue head = parseJson(line, journalPath());
        long long fidSum = 0;
        for (const auto& [fid, p] : m_saved) fidSum += fid;
        const JsonValue *v = head.find("village"), *n = head.find("saved"), *s = head.find("fid_sum");
        if (!v || v->string() != m_village || !n || static_cast<std::size_t>(n->number()) != m_saved.size() || !s ||
            static_cast<long long>(s->number()) != fidSum)
            return;  // the project was saved since: the journal no longer applies
        std::vector<std::string> edits;
        std::size_t at = 0;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            const JsonValue j = parseJson(line, journalPath());  // a torn last line throws: the edits before it stand
            if (j.find("undo")) {
                if (at > 0) --at;
            } else if (j.find("redo")) {
                if (at < edits.size()) ++at;
            } else if (j.find("edit")) {
                edits.resize(at);
                edits.push_back(line);
                ++at;
            }
        }
        m_journalLines.assign(edits.begin(), edits.begin() + static_cast<std::ptrdiff_t>(at));
    } catch (const std::exception&) {
        // keep what was read before the damaged line
    }
    m_recoverable = m_journalLines.size();
}

void PlanEditor::recover() {
    if (m_journalLines.empty()) return;
    std::map<long long, LandUseParcel> state = m_parcels;
    std::map<long long, long long> origin = m_origin;
    for (const std::string& line : m_journalLines) {
        const JsonValue j = parseJson(line, journalPath());
        for (const JsonValue& c : j.find("changes")->array()) {
            const long long fid = static_cast<long long>(c.find("fid")->number());
            long long o = 0;
            std::optional<LandUseParcel> after = parcelFromJson(*c.find("after"), m_village, fid, &o);
            if (after)
                state[fid] = std::move(*after);
            else
                state.erase(fid);
            if (after && o != 0 && o != fid)
                origin[fid] = o;
            else
                origin.erase(fid);
            m_nextTemp = std::min(m_nextTemp, fid - 1);
        }
    }
    m_journalLines.clear();
    m_recoverable = 0;
    Edit e{"恢复未保存的编辑", {}};
    for (const auto& [fid, p] : state) {
        const LandUseParcel* now = parcel(fid);
        if (now && sameParcel(*now, p)) continue;
        auto o = origin.find(fid);
        e.changes.push_back(change(fid, p, o == origin.end() ? (fid > 0 ? fid : 0) : o->second));
    }
    for (const auto& [fid, p] : m_parcels)
        if (!state.count(fid)) e.changes.push_back(change(fid, std::nullopt, 0));
    m_journalStarted = false;  // the journal starts again with this one edit
    if (!e.changes.empty()) apply(std::move(e));
}

}  // namespace ruralatlas::villageplan
