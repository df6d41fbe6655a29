// `ruralatlas plan-check` on synthetic villages written here as WKT: each kind of finding injected
// on purpose (50 of each) into a grid of 20 m parcels whose areas are known exactly, every one
// found at the right feature with the right area (to the square centimetre), and no false
// finding; the 0.3 m gap that QGIS's topology checker misses (qgis/QGIS#41380); bad input named.
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "io/gdal_util.hpp"
#include "plan_fixture.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

struct Row {
    std::string village, check, period;
    long long fid = -1, other = -1;
    double area = NAN, x = NAN, y = NAN;
    bool hasGeometry = false;
    double geometryArea = 0;
};

std::vector<Row> findings(const std::string& gpkg) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    std::vector<Row> out;
    OGRLayer* l = ds->GetLayerByName("plan_check");
    EXPECT_NE(l, nullptr);
    if (!l) return out;
    for (auto& f : *l) {
        Row r;
        r.village = f->GetFieldAsString("village_code");
        r.check = f->GetFieldAsString("check");
        r.period = f->GetFieldAsString("period");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("feature_id"))) r.fid = f->GetFieldAsInteger64("feature_id");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("other_feature_id"))) r.other = f->GetFieldAsInteger64("other_feature_id");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("area_m2"))) r.area = f->GetFieldAsDouble("area_m2");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("x"))) r.x = f->GetFieldAsDouble("x");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("y"))) r.y = f->GetFieldAsDouble("y");
        if (const OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
            r.hasGeometry = true;
            r.geometryArea = g->toMultiPolygon()->get_Area();
        }
        out.push_back(r);
    }
    return out;
}

std::map<std::string, int> countByCheck(const std::vector<Row>& rows, const std::string& village) {
    std::map<std::string, int> out;
    for (const Row& r : rows)
        if (r.village == village) ++out[r.check];
    return out;
}

std::set<long long> fidsOf(const std::vector<Row>& rows, const std::string& village, const std::string& check) {
    std::set<long long> out;
    for (const Row& r : rows)
        if (r.village == village && r.check == check) out.insert(r.fid);
    return out;
}

// The 50 cells (i, j) with i < 9 and j even, in order: no two share an edge vertically.
std::vector<std::pair<int, int>> fiftyCells() {
    std::vector<std::pair<int, int>> out;
    for (int j = 0; j < kGrid && out.size() < 50; j += 2)
        for (int i = 0; i < 9 && out.size() < 50; ++i) out.push_back({i, j});
    return out;
}

bool chosen(const std::vector<std::pair<int, int>>& cells, int i, int j) {
    for (const auto& c : cells)
        if (c.first == i && c.second == j) return true;
    return false;
}

}  // namespace

