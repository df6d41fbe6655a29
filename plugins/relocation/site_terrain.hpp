// What the relocation analyses ask of a place: inside a constraint polygon, the slope there
// (Horn's 3x3 method on the DEM), its height above the lowest ground around it, and how far
// the nearest line is. Plain geometry on the domain records.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/records.hpp"

namespace ruralatlas::relocation {

inline bool inRing(const Ring& r, const XY& p) {
    bool in = false;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
        if ((r[i].y > p.y) != (r[j].y > p.y) && p.x < (r[j].x - r[i].x) * (p.y - r[i].y) / (r[j].y - r[i].y) + r[i].x) in = !in;
    return in;
}

inline bool inside(const Polygons& shape, const XY& p) {
    for (const Polygon& poly : shape) {
        if (poly.rings.empty() || !inRing(poly.rings[0], p)) continue;
        bool hole = false;
        for (std::size_t k = 1; k < poly.rings.size() && !hole; ++k) hole = inRing(poly.rings[k], p);
        if (!hole) return true;
    }
    return false;
}

// The DEM cell holding `p` (false off the grid).
inline bool demCell(const Raster& dem, const XY& p, int& col, int& row) {
    col = static_cast<int>(std::floor((p.x - dem.x0) / dem.cell));
    row = static_cast<int>(std::floor((dem.y1 - p.y) / dem.cell));
    return col >= 0 && row >= 0 && col < dem.width && row < dem.height;
}

inline float demAt(const Raster& dem, int col, int row) {
    const float v = dem.z[static_cast<std::size_t>(row) * static_cast<std::size_t>(dem.width) + static_cast<std::size_t>(col)];
    return v == dem.nodata || !std::isfinite(v) ? NAN : v;
}

// Slope in degrees at a point (Horn's 3x3 method on the DEM), or NaN off the grid or on nodata.
inline double slopeAt(const Raster& dem, const XY& p) {
    int c = 0, r = 0;
    if (!demCell(dem, p, c, r) || c < 1 || r < 1 || c >= dem.width - 1 || r >= dem.height - 1) return NAN;
    double z[3][3];
    for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
            const float v = demAt(dem, c + dx, r + dy);
            if (std::isnan(v)) return NAN;
            z[dy + 1][dx + 1] = v;
        }
    const double gx = ((z[0][2] + 2 * z[1][2] + z[2][2]) - (z[0][0] + 2 * z[1][0] + z[2][0])) / (8 * dem.cell);
    const double gy = ((z[2][0] + 2 * z[2][1] + z[2][2]) - (z[0][0] + 2 * z[0][1] + z[0][2])) / (8 * dem.cell);
    return std::atan(std::hypot(gx, gy)) * 180 / M_PI;
}

// Relative elevation: the height of `p`'s cell above the lowest cell whose centre lies within
// `radius` metres of it (the valley floor nearby), or NaN off the grid or on nodata.
inline double reliefAt(const Raster& dem, const XY& p, double radius) {
    int c = 0, r = 0;
    if (!demCell(dem, p, c, r)) return NAN;
    const float here = demAt(dem, c, r);
    if (std::isnan(here)) return NAN;
    const int k = static_cast<int>(std::floor(radius / dem.cell));
    float low = here;
    for (int dy = -k; dy <= k; ++dy)
        for (int dx = -k; dx <= k; ++dx) {
            const int cc = c + dx, rr = r + dy;
            if (cc < 0 || rr < 0 || cc >= dem.width || rr >= dem.height) continue;
            if (double(dx) * dx + double(dy) * dy > (radius / dem.cell) * (radius / dem.cell)) continue;
            const float v = demAt(dem, cc, rr);
            if (!std::isnan(v) && v < low) low = v;
        }
    return double(here) - double(low);
}

// The distance from `p` to the nearest of `lines` (infinity when there is none).
inline double distanceToLines(const std::vector<std::vector<XY>>& lines, const XY& p) {
    double best = INFINITY;
    for (const auto& line : lines)
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            const XY a = line[i], b = line[i + 1];
            const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            best = std::min(best, std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)));
        }
    return best;
}

}  // namespace ruralatlas::relocation
