// Village territories, the current land-use mosaic of every village, drafted plans for a third of
// them with their construction boundaries, and a few deliberate mistakes for `plan-check` to find
// (listed in County::notes and in the project's project_meta as demo_plan_mistakes).
#include "io/demo/plans.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/format.hpp"
#include "io/demo/shapes.hpp"

namespace ruralatlas::demo {

namespace {

// Construction land (建设用地) of the 2023 classification: 07-16.
bool isBuilt(const std::string& code) { return code.size() >= 2 && code.compare(0, 2, "07") >= 0 && code.compare(0, 2, "16") <= 0; }

double slopeDeg(const Dem& dem, Pt p) {
    const double h = std::max(dem.cell, 15.0);
    const double gx = (dem.at(p.x + h, p.y) - dem.at(p.x - h, p.y)) / (2 * h);
    const double gy = (dem.at(p.x, p.y + h) - dem.at(p.x, p.y - h)) / (2 * h);
    return std::atan(std::hypot(gx, gy)) * 180.0 / kPi;
}

struct Cell {
    GEOSGeometry* shape = nullptr;
    Pt centre;
    double d = 0;  // to the village point
    std::string current, planned;
    bool touchesEdge = false;
    GEOSGeometry* plannedShape = nullptr;  // when a mistake redraws the planned parcel
};

GEOSGeometry* fromOgr(const Geos& geos, const OGRGeometry* g) { return g ? g->exportToGEOS(geos.h) : nullptr; }

}  // namespace

// Long on purpose: territories, mosaics, plans, boundaries, then the zones made consistent and the
// mistakes put in, in that order (each stage needs the ones before).
void planVillages(County& c, const Dem& dem, std::uint64_t seed, int parcelsPerVillage, const std::function<double(Pt)>& riverDistance) {
    Geos geos;
    const std::size_t nv = c.villages.size();
    std::vector<GEOSGeometry*> territory(nv, nullptr);

    // Territories: per township, the Voronoi cells of its villages clipped to the township.
    for (std::size_t t = 0; t < c.townships.size(); ++t) {
        GEOSGeometry* area = fromOgr(geos, c.townships[t].area.get());
        if (!area) continue;
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < nv; ++i)
            if (c.villages[i].township == static_cast<int>(t)) members.push_back(i);
        if (members.size() == 1) {
            territory[members[0]] = GEOSGeom_clone_r(geos.h, area);
        } else if (!members.empty()) {
            std::vector<GEOSGeometry*> pts;
            for (std::size_t i : members) pts.push_back(geos.point(c.villages[i].at));
            GEOSGeometry* mp = GEOSGeom_createCollection_r(geos.h, GEOS_MULTIPOINT, pts.data(), static_cast<unsigned>(pts.size()));
            GEOSGeometry* cells = GEOSVoronoiDiagram_r(geos.h, mp, area, 0.0, 0);
            const GEOSPreparedGeometry* inside = GEOSPrepare_r(geos.h, area);
            const int n = GEOSGetNumGeometries_r(geos.h, cells);
            for (int k = 0; k < n; ++k) {
                const GEOSGeometry* cell = GEOSGetGeometryN_r(geos.h, cells, k);
                const GEOSPreparedGeometry* pc = GEOSPrepare_r(geos.h, cell);
                for (std::size_t i : members) {
                    if (territory[i]) continue;
                    GEOSGeometry* p = geos.point(c.villages[i].at);
                    const bool has = GEOSPreparedContains_r(geos.h, pc, p) == 1;
                    GEOSGeom_destroy_r(geos.h, p);
                    if (has) {
                        territory[i] = GEOSIntersection_r(geos.h, cell, area);
                        break;
                    }
                }
                GEOSPreparedGeom_destroy_r(geos.h, pc);
            }
            GEOSPreparedGeom_destroy_r(geos.h, inside);
            GEOSGeom_destroy_r(geos.h, cells);
            GEOSGeom_destroy_r(geos.h, mp);
        }
        GEOSGeom_destroy_r(geos.h, area);
    }
    // Zones that new construction must keep out of, as GEOS.
    std::vector<std::pair<std::string, GEOSGeometry*>> zones;
    for (const Constraint& k : c.constraints)
        if (GEOSGeometry* g = fromOgr(geos, k.area.get())) zones.push_back({k.kind, g});
    auto inZone = [&](const GEOSGeometry* g, std::initializer_list<const char*> kinds) {
        for (const auto& [kind, z] : zones)
            for (const char* k : kinds)
                if (kind == k && GEOSIntersects_r(geos.h, z, g) == 1) return true;
        return false;
    };

