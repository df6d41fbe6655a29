// GEOS (reentrant C API) for the plan checks: the records' polygons into GEOS and back, the
// polygonal part of a result, areas. One Geos object per thread.
#pragma once
#include <geos_c.h>

#include <memory>
#include <string>

#include "core/records.hpp"

namespace ruralatlas::villageplan {

class Geos {
public:
    Geos();
    ~Geos();
    Geos(const Geos&) = delete;
    Geos& operator=(const Geos&) = delete;
    GEOSContextHandle_t h = nullptr;
    // The last error GEOS reported on this handle (why a construction failed).
    std::string lastError;
};

struct GeomDeleter {
    GEOSContextHandle_t h;
    void operator()(GEOSGeometry* g) const {
        if (g) GEOSGeom_destroy_r(h, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

inline GeomPtr own(Geos& g, GEOSGeometry* p) { return GeomPtr(p, GeomDeleter{g.h}); }

// A multi-polygon of `shape`; null when a ring cannot be built (fewer than 4 points, not closed),
// with the reason in geos.lastError.
GeomPtr toGeos(Geos& geos, const Polygons& shape);
// The polygons of `g` (its polygonal parts only; lines and points of a collection are dropped).
Polygons fromGeos(Geos& geos, const GEOSGeometry* g);
// The polygonal parts of g as one multi-polygon (an intersection may return lines as well).
GeomPtr polygonal(Geos& geos, const GEOSGeometry* g);
double area(Geos& geos, const GEOSGeometry* g);
double perimeter(Geos& geos, const GEOSGeometry* g);
XY pointOn(Geos& geos, const GEOSGeometry* g);

}  // namespace ruralatlas::villageplan
