#include "analysis/road_network.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>

#include "analysis/segment_grid.hpp"
#include "core/timing.hpp"

namespace ruralatlas::analysis {

struct RoadNetwork::Index {
    SegmentGrid fine;  // the segments, for joining points to the road
};

double defaultRoadSpeed(const std::string& cls, const std::string& surface) {
    // Design speeds of the Chinese highway technical standard (JTG B01-2014) for the usual
    // grade of each administrative class, lowered for unpaved surfaces.
    double v = 20;
    if (cls == "national")
        v = 80;
    else if (cls == "provincial")
        v = 60;
    else if (cls == "county")
        v = 40;
    else if (cls == "township")
        v = 30;
    else if (cls == "village")
        v = 20;
    else if (cls == "track")
        v = 10;
    if (surface == "gravel")
        v *= 0.7;
    else if (surface == "earth")
        v *= 0.5;
    return v;
}

namespace {
struct Split {
    double t;
    XY p;
};

// Parameter of the projection of p on segment a-b, clamped to [0, 1].
double project(const XY& a, const XY& b, const XY& p) {
    const double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    if (l2 <= 0) return 0;
    return std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / l2, 0.0, 1.0);
}
XY lerp(const XY& a, const XY& b, double t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

// Time to cover `fraction` of an edge in a direction that takes `minutes` in full: no time at
// all for a zero fraction, whatever the direction (a point on a node of a one-way edge is at
// that node), and infinite for a positive fraction against a one-way edge.
double along(double fraction, double minutes) { return fraction <= 0 ? 0.0 : fraction * minutes; }
double dist(const XY& a, const XY& b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Proper crossing of two segments: parameters on each, when they cross strictly inside.
bool crossing(const XY& p, const XY& p2, const XY& q, const XY& q2, double& t, double& u) {
    const double rx = p2.x - p.x, ry = p2.y - p.y, sx = q2.x - q.x, sy = q2.y - q.y;
    const double den = rx * sy - ry * sx;
    if (std::fabs(den) < 1e-12) return false;
    t = ((q.x - p.x) * sy - (q.y - p.y) * sx) / den;
    u = ((q.x - p.x) * ry - (q.y - p.y) * rx) / den;
    return t > 0 && t < 1 && u > 0 && u < 1;
}

// Node identity within the tolerance, through a hash grid of cell = tolerance: an open-addressing
// table (a node per cell, the first one filed there) probed in the 3x3 cells around a point.
class NodeGrid {
public:
    NodeGrid(double tol, std::vector<XY>& nodes, std::size_t expected) : m_tol(tol), m_nodes(nodes) {
        std::size_t cap = 1024;
        while (cap < expected * 2) cap *= 2;
        m_keys.assign(cap, kEmpty);
        m_ids.resize(cap);
        m_mask = cap - 1;
    }
    std::uint32_t get(const XY& p) {
        const auto cx = static_cast<std::int64_t>(std::floor(p.x / m_tol)), cy = static_cast<std::int64_t>(std::floor(p.y / m_tol));
        for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
                const std::uint64_t k = key(cx + dx, cy + dy);
                for (std::size_t slot = hash(k);; slot = (slot + 1) & m_mask) {
                    if (m_keys[slot] == kEmpty) break;
                    if (m_keys[slot] == k) {
                        if (dist(m_nodes[m_ids[slot]], p) <= m_tol) return m_ids[slot];
                        break;
                    }
                }
            }
        const auto id = static_cast<std::uint32_t>(m_nodes.size());
        m_nodes.push_back(p);
        insert(key(cx, cy), id);
        return id;
    }

private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
    // Cell coordinates packed in 32 bits each (a projected CRS at 0.5 m stays far inside).
    static std::uint64_t key(std::int64_t x, std::int64_t y) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) | static_cast<std::uint32_t>(y);
    }
    std::size_t hash(std::uint64_t k) const { return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ULL) >> 17) & m_mask; }
    void insert(std::uint64_t k, std::uint32_t id) {
        if (++m_used * 2 > m_keys.size()) grow();
        for (std::size_t slot = hash(k);; slot = (slot + 1) & m_mask) {
            if (m_keys[slot] == k) return;  // the cell keeps its first node
            if (m_keys[slot] == kEmpty) {
                m_keys[slot] = k;
                m_ids[slot] = id;
                return;
            }
        }
    }
    void grow() {
        std::vector<std::uint64_t> keys(m_keys.size() * 2, kEmpty);
        std::vector<std::uint32_t> ids(keys.size());
        keys.swap(m_keys);
        ids.swap(m_ids);
        m_mask = m_keys.size() - 1;
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i] != kEmpty)
                for (std::size_t slot = hash(keys[i]);; slot = (slot + 1) & m_mask)
                    if (m_keys[slot] == kEmpty) {
                        m_keys[slot] = keys[i];
                        m_ids[slot] = ids[i];
                        break;
                    }
    }
    double m_tol;
    std::vector<XY>& m_nodes;
    std::vector<std::uint64_t> m_keys;
    std::vector<std::uint32_t> m_ids;
    std::size_t m_mask = 0, m_used = 0;
};
}  // namespace