    // Mosaics, and plans for every third rural village.
    std::vector<std::vector<Cell>> mosaic(nv);
    std::vector<std::size_t> planned;
    if (parcelsPerVillage > 0)
        for (std::size_t vi = 0; vi < nv; ++vi) {
            Village& v = c.villages[vi];
            GEOSGeometry* terr = territory[vi];
            if (!terr || GEOSisEmpty_r(geos.h, terr)) continue;
            Rng rng(mix(seed, 9000000 + 100000ULL * static_cast<std::uint64_t>(c.index) + vi));
            double minx = 0, miny = 0, maxx = 0, maxy = 0;
            GEOSGeom_getXMin_r(geos.h, terr, &minx);
            GEOSGeom_getYMin_r(geos.h, terr, &miny);
            GEOSGeom_getXMax_r(geos.h, terr, &maxx);
            GEOSGeom_getYMax_r(geos.h, terr, &maxy);
            const GEOSPreparedGeometry* inside = GEOSPrepare_r(geos.h, terr);
            std::vector<GEOSGeometry*> pts;
            pts.push_back(geos.point(v.at));
            for (int tries = 0; static_cast<int>(pts.size()) < parcelsPerVillage && tries < parcelsPerVillage * 20; ++tries) {
                // Denser near the village: half the points within a few hundred metres.
                Pt p;
                if (rng.chance(0.35)) {
                    const double a = rng.uniform(0, 2 * kPi), r = 450 * std::sqrt(rng.uniform());
                    p = {v.at.x + r * std::cos(a), v.at.y + r * std::sin(a)};
                } else {
                    p = {rng.uniform(minx, maxx), rng.uniform(miny, maxy)};
                }
                GEOSGeometry* g = geos.point(p);
                if (GEOSPreparedContains_r(geos.h, inside, g) == 1)
                    pts.push_back(g);
                else
                    GEOSGeom_destroy_r(geos.h, g);
            }
            GEOSGeometry* mp = GEOSGeom_createCollection_r(geos.h, GEOS_MULTIPOINT, pts.data(), static_cast<unsigned>(pts.size()));
            GEOSGeometry* cells = GEOSVoronoiDiagram_r(geos.h, mp, terr, 0.0, 0);
            GEOSGeometry* edge = GEOSBoundary_r(geos.h, terr);
            const int n = GEOSGetNumGeometries_r(geos.h, cells);
            std::vector<Cell>& out = mosaic[vi];
            for (int k = 0; k < n; ++k) {
                const GEOSGeometry* cell = GEOSGetGeometryN_r(geos.h, cells, k);
                GEOSGeometry* part = GEOSPreparedContains_r(geos.h, inside, cell) == 1 ? GEOSGeom_clone_r(geos.h, cell)
                                                                                       : GEOSIntersection_r(geos.h, cell, terr);
                double a = 0;
                if (!part || GEOSisEmpty_r(geos.h, part) || GEOSArea_r(geos.h, part, &a) == 0 || a < 1.0) {
                    if (part) GEOSGeom_destroy_r(geos.h, part);
                    continue;
                }
                Cell x;
                x.shape = part;
                GEOSGeometry* cen = GEOSPointOnSurface_r(geos.h, part);
                GEOSGeomGetX_r(geos.h, cen, &x.centre.x);
                GEOSGeomGetY_r(geos.h, cen, &x.centre.y);
                GEOSGeom_destroy_r(geos.h, cen);
                x.d = dist(x.centre, v.at);
                double gap = 0;
                x.touchesEdge = GEOSDistance_r(geos.h, part, edge, &gap) != 1 || gap < 5.0;
                out.push_back(x);
            }
            GEOSGeom_destroy_r(geos.h, edge);
            GEOSGeom_destroy_r(geos.h, cells);
            GEOSGeom_destroy_r(geos.h, mp);
            GEOSPreparedGeom_destroy_r(geos.h, inside);
            std::sort(out.begin(), out.end(), [](const Cell& a, const Cell& b) { return a.d < b.d; });
            // Current land use: homesteads at the village, water along rivers, paddy on flat land
            // near water, dry fields, tea and orchards on gentle slopes, forest on steep ones.
            const bool urban = v.classCode[0] == '1';
            for (std::size_t k = 0; k < out.size(); ++k) {
                Cell& x = out[k];
                const double wet = riverDistance(x.centre), slope = slopeDeg(dem, x.centre);
                std::string code;
                if (k == 0)
                    code = urban ? "0701" : "0703";
                else if (k < 4 || x.d < 160)
                    code = urban ? (rng.chance(0.7) ? "0701" : "0901") : (rng.chance(0.8) ? "0703" : (rng.chance(0.5) ? "0704" : "1207"));
                else if (wet < 80)
                    code = "1701";
                else if (slope > 20)
                    code = rng.chance(0.6) ? "0301" : (rng.chance(0.5) ? "0302" : "0303");
                else if (slope < 8 && wet < 900)
                    code = rng.chance(0.8) ? "0101" : "0102";
                else if (slope < 15)
                    code = rng.chance(0.6) ? "0103" : (rng.chance(0.5) ? "0202" : "0201");
                else
                    code = rng.chance(0.5) ? "0301" : "0304";
                x.current = x.planned = code;
            }
            if (urban || vi % 3 != 0 || out.size() < 8) continue;
            // The plan: structure adjustment (dry fields to tea, shrub to forest) and a few new homesteads
            // next to the village on land free of the zones.
            planned.push_back(vi);
            v.hasVillagePlan = 1;
            int fresh = 0;
            for (std::size_t k = 4; k < out.size(); ++k) {
                Cell& x = out[k];
                if (x.current == "0103" && rng.chance(0.3))
                    x.planned = "0202";
                else if (x.current == "0303" && rng.chance(0.3))
                    x.planned = "0301";
                else if (fresh < 2 && k < 12 && (x.current == "0103" || x.current == "0102") && !x.touchesEdge &&
                         !inZone(x.shape, {"basic_farmland", "ecological_redline", "flood_zone", "geohazard"})) {
                    x.planned = "0703";
                    ++fresh;
                }
            }
        }

