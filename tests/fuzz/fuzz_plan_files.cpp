// The village-plan files a county edits (plugins/villageplan): the check's rules
// (data/plan_rules.json), the table layouts (data/plan_tables/*.json) and the land-use crosswalks
// (data/landuse_crosswalk/*.csv). The first byte picks which; any text gives a parsed file or a
// DataError naming the file. Invariants of what parses: thresholds finite and not negative, code
// levels 2, 4 or 6; layout rows titled, partition rows never taking a code twice, and tabulating
// any areas puts every code's area in the total once; every crosswalk row leads to a 2023 class,
// and a code the crosswalk has maps (by code alone) to that row's class.
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "core/json_value.hpp"
#include "core/landuse.hpp"
#include "core/landuse_crosswalk.hpp"
#include "fuzz_util.hpp"
#include "plan_rules.hpp"
#include "plan_tables.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool rules = data[0] % 3 == 0, crosswalk = data[0] % 3 == 2;
    const std::string text(fuzz::asText(data + 1, size - 1));
    using namespace ruralatlas::villageplan;
    try {
        if (rules) {
            const PlanRules r = parsePlanRules(text, "fuzz.json");
            for (double v : {r.overlapMinArea, r.gapMinArea, r.allowedGapMaxArea, r.sliverMaxArea, r.sliverThinMaxArea,
                             r.sliverMinCompactness, r.outsideMinArea, r.areaSumTolerance, r.conflictMinArea})
                if (!(v >= 0) || !std::isfinite(v)) fuzz::broken("a threshold negative or not finite");
            for (int l : r.levels)
                if (l != 2 && l != 4 && l != 6) fuzz::broken("a code level other than 2, 4 or 6");
            (void)r.isConstruction("0703");
        } else if (crosswalk) {
            const auto cw = ruralatlas::LanduseCrosswalk::parse(text, "fuzz.csv");
            const auto none = ruralatlas::LanduseCrosswalk::parse("from_code,from_name,to_code,note\n", "none.csv");
            for (const auto& row : cw.rows()) {
                if (!ruralatlas::isLanduseCode(row.toCode)) fuzz::broken("a crosswalk row to a code outside the 2023 classification");
                const auto m = ruralatlas::mapSurveyClass(cw, none, row.fromCode, "");
                if (m.kind != ruralatlas::SurveyClassMapping::Kind::Survey || m.toCode != cw.find(row.fromCode)->toCode)
                    fuzz::broken("a code of the crosswalk that does not map to its row");
            }
        } else {
            const TableLayout l = parseTableLayout(ruralatlas::parseJson(text, "fuzz.json"), "fuzz.json");
            if (l.rows.empty()) fuzz::broken("a layout without rows");
            for (const TableRow& row : l.rows)
                if (row.title.empty()) fuzz::broken("a row without a title");
            const std::map<std::string, double> areas = {{"0101", 1}, {"0703", 2}, {"1701", 4}, {"23", 8}, {"9999", 16}};
            const auto lines = tabulate(l, areas, areas, true, true);
            double partition = 0;
            for (const TableLine& line : lines)
                if (line.unmapped) partition += line.currentM2;
            for (const TableRow& row : l.rows)
                if (row.partition)
                    for (const auto& [code, a] : areas)
                        if (row.takes(code)) partition += a;
            if (std::abs(partition - 31) > 1e-9) fuzz::broken("the partition rows and 未归类 do not hold every area once");
        }
    } catch (const ruralatlas::DataError&) {
    }
    return 0;
}
