#include "analysis/nearest.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <thread>

namespace ruralatlas::analysis {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;

std::vector<Route> nearestStraight(const std::vector<XY>& sources, const std::vector<XY>& targets, int threads) {
    std::vector<Route> out(targets.size());
    if (sources.empty()) return out;
    std::vector<std::pair<BPoint, int>> items;
    items.reserve(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) items.emplace_back(BPoint(sources[i].x, sources[i].y), static_cast<int>(i));
    // The range constructor packs the tree (STR bulk loading): built once, queried read-only.
    const bgi::rtree<std::pair<BPoint, int>, bgi::linear<16>> tree(items.begin(), items.end());
    auto work = [&](std::size_t begin, std::size_t end) {
        std::vector<std::pair<BPoint, int>> hit;
        for (std::size_t i = begin; i < end; ++i) {
            hit.clear();
            tree.query(bgi::nearest(BPoint(targets[i].x, targets[i].y), 1), std::back_inserter(hit));
            const XY& s = sources[static_cast<std::size_t>(hit[0].second)];
            out[i] = {hit[0].second, kUnreachable, std::hypot(s.x - targets[i].x, s.y - targets[i].y)};
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
