// The atlas sections of revitalization monitoring: the trend chart carries the indicators'
// yearly values as the trend table worked them out (population-weighted by hand here), a page
// with no data says so; and the township battle-map book of a demo county prints every township,
// its sections in Chinese, and no household count of 1 to 4 anywhere in its text.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>

#include "analysis/analysis.hpp"
#include "analysis/atlas_section.hpp"
#include "io/sources.hpp"
#include "test_util.hpp"

void ruralatlas_register_revitalization(ruralatlas::analysis::Registry& registry);

using namespace ruralatlas;
using namespace ruralatlas::test;

TEST(RevitalizationSections, TrendChartCarriesTheYearlyValues) {
    TempDir dir;
    const std::string project = dir.file("p.gpkg");
    ASSERT_EQ(runCli("init " + quote(project) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"),
              "code,name,township_code,status,population,tap_water_rate,lon,lat\n"
              "433127101201,甲村,433127101,former_poor,1000,0.9,110.00,29.0\n"
              "433127101202,乙村,433127101,ordinary,3000,0.8,110.02,29.0\n");
    ASSERT_EQ(runCli("import " + quote(project) + " " + quote(dir.file("v.csv")) + " --into villages --allow-outside").status, 0);
    writeFile(dir.file("ledger.csv"),
              "village_code,year,indicator,value,source\n"
              "433127101201,2021,tap_water_rate,70,台账\n433127101202,2021,tap_water_rate,50,台账\n"
              "433127101201,2022,tap_water_rate,80,台账\n");
    ASSERT_EQ(runCli("import " + quote(project) + " " + quote(dir.file("ledger.csv")) + " --into village_indicators").status, 0);
    const std::string out = dir.file("trend.gpkg");
    const auto r = runCli("indicators " + quote(project) + " --year 2022 --trend --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;

    analysis::Registry registry;
    ruralatlas_register_revitalization(registry);
    const analysis::SectionSpec* spec = registry.section("revitalization_trend");
    ASSERT_NE(spec, nullptr);
    ASSERT_EQ(spec->needs.size(), 1u);
    EXPECT_EQ(spec->needs[0].analysis, "indicators");
    EXPECT_EQ(spec->needs[0].params.at("trend"), "1");
    auto section = spec->make();
    auto source = io::openFeatureSource(out);
    analysis::SectionInputs inputs;
    inputs.layers = {source.get()};
    section->prepare(inputs);
    analysis::SectionPage page;
    page.kind = "townships";
    page.code = "433127101";
    const analysis::SectionTable t = section->table(page);
    ASSERT_EQ(t.chart.categories, (std::vector<std::string>{"2021", "2022"}));
    const analysis::SectionChart::Series* tap = nullptr;
    for (const auto& s : t.chart.series)
        if (s.name == "农村自来水普及率") tap = &s;
    ASSERT_NE(tap, nullptr);
    EXPECT_NEAR(tap->values[0], (70.0 * 1000 + 50.0 * 3000) / 4000.0, 0.01);
    EXPECT_NEAR(tap->values[1], 80.0, 0.01) << "2022: only 甲村 has a value";
    EXPECT_EQ(t.chart.unit, "%");
    page.code = "433127999";
    EXPECT_TRUE(section->table(page).chart.series.empty()) << "a township without values has no chart";
    // A village page: the village's own line.
    page.kind = "villages";
    page.code = "433127101202";
    const auto v = section->table(page);
    EXPECT_EQ(v.chart.categories, std::vector<std::string>{"2021"}) << "乙村 has no 2022 value";
    ASSERT_EQ(v.chart.series.size(), 1u);
    EXPECT_NEAR(v.chart.series[0].values[0], 50, 1e-9);
}

TEST(RevitalizationSections, BattleMapBookPrintsEveryTownshipAndNoSmallCount) {
    TempDir dir;
    const std::string project = dir.file("demo.gpkg"), pdf = dir.file("battle.pdf");
    ASSERT_EQ(runCli("demo --out " + quote(project) + " --villages 150 --seed 3").status, 0);
    const auto r = runCli("atlas " + quote(project) + " --template " +
                          quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/township_battle_map.json") + " --by townships --out " +
                          quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto text = runCommand("pdftotext -layout " + quote(pdf) + " -");
    ASSERT_EQ(text.status, 0);
    std::size_t titles = 0;
    for (std::size_t at = text.output.find("乡村振兴挂图作战图"); at != std::string::npos;
         at = text.output.find("乡村振兴挂图作战图", at + 1))
        ++titles;
    const auto townships = runCommand("sqlite3 " + quote(project) + " 'select count(*) from townships'");
    ASSERT_EQ(townships.status, 0);
    // Each township page's title, the cover's book title and the contents' heading.
    EXPECT_GE(titles, std::size_t(std::stoi(townships.output)));
    for (const char* s : {"防返贫监测", "驻村帮扶与督查整改", "历年指标走势", "产业项目与村集体经济", "本年指标与目标"})
        EXPECT_NE(text.output.find(s), std::string::npos) << s;
    // No "1 户" .. "4 户" (a household count under 5) on any page.
    const std::regex small("(^|[^0-9.])[1-4] 户");
    std::smatch m;
    EXPECT_FALSE(std::regex_search(text.output, m, small)) << "a small count printed: " << m.str();
}

// The county overview: one page for the county, its sections from the county rows, the number of
// hot villages the summary gives equal to the villages listed (and the "另有 N 项" line).
TEST(RevitalizationSections, CountyOverviewPageAgreesWithItself) {
    TempDir dir;
    const std::string project = dir.file("demo.gpkg"), pdf = dir.file("county.pdf");
    ASSERT_EQ(runCli("demo --out " + quote(project) + " --villages 150 --seed 3").status, 0);
    const auto r = runCli("atlas " + quote(project) + " --template " +
                          quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/county_overview.json") +
                          " --by county --no-front-matter --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto info = runCommand("pdfinfo " + quote(pdf));
    EXPECT_TRUE(std::regex_search(info.output, std::regex("Pages:\\s+1\\n"))) << info.output;
    const auto text = runCommand("pdftotext -layout " + quote(pdf) + " -");
    ASSERT_EQ(text.status, 0);
    EXPECT_NE(text.output.find("乡村振兴监测总览"), std::string::npos);
    const std::regex small("(^|[^0-9.])[1-4] 户");
    std::smatch m;
    EXPECT_FALSE(std::regex_search(text.output, m, small)) << "a small count printed: " << m.str();
    // "风险高值聚集村 ... N 个" against the rows marked 高值聚集（95%|99%） plus "另有 M 项".
    std::smatch total;
    ASSERT_TRUE(std::regex_search(text.output, total, std::regex("风险高值聚集村\\s+([0-9]+) 个"))) << text.output;
    const int said = std::stoi(total[1]);
    const std::regex row("高值聚集（9[59]%）");
    int listed = 0;
    for (std::sregex_iterator it(text.output.begin(), text.output.end(), row), end; it != end; ++it) ++listed;
    EXPECT_LE(listed, said);
    if (listed < said) EXPECT_NE(text.output.find("另有 " + std::to_string(said - listed) + " 项未列出"), std::string::npos) << text.output;
}
