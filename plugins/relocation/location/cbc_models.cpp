#include "location/cbc_models.hpp"

#include <coin/Cbc_C_Interface.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace ruralatlas::location {

namespace {

using Clock = std::chrono::steady_clock;
// CBC reads bounds at or beyond 1e30 as infinite.
constexpr double kInfinity = 1e30;

// A CBC model gathered column by column and row by row, handed to CBC in one piece (adding rows
// one at a time to CBC copies the whole model each time: quadratic, minutes at county scale).
class Mip {
public:
    Mip() : m(Cbc_newModel(), Cbc_deleteModel) { Cbc_setLogLevel(m.get(), 0); }
    int col(double lb, double ub, double obj, bool integer) {
        colLb.push_back(lb);
        colUb.push_back(ub);
        colObj.push_back(obj);
        colInt.push_back(integer ? 1 : 0);
        return static_cast<int>(colLb.size()) - 1;
    }
    void row(const std::vector<int>& idx, const std::vector<double>& coef, char sense, double rhs) {
        const int r = static_cast<int>(rowLb.size());
        rowLb.push_back(sense == 'L' ? -kInfinity : rhs);
        rowUb.push_back(sense == 'G' ? kInfinity : rhs);
        for (std::size_t k = 0; k < idx.size(); ++k) entries.push_back({idx[k], r, coef[k]});
    }
    // Solves; false when no integer solution was found.
    bool solve(bool maximise, double seconds) {
        load();
        Cbc_setObjSense(m.get(), maximise ? -1 : 1);
        Cbc_setMaximumSeconds(m.get(), std::max(seconds, 0.1));
        Cbc_setParameter(m.get(), "threads", "1");
        Cbc_solve(m.get());
        return Cbc_bestSolution(m.get()) != nullptr || (Cbc_isProvenOptimal(m.get()) && Cbc_getColSolution(m.get()));
    }
    const double* values() const { return Cbc_bestSolution(m.get()) ? Cbc_bestSolution(m.get()) : Cbc_getColSolution(m.get()); }
    double objective() const { return Cbc_getObjValue(m.get()); }
    double bound() const { return Cbc_getBestPossibleObjValue(m.get()); }
    bool optimal() const { return Cbc_isProvenOptimal(m.get()) != 0; }
    bool infeasible() const { return Cbc_isProvenInfeasible(m.get()) != 0; }

private:
    struct Entry {
        int col, row;
        double value;
    };
    // Compressed sparse columns, as Cbc_loadProblem takes them.
    void load() {
        const int ncols = static_cast<int>(colLb.size()), nrows = static_cast<int>(rowLb.size());
        std::vector<CoinBigIndex> start(static_cast<std::size_t>(ncols) + 1, 0);
        for (const Entry& e : entries) ++start[static_cast<std::size_t>(e.col) + 1];
        for (int c = 0; c < ncols; ++c) start[static_cast<std::size_t>(c) + 1] += start[static_cast<std::size_t>(c)];
        std::vector<int> index(entries.size());
        std::vector<double> value(entries.size());
        std::vector<CoinBigIndex> fill(start.begin(), start.end() - 1);
        for (const Entry& e : entries) {
            const auto at = static_cast<std::size_t>(fill[static_cast<std::size_t>(e.col)]++);
            index[at] = e.row;
            value[at] = e.value;
        }
        Cbc_loadProblem(m.get(), ncols, nrows, start.data(), index.data(), value.data(), colLb.data(), colUb.data(), colObj.data(),
                        rowLb.data(), rowUb.data());
        for (int c = 0; c < ncols; ++c)
            if (colInt[static_cast<std::size_t>(c)]) Cbc_setInteger(m.get(), c);
    }
    std::unique_ptr<Cbc_Model, void (*)(Cbc_Model*)> m;
    std::vector<double> colLb, colUb, colObj, rowLb, rowUb;
    std::vector<char> colInt;
    std::vector<Entry> entries;
};

std::vector<int> siteColumns(Mip& mip, const Problem& pr, double cost) {
    std::vector<int> y(pr.sites);
    std::vector<char> isFixed(pr.sites, 0);
    for (std::uint32_t f : pr.fixed) isFixed[f] = 1;
    for (std::size_t j = 0; j < pr.sites; ++j) y[j] = mip.col(isFixed[j] ? 1 : 0, 1, cost, true);
    return y;
}

void exactlyP(Mip& mip, const Problem& pr, const std::vector<int>& y) { mip.row(y, std::vector<double>(y.size(), 1.0), 'E', pr.p); }

std::vector<std::uint32_t> openOf(const double* v, const std::vector<int>& y) {
    std::vector<std::uint32_t> open;
    for (std::size_t j = 0; j < y.size(); ++j)
        if (v[y[j]] > 0.5) open.push_back(static_cast<std::uint32_t>(j));
    return open;
}

// Minimum number of sites covering every demand within r (fixed sites included); -1 when some
// demand cannot be covered. `open` gets the cover; `proven` whether CBC proved it least.
long minCover(const Problem& pr, double r, double seconds, std::vector<std::uint32_t>& open, bool& proven) {
    Mip mip;
    const std::vector<int> y = siteColumns(mip, pr, 1.0);
    for (std::size_t i = 0; i < pr.demands(); ++i) {
        std::vector<int> idx;
        for (const Arc& a : pr.arcs[i])
            if (a.cost <= r) idx.push_back(y[a.site]);
        if (idx.empty()) {
            if (pr.kind == ProblemKind::PCenter) return -1;
            continue;  // set cover: reported as uncoverable, not required
        }
        mip.row(idx, std::vector<double>(idx.size(), 1.0), 'G', 1.0);
    }
    if (!mip.solve(false, seconds)) return -1;
    open = openOf(mip.values(), y);
    proven = mip.optimal();
    return static_cast<long>(open.size());
}

Solution capacitated(const Problem& pr, const CbcOptions& o) {
    Mip mip;
    const bool cover = pr.kind == ProblemKind::MaxCover;
    const std::vector<int> y = siteColumns(mip, pr, 0.0);
    std::vector<std::vector<std::pair<int, std::uint32_t>>> x(pr.demands());  // (column, site)
    std::vector<std::vector<int>> bySite(pr.sites);
    std::vector<std::vector<double>> loadCoef(pr.sites);
    for (std::size_t i = 0; i < pr.demands(); ++i) {
        const double w = pr.weight[i];
        for (const Arc& a : pr.arcs[i]) {
            if (cover && a.cost > pr.radius) continue;
            const int c = mip.col(0, 1, cover ? w : w * a.cost, !pr.split);
            x[i].push_back({c, a.site});
            bySite[a.site].push_back(c);
            loadCoef[a.site].push_back(w);
            mip.row({c, y[a.site]}, {1.0, -1.0}, 'L', 0.0);
        }
        std::vector<int> idx;
        for (const auto& [c, s] : x[i]) idx.push_back(c);
        if (cover) {
            if (!idx.empty()) mip.row(idx, std::vector<double>(idx.size(), 1.0), 'L', 1.0);
        } else {
            if (std::isfinite(pr.unservedCost)) idx.push_back(mip.col(0, 1, w * pr.unservedCost, false));
            if (idx.empty())
                throw std::invalid_argument("demand " + std::to_string(i + 1) +
                                            " can reach no candidate site, and unserved demand has no cost");
            mip.row(idx, std::vector<double>(idx.size(), 1.0), 'E', 1.0);
        }
    }
    for (std::size_t j = 0; j < pr.sites; ++j) {
        std::vector<int> idx = bySite[j];
        std::vector<double> coef = loadCoef[j];
        idx.push_back(y[j]);
        coef.push_back(-pr.capacity[j]);
        mip.row(idx, coef, 'L', 0.0);
    }
    exactlyP(mip, pr, y);
    if (!mip.solve(cover, o.timeLimitSeconds)) {
        if (mip.infeasible()) throw std::invalid_argument("no choice of sites serves all the demand within the capacities");
        throw std::runtime_error("CBC found no solution within the time limit");
    }
    Solution s;
    const double* v = mip.values();
    s.open = openOf(v, y);
    s.assign.assign(pr.demands(), {});
    for (std::size_t i = 0; i < pr.demands(); ++i) {
        double share = 0;
        for (const auto& [c, site] : x[i])
            if (v[c] > 1e-7) {
                s.assign[i].push_back({site, v[c]});
                share += v[c];
            }
        s.servedWeight += pr.weight[i] * std::min(share, 1.0);
        s.unservedWeight += pr.weight[i] * std::max(0.0, 1.0 - share);
    }
    s.objective = mip.objective();
    s.bound = mip.bound();
    s.optimal = mip.optimal();
    return s;
}

}  // namespace

