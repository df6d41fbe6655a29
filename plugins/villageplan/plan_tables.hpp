// Table layouts of plan-tables (data/plan_tables/*.json): which rows, summing which 2023 codes.
#pragma once
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/json_value.hpp"

namespace ruralatlas::villageplan {

struct TableRow {
    std::string code, title;
    std::vector<std::string> codes;  // code prefixes summed
    int indent = 0;
    bool partition = false;  // the partition rows together take every code once
    bool subtotal = false, total = false;
    bool takes(const std::string& code) const;
};

struct TableLayout {
    std::string file, id, name, caption;
    std::vector<TableRow> rows;
};

TableLayout parseTableLayout(const JsonValue& root, const std::string& file);
TableLayout readTableLayout(const std::string& path);
// A shipped layout's name (national, v_classes, three_classes) or a path, as a path.
std::string layoutPath(const std::string& nameOrPath);

struct TableLine {
    std::string code, title;
    double currentM2 = NAN, plannedM2 = NAN, currentShare = NAN, plannedShare = NAN;
    bool subtotal = false, total = false, unmapped = false;
};

// The lines of one table from the areas (m²) by land-use code of each period; codes no partition
// row takes go to an 未归类 line before the total.
std::vector<TableLine> tabulate(const TableLayout& layout, const std::map<std::string, double>& current,
                                const std::map<std::string, double>& planned, bool hasCurrent, bool hasPlanned);

}  // namespace ruralatlas::villageplan
