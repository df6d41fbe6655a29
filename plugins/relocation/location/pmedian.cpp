#include "location/pmedian.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>
#include <stdexcept>

namespace ruralatlas::location {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kEps = 1e-9;

// The problem in flat arrays: weighted costs per demand (sorted) and per site (reverse lists).
struct Data {
    std::size_t n = 0, m = 0;
    int p = 0;
    std::vector<double> unserved;  // finite cost of leaving demand i unserved
    std::vector<std::uint32_t> off, site;
    std::vector<double> d;
    std::vector<std::uint32_t> roff, rdem;
    std::vector<double> rd;
    std::vector<char> fixedSite;
    bool integral = true;

    explicit Data(const Problem& pr) : n(pr.demands()), m(pr.sites), p(pr.p), fixedSite(pr.sites, 0) {
        for (std::uint32_t f : pr.fixed) fixedSite[f] = 1;
        double maxCost = 0, totalWeight = 0;
        for (std::size_t i = 0; i < n; ++i) {
            totalWeight += pr.weight[i];
            for (const Arc& a : pr.arcs[i]) maxCost = std::max(maxCost, a.cost);
        }
        // Leaving a demand unserved when it need not be must never pay: with no finite cost
        // given, it costs more than serving everyone at the dearest arc.
        const double big = std::floor(totalWeight * maxCost) + 1;
        unserved.resize(n);
        off.assign(n + 1, 0);
        std::vector<std::uint32_t> perSite(m + 1, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const double w = pr.weight[i];
            if (std::isfinite(pr.unservedCost))
                unserved[i] = w * pr.unservedCost;
            else {
                if (pr.arcs[i].empty() && w > 0)
                    throw std::invalid_argument("demand " + std::to_string(i + 1) +
                                                " can reach no candidate site, and unserved demand has no cost");
                unserved[i] = w > 0 ? big : 0;
            }
            off[i + 1] = off[i] + static_cast<std::uint32_t>(pr.arcs[i].size());
            for (const Arc& a : pr.arcs[i]) {
                site.push_back(a.site);
                d.push_back(w * a.cost);
                ++perSite[a.site + 1];
            }
        }
        for (double x : d)
            if (x != std::floor(x) || x > 1e15) integral = false;
        for (double x : unserved)
            if (x != std::floor(x) || x > 1e15) integral = false;
        for (std::size_t j = 0; j < m; ++j) perSite[j + 1] += perSite[j];
        roff = perSite;
        rdem.resize(d.size());
        rd.resize(d.size());
        std::vector<std::uint32_t> fill(roff.begin(), roff.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            for (std::uint32_t k = off[i]; k < off[i + 1]; ++k) {
                const std::uint32_t at = fill[site[k]]++;
                rdem[at] = static_cast<std::uint32_t>(i);
                rd[at] = d[k];
            }
    }

    // The cost of an open set (every demand at its nearest open site, or unserved).
    double cost(const std::vector<char>& isOpen) const {
        double total = 0;
        for (std::size_t i = 0; i < n; ++i) {
            double best = unserved[i];
            for (std::uint32_t k = off[i]; k < off[i + 1]; ++k)
                if (isOpen[site[k]]) {
                    best = std::min(best, d[k]);
                    break;
                }
            total += best;
        }
        return total;
    }
};

// Swap local search (fast interchange). `open` holds exactly p sites.
std::vector<std::uint32_t> localSearch(const Data& D, std::vector<std::uint32_t> open) {
    std::vector<char> isOpen(D.m, 0);
    for (std::uint32_t f : open) isOpen[f] = 1;
    std::vector<double> d1(D.n), d2(D.n);
    std::vector<int> f1(D.n);
    std::vector<double> loss(D.m), extra(D.m, 0);
    std::vector<std::uint32_t> touched;
    const auto assignAll = [&] {
        std::fill(loss.begin(), loss.end(), 0.0);
        for (std::size_t i = 0; i < D.n; ++i) {
            d1[i] = d2[i] = D.unserved[i];
            f1[i] = -1;
            int found = 0;
            for (std::uint32_t k = D.off[i]; k < D.off[i + 1] && found < 2; ++k)
                if (isOpen[D.site[k]]) {
                    if (found == 0) {
                        if (D.d[k] < d1[i]) {
                            d1[i] = D.d[k];
                            f1[i] = static_cast<int>(D.site[k]);
                        }
                    } else
                        d2[i] = std::min(d2[i], D.d[k]);
                    ++found;
                }
            if (f1[i] >= 0) loss[static_cast<std::size_t>(f1[i])] += d2[i] - d1[i];
        }
    };
    assignAll();
    for (;;) {
        double bestProfit = kEps * (1 + std::abs(std::accumulate(d1.begin(), d1.end(), 0.0)));
        long bestIn = -1, bestOut = -1;
        for (std::uint32_t f = 0; f < D.m; ++f) {
            if (isOpen[f]) continue;
            double gain = 0;
            touched.clear();
            for (std::uint32_t k = D.roff[f]; k < D.roff[f + 1]; ++k) {
                const std::uint32_t i = D.rdem[k];
                const double dif = D.rd[k];
                if (dif >= d2[i]) continue;
                if (dif < d1[i]) {
                    gain += d1[i] - dif;
                    if (f1[i] >= 0) {
                        if (extra[static_cast<std::size_t>(f1[i])] == 0) touched.push_back(static_cast<std::uint32_t>(f1[i]));
                        extra[static_cast<std::size_t>(f1[i])] += d2[i] - d1[i];
                    }
                } else if (f1[i] >= 0) {
                    if (extra[static_cast<std::size_t>(f1[i])] == 0) touched.push_back(static_cast<std::uint32_t>(f1[i]));
                    extra[static_cast<std::size_t>(f1[i])] += d2[i] - dif;
                }
            }
            for (std::uint32_t r : open) {
                if (D.fixedSite[r]) continue;
                const double profit = gain + extra[r] - loss[r];
                if (profit > bestProfit) {
                    bestProfit = profit;
                    bestIn = f;
                    bestOut = r;
                }
            }
            for (std::uint32_t r : touched) extra[r] = 0;
        }
        if (bestIn < 0) break;
        isOpen[static_cast<std::size_t>(bestOut)] = 0;
        isOpen[static_cast<std::size_t>(bestIn)] = 1;
        std::replace(open.begin(), open.end(), static_cast<std::uint32_t>(bestOut), static_cast<std::uint32_t>(bestIn));
        assignAll();
    }
    std::sort(open.begin(), open.end());
    return open;
}

// One node of the search: per site 1 forced open, -1 forced closed, 0 free.
using State = std::vector<signed char>;

struct Relaxed {
    double bound = -std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> chosen;  // the relaxation's open sites
    std::vector<double> rho;            // reduced cost of opening each site
};

// The Lagrangian bound at multipliers `lam`, with the relaxation's sites and reduced costs.
void relax(const Data& D, const std::vector<double>& lam, const State& state, Relaxed& out, std::vector<std::uint32_t>& freeSites) {
    out.rho.assign(D.m, 0.0);
    double L = 0;
    for (std::size_t i = 0; i < D.n; ++i) {
        L += lam[i];
        for (std::uint32_t k = D.off[i]; k < D.off[i + 1]; ++k) {
            if (D.d[k] >= lam[i]) break;
            out.rho[D.site[k]] += D.d[k] - lam[i];
        }
    }
    out.chosen.clear();
    freeSites.clear();
    int need = D.p;
    for (std::uint32_t j = 0; j < D.m; ++j) {
        if (state[j] == 1) {
            out.chosen.push_back(j);
            L += out.rho[j];
            --need;
        } else if (state[j] == 0)
            freeSites.push_back(j);
    }
    if (need < 0 || static_cast<std::size_t>(need) > freeSites.size()) {
        out.bound = std::numeric_limits<double>::infinity();  // no p-set fits this node
        return;
    }
    const auto cmp = [&](std::uint32_t a, std::uint32_t b) { return out.rho[a] < out.rho[b] || (out.rho[a] == out.rho[b] && a < b); };
    if (need > 0) {
        std::nth_element(freeSites.begin(), freeSites.begin() + (need - 1), freeSites.end(), cmp);
        for (int k = 0; k < need; ++k) {
            out.chosen.push_back(freeSites[static_cast<std::size_t>(k)]);
            L += out.rho[freeSites[static_cast<std::size_t>(k)]];
        }
    }
    out.bound = L;
}

class Search {
public:
    Search(const Data& D, const PMedianOptions& o) : D(D), o(o), start(Clock::now()) {}