// Long on purpose: seven synthetic villages, one per kind of finding, written and checked at once.
TEST(PlanCheck, EveryInjectedFindingFoundAndNoFalseOne) {
    TempDir dir;
    Project p(dir);
    const auto cells = fiftyCells();
    ASSERT_EQ(cells.size(), 50u);
    // Village 0: clean (a control): the full grid, one class.
    // Village 1: 50 parcels widened 0.5 m into their right neighbour -> 50 overlaps of 10 m² and the area sum off.
    // Village 2: 50 parcels narrowed 0.3 m on the right -> 50 gaps of 6 m² (0.3 m wide: qgis/QGIS#41380).
    // Village 3: 25 parcels split into a 0.2 m strip (thin) and 25 with a 0.8 m corner square cut out (tiny) -> 50 slivers.
    // Village 4: 50 border parcels pushed 1 m outwards -> 50 parts outside (20 m² each) and the area sum off.
    // Village 5: 50 parcels with an inward zero-width spike (self-intersecting ring) -> 50 invalid, repaired to 400 m².
    // Village 6: 50 bad codes: 15 unknown, 15 first-level only, 10 legacy 三调 codes, 10 missing.
    std::map<int, std::set<std::size_t>> injected;  // village -> parcel indexes
    std::map<std::size_t, std::size_t> overlapWith;
    for (int k = 0; k <= 6; ++k) p.territory(k);
    for (int k = 0; k <= 6; ++k) {
        int border = 0;
        for (int j = 0; j < kGrid; ++j)
            for (int i = 0; i < kGrid; ++i) {
                const bool pick = chosen(cells, i, j);
                std::string code = j < 5 ? "0101" : j < 10 ? "0301" : "0703";
                std::size_t at;
                if (k == 1 && pick) {
                    at = p.add(k, code, "current", Project::cell(k, i, j, 0, 0, 0.5, 0));
                    overlapWith[at] = p.parcels.size();  // its right neighbour is written next
                } else if (k == 2 && pick) {
                    at = p.add(k, code, "current", Project::cell(k, i, j, 0, 0, -0.3, 0));
                } else if (k == 3 && pick && injected[3].size() < 25) {
                    p.add(k, code, "current", Project::cell(k, i, j, 0, 0, -0.2, 0));
                    at = p.add(k, code, "current", Project::cell(k, i, j, kCell - 0.2, 0, 0, 0));
                } else if (k == 3 && pick) {
                    const double x0 = Project::ox(k) + kCell * i, y0 = kY0 + kCell * j, x1 = x0 + kCell, y1 = y0 + kCell, c = 0.8;
                    char wkt[512];
                    std::snprintf(wkt, sizeof wkt,
                                  "MULTIPOLYGON(((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)))", x0, y0, x1 - c,
                                  y0, x1 - c, y0 + c, x1, y0 + c, x1, y1, x0, y1, x0, y0);
                    p.add(k, code, "current", wkt);
                    at = p.add(k, code, "current", rect(x1 - c, y0, x1, y0 + c));
                } else if (k == 4 && (i == 0 || j == 0 || i == kGrid - 1 || j == kGrid - 1) && border < 50) {
                    ++border;
                    const double dx0 = i == 0 ? -1 : 0, dy0 = (j == 0 && i != 0) ? -1 : 0;
                    const double dx1 = (i == kGrid - 1 && j != 0) ? 1 : 0, dy1 = (j == kGrid - 1 && i != 0 && i != kGrid - 1) ? 1 : 0;
                    at = p.add(k, code, "current", Project::cell(k, i, j, dx0, dy0, dx1, dy1));
                    injected[k].insert(at);
                    continue;
                } else if (k == 5 && pick) {
                    const double x0 = Project::ox(k) + kCell * i, y0 = kY0 + kCell * j, x1 = x0 + kCell, y1 = y0 + kCell, xm = x0 + 10,
                                 ym = y0 + 10;
                    char wkt[512];
                    std::snprintf(wkt, sizeof wkt,
                                  "MULTIPOLYGON(((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)))", x0,
                                  y0, x1, y0, x1, y1, xm, y1, xm, ym, xm, y1, x0, y1, x0, y0);
                    at = p.add(k, code, "current", wkt);
                } else if (k == 6 && pick) {
                    const std::size_t n = injected[6].size();
                    code = n < 15 ? "0799" : n < 30 ? "07" : n < 40 ? (n % 2 ? "08H1" : "203") : "";
                    at = p.add(k, code, "current", Project::cell(k, i, j));
                } else {
                    p.add(k, code, "current", Project::cell(k, i, j));
                    continue;
                }
                if (pick) injected[k].insert(at);
            }
        if (k == 4) ASSERT_EQ(border, 50);
    }
    p.write();

    const std::string out = dir.file("check.gpkg");
    const auto r = runCli("plan-check " + quote(p.path) + " --out " + quote(out) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto rows = findings(out);
    auto fidsInjected = [&](int k) {
        std::set<long long> s;
        for (std::size_t i : injected[k]) s.insert(p.parcels[i].fid);
        return s;
    };

    EXPECT_TRUE(countByCheck(rows, Project::code(0)).empty()) << "a clean village has no finding";

    // Overlaps: each pair (widened parcel, its right neighbour), 10 m²; the areas sum 500 m² over.
    EXPECT_EQ(countByCheck(rows, Project::code(1)), (std::map<std::string, int>{{"overlap", 50}, {"area_sum", 1}}));
    std::set<std::pair<long long, long long>> pairs, expectedPairs;
    for (const auto& [a, b] : overlapWith) expectedPairs.insert({p.parcels[a].fid, p.parcels[b].fid});
    for (const Row& row : rows)
        if (row.check == "overlap") {
            pairs.insert({row.fid, row.other});
            EXPECT_NEAR(row.area, 10.0, 1e-4);
            EXPECT_NEAR(row.geometryArea, 10.0, 1e-4);
        } else if (row.village == Project::code(1)) {
            EXPECT_NEAR(row.area, 500.0, 1e-4);
        }
    EXPECT_EQ(pairs, expectedPairs);

    // Gaps of 0.3 m: 50, 6 m² each, located inside the strip left open; the area sum is off by 300 m².
    EXPECT_EQ(countByCheck(rows, Project::code(2)), (std::map<std::string, int>{{"gap", 50}, {"area_sum", 1}}));
    for (const Row& row : rows) {
        if (row.village != Project::code(2)) continue;
        if (row.check == "gap") {
            EXPECT_NEAR(row.area, 6.0, 1e-4);
            const double local = std::fmod(row.x - Project::ox(2), kCell);
            EXPECT_TRUE(local >= kCell - 0.3 - 1e-6 && local <= kCell + 1e-6) << row.x;
            const int i = int((row.x - Project::ox(2)) / kCell), j = int((row.y - kY0) / kCell);
            EXPECT_TRUE(chosen(cells, i, j)) << i << "," << j;
        } else {
            EXPECT_NEAR(row.area, -300.0, 1e-4);
        }
    }

    // Slivers: the strips and the corner squares, nothing else.
    EXPECT_EQ(countByCheck(rows, Project::code(3)), (std::map<std::string, int>{{"sliver", 50}}));
    EXPECT_EQ(fidsOf(rows, Project::code(3), "sliver"), fidsInjected(3));

    // Outside: the 50 pushed parcels, 20 m² each; the sum off by 1000 m².
    EXPECT_EQ(countByCheck(rows, Project::code(4)), (std::map<std::string, int>{{"outside", 50}, {"area_sum", 1}}));
    EXPECT_EQ(fidsOf(rows, Project::code(4), "outside"), fidsInjected(4));
    for (const Row& row : rows)
        if (row.village == Project::code(4)) EXPECT_NEAR(row.area, row.check == "outside" ? 20.0 : 1000.0, 1e-4);

    // Invalid: found, repaired to the square they draw (400 m²), and nothing else follows from them.
    EXPECT_EQ(countByCheck(rows, Project::code(5)), (std::map<std::string, int>{{"invalid", 50}}));
    EXPECT_EQ(fidsOf(rows, Project::code(5), "invalid"), fidsInjected(5));
    for (const Row& row : rows)
        if (row.check == "invalid") EXPECT_NEAR(row.area, 400.0, 1e-4);

    // Codes, each kind at its features.
    EXPECT_EQ(countByCheck(rows, Project::code(6)),
              (std::map<std::string, int>{{"code_unknown", 15}, {"code_level", 15}, {"code_legacy", 10}, {"code_missing", 10}}));
    std::set<long long> codeFids;
    for (const char* c : {"code_unknown", "code_level", "code_legacy", "code_missing"})
        for (long long f : fidsOf(rows, Project::code(6), c)) codeFids.insert(f);
    EXPECT_EQ(codeFids, fidsInjected(6));
    EXPECT_EQ(rows.size(), 50u * 6 + 3);
}

// Planned construction against the zones: 10 of each conflict, with controls that must stay silent
// (new construction inside the boundary and no zone; existing construction in a flood zone and
// outside the boundary; 设施农用地 (0602) on farmland).
TEST(PlanCheck, ConstraintConflictsOfPlannedConstruction) {
    TempDir dir;
    Project p(dir);
    const int k = 0;
    p.territory(k);
    std::map<std::string, std::set<std::size_t>> expected;
    for (int j = 0; j < kGrid; ++j)
        for (int i = 0; i < kGrid; ++i) {
            const bool row = i < 10 && j <= 7;
            const std::string now = row && j == 5 ? "0703" : "0103";
            std::string planned = now;
            if (row && j != 7) planned = "0703";
            if (row && j == 7) planned = "0602";
            p.add(k, now, "current", Project::cell(k, i, j));
            const std::size_t at = p.add(k, planned, "planned", Project::cell(k, i, j));
            if (!row) continue;
            const char* kinds[] = {"conflict_basic_farmland",
                                   "conflict_ecological_redline",
                                   "conflict_flood_zone",
                                   "conflict_geohazard",
                                   "",
                                   "",
                                   "outside_construction_boundary",
                                   ""};
            if (*kinds[j]) expected[kinds[j]].insert(at);
        }
    const double x0 = Project::ox(k), x10 = x0 + 10 * kCell;
    auto band = [&](int j0, int j1) { return rect(x0, kY0 + kCell * j0, x10, kY0 + kCell * (j1 + 1)); };
    p.zone("basic_farmland", band(0, 0));
    p.zone("ecological_redline", band(1, 1));
    p.zone("flood_zone", band(2, 2));
    p.zone("flood_zone", band(5, 5));
    p.zone("geohazard", band(3, 3));
    p.zone("basic_farmland", band(7, 7));
    p.zone("construction_boundary", band(0, 4));
    p.write();

    const std::string out = dir.file("check.csv");
    const auto r = runCli("plan-check " + quote(p.path) + " --village " + Project::code(k) + " --out " + quote(dir.file("check.gpkg")));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto rows = findings(dir.file("check.gpkg"));
    std::map<std::string, int> want;
    for (const auto& [kind, s] : expected) want[kind] = int(s.size());
    EXPECT_EQ(want.size(), 5u);
    EXPECT_EQ(countByCheck(rows, Project::code(k)), want);
    for (const auto& [kind, s] : expected) {
        std::set<long long> fids;
        for (std::size_t i : s) fids.insert(p.parcels[i].fid);
        EXPECT_EQ(fidsOf(rows, Project::code(k), kind), fids) << kind;
    }
    for (const Row& row : rows) {
        EXPECT_EQ(row.period, "planned");
        EXPECT_NEAR(row.area, 400.0, 1e-4) << row.check;
    }
    EXPECT_NE(r.output.find("建设用地占用永久基本农田：10"), std::string::npos) << r.output;

    // Without a construction boundary the check says so and finds nothing there.
    p.zones.pop_back();
    TempDir dir2;
    Project q(dir2);
    q.territories = p.territories;
    q.parcels = p.parcels;
    q.zones = p.zones;
    q.write();
    const auto r2 = runCli("plan-check " + quote(q.path) + " --out " + quote(dir2.file("c.gpkg")));
    ASSERT_EQ(r2.status, 0) << r2.output;
    EXPECT_EQ(countByCheck(findings(dir2.file("c.gpkg")), Project::code(k)).count("outside_construction_boundary"), 0u);
    EXPECT_NE(r2.output.find("无村庄建设边界"), std::string::npos) << r2.output;
}

TEST(PlanCheck, BadInputNamedAndNothingWritten) {
    TempDir dir;
    Project p(dir);
    p.territory(0);
    p.add(1, "0101", "current", Project::cell(1, 0, 0));  // village 1 has no territory
    p.add(0, "0101", "current", Project::cell(0, 0, 0, 0, 0, 0, 0));
    p.write();
    const std::string out = dir.file("c.gpkg");
    auto r = runCli("plan-check " + quote(p.path) + " --village " + Project::code(1) + " --out " + quote(out));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("village_boundaries"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(Project::code(1)), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out));

    r = runCli("plan-check " + quote(p.path) + " --village 4331 --out " + quote(out));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("12 digits"), std::string::npos) << r.output;

    const std::string rules = dir.file("rules.json");
    writeFile(rules, R"({"topology": {"gap_min_area_m2": "small"}})");
    r = runCli("plan-check " + quote(p.path) + " --rules " + quote(rules) + " --out " + quote(out));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("topology.gap_min_area_m2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rules.json"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out));

    // County-wide, the village without a territory is listed as not checked, and its parcel is
    // not reported as a gap or as outside anything.
    r = runCli("plan-check " + quote(p.path) + " --out " + quote(out) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("未检查"), std::string::npos) << r.output;
    const auto rows = findings(out);
    EXPECT_EQ(countByCheck(rows, Project::code(1)).count("outside"), 0u);
    // Village 0 has one parcel of 400 m² in a 90,000 m² territory: one gap and the area sum.
    EXPECT_EQ(countByCheck(rows, Project::code(0)), (std::map<std::string, int>{{"gap", 1}, {"area_sum", 1}}));
}

