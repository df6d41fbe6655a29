#include "core/projection.hpp"

#include <proj.h>

#include <cmath>
#include <stdexcept>

namespace ruralatlas {

struct Projection::Impl {
    PJ_CONTEXT* ctx = nullptr;
    PJ* pj = nullptr;
    ~Impl() {
        if (pj) proj_destroy(pj);
        if (ctx) proj_context_destroy(ctx);
    }
    bool apply(double& x, double& y, PJ_DIRECTION dir) const {
        PJ_COORD c = proj_coord(x, y, 0, 0);
        c = proj_trans(pj, dir, c);
        if (c.xy.x == HUGE_VAL || !std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) return false;
        x = c.xy.x;
        y = c.xy.y;
        return true;
    }
};

Projection::Projection(const std::string& from, const std::string& to) : m_impl(std::make_unique<Impl>()) {
    m_impl->ctx = proj_context_create();
    proj_log_level(m_impl->ctx, PJ_LOG_NONE);  // failures are reported by the caller, with context
    PJ* raw = proj_create_crs_to_crs(m_impl->ctx, from.c_str(), to.c_str(), nullptr);
    if (!raw) {
        const std::string why = proj_context_errno_string(m_impl->ctx, proj_context_errno(m_impl->ctx));
        throw std::runtime_error("PROJ cannot transform from '" + from + "' to '" + to + "': " + why);
    }
    m_impl->pj = proj_normalize_for_visualization(m_impl->ctx, raw);
    proj_destroy(raw);
    if (!m_impl->pj) throw std::runtime_error("PROJ cannot normalise the axis order of '" + from + "'");
}

Projection::~Projection() = default;

bool Projection::forward(double& x, double& y) const { return m_impl->apply(x, y, PJ_FWD); }
bool Projection::inverse(double& x, double& y) const { return m_impl->apply(x, y, PJ_INV); }

}  // namespace ruralatlas
