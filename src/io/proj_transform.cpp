#include "io/proj_transform.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "core/gcj02.hpp"
#include "core/projection.hpp"

namespace ruralatlas::io {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
}  // namespace

struct CrsTransform::Impl {
    std::unique_ptr<Projection> pipe;
};

CrsTransform::CrsTransform(const std::string& source, int targetEpsg) : m_source(source), m_impl(std::make_unique<Impl>()) {
    const std::string s = lower(source);
    std::string from = source;
    if (s == "gcj02" || s == "gcj-02") {
        m_offset = OffsetDatum::Gcj02;
        from = "EPSG:4326";
    } else if (s == "bd09" || s == "bd-09") {
        m_offset = OffsetDatum::Bd09;
        from = "EPSG:4326";
    }
    const std::string to = "EPSG:" + std::to_string(targetEpsg);
    if (lower(from) == lower(to)) {
        m_identity = true;
        return;
    }
    m_impl->pipe = std::make_unique<Projection>(from, to);
}

CrsTransform::~CrsTransform() = default;

bool CrsTransform::transform(double& x, double& y) const {
    if (m_offset == OffsetDatum::Gcj02) {
        const LonLat w = gcj02ToWgs84({x, y});
        x = w.lon;
        y = w.lat;
    } else if (m_offset == OffsetDatum::Bd09) {
        const LonLat w = bd09ToWgs84({x, y});
        x = w.lon;
        y = w.lat;
    }
    if (m_identity) return std::isfinite(x) && std::isfinite(y);
    return m_impl->pipe->forward(x, y);
}

bool CrsTransform::inverse(double& x, double& y) const {
    if (!m_identity && !m_impl->pipe->inverse(x, y)) return false;
    if (m_offset == OffsetDatum::Gcj02) {
        const LonLat g = wgs84ToGcj02({x, y});
        x = g.lon;
        y = g.lat;
    } else if (m_offset == OffsetDatum::Bd09) {
        const LonLat b = wgs84ToBd09({x, y});
        x = b.lon;
        y = b.lat;
    }
    return true;
}

namespace {
// Adapts CrsTransform to OGRGeometry::transform().
class OgrAdapter final : public OGRCoordinateTransformation {
public:
    explicit OgrAdapter(const CrsTransform& t) : m_t(t) {}
    OGRSpatialReference* GetSourceCS() override { return nullptr; }
    OGRSpatialReference* GetTargetCS() override { return nullptr; }
    int Transform(int count, double* x, double* y, double* /*z*/, double* /*t*/, int* success) override {
        bool all = true;
        for (int i = 0; i < count; ++i) {
            const bool ok = m_t.transform(x[i], y[i]);
            if (success) success[i] = ok ? TRUE : FALSE;
            all = all && ok;
        }
        return all ? TRUE : FALSE;
    }
    OGRCoordinateTransformation* Clone() const override { return new OgrAdapter(m_t); }
    OGRCoordinateTransformation* GetInverse() const override { return nullptr; }

private:
    const CrsTransform& m_t;
};
}  // namespace

bool CrsTransform::transform(OGRGeometry& geometry) const {
    OgrAdapter adapter(*this);
    return geometry.transform(&adapter) == OGRERR_NONE;
}

}  // namespace ruralatlas::io
