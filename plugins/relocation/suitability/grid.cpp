#include "suitability/grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <unordered_map>

namespace ruralatlas::suitability {

namespace {

// Runs `work(begin, end)` over [0, n) cut into `threads` contiguous parts.
template <class F>
void parallelRows(int n, int threads, F work) {
    threads = std::max(1, std::min(threads, n / 64 + 1));
    if (threads == 1) {
        work(0, n);
        return;
    }
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back([&, t] { work(n * t / threads, n * (t + 1) / threads); });
    work(0, n / threads);
}

float demValue(const Raster& dem, std::size_t i) {
    const float v = dem.z[i];
    return v == dem.nodata || !std::isfinite(v) ? NAN : v;
}

}  // namespace

std::vector<float> slopeGrid(const Raster& dem, int threads) {
    const int W = dem.width, H = dem.height;
    std::vector<float> out(static_cast<std::size_t>(W) * H, NAN);
    parallelRows(H, threads, [&](int r0, int r1) {
        for (int r = std::max(r0, 1); r < std::min(r1, H - 1); ++r)
            for (int c = 1; c < W - 1; ++c) {
                double z[3][3];
                bool ok = true;
                for (int dy = -1; dy <= 1 && ok; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const float v = demValue(dem, static_cast<std::size_t>(r + dy) * W + (c + dx));
                        if (std::isnan(v)) {
                            ok = false;
                            break;
                        }
                        z[dy + 1][dx + 1] = v;
                    }
                if (!ok) continue;
                // The same arithmetic as relocation::slopeAt, term for term.
                const double gx = ((z[0][2] + 2 * z[1][2] + z[2][2]) - (z[0][0] + 2 * z[1][0] + z[2][0])) / (8 * dem.cell);
                const double gy = ((z[2][0] + 2 * z[2][1] + z[2][2]) - (z[0][0] + 2 * z[0][1] + z[0][2])) / (8 * dem.cell);
                out[static_cast<std::size_t>(r) * W + c] = static_cast<float>(std::atan(std::hypot(gx, gy)) * 180 / M_PI);
            }
    });
    return out;
}

std::vector<float> reliefGrid(const Raster& dem, double radius, int threads) {
    const int W = dem.width, H = dem.height;
    std::vector<float> out(static_cast<std::size_t>(W) * H, NAN);
    const double reach = radius / dem.cell;
    const int k = std::max(0, static_cast<int>(std::floor(reach)));
    // Half-width of the disc on each row offset: the widest dx with dx^2 + dy^2 <= reach^2.
    std::vector<int> half(2 * k + 1);
    for (int dy = -k; dy <= k; ++dy) {
        int w = 0;
        while (double(w + 1) * (w + 1) + double(dy) * dy <= reach * reach) ++w;
        half[dy + k] = w;
    }
    const float inf = std::numeric_limits<float>::infinity();
    parallelRows(H, threads, [&](int r0, int r1) {
        // Ring of input rows: for each, the running minimum over every half-width 0..k.
        const int slots = 2 * k + 1;
        std::vector<float> ring(static_cast<std::size_t>(slots) * (k + 1) * W);
        std::vector<int> rowIn(slots, -1);
        auto minima = [&](int row) -> float* { return ring.data() + static_cast<std::size_t>(row % slots) * (k + 1) * W; };
        auto load = [&](int row) {
            if (rowIn[row % slots] == row) return;
            rowIn[row % slots] = row;
            float* m = minima(row);
            for (int c = 0; c < W; ++c) {
                const float v = demValue(dem, static_cast<std::size_t>(row) * W + c);
                m[c] = std::isnan(v) ? inf : v;
            }
            for (int w = 1; w <= k; ++w) {
                const float* a = m + static_cast<std::size_t>(w - 1) * W;
                float* b = m + static_cast<std::size_t>(w) * W;
                if (w == 1) {
                    for (int c = 0; c < W; ++c) b[c] = std::min({a[std::max(c - 1, 0)], a[c], a[std::min(c + 1, W - 1)]});
                } else {
                    // [c-w, c+w] = [c-1-(w-1), c-1+(w-1)] u [c+1-(w-1), c+1+(w-1)], clipped at the edges.
                    b[0] = std::min(a[0], a[std::min(1, W - 1)]);
                    for (int c = 1; c + 1 < W; ++c) b[c] = std::min(a[c - 1], a[c + 1]);
                    if (W > 1) b[W - 1] = std::min(a[W - 2], a[W - 1]);
                }
            }
        };
        std::vector<float> low(W);
        for (int r = r0; r < r1; ++r) {
            std::fill(low.begin(), low.end(), inf);
            for (int dy = -k; dy <= k; ++dy) {
                const int row = r + dy;
                if (row < 0 || row >= H) continue;
                load(row);
                const float* m = minima(row) + static_cast<std::size_t>(half[dy + k]) * W;
                for (int c = 0; c < W; ++c) low[c] = std::min(low[c], m[c]);
            }
            for (int c = 0; c < W; ++c) {
                const float here = demValue(dem, static_cast<std::size_t>(r) * W + c);
                if (!std::isnan(here)) out[static_cast<std::size_t>(r) * W + c] = static_cast<float>(double(here) - double(low[c]));
            }
        }
    });
    return out;
}

DistanceField distanceTransform(const GridFrame& g, const std::vector<std::uint8_t>& seed, int threads) {
    const int W = g.width, H = g.height;
    DistanceField f;
    f.squared.assign(g.size(), std::numeric_limits<float>::infinity());
    f.nearest.assign(g.size(), -1);
    // Down the columns: the nearest seed row in the same column.
    std::vector<std::int32_t> seedRow(g.size(), -1);
    parallelRows(W, threads, [&](int c0, int c1) {
        for (int c = c0; c < c1; ++c) {
            int last = -1;
            for (int r = 0; r < H; ++r) {
                if (seed[g.index(c, r)]) last = r;
                seedRow[g.index(c, r)] = last;
            }
            last = -1;
            for (int r = H - 1; r >= 0; --r) {
                if (seed[g.index(c, r)]) last = r;
                const std::int32_t above = seedRow[g.index(c, r)];
                if (last >= 0 && (above < 0 || last - r < r - above)) seedRow[g.index(c, r)] = last;
            }
        }
    });
    // Along the rows: the lower envelope of the parabolas (x - j)^2 + h(j)^2.
    parallelRows(H, threads, [&](int r0, int r1) {
        std::vector<int> v(W);
        std::vector<double> z(W + 1), h(W);
        for (int r = r0; r < r1; ++r) {
            int n = 0;  // parabolas in the envelope
            for (int j = 0; j < W; ++j) {
                const std::int32_t sr = seedRow[g.index(j, r)];
                if (sr < 0) continue;
                h[j] = double(sr - r) * double(sr - r);
                while (n > 0) {
                    const int p = v[n - 1];
                    const double s = ((h[j] + double(j) * j) - (h[p] + double(p) * p)) / (2.0 * (j - p));
                    if (s <= z[n - 1]) {
                        --n;
                        continue;
                    }
                    z[n] = s;
                    break;
                }
                if (n == 0) z[0] = -std::numeric_limits<double>::infinity();
                v[n++] = j;
                z[n] = std::numeric_limits<double>::infinity();
            }
            if (n == 0) continue;
            int k = 0;
            for (int x = 0; x < W; ++x) {
                while (z[k + 1] < x) ++k;
                const int j = v[k];
                const std::size_t i = g.index(x, r);
                f.squared[i] = static_cast<float>(double(x - j) * double(x - j) + h[j]);
                f.nearest[i] = static_cast<std::int32_t>(g.index(j, seedRow[g.index(j, r)]));
            }
        }
    });
    return f;
}

void burnLines(const GridFrame& g, const std::vector<std::vector<XY>>& lines, std::vector<std::uint8_t>& out, std::uint8_t value) {
    auto mark = [&](double x, double y) {
        const double c = std::floor((x - g.x0) / g.cell), r = std::floor((g.y1 - y) / g.cell);
        if (c >= 0 && r >= 0 && c < g.width && r < g.height) out[g.index(static_cast<int>(c), static_cast<int>(r))] = value;
    };
    for (const auto& line : lines)
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            const XY a = line[i], b = line[i + 1];
            const double len = std::hypot(b.x - a.x, b.y - a.y);
            const int steps = std::max(1, static_cast<int>(std::ceil(len / (g.cell / 4))));
            for (int s = 0; s <= steps; ++s) {
                const double t = double(s) / steps;
                mark(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
            }
        }
}

void cellsNearLines(const GridFrame& g, const std::vector<std::vector<XY>>& lines, double buffer,
                    const std::function<void(std::size_t)>& mark) {
    for (const auto& line : lines)
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            const XY a = line[i], b = line[i + 1];
            const int c0 = std::max(0, static_cast<int>(std::floor((std::min(a.x, b.x) - buffer - g.x0) / g.cell)));
            const int c1 = std::min(g.width - 1, static_cast<int>(std::floor((std::max(a.x, b.x) + buffer - g.x0) / g.cell)));
            const int r0 = std::max(0, static_cast<int>(std::floor((g.y1 - std::max(a.y, b.y) - buffer) / g.cell)));
            const int r1 = std::min(g.height - 1, static_cast<int>(std::floor((g.y1 - std::min(a.y, b.y) + buffer) / g.cell)));
            const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
            for (int r = r0; r <= r1; ++r)
                for (int c = c0; c <= c1; ++c) {
                    const XY p = g.centre(c, r);
                    // As relocation::distanceToLines measures.
                    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
                    t = t < 0 ? 0 : t > 1 ? 1 : t;
                    if (std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)) < buffer) mark(g.index(c, r));
                }
        }
}

