#include "analysis/walk_surface.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace ruralatlas::analysis {

double toblerKmh(double slope) { return 6.0 * std::exp(-3.5 * std::fabs(slope + 0.05)); }

namespace {
const double kFlatKmh = toblerKmh(0.0);

// Tobler's function tabulated over slopes -4..4 in steps of 1/4096, linearly interpolated:
// the search evaluates it over a hundred million times on a county DEM.
class ToblerTable {
public:
    ToblerTable() {
        m_v.resize(kN + 1);
        for (int i = 0; i <= kN; ++i) m_v[static_cast<std::size_t>(i)] = toblerKmh(-kRange + 2 * kRange * i / kN);
    }
    double operator()(double slope) const {
        const double f = (slope + kRange) * (kN / (2 * kRange));
        if (f <= 0 || f >= kN) return toblerKmh(slope);
        const auto i = static_cast<std::size_t>(f);
        const double t = f - static_cast<double>(i);
        return m_v[i] + (m_v[i + 1] - m_v[i]) * t;
    }

private:
    static constexpr int kN = 8 * 4096;
    static constexpr double kRange = 4.0;
    std::vector<double> m_v;
};
const ToblerTable kTobler;
}  // namespace

namespace {
// Every cell a segment passes through (supercover), so a river drawn in cells is a
// 4-connected wall that no 8- or 16-neighbour step can slip through diagonally.
template <class Visit>
void supercover(const Raster& g, XY a, XY b, Visit visit) {
    double x0 = (a.x - g.x0) / g.cell, y0 = (g.y1 - a.y) / g.cell, x1 = (b.x - g.x0) / g.cell, y1 = (g.y1 - b.y) / g.cell;
    if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) return;
    // A segment longer than the grid could need (from far outside it) is clipped to the grid
    // and a cell around it first (Liang-Barsky), so it costs no steps out there; segments of a
    // sane length are sampled as they are.
    if (std::hypot(x1 - x0, y1 - y0) > 2.0 * (g.width + g.height + 2)) {
        double t0 = 0, t1 = 1;
        const double dx = x1 - x0, dy = y1 - y0;
        const double lo[2] = {-1.0, -1.0}, hi[2] = {g.width + 1.0, g.height + 1.0};
        const double p0[2] = {x0, y0}, d[2] = {dx, dy};
        for (int k = 0; k < 2; ++k) {
            if (d[k] == 0) {
                if (p0[k] < lo[k] || p0[k] > hi[k]) return;
                continue;
            }
            double ta = (lo[k] - p0[k]) / d[k], tb = (hi[k] - p0[k]) / d[k];
            if (ta > tb) std::swap(ta, tb);
            t0 = std::max(t0, ta);
            t1 = std::min(t1, tb);
            if (t0 > t1) return;
        }
        x1 = x0 + dx * t1;
        y1 = y0 + dy * t1;
        x0 += dx * t0;
        y0 += dy * t0;
    }
    const double len = std::hypot(x1 - x0, y1 - y0);
    const int steps = std::max(1, static_cast<int>(std::ceil(len * 4)));
    int lastC = INT32_MIN, lastR = INT32_MIN;
    for (int s = 0; s <= steps; ++s) {
        const double t = static_cast<double>(s) / steps;
        const int c = static_cast<int>(std::floor(x0 + (x1 - x0) * t)), r = static_cast<int>(std::floor(y0 + (y1 - y0) * t));
        if (c == lastC && r == lastR) continue;
        if (lastC != INT32_MIN && c != lastC && r != lastR) visit(lastC, r);  // close the diagonal gap
        visit(c, r);
        lastC = c;
        lastR = r;
    }
}

