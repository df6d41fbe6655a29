// Coordinate transformation into the project CRS through PROJ (core/projection.hpp), plus the
// offset web-map coordinates GCJ-02 and BD-09 that PROJ does not know. Links PROJ.
// Coordinates are always in GIS order (longitude/easting first).
#pragma once
#include <memory>
#include <string>

#include "core/projection.hpp"

class OGRGeometry;

namespace ruralatlas::io {

enum class OffsetDatum { None, Gcj02, Bd09 };

class CrsTransform {
public:
    // `source`: anything PROJ understands ("EPSG:4326", a WKT, a PROJ string) or "gcj02"/"bd09"
    // (longitude/latitude in those offset systems). `targetEpsg`: the project CRS.
    CrsTransform(const std::string& source, int targetEpsg);
    ~CrsTransform();
    CrsTransform(const CrsTransform&) = delete;
    CrsTransform& operator=(const CrsTransform&) = delete;

    // In place. Returns false when PROJ cannot transform the point.
    bool transform(double& x, double& y) const;
    // Every vertex of an OGR geometry, in place; false when any vertex failed.
    bool transform(OGRGeometry& geometry) const;
    // The inverse for a point (project CRS -> source); offset datums are inverted exactly.
    bool inverse(double& x, double& y) const;
    bool isIdentity() const { return m_identity; }
    const std::string& sourceName() const { return m_source; }

private:
    std::string m_source;
    OffsetDatum m_offset = OffsetDatum::None;
    bool m_identity = false;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

using ruralatlas::ToLonLat;  // core/projection.hpp

}  // namespace ruralatlas::io