    // Permanent basic farmland and the red line leave out existing and planned construction, as
    // the real ones are drawn; construction boundaries wrap each plan's construction land.
    std::vector<GEOSGeometry*> builtParts;
    for (std::size_t vi = 0; vi < nv; ++vi)
        for (const Cell& x : mosaic[vi])
            if (isBuilt(x.current) || isBuilt(x.planned)) builtParts.push_back(GEOSGeom_clone_r(geos.h, x.shape));
    if (!builtParts.empty()) {
        GEOSGeometry* coll =
            GEOSGeom_createCollection_r(geos.h, GEOS_GEOMETRYCOLLECTION, builtParts.data(), static_cast<unsigned>(builtParts.size()));
        GEOSGeometry* built = GEOSUnaryUnion_r(geos.h, coll);
        GEOSGeom_destroy_r(geos.h, coll);
        for (Constraint& k : c.constraints) {
            if (k.kind != "basic_farmland" && k.kind != "ecological_redline") continue;
            GEOSGeometry* g = fromOgr(geos, k.area.get());
            if (!g) continue;
            GeomPtr cut = geos.toOgrMulti(GEOSDifference_r(geos.h, g, built));
            GEOSGeom_destroy_r(geos.h, g);
            if (cut) k.area = std::move(cut);
        }
        GEOSGeom_destroy_r(geos.h, built);
    }
    for (std::size_t vi : planned) {
        std::vector<GEOSGeometry*> parts;
        for (const Cell& x : mosaic[vi])
            if (isBuilt(x.current) || isBuilt(x.planned)) parts.push_back(GEOSGeom_clone_r(geos.h, x.shape));
        if (parts.empty()) continue;
        GEOSGeometry* coll =
            GEOSGeom_createCollection_r(geos.h, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size()));
        GEOSGeometry* u = GEOSUnaryUnion_r(geos.h, coll);
        GEOSGeom_destroy_r(geos.h, coll);
        GEOSGeometry* b = GEOSBuffer_r(geos.h, u, 5.0, 4);
        GEOSGeom_destroy_r(geos.h, u);
        const std::string& name = c.villages[vi].name;
        if (auto g = geos.toOgrMulti(GEOSIntersection_r(geos.h, b, territory[vi])))
            c.constraints.push_back({"construction_boundary", name + "村庄建设边界", std::move(g)});
        GEOSGeom_destroy_r(geos.h, b);
    }

    // The deliberate mistakes, one per planned village in turn (only where the village allows it).
    std::size_t next = 0;
    auto note = [&](std::size_t vi, const std::string& what) {
        c.notes.push_back(c.villages[vi].name + "（" + c.villages[vi].code + "）：" + what);
    };
    auto interior = [&](std::vector<Cell>& cells) -> Cell* {
        for (std::size_t k = cells.size() / 2; k < cells.size(); ++k)
            if (!cells[k].touchesEdge && !isBuilt(cells[k].planned)) return &cells[k];
        return nullptr;
    };
    struct Extra {
        std::size_t village;
        std::string code, period;
        GEOSGeometry* shape;
    };
    std::vector<Extra> extras;  // parcels added by a mistake
    if (!planned.empty()) {
        // 1. A first-level code only (林地 "03" where the plan must say which forest): valid in the
        // classification, so `validate` passes it, but not at the level a village plan draws.
        if (Cell* x = interior(mosaic[planned[next % planned.size()]])) {
            x->planned = x->planned.substr(0, 2);
            note(planned[next % planned.size()], "一处规划图斑只填了一级类代码“" + x->planned + "”（村庄规划应细化到二级类）");
        }
        ++next;
        // 3. A planned parcel drawn 3 m too large: overlaps its neighbours.
        if (Cell* x = interior(mosaic[planned[next % planned.size()]])) {
            GEOSGeometry* grown = GEOSBuffer_r(geos.h, x->shape, 3.0, 4);
            x->plannedShape = grown;
            note(planned[next % planned.size()], "一处规划图斑外扩3米，与相邻图斑重叠");
        }
        ++next;
        // 4. A planned parcel drawn 0.3 m too small all round: a thin gap (qgis/QGIS#41380's case).
        if (Cell* x = interior(mosaic[planned[next % planned.size()]])) {
            GEOSGeometry* shrunk = GEOSBuffer_r(geos.h, x->shape, -0.3, 4);
            x->plannedShape = shrunk;
            note(planned[next % planned.size()], "一处规划图斑内缩0.3米，四周留下0.3米宽的缝隙");
        }
        ++next;
        // 5. A sliver: a 0.6 m corner cut off a planned parcel as its own parcel.
        {
            const std::size_t vi = planned[next % planned.size()];
            if (Cell* x = interior(mosaic[vi])) {
                double px = 0, py = 0;
                GEOSGeometry* ring =
                    GEOSGetExteriorRing_r(geos.h, x->shape) ? GEOSGeom_clone_r(geos.h, GEOSGetExteriorRing_r(geos.h, x->shape)) : nullptr;
                if (ring) {
                    GEOSGeometry* p0 = GEOSGeomGetStartPoint_r(geos.h, ring);
                    GEOSGeomGetX_r(geos.h, p0, &px);
                    GEOSGeomGetY_r(geos.h, p0, &py);
                    GEOSGeom_destroy_r(geos.h, p0);
                    GEOSGeom_destroy_r(geos.h, ring);
                    GEOSGeometry* sq = geos.ring(
                        {{px - 0.6, py - 0.6}, {px + 0.6, py - 0.6}, {px + 0.6, py + 0.6}, {px - 0.6, py + 0.6}, {px - 0.6, py - 0.6}});
                    GEOSGeometry* tiny = GEOSIntersection_r(geos.h, x->shape, sq);
                    GEOSGeometry* rest = GEOSDifference_r(geos.h, x->shape, sq);
                    GEOSGeom_destroy_r(geos.h, sq);
                    x->plannedShape = rest;
                    extras.push_back({vi, x->planned, "planned", tiny});
                    note(vi, "一处规划图斑角上切出一块不足1平方米的碎小图斑");
                }
            }
            ++next;
        }
        // 6. New homesteads planned on permanent basic farmland, outside the construction boundary.
        bool done = false;
        for (std::size_t vi : planned) {
            for (Cell& x : mosaic[vi]) {
                if (isBuilt(x.planned) || x.touchesEdge || !inZone(x.shape, {"basic_farmland"})) continue;
                x.planned = "0703";
                note(vi, "一处永久基本农田内的耕地规划为农村宅基地（占用永久基本农田，且超出村庄建设边界）");
                done = true;
                break;
            }
            if (done) break;
        }
    }

    // Into parcels (current for every village, planned for the planned ones) and territories.
    c.territories.resize(nv);
    for (std::size_t vi = 0; vi < nv; ++vi) {
        const bool isPlanned = std::find(planned.begin(), planned.end(), vi) != planned.end();
        for (Cell& x : mosaic[vi]) {
            if (auto g = geos.toOgrMulti(GEOSGeom_clone_r(geos.h, x.shape)))
                c.parcels.push_back({c.villages[vi].code, x.current, "current", std::move(g)});
            if (isPlanned) {
                GEOSGeometry* s = x.plannedShape ? x.plannedShape : GEOSGeom_clone_r(geos.h, x.shape);
                x.plannedShape = nullptr;
                if (auto g = geos.toOgrMulti(s)) c.parcels.push_back({c.villages[vi].code, x.planned, "planned", std::move(g)});
            }
            GEOSGeom_destroy_r(geos.h, x.shape);
        }
        if (territory[vi]) c.territories[vi] = geos.toOgrMulti(territory[vi]);
    }
    for (Extra& e : extras)
        if (auto g = geos.toOgrMulti(e.shape)) c.parcels.push_back({c.villages[e.village].code, e.code, e.period, std::move(g)});
    for (auto& z : zones) GEOSGeom_destroy_r(geos.h, z.second);

    // Control targets handed down to each planned village, as the county plan would: the plan
    // meets them (cultivated land and forest not below, construction land not above, to the
    // hundredth of a 公顷) except in one village, whose target of cultivated land is its current
    // cultivated land while its plan turns dry fields into tea gardens (mistake 7).
    std::map<std::string, std::map<std::string, double>> ha;  // village -> "period:group" -> 公顷
    for (const Parcel& p : c.parcels) {
        const double a = p.area ? p.area->toMultiPolygon()->get_Area() / 10000.0 : 0.0;
        const std::string& code = p.landuseCode;
        const char* group = code.rfind("01", 0) == 0 ? "cultivated" : code.rfind("03", 0) == 0 ? "forest" : isBuilt(code) ? "built" : "";
        if (*group) ha[p.villageCode][p.period + ":" + group] += a;
    }
    const std::string source = "县级国土空间总体规划下达（演示数据）";
    bool shortGiven = false;
    for (std::size_t k = 0; k < planned.size(); ++k) {
        const std::size_t vi = planned[(next + k) % planned.size()];
        const std::string& code = c.villages[vi].code;
        auto& m = ha[code];
        double cultivated = std::floor(m["planned:cultivated"] * 100.0) / 100.0;
        if (!shortGiven && m["current:cultivated"] - m["planned:cultivated"] >= 0.05) {
            cultivated = std::floor(m["current:cultivated"] * 100.0) / 100.0;
            shortGiven = true;
            note(vi, "耕地保有量指标按现状耕地" + fmt(cultivated, 2) + "公顷下达，规划把旱地调整为茶园后耕地保有量低于下达指标");
        }
        c.targets.push_back({code, "cultivated_land_ha", "floor", source, cultivated});
        c.targets.push_back({code, "forest_ha", "floor", source, std::floor(m["planned:forest"] * 100.0) / 100.0});
        c.targets.push_back({code, "construction_land_ha", "ceiling", source, std::ceil(m["planned:built"] * 100.0) / 100.0});
    }
}

}  // namespace ruralatlas::demo