void cellsInside(const GridFrame& g, const Polygons& shape, const std::function<void(std::size_t)>& mark) {
    std::vector<double> cross;
    std::vector<std::uint8_t> in;
    for (const Polygon& poly : shape) {
        if (poly.rings.empty() || poly.rings[0].size() < 3) continue;
        double minX = INFINITY, maxX = -INFINITY, minY = INFINITY, maxY = -INFINITY;
        for (const XY& p : poly.rings[0]) {
            minX = std::min(minX, p.x), maxX = std::max(maxX, p.x), minY = std::min(minY, p.y), maxY = std::max(maxY, p.y);
        }
        const int c0 = std::max(0, static_cast<int>(std::floor((minX - g.x0) / g.cell)));
        const int c1 = std::min(g.width - 1, static_cast<int>(std::floor((maxX - g.x0) / g.cell)));
        const int r0 = std::max(0, static_cast<int>(std::floor((g.y1 - maxY) / g.cell)));
        const int r1 = std::min(g.height - 1, static_cast<int>(std::floor((g.y1 - minY) / g.cell)));
        if (c0 > c1) continue;
        in.assign(static_cast<std::size_t>(c1 - c0 + 1), 0);
        for (int r = r0; r <= r1; ++r) {
            const double y = g.centre(0, r).y;
            // Inside a ring: an odd number of its crossings lies to the right of the centre
            // (relocation::inRing's test, crossing for crossing).
            auto crossings = [&](const Ring& ring) {
                cross.clear();
                for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
                    if ((ring[i].y > y) != (ring[j].y > y))
                        cross.push_back((ring[j].x - ring[i].x) * (y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x);
                std::sort(cross.begin(), cross.end());
            };
            crossings(poly.rings[0]);
            std::size_t k = 0;
            for (int c = c0; c <= c1; ++c) {
                const double x = g.centre(c, r).x;
                while (k < cross.size() && cross[k] <= x) ++k;
                in[static_cast<std::size_t>(c - c0)] = (cross.size() - k) % 2 == 1;
            }
            for (std::size_t h = 1; h < poly.rings.size(); ++h) {
                if (poly.rings[h].size() < 3) continue;
                crossings(poly.rings[h]);
                k = 0;
                for (int c = c0; c <= c1; ++c) {
                    const double x = g.centre(c, r).x;
                    while (k < cross.size() && cross[k] <= x) ++k;
                    if ((cross.size() - k) % 2 == 1) in[static_cast<std::size_t>(c - c0)] = 0;
                }
            }
            for (int c = c0; c <= c1; ++c)
                if (in[static_cast<std::size_t>(c - c0)]) mark(g.index(c, r));
        }
    }
}

std::vector<std::int32_t> components(const GridFrame& g, const std::vector<std::uint32_t>& key, std::int32_t& count) {
    std::vector<std::int32_t> label(g.size(), 0);
    std::vector<std::size_t> stack;
    count = 0;
    for (std::size_t s = 0; s < g.size(); ++s) {
        if (!key[s] || label[s]) continue;
        const std::int32_t l = ++count;
        label[s] = l;
        stack.push_back(s);
        while (!stack.empty()) {
            const std::size_t i = stack.back();
            stack.pop_back();
            const int c = static_cast<int>(i % g.width), r = static_cast<int>(i / g.width);
            auto visit = [&](int cc, int rr) {
                if (cc < 0 || rr < 0 || cc >= g.width || rr >= g.height) return;
                const std::size_t j = g.index(cc, rr);
                if (!label[j] && key[j] == key[s]) {
                    label[j] = l;
                    stack.push_back(j);
                }
            };
            visit(c + 1, r), visit(c - 1, r), visit(c, r + 1), visit(c, r - 1);
        }
    }
    return label;
}

std::vector<Polygons> tracePolygons(const GridFrame& g, const std::vector<std::int32_t>& label, std::int32_t count,
                                    const std::function<bool(std::int32_t)>& wanted) {
    // Directed cell sides with the region on the left (map coordinates, y up): E, N, W, S.
    struct Side {
        std::int32_t label;
        std::int64_t from;  // grid vertex: row * (width + 1) + col
        std::uint8_t dir;
        bool operator<(const Side& o) const { return label != o.label ? label < o.label : from != o.from ? from < o.from : dir < o.dir; }
    };
    const std::int64_t VW = g.width + 1;
    static constexpr int kDc[4] = {1, 0, -1, 0}, kDr[4] = {0, -1, 0, 1};
    std::vector<std::uint8_t> want(static_cast<std::size_t>(count) + 1, 0);
    for (std::int32_t l = 1; l <= count; ++l) want[l] = wanted(l) ? 1 : 0;
    std::vector<Side> sides;
    auto other = [&](int c, int r) { return c < 0 || r < 0 || c >= g.width || r >= g.height ? 0 : label[g.index(c, r)]; };
    for (int r = 0; r < g.height; ++r)
        for (int c = 0; c < g.width; ++c) {
            const std::int32_t l = label[g.index(c, r)];
            if (l <= 0 || !want[l]) continue;
            if (other(c, r + 1) != l) sides.push_back({l, (r + 1) * VW + c, 0});      // bottom, eastward
            if (other(c + 1, r) != l) sides.push_back({l, (r + 1) * VW + c + 1, 1});  // right, northward
            if (other(c, r - 1) != l) sides.push_back({l, r * VW + c + 1, 2});        // top, westward
            if (other(c - 1, r) != l) sides.push_back({l, r * VW + c, 3});            // left, southward
        }
    std::sort(sides.begin(), sides.end());
    std::vector<std::uint8_t> used(sides.size(), 0);
    auto find = [&](std::int32_t l, std::int64_t from, int dir) -> std::int64_t {
        const Side key{l, from, static_cast<std::uint8_t>(dir)};
        auto it = std::lower_bound(sides.begin(), sides.end(), key);
        if (it != sides.end() && it->label == l && it->from == from && it->dir == dir) return it - sides.begin();
        return -1;
    };
    auto at = [&](std::int64_t v) { return XY{g.x0 + double(v % VW) * g.cell, g.y1 - double(v / VW) * g.cell}; };
    std::vector<Polygons> out(static_cast<std::size_t>(count) + 1);
    std::vector<std::vector<Ring>> holes(static_cast<std::size_t>(count) + 1);
    // A ring from grid vertices: straight runs merged, closed; counter-clockwise ones are outer.
    auto emit = [&](std::int32_t l, const std::vector<std::int64_t>& v) {
        const std::size_t m = v.size();
        if (m < 4) return;
        Ring ring;
        for (std::size_t i = 0; i < m; ++i) {
            const XY a = at(v[(i + m - 1) % m]), b = at(v[i]), c = at(v[(i + 1) % m]);
            if ((b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x) != 0) ring.push_back(b);
        }
        if (ring.size() < 3) return;
        ring.push_back(ring.front());
        double area = 0;
        for (std::size_t i = 0; i + 1 < ring.size(); ++i) area += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
        if (area > 0)
            out[l].push_back(Polygon{{std::move(ring)}});
        else
            holes[l].push_back(std::move(ring));
    };
    std::vector<std::int64_t> path, loop;
    std::unordered_map<std::int64_t, std::size_t> onPath;
    for (std::size_t s = 0; s < sides.size(); ++s) {
        if (used[s]) continue;
        const std::int32_t l = sides[s].label;
        path.clear();
        onPath.clear();
        std::size_t e = s;
        while (true) {
            used[e] = 1;
            const Side& sd = sides[e];
            // A ring touching itself at a vertex is cut there into two rings (the simple rings
            // OGC asks for: a shell and a hole touching it, or two holes touching).
            if (auto it = onPath.find(sd.from); it != onPath.end()) {
                loop.assign(path.begin() + static_cast<std::ptrdiff_t>(it->second), path.end());
                for (std::size_t k = it->second + 1; k < path.size(); ++k) onPath.erase(path[k]);
                path.resize(it->second + 1);
                emit(l, loop);
            } else {
                onPath.emplace(sd.from, path.size());
                path.push_back(sd.from);
            }
            const std::int64_t to = sd.from + kDc[sd.dir] + kDr[sd.dir] * VW;
            // Left first: a region touching itself at a corner stays two 4-connected pieces.
            // Back at the first side (in the same order of preference): the ring is closed.
            std::int64_t next = -1;
            bool closed = false;
            for (int turn : {1, 0, 3}) {
                const std::int64_t n = find(l, to, (sd.dir + turn) % 4);
                if (n < 0) continue;
                if (static_cast<std::size_t>(n) == s) {
                    closed = true;
                    break;
                }
                if (!used[n]) {
                    next = n;
                    break;
                }
            }
            if (closed || next < 0) break;
            e = static_cast<std::size_t>(next);
        }
        emit(l, path);
    }
    for (std::int32_t l = 1; l <= count; ++l)
        if (!out[l].empty())
            for (auto& h : holes[l]) out[l][0].rings.push_back(std::move(h));
    return out;
}

std::vector<float> windowMeans(const GridFrame& g, const std::vector<std::uint8_t>& eligible, const std::vector<float>& value, int side) {
    if (side < 1 || side > g.width || side > g.height) return {};
    const std::size_t VW = static_cast<std::size_t>(g.width) + 1;
    // Summed-area tables of the eligible cells and of their values.
    std::vector<std::int32_t> n(VW * (g.height + 1), 0);
    std::vector<double> sum(VW * (g.height + 1), 0);
    for (int r = 0; r < g.height; ++r) {
        std::int32_t rowN = 0;
        double rowSum = 0;
        for (int c = 0; c < g.width; ++c) {
            const std::size_t i = g.index(c, r);
            if (eligible[i]) {
                ++rowN;
                rowSum += value[i];
            }
            n[(r + 1) * VW + c + 1] = n[r * VW + c + 1] + rowN;
            sum[(r + 1) * VW + c + 1] = sum[r * VW + c + 1] + rowSum;
        }
    }
    const int OW = g.width - side + 1, OH = g.height - side + 1;
    std::vector<float> out(static_cast<std::size_t>(OW) * OH, NAN);
    const std::int32_t full = side * side;
    for (int r = 0; r < OH; ++r)
        for (int c = 0; c < OW; ++c) {
            const std::size_t a = r * VW + c, b = r * VW + c + side, d = (r + side) * VW + c, e = (r + side) * VW + c + side;
            if (n[e] - n[b] - n[d] + n[a] == full)
                out[static_cast<std::size_t>(r) * OW + c] = static_cast<float>((sum[e] - sum[b] - sum[d] + sum[a]) / full);
        }
    return out;
}

}  // namespace ruralatlas::suitability
