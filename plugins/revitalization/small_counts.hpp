// Small-count protection for household figures (DATA-MODEL.md, personal data): no printed table
// may show, or let a reader work out, a count of 1 to 4 households.
//
// Cells are counts; equations say a margin is the sum of its children (a township is the sum of
// its villages, a village's monitored households the sum of its statuses). Primary suppression
// blanks every printed cell of 1..minimum-1. Complementary suppression then blanks more cells
// until no equation gives away a small figure: where the margin is shown, the blanked children of
// an equation sum to 0 or at least `minimum` (a lone blanked child could otherwise be read off as
// the margin less the shown ones); where the margin is blanked and every child shown, the margin
// is 0 or at least `minimum`. Each time the smallest positive shown cell of the failing equation
// is blanked, and the rules are applied again until nothing changes (the usual greedy heuristic;
// it protects each equation, not every combination of equations).
//
// Hidden cells are never printed (a remainder such as "status not recorded"): they take part in
// the equations as blanked cells whose values the protection knows.
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

namespace ruralatlas::revitalization {

class SmallCounts {
public:
    explicit SmallCounts(long long minimum = 5) : m_minimum(minimum) {}
    // A cell; returns its id. Missing cells (nothing recorded) are not cells: print them as missing.
    std::size_t cell(long long value, bool printed = true);
    // margin = sum(children). Equations whose values do not add up are a logic error.
    void equation(std::size_t margin, std::vector<std::size_t> children);
    // Runs primary then complementary suppression; returns how many cells were blanked as complements.
    std::size_t protect();

    // The printed value: nullopt when blanked (print "<5" / null) or hidden.
    std::optional<long long> shown(std::size_t id) const;
    bool blanked(std::size_t id) const { return !m_cells[id].published; }
    long long value(std::size_t id) const { return m_cells[id].value; }
    std::size_t size() const { return m_cells.size(); }
    long long minimum() const { return m_minimum; }
    // Whether every equation satisfies the rules above (for tests and checks after protect()).
    bool safe() const;

private:
    struct Cell {
        long long value = 0;
        bool printed = true, published = true;
    };
    struct Equation {
        std::size_t margin;
        std::vector<std::size_t> children;
    };
    // Whether equation `e` gives a small figure away (the rules above).
    bool gives(const Equation& e) const;
    // The cell to blank so that equation `e` holds, or size() when it holds.
    std::size_t needs(const Equation& e) const;
    long long m_minimum;
    std::vector<Cell> m_cells;
    std::vector<Equation> m_equations;
};

}  // namespace ruralatlas::revitalization
