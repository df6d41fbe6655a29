#include "core/feature_source.hpp"

#include <algorithm>

namespace ruralatlas {

int LayerInfo::fieldIndex(const std::string& field) const {
    for (size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == field) return int(i);
    return -1;
}

std::string LayerInfo::fieldList() const {
    std::string list;
    for (size_t i = 0; i < fields.size(); ++i) list += (i ? ", " : "") + fields[i].name;
    return list;
}

void Bounds::include(double x, double y) {
    if (!valid()) {
        minx = maxx = x;
        miny = maxy = y;
        return;
    }
    minx = std::min(minx, x);
    miny = std::min(miny, y);
    maxx = std::max(maxx, x);
    maxy = std::max(maxy, y);
}

void Bounds::include(const Bounds& b) {
    if (!b.valid()) return;
    include(b.minx, b.miny);
    include(b.maxx, b.maxy);
}

void FeatureGeometry::clear() {
    kind = ShapeKind::None;
    xy.clear();
    parts.clear();
    polygons.clear();
    bounds = Bounds{};
    hasAnchor = false;
    anchor = {};
}

}  // namespace ruralatlas