// Long on purpose: the graph built in one pass over the roads (vertices snapped into nodes, edges
// split where roads cross or touch, speeds from class and surface, one-way kept), sharing the node
// index under construction.
RoadNetwork::RoadNetwork(const std::vector<RoadRec>& roads, const NetworkOptions& opt, Feedback* feedback)
    : m_opt(opt), m_index(std::make_shared<Index>()) {
    const double tol = opt.tolerance;
    // Vertices of every road (repeats in a row dropped), and the segments between them: segment
    // k of a road runs from vertex va to va + 1.
    struct InSeg {
        XY a, b;
        std::uint32_t road, va;
    };
    std::vector<XY> verts;
    std::vector<unsigned char> shared;  // vertex needs a global identity (road end, or met by another road)
    std::vector<InSeg> segs;
    {
        PhaseTimer timer("network: segments");
        std::size_t points = 0;
        for (const auto& r : roads) points += r.line.size();
        verts.reserve(points);
        shared.reserve(points);
        segs.reserve(points);
        for (std::uint32_t r = 0; r < roads.size(); ++r) {
            const auto& line = roads[r].line;
            const std::size_t first = verts.size();
            for (const XY& p : line) {
                if (verts.size() > first && verts.back().x == p.x && verts.back().y == p.y) continue;
                if (verts.size() > first) segs.push_back({verts.back(), p, r, static_cast<std::uint32_t>(verts.size() - 1)});
                verts.push_back(p);
                shared.push_back(0);
            }
            if (verts.size() - first < 2) {  // a road of one point: nothing to drive on
                verts.resize(first);
                shared.resize(first);
                continue;
            }
            shared[first] = shared.back() = 1;
        }
    }
    // Splits other roads force on each segment (proper crossings, and an end of one road touching
    // the inside of another within the tolerance), and vertices another road meets within the
    // tolerance: every nearby pair from the grid, on both cores.
    struct SplitAt {
        std::uint32_t seg;
        double t;
        XY p;
    };
    std::vector<SplitAt> splits;
    {
        PhaseTimer timer("network: crossings");
        const SegmentGrid grid(
            segs.size(), [&](std::size_t i) { return std::pair<XY, XY>(segs[i].a, segs[i].b); }, tol);
        struct Found {
            std::vector<SplitAt> splits;
            std::vector<std::uint32_t> sharedVertices;
        };
        const double tol2 = tol * tol;
        auto states = grid.forEachPair<Found>(
            2, [] { return Found{}; },
            [&](Found& found, std::size_t cell, std::uint32_t i, std::uint32_t j) {
                const InSeg& s = segs[i];
                const InSeg& o = segs[j];
                if (std::max(s.a.x, s.b.x) + tol < std::min(o.a.x, o.b.x) || std::max(o.a.x, o.b.x) + tol < std::min(s.a.x, s.b.x) ||
                    std::max(s.a.y, s.b.y) + tol < std::min(o.a.y, o.b.y) || std::max(o.a.y, o.b.y) + tol < std::min(s.a.y, s.b.y))
                    return;
                double t, u;
                if (crossing(s.a, s.b, o.a, o.b, t, u)) {
                    const XY p = lerp(s.a, s.b, t);
                    if (grid.cellOf(p) == cell) {
                        found.splits.push_back({i, t, p});
                        found.splits.push_back({j, u, p});
                    }
                    return;
                }
                const XY se[2] = {s.a, s.b}, oe[2] = {o.a, o.b};
                const std::uint32_t sv[2] = {s.va, s.va + 1}, ov[2] = {o.va, o.va + 1};
                for (int k = 0; k < 2; ++k) {
                    // An end of one touching the inside of the other (T-junction without a shared vertex).
                    const double tt = project(s.a, s.b, oe[k]);
                    if (tt > 0 && tt < 1 && dist(lerp(s.a, s.b, tt), oe[k]) <= tol && grid.cellOf(oe[k]) == cell) {
                        found.splits.push_back({i, tt, oe[k]});
                        found.sharedVertices.push_back(ov[k]);
                    }
                    const double uu = project(o.a, o.b, se[k]);
                    if (uu > 0 && uu < 1 && dist(lerp(o.a, o.b, uu), se[k]) <= tol && grid.cellOf(se[k]) == cell) {
                        found.splits.push_back({j, uu, se[k]});
                        found.sharedVertices.push_back(sv[k]);
                    }
                    // Vertices of two roads (or two places of one road) within the tolerance.
                    for (int q = 0; q < 2; ++q) {
                        if (sv[k] == ov[q]) continue;
                        const double dx = se[k].x - oe[q].x, dy = se[k].y - oe[q].y;
                        if (dx * dx + dy * dy <= tol2 && grid.cellOf(se[k]) == cell) {
                            found.sharedVertices.push_back(sv[k]);
                            found.sharedVertices.push_back(ov[q]);
                        }
                    }
                }
            });
        if (feedback) feedback->checkCancelled();
        for (auto& f : states) {
            splits.insert(splits.end(), f.splits.begin(), f.splits.end());
            for (std::uint32_t v : f.sharedVertices) shared[v] = 1;
        }
        std::sort(splits.begin(), splits.end(),
                  [](const SplitAt& a, const SplitAt& b) { return a.seg != b.seg ? a.seg < b.seg : a.t < b.t; });
    }
    // Nodes: vertices no other road comes near are nodes of their own; road ends, shared
    // vertices and split points are merged within the tolerance through a hash grid.
    std::optional<PhaseTimer> timer("network: nodes");
    std::size_t sharedCount = 0;
    for (unsigned char s : shared) sharedCount += s;
    NodeGrid grid(std::max(tol, 1e-6), m_nodes, sharedCount + splits.size() + 1);
    m_nodes.reserve(verts.size() + splits.size() / 2 + 1);
    std::vector<std::uint32_t> nodeOf(verts.size());
    for (std::size_t v = 0; v < verts.size(); ++v) {
        if (shared[v]) {
            nodeOf[v] = grid.get(verts[v]);
        } else {
            nodeOf[v] = static_cast<std::uint32_t>(m_nodes.size());
            m_nodes.push_back(verts[v]);
        }
    }
    shared = {};
    struct FineEdge {
        std::uint32_t a, b;
        double metres, minutesAB, minutesBA;
    };
    std::vector<FineEdge> fine;
    fine.reserve(segs.size() + splits.size() / 2);
    std::size_t k = 0;
    std::vector<std::uint32_t> points;
    std::vector<double> metresPerMinuteOf(roads.size());
    for (std::size_t r = 0; r < roads.size(); ++r)
        metresPerMinuteOf[r] =
            (roads[r].speedKmh > 0 ? roads[r].speedKmh : defaultRoadSpeed(roads[r].cls, roads[r].surface)) * 1000.0 / 60.0;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const InSeg& s = segs[i];
        const RoadRec& road = roads[s.road];
        points.clear();
        points.push_back(nodeOf[s.va]);
        for (; k < splits.size() && splits[k].seg == i; ++k) points.push_back(grid.get(splits[k].p));
        points.push_back(nodeOf[s.va + 1]);
        const double metresPerMinute = metresPerMinuteOf[s.road];
        std::uint32_t prev = points[0];
        for (std::size_t q = 1; q < points.size(); ++q) {
            const std::uint32_t next = points[q];
            if (next == prev) continue;
            const double len = dist(m_nodes[prev], m_nodes[next]);
            const double minutes = len / metresPerMinute;
            fine.push_back({prev, next, len, minutes, road.oneway ? kUnreachable : minutes});
            prev = next;
        }
    }
    segs = {};
    verts = {};
    nodeOf = {};
    timer.emplace("network: segment index");
    m_segmentEnds.resize(fine.size());
    for (std::uint32_t e = 0; e < fine.size(); ++e) m_segmentEnds[e] = {fine[e].a, fine[e].b};
    m_index->fine = SegmentGrid(
        fine.size(), [&](std::size_t i) { return std::pair<XY, XY>(m_nodes[fine[i].a], m_nodes[fine[i].b]); }, 0.0);
    timer.emplace("network: contraction");

    // Contract chains of degree-2 nodes (shape points) into edges between junctions: the search
    // then visits junctions only; points still join the network on their own segment.
    std::vector<std::uint32_t> degree(m_nodes.size(), 0), fineOffsets(m_nodes.size() + 1, 0);
    for (const FineEdge& f : fine) {
        ++degree[f.a];
        ++degree[f.b];
    }
    for (std::size_t i = 0; i < m_nodes.size(); ++i) fineOffsets[i + 1] = fineOffsets[i] + degree[i];
    std::vector<std::uint32_t> fineIncident(fineOffsets.back()), fillFine(fineOffsets.begin(), fineOffsets.end() - 1);
    for (std::uint32_t e = 0; e < fine.size(); ++e) {
        fineIncident[fillFine[fine[e].a]++] = e;
        fineIncident[fillFine[fine[e].b]++] = e;
    }
    std::vector<unsigned char> junction(m_nodes.size()), visited(fine.size(), 0);
    for (std::size_t i = 0; i < m_nodes.size(); ++i) junction[i] = degree[i] != 2;
    m_fine.resize(fine.size());
    auto chain = [&](std::uint32_t start, std::uint32_t first) {
        const auto id = static_cast<std::uint32_t>(m_edges.size());
        Edge c{start, start, 0, 0, 0, 0, 0, 0, 0};
        std::uint32_t cur = start, e = first;
        for (;;) {
            visited[e] = 1;
            const FineEdge& f = fine[e];
            const bool fwd = f.a == cur;
            Segment seg{
                id,         fwd,         f.metres,   fwd ? f.minutesAB : f.minutesBA, fwd ? f.minutesBA : f.minutesAB, c.metres, c.finiteAB,
                c.finiteBA, c.blockedAB, c.blockedBA};
            m_fine[e] = seg;
            c.metres += f.metres;
            if (std::isfinite(seg.minutesAB))
                c.finiteAB += seg.minutesAB;
            else
                ++c.blockedAB;
            if (std::isfinite(seg.minutesBA))
                c.finiteBA += seg.minutesBA;
            else
                ++c.blockedBA;
            const std::uint32_t next = fwd ? f.b : f.a;
            c.b = next;
            if (junction[next]) break;
            const std::uint32_t o0 = fineIncident[fineOffsets[next]], o1 = fineIncident[fineOffsets[next] + 1];
            const std::uint32_t other = o0 == e ? o1 : o0;
            if (visited[other]) break;  // a closed ring
            cur = next;
            e = other;
        }
        c.minutesAB = c.blockedAB ? kUnreachable : c.finiteAB;
        c.minutesBA = c.blockedBA ? kUnreachable : c.finiteBA;
        m_edges.push_back(c);
    };
    for (std::uint32_t n = 0; n < m_nodes.size(); ++n)
        if (junction[n])
            for (std::uint32_t q = fineOffsets[n]; q < fineOffsets[n + 1]; ++q)
                if (!visited[fineIncident[q]]) chain(n, fineIncident[q]);
    for (std::uint32_t e = 0; e < fine.size(); ++e)  // rings with no junction at all
        if (!visited[e]) {
            junction[fine[e].a] = 1;
            chain(fine[e].a, e);
        }

    // Junctions numbered 0..J-1 for the search (its arrays then hold junctions only, not the
    // millions of shape points), and the CSR adjacency of the contracted graph over them.
    {
        std::vector<std::uint32_t> compact(m_nodes.size(), 0);
        std::uint32_t j = 0;
        for (std::size_t n = 0; n < m_nodes.size(); ++n)
            if (junction[n]) compact[n] = j++;
        for (Edge& e : m_edges) {
            e.a = compact[e.a];
            e.b = compact[e.b];
        }
        m_junctions = j;
    }
    m_offsets.assign(std::size_t{m_junctions} + 1, 0);
    for (const Edge& e : m_edges) {
        ++m_offsets[e.a + 1];
        ++m_offsets[e.b + 1];
    }
    for (std::size_t i = 1; i < m_offsets.size(); ++i) m_offsets[i] += m_offsets[i - 1];
    m_incident.resize(m_offsets.back());
    std::vector<std::uint32_t> fill(m_offsets.begin(), m_offsets.end() - 1);
    for (std::uint32_t e = 0; e < m_edges.size(); ++e) {
        m_incident[fill[m_edges[e].a]++] = e;
        m_incident[fill[m_edges[e].b]++] = e;
    }
}

