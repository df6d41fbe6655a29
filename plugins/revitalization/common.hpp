// What the revitalization analyses share: the output parameter, and a seeded random stream
// (splitmix64) whose draws are the same on every platform and thread.
#pragma once
#include <cstdint>

#include "analysis/analysis.hpp"

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

}  // namespace ruralatlas::revitalization
