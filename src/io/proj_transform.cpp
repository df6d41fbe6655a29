#include "io/proj_transform.hpp"

#include <ogr_geometry.h>
#include <proj.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/gcj02.hpp"

namespace ruralatlas::io {

namespace {
// One PROJ context and normalised transformation; proj objects are not shared across threads,
// so each CrsTransform owns its own context.
struct ProjPipe {
    PJ_CONTEXT* ctx = nullptr;
    PJ* pj = nullptr;
    ProjPipe(const std::string& from, const std::string& to) {
        ctx = proj_context_create();
        proj_log_level(ctx, PJ_LOG_NONE);  // failures are reported by the caller, with context
        PJ* raw = proj_create_crs_to_crs(ctx, from.c_str(), to.c_str(), nullptr);
        if (!raw) {
            const std::string why = proj_context_errno_string(ctx, proj_context_errno(ctx));
            proj_context_destroy(ctx);
            throw std::runtime_error("PROJ cannot transform from '" + from + "' to '" + to + "': " + why);
        }
        pj = proj_normalize_for_visualization(ctx, raw);
        proj_destroy(raw);
        if (!pj) {
            proj_context_destroy(ctx);
            throw std::runtime_error("PROJ cannot normalise the axis order of '" + from + "'");
        }
    }
    ~ProjPipe() {
        proj_destroy(pj);
        proj_context_destroy(ctx);
    }
    bool fwd(double& x, double& y, PJ_DIRECTION dir = PJ_FWD) const {
        PJ_COORD c = proj_coord(x, y, 0, 0);
        c = proj_trans(pj, dir, c);
        if (c.xy.x == HUGE_VAL || !std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) return false;
        x = c.xy.x;
        y = c.xy.y;
        return true;
    }
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
}  // namespace

struct CrsTransform::Impl {
    std::unique_ptr<ProjPipe> pipe;
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
    m_impl->pipe = std::make_unique<ProjPipe>(from, to);
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
    return m_impl->pipe->fwd(x, y);
}

bool CrsTransform::inverse(double& x, double& y) const {
    if (!m_identity && !m_impl->pipe->fwd(x, y, PJ_INV)) return false;
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

struct ToLonLat::Impl {
    std::unique_ptr<ProjPipe> pipe;
};

ToLonLat::ToLonLat(int sourceEpsg) : m_impl(std::make_unique<Impl>()) {
    m_impl->pipe = std::make_unique<ProjPipe>("EPSG:" + std::to_string(sourceEpsg), "EPSG:4490");
}
ToLonLat::~ToLonLat() = default;
bool ToLonLat::transform(double& x, double& y) const { return m_impl->pipe->fwd(x, y); }

}  // namespace ruralatlas::io
