#include "core/feature_source.hpp"

#include <algorithm>
#include <cstdlib>

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

void readFields(FeatureSource& source, const std::string& layer, const std::vector<std::string>& fields, FeatureQuery query,
                const std::function<void(const Feature&, const std::vector<ResultValue>&)>& fn) {
    const std::optional<LayerInfo> info = source.layerInfo(layer);
    if (!info) return;
    std::vector<int> at;  // position of each wanted field in the query, -1 when the layer lacks it
    query.fields.clear();
    query.allFields = false;
    for (const auto& f : fields)
        if (info->fieldIndex(f) >= 0) {
            at.push_back(int(query.fields.size()));
            query.fields.push_back(f);
        } else {
            at.push_back(-1);
        }
    std::vector<ResultValue> values(fields.size());
    source.readFeatures(layer, query, [&](const Feature& f) {
        for (size_t i = 0; i < at.size(); ++i) values[i] = at[i] < 0 ? ResultValue{} : f.values[size_t(at[i])];
        fn(f, values);
    });
}

std::string valueAsText(const ResultValue& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return valueText(v);
}

std::optional<long long> valueAsInteger(const ResultValue& v) {
    if (const auto* i = std::get_if<long long>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<long long>(*d);
    if (const auto* s = std::get_if<std::string>(&v); s && !s->empty()) return std::atoll(s->c_str());
    return std::nullopt;
}

std::optional<double> valueAsReal(const ResultValue& v) {
    if (const auto* i = std::get_if<long long>(&v)) return double(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* s = std::get_if<std::string>(&v); s && !s->empty()) return std::atof(s->c_str());
    return std::nullopt;
}

}  // namespace ruralatlas
