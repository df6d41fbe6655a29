// Criterion weights for the suitability surface: AHP against values worked out by hand and
// against the eigen-equation itself, refusals naming the cell, and entropy weights against
// hand-computed entropies.
#include "suitability/weights.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"

using namespace ruralatlas;
using namespace ruralatlas::suitability;

namespace {
using Matrix = std::vector<std::vector<double>>;

std::string refusal(const Matrix& m, const std::vector<std::string>& names) {
    try {
        ahpWeights(m, names, "criteria.json");
    } catch (const DataError& e) {
        return e.what();
    }
    return {};
}
}  // namespace

// A consistent matrix (a_ij = w_i / w_j for w = 4:2:1): the weights are 4/7, 2/7, 1/7 exactly,
// lambda_max = n, and the consistency ratio is 0.
TEST(AhpWeights, ConsistentMatrixGivesItsRatiosAndRatioZero) {
    const Matrix a = {{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}};
    const AhpResult r = ahpWeights(a, {"坡度", "距道路", "距学校"}, "c.json");
    ASSERT_EQ(r.weights.size(), 3u);
    EXPECT_NEAR(r.weights[0], 4.0 / 7, 1e-12);
    EXPECT_NEAR(r.weights[1], 2.0 / 7, 1e-12);
    EXPECT_NEAR(r.weights[2], 1.0 / 7, 1e-12);
    EXPECT_NEAR(r.lambdaMax, 3, 1e-12);
    EXPECT_NEAR(r.cr, 0, 1e-12);
    EXPECT_NO_THROW(requireConsistent(r, {"坡度", "距道路", "距学校"}, "c.json"));
}

// An inconsistent 4x4 matrix: the result is the positive eigenvector (A w = lambda w, every
// component > 0, summing to 1), lambda_max is a root of det(A - lambda I) computed here by
// elimination, and CR = ((lambda - 4) / 3) / 0.90 (Saaty's RI for n = 4).
TEST(AhpWeights, InconsistentMatrixIsThePerronEigenpair) {
    const Matrix a = {{1, 3, 5, 7}, {1.0 / 3, 1, 3, 5}, {1.0 / 5, 1.0 / 3, 1, 2}, {1.0 / 7, 1.0 / 5, 1.0 / 2, 1}};
    const AhpResult r = ahpWeights(a, {}, "c.json");
    double sum = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        double aw = 0;
        for (std::size_t j = 0; j < 4; ++j) aw += a[i][j] * r.weights[j];
        EXPECT_NEAR(aw, r.lambdaMax * r.weights[i], 1e-12) << i;
        EXPECT_GT(r.weights[i], 0);
        sum += r.weights[i];
    }
    EXPECT_NEAR(sum, 1, 1e-12);
    EXPECT_GT(r.lambdaMax, 4);
    // det(A - lambda I) by Gaussian elimination with partial pivoting.
    Matrix m = a;
    for (std::size_t i = 0; i < 4; ++i) m[i][i] -= r.lambdaMax;
    double det = 1;
    for (std::size_t c = 0; c < 4; ++c) {
        std::size_t p = c;
        for (std::size_t k = c + 1; k < 4; ++k)
            if (std::abs(m[k][c]) > std::abs(m[p][c])) p = k;
        if (p != c) {
            std::swap(m[p], m[c]);
            det = -det;
        }
        det *= m[c][c];
        for (std::size_t k = c + 1; k < 4; ++k) {
            const double f = m[k][c] / m[c][c];
            for (std::size_t j = c; j < 4; ++j) m[k][j] -= f * m[c][j];
        }
    }
    EXPECT_NEAR(det, 0, 1e-9);
    EXPECT_NEAR(r.cr, (r.lambdaMax - 4) / 3 / 0.90, 1e-12);
    EXPECT_LT(r.cr, 0.1);  // a well-judged matrix: accepted
    EXPECT_GT(r.weights[0], r.weights[1]);
    EXPECT_GT(r.weights[1], r.weights[2]);
    EXPECT_GT(r.weights[2], r.weights[3]);
}

// A cyclic matrix (A over B, B over C, C over A, each 9 times) cannot be consistent: refused
// above 0.1, naming the ratio and a judgement to revisit.
TEST(AhpWeights, RatioAboveTenPercentIsRefusedNamingAJudgement) {
    const Matrix a = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
    const std::vector<std::string> names = {"坡度", "距道路", "距学校"};
    const AhpResult r = ahpWeights(a, names, "c.json");
    EXPECT_GT(r.cr, 0.1);
    try {
        requireConsistent(r, names, "c.json");
        FAIL() << "accepted CR " << r.cr;
    } catch (const DataError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("c.json"), std::string::npos) << msg;
        EXPECT_NE(msg.find("一致性比率 CR = "), std::string::npos) << msg;
        EXPECT_NE(msg.find("consistency ratio"), std::string::npos) << msg;
        EXPECT_NE(msg.find("9 given"), std::string::npos) << msg;
    }
}

