// Deterministic random numbers independent of the standard library's distributions, so the
// same seed gives the same county on every platform.
#pragma once
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace ruralatlas::demo {

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    std::uint64_t s = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL);
    return splitmix64(s);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() { return splitmix64(m_state); }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
    int integer(int lo, int hi) { return lo + static_cast<int>(uniform() * (hi - lo + 1)); }  // inclusive
    bool chance(double p) { return uniform() < p; }
    double normal() {
        const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(uniform() * v.size()) % v.size()];
    }
    // Index drawn with the given weights.
    std::size_t weighted(const std::vector<double>& w) {
        double sum = 0;
        for (double x : w) sum += x;
        double r = uniform() * sum;
        for (std::size_t i = 0; i < w.size(); ++i) {
            if (r < w[i]) return i;
            r -= w[i];
        }
        return w.size() - 1;
    }

private:
    std::uint64_t m_state;
};

// Smooth value noise with fractal octaves, in [0, 1] (roughly), on world coordinates in metres.
class Terrain {
public:
    explicit Terrain(std::uint64_t seed) : m_seed(seed) {}
    double fbm(double x, double y, double wavelength, int octaves) const {
        double sum = 0, amp = 0.5, norm = 0, f = 1.0 / wavelength;
        for (int o = 0; o < octaves; ++o) {
            sum += amp * value(x * f, y * f, static_cast<std::uint64_t>(o));
            norm += amp;
            amp *= 0.5;
            f *= 2.03;
        }
        return sum / norm;
    }

private:
    double lattice(std::int64_t i, std::int64_t j, std::uint64_t o) const {
        std::uint64_t h = mix(mix(m_seed + o, static_cast<std::uint64_t>(i)), static_cast<std::uint64_t>(j));
        return static_cast<double>(h >> 11) * 0x1.0p-53;
    }
    double value(double x, double y, std::uint64_t o) const {
        const double fx = std::floor(x), fy = std::floor(y);
        const auto i = static_cast<std::int64_t>(fx), j = static_cast<std::int64_t>(fy);
        double tx = x - fx, ty = y - fy;
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        const double a = lattice(i, j, o), b = lattice(i + 1, j, o), c = lattice(i, j + 1, o), d = lattice(i + 1, j + 1, o);
        return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
    }
    std::uint64_t m_seed;
};

}  // namespace ruralatlas::demo
