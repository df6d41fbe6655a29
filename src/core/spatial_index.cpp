#include "core/spatial_index.hpp"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

namespace ruralatlas {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;

struct BoxIndex::Impl {
    // The range constructor packs the tree (STR bulk loading).
    bgi::rtree<std::pair<BBox, std::uint32_t>, bgi::rstar<16>> tree;
};

BoxIndex::BoxIndex() : m_impl(std::make_shared<Impl>()) {}

BoxIndex::BoxIndex(const std::vector<Bounds>& boxes) {
    std::vector<std::pair<BBox, std::uint32_t>> items;
    items.reserve(boxes.size());
    for (std::size_t i = 0; i < boxes.size(); ++i)
        if (boxes[i].valid())
            items.emplace_back(BBox(BPoint(boxes[i].minx, boxes[i].miny), BPoint(boxes[i].maxx, boxes[i].maxy)),
                               static_cast<std::uint32_t>(i));
    auto impl = std::make_shared<Impl>();
    impl->tree = decltype(impl->tree)(items.begin(), items.end());
    m_impl = std::move(impl);
}

BoxIndex::~BoxIndex() = default;

void BoxIndex::query(const Bounds& box, std::vector<std::uint32_t>& out) const {
    out.clear();
    const BBox q(BPoint(box.minx, box.miny), BPoint(box.maxx, box.maxy));
    m_impl->tree.query(bgi::intersects(q),
                       boost::make_function_output_iterator([&](const std::pair<BBox, std::uint32_t>& it) { out.push_back(it.second); }));
    std::sort(out.begin(), out.end());
}

std::size_t BoxIndex::size() const { return m_impl->tree.size(); }

struct PointIndex::Impl {
    bgi::rtree<std::pair<BPoint, int>, bgi::linear<16>> tree;
};

PointIndex::PointIndex(const std::vector<XY>& points) {
    std::vector<std::pair<BPoint, int>> items;
    items.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) items.emplace_back(BPoint(points[i].x, points[i].y), static_cast<int>(i));
    auto impl = std::make_shared<Impl>();
    impl->tree = decltype(impl->tree)(items.begin(), items.end());
    m_impl = std::move(impl);
}

PointIndex::~PointIndex() = default;

int PointIndex::nearest(const XY& at) const {
    int found = -1;
    m_impl->tree.query(bgi::nearest(BPoint(at.x, at.y), 1),
                       boost::make_function_output_iterator([&](const std::pair<BPoint, int>& it) { found = it.second; }));
    return found;
}

}  // namespace ruralatlas