    // Whether a node with this bound can hold no solution better than the best one (by more
    // than the relative gap asked for, when `exact` is false).
    bool prunable(double bound, bool exact = false) const {
        if (!(bound > -std::numeric_limits<double>::infinity())) return false;
        const double asked = exact ? 0.0 : o.relativeGap * std::abs(best);
        if (D.integral && asked < 1) return std::ceil(bound - 1e-6) >= best - 1e-6;
        const double tol = std::max(asked, 1e-9 * std::max(1.0, std::abs(best)));
        return bound >= best - tol;
    }
    bool outOfTime() const { return std::chrono::duration<double>(Clock::now() - start).count() > o.timeLimitSeconds; }

    void offer(const std::vector<std::uint32_t>& open, bool improve) {
        std::vector<std::uint32_t> s = open;
        std::sort(s.begin(), s.end());
        if (!(improve ? searched : tried).insert(s).second) return;
        if (improve) {
            s = localSearch(D, s);
            ++searches;
        }
        std::vector<char> isOpen(D.m, 0);
        for (std::uint32_t f : s) isOpen[f] = 1;
        const double c = D.cost(isOpen);
        if (c < best - 1e-12) {
            best = c;
            bestOpen = s;
        }
    }

    // Subgradient ascent from `lam` (updated to the best multipliers found); returns the
    // relaxation at them.
    Relaxed ascend(std::vector<double>& lam, const State& state, int iterations, bool heuristics) {
        Relaxed cur, top;
        std::vector<double> bestLam = lam, g(D.n);
        std::vector<char> chosenMark(D.m, 0);
        double theta = 2.0;
        int sinceBetter = 0;
        for (int it = 0; it < iterations; ++it) {
            relax(D, lam, state, cur, freeSites);
            if (!std::isfinite(cur.bound)) return cur;
            if (cur.bound > top.bound + 1e-12 * std::max(1.0, std::abs(cur.bound))) {
                top = cur;
                bestLam = lam;
                sinceBetter = 0;
            } else if (++sinceBetter >= 30) {
                theta /= 2;
                sinceBetter = 0;
            }
            // Every tenth relaxation is evaluated as it stands; once the steps have shrunk (its
            // sites are then near the best), a few are improved by swaps.
            if (heuristics && it % 10 == 0) offer(cur.chosen, theta <= 0.25 && it % 200 == 0 && searches < o.localSearches - 1);
            if (o.trace && it % 100 == 0)
                std::fprintf(stderr, "it %d bound %.1f best %.1f theta %.5f %.2fs\n", it, top.bound, best, theta,
                             std::chrono::duration<double>(Clock::now() - start).count());
            if (!heuristics && it % 50 == 0) offer(cur.chosen, false);
            if (prunable(top.bound) || theta < 1e-6 || (it % 64 == 0 && outOfTime())) break;
            for (std::uint32_t j : cur.chosen) chosenMark[j] = 1;
            double norm = 0;
            for (std::size_t i = 0; i < D.n; ++i) {
                int covered = 0;
                for (std::uint32_t k = D.off[i]; k < D.off[i + 1]; ++k) {
                    if (D.d[k] >= lam[i]) break;
                    covered += chosenMark[D.site[k]];
                }
                g[i] = 1.0 - covered;
                if (g[i] > 0 && lam[i] >= D.unserved[i]) g[i] = 0;  // at its cap
                if (g[i] < 0 && lam[i] <= 0) g[i] = 0;
                norm += g[i] * g[i];
            }
            for (std::uint32_t j : cur.chosen) chosenMark[j] = 0;
            if (norm == 0) break;  // the relaxation's assignment is feasible: the bound is tight
            const double step = theta * std::max(best - cur.bound, 1e-9 * std::max(1.0, std::abs(best))) / norm;
            for (std::size_t i = 0; i < D.n; ++i) lam[i] = std::clamp(lam[i] + step * g[i], 0.0, D.unserved[i]);
        }
        lam = bestLam;
        return top;
    }

