// The spatial index every layer uses: packed R-trees (Boost.Geometry's bulk loading, built once
// from all items, then queried read-only from any number of threads). BoxIndex answers "which
// boxes meet this box" (map culling, topology checks), PointIndex "which point is nearest"
// (straight-line coverage). Trees that grow while they are queried (the demo generator's) use
// Boost.Geometry's dynamic R-tree directly.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/feature_source.hpp"
#include "core/records.hpp"

namespace ruralatlas {

class BoxIndex {
public:
    BoxIndex();
    // Item i is boxes[i]; invalid (empty) boxes are left out.
    explicit BoxIndex(const std::vector<Bounds>& boxes);
    ~BoxIndex();
    // The items whose boxes meet `box` (edges touching count), in ascending order.
    void query(const Bounds& box, std::vector<std::uint32_t>& out) const;
    std::size_t size() const;

private:
    struct Impl;
    std::shared_ptr<const Impl> m_impl;
};

class PointIndex {
public:
    explicit PointIndex(const std::vector<XY>& points);
    ~PointIndex();
    // The index of the point nearest to `at` (Euclidean), or -1 when there are none.
    int nearest(const XY& at) const;

private:
    struct Impl;
    std::shared_ptr<const Impl> m_impl;
};

}  // namespace ruralatlas
