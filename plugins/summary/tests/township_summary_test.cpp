// The example plugin as a user meets it: listed by `ruralatlas plugins` with what its plugin.json
// says, a subcommand with --help from its declaration, and a township summary equal to one
// counted here from the villages layer with the plain OGR API.
#include <gtest/gtest.h>

#include <array>
#include <map>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {
struct Counts {
    std::string name;
    long long villages = 0, formerPoor = 0, population = 0, households = 0, withoutPoint = 0;
    bool operator==(const Counts&) const = default;
};

// Counted from the villages and townships layers, feature by feature.
std::map<std::string, Counts> countByHand(const std::string& gpkg) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    std::map<std::string, Counts> out;
    for (auto& f : *ds->GetLayerByName("townships")) out[f->GetFieldAsString("code")].name = f->GetFieldAsString("name");
    for (auto& f : *ds->GetLayerByName("villages")) {
        Counts& c = out[f->GetFieldAsString("township_code")];
        ++c.villages;
        c.formerPoor += std::string(f->GetFieldAsString("status")) == "former_poor";
        c.population += f->GetFieldAsInteger64("population");
        c.households += f->GetFieldAsInteger64("households");
        const OGRGeometry* g = f->GetGeometryRef();
        c.withoutPoint += !g || g->IsEmpty();
    }
    return out;
}

std::map<std::string, Counts> readResult(const std::string& file) {
    io::DatasetPtr ds = io::openVector(file, false);
    std::map<std::string, Counts> out;
    OGRLayer* l = ds->GetLayerByName("township_summary");  // a CSV's one layer is named after the file
    if (!l) l = ds->GetLayer(0);
    if (!l) return out;
    for (auto& f : *l) {
        Counts& c = out[f->GetFieldAsString("township_code")];
        c.name = f->GetFieldAsString("township_name");
        c.villages = f->GetFieldAsInteger64("villages");
        c.formerPoor = f->GetFieldAsInteger64("former_poor_villages");
        c.population = f->GetFieldAsInteger64("population");
        c.households = f->GetFieldAsInteger64("households");
        c.withoutPoint = f->GetFieldAsInteger64("villages_without_point");
    }
    return out;
}
}  // namespace

TEST(SummaryPlugin, ListedWithItsPluginJsonAndHelp) {
    const auto list = runCli("plugins --json");
    ASSERT_EQ(list.status, 0) << list.output;
    EXPECT_NE(list.output.find(
                  "{\"name\": \"summary\", \"title_zh\": \"乡镇概况统计\", \"title_en\": \"Township summary\", \"version\": \"1.0.0\", "
                  "\"analyses\": [\"township-summary\"], \"sections\": [\"township_summary\"]}"),
              std::string::npos)
        << list.output;
    EXPECT_NE(list.output.find("\"name\": \"services\""), std::string::npos) << list.output;
    const auto usage = runCli("--help");
    EXPECT_NE(usage.output.find("township-summary"), std::string::npos) << usage.output;
    const auto help = runCli("township-summary --help");
    ASSERT_EQ(help.status, 0) << help.output;
    EXPECT_NE(help.output.find("--out"), std::string::npos) << help.output;
    EXPECT_NE(help.output.find("输出文件"), std::string::npos) << help.output;
}

TEST(SummaryPlugin, CountsEqualTheVillagesLayerCountedByHand) {
    TempDir dir;
    const std::string gpkg = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(gpkg) + " --villages 300 --seed 3").status, 0);
    {
        // A village with no point and one whose township is missing from the townships layer.
        io::DatasetPtr ds = io::openVector(gpkg, true);
        OGRLayer* v = ds->GetLayerByName("villages");
        io::FeaturePtr a(v->GetFeature(1)), b(v->GetFeature(2));
        ASSERT_TRUE(a && b);
        a->SetGeometryDirectly(nullptr);
        ASSERT_EQ(v->SetFeature(a.get()), OGRERR_NONE);
        b->SetField("township_code", "433199999");
        ASSERT_EQ(v->SetFeature(b.get()), OGRERR_NONE);
    }
    const auto expected = countByHand(gpkg);
    ASSERT_GT(expected.size(), 5u);
    ASSERT_EQ(expected.at("433199999").villages, 1);
    for (const char* out : {"s.csv", "s.gpkg"}) {
        const auto r = runCli("township-summary " + quote(gpkg) + " --out " + quote(dir.file(out)) + " --json");
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_EQ(readResult(dir.file(out)), expected) << out;
        long long villages = 0, withoutPoint = 0;
        for (const auto& [code, c] : expected) villages += c.villages, withoutPoint += c.withoutPoint;
        EXPECT_NE(r.output.find("\"villages\": " + std::to_string(villages) + ","), std::string::npos) << r.output;
        EXPECT_EQ(withoutPoint, 1);
        EXPECT_NE(r.output.find("\"villages_without_point\": 1}"), std::string::npos) << r.output;
    }
}