// Exact Dijkstra with buckets (Dial's algorithm): a bucket is no wider than the cheapest possible
// step, so no cell can improve another of the same bucket and their order does not matter. Far
// cheaper than a binary heap over millions of cells.
class BucketQueue {
public:
    explicit BucketQueue(double width) : m_width(width) {}
    void push(float key, std::uint32_t v) {
        // A time of more than kMaxBuckets bucket widths (on a 30 m grid: 200 days of walking,
        // or 500 hours by road at 60 km/h; cliffs from an undeclared NoData such as the float
        // maximum) is no route: it must not grow the queue by millions of buckets.
        const double at = static_cast<double>(key) / m_width;
        if (!(at >= 0 && at < kMaxBuckets)) return;
        const auto b = static_cast<std::size_t>(at);
        if (b >= m_buckets.size()) m_buckets.resize(b + 1 + m_buckets.size() / 2);
        m_buckets[b].push_back(v);
        m_current = std::min(m_current, b);
    }
    bool pop(std::uint32_t& v) {
        while (m_current < m_buckets.size()) {
            auto& bucket = m_buckets[m_current];
            if (!bucket.empty()) {
                v = bucket.back();
                bucket.pop_back();
                return true;
            }
            std::vector<std::uint32_t>().swap(bucket);
            ++m_current;
        }
        return false;
    }

private:
    static constexpr double kMaxBuckets = 1e6;
    double m_width;
    std::vector<std::vector<std::uint32_t>> m_buckets;
    std::size_t m_current = 0;
};

struct Move {
    int dc, dr;
    double unit;                     // length in cells
    int via1c, via1r, via2c, via2r;  // cells a knight's or diagonal move passes beside
};
const Move kMoves[16] = {
    {1, 0, 1, 0, 0, 0, 0},
    {-1, 0, 1, 0, 0, 0, 0},
    {0, 1, 1, 0, 0, 0, 0},
    {0, -1, 1, 0, 0, 0, 0},
    {1, 1, M_SQRT2, 1, 0, 0, 1},
    {1, -1, M_SQRT2, 1, 0, 0, -1},
    {-1, 1, M_SQRT2, -1, 0, 0, 1},
    {-1, -1, M_SQRT2, -1, 0, 0, -1},
    {1, 2, std::sqrt(5.0), 0, 1, 1, 1},
    {2, 1, std::sqrt(5.0), 1, 0, 1, 1},
    {-1, 2, std::sqrt(5.0), 0, 1, -1, 1},
    {-2, 1, std::sqrt(5.0), -1, 0, -1, 1},
    {1, -2, std::sqrt(5.0), 0, -1, 1, -1},
    {2, -1, std::sqrt(5.0), 1, 0, 1, -1},
    {-1, -2, std::sqrt(5.0), 0, -1, -1, -1},
    {-2, -1, std::sqrt(5.0), -1, 0, -1, -1},
};
}  // namespace

WalkSurface::WalkSurface(Raster dem, const std::vector<RoadRec>& roads, const std::vector<std::vector<XY>>& rivers,
                         const WalkOptions& options)
    : m_dem(std::move(dem)), m_opt(options) {
    // A grid from a damaged or odd DEM file is refused here, before any arithmetic on it.
    if (m_dem.width <= 0 || m_dem.height <= 0)
        throw DataError({"dem"}, "the DEM has no cells (" + std::to_string(m_dem.width) + " x " + std::to_string(m_dem.height) + ")");
    if (!std::isfinite(m_dem.cell) || !(m_dem.cell > 0) || !std::isfinite(m_dem.x0) || !std::isfinite(m_dem.y1))
        throw DataError({"dem"}, "the DEM's cell size or origin is not a usable number (cell " + std::to_string(m_dem.cell) +
                                     "): import the DEM again");
    const std::size_t n = static_cast<std::size_t>(m_dem.width) * m_dem.height;
    if (m_dem.z.size() != n)
        throw DataError({"dem"}, "the DEM holds " + std::to_string(m_dem.z.size()) + " values for " + std::to_string(n) + " cells");
    m_cells.assign(n, Cell{0.f, 0.f, 0});
    for (std::size_t i = 0; i < n; ++i) m_cells[i].z = m_dem.z[i];
    auto inside = [&](int c, int r) { return c >= 0 && r >= 0 && c < m_dem.width && r < m_dem.height; };
    for (std::size_t i = 0; i < n; ++i)
        if (m_dem.z[i] == m_dem.nodata || !std::isfinite(m_dem.z[i])) m_cells[i].barrier = 1;
    for (const auto& river : rivers)
        for (std::size_t i = 0; i + 1 < river.size(); ++i)
            supercover(m_dem, river[i], river[i + 1], [&](int c, int r) {
                if (inside(c, r)) m_cells[index(c, r)].barrier = 1;
            });
    for (const auto& road : roads) {
        const double kmh = road.speedKmh > 0 ? road.speedKmh : defaultRoadSpeed(road.cls, road.surface);
        for (std::size_t i = 0; i + 1 < road.line.size(); ++i)
            supercover(m_dem, road.line[i], road.line[i + 1], [&](int c, int r) {
                if (!inside(c, r)) return;
                const std::size_t k = index(c, r);
                m_cells[k].roadKmh = std::max(m_cells[k].roadKmh, static_cast<float>(kmh));
                m_cells[k].barrier = 0;  // a bridge where a road crosses a river
            });
    }
}

