#include "location/orlib.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <queue>
#include <sstream>
#include <stdexcept>

namespace ruralatlas::location {

namespace {
[[noreturn]] void fail(const std::string& name, std::size_t line, const std::string& what) {
    throw std::runtime_error(name + ", line " + std::to_string(line) + ": " + what);
}
}  // namespace

OrLibInstance readOrLib(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot be read (no such file, or no permission)");
    std::ostringstream all;
    all << in.rdbuf();
    return parseOrLib(all.str(), path);
}

OrLibInstance parseOrLib(const std::string& text, const std::string& name) {
    constexpr long long kMaxVertices = 10000;
    std::istringstream in(text);
    std::string lineText;
    std::size_t line = 0;
    long long n = -1, edges = -1, p = -1;
    // Edges by their unordered end points: the last occurrence wins.
    std::map<std::pair<int, int>, double> cost;
    long long read = 0;
    while (std::getline(in, lineText)) {
        ++line;
        std::istringstream ls(lineText);
        std::string extra;
        if (n < 0) {
            if (!(ls >> n >> edges >> p)) {
                if (lineText.find_first_not_of(" \t\r") == std::string::npos) continue;
                fail(name, line, "expected \"n edges p\" (three whole numbers)");
            }
            if (n < 1 || edges < 0 || p < 1) fail(name, line, "n and p must be at least 1 and edges not negative");
            if (p > n) fail(name, line, "p = " + std::to_string(p) + " is larger than n = " + std::to_string(n));
            // All-pairs shortest paths over n vertices: OR-Library's largest instance has 900;
            // a count far beyond is a damaged file (or not this format), not a problem to solve.
            if (n > kMaxVertices)
                fail(name, line,
                     "n = " + std::to_string(n) + " vertices is more than this reader takes (" + std::to_string(kMaxVertices) +
                         "; OR-Library's p-median instances have at most 900): is this an OR-Library p-median file?");
            continue;
        }
        long long i = 0, j = 0;
        double c = 0;
        if (!(ls >> i)) {
            if (lineText.find_first_not_of(" \t\r") == std::string::npos) continue;
            fail(name, line, "expected \"i j cost\"");
        }
        if (!(ls >> j >> c)) fail(name, line, "expected \"i j cost\"");
        if (ls >> extra) fail(name, line, "more than three values on an edge line");
        if (i < 1 || i > n || j < 1 || j > n) fail(name, line, "a vertex outside 1.." + std::to_string(n));
        if (!(c >= 0)) fail(name, line, "a cost that is negative or not a number");
        if (read++ >= edges) fail(name, line, "more edge lines than the " + std::to_string(edges) + " the first line declares");
        cost[{static_cast<int>(std::min(i, j)) - 1, static_cast<int>(std::max(i, j)) - 1}] = c;
    }
    if (n < 0) fail(name, line, "the file is empty");

    const auto N = static_cast<std::size_t>(n);
    std::vector<std::vector<std::pair<int, double>>> adj(N);
    for (const auto& [e, c] : cost) {
        adj[static_cast<std::size_t>(e.first)].push_back({e.second, c});
        adj[static_cast<std::size_t>(e.second)].push_back({e.first, c});
    }
    Problem pr;
    pr.kind = ProblemKind::PMedian;
    pr.sites = N;
    pr.p = static_cast<int>(p);
    pr.weight.assign(N, 1.0);
    pr.arcs.resize(N);
    // Shortest paths from every vertex (Dijkstra; the graph is undirected, so the costs from a
    // vertex are the costs to it).
    std::vector<double> dist(N);
    using Item = std::pair<double, int>;
    for (std::size_t s = 0; s < N; ++s) {
        std::fill(dist.begin(), dist.end(), std::numeric_limits<double>::infinity());
        std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
        dist[s] = 0;
        q.push({0, static_cast<int>(s)});
        while (!q.empty()) {
            const auto [dv, v] = q.top();
            q.pop();
            if (dv > dist[static_cast<std::size_t>(v)]) continue;
            for (const auto& [w, c] : adj[static_cast<std::size_t>(v)])
                if (dv + c < dist[static_cast<std::size_t>(w)]) {
                    dist[static_cast<std::size_t>(w)] = dv + c;
                    q.push({dv + c, w});
                }
        }
        auto& arcs = pr.arcs[s];
        for (std::size_t t = 0; t < N; ++t)
            if (dist[t] < std::numeric_limits<double>::infinity()) arcs.push_back({static_cast<std::uint32_t>(t), dist[t]});
        std::sort(arcs.begin(), arcs.end(),
                  [](const Arc& a, const Arc& b) { return a.cost < b.cost || (a.cost == b.cost && a.site < b.site); });
    }
    return {std::move(pr), edges, read};
}

}  // namespace ruralatlas::location