RoadNetwork::Attachment RoadNetwork::attach(const XY& p) const {
    Attachment at;
    std::uint32_t f;
    double d2, t;
    if (!m_index->fine.nearest(
            p, m_opt.maxWalkMetres,
            [&](std::size_t i) {
                const auto [na, nb] = m_segmentEnds[i];
                return std::pair<XY, XY>(m_nodes[na], m_nodes[nb]);
            },
            f, d2, t))
        return at;
    at.fine = f;
    at.edge = m_fine[f].edge;
    at.s = m_fine[f].forward ? t : 1 - t;
    at.walk = std::sqrt(d2);
    return at;
}

// Positions along a contracted edge. A segment's one-way closure blocks a direction only for
// trips that cover part of that segment in it.
double RoadNetwork::fromA(const Attachment& at) const {
    const Segment& f = m_fine[at.fine];
    if (f.blockedABBefore > 0) return kUnreachable;
    return f.finiteABBefore + along(at.s, f.minutesAB);
}

double RoadNetwork::toA(const Attachment& at) const {
    const Segment& f = m_fine[at.fine];
    if (f.blockedBABefore > 0) return kUnreachable;
    return f.finiteBABefore + along(at.s, f.minutesBA);
}

double RoadNetwork::toB(const Attachment& at) const {
    const Segment& f = m_fine[at.fine];
    const Edge& e = m_edges[f.edge];
    const bool here = !std::isfinite(f.minutesAB);
    if (e.blockedAB - f.blockedABBefore - (here ? 1 : 0) > 0) return kUnreachable;
    return along(1 - at.s, f.minutesAB) + e.finiteAB - f.finiteABBefore - (here ? 0 : f.minutesAB);
}

