// Criterion weights for the suitability surface (issue: relocation, part 1): from an AHP
// pairwise-comparison matrix (Saaty's principal eigenvector, with the consistency ratio), or
// from the data (entropy weights). Plain arithmetic: no GDAL, no Qt.
#pragma once
#include <string>
#include <vector>

namespace ruralatlas::suitability {

// Saaty's random consistency index RI for a matrix of order n (1..15), as tabulated in
// T. L. Saaty, "The Analytic Hierarchy Process" (McGraw-Hill, 1980): 0, 0, 0.58, 0.90, 1.12,
// 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59.
double randomIndex(int n);

struct AhpResult {
    std::vector<double> weights;  // the principal eigenvector, summing to 1
    double lambdaMax = 0;         // its eigenvalue (n for a consistent matrix)
    double ci = 0;                // consistency index (lambdaMax - n) / (n - 1)
    double cr = 0;                // consistency ratio CI / RI (0 for n <= 2)
    // The judgement furthest from what the weights imply (row i over column j): the one to
    // revisit first when the ratio is too high.
    int worstRow = -1, worstColumn = -1;
    double worstGiven = 0, worstImplied = 0;
};

// The weights of a pairwise-comparison matrix (row i compared with column j on Saaty's 1-9
// scale). Throws DataError naming `where` (the criteria file), the row and the column when the
// matrix is not square, not of order 2..15, has a diagonal other than 1, a value that is not a
// positive number within 1/9..9, or a pair that is not reciprocal (a_ij x a_ji = 1 within 2 %,
// so that 0.33 passes for 1/3).
AhpResult ahpWeights(const std::vector<std::vector<double>>& matrix, const std::vector<std::string>& names, const std::string& where);

// Throws DataError when the consistency ratio is above `limit` (0.1, Saaty's rule), saying the
// ratio and which judgement to revisit, in Chinese and English.
void requireConsistent(const AhpResult& r, const std::vector<std::string>& names, const std::string& where, double limit = 0.1);

// Entropy weights from the criteria's scores (one vector per criterion, the same places in
// each, scores >= 0 with higher = better): a criterion whose scores differ more across places
// carries more information and more weight; one that is the same everywhere gets 0. Throws
// DataError naming the criterion for a negative or non-finite score, and when fewer than two
// places are given or no criterion varies at all.
std::vector<double> entropyWeights(const std::vector<std::vector<double>>& scores, const std::vector<std::string>& names,
                                   const std::string& where);

}  // namespace ruralatlas::suitability
