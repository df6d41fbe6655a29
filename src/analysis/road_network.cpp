#include "analysis/road_network.hpp"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <memory>
#include <queue>
#include <thread>
#include <unordered_map>

namespace ruralatlas::analysis {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;
using BSeg = bg::model::segment<BPoint>;

struct RoadNetwork::Index {
    bgi::rtree<std::pair<BSeg, std::uint32_t>, bgi::rstar<16>> edges;
};

double defaultRoadSpeed(const std::string& cls, const std::string& surface) {
    // Design speeds of the Chinese highway technical standard (JTG B01-2014) for the usual
    // grade of each administrative class, lowered for unpaved surfaces.
    double v = 20;
    if (cls == "national") v = 80;
    else if (cls == "provincial") v = 60;
    else if (cls == "county") v = 40;
    else if (cls == "township") v = 30;
    else if (cls == "village") v = 20;
    else if (cls == "track") v = 10;
    if (surface == "gravel") v *= 0.7;
    else if (surface == "earth") v *= 0.5;
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

// Node identity within the tolerance, through a hash grid of cell = tolerance.
class NodeGrid {
public:
    NodeGrid(double tol, std::vector<XY>& nodes, std::size_t expected) : m_tol(tol), m_nodes(nodes) { m_cells.reserve(expected); }
    std::uint32_t get(const XY& p) {
        const auto cx = static_cast<std::int64_t>(std::floor(p.x / m_tol)), cy = static_cast<std::int64_t>(std::floor(p.y / m_tol));
        for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
                auto it = m_cells.find(key(cx + dx, cy + dy));
                if (it != m_cells.end() && dist(m_nodes[it->second], p) <= m_tol) return it->second;
            }
        const auto id = static_cast<std::uint32_t>(m_nodes.size());
        m_nodes.push_back(p);
        m_cells.emplace(key(cx, cy), id);
        return id;
    }

private:
    static std::uint64_t key(std::int64_t x, std::int64_t y) {
        return (static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ULL) ^ static_cast<std::uint64_t>(y);
    }
    double m_tol;
    std::vector<XY>& m_nodes;
    std::unordered_map<std::uint64_t, std::uint32_t> m_cells;
};
}  // namespace

