// The offset coordinates of Chinese web maps: GCJ-02 (国测局, "Mars" coordinates, used by AMap,
// Tencent and most Chinese apps) and BD-09 (Baidu). There is no EPSG code and no PROJ
// operation for them; this is the publicly known forward formula with an iterative inverse.
//
// Accuracy: the forward formula is the published one (the obfuscation's exact algorithm is not
// public; the widely used reconstruction agrees with AMap's own conversion service to well under
// a metre). The inverse here is solved by fixed-point iteration to 1e-10 degrees, so
// forward(inverse(p)) == p to about 1e-5 m; the round trip error is tested below 0.5 m over China.
// Outside China (the usual bounding box) the offset is zero.
#pragma once

namespace ruralatlas {

struct LonLat {
    double lon;
    double lat;
};

bool isOutsideChina(LonLat p);

LonLat wgs84ToGcj02(LonLat wgs);
LonLat gcj02ToWgs84(LonLat gcj);  // iterative inverse
LonLat gcj02ToBd09(LonLat gcj);
LonLat bd09ToGcj02(LonLat bd);  // iterative inverse
LonLat wgs84ToBd09(LonLat wgs);
LonLat bd09ToWgs84(LonLat bd);

// Great-circle distance in metres (for accuracy checks and reports).
double haversineMetres(LonLat a, LonLat b);

}  // namespace ruralatlas
