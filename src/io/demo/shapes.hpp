// Inside the demo generator (not a public header): the point index and the shape helpers
// (distances, GEOS geometry, blobs, meandering and wandering lines) that the terrain
// (terrain.cpp) and the population (generate.cpp) both draw with.
#pragma once
#include <geos_c.h>

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <set>
#include <thread>

#include "io/demo/generate.hpp"

namespace ruralatlas::demo {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using Indexed = std::pair<BPoint, std::size_t>;
using PointTree = bgi::rtree<Indexed, bgi::quadratic<16>>;

constexpr double kPi = std::numbers::pi;

inline double dist(Pt a, Pt b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Geometry helpers through GEOS (one context per call site, per thread).
struct Geos {
    GEOSContextHandle_t h = GEOS_init_r();
    ~Geos() { GEOS_finish_r(h); }
    GEOSGeometry* ring(const Line& closed) const {
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(closed.size()), 2);
        for (unsigned i = 0; i < closed.size(); ++i) GEOSCoordSeq_setXY_r(h, seq, i, closed[i].x, closed[i].y);
        return GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, seq), nullptr, 0);
    }
    GEOSGeometry* line(const Line& l) const {
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(l.size()), 2);
        for (unsigned i = 0; i < l.size(); ++i) GEOSCoordSeq_setXY_r(h, seq, i, l[i].x, l[i].y);
        return GEOSGeom_createLineString_r(h, seq);
    }
    GEOSGeometry* point(Pt p) const { return GEOSGeom_createPointFromXY_r(h, p.x, p.y); }
    // Converts to an OGR MultiPolygon (nullptr when empty), consuming g.
    GeomPtr toOgrMulti(GEOSGeometry* g) const {
        if (!g) return nullptr;
        GeomPtr out;
        if (!GEOSisEmpty_r(h, g)) {
            OGRGeometry* o = OGRGeometryFactory::createFromGEOS(h, g);
            if (o) {
                OGRGeometry* m = OGRGeometryFactory::forceToMultiPolygon(o);
                if (m && m->getGeometryType() == wkbMultiPolygon && !m->IsEmpty())
                    out.reset(m);
                else
                    delete m;
            }
        }
        GEOSGeom_destroy_r(h, g);
        return out;
    }
};

// A closed noisy blob around c with mean radius r.
inline Line blob(Rng& rng, Pt c, double r, int n = 40) {
    double a[4], ph[4];
    for (int k = 0; k < 4; ++k) {
        a[k] = rng.uniform(0.04, 0.18) / (k + 1);
        ph[k] = rng.uniform(0, 2 * kPi);
    }
    Line out;
    for (int i = 0; i < n; ++i) {
        const double t = 2 * kPi * i / n;
        double f = 1;
        for (int k = 0; k < 4; ++k) f += a[k] * std::sin((k + 2) * t + ph[k]);
        out.push_back({c.x + r * f * std::cos(t), c.y + r * f * std::sin(t)});
    }
    out.push_back(out.front());
    return out;
}

// A meandering line from a to b with vertices about `step` apart.
inline Line meander(Rng& rng, Pt a, Pt b, double step, double wiggle) {
    const double len = dist(a, b);
    const int n = std::max(1, static_cast<int>(len / step));
    const double nx = -(b.y - a.y) / std::max(len, 1e-9), ny = (b.x - a.x) / std::max(len, 1e-9);
    const double p1 = rng.uniform(0, 2 * kPi), p2 = rng.uniform(0, 2 * kPi);
    const double amp = wiggle * len;
    Line out;
    for (int i = 0; i <= n; ++i) {
        const double t = static_cast<double>(i) / n;
        const double off =
            (i == 0 || i == n) ? 0 : amp * (std::sin(kPi * t) * (0.6 * std::sin(2 * kPi * t + p1) + 0.4 * std::sin(5 * kPi * t + p2)));
        out.push_back({a.x + (b.x - a.x) * t + nx * off, a.y + (b.y - a.y) * t + ny * off});
    }
    out.back() = b;
    out.front() = a;
    return out;
}

// A wandering river course from `start` with `heading`, until it leaves the county or `length`.
inline Line wander(Rng& rng, const County& c, Pt start, double heading, double length, double step, Pt pull, double pullWeight) {
    Line out{start};
    Pt p = start;
    double h = heading;
    for (double run = 0; run < length; run += step) {
        const double toPull = std::atan2(pull.y - p.y, pull.x - p.x);
        double d = toPull - h;
        while (d > kPi) d -= 2 * kPi;
        while (d < -kPi) d += 2 * kPi;
        h += 0.22 * rng.normal() + pullWeight * d;
        p = {p.x + step * std::cos(h), p.y + step * std::sin(h)};
        if (!c.inside(p, 0.995)) break;
        out.push_back(p);
    }
    return out;
}

}  // namespace ruralatlas::demo
