// GEOS adapter (reentrant C API, one context per object/thread). Links GEOS.
#pragma once
#include <memory>
#include <optional>
#include <string>

class OGRGeometry;

namespace ruralatlas::io {

struct GeosProblem {
    std::string reason;   // GEOS's words, e.g. "Self-intersection"
    double x = 0, y = 0;  // where, in the geometry's CRS
};

class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    // nullopt when valid; otherwise GEOS's reason and location.
    std::optional<GeosProblem> invalidity(const OGRGeometry& geometry) const;
    void* handle() const { return m_handle; }

private:
    void* m_handle;
};

}  // namespace ruralatlas::io