// Long on purpose: one model per kind, side by side, as the header's table lists them.
Solution solveWithCbc(const Problem& pr, const CbcOptions& o) {
    pr.check();
    const auto t0 = Clock::now();
    Solution s;
    if (pr.capacitated()) {
        s = capacitated(pr, o);
    } else if (pr.kind == ProblemKind::PMedian) {
        Mip mip;
        const std::vector<int> y = siteColumns(mip, pr, 0.0);
        for (std::size_t i = 0; i < pr.demands(); ++i) {
            const double w = pr.weight[i];
            std::vector<int> idx;
            for (const Arc& a : pr.arcs[i]) {
                const int c = mip.col(0, 1, w * a.cost, false);
                idx.push_back(c);
                mip.row({c, y[a.site]}, {1.0, -1.0}, 'L', 0.0);
            }
            if (std::isfinite(pr.unservedCost)) idx.push_back(mip.col(0, 1, w * pr.unservedCost, false));
            if (idx.empty())
                throw std::invalid_argument("demand " + std::to_string(i + 1) +
                                            " can reach no candidate site, and unserved demand has no cost");
            mip.row(idx, std::vector<double>(idx.size(), 1.0), 'E', 1.0);
        }
        exactlyP(mip, pr, y);
        if (!mip.solve(false, o.timeLimitSeconds)) throw std::runtime_error("CBC found no solution within the time limit");
        evaluate(pr, openOf(mip.values(), y), &s);
        s.bound = mip.bound();
        s.optimal = mip.optimal();
    } else if (pr.kind == ProblemKind::MaxCover) {
        Mip mip;
        const std::vector<int> y = siteColumns(mip, pr, 0.0);
        for (std::size_t i = 0; i < pr.demands(); ++i) {
            std::vector<int> idx;
            std::vector<double> coef;
            for (const Arc& a : pr.arcs[i])
                if (a.cost <= pr.radius) {
                    idx.push_back(y[a.site]);
                    coef.push_back(-1.0);
                }
            if (idx.empty()) continue;
            const int z = mip.col(0, 1, pr.weight[i], false);
            idx.push_back(z);
            coef.push_back(1.0);
            mip.row(idx, coef, 'L', 0.0);
        }
        exactlyP(mip, pr, y);
        if (!mip.solve(true, o.timeLimitSeconds)) throw std::runtime_error("CBC found no solution within the time limit");
        evaluate(pr, openOf(mip.values(), y), &s);
        s.bound = mip.bound();
        s.optimal = mip.optimal();
    } else if (pr.kind == ProblemKind::SetCover) {
        std::vector<std::uint32_t> open;
        bool proven = false;
        if (minCover(pr, pr.radius, o.timeLimitSeconds, open, proven) < 0)
            throw std::runtime_error("CBC found no cover within the time limit");
        evaluate(pr, open, &s);
        s.optimal = proven;
        s.bound = proven ? s.objective : 0;
    } else {  // p-center
        std::vector<double> radii;
        double least = 0;
        for (std::size_t i = 0; i < pr.demands(); ++i) {
            if (pr.arcs[i].empty()) throw std::invalid_argument("demand " + std::to_string(i + 1) + " can reach no candidate site");
            least = std::max(least, pr.arcs[i].front().cost);
            for (const Arc& a : pr.arcs[i]) radii.push_back(a.cost);
        }
        std::sort(radii.begin(), radii.end());
        radii.erase(std::unique(radii.begin(), radii.end()), radii.end());
        radii.erase(radii.begin(), std::lower_bound(radii.begin(), radii.end(), least));
        // The least radius whose cover needs at most p sites; every probe proven.
        std::size_t lo = 0, hi = radii.size() - 1;
        bool allProven = true;
        const auto left = [&] { return o.timeLimitSeconds - std::chrono::duration<double>(Clock::now() - t0).count(); };
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            std::vector<std::uint32_t> open;
            bool proven = false;
            const long need = minCover(pr, radii[mid], left(), open, proven);
            allProven = allProven && proven;
            if (need >= 0 && need <= pr.p)
                hi = mid;
            else
                lo = mid + 1;
        }
        std::vector<std::uint32_t> bestOpen;
        bool proven = false;
        const long need = minCover(pr, radii[lo], left(), bestOpen, proven);
        if (need < 0 || need > pr.p)
            throw std::invalid_argument("no " + std::to_string(pr.p) +
                                        " sites reach every demand within the costs given (raise p or the cut-off)");
        // Fill up to p sites (any extra site never raises the largest cost).
        std::vector<char> isOpen(pr.sites, 0);
        for (std::uint32_t f : bestOpen) isOpen[f] = 1;
        for (std::uint32_t j = 0; j < pr.sites && bestOpen.size() < static_cast<std::size_t>(pr.p); ++j)
            if (!isOpen[j]) bestOpen.push_back(j);
        evaluate(pr, bestOpen, &s);
        s.optimal = allProven;
        s.bound = allProven ? s.objective : least;
    }
    s.method = "cbc";
    s.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s.optimal) s.bound = s.objective;
    return s;
}

}  // namespace ruralatlas::location
