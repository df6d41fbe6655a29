#include "analysis/nearest.hpp"

#include <cmath>
#include <thread>

#include "core/spatial_index.hpp"

namespace ruralatlas::analysis {

std::vector<Route> nearestStraight(const std::vector<XY>& sources, const std::vector<XY>& targets, int threads) {
    std::vector<Route> out(targets.size());
    if (sources.empty()) return out;
    // Packed once, queried read-only by both threads.
    const PointIndex index(sources);
    auto work = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const int k = index.nearest(targets[i]);
            const XY& s = sources[static_cast<std::size_t>(k)];
            out[i] = {k, kUnreachable, std::hypot(s.x - targets[i].x, s.y - targets[i].y)};
        }
    };
    const std::size_t n = targets.size();
    const int t = std::max(1, std::min(threads, static_cast<int>(n / 1024 + 1)));
    std::vector<std::thread> pool;
    for (int k = 1; k < t; ++k) pool.emplace_back(work, n * k / t, n * (k + 1) / t);
    work(0, n / t);
    for (auto& th : pool) th.join();
    return out;
}

std::vector<Route> withinStraight(const XY& from, const std::vector<XY>& targets, double radius) {
    std::vector<Route> out(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const double d = std::hypot(targets[i].x - from.x, targets[i].y - from.y);
        if (d <= radius) out[i] = {0, kUnreachable, d};
    }
    return out;
}

}  // namespace ruralatlas::analysis