TEST(AhpWeights, BadMatricesAreRefusedNamingTheCell) {
    const std::vector<std::string> names = {"坡度", "距道路", "距学校"};
    // Not reciprocal: 3 above the diagonal, 2 below it.
    std::string msg = refusal({{1, 3, 1}, {2, 1, 1}, {1, 1, 1}}, names);
    EXPECT_NE(msg.find("criteria.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("row 1 (坡度), column 2 (距道路)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not reciprocal"), std::string::npos) << msg;
    EXPECT_NE(msg.find("write 1/3 there"), std::string::npos) << msg;
    // 0.33 for 1/3 is accepted (rounded by hand).
    EXPECT_EQ(refusal({{1, 3, 1}, {0.33, 1, 1}, {1, 1, 1}}, names), "");
    // Diagonal, scale, sign, shape, order.
    EXPECT_NE(refusal({{2, 1, 1}, {1, 1, 1}, {1, 1, 1}}, names).find("compared with itself is 1"), std::string::npos);
    EXPECT_NE(refusal({{1, 12, 1}, {1.0 / 12, 1, 1}, {1, 1, 1}}, names).find("outside Saaty's scale"), std::string::npos);
    EXPECT_NE(refusal({{1, -3, 1}, {1, 1, 1}, {1, 1, 1}}, names).find("positive number"), std::string::npos);
    EXPECT_NE(refusal({{1, 1, 1}, {1, 1}, {1, 1, 1}}, names).find("not square: row 2 has 2 values"), std::string::npos);
    EXPECT_NE(refusal({{1}}, names).find("2 to 15 criteria"), std::string::npos);
    EXPECT_NE(refusal(Matrix(16, std::vector<double>(16, 1.0)), {}).find("this one has 16 rows"), std::string::npos);
}

TEST(AhpWeights, RandomIndexIsSaatysTable) {
    EXPECT_EQ(randomIndex(1), 0);
    EXPECT_EQ(randomIndex(2), 0);
    EXPECT_DOUBLE_EQ(randomIndex(3), 0.58);
    EXPECT_DOUBLE_EQ(randomIndex(4), 0.90);
    EXPECT_DOUBLE_EQ(randomIndex(9), 1.45);
    EXPECT_DOUBLE_EQ(randomIndex(15), 1.59);
    EXPECT_LT(randomIndex(16), 0);
}

// Hand-worked entropies over two places: (1, 1) is uniform (e = 1, weight 0); (1, 3) has
// p = (1/4, 3/4), e = H(1/4) in bits = 0.8112781244591328; (0, 2) has p = (0, 1), e = 0.
// Weights are (1 - e) / sum(1 - e).
TEST(EntropyWeights, MatchTheEntropiesWorkedOutByHand) {
    const double hQuarter = 0.8112781244591328;
    const auto w = entropyWeights({{1, 1}, {1, 3}, {0, 2}}, {"a", "b", "c"}, "c.json");
    ASSERT_EQ(w.size(), 3u);
    const double total = (1 - hQuarter) + 1;
    EXPECT_NEAR(w[0], 0, 1e-15);
    EXPECT_NEAR(w[1], (1 - hQuarter) / total, 1e-12);
    EXPECT_NEAR(w[2], 1 / total, 1e-12);
    // A criterion that is the same everywhere carries no weight; one all-zero neither.
    const auto v = entropyWeights({{0.5, 0.5, 0.5, 0.5}, {1, 0, 0, 0}, {0, 0, 0, 0}}, {}, "c.json");
    EXPECT_NEAR(v[0], 0, 1e-15);
    EXPECT_NEAR(v[1], 1, 1e-15);
    EXPECT_NEAR(v[2], 0, 1e-15);
}

TEST(EntropyWeights, RefusesWhatHasNoAnswer) {
    const auto refused = [](const std::vector<std::vector<double>>& s) {
        try {
            entropyWeights(s, {"坡度", "距道路"}, "c.json");
        } catch (const DataError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(refused({{1, 1}, {2, 2}}).find("every criterion scores the same everywhere"), std::string::npos);
    EXPECT_NE(refused({{1}, {2}}).find("two places or more"), std::string::npos);
    const std::string msg = refused({{1, 2}, {1, -2}});
    EXPECT_NE(msg.find("距道路"), std::string::npos) << msg;
    EXPECT_NE(msg.find("score 2 is -2"), std::string::npos) << msg;
    EXPECT_NE(refused({{1, 2, 3}, {1, 2}}).find("has 2 scores where the others have 3"), std::string::npos);
}
