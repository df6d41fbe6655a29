// `ruralatlas plan-tables` on synthetic villages whose areas are known exactly (20 m cells): the
// workbook read back through GDAL's own XLSX driver gives the areas counted here, the total the
// village area, the change, the shares; its headings are merged cells; the county sheet sums the
// villages; codes a layout has no row for are listed, not dropped; bad layouts are named.
#include <cpl_vsi.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "io/gdal_util.hpp"
#include "plan_fixture.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

// Sheet name -> rows of cells as text (headers disabled: every row as it stands).
std::map<std::string, std::vector<std::vector<std::string>>> readWorkbook(const std::string& path) {
    const char* opts[] = {"HEADERS=DISABLE", "FIELD_TYPES=STRING", nullptr};
    io::DatasetPtr ds = io::openVector(path, false, opts);
    std::map<std::string, std::vector<std::vector<std::string>>> out;
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* l = ds->GetLayer(i);
        auto& rows = out[l->GetName()];
        for (auto& f : *l) {
            std::vector<std::string> row;
            for (int k = 0; k < f->GetFieldCount(); ++k) row.push_back(f->IsFieldSetAndNotNull(k) ? f->GetFieldAsString(k) : "");
            rows.push_back(row);
        }
    }
    return out;
}

// The data row whose first two cells are `code` and (trimmed) `title` prefix.
const std::vector<std::string>* rowOf(const std::vector<std::vector<std::string>>& rows, const std::string& code,
                                      const std::string& title = "") {
    for (const auto& r : rows) {
        if (r.size() < 10 || r[0] != code) continue;
        const std::string t = r[1].substr(r[1].find_first_not_of(' ') == std::string::npos ? 0 : r[1].find_first_not_of(' '));
        if (title.empty() || t.rfind(title, 0) == 0) return &r;
    }
    return nullptr;
}

double num(const std::vector<std::string>& r, int col) { return r[std::size_t(col)].empty() ? NAN : std::stod(r[std::size_t(col)]); }

}  // namespace

