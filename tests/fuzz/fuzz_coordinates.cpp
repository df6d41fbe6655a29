// Offset coordinates (core/gcj02.cpp) as imported columns give them: any pair of doubles
// (NaN, infinities, huge values) converts without hanging; inside China a point converted to
// GCJ-02 or BD-09 and back lands within 0.5 m of where it was (the inverses are iterative).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>

#include "core/gcj02.hpp"
#include "fuzz_util.hpp"

using namespace ruralatlas;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const double lon = in.ConsumeFloatingPoint<double>(), lat = in.ConsumeFloatingPoint<double>();
    const LonLat p{lon, lat};
    (void)isOutsideChina(p);
    const LonLat g = wgs84ToGcj02(p), w = gcj02ToWgs84(p), b = gcj02ToBd09(p), bg = bd09ToGcj02(p);
    (void)wgs84ToBd09(p);
    (void)bd09ToWgs84(p);
    (void)haversineMetres(p, g);
    (void)w;
    (void)b;
    (void)bg;
    if (std::isfinite(lon) && std::isfinite(lat) && lon > 80 && lon < 130 && lat > 20 && lat < 50) {
        if (haversineMetres(gcj02ToWgs84(wgs84ToGcj02(p)), p) > 0.5) fuzz::broken("WGS84 -> GCJ-02 -> WGS84 moved the point");
        if (haversineMetres(bd09ToGcj02(gcj02ToBd09(p)), p) > 0.5) fuzz::broken("GCJ-02 -> BD-09 -> GCJ-02 moved the point");
    }
    return 0;
}