RoadNetwork::RoadNetwork(const std::vector<RoadRec>& roads, const NetworkOptions& opt, Feedback* feedback)
    : m_opt(opt), m_index(std::make_shared<Index>()) {
    // Every input segment, with the splits other roads force on it.
    struct InSeg {
        XY a, b;
        std::uint32_t road;
    };
    std::vector<InSeg> segs;
    for (std::uint32_t r = 0; r < roads.size(); ++r)
        for (std::size_t i = 0; i + 1 < roads[r].line.size(); ++i)
            if (dist(roads[r].line[i], roads[r].line[i + 1]) > 0) segs.push_back({roads[r].line[i], roads[r].line[i + 1], r});
    // Splits other roads force on each segment, found in parallel (each thread its own list).
    struct SplitAt {
        std::uint32_t seg;
        double t;
        XY p;
    };
    std::vector<SplitAt> splits;
    {
        std::vector<std::pair<BBox, std::uint32_t>> boxes;
        boxes.reserve(segs.size());
        for (std::uint32_t i = 0; i < segs.size(); ++i) {
            BBox b(BPoint(std::min(segs[i].a.x, segs[i].b.x), std::min(segs[i].a.y, segs[i].b.y)),
                   BPoint(std::max(segs[i].a.x, segs[i].b.x), std::max(segs[i].a.y, segs[i].b.y)));
            boxes.emplace_back(b, i);
        }
        const bgi::rtree<std::pair<BBox, std::uint32_t>, bgi::rstar<16>> tree(boxes.begin(), boxes.end());
        const double tol = opt.tolerance;
        auto work = [&](std::uint32_t begin, std::uint32_t end, std::vector<SplitAt>& found) {
            std::vector<std::pair<BBox, std::uint32_t>> hits;
            for (std::uint32_t i = begin; i < end; ++i) {
                BBox q = boxes[i].first;
                q.min_corner().set<0>(q.min_corner().get<0>() - tol);
                q.min_corner().set<1>(q.min_corner().get<1>() - tol);
                q.max_corner().set<0>(q.max_corner().get<0>() + tol);
                q.max_corner().set<1>(q.max_corner().get<1>() + tol);
                hits.clear();
                tree.query(bgi::intersects(q), std::back_inserter(hits));
                const InSeg& s = segs[i];
                for (const auto& [box, j] : hits) {
                    if (j <= i) continue;
                    const InSeg& o = segs[j];
                    double t, u;
                    if (crossing(s.a, s.b, o.a, o.b, t, u)) {
                        const XY p = lerp(s.a, s.b, t);
                        found.push_back({i, t, p});
                        found.push_back({j, u, p});
                        continue;
                    }
                    // An end of one touching the inside of the other (T-junction without a shared vertex).
                    for (const XY& e : {o.a, o.b}) {
                        const double tt = project(s.a, s.b, e);
                        if (tt > 0 && tt < 1 && dist(lerp(s.a, s.b, tt), e) <= tol) found.push_back({i, tt, e});
                    }
                    for (const XY& e : {s.a, s.b}) {
                        const double uu = project(o.a, o.b, e);
                        if (uu > 0 && uu < 1 && dist(lerp(o.a, o.b, uu), e) <= tol) found.push_back({j, uu, e});
                    }
                }
            }
        };
        const auto n = static_cast<std::uint32_t>(segs.size());
        std::vector<SplitAt> other;
        std::thread helper(work, n / 2, n, std::ref(other));
        work(0, n / 2, splits);
        helper.join();
        if (feedback) feedback->checkCancelled();
        splits.insert(splits.end(), other.begin(), other.end());
        std::sort(splits.begin(), splits.end(), [](const SplitAt& a, const SplitAt& b) { return a.seg != b.seg ? a.seg < b.seg : a.t < b.t; });
    }
    // Nodes and segments.
    NodeGrid grid(std::max(opt.tolerance, 1e-6), m_nodes, segs.size() + splits.size() / 2 + 1);
    struct FineEdge {
        std::uint32_t a, b;
        double metres, minutesAB, minutesBA;
    };
    std::vector<FineEdge> fine;
    std::vector<std::pair<BSeg, std::uint32_t>> segmentIndex;
    m_nodes.reserve(segs.size() + splits.size() / 2 + 1);
    fine.reserve(segs.size() + splits.size() / 2);
    segmentIndex.reserve(segs.size() + splits.size() / 2);
    std::size_t k = 0;
    std::vector<Split> points;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const InSeg& s = segs[i];
        const RoadRec& road = roads[s.road];
        points.clear();
        points.push_back({0, s.a});
        for (; k < splits.size() && splits[k].seg == i; ++k) points.push_back({splits[k].t, splits[k].p});
        points.push_back({1, s.b});
        const double kmh = road.speedKmh > 0 ? road.speedKmh : defaultRoadSpeed(road.cls, road.surface);
        const double metresPerMinute = kmh * 1000.0 / 60.0;
        std::uint32_t prev = grid.get(points[0].p);
        for (std::size_t q = 1; q < points.size(); ++q) {
            const std::uint32_t next = grid.get(points[q].p);
            if (next == prev) continue;
            const double len = dist(m_nodes[prev], m_nodes[next]);
            const double minutes = len / metresPerMinute;
            fine.push_back({prev, next, len, minutes, road.oneway ? kUnreachable : minutes});
            segmentIndex.emplace_back(BSeg(BPoint(m_nodes[prev].x, m_nodes[prev].y), BPoint(m_nodes[next].x, m_nodes[next].y)),
                                      static_cast<std::uint32_t>(fine.size() - 1));
            prev = next;
        }
    }
    m_index->edges = decltype(m_index->edges)(segmentIndex.begin(), segmentIndex.end());
    segmentIndex = {};

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
            Segment seg{id, fwd, f.metres, fwd ? f.minutesAB : f.minutesBA, fwd ? f.minutesBA : f.minutesAB,
                        c.metres, c.finiteAB, c.finiteBA, c.blockedAB, c.blockedBA};
            m_fine[e] = seg;
            c.metres += f.metres;
            if (std::isfinite(seg.minutesAB)) c.finiteAB += seg.minutesAB;
            else ++c.blockedAB;
            if (std::isfinite(seg.minutesBA)) c.finiteBA += seg.minutesBA;
            else ++c.blockedBA;
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

    // CSR adjacency of the contracted graph.
    m_offsets.assign(m_nodes.size() + 1, 0);
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
    m_segmentEnds.resize(fine.size());
    for (std::uint32_t e = 0; e < fine.size(); ++e) m_segmentEnds[e] = {fine[e].a, fine[e].b};
}