    // Settles sites whose forcing alone would lift the bound past the best solution.
    void fix(const Relaxed& r, State& state) const {
        double lastChosen = -std::numeric_limits<double>::infinity(), nextFree = std::numeric_limits<double>::infinity();
        std::vector<char> inChosen(D.m, 0);
        for (std::uint32_t j : r.chosen)
            if (state[j] == 0) {
                inChosen[j] = 1;
                lastChosen = std::max(lastChosen, r.rho[j]);
            }
        for (std::uint32_t j = 0; j < D.m; ++j)
            if (state[j] == 0 && !inChosen[j]) nextFree = std::min(nextFree, r.rho[j]);
        for (std::uint32_t j = 0; j < D.m; ++j) {
            if (state[j] != 0) continue;
            if (!inChosen[j] && std::isfinite(lastChosen) && prunable(r.bound + r.rho[j] - lastChosen))
                state[j] = -1;
            else if (inChosen[j] && std::isfinite(nextFree) && prunable(r.bound - r.rho[j] + nextFree))
                state[j] = 1;
        }
    }

    const Data& D;
    const PMedianOptions& o;
    Clock::time_point start;
    double best = std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> bestOpen;
    std::set<std::vector<std::uint32_t>> tried, searched;
    int searches = 0;
    std::vector<std::uint32_t> freeSites;
};

}  // namespace

std::vector<std::uint32_t> swapLocalSearch(const Problem& problem, std::vector<std::uint32_t> open) {
    const Data D(problem);
    return localSearch(D, std::move(open));
}

// Long on purpose: the branch and bound reads as one loop (node, bound, fixing, leaf, branch).
Solution solvePMedian(const Problem& pr, const PMedianOptions& o) {
    if (pr.kind != ProblemKind::PMedian) throw std::invalid_argument("solvePMedian needs a p-median problem");
    if (pr.capacitated()) throw std::invalid_argument("the own p-median engine is uncapacitated; capacitated problems go to CBC");
    pr.check();
    const Data D(pr);
    Search S(D, o);

    // Multipliers start at each demand's second-nearest cost: the relaxation then opens the
    // sites nearest to many demands.
    std::vector<double> lam(D.n);
    for (std::size_t i = 0; i < D.n; ++i) {
        const std::uint32_t k = std::min(D.off[i] + 1, D.off[i + 1]);
        lam[i] = k < D.off[i + 1] ? D.d[k] : D.unserved[i];
        lam[i] = std::min(lam[i], D.unserved[i]);
    }
    State root(D.m, 0);
    for (std::uint32_t f : pr.fixed) root[f] = 1;
    {
        Relaxed first;
        std::vector<std::uint32_t> freeSites;
        relax(D, lam, root, first, freeSites);
        S.offer(first.chosen, false);
    }
    Relaxed r = S.ascend(lam, root, o.rootIterations, true);
    const double rootBound = r.bound;
    S.offer(r.chosen, true);
    long nodes = 1;
    bool complete = S.prunable(rootBound);
    if (!complete && o.branch) {
        struct Node {
            State state;
            std::vector<double> lam;
        };
        std::vector<Node> stack;
        State s0 = root;
        S.fix(r, s0);
        stack.push_back({std::move(s0), lam});
        bool stopped = false;
        bool first = true;
        while (!stack.empty()) {
            if (nodes >= o.maxNodes || S.outOfTime()) {
                stopped = true;
                break;
            }
            Node node = std::move(stack.back());
            stack.pop_back();
            Relaxed nr = first ? r : S.ascend(node.lam, node.state, o.nodeIterations, false);
            first = false;
            ++nodes;
            if (!std::isfinite(nr.bound) || S.prunable(nr.bound)) continue;
            S.offer(nr.chosen, false);
            if (S.prunable(nr.bound)) continue;
            S.fix(nr, node.state);
            int forcedOpen = 0, freeCount = 0;
            for (signed char v : node.state) {
                forcedOpen += v == 1;
                freeCount += v == 0;
            }
            if (forcedOpen > D.p || forcedOpen + freeCount < D.p) continue;
            if (forcedOpen == D.p || forcedOpen + freeCount == D.p) {  // a leaf: one set left
                std::vector<std::uint32_t> open;
                for (std::uint32_t j = 0; j < D.m; ++j)
                    if (node.state[j] != -1) open.push_back(j);
                if (forcedOpen == D.p) {
                    open.clear();
                    for (std::uint32_t j = 0; j < D.m; ++j)
                        if (node.state[j] == 1) open.push_back(j);
                }
                S.offer(open, false);
                continue;
            }
            // Branch on the free site the relaxation likes most.
            long pick = -1;
            for (std::uint32_t j : nr.chosen)
                if (node.state[j] == 0 && (pick < 0 || nr.rho[j] < nr.rho[static_cast<std::size_t>(pick)])) pick = j;
            if (pick < 0)
                for (std::uint32_t j = 0; j < D.m; ++j)
                    if (node.state[j] == 0) {
                        pick = j;
                        break;
                    }
            Node closed{node.state, node.lam};
            closed.state[static_cast<std::size_t>(pick)] = -1;
            Node opened{std::move(node.state), std::move(node.lam)};
            opened.state[static_cast<std::size_t>(pick)] = 1;
            stack.push_back(std::move(closed));
            stack.push_back(std::move(opened));  // explored first
        }
        complete = !stopped;
    }

    Solution sol;
    evaluate(pr, S.bestOpen, &sol);
    sol.method = nodes > 1 ? "lagrangian+swap+branch" : "lagrangian+swap";
    // Optimal only when proven without the gap's tolerance: by the root bound alone, or by a
    // whole tree searched with none. A tree searched with the tolerance proves best - tol.
    const double rounded = D.integral ? std::ceil(rootBound - 1e-6) : rootBound;
    sol.optimal = S.prunable(rootBound, true) || (complete && nodes > 1 && o.relativeGap == 0);
    if (sol.optimal)
        sol.bound = sol.objective;
    else if (complete && nodes > 1)
        sol.bound = std::max(rounded, S.best * (1 - o.relativeGap));
    else
        sol.bound = rounded;
    sol.bound = std::min(sol.bound, sol.objective);
    sol.seconds = std::chrono::duration<double>(Clock::now() - S.start).count();
    return sol;
}

}  // namespace ruralatlas::location
