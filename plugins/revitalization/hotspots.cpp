// Local Gi* with conditional permutations (hotspots.hpp).
#include "hotspots.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_map>

#include "common.hpp"

namespace ruralatlas::revitalization {

std::vector<GiStar> localGiStar(const std::vector<XY>& at, const std::vector<double>& value, double radius, int permutations,
                                std::uint64_t seed, int threads) {
    const std::size_t n = at.size();
    std::vector<GiStar> out(n);
    if (n == 0) return out;
    // Neighbours by a grid of radius-sized cells.
    std::unordered_map<long long, std::vector<std::size_t>> grid;
    auto key = [](long long cx, long long cy) { return cx * 2000003LL + cy; };
    for (std::size_t i = 0; i < n; ++i)
        grid[key((long long)std::floor(at[i].x / radius), (long long)std::floor(at[i].y / radius))].push_back(i);
    double mean = 0, sq = 0;
    for (double v : value) {
        mean += v;
        sq += v * v;
    }
    mean /= double(n);
    const double var = sq / double(n) - mean * mean;
    const double s = var > 0 ? std::sqrt(var) : 0.0;

    auto work = [&](std::size_t from, std::size_t to) {
        std::vector<std::size_t> nb;
        std::vector<std::uint32_t> stamp(n, 0);
        std::uint32_t round = 0;
        for (std::size_t i = from; i < to; ++i) {
            nb.clear();
            const long long cx = (long long)std::floor(at[i].x / radius), cy = (long long)std::floor(at[i].y / radius);
            for (long long dx = -1; dx <= 1; ++dx)
                for (long long dy = -1; dy <= 1; ++dy)
                    if (auto it = grid.find(key(cx + dx, cy + dy)); it != grid.end())
                        for (std::size_t j : it->second)
                            if (std::hypot(at[j].x - at[i].x, at[j].y - at[i].y) <= radius) nb.push_back(j);
            GiStar& g = out[i];
            g.neighbours = nb.size();
            double local = 0;
            for (std::size_t j : nb) local += value[j];
            const double w = double(nb.size());  // binary weights: sum of w = sum of w^2 = neighbours
            const double denom = s * std::sqrt((double(n) * w - w * w) / double(n - 1 > 0 ? n - 1 : 1));
            g.z = denom > 0 ? (local - mean * w) / denom : std::nan("");
            if (permutations <= 0 || n < 2) {
                g.p = std::nan("");
                continue;
            }
            // Conditional permutations: the village's own value stays; k others drawn from the
            // other n - 1 villages without replacement (Floyd's sampling, marks by stamp).
            const std::size_t k = nb.size() - 1, pool = n - 1;
            std::uint64_t state = seed ^ (0xD1B54A32D192ED03ULL * (std::uint64_t(i) + 1));
            long long atLeast = 0;
            for (int r = 0; r < permutations; ++r) {
                if (++round == 0) {
                    std::fill(stamp.begin(), stamp.end(), 0);
                    round = 1;
                }
                double sum = value[i];
                for (std::size_t j = pool - k; j < pool; ++j) {
                    std::size_t t = std::size_t(randomBelow(state, j + 1));
                    std::size_t pick = t < i ? t : t + 1;
                    if (stamp[pick] == round) pick = j < i ? j : j + 1;
                    stamp[pick] = round;
                    sum += value[pick];
                }
                if (sum >= local) ++atLeast;
            }
            // Folded: the tail on the observed side.
            const long long extreme = std::min<long long>(atLeast, permutations - atLeast);
            g.p = double(extreme + 1) / double(permutations + 1);
        }
    };
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t nThreads = threads > 0 ? std::size_t(threads) : (n * std::size_t(std::max(permutations, 1)) > 2000000 ? hw : 1);
    if (nThreads <= 1) {
        work(0, n);
    } else {
        std::vector<std::thread> pool;
        const std::size_t chunk = (n + nThreads - 1) / nThreads;
        for (std::size_t t = 0; t < nThreads; ++t) {
            const std::size_t a = t * chunk, b = std::min(n, a + chunk);
            if (a < b) pool.emplace_back(work, a, b);
        }
        for (auto& t : pool) t.join();
    }
    return out;
}

int clusterLevel(const GiStar& g, bool byPermutation) {
    if (std::isnan(g.z)) return 0;
    int level = 0;
    if (byPermutation) {
        if (std::isnan(g.p)) return 0;
        level = g.p <= 0.01 ? 3 : g.p <= 0.05 ? 2 : g.p <= 0.10 ? 1 : 0;
    } else {
        const double a = std::fabs(g.z);
        level = a >= 2.576 ? 3 : a >= 1.960 ? 2 : a >= 1.645 ? 1 : 0;
    }
    return g.z >= 0 ? level : -level;
}

std::string clusterClass(const GiStar& g, bool byPermutation) {
    const int l = clusterLevel(g, byPermutation);
    if (l == 0) return "不显著";
    static const char* conf[] = {"", "90%", "95%", "99%"};
    return std::string(l > 0 ? "高值聚集（" : "低值聚集（") + conf[std::abs(l)] + "）";
}

}  // namespace ruralatlas::revitalization