double RoadNetwork::fromB(const Attachment& at) const {
    const Segment& f = m_fine[at.fine];
    const Edge& e = m_edges[f.edge];
    const bool here = !std::isfinite(f.minutesBA);
    if (e.blockedBA - f.blockedBABefore - (here ? 1 : 0) > 0) return kUnreachable;
    return e.finiteBA - f.finiteBABefore - (here ? 0 : f.minutesBA) + along(1 - at.s, f.minutesBA);
}

double RoadNetwork::metresFromA(const Attachment& at) const {
    const Segment& f = m_fine[at.fine];
    return f.metresBefore + at.s * f.metres;
}

double RoadNetwork::between(const Attachment& p, const Attachment& q) const {
    const Segment& fp = m_fine[p.fine];
    const Segment& fq = m_fine[q.fine];
    if (p.fine == q.fine) return q.s >= p.s ? along(q.s - p.s, fp.minutesAB) : along(p.s - q.s, fp.minutesBA);
    if (fq.metresBefore > fp.metresBefore) {  // q lies ahead: a->b
        const bool blockedP = !std::isfinite(fp.minutesAB);
        if (fq.blockedABBefore - fp.blockedABBefore - (blockedP ? 1 : 0) > 0) return kUnreachable;
        const double middle = fq.finiteABBefore - fp.finiteABBefore - (blockedP ? 0 : fp.minutesAB);
        return along(1 - p.s, fp.minutesAB) + middle + along(q.s, fq.minutesAB);
    }
    const bool blockedQ = !std::isfinite(fq.minutesBA);  // q lies behind: b->a
    if (fp.blockedBABefore - fq.blockedBABefore - (blockedQ ? 1 : 0) > 0) return kUnreachable;
    const double middle = fp.finiteBABefore - fq.finiteBABefore - (blockedQ ? 0 : fq.minutesBA);
    return along(p.s, fp.minutesBA) + middle + along(1 - q.s, fq.minutesBA);
}

