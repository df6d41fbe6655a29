#include "suitability/weights.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/format.hpp"

namespace ruralatlas::suitability {

namespace {

std::string nameOf(const std::vector<std::string>& names, std::size_t i) {
    return i < names.size() && !names[i].empty() ? names[i] : "criterion " + std::to_string(i + 1);
}

// "row 2 (坡度), column 3 (距道路)".
std::string cellOf(const std::vector<std::string>& names, std::size_t i, std::size_t j) {
    return "row " + std::to_string(i + 1) + " (" + nameOf(names, i) + "), column " + std::to_string(j + 1) + " (" + nameOf(names, j) + ")";
}

// A judgement as written on Saaty's scale: "3", "1/5".
std::string judgement(double v) {
    return v >= 1 ? fmt(v, v == std::round(v) ? 0 : 2) : "1/" + fmt(1 / v, 1 / v == std::round(1 / v) ? 0 : 2);
}

}  // namespace

double randomIndex(int n) {
    static constexpr double kRi[] = {0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
    return n >= 1 && n <= 15 ? kRi[n - 1] : -1;
}

AhpResult ahpWeights(const std::vector<std::vector<double>>& a, const std::vector<std::string>& names, const std::string& where) {
    const std::size_t n = a.size();
    if (n < 2 || n > 15)
        throw DataError({where, "", "", "ahp"}, "an AHP matrix compares 2 to 15 criteria; this one has " + std::to_string(n) + " rows");
    for (std::size_t i = 0; i < n; ++i)
        if (a[i].size() != n)
            throw DataError({where, "", "row " + std::to_string(i + 1), "ahp"},
                            "the AHP matrix is not square: row " + std::to_string(i + 1) + " has " + std::to_string(a[i].size()) +
                                " values, it needs " + std::to_string(n));
    constexpr double kLow = 1.0 / 9 * (1 - 1e-9), kHigh = 9 * (1 + 1e-9);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const double v = a[i][j];
            if (!std::isfinite(v) || v <= 0)
                throw DataError({where, "", cellOf(names, i, j), "ahp"}, "a judgement must be a positive number (Saaty's scale 1/9 to 9)");
            if (i == j && std::abs(v - 1) > 1e-9)
                throw DataError({where, "", cellOf(names, i, j), "ahp"},
                                "a criterion compared with itself is 1, not " + fmt(v, 3) + " (the diagonal of the matrix)");
            if (v < kLow || v > kHigh)
                throw DataError({where, "", cellOf(names, i, j), "ahp"},
                                fmt(v, 3) +
                                    " is outside Saaty's scale: judgements run from 1/9 (extremely less important) to 9 "
                                    "(extremely more important)");
            if (j > i && std::abs(v * a[j][i] - 1) > 0.02)
                throw DataError({where, "", cellOf(names, i, j), "ahp"},
                                "the matrix is not reciprocal: " + fmt(v, 3) + " here, and " + fmt(a[j][i], 3) + " in row " +
                                    std::to_string(j + 1) + ", column " + std::to_string(i + 1) + " (their product must be 1: write " +
                                    judgement(1 / v) + " there)");
        }

    // The principal (Perron) eigenvector by power iteration: the matrix is positive, so the
    // iteration converges to the only positive eigenvector.
    AhpResult r;
    std::vector<double> w(n, 1.0 / double(n)), next(n);
    for (int iter = 0; iter < 10000; ++iter) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            double s = 0;
            for (std::size_t j = 0; j < n; ++j) s += a[i][j] * w[j];
            next[i] = s;
            sum += s;
        }
        double change = 0;
        for (std::size_t i = 0; i < n; ++i) {
            next[i] /= sum;
            change = std::max(change, std::abs(next[i] - w[i]));
        }
        w.swap(next);
        if (change < 1e-15) break;
    }
    double lambda = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < n; ++j) s += a[i][j] * w[j];
        lambda += s / w[i];
    }
    r.lambdaMax = lambda / double(n);
    r.weights = w;
    r.ci = n > 1 ? std::max(0.0, (r.lambdaMax - double(n)) / double(n - 1)) : 0;
    r.cr = n > 2 ? r.ci / randomIndex(int(n)) : 0;
    double worst = -1;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j) continue;
            const double implied = w[i] / w[j], off = std::abs(std::log(a[i][j] / implied));
            if (a[i][j] >= 1 && off > worst + 1e-12) {  // one of each reciprocal pair: the one written >= 1
                worst = off;
                r.worstRow = int(i);
                r.worstColumn = int(j);
                r.worstGiven = a[i][j];
                r.worstImplied = implied;
            }
        }
    return r;
}

void requireConsistent(const AhpResult& r, const std::vector<std::string>& names, const std::string& where, double limit) {
    if (r.cr <= limit) return;
    std::string zh, en;
    if (r.worstRow >= 0) {
        const auto i = std::size_t(r.worstRow), j = std::size_t(r.worstColumn);
        const std::string given = judgement(r.worstGiven), implied = judgement(std::clamp(r.worstImplied, 1.0 / 9, 9.0));
        zh = "（最不一致的判断：" + nameOf(names, i) + "相对" + nameOf(names, j) + "给了 " + given + "，与其他判断相符的约为 " + implied +
             "）";
        en = "; the judgement furthest from the weights is " + cellOf(names, i, j) + ": " + given + " given, about " + implied +
             " would agree with the others";
    }
    throw DataError({where, "", "", "ahp"}, "判断矩阵一致性比率 CR = " + fmt(r.cr, 3) + "，超过 " + fmt(limit, 2) + "，请修改判断" + zh +
                                                " / the AHP matrix is inconsistent: consistency ratio " + fmt(r.cr, 3) + " is above " +
                                                fmt(limit, 2) + en);
}

std::vector<double> entropyWeights(const std::vector<std::vector<double>>& scores, const std::vector<std::string>& names,
                                   const std::string& where) {
    if (scores.empty()) throw DataError({where, "", "", "weights"}, "entropy weights need at least one criterion");
    const std::size_t m = scores.front().size();
    if (m < 2) throw DataError({where, "", "", "weights"}, "entropy weights need scores at two places or more");
    std::vector<double> diversity(scores.size());
    for (std::size_t j = 0; j < scores.size(); ++j) {
        const auto& col = scores[j];
        if (col.size() != m)
            throw DataError({where, "", nameOf(names, j), "weights"},
                            "has " + std::to_string(col.size()) + " scores where the others have " + std::to_string(m));
        double sum = 0;
        for (std::size_t i = 0; i < m; ++i) {
            if (!std::isfinite(col[i]) || col[i] < 0)
                throw DataError({where, "", nameOf(names, j), "weights"},
                                "score " + std::to_string(i + 1) + " is " + fmt(col[i], 3) + ": entropy weights need scores of 0 or more");
            sum += col[i];
        }
        // e = -(1/ln m) sum p ln p with p = x / sum x (0 ln 0 = 0); all zero carries no information.
        double e = 1;
        if (sum > 0) {
            double h = 0;
            for (double x : col)
                if (x > 0) {
                    const double p = x / sum;
                    h -= p * std::log(p);
                }
            e = h / std::log(double(m));
        }
        diversity[j] = std::max(0.0, 1 - e);
    }
    double total = 0;
    for (double d : diversity) total += d;
    if (!(total > 1e-12))
        throw DataError({where, "", "", "weights"},
                        "entropy weights are undefined: every criterion scores the same everywhere; give the weights directly or by AHP");
    for (double& d : diversity) d /= total;
    return diversity;
}

}  // namespace ruralatlas::suitability