// The plugin's atlas section on a township page, its figures as the villages layer gives them;
// and a layout naming a section no plugin contributes is refused with the file and key.
TEST(SummaryPlugin, AtlasSectionPrintsEachTownshipsFigures) {
    TempDir dir;
    const std::string gpkg = dir.file("demo.gpkg"), pdf = dir.file("book.pdf");
    ASSERT_EQ(runCli("demo --out " + quote(gpkg) + " --villages 60 --seed 4").status, 0);
    const auto expected = countByHand(gpkg);
    const std::string layout = std::string(RURALATLAS_SUMMARY_TEST_DATA) + "/township_summary_page.json";
    const auto r =
        runCli("atlas " + quote(gpkg) + " --template " + quote(layout) + " --by townships --no-front-matter --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto text = runCommand("pdftotext -layout " + quote(pdf) + " -");
    ASSERT_EQ(text.status, 0);
    // One page per township, each with its own title and figures.
    std::size_t at = 0, pages = 0;
    for (const auto& [code, c] : expected) {
        const auto title = text.output.find(c.name + "（" + code + "）", at);
        ASSERT_NE(title, std::string::npos) << code << "\n" << text.output;
        const auto next = text.output.find('\f', title);
        const std::string page = text.output.substr(title, next == std::string::npos ? std::string::npos : next - title);
        EXPECT_NE(page.find("乡镇概况（示例插件）"), std::string::npos) << page;
        for (const auto& [label, value] : std::vector<std::pair<std::string, long long>>{
                 {"行政村数", c.villages}, {"脱贫村数", c.formerPoor}, {"户籍人口", c.population}, {"户数", c.households}}) {
            const auto l = page.find(label);
            ASSERT_NE(l, std::string::npos) << label << "\n" << page;
            const auto line = page.substr(l, page.find('\n', l) - l);
            EXPECT_NE(line.find(" " + std::to_string(value)), std::string::npos) << label << ": " << line;
        }
        at = title + 1;
        ++pages;
    }
    EXPECT_EQ(pages, expected.size());

    const std::string bad = dir.file("bad.json");
    std::string json = readFile(layout);
    json.replace(json.find("\"township_summary\""), 18, "\"no_such_section\"");
    writeFile(bad, json);
    const auto refused = runCli("atlas " + quote(gpkg) + " --template " + quote(bad) + " --by townships --out " + quote(dir.file("x.pdf")));
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("no_such_section"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("township_summary"), std::string::npos) << refused.output;  // lists what there is
}

// The plugin's default style, found from the result file itself: each township drawn at its
// population centre (checked against the mean worked out here with OGR), with its legend entry
// and its name as a label on the rendered map.
TEST(SummaryPlugin, ResultIsDrawnWithThePluginsOwnStyleAtEachPopulationCentre) {
    TempDir dir;
    const std::string gpkg = dir.file("demo.gpkg"), result = dir.file("s.gpkg"), png = dir.file("map.png");
    ASSERT_EQ(runCli("demo --out " + quote(gpkg) + " --villages 120 --seed 6").status, 0);
    ASSERT_EQ(runCli("township-summary " + quote(gpkg) + " --out " + quote(result)).status, 0);
    // Population-weighted centres by hand.
    std::map<std::string, std::array<double, 3>> sums;  // code -> sum(w x), sum(w y), sum(w)
    {
        io::DatasetPtr ds = io::openVector(gpkg, false);
        for (auto& f : *ds->GetLayerByName("villages")) {
            const OGRGeometry* g = f->GetGeometryRef();
            if (!g || g->IsEmpty()) continue;
            auto& s = sums[f->GetFieldAsString("township_code")];
            const double w = double(f->GetFieldAsInteger64("population"));
            s[0] += w * g->toPoint()->getX();
            s[1] += w * g->toPoint()->getY();
            s[2] += w;
        }
    }
    std::vector<std::string> names;
    {
        io::DatasetPtr ds = io::openVector(result, false);
        OGRLayer* l = ds->GetLayerByName("township_summary");
        ASSERT_NE(l, nullptr);
        for (auto& f : *l) {
            const auto& s = sums.at(f->GetFieldAsString("township_code"));
            ASSERT_GT(s[2], 0);
            const OGRGeometry* g = f->GetGeometryRef();
            ASSERT_TRUE(g && !g->IsEmpty()) << f->GetFieldAsString("township_code");
            EXPECT_NEAR(g->toPoint()->getX(), s[0] / s[2], 1e-6);
            EXPECT_NEAR(g->toPoint()->getY(), s[1] / s[2], 1e-6);
            names.push_back(f->GetFieldAsString("township_name"));
        }
    }
    ASSERT_FALSE(names.empty());
    const auto r = runCli("render " + quote(gpkg) + " --result " + quote(result) + " --legend --json --out " + quote(png));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("乡镇户籍人口（人口重心）"), std::string::npos) << r.output;  // the plugin style's legend
    size_t labelled = 0;
    for (const auto& n : names) labelled += r.output.find("\"" + n + "\"") != std::string::npos;
    EXPECT_GE(labelled, names.size() / 2) << r.output;  // labels collide at county scale; most show
}

