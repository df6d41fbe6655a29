// The default service standards seeded into every new project's `standards` table.
// A county edits its own copy; analyses read the table, never these constants.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace ruralatlas {

struct Standard {
    std::string id;
    std::string kind;     // facility kind or village attribute
    std::string rule;     // present_in_village | within | rate_at_least
    std::string measure;  // distance_m | minutes | rate | count
    std::string mode;     // straight | road | walk | none
    std::optional<double> threshold;
    std::string title;   // Chinese one-line description
    std::string source;  // where the figure comes from
};

const std::vector<Standard>& defaultStandards();

}  // namespace ruralatlas