// Village 0: current 100 cells 0101 水田, 75 cells 0103 旱地, 50 cells 0301 乔木林地; planned: 10 of
// the 旱地 cells become 0703 农村宅基地 and 15 become 0202 茶园. Village 1: all 0103, planned as is.
TEST(PlanTables, WorkbookAreasEqualThoseCountedHere) {
    TempDir dir;
    Project p(dir);
    p.territory(0);
    p.territory(1);
    int n0703 = 0, n0202 = 0;
    for (int j = 0; j < kGrid; ++j)
        for (int i = 0; i < kGrid; ++i) {
            const int k = j * kGrid + i;
            const std::string now = k < 100 ? "0101" : k < 175 ? "0103" : "0301";
            std::string later = now;
            if (now == "0103" && n0703 < 10)
                later = "0703", ++n0703;
            else if (now == "0103" && n0202 < 15)
                later = "0202", ++n0202;
            p.add(0, now, "current", Project::cell(0, i, j));
            p.add(0, later, "planned", Project::cell(0, i, j));
            p.add(1, "0103", "current", Project::cell(1, i, j));
            p.add(1, "0103", "planned", Project::cell(1, i, j));
        }
    p.write();
    const double cell = kCell * kCell / 10000.0;  // 0.04 ha
    const double total = kGrid * kGrid * cell;    // 9 ha

    const std::string x = dir.file("v.xlsx");
    auto r = runCli("plan-tables " + quote(p.path) + " --village " + Project::code(0) + " --out " + quote(x) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    auto book = readWorkbook(x);
    ASSERT_EQ(book.size(), 1u);
    const auto& rows = book.begin()->second;
    // Caption, two header rows (the groups over the columns), then the data.
    ASSERT_GE(rows.size(), 4u);
    EXPECT_NE(rows[0][0].find("国土空间用地结构调整表"), std::string::npos) << rows[0][0];
    EXPECT_EQ(rows[1][2], "规划基期年（现状）");
    EXPECT_EQ(rows[1][5], "规划目标年（规划）");
    EXPECT_EQ(rows[2][2], "面积（公顷）");
    struct Want {
        const char* code;
        double now, later;
    };
    for (const Want& w : {Want{"01", 175 * cell, 150 * cell}, Want{"0101", 100 * cell, 100 * cell}, Want{"0103", 75 * cell, 50 * cell},
                          Want{"02", 0, 15 * cell}, Want{"0202", 0, 15 * cell}, Want{"03", 50 * cell, 50 * cell}, Want{"07", 0, 10 * cell},
                          Want{"0703", 0, 10 * cell}}) {
        const auto* row = rowOf(rows, w.code);
        ASSERT_NE(row, nullptr) << w.code;
        EXPECT_NEAR(num(*row, 2), w.now, 1e-4) << w.code;
        EXPECT_NEAR(num(*row, 3), w.now * 15, 0.01) << w.code;  // 亩
        EXPECT_NEAR(num(*row, 4), 100 * w.now / total, 0.01) << w.code;
        EXPECT_NEAR(num(*row, 5), w.later, 1e-4) << w.code;
        EXPECT_NEAR(num(*row, 8), w.later - w.now, 1e-4) << w.code;
    }
    EXPECT_EQ(rowOf(rows, "0102"), nullptr) << "a sub-class empty in both periods is left out";
    const auto* sum = rowOf(rows, "", "村域总面积");
    ASSERT_NE(sum, nullptr);
    EXPECT_NEAR(num(*sum, 2), total, 1e-4);
    EXPECT_NEAR(num(*sum, 5), total, 1e-4);
    EXPECT_NEAR(num(*sum, 4), 100, 1e-9);
    const auto* built = rowOf(rows, "", "建设用地小计");
    ASSERT_NE(built, nullptr);
    EXPECT_NEAR(num(*built, 8), 10 * cell, 1e-4);
    // The headings are merged cells in the file itself.
    VSILFILE* f = VSIFOpenL(("/vsizip/" + x + "/xl/worksheets/sheet1.xml").c_str(), "rb");
    ASSERT_NE(f, nullptr);
    std::string xml;
    char buf[4096];
    for (size_t n; (n = VSIFReadL(buf, 1, sizeof buf, f)) > 0;) xml.append(buf, n);
    VSIFCloseL(f);
    EXPECT_NE(xml.find("<mergeCell ref=\"C2:E2\"/>"), std::string::npos);
    EXPECT_NE(xml.find("<mergeCell ref=\"A1:J1\"/>"), std::string::npos);
    EXPECT_NE(xml.find("<mergeCell ref=\"A2:A3\"/>"), std::string::npos);

    // The county: a summed sheet first, then one per village; the sum is the villages' sum.
    const std::string cx = dir.file("c.xlsx");
    r = runCli("plan-tables " + quote(p.path) + " --out " + quote(cx));
    ASSERT_EQ(r.status, 0) << r.output;
    book = readWorkbook(cx);
    ASSERT_EQ(book.size(), 3u);
    bool sawSum = false;
    for (const auto& [name, rs] : book) {
        if (name.find("汇总") == std::string::npos) continue;
        sawSum = true;
        EXPECT_NEAR(num(*rowOf(rs, "", "村域总面积"), 2), 2 * total, 1e-4);
        EXPECT_NEAR(num(*rowOf(rs, "0103"), 2), 75 * cell + total, 1e-4);
        EXPECT_NEAR(num(*rowOf(rs, "0103"), 5), 50 * cell + total, 1e-4);
    }
    EXPECT_TRUE(sawSum);

    // CSV: the same numbers, the first table.
    const std::string csv = dir.file("v.csv");
    r = runCli("plan-tables " + quote(p.path) + " --village " + Project::code(0) + " --out " + quote(csv));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(readFile(csv).find("0703,  农村宅基地,0,0,0,0.4,6,4.44,0.4,6"), std::string::npos) << readFile(csv);
}

TEST(PlanTables, CodesWithoutARowAreListedAndBadLayoutsNamed) {
    TempDir dir;
    Project p(dir);
    p.territory(0);
    for (int j = 0; j < kGrid; ++j)
        for (int i = 0; i < kGrid; ++i) {
            p.add(0, j == 0 ? "1701" : "0103", "current", Project::cell(0, i, j));
            p.add(0, "0103", "planned", Project::cell(0, i, j));
        }
    p.write();
    const std::string layout = dir.file("mine.json");
    writeFile(layout,
              R"({"id": "mine", "name": "只有耕地的表", "rows": [{"code": "01", "partition": true}, {"title": "合计", "total": true}]})");
    const std::string out = dir.file("t.csv");
    auto r = runCli("plan-tables " + quote(p.path) + " --template " + quote(layout) + " --out " + quote(out) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"unmapped_codes\": [\"1701\"]"), std::string::npos) << r.output;
    const std::string text = readFile(out);
    EXPECT_NE(text.find(",未归类（代码：1701）,0.6,9,6.67,0,0,0,-0.6,-9"), std::string::npos) << text;
    EXPECT_NE(text.find(",合计,9,135,100,9,135,100,0,0"), std::string::npos) << text;

    writeFile(layout, R"({"rows": [{"code": "01", "partition": true}, {"code": "0101", "partition": true}]})");
    r = runCli("plan-tables " + quote(p.path) + " --template " + quote(layout) + " --out " + quote(out));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("mine.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("both take code 0101"), std::string::npos) << r.output;
    r = runCli("plan-tables " + quote(p.path) + " --template nowhere --out " + quote(out));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("nowhere.json"), std::string::npos) << r.output;
}
