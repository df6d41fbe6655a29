// What the revitalization analyses share: the output parameter, a seeded random stream
// (splitmix64) whose draws are the same on every platform and thread, the villages as read, and
// the county seat.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/analysis.hpp"
#include "core/error.hpp"

namespace ruralatlas::revitalization {

inline analysis::ParamSpec outputParam() {
    return {"out",
            analysis::ParamType::OutputPath,
            "输出文件（.gpkg、.csv 或 .xlsx）",
            "Output file (.gpkg, .csv or .xlsx)",
            std::nullopt,
            {},
            {},
            {},
            false};
}

// splitmix64: the next 64 random bits of `state`.
inline std::uint64_t nextRandom(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Uniform in [0, bound) (bound > 0): multiply-shift with rejection of the biased low part.
inline std::uint64_t randomBelow(std::uint64_t& state, std::uint64_t bound) {
    __extension__ typedef unsigned __int128 Wide;
    for (;;) {
        const Wide m = Wide(nextRandom(state)) * bound;
        const std::uint64_t low = std::uint64_t(m);
        if (low >= bound || low >= (0 - bound) % bound) return std::uint64_t(m >> 64);
    }
}

// What every analysis reads of a village; analyses extend it with their own fields.
struct VillageBase {
    std::string code, name, town, status, classCode;
    bool hasPoint = false;
    XY at;
};

// Reads every village (code, name, township, status, class code, point, then `extra` fields,
// which `fill` gets by position) into `out` in storage order; returns code -> index. Throws
// DataError when the project has no villages layer.
template <typename V>
std::unordered_map<std::string, std::size_t> readVillageRows(ProjectSource& project, const std::vector<std::string>& extra,
                                                             std::vector<V>& out,
                                                             const std::function<void(V&, const std::vector<ResultValue>&)>& fill = {}) {
    if (!project.layerInfo("villages")) throw DataError({project.name(), "villages"}, "the project has no villages layer");
    std::vector<std::string> fields = {"code", "name", "township_code", "status", "class_code"};
    fields.insert(fields.end(), extra.begin(), extra.end());
    std::unordered_map<std::string, std::size_t> index;
    std::vector<ResultValue> more(extra.size());
    readFields(project, "villages", fields, {}, [&](const Feature& f, const std::vector<ResultValue>& v) {
        V r;
        r.code = valueAsText(v[0]);
        r.name = valueAsText(v[1]);
        r.town = valueAsText(v[2]);
        r.status = valueAsText(v[3]);
        r.classCode = valueAsText(v[4]);
        if (f.geometry.kind == ShapeKind::Point && f.geometry.xy.size() >= 2) {
            r.hasPoint = true;
            r.at = {f.geometry.xy[0], f.geometry.xy[1]};
        }
        if (fill) {
            for (std::size_t i = 0; i < extra.size(); ++i) more[i] = v[5 + i];
            fill(r, more);
        }
        index[r.code] = out.size();
        out.push_back(std::move(r));
    });
    return index;
}

// The county seat: the mean point of the main urban area's communities (城乡分类代码 111), else of
// the urban fringe's (112); nullopt when the villages layer has neither.
template <typename V>
std::optional<XY> countySeat(const std::vector<V>& villages) {
    for (const char* cls : {"111", "112"}) {
        double x = 0, y = 0;
        int n = 0;
        for (const V& v : villages)
            if (v.classCode == cls && v.hasPoint) x += v.at.x, y += v.at.y, ++n;
        if (n) return XY{x / n, y / n};
    }
    return std::nullopt;
}

}  // namespace ruralatlas::revitalization
