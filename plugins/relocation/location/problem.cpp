#include "location/problem.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ruralatlas::location {

const char* kindName(ProblemKind kind) {
    switch (kind) {
        case ProblemKind::PMedian:
            return "p-median";
        case ProblemKind::MaxCover:
            return "max-cover";
        case ProblemKind::SetCover:
            return "set-cover";
        case ProblemKind::PCenter:
            return "p-center";
    }
    return "?";
}

std::size_t Problem::arcCount() const {
    std::size_t n = 0;
    for (const auto& a : arcs) n += a.size();
    return n;
}

void Problem::check() const {
    if (arcs.size() != weight.size()) throw std::invalid_argument("internal: one arc list per demand is needed");
    if (sites == 0) throw std::invalid_argument("there are no candidate sites");
    if (weight.empty()) throw std::invalid_argument("there is no demand");
    for (std::size_t i = 0; i < weight.size(); ++i) {
        if (!(weight[i] >= 0) || !std::isfinite(weight[i]))
            throw std::invalid_argument("demand " + std::to_string(i + 1) + " has a weight that is not a non-negative number");
        for (const Arc& a : arcs[i]) {
            if (a.site >= sites) throw std::invalid_argument("internal: a cost names a site that does not exist");
            if (!(a.cost >= 0) || !std::isfinite(a.cost))
                throw std::invalid_argument("demand " + std::to_string(i + 1) + " has a cost that is not a non-negative number");
        }
    }
    std::vector<char> seen(sites, 0);
    for (std::uint32_t f : fixed) {
        if (f >= sites) throw std::invalid_argument("a fixed site is not among the candidate sites");
        if (seen[f]++) throw std::invalid_argument("a fixed site is given twice");
    }
    if (kind != ProblemKind::SetCover) {
        if (p < 1) throw std::invalid_argument("p (the number of sites to open) must be at least 1");
        if (static_cast<std::size_t>(p) > sites)
            throw std::invalid_argument("p = " + std::to_string(p) + " is larger than the " + std::to_string(sites) + " candidate sites");
        if (fixed.size() > static_cast<std::size_t>(p))
            throw std::invalid_argument("p = " + std::to_string(p) + " is smaller than the " + std::to_string(fixed.size()) +
                                        " fixed sites (p counts the fixed sites)");
    }
    if ((kind == ProblemKind::MaxCover || kind == ProblemKind::SetCover) && !(radius >= 0))
        throw std::invalid_argument("a covering problem needs a coverage radius");
    if (!capacity.empty()) {
        if (capacity.size() != sites) throw std::invalid_argument("internal: one capacity per site is needed");
        if (kind != ProblemKind::PMedian && kind != ProblemKind::MaxCover)
            throw std::invalid_argument(std::string("capacities apply to p-median and max-cover, not ") + kindName(kind));
        for (double c : capacity)
            if (!(c >= 0) || !std::isfinite(c)) throw std::invalid_argument("a capacity is not a non-negative number");
    }
}

double Solution::gap() const {
    if (optimal) return 0;
    const double d = std::max(std::abs(objective), 1e-9);
    return std::abs(objective - bound) / d;
}

double evaluate(const Problem& pr, const std::vector<std::uint32_t>& open, Solution* s) {
    std::vector<char> isOpen(pr.sites, 0);
    for (std::uint32_t f : open) isOpen[f] = 1;
    double total = 0, served = 0, unserved = 0;
    if (s) s->assign.assign(pr.demands(), {});
    for (std::size_t i = 0; i < pr.demands(); ++i) {
        const Arc* best = nullptr;
        for (const Arc& a : pr.arcs[i])
            if (isOpen[a.site]) {
                best = &a;  // sorted by cost: the first open site is the nearest
                break;
            }
        const bool inReach = best && (pr.kind == ProblemKind::PMedian || pr.kind == ProblemKind::PCenter || best->cost <= pr.radius);
        if (inReach) {
            served += pr.weight[i];
            if (s) s->assign[i] = {{best->site, 1.0}};
        } else
            unserved += pr.weight[i];
        switch (pr.kind) {
            case ProblemKind::PMedian:
                total += inReach ? pr.weight[i] * best->cost : pr.weight[i] * pr.unservedCost;
                break;
            case ProblemKind::MaxCover:
                if (inReach) total += pr.weight[i];
                break;
            case ProblemKind::SetCover:
                break;
            case ProblemKind::PCenter:
                total = std::max(total, inReach ? best->cost : std::numeric_limits<double>::infinity());
                break;
        }
    }
    if (pr.kind == ProblemKind::SetCover) total = static_cast<double>(open.size());
    if (s) {
        s->open = open;
        std::sort(s->open.begin(), s->open.end());
        s->objective = total;
        s->servedWeight = served;
        s->unservedWeight = unserved;
    }
    return total;
}

}  // namespace ruralatlas::location