bool WalkSurface::cellOf(const XY& p, int& col, int& row) const {
    // In doubles first: a point far off the grid (or not a number) must not overflow an int.
    const double c = std::floor((p.x - m_dem.x0) / m_dem.cell), r = std::floor((m_dem.y1 - p.y) / m_dem.cell);
    if (!(c >= 0 && r >= 0 && c < m_dem.width && r < m_dem.height)) {
        col = row = -1;
        return false;
    }
    col = static_cast<int>(c);
    row = static_cast<int>(r);
    return true;
}

std::vector<WalkSurface::Label> WalkSurface::search(const std::vector<Start>& sources, double maxMinutes,
                                                    const std::vector<std::size_t>& targets, Feedback* feedback) const {
    const int W = m_dem.width, H = m_dem.height;
    std::vector<Label> label(static_cast<std::size_t>(W) * H, Label{std::numeric_limits<float>::infinity(), 0.f, -1});
    // The cheapest step: one cell at the highest speed anywhere on the surface.
    float fastest = static_cast<float>(toblerKmh(-0.05));
    if (m_opt.roadsAtVehicleSpeed)
        for (const Cell& c : m_cells) fastest = std::max(fastest, c.roadKmh);
    BucketQueue heap(0.999 * m_dem.cell / (fastest * 1000.0 / 60.0));
    std::vector<unsigned char> settled(label.size(), 0);
    for (const Start& s : sources) {
        if (m_cells[s.cell].barrier && m_cells[s.cell].roadKmh == 0) continue;
        const float minutes = static_cast<float>(s.legMetres / (kFlatKmh * 1000.0 / 60.0));
        if (minutes >= label[s.cell].minutes) continue;
        label[s.cell] = {minutes, static_cast<float>(s.legMetres), s.source};
        heap.push(minutes, static_cast<std::uint32_t>(s.cell));
    }
    const double cell = m_dem.cell;
    // The search may stop once every target cell is settled.
    std::vector<unsigned char> isTarget;
    std::size_t targetsLeft = 0;
    if (!targets.empty()) {
        isTarget.assign(label.size(), 0);
        for (std::size_t t : targets)
            if (!isTarget[t]) {
                isTarget[t] = 1;
                ++targetsLeft;
            }
    }
    std::uint32_t v;
    std::size_t settledCount = 0;
    const std::size_t totalTargets = targetsLeft;
    while (heap.pop(v)) {
        if (settled[v]) continue;
        settled[v] = 1;
        // Cancellation and progress every million cells (the share of targets reached).
        if (feedback && (++settledCount & 0xFFFFF) == 0) {
            feedback->checkCancelled();
            if (totalTargets > 0)
                feedback->setProgress(0.4 + 0.5 * static_cast<double>(totalTargets - targetsLeft) / static_cast<double>(totalTargets),
                                      "walking time");
        }
        const float d = label[v].minutes;
        if (targetsLeft > 0 && isTarget[v]) {
            isTarget[v] = 0;
            if (--targetsLeft == 0) break;
        }
        const int vc = static_cast<int>(v % static_cast<std::uint32_t>(W)), vr = static_cast<int>(v / static_cast<std::uint32_t>(W));
        const Cell& cv = m_cells[v];
        const double zv = cv.z;
        for (const Move& m : kMoves) {
            const int uc = vc + m.dc, ur = vr + m.dr;
            if (uc < 0 || ur < 0 || uc >= W || ur >= H) continue;
            const std::size_t u = index(uc, ur);
            // Settled (or as good already): every step costs more than nothing.
            const Cell& cu = m_cells[u];
            if (label[u].minutes <= d || cu.barrier) continue;
            // Cells the move passes beside (diagonal and knight's moves) must be open too.
            if (m.unit > 1.0) {
                const int ac = vc + m.via1c, ar = vr + m.via1r, bc = vc + m.via2c, br = vr + m.via2r;
                if (m_cells[index(ac, ar)].barrier || m_cells[index(bc, br)].barrier) continue;
            }
            const double run = m.unit * cell;
            // The trip goes u -> v (toward the facility): slope from u to v.
            const double slope = (zv - cu.z) / run;
            double kmh;
            if (cu.roadKmh > 0 && cv.roadKmh > 0)
                kmh = m_opt.roadsAtVehicleSpeed ? std::min(cu.roadKmh, cv.roadKmh) : kFlatKmh;
            else
                kmh = kTobler(slope);
            // Compare in the stored precision: comparing the double with its own rounded float
            // would let a node "improve" forever on the same path.
            const float minutes = static_cast<float>(d + run / (kmh * 1000.0 / 60.0));
            if (minutes < label[u].minutes && minutes <= maxMinutes) {
                label[u] = {minutes, label[v].metres + static_cast<float>(run), label[v].source};
                heap.push(minutes, static_cast<std::uint32_t>(u));
            }
        }
    }
    return label;
}