std::vector<RoadNetwork::Label> RoadNetwork::search(const std::vector<std::pair<Attachment, int>>& sources, double maxMinutes,
                                                    Feedback* feedback) const {
    std::vector<Label> label(m_junctions);
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    const double walkPerMinute = m_opt.walkKmh * 1000.0 / 60.0;
    auto offer = [&](std::uint32_t node, double minutes, double metres, int source) {
        if (minutes < label[node].minutes && minutes <= maxMinutes) {
            label[node] = {minutes, metres, source};
            heap.push({minutes, node});
        }
    };
    for (const auto& [at, source] : sources) {
        if (at.walk > m_opt.maxWalkMetres) continue;
        const Edge& e = m_edges[at.edge];
        const double walkMin = at.walk / walkPerMinute;
        const double m = metresFromA(at);
        // From node a the trip runs a -> the point along the edge (a->b); from b, b->a.
        const double fa = fromA(at), fb = fromB(at);
        if (std::isfinite(fa)) offer(e.a, walkMin + fa, at.walk + m, source);
        if (std::isfinite(fb)) offer(e.b, walkMin + fb, at.walk + e.metres - m, source);
    }
    std::size_t pops = 0;
    while (!heap.empty()) {
        const auto [d, v] = heap.top();
        heap.pop();
        if (d > label[v].minutes) continue;
        if (feedback && (++pops & 0xFFFFF) == 0) feedback->checkCancelled();
        for (std::uint32_t k = m_offsets[v]; k < m_offsets[v + 1]; ++k) {
            const Edge& e = m_edges[m_incident[k]];
            // A trip from u through v: u -> v along the edge.
            const bool vIsB = e.b == v;
            const std::uint32_t u = vIsB ? e.a : e.b;
            const double step = vIsB ? e.minutesAB : e.minutesBA;
            if (!std::isfinite(step)) continue;
            offer(u, d + step, label[v].metres + e.metres, label[v].source);
        }
    }
    return label;
}

