// One PROJ transformation between two CRSs (anything PROJ understands: "EPSG:4545", WKT, PROJ
// strings), in GIS axis order (longitude/easting first). The only PROJ wrapper: io's CrsTransform
// (with the GCJ-02/BD-09 offsets) builds on it. Links PROJ (the C API), not GDAL.
//
// PROJ objects are not shared across threads: each Projection owns its own context.
#pragma once
#include <memory>
#include <string>

namespace ruralatlas {

class Projection {
public:
    // Throws std::runtime_error naming both CRSs when PROJ cannot build the transformation.
    Projection(const std::string& from, const std::string& to);
    ~Projection();
    Projection(const Projection&) = delete;
    Projection& operator=(const Projection&) = delete;

    // In place; false when PROJ cannot transform the point (then x, y are unchanged).
    bool forward(double& x, double& y) const;
    bool inverse(double& x, double& y) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Lon/lat of a point in a projected CRS (to EPSG:4490, GIS order), for exports, checks and the
// map's true north.
class ToLonLat {
public:
    explicit ToLonLat(int sourceEpsg) : m_projection("EPSG:" + std::to_string(sourceEpsg), "EPSG:4490") {}
    bool transform(double& x, double& y) const { return m_projection.forward(x, y); }

private:
    Projection m_projection;
};

}  // namespace ruralatlas
