// OR-Library p-median instances (Beasley 1990, `pmedinfo`): a first line "n edges p", then one
// line "i j cost" per undirected edge (vertices 1..n; where an edge is given twice the last one
// counts). Costs between all pairs are shortest paths over the graph; every vertex is a demand
// of weight 1 and a candidate site.
#pragma once
#include <string>

#include "location/problem.hpp"

namespace ruralatlas::location {

struct OrLibInstance {
    Problem problem;
    long long edgesDeclared = 0;  // on the first line
    long long edgesRead = 0;      // fewer means the file is cut short (said, not refused)
};

// Reads the file into a p-median problem. Throws std::runtime_error naming the file and the
// line when the file cannot be read or is not in the format.
OrLibInstance readOrLib(const std::string& path);
// The same from text already read (`name` is used in messages).
OrLibInstance parseOrLib(const std::string& text, const std::string& name);

}  // namespace ruralatlas::location