// An unrecorded population is unknown, not 0: a township none of whose villages records one has
// no total (an empty field, "未录入"), one with some has the sum of those that do and the count of
// the others; the map's legend shows the empty one as "no data", not as the smallest class.
TEST(SummaryPlugin, UnknownPopulationIsNotCountedAsZero) {
    TempDir dir;
    const std::string gpkg = dir.file("demo.gpkg"), result = dir.file("s.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(gpkg) + " --villages 80 --seed 8").status, 0);
    std::string emptied, partly;  // a township with no population recorded, one with one village unrecorded
    long long partlyKnownSum = 0, emptiedVillages = 0;
    {
        io::DatasetPtr ds = io::openVector(gpkg, true);
        OGRLayer* v = ds->GetLayerByName("villages");
        std::map<std::string, std::vector<long long>> fids;
        for (auto& f : *v) fids[f->GetFieldAsString("township_code")].push_back(f->GetFID());
        ASSERT_GE(fids.size(), 2u);
        auto it = fids.begin();
        emptied = it->first;
        emptiedVillages = static_cast<long long>(it->second.size());
        for (long long fid : it->second) {
            io::FeaturePtr f(v->GetFeature(fid));
            f->SetFieldNull(f->GetFieldIndex("population"));
            ASSERT_EQ(v->SetFeature(f.get()), OGRERR_NONE);
        }
        ++it;
        while (it != fids.end() && it->second.size() < 2) ++it;
        ASSERT_NE(it, fids.end());
        partly = it->first;
        for (std::size_t i = 0; i < it->second.size(); ++i) {
            io::FeaturePtr f(v->GetFeature(it->second[i]));
            if (i == 0) {
                f->SetFieldNull(f->GetFieldIndex("population"));
                ASSERT_EQ(v->SetFeature(f.get()), OGRERR_NONE);
            } else {
                partlyKnownSum += f->GetFieldAsInteger64("population");
            }
        }
    }
    const auto r = runCli("township-summary " + quote(gpkg) + " --out " + quote(result) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"villages_population_unknown\": " + std::to_string(emptiedVillages + 1)), std::string::npos) << r.output;
    {
        io::DatasetPtr ds = io::openVector(result, false);
        OGRLayer* l = ds->GetLayerByName("township_summary");
        ASSERT_NE(l, nullptr);
        int seen = 0;
        for (auto& f : *l) {
            const std::string code = f->GetFieldAsString("township_code");
            if (code == emptied) {
                EXPECT_TRUE(f->IsFieldNull(f->GetFieldIndex("population")));
                EXPECT_EQ(f->GetFieldAsInteger64("villages_population_unknown"), emptiedVillages);
                ++seen;
            } else if (code == partly) {
                EXPECT_EQ(f->GetFieldAsInteger64("population"), partlyKnownSum);
                EXPECT_EQ(f->GetFieldAsInteger64("villages_population_unknown"), 1);
                ++seen;
            } else {
                EXPECT_EQ(f->GetFieldAsInteger64("villages_population_unknown"), 0) << code;
            }
        }
        EXPECT_EQ(seen, 2);
    }
    const auto map = runCli("render " + quote(gpkg) + " --result " + quote(result) + " --legend --json --out " + quote(dir.file("m.png")));
    ASSERT_EQ(map.status, 0) << map.output;
    EXPECT_NE(map.output.find("无数据（未录入）"), std::string::npos) << map.output;
    // The plugin's atlas section, from the result file, prints the emptied township's population
    // as not recorded, under its Chinese title (the file's gpkg_data_columns; before, a result
    // file gave the field names).
    const std::string layout = std::string(RURALATLAS_SUMMARY_TEST_DATA) + "/township_summary_page.json";
    const auto atlas =
        runCli("atlas " + quote(gpkg) + " --template " + quote(layout) + " --by townships --no-front-matter --where \"code = '" + emptied +
               "'\" --result " + quote(result) + " --out " + quote(dir.file("t.pdf")));
    ASSERT_EQ(atlas.status, 0) << atlas.output;
    const std::string text = runCommand("pdftotext -layout " + quote(dir.file("t.pdf")) + " -").output;
    const auto at = text.find("户籍人口");
    ASSERT_NE(at, std::string::npos) << text;
    const auto line = text.substr(at, text.find('\n', at) - at);
    EXPECT_NE(line.find("未录入"), std::string::npos) << text;
}