Route RoadNetwork::evaluate(const Attachment& at, const std::vector<Label>& label, const SourcesByEdge* sameEdge,
                            const std::vector<Attachment>* srcAt) const {
    Route best;
    if (m_edges.empty() || at.walk > m_opt.maxWalkMetres) return best;
    const Edge& e = m_edges[at.edge];
    const double walkPerMinute = m_opt.walkKmh * 1000.0 / 60.0;
    const double walkMin = at.walk / walkPerMinute;
    const double m = metresFromA(at);
    // Sums of differences of running totals can come out a hair below zero for a point on top of
    // its source: no trip takes less than no time.
    auto consider = [&](double minutes, double metres, int source) {
        minutes = std::max(0.0, minutes);
        if (source >= 0 && minutes < best.minutes) best = {source, minutes, std::max(0.0, metres)};
    };
    const double ta = toA(at), tb = toB(at);
    if (std::isfinite(ta) && label[e.a].source >= 0)
        consider(walkMin + ta + label[e.a].minutes, at.walk + m + label[e.a].metres, label[e.a].source);
    if (std::isfinite(tb) && label[e.b].source >= 0)
        consider(walkMin + tb + label[e.b].minutes, at.walk + e.metres - m + label[e.b].metres, label[e.b].source);
    // A source on the same edge, reached without passing a node.
    if (sameEdge && srcAt)
        for (auto it = std::lower_bound(sameEdge->begin(), sameEdge->end(), std::pair<std::uint32_t, int>(at.edge, -1));
             it != sameEdge->end() && it->first == at.edge; ++it) {
            const int source = it->second;
            const Attachment& sa = (*srcAt)[static_cast<std::size_t>(source)];
            const double way = between(at, sa);
            if (!std::isfinite(way)) continue;
            consider(walkMin + way + sa.walk / walkPerMinute, at.walk + std::fabs(metresFromA(sa) - m) + sa.walk, source);
        }
    return best;
}

std::vector<Route> RoadNetwork::nearest(const std::vector<XY>& sources, const std::vector<XY>& targets, Feedback& feedback) const {
    std::vector<std::pair<Attachment, int>> src;
    std::vector<Attachment> srcAt;
    SourcesByEdge sameEdge;
    srcAt.resize(sources.size());
    {
        auto join = [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) srcAt[i] = attach(sources[i]);
        };
        const std::size_t half = sources.size() > 4096 ? sources.size() / 2 : sources.size();
        std::thread helper(join, half, sources.size());
        join(0, half);
        helper.join();
    }
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const Attachment& a = srcAt[i];
        if (a.walk <= m_opt.maxWalkMetres) {
            src.push_back({a, static_cast<int>(i)});
            sameEdge.emplace_back(a.edge, static_cast<int>(i));
        }
    }
    std::sort(sameEdge.begin(), sameEdge.end());
    feedback.checkCancelled();
    std::optional<PhaseTimer> timer("network: search");
    const auto label = search(src, kUnreachable, &feedback);
    feedback.checkCancelled();
    timer.emplace("network: attach targets");
    std::vector<Route> out(targets.size());
    auto work = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) out[i] = evaluate(attach(targets[i]), label, &sameEdge, &srcAt);
    };
    // Joining the targets is independent per target: both cores.
    const std::size_t half = targets.size() > 4096 ? targets.size() / 2 : targets.size();
    std::thread helper(work, half, targets.size());
    work(0, half);
    helper.join();
    return out;
}

