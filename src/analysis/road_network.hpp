// The road network as a graph for travel-time analyses: noded where roads share a vertex, cross,
// or touch within a tolerance; edge speeds from the road's speed or its class and surface;
// one-way roads; villages and facilities joined to the nearest point of the nearest edge by a
// walking leg. One multi-source shortest-path pass answers "nearest facility" for every village.
#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "analysis/project_data.hpp"
#include "core/feedback.hpp"

namespace ruralatlas::analysis {

constexpr double kUnreachable = std::numeric_limits<double>::infinity();

struct Route {
    int source = -1;  // index into the sources, -1 when unreachable
    double minutes = kUnreachable;
    double metres = kUnreachable;  // along the path taken, walking legs included
    bool reachable() const { return source >= 0; }
};

// Default speed of a road class on a surface (km/h): used when speed_kmh is empty.
double defaultRoadSpeed(const std::string& cls, const std::string& surface);

struct NetworkOptions {
    double tolerance = 0.5;       // metres: vertices closer than this are one node
    double walkKmh = 5.0;         // walking legs between a point and the road
    double maxWalkMetres = 2000;  // a point farther from any road is off the network
};

class RoadNetwork {
public:
    RoadNetwork(const std::vector<RoadRec>& roads, const NetworkOptions& options, Feedback* feedback = nullptr);

    std::size_t nodeCount() const { return m_nodes.size(); }
    std::size_t junctionCount() const { return m_junctions; }
    std::size_t edgeCount() const { return m_edges.size(); }  // after contracting degree-2 chains

    // For every target, the source nearest by travel time from the target to it.
    std::vector<Route> nearest(const std::vector<XY>& sources, const std::vector<XY>& targets, Feedback& feedback) const;
    // From one source, the travel time of every target reachable within maxMinutes (others
    // unreachable): for capacity-aware coverage.
    std::vector<Route> fromOne(const XY& source, const std::vector<XY>& targets, double maxMinutes) const;
    // From each source, every target reachable within maxMinutes with its minutes, as a sparse
    // row (target index, minutes) in ascending target order: the cost matrix of a location
    // problem with a cut-off, never a dense sources x targets table. Targets are joined to the
    // network once, and only those on edges a search reached are evaluated. The sources are
    // searched on up to `threads` threads (0: one per core, at most 8).
    std::vector<std::vector<std::pair<std::uint32_t, double>>> withinFromEach(const std::vector<XY>& sources,
                                                                              const std::vector<XY>& targets, double maxMinutes,
                                                                              Feedback* feedback = nullptr, unsigned threads = 0) const;

    // Where a point joins the network: on a segment (`fine`) of a contracted edge (`edge`), at
    // fraction `s` of that segment in the edge's a->b direction. `walk` stays infinite when no
    // road lies within maxWalkMetres (the point is off the network).
    struct Attachment {
        std::uint32_t edge = 0;
        std::uint32_t fine = 0;
        double s = 0;
        double walk = kUnreachable;  // metres of walking leg
    };
    Attachment attach(const XY& p) const;
    std::size_t segmentCount() const { return m_fine.size(); }

private:
    // A contracted edge: a chain of segments between two junctions (nodes of degree other than 2).
    struct Edge {
        std::uint32_t a, b;
        double metres;
        double minutesAB, minutesBA;         // infinite when that direction is blocked somewhere
        double finiteAB, finiteBA;           // sums over the segments open in that direction
        std::uint32_t blockedAB, blockedBA;  // segments closed in that direction (one-way)
    };
    // A segment inside a contracted edge, oriented along the edge (a->b).
    struct Segment {
        std::uint32_t edge;
        bool forward;  // its geometry runs a->b along the edge
        double metres, minutesAB, minutesBA;
        double metresBefore, finiteABBefore, finiteBABefore;
        std::uint32_t blockedABBefore, blockedBABefore;
    };
    double fromA(const Attachment& at) const;  // node a -> point (a->b)
    double fromB(const Attachment& at) const;  // node b -> point (b->a)
    double toA(const Attachment& at) const;    // point -> node a (b->a)
    double toB(const Attachment& at) const;    // point -> node b (a->b)
    double metresFromA(const Attachment& at) const;
    double between(const Attachment& from, const Attachment& to) const;  // along one edge
    struct Label {
        double minutes = kUnreachable, metres = kUnreachable;
        int source = -1;
    };
    std::vector<Label> search(const std::vector<std::pair<Attachment, int>>& sources, double maxMinutes,
                              Feedback* feedback = nullptr) const;
    // (edge, source) for the sources joined to each edge, sorted.
    using SourcesByEdge = std::vector<std::pair<std::uint32_t, int>>;
    Route evaluate(const Attachment& at, const std::vector<Label>& labels, const SourcesByEdge* sameEdge,
                   const std::vector<Attachment>* srcAt) const;

    NetworkOptions m_opt;
    std::vector<XY> m_nodes;
    std::vector<Edge> m_edges;
    std::vector<Segment> m_fine;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> m_segmentEnds;  // nodes of each segment, as built
    std::uint32_t m_junctions = 0;                                       // edges' a and b number junctions 0..m_junctions-1
    std::vector<std::uint32_t> m_offsets, m_incident;                    // CSR: edges at each junction
    struct Index;
    std::shared_ptr<Index> m_index;
};

}  // namespace ruralatlas::analysis
