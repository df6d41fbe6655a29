// Small-count protection (small_counts.hpp).
#include "small_counts.hpp"

#include <stdexcept>
#include <string>

namespace ruralatlas::revitalization {

std::size_t SmallCounts::cell(long long value, bool printed) {
    m_cells.push_back({value, printed, printed});
    return m_cells.size() - 1;
}

void SmallCounts::equation(std::size_t margin, std::vector<std::size_t> children) {
    long long sum = 0;
    for (std::size_t c : children) sum += m_cells.at(c).value;
    if (sum != m_cells.at(margin).value)
        throw std::logic_error("small counts: children sum to " + std::to_string(sum) + ", margin is " +
                               std::to_string(m_cells[margin].value));
    m_equations.push_back({margin, std::move(children)});
}

bool SmallCounts::gives(const Equation& e) const {
    const Cell& m = m_cells[e.margin];
    long long blankedSum = 0;
    bool anyBlanked = false;
    for (std::size_t c : e.children)
        if (!m_cells[c].published) {
            blankedSum += m_cells[c].value;
            anyBlanked = true;
        }
    if (m.published) return blankedSum > 0 && blankedSum < m_minimum;
    return !anyBlanked && m.value > 0 && m.value < m_minimum;
}

std::size_t SmallCounts::needs(const Equation& e) const {
    const Cell& m = m_cells[e.margin];
    if (!gives(e)) return m_cells.size();
    // The smallest positive shown child; else the margin itself.
    std::size_t best = m_cells.size();
    for (std::size_t c : e.children)
        if (m_cells[c].published && m_cells[c].value > 0 && (best == m_cells.size() || m_cells[c].value < m_cells[best].value)) best = c;
    if (best == m_cells.size() && m.published) best = e.margin;
    return best;
}

std::size_t SmallCounts::protect() {
    for (Cell& c : m_cells)
        if (c.printed && c.value > 0 && c.value < m_minimum) c.published = false;
    std::size_t complements = 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (const Equation& e : m_equations) {
            const std::size_t c = needs(e);
            if (c == m_cells.size()) continue;
            m_cells[c].published = false;
            ++complements;
            changed = true;
        }
    }
    return complements;
}

std::optional<long long> SmallCounts::shown(std::size_t id) const {
    const Cell& c = m_cells.at(id);
    if (!c.published) return std::nullopt;
    return c.value;
}

bool SmallCounts::safe() const {
    for (const Cell& c : m_cells)
        if (c.published && c.value > 0 && c.value < m_minimum) return false;
    for (const Equation& e : m_equations)
        if (gives(e)) return false;
    return true;
}

}  // namespace ruralatlas::revitalization
