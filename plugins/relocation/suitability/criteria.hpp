// The suitability criteria file (data/site_criteria.json, or the county's own copy): what
// excludes a place, which criteria score it and how, and their weights (direct, AHP or
// entropy). Read by `site-audit` and the suitability surface; every error names the file, the
// line and the key.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ruralatlas::suitability {

struct Criterion {
    std::string id, title, measure, to, unit;  // measure: slope, relief, distance, road_time
    double best = 0, worst = 1, radius = 1000;
    // Scored linearly: 1 at `best` or better, 0 at `worst` or worse.
    double score(double v) const;
};

struct Criteria {
    std::string file;
    std::vector<std::string> excludedKinds;  // constraint kinds
    double maxSlope = 25, riverBuffer = 50, minScore = 0.5;
    // Current land-use classes that are water (2023 用地用海分类 17 陆地水域: river, lake,
    // reservoir and pond surfaces by default): their parcels of `landuse_plan` (period current)
    // exclude.
    std::vector<std::string> waterLanduse = {"1701", "1702", "1703", "1704"};
    std::vector<Criterion> items;
    std::string weightMethod = "direct";   // direct, ahp or entropy
    std::vector<double> weights;           // direct or AHP, in item order, summing to 1; empty for entropy
    std::vector<std::vector<double>> ahp;  // the matrix, when AHP
    double cr = 0;                         // its consistency ratio (at most 0.1)
};

// Parses a criteria file's text; throws DataError naming `file`, the line and the key.
Criteria parseCriteria(std::string_view text, const std::string& file);
Criteria readCriteria(const std::string& path);

}  // namespace ruralatlas::suitability
