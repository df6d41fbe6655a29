// The four village-plan maps (styles/atlas/village_plan_*.json) printed for a planned village of
// the demo county: each page is titled with its map's name and the village, and its legend lists
// the classes of the period it draws (read from the project here), the construction boundary on
// the plan and control maps, the zones on the control map.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

std::vector<std::string> pagesOf(const std::string& pdf) {
    const std::string all = runCommand("pdftotext -layout " + quote(pdf) + " -").output;
    std::vector<std::string> pages;
    std::string page;
    for (char c : all) {
        if (c == '\f') {
            pages.push_back(page);
            page.clear();
        } else {
            page += c;
        }
    }
    if (!page.empty()) pages.push_back(page);
    return pages;
}

std::string lastPage(const std::string& pdf) {
    const auto pages = pagesOf(pdf);
    return pages.empty() ? "" : pages.back();
}

// Titles (Chinese) of the land-use codes of `village` in `period`.
std::set<std::string> codesOf(const std::string& gpkg, const std::string& village, const std::string& period) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    std::set<std::string> out;
    OGRLayer* l = ds->ExecuteSQL(
        ("SELECT DISTINCT landuse_code FROM landuse_plan WHERE village_code = '" + village + "' AND period = '" + period + "'").c_str(),
        nullptr, nullptr);
    for (auto& f : *l) out.insert(f->GetFieldAsString(0));
    ds->ReleaseResultSet(l);
    return out;
}

}  // namespace

TEST(PlanMaps, FourMapsOfAPlannedVillage) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 300 --seed 2").status, 0);
    std::string village;
    {
        io::DatasetPtr ds = io::openVector(g, false);
        OGRLayer* l = ds->ExecuteSQL(
            "SELECT village_code FROM landuse_plan WHERE period = 'planned' AND village_code IN "
            "(SELECT village_code FROM landuse_plan WHERE period = 'planned' AND landuse_code = '0703') ORDER BY village_code LIMIT 1",
            nullptr, nullptr);
        for (auto& f : *l) village = f->GetFieldAsString(0);
        ds->ReleaseResultSet(l);
    }
    ASSERT_EQ(village.size(), 12u);
    struct Map {
        const char *name, *title, *period;
    };
    for (const Map& m : {Map{"current", "国土空间用地现状图", "current"}, Map{"planned", "国土空间用途规划图", "planned"},
                         Map{"control", "管控边界图", ""}, Map{"projects", "近期建设项目布局图", ""}}) {
        const std::string pdf = dir.file(std::string(m.name) + ".pdf");
        const auto r = runCli("atlas " + quote(g) + " --template " +
                              quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/village_plan_" + m.name + ".json") +
                              " --by villages --where \"code = '" + village + "'\" --out " + quote(pdf));
        ASSERT_EQ(r.status, 0) << m.name << ": " << r.output;
        const std::string page = lastPage(pdf);
        EXPECT_NE(page.find(m.title), std::string::npos) << m.name << ":\n" << page;
        EXPECT_NE(page.find("村庄规划（2021-2035年）"), std::string::npos) << page;
        if (*m.period) {
            EXPECT_NE(page.find(std::string(m.period) == "current" ? "现状用地" : "规划用地"), std::string::npos) << page;
            // Every class of the period in the village is in the legend, by its code.
            for (const std::string& code : codesOf(g, village, m.period))
                EXPECT_NE(page.find(code), std::string::npos) << m.name << " lacks " << code << "\n" << page;
        }
        if (std::string(m.name) == "planned" || std::string(m.name) == "control")
            EXPECT_NE(page.find("村庄建设边界"), std::string::npos) << m.name << "\n" << page;
        if (std::string(m.name) == "current") EXPECT_EQ(page.find("村庄建设边界"), std::string::npos) << page;
        // The plugin's sections on the page: the land-use table on the plan, the check on the control map.
        if (std::string(m.name) == "planned") {
            EXPECT_NE(page.find("用地结构调整表"), std::string::npos) << page;
            EXPECT_NE(page.find("村域总面积"), std::string::npos) << page;
            EXPECT_NE(page.find("建设用地小计"), std::string::npos) << page;
        }
        if (std::string(m.name) == "control") {
            EXPECT_NE(page.find("规划成果质检"), std::string::npos) << page;
            EXPECT_TRUE(page.find("未发现问题") != std::string::npos || page.find(" 处") != std::string::npos ||
                        page.find("处\n") != std::string::npos)
                << page;
        }
    }
}

// The set file prints the four maps of each village in a row in one book from one command: the
// cover says so, the pages come in the set's order, and each village's bookmark holds its maps.
TEST(PlanMaps, MapSetInOneBook) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 300 --seed 2").status, 0);
    std::vector<std::string> villages;
    {
        io::DatasetPtr ds = io::openVector(g, false);
        OGRLayer* l = ds->ExecuteSQL(
            "SELECT DISTINCT village_code FROM landuse_plan WHERE period = 'planned' ORDER BY village_code LIMIT 2", nullptr, nullptr);
        for (auto& f : *l) villages.push_back(f->GetFieldAsString(0));
        ds->ReleaseResultSet(l);
    }
    ASSERT_EQ(villages.size(), 2u);
    const std::string pdf = dir.file("set.pdf");
    const auto r =
        runCli("atlas " + quote(g) + " --template " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/village_plan_set.json") +
               " --by villages --where \"code IN ('" + villages[0] + "', '" + villages[1] + "')\" --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto pages = pagesOf(pdf);
    ASSERT_EQ(pages.size(), 2u + 8u);  // cover, contents, 2 villages x 4 maps
    EXPECT_NE(pages[0].find("共 2 个村，每村 4 幅图"), std::string::npos) << pages[0];
    EXPECT_NE(pages[0].find("村庄规划图集"), std::string::npos) << pages[0];
    const char* titles[] = {"国土空间用地现状图", "国土空间用途规划图", "管控边界图", "近期建设项目布局图"};
    for (int v = 0; v < 2; ++v)
        for (int k = 0; k < 4; ++k) {
            const std::string& page = pages[size_t(2 + 4 * v + k)];
            EXPECT_NE(page.find(titles[k]), std::string::npos) << v << " " << k << "\n" << page;
            for (int other = 0; other < 4; ++other)
                if (other != k) EXPECT_EQ(page.find(std::string(titles[other]).substr(0, 12) + "\n"), std::string::npos);
        }
    // Bookmarks: cover, contents, the township(s), two villages and four maps each.
    const std::string bytes = readFile(pdf);
    EXPECT_NE(bytes.find("/Outlines"), std::string::npos);
    std::size_t count = 0;
    for (std::size_t at = bytes.find("/Title"); at != std::string::npos; at = bytes.find("/Title", at + 1)) ++count;
    const std::size_t townships = villages[0].substr(0, 9) == villages[1].substr(0, 9) ? 1 : 2;
    EXPECT_EQ(count, 1 + 2 + townships + 2 + 8) << "the document title and the bookmarks";
}
