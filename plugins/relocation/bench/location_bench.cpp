// Figures for bench/site_bench.sh: the location engines on OR-Library files and on generated
// county and province instances (villages and candidate sites scattered over a square, travel
// minutes = straight distance at 30 km/h times a random detour factor 1.2-1.6, within a cut-off).
//   location_bench orlib FILE [own|cbc]
//   location_bench county-maxcover | county-pmedian | province
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "location/cbc_models.hpp"
#include "location/orlib.hpp"
#include "location/pmedian.hpp"

using namespace ruralatlas::location;

namespace {

Problem scatter(std::size_t villages, std::size_t sites, double sideKm, double cutoffMin, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> xy(0, sideKm), detour(1.2, 1.6);
    std::uniform_int_distribution<int> people(200, 3000);
    std::vector<std::pair<double, double>> s(sites);
    for (auto& p : s) p = {xy(rng), xy(rng)};
    // A grid of buckets (cell = the cut-off's reach) so only nearby pairs are looked at.
    const double reach = cutoffMin / 60.0 * 30.0;
    const int cells = std::max(1, static_cast<int>(sideKm / reach));
    const double cell = sideKm / cells;
    std::vector<std::vector<std::uint32_t>> bucket(static_cast<std::size_t>(cells * cells));
    const auto at = [&](double x, double y) {
        const int cx = std::min(cells - 1, static_cast<int>(x / cell)), cy = std::min(cells - 1, static_cast<int>(y / cell));
        return std::pair<int, int>{cx, cy};
    };
    for (std::uint32_t j = 0; j < sites; ++j) {
        const auto [cx, cy] = at(s[j].first, s[j].second);
        bucket[static_cast<std::size_t>(cy * cells + cx)].push_back(j);
    }
    Problem pr;
    pr.sites = sites;
    pr.arcs.resize(villages);
    for (std::size_t i = 0; i < villages; ++i) {
        const double x = xy(rng), y = xy(rng);
        pr.weight.push_back(people(rng));
        const auto [cx, cy] = at(x, y);
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const int bx = cx + dx, by = cy + dy;
                if (bx < 0 || by < 0 || bx >= cells || by >= cells) continue;
                for (std::uint32_t j : bucket[static_cast<std::size_t>(by * cells + bx)]) {
                    const double km = std::hypot(x - s[j].first, y - s[j].second);
                    const double minutes = std::round(km / 30.0 * 60.0 * detour(rng) * 10) / 10;
                    if (minutes <= cutoffMin) pr.arcs[i].push_back({j, minutes});
                }
            }
        std::sort(pr.arcs[i].begin(), pr.arcs[i].end(),
                  [](const Arc& a, const Arc& b) { return a.cost < b.cost || (a.cost == b.cost && a.site < b.site); });
    }
    pr.unservedCost = cutoffMin;
    return pr;
}

long rssKb() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    long kb = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atol(line + 6);
    std::fclose(f);
    return kb;
}

void print(const char* what, const Problem& pr, const Solution& s, double buildSeconds) {
    std::printf(
        "%-34s demands %zu sites %zu arcs %zu p %d: objective %.1f bound %.1f gap %.4f%% optimal %s solve %.2f s (build %.2f s) peak %.0f "
        "MiB [%s]\n",
        what, pr.demands(), pr.sites, pr.arcCount(), pr.p, s.objective, s.bound, 100 * s.gap(), s.optimal ? "yes" : "no", s.seconds,
        buildSeconds, rssKb() / 1024.0, s.method.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: location_bench orlib FILE [own|cbc] | county-maxcover | county-pmedian | province\n");
        return 2;
    }
    const std::string what = argv[1];
    const auto t0 = std::chrono::steady_clock::now();
    const auto since = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    if (what == "orlib" && argc >= 3) {
        const OrLibInstance in = readOrLib(argv[2]);
        const double built = since();
        const bool cbc = argc >= 4 && std::string(argv[3]) == "cbc";
        const Solution s = cbc ? solveWithCbc(in.problem) : solvePMedian(in.problem);
        print(argv[2], in.problem, s, built);
    } else if (what == "county-maxcover" || what == "county-pmedian") {
        Problem pr = scatter(300, 2000, 60, 60, 1);
        const double built = since();
        if (what == "county-maxcover") {
            pr.kind = ProblemKind::MaxCover;
            pr.p = 10;
            pr.radius = 20;
            print("county max-cover (CBC)", pr, solveWithCbc(pr), built);
        } else {
            pr.p = 10;
            print("county p-median (own engine)", pr, solvePMedian(pr), built);
            const auto c0 = std::chrono::steady_clock::now();
            try {
                CbcOptions o;
                o.timeLimitSeconds = 60;
                print("county p-median (CBC)", pr, solveWithCbc(pr, o), built);
            } catch (const std::exception& e) {
                std::printf("%-34s no solution: %s (%.1f s)\n", "county p-median (CBC)", e.what(),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count());
            }
        }
    } else if (what == "province") {
        Problem pr = scatter(30000, 5000, 400, 60, 2);
        pr.p = 200;
        const double built = since();
        PMedianOptions o;
        o.relativeGap = 0.01;
        o.timeLimitSeconds = 55;
        o.branch = false;
        o.trace = std::getenv("RURALATLAS_TRACE") != nullptr;
        if (const char* ls = std::getenv("RURALATLAS_LS")) o.localSearches = std::atoi(ls);
        print("province p-median (own engine)", pr, solvePMedian(pr, o), built);
    } else {
        std::fprintf(stderr, "unknown benchmark %s\n", what.c_str());
        return 2;
    }
    return 0;
}