double WalkSurface::legToCentre(const XY& p, int col, int row) const {
    return std::hypot(p.x - (m_dem.x0 + (col + 0.5) * m_dem.cell), p.y - (m_dem.y1 - (row + 0.5) * m_dem.cell));
}

std::vector<Route> WalkSurface::nearest(const std::vector<XY>& sources, const std::vector<XY>& targets, Feedback& feedback) const {
    std::vector<Start> src;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        int c, r;
        if (cellOf(sources[i], c, r)) src.push_back({index(c, r), static_cast<int>(i), legToCentre(sources[i], c, r)});
    }
    std::vector<std::size_t> targetCells;
    for (const auto& t : targets) {
        int c, r;
        if (cellOf(t, c, r)) targetCells.push_back(index(c, r));
    }
    feedback.checkCancelled();
    const auto label = search(src, kUnreachable, targetCells, &feedback);
    feedback.checkCancelled();
    std::vector<Route> out(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        int c, r;
        if (!cellOf(targets[i], c, r)) continue;
        const Label& l = label[index(c, r)];
        // Walking legs between the points and their cells' centres, on the flat.
        const double leg = legToCentre(targets[i], c, r);
        if (l.source >= 0) out[i] = {l.source, l.minutes + leg / (kFlatKmh * 1000.0 / 60.0), l.metres + leg};
    }
    return out;
}

std::vector<Route> WalkSurface::fromOne(const XY& source, const std::vector<XY>& targets, double maxMinutes) const {
    int c, r;
    std::vector<Route> out(targets.size());
    if (!cellOf(source, c, r)) return out;
    const auto label = search({{index(c, r), 0, legToCentre(source, c, r)}}, maxMinutes, {});
    for (std::size_t i = 0; i < targets.size(); ++i) {
        int tc, tr;
        if (!cellOf(targets[i], tc, tr)) continue;
        const Label& l = label[index(tc, tr)];
        const double leg = legToCentre(targets[i], tc, tr);
        const double minutes = l.minutes + leg / (kFlatKmh * 1000.0 / 60.0);
        if (l.source >= 0 && minutes <= maxMinutes) out[i] = {0, minutes, l.metres + leg};
    }
    return out;
}

}  // namespace ruralatlas::analysis
