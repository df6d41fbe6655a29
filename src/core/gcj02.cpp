#include "gcj02.hpp"

#include <cmath>
#include <numbers>

namespace ruralatlas {

namespace {
constexpr double kPi = std::numbers::pi;
// Krasovsky 1940 semi-major axis and eccentricity squared, as used by the GCJ-02 formula.
constexpr double kA = 6378245.0;
constexpr double kEe = 0.00669342162296594323;
constexpr double kXPi = kPi * 3000.0 / 180.0;

double offsetLat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offsetLon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
    return r;
}

// Solves forward(w) == target for w by fixed-point iteration; the offset varies slowly, so
// this converges in a handful of steps.
template <class Forward>
LonLat invert(LonLat target, Forward forward) {
    LonLat w = target;
    for (int i = 0; i < 30; ++i) {
        const LonLat f = forward(w);
        const double dLon = f.lon - target.lon;
        const double dLat = f.lat - target.lat;
        w.lon -= dLon;
        w.lat -= dLat;
        if (std::fabs(dLon) < 1e-10 && std::fabs(dLat) < 1e-10) break;
    }
    return w;
}
}  // namespace

bool isOutsideChina(LonLat p) { return p.lon < 72.004 || p.lon > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271; }

LonLat wgs84ToGcj02(LonLat wgs) {
    if (isOutsideChina(wgs)) return wgs;
    double dLat = offsetLat(wgs.lon - 105.0, wgs.lat - 35.0);
    double dLon = offsetLon(wgs.lon - 105.0, wgs.lat - 35.0);
    const double radLat = wgs.lat / 180.0 * kPi;
    double magic = std::sin(radLat);
    magic = 1.0 - kEe * magic * magic;
    const double sqrtMagic = std::sqrt(magic);
    dLat = (dLat * 180.0) / ((kA * (1.0 - kEe)) / (magic * sqrtMagic) * kPi);
    dLon = (dLon * 180.0) / (kA / sqrtMagic * std::cos(radLat) * kPi);
    return {wgs.lon + dLon, wgs.lat + dLat};
}

LonLat gcj02ToWgs84(LonLat gcj) {
    if (isOutsideChina(gcj)) return gcj;
    return invert(gcj, wgs84ToGcj02);
}

LonLat gcj02ToBd09(LonLat gcj) {
    const double x = gcj.lon, y = gcj.lat;
    const double z = std::sqrt(x * x + y * y) + 0.00002 * std::sin(y * kXPi);
    const double theta = std::atan2(y, x) + 0.000003 * std::cos(x * kXPi);
    return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat bd09ToGcj02(LonLat bd) { return invert(bd, gcj02ToBd09); }

LonLat wgs84ToBd09(LonLat wgs) { return gcj02ToBd09(wgs84ToGcj02(wgs)); }

LonLat bd09ToWgs84(LonLat bd) { return gcj02ToWgs84(bd09ToGcj02(bd)); }

double haversineMetres(LonLat a, LonLat b) {
    constexpr double kR = 6371008.8;
    const double p1 = a.lat * kPi / 180.0, p2 = b.lat * kPi / 180.0;
    const double dp = p2 - p1, dl = (b.lon - a.lon) * kPi / 180.0;
    const double h = std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2.0 * kR * std::asin(std::sqrt(h));
}

}  // namespace ruralatlas
