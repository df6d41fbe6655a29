#include "geos_shapes.hpp"

#include <vector>

namespace ruralatlas::villageplan {

namespace {

void onGeosError(const char* message, void* user) {
    if (user) *static_cast<std::string*>(user) = message;
}

void silent(const char*, void*) {}

GEOSGeometry* ringOf(Geos& geos, const Ring& r) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.h, static_cast<unsigned>(r.size()), 2);
    if (!seq) return nullptr;
    for (unsigned i = 0; i < r.size(); ++i) GEOSCoordSeq_setXY_r(geos.h, seq, i, r[i].x, r[i].y);
    return GEOSGeom_createLinearRing_r(geos.h, seq);  // takes the sequence, even on failure
}

void ringInto(Geos& geos, const GEOSGeometry* ring, Ring& out) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(geos.h, ring);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(geos.h, seq, &n)) return;
    out.resize(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(geos.h, seq, i, &out[i].x, &out[i].y);
}

void collect(Geos& geos, const GEOSGeometry* g, std::vector<const GEOSGeometry*>& polys) {
    const int type = GEOSGeomTypeId_r(geos.h, g);
    if (type == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(geos.h, g)) polys.push_back(g);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(geos.h, g);
        for (int i = 0; i < n; ++i) collect(geos, GEOSGetGeometryN_r(geos.h, g, i), polys);
    }
}

}  // namespace

Geos::Geos() {
    h = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(h, onGeosError, &lastError);
    GEOSContext_setNoticeMessageHandler_r(h, silent, nullptr);
}

Geos::~Geos() { GEOS_finish_r(h); }

GeomPtr toGeos(Geos& geos, const Polygons& shape) {
    geos.lastError.clear();
    std::vector<GEOSGeometry*> polys;
    auto fail = [&] {
        for (GEOSGeometry* p : polys) GEOSGeom_destroy_r(geos.h, p);
        return GeomPtr(nullptr, GeomDeleter{geos.h});
    };
    for (const Polygon& p : shape) {
        if (p.rings.empty()) continue;
        GEOSGeometry* shell = ringOf(geos, p.rings[0]);
        if (!shell) return fail();
        std::vector<GEOSGeometry*> holes;
        for (std::size_t i = 1; i < p.rings.size(); ++i) {
            GEOSGeometry* hole = ringOf(geos, p.rings[i]);
            if (!hole) {
                GEOSGeom_destroy_r(geos.h, shell);
                for (GEOSGeometry* x : holes) GEOSGeom_destroy_r(geos.h, x);
                return fail();
            }
            holes.push_back(hole);
        }
        polys.push_back(GEOSGeom_createPolygon_r(geos.h, shell, holes.data(), static_cast<unsigned>(holes.size())));
    }
    return own(geos, GEOSGeom_createCollection_r(geos.h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

Polygons fromGeos(Geos& geos, const GEOSGeometry* g) {
    Polygons out;
    if (!g) return out;
    std::vector<const GEOSGeometry*> polys;
    collect(geos, g, polys);
    for (const GEOSGeometry* p : polys) {
        Polygon poly;
        poly.rings.emplace_back();
        ringInto(geos, GEOSGetExteriorRing_r(geos.h, p), poly.rings.back());
        const int n = GEOSGetNumInteriorRings_r(geos.h, p);
        for (int i = 0; i < n; ++i) {
            poly.rings.emplace_back();
            ringInto(geos, GEOSGetInteriorRingN_r(geos.h, p, i), poly.rings.back());
        }
        out.push_back(std::move(poly));
    }
    return out;
}

GeomPtr polygonal(Geos& geos, const GEOSGeometry* g) {
    std::vector<const GEOSGeometry*> polys;
    if (g) collect(geos, g, polys);
    std::vector<GEOSGeometry*> copies;
    for (const GEOSGeometry* p : polys) copies.push_back(GEOSGeom_clone_r(geos.h, p));
    return own(geos, GEOSGeom_createCollection_r(geos.h, GEOS_MULTIPOLYGON, copies.data(), static_cast<unsigned>(copies.size())));
}

double area(Geos& geos, const GEOSGeometry* g) {
    double a = 0;
    if (g) GEOSArea_r(geos.h, g, &a);
    return a;
}

double perimeter(Geos& geos, const GEOSGeometry* g) {
    double l = 0;
    if (g) GEOSLength_r(geos.h, g, &l);
    return l;
}

XY pointOn(Geos& geos, const GEOSGeometry* g) {
    XY out{0, 0};
    if (!g || GEOSisEmpty_r(geos.h, g)) return out;
    GEOSGeometry* p = GEOSPointOnSurface_r(geos.h, g);
    if (!p) return out;
    GEOSGeomGetX_r(geos.h, p, &out.x);
    GEOSGeomGetY_r(geos.h, p, &out.y);
    GEOSGeom_destroy_r(geos.h, p);
    return out;
}

}  // namespace ruralatlas::villageplan
