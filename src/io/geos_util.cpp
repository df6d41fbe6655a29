#include "io/geos_util.hpp"

#include <geos_c.h>
#include <ogr_geometry.h>

namespace ruralatlas::io {

GeosContext::GeosContext() : m_handle(GEOS_init_r()) {}
GeosContext::~GeosContext() { GEOS_finish_r(static_cast<GEOSContextHandle_t>(m_handle)); }

std::optional<GeosProblem> GeosContext::invalidity(const OGRGeometry& geometry) const {
    auto ctx = static_cast<GEOSContextHandle_t>(m_handle);
    GEOSGeometry* g = geometry.exportToGEOS(ctx);
    if (!g) return GeosProblem{"cannot be converted to GEOS (too few points?)", 0, 0};
    char* reason = nullptr;
    GEOSGeometry* location = nullptr;
    const char valid = GEOSisValidDetail_r(ctx, g, 0, &reason, &location);
    std::optional<GeosProblem> out;
    if (valid == 0) {
        GeosProblem p;
        p.reason = reason ? reason : "invalid";
        if (location) {
            GEOSGeomGetX_r(ctx, location, &p.x);
            GEOSGeomGetY_r(ctx, location, &p.y);
        }
        out = p;
    } else if (valid == 2) {
        out = GeosProblem{"GEOS could not check validity", 0, 0};
    }
    if (reason) GEOSFree_r(ctx, reason);
    if (location) GEOSGeom_destroy_r(ctx, location);
    GEOSGeom_destroy_r(ctx, g);
    return out;
}

}  // namespace ruralatlas::io