// The demo county (another seed than the README's) carries deliberate mistakes, listed in its
// project_meta: plan-check finds each of them, in the village named, and nothing anywhere else.
TEST(PlanCheck, DemoCountyMistakesAllFoundAndNothingElse) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg"), out = dir.file("check.gpkg");
    auto r = runCli("demo --out " + quote(g) + " --villages 300 --seed 5");
    ASSERT_EQ(r.status, 0) << r.output;
    std::string notes;
    {
        io::DatasetPtr ds = io::openVector(g, false);
        for (auto& f : *ds->GetLayerByName("project_meta"))
            if (std::string(f->GetFieldAsString("key")) == "demo_plan_mistakes") notes = f->GetFieldAsString("value");
    }
    ASSERT_FALSE(notes.empty());
    // "村名（433199112201）：what；..." -> village code -> what.
    std::map<std::string, std::string> mistakes;
    for (std::size_t at = notes.find("（"); at != std::string::npos; at = notes.find("（", at + 1)) {
        const std::string code = notes.substr(at + 3, 12);
        if (code.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::size_t end = notes.find("；", at);
        mistakes[code] += notes.substr(at, end == std::string::npos ? std::string::npos : end - at);
    }
    ASSERT_GE(mistakes.size(), 5u) << notes;  // six mistakes, two may share a village
    r = runCli("plan-check " + quote(g) + " --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto rows = findings(out);
    std::map<std::string, std::set<std::string>> found;
    for (const Row& row : rows) found[row.village].insert(row.check);
    for (const auto& [code, what] : mistakes) {
        ASSERT_TRUE(found.count(code)) << code << " " << what;
        const std::set<std::string>& got = found[code];
        std::set<std::string> must, may;
        // A village may carry several mistakes: the kinds add up.
        const std::string& said = what;  // (clang 14 cannot capture a structured binding)
        auto expect = [&](const char* key, std::set<std::string> m, std::set<std::string> o = {}) {
            if (said.find(key) == std::string::npos) return;
            must.insert(m.begin(), m.end());
            may.insert(o.begin(), o.end());
        };
        expect("一级类代码", {"code_level"});
        expect("外扩", {"overlap"}, {"area_sum", "outside"});
        expect("内缩", {"gap"}, {"area_sum"});
        expect("碎小", {"sliver"});
        expect("耕地保有量", {"target_below"});
        expect("永久基本农田", {"conflict_basic_farmland", "outside_construction_boundary"}, {"conflict_flood_zone", "conflict_geohazard"});
        ASSERT_FALSE(must.empty()) << what;
        for (const std::string& m : must) EXPECT_TRUE(got.count(m)) << code << " " << what << ": " << m << " not found";
        for (const std::string& c : got) EXPECT_TRUE(must.count(c) || may.count(c)) << code << " " << what << ": unexpected " << c;
    }
    for (const auto& [code, checks] : found)
        EXPECT_TRUE(mistakes.count(code)) << "a finding in " << code << ", where no mistake was put: " << *checks.begin();
}

// Control targets (plan_targets) held against the planned land use, each shortfall and excess
// found with its exact area; a target met exactly is not a finding; zones count only inside the
// territory; homestead land per household against the cap of a rules file; a village with no
// targets is said to be not checked.
TEST(PlanCheck, ControlTargetsAndHomesteadCap) {
    TempDir dir;
    Project p(dir);
    p.territory(0);
    p.territory(1);
    // Columns of village 0 (20 m cells, 15 rows): 0-4 水田 (3 ha), 5-7 乔木林 (1.8 ha),
    // 8-9 宅基地 (1.2 ha), 10-14 旱地 (3 ha): cultivated land 6 ha, construction land 1.2 ha.
    for (int k = 0; k < 2; ++k)
        for (int j = 0; j < kGrid; ++j)
            for (int i = 0; i < kGrid; ++i) {
                const std::string c = i < 5 ? "0101" : i < 8 ? "0301" : i < 10 ? "0703" : "0103";
                p.add(k, c, "current", Project::cell(k, i, j));
                p.add(k, c, "planned", Project::cell(k, i, j));
            }
    const double x0 = Project::ox(0);
    p.zone("basic_farmland", rect(x0, kY0, x0 + 5 * kCell, kY0 + kGrid * kCell));  // 3 ha
    // The red line reaches 100 m past the territory: 0.6 ha of it lies inside.
    p.zone("ecological_redline", rect(x0 + 14 * kCell, kY0, x0 + 15 * kCell + 100, kY0 + kGrid * kCell));
    p.write();
    io::DatasetPtr ds = io::openVector(p.path, true);
    OGRLayer* targets = ds->GetLayerByName("plan_targets");
    ASSERT_NE(targets, nullptr);
    std::map<std::string, long long> fidOf;
    auto target = [&](const std::string& indicator, const std::string& bound, double value, const std::string& key) {
        io::FeaturePtr f(OGRFeature::CreateFeature(targets->GetLayerDefn()));
        f->SetField("village_code", Project::code(0).c_str());
        f->SetField("indicator", indicator.c_str());
        f->SetField("bound", bound.c_str());
        f->SetField("value", value);
        f->SetField("source", "测试下达");
        ASSERT_EQ(targets->CreateFeature(f.get()), OGRERR_NONE);
        fidOf[key] = f->GetFID();
    };
    target("cultivated_land_ha", "floor", 6.5, "cultivated_short");  // 0.5 ha short
    target("cultivated_land_ha", "floor", 6.0, "cultivated_met");    // met exactly
    target("forest_ha", "floor", 1.8, "forest_met");
    target("construction_land_ha", "ceiling", 1.0, "construction_over");  // 0.2 ha over
    target("basic_farmland_ha", "floor", 3.2, "farmland_short");          // 0.2 ha short
    target("redline_ha", "ceiling", 0.59, "redline_over");                // 0.01 ha over, if clipped
    OGRLayer* villages = ds->GetLayerByName("villages");
    for (int k = 0; k < 2; ++k) {
        io::FeaturePtr v(OGRFeature::CreateFeature(villages->GetLayerDefn()));
        v->SetField("code", Project::code(k).c_str());
        v->SetField("name", ("测试" + std::to_string(k) + "村").c_str());
        v->SetField("township_code", Project::code(k).substr(0, 9).c_str());
        v->SetField("households", 50);
        OGRPoint pt(Project::ox(k) + 150, kY0 + 150);
        v->SetGeometry(&pt);
        ASSERT_EQ(villages->CreateFeature(v.get()), OGRERR_NONE);
    }
    ds.reset();
    std::string rules = readFile(std::string(RURALATLAS_SOURCE_TREE) + "/data/plan_rules.json");
    const std::string key = "\"homestead_max_m2_per_household\": 0";
    ASSERT_NE(rules.find(key), std::string::npos);
    rules.replace(rules.find(key), key.size(), "\"homestead_max_m2_per_household\": 200");
    writeFile(dir.file("rules.json"), rules);

    const auto r =
        runCli("plan-check " + quote(p.path) + " --rules " + quote(dir.file("rules.json")) + " --out " + quote(dir.file("check.gpkg")));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto rows = findings(dir.file("check.gpkg"));
    EXPECT_EQ(countByCheck(rows, Project::code(0)),
              (std::map<std::string, int>{{"target_below", 2}, {"target_above", 2}, {"homestead_cap", 1}}));
    std::map<long long, double> area;
    for (const Row& row : rows)
        if (row.village == Project::code(0)) area[row.fid] = row.area;
    EXPECT_NEAR(area.at(fidOf["cultivated_short"]), 5000.0, 1e-4);
    EXPECT_NEAR(area.at(fidOf["construction_over"]), 2000.0, 1e-4);
    EXPECT_NEAR(area.at(fidOf["farmland_short"]), 2000.0, 1e-4);
    EXPECT_NEAR(area.at(fidOf["redline_over"]), 100.0, 1e-4);
    EXPECT_EQ(area.count(fidOf["cultivated_met"]), 0u);
    EXPECT_EQ(area.count(fidOf["forest_met"]), 0u);
    // 1.2 ha of homesteads for 50 households: 240 m² each, 40 over the cap of 200: 2000 m² in all.
    EXPECT_NEAR(area.at(-1), 2000.0, 1e-4);
    // Village 1 has the same plan and no targets: not checked, not a finding.
    EXPECT_EQ(countByCheck(rows, Project::code(1)), (std::map<std::string, int>{{"homestead_cap", 1}}));
    EXPECT_NE(r.output.find("没有该村的指标"), std::string::npos) << r.output;
}

// Allowed gaps: the current water a plan leaves out (allowed_gap_classes) and the polygons of an
// allowed-gaps layer are not gaps, and the area sum counts them; what lies outside both still is.
TEST(PlanCheck, AllowedGapsByClassAndLayer) {
    TempDir dir;
    Project p(dir);
    p.territory(0);
    for (int j = 0; j < kGrid; ++j)
        for (int i = 0; i < kGrid; ++i) {
            const std::string c = i == 14 ? "1701" : "0101";
            p.add(0, c, "current", Project::cell(0, i, j));
            // The plan leaves out the river (column 14) and two cells of the first row.
            if (i < 14 && !(j == 0 && i < 2)) p.add(0, c, "planned", Project::cell(0, i, j));
        }
    p.write();
    auto run = [&](const std::string& name, const std::string& topology) {
        std::string rules = readFile(std::string(RURALATLAS_SOURCE_TREE) + "/data/plan_rules.json");
        const std::string key = "\"allowed_gap_layer\": \"\",\n    \"allowed_gap_classes\": [],";
        EXPECT_NE(rules.find(key), std::string::npos);
        rules.replace(rules.find(key), key.size(), topology);
        writeFile(dir.file(name + ".json"), rules);
        const auto r = runCli("plan-check " + quote(p.path) + " --rules " + quote(dir.file(name + ".json")) + " --out " +
                              quote(dir.file(name + ".gpkg")));
        EXPECT_EQ(r.status, 0) << r.output;
        std::vector<double> gaps;
        int areaSum = 0;
        for (const Row& row : findings(dir.file(name + ".gpkg"))) {
            EXPECT_EQ(row.period, "planned") << row.check;
            if (row.check == "gap") gaps.push_back(row.area);
            if (row.check == "area_sum") ++areaSum;
        }
        std::sort(gaps.begin(), gaps.end());
        return std::make_pair(gaps, areaSum);
    };
    auto [none, sumNone] = run("none", "\"allowed_gap_layer\": \"\", \"allowed_gap_classes\": [],");
    ASSERT_EQ(none.size(), 2u);
    EXPECT_NEAR(none[0], 800.0, 1e-4);
    EXPECT_NEAR(none[1], 6000.0, 1e-4);
    EXPECT_EQ(sumNone, 1);
    auto [water, sumWater] = run("water", "\"allowed_gap_layer\": \"\", \"allowed_gap_classes\": [\"17\"],");
    ASSERT_EQ(water.size(), 1u);
    EXPECT_NEAR(water[0], 800.0, 1e-4);
    EXPECT_EQ(sumWater, 1);
    // An allowed-gaps layer over the two cells (and a little beyond, over planned parcels).
    {
        io::DatasetPtr ds = io::openVector(p.path, true);
        OGRSpatialReference srs;
        srs.importFromEPSG(4546);
        OGRLayer* l = ds->CreateLayer("allowed_gaps", &srs, wkbPolygon, nullptr);
        io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        OGRGeometry* g = nullptr;
        const double x0 = Project::ox(0);
        OGRGeometryFactory::createFromWkt(rect(x0 - 5, kY0 - 5, x0 + 2 * kCell + 5, kY0 + kCell + 5).c_str(), nullptr, &g);
        f->SetGeometryDirectly(g);
        ASSERT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
    }
    auto [both, sumBoth] = run("both", "\"allowed_gap_layer\": \"allowed_gaps\", \"allowed_gap_classes\": [\"17\"],");
    EXPECT_TRUE(both.empty());
    EXPECT_EQ(sumBoth, 0);
    // A layer the project does not have is named.
    std::string rules = readFile(dir.file("both.json"));
    rules.replace(rules.find("\"allowed_gaps\""), 14, "\"no_such_layer\"");
    writeFile(dir.file("bad.json"), rules);
    const auto bad =
        runCli("plan-check " + quote(p.path) + " --rules " + quote(dir.file("bad.json")) + " --out " + quote(dir.file("bad.gpkg")));
    EXPECT_NE(bad.status, 0);
    EXPECT_NE(bad.output.find("no_such_layer"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("topology.allowed_gap_layer"), std::string::npos) << bad.output;
}