std::vector<std::vector<std::pair<std::uint32_t, double>>> RoadNetwork::withinFromEach(const std::vector<XY>& sources,
                                                                                       const std::vector<XY>& targets, double maxMinutes,
                                                                                       Feedback* feedback, unsigned threads) const {
    std::vector<std::vector<std::pair<std::uint32_t, double>>> rows(sources.size());
    if (m_edges.empty() || sources.empty() || targets.empty()) return rows;
    // The targets joined once, listed by the edge they join (CSR).
    std::vector<Attachment> at(targets.size());
    std::vector<std::uint32_t> first(m_edges.size() + 1, 0), onEdge;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        at[i] = attach(targets[i]);
        if (at[i].walk <= m_opt.maxWalkMetres) ++first[at[i].edge + 1];
    }
    for (std::size_t e = 0; e < m_edges.size(); ++e) first[e + 1] += first[e];
    onEdge.resize(first.back());
    {
        std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
        for (std::size_t i = 0; i < targets.size(); ++i)
            if (at[i].walk <= m_opt.maxWalkMetres) onEdge[fill[at[i].edge]++] = static_cast<std::uint32_t>(i);
    }
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    const auto work = [&](bool main) {
        for (std::size_t j; !stop && (j = next++) < sources.size();) {
            const Attachment a = attach(sources[j]);
            if (a.walk > m_opt.maxWalkMetres) {
                ++done;
                continue;
            }
            const std::vector<Attachment> srcAt{a};
            const SourcesByEdge sameEdge{{a.edge, 0}};
            const std::vector<Label> label = search({{a, 0}}, maxMinutes);
            auto& row = rows[j];
            const auto visitEdge = [&](std::uint32_t e) {
                for (std::uint32_t k = first[e]; k < first[e + 1]; ++k) {
                    const Route r = evaluate(at[onEdge[k]], label, &sameEdge, &srcAt);
                    if (r.reachable() && r.minutes <= maxMinutes) row.emplace_back(onEdge[k], r.minutes);
                }
            };
            // Every edge with a reached end, once (from its lower reached end), and the source's own.
            visitEdge(a.edge);
            for (std::uint32_t v = 0; v < m_junctions; ++v) {
                if (label[v].source < 0) continue;
                for (std::uint32_t k = m_offsets[v]; k < m_offsets[v + 1]; ++k) {
                    const std::uint32_t e = m_incident[k];
                    if (e == a.edge) continue;
                    const std::uint32_t u = m_edges[e].a == v ? m_edges[e].b : m_edges[e].a;
                    if (u < v && label[u].source >= 0) continue;
                    visitEdge(e);
                }
            }
            // A loop edge is listed twice at its node: keep each target once (its least minutes).
            std::sort(row.begin(), row.end());
            row.erase(std::unique(row.begin(), row.end(), [](const auto& x, const auto& y) { return x.first == y.first; }), row.end());
            ++done;
            if (main && feedback) {
                feedback->checkCancelled();
                feedback->setProgress(double(done) / double(sources.size()), "计算出行成本");
            }
        }
    };
    if (threads == 0) threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    std::exception_ptr error;
    std::mutex errorMutex;
    const auto guarded = [&](bool main) {
        try {
            work(main);
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error) error = std::current_exception();
            stop = true;
        }
    };
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(guarded, false);
    guarded(true);
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    return rows;
}

std::vector<Route> RoadNetwork::fromOne(const XY& source, const std::vector<XY>& targets, double maxMinutes) const {
    const Attachment a = attach(source);
    std::vector<Attachment> srcAt{a};
    SourcesByEdge sameEdge;
    if (a.walk <= m_opt.maxWalkMetres) sameEdge.emplace_back(a.edge, 0);
    const auto label = search({{a, 0}}, maxMinutes);
    std::vector<Route> out(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        out[i] = evaluate(attach(targets[i]), label, &sameEdge, &srcAt);
        if (out[i].minutes > maxMinutes) out[i] = Route{};
    }
    return out;
}

}  // namespace ruralatlas::analysis