RoadNetwork::Attachment RoadNetwork::attach(const XY& p) const {
    Attachment at;
    if (m_fine.empty()) return at;
    std::vector<std::pair<BSeg, std::uint32_t>> hit;
    m_index->edges.query(bgi::nearest(BPoint(p.x, p.y), 1), std::back_inserter(hit));
    if (hit.empty()) return at;
    const std::uint32_t f = hit[0].second;
    const auto [na, nb] = m_segmentEnds[f];
    const double t = project(m_nodes[na], m_nodes[nb], p);
    at.fine = f;
    at.edge = m_fine[f].edge;
    at.s = m_fine[f].forward ? t : 1 - t;
    at.walk = dist(lerp(m_nodes[na], m_nodes[nb], t), p);
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
    std::vector<Label> label(m_nodes.size());
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

Route RoadNetwork::evaluate(const Attachment& at, const std::vector<Label>& label, const std::vector<std::vector<int>>* sameEdge,
                            const std::vector<Attachment>* srcAt) const {
    Route best;
    if (m_edges.empty() || at.walk > m_opt.maxWalkMetres) return best;
    const Edge& e = m_edges[at.edge];
    const double walkPerMinute = m_opt.walkKmh * 1000.0 / 60.0;
    const double walkMin = at.walk / walkPerMinute;
    const double m = metresFromA(at);
    auto consider = [&](double minutes, double metres, int source) {
        if (source >= 0 && minutes < best.minutes) best = {source, minutes, metres};
    };
    const double ta = toA(at), tb = toB(at);
    if (std::isfinite(ta) && label[e.a].source >= 0) consider(walkMin + ta + label[e.a].minutes, at.walk + m + label[e.a].metres, label[e.a].source);
    if (std::isfinite(tb) && label[e.b].source >= 0)
        consider(walkMin + tb + label[e.b].minutes, at.walk + e.metres - m + label[e.b].metres, label[e.b].source);
    // A source on the same edge, reached without passing a node.
    if (sameEdge && srcAt)
        for (int source : (*sameEdge)[at.edge]) {
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
    std::vector<std::vector<int>> sameEdge(m_edges.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const Attachment a = attach(sources[i]);
        srcAt.push_back(a);
        if (a.walk <= m_opt.maxWalkMetres) {
            src.push_back({a, static_cast<int>(i)});
            sameEdge[a.edge].push_back(static_cast<int>(i));
        }
    }
    feedback.checkCancelled();
    const auto label = search(src, kUnreachable, &feedback);
    feedback.checkCancelled();
    std::vector<Route> out(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) out[i] = evaluate(attach(targets[i]), label, &sameEdge, &srcAt);
    return out;
}

std::vector<Route> RoadNetwork::fromOne(const XY& source, const std::vector<XY>& targets, double maxMinutes) const {
    const Attachment a = attach(source);
    std::vector<Attachment> srcAt{a};
    std::vector<std::vector<int>> sameEdge(m_edges.size());
    if (a.walk <= m_opt.maxWalkMetres) sameEdge[a.edge].push_back(0);
    const auto label = search({{a, 0}}, maxMinutes);
    std::vector<Route> out(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        out[i] = evaluate(attach(targets[i]), label, &sameEdge, &srcAt);
        if (out[i].minutes > maxMinutes) out[i] = Route{};
    }
    return out;
}

}  // namespace ruralatlas::analysis
