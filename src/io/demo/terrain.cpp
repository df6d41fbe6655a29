// The demo county's shape and terrain: the outline, the river valleys and the DEM (on every core).
#include "io/demo/names.hpp"
#include "io/demo/shapes.hpp"

namespace ruralatlas::demo {

double County::outlineRadius(double theta) const {
    double f = 1;
    for (std::size_t k = 0; k < amp.size(); ++k) f += amp[k] * std::sin((k + 2) * theta + phase[k]);
    return radius * f;
}

bool County::inside(Pt p, double shrink) const {
    const double dx = p.x - centre.x, dy = p.y - centre.y;
    return std::hypot(dx, dy) < shrink * outlineRadius(std::atan2(dy, dx));
}

double Dem::at(double x, double y) const {
    double fx = (x - x0) / cell - 0.5, fy = (y1 - y) / cell - 0.5;
    fx = std::clamp(fx, 0.0, width - 1.001);
    fy = std::clamp(fy, 0.0, height - 1.001);
    const int i = static_cast<int>(fx), j = static_cast<int>(fy);
    const double tx = fx - i, ty = fy - j;
    auto Z = [&](int a, int b) { return static_cast<double>(z[static_cast<std::size_t>(b) * width + a]); };
    return (Z(i, j) * (1 - tx) + Z(i + 1, j) * tx) * (1 - ty) + (Z(i, j + 1) * (1 - tx) + Z(i + 1, j + 1) * tx) * ty;
}

void shapeCounty(County& c, std::uint64_t seed, int villagesHint) {
    Rng rng(mix(seed, 1000 + c.index));
    // About 12.7 km² per village, as in the mountain counties of western Hunan.
    c.radius = std::sqrt(villagesHint * 12.7e6 / kPi);
    for (int k = 0; k < 6; ++k) {
        c.amp.push_back(rng.uniform(0.02, 0.10) / std::sqrt(k + 1.0));
        c.phase.push_back(rng.uniform(0, 2 * kPi));
    }
    const int n = 360;
    for (int i = 0; i < n; ++i) {
        const double t = 2 * kPi * i / n;
        const double r = c.outlineRadius(t);
        c.outline.push_back({c.centre.x + r * std::cos(t), c.centre.y + r * std::sin(t)});
    }
    c.outline.push_back(c.outline.front());

    // Main river crossing the county, tributaries and streams.
    const double step = std::clamp(c.radius / 120.0, 150.0, 400.0);
    const double a0 = rng.uniform(0, 2 * kPi);
    const Pt entry{c.centre.x + 0.97 * c.outlineRadius(a0) * std::cos(a0), c.centre.y + 0.97 * c.outlineRadius(a0) * std::sin(a0)};
    const double a1 = a0 + kPi + rng.uniform(-0.5, 0.5);
    const Pt exit{c.centre.x + 1.2 * c.outlineRadius(a1) * std::cos(a1), c.centre.y + 1.2 * c.outlineRadius(a1) * std::sin(a1)};
    Line main = wander(rng, c, entry, std::atan2(c.centre.y - entry.y, c.centre.x - entry.x), 4 * c.radius, step, exit, 0.08);
    c.rivers.push_back({main, "river", riverName(rng, true)});
    // The county seat sits on the main river near the centre.
    std::size_t best = 0;
    for (std::size_t i = 0; i < main.size(); ++i)
        if (dist(main[i], c.centre) < dist(main[best], c.centre)) best = i;
    c.seatHint = main[best];

    const int tributaries = std::max(3, static_cast<int>(std::lround(c.radius / 5000.0)));
    for (int t = 0; t < tributaries && main.size() > 4; ++t) {
        const std::size_t at = static_cast<std::size_t>(rng.uniform(0.05, 0.95) * (main.size() - 2)) + 1;
        const double dir = std::atan2(main[at + 1].y - main[at - 1].y, main[at + 1].x - main[at - 1].x);
        const double side = (t % 2 == 0) ? 1 : -1;
        const double h = dir + side * rng.uniform(0.9, 1.4);
        const Pt far{main[at].x + 2 * c.radius * std::cos(h), main[at].y + 2 * c.radius * std::sin(h)};
        Line trib = wander(rng, c, main[at], h, rng.uniform(0.4, 0.8) * c.radius, step, far, 0.05);
        if (trib.size() < 4) continue;
        const bool river = trib.size() * step > 0.45 * c.radius;
        c.rivers.push_back({trib, river ? "river" : "stream", riverName(rng, false)});
        const int streams = rng.integer(1, 3);
        for (int s = 0; s < streams && trib.size() > 6; ++s) {
            const std::size_t sa = static_cast<std::size_t>(rng.uniform(0.2, 0.9) * (trib.size() - 2)) + 1;
            const double sd = std::atan2(trib[sa + 1].y - trib[sa - 1].y, trib[sa + 1].x - trib[sa - 1].x);
            const double sh = sd + (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.8, 1.3);
            const Pt sfar{trib[sa].x + c.radius * std::cos(sh), trib[sa].y + c.radius * std::sin(sh)};
            Line st = wander(rng, c, trib[sa], sh, rng.uniform(0.15, 0.35) * c.radius, step, sfar, 0.05);
            if (st.size() >= 3) c.rivers.push_back({st, "stream", riverName(rng, false)});
        }
    }
}

Dem buildDem(const std::vector<County>& counties, std::uint64_t seed, double minCell, int maxCells, int threads) {
    double xmin = 1e300, ymin = 1e300, xmax = -1e300, ymax = -1e300;
    for (const auto& c : counties)
        for (const auto& p : c.outline) {
            xmin = std::min(xmin, p.x);
            xmax = std::max(xmax, p.x);
            ymin = std::min(ymin, p.y);
            ymax = std::max(ymax, p.y);
        }
    const double margin = 2000;
    xmin -= margin;
    ymin -= margin;
    xmax += margin;
    ymax += margin;
    Dem dem;
    dem.cell = std::max(minCell, std::ceil(std::max(xmax - xmin, ymax - ymin) / maxCells));
    dem.x0 = std::floor(xmin / dem.cell) * dem.cell;
    dem.y1 = std::ceil(ymax / dem.cell) * dem.cell;
    dem.width = static_cast<int>(std::ceil((xmax - dem.x0) / dem.cell));
    dem.height = static_cast<int>(std::ceil((dem.y1 - ymin) / dem.cell));
    const std::size_t n = static_cast<std::size_t>(dem.width) * dem.height;

    // Distance to the nearest river (chamfer 3-4 distance transform, in cells).
    std::vector<float> d(n, 1e9f);
    for (const auto& c : counties)
        for (const auto& r : c.rivers)
            for (std::size_t i = 0; i + 1 < r.line.size(); ++i) {
                const Pt a = r.line[i], b = r.line[i + 1];
                const int steps = std::max(1, static_cast<int>(2 * dist(a, b) / dem.cell));
                for (int s = 0; s <= steps; ++s) {
                    const double t = static_cast<double>(s) / steps;
                    const int ci = static_cast<int>((a.x + (b.x - a.x) * t - dem.x0) / dem.cell);
                    const int cj = static_cast<int>((dem.y1 - (a.y + (b.y - a.y) * t)) / dem.cell);
                    if (ci >= 0 && cj >= 0 && ci < dem.width && cj < dem.height) d[static_cast<std::size_t>(cj) * dem.width + ci] = 0;
                }
            }
    const int W = dem.width, H = dem.height;
    for (int j = 0; j < H; ++j)
        for (int i = 0; i < W; ++i) {
            float& v = d[static_cast<std::size_t>(j) * W + i];
            if (i > 0) v = std::min(v, d[static_cast<std::size_t>(j) * W + i - 1] + 3);
            if (j > 0) {
                v = std::min(v, d[static_cast<std::size_t>(j - 1) * W + i] + 3);
                if (i > 0) v = std::min(v, d[static_cast<std::size_t>(j - 1) * W + i - 1] + 4);
                if (i + 1 < W) v = std::min(v, d[static_cast<std::size_t>(j - 1) * W + i + 1] + 4);
            }
        }
    for (int j = H - 1; j >= 0; --j)
        for (int i = W - 1; i >= 0; --i) {
            float& v = d[static_cast<std::size_t>(j) * W + i];
            if (i + 1 < W) v = std::min(v, d[static_cast<std::size_t>(j) * W + i + 1] + 3);
            if (j + 1 < H) {
                v = std::min(v, d[static_cast<std::size_t>(j + 1) * W + i] + 3);
                if (i + 1 < W) v = std::min(v, d[static_cast<std::size_t>(j + 1) * W + i + 1] + 4);
                if (i > 0) v = std::min(v, d[static_cast<std::size_t>(j + 1) * W + i - 1] + 4);
            }
        }

    dem.z.resize(n);
    const Terrain terrain(seed);
    auto rows = [&](int j0, int j1) {
        for (int j = j0; j < j1; ++j) {
            const double y = dem.y1 - (j + 0.5) * dem.cell;
            for (int i = 0; i < W; ++i) {
                const double x = dem.x0 + (i + 0.5) * dem.cell;
                const double riverM = d[static_cast<std::size_t>(j) * W + i] / 3.0 * dem.cell;
                const double ridge = terrain.fbm(x, y, 26000, 7);
                const double detail = terrain.fbm(x + 7.3e5, y - 3.1e5, 3000, 3);
                const double carve = 1.0 - std::exp(-riverM / 1800.0);
                const double h = 170 + 40 * detail + 1350 * std::pow(ridge, 1.4) * (0.15 + 0.85 * carve) + 120 * carve * detail;
                dem.z[static_cast<std::size_t>(j) * W + i] = static_cast<std::int16_t>(std::lround(h));
            }
        }
    };
    std::vector<std::thread> pool;
    const int t = std::max(1, threads);
    for (int k = 0; k < t; ++k) pool.emplace_back(rows, H * k / t, H * (k + 1) / t);
    for (auto& th : pool) th.join();
    return dem;
}

}  // namespace ruralatlas::demo
