// coverage and gaps as a user runs them, on a demo county the test generates.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "analysis/analysis.hpp"
#include "core/feedback.hpp"
#include "host/run_analysis.hpp"
#include "io/gdal_util.hpp"
#include "test_util.hpp"

void ruralatlas_register_services(ruralatlas::analysis::Registry& registry);

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {
struct Row {
    std::string facility;
    double distance = NAN, minutes = NAN;
    int covered = -1, reachable = -1;
    long long population = 0;
};

std::map<std::string, Row> readCoverage(const std::string& csv) {
    const char* opts[] = {"EMPTY_STRING_AS_NULL=YES", nullptr};
    io::DatasetPtr ds = io::openVector(csv, false, opts);
    std::map<std::string, Row> out;
    for (auto& f : *ds->GetLayer(0)) {
        Row r;
        r.facility = f->GetFieldAsString("facility_id");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("distance_m"))) r.distance = f->GetFieldAsDouble("distance_m");
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("minutes"))) r.minutes = f->GetFieldAsDouble("minutes");
        r.covered = f->GetFieldAsInteger("covered");
        r.reachable = f->GetFieldAsInteger("reachable");
        r.population = f->GetFieldAsInteger64("population");
        out[f->GetFieldAsString("village_code")] = r;
    }
    return out;
}

class Services : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new TempDir();
        const auto r = runCli("demo --out " + quote(s_dir->file("demo.gpkg")) + " --villages 300 --seed 5");
        ASSERT_EQ(r.status, 0) << r.output;
    }
    static void TearDownTestSuite() { delete s_dir; }
    static std::string project() { return s_dir->file("demo.gpkg"); }
    static TempDir* s_dir;
};
TempDir* Services::s_dir = nullptr;
// The pages of a PDF as pdftotext gives them (form feeds between pages).
std::vector<std::string> pdfPages(const std::string& pdf) {
    const std::string all = runCommand("pdftotext -layout " + quote(pdf) + " -").output;
    std::vector<std::string> pages;
    for (std::size_t at = 0, next; at < all.size(); at = next + 1) {
        next = all.find('\f', at);
        if (next == std::string::npos) next = all.size();
        pages.push_back(all.substr(at, next - at));
    }
    return pages;
}

}  // namespace

TEST_F(Services, CoverageCsvHasTheDocumentedColumnsAndJson) {
    const auto r = runCli("coverage " + quote(project()) + " --kind primary_school --out " + quote(s_dir->file("s.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    for (const char* key : {"\"kind\"", "\"mode\"", "\"threshold\"", "\"villages\"", "\"villages_covered\"", "\"population\"",
                            "\"population_covered\"", "\"unreachable\"", "\"townships\""})
        EXPECT_NE(r.output.find(key), std::string::npos) << key;
    EXPECT_NE(r.output.find("\"threshold\": 3000.000"), std::string::npos) << r.output;  // from the standards table
    const std::string header = readFile(s_dir->file("s.csv")).substr(3, 120);
    EXPECT_EQ(header.rfind("village_code,village_name,township_code,facility_id,facility_name,distance_m,minutes,covered,reachable", 0), 0u)
        << header;
    const auto rows = readCoverage(s_dir->file("s.csv"));
    EXPECT_EQ(rows.size(), 300u);
    long long covered = 0;
    for (const auto& [code, row] : rows) {
        EXPECT_EQ(row.covered, row.distance <= 3000 ? 1 : 0) << code;
        EXPECT_TRUE(std::isnan(row.minutes));  // straight line has no time
        covered += row.covered;
    }
    EXPECT_NE(r.output.find("\"villages_covered\": " + std::to_string(covered)), std::string::npos);
}

// The road path to the nearest facility is never shorter than the straight line to the
// nearest facility; walking takes at least as long as the straight line at Tobler's top speed.
TEST_F(Services, RoadAndWalkNeverBeatTheStraightLine) {
    for (const char* mode : {"straight", "road", "walk"}) {
        const auto r = runCli("coverage " + quote(project()) + " --kind village_clinic --threshold 30 --mode " + mode + " --out " +
                              quote(s_dir->file(std::string(mode) + ".csv")));
        ASSERT_EQ(r.status, 0) << r.output;
    }
    const auto straight = readCoverage(s_dir->file("straight.csv"));
    const auto road = readCoverage(s_dir->file("road.csv"));
    const auto walk = readCoverage(s_dir->file("walk.csv"));
    int reachableByRoad = 0;
    for (const auto& [code, s] : straight) {
        const Row& rd = road.at(code);
        if (rd.reachable) {
            ++reachableByRoad;
            EXPECT_GE(rd.distance + 0.01, s.distance) << code;
            EXPECT_GT(rd.minutes, 0.0);
        }
        const Row& w = walk.at(code);
        if (w.reachable) {
            EXPECT_GE(w.minutes + 0.01, s.distance / (6000.0 / 60.0)) << code;
        }
    }
    EXPECT_GT(reachableByRoad, 280);  // the demo network is connected; only far walks are off it
}

TEST_F(Services, GpkgOutputHasVillagesAndLinks) {
    const auto r =
        runCli("coverage " + quote(project()) + " --kind township_health_center --mode road --out " + quote(s_dir->file("c.gpkg")));
    ASSERT_EQ(r.status, 0) << r.output;
    io::DatasetPtr ds = io::openVector(s_dir->file("c.gpkg"), false);
    OGRLayer* v = ds->GetLayerByName("coverage_township_health_center_road");
    OGRLayer* l = ds->GetLayerByName("coverage_township_health_center_road_links");
    ASSERT_TRUE(v && l);
    EXPECT_EQ(v->GetFeatureCount(), 300);
    EXPECT_GT(l->GetFeatureCount(), 250);
}

TEST_F(Services, PlannedScenarioNeverCoversFewer) {
    auto count = [&](const std::string& status) {
        const auto r = runCli("coverage " + quote(project()) + " --kind kindergarten --status " + status + " --out " +
                              quote(s_dir->file(status + ".csv")) + " --json");
        EXPECT_EQ(r.status, 0) << r.output;
        const auto pos = r.output.find("\"villages_covered\": ");
        return std::stoll(r.output.substr(pos + 20));
    };
    EXPECT_GE(count("planned"), count("existing"));
}

TEST_F(Services, CapacityLeavesSomeUnservedAndNeverOverfills) {
    const auto r =
        runCli("coverage " + quote(project()) + " --kind primary_school --capacity --out " + quote(s_dir->file("cap.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"population_unserved\""), std::string::npos);
    const char* opts[] = {"EMPTY_STRING_AS_NULL=YES", nullptr};
    io::DatasetPtr ds = io::openVector(s_dir->file("cap.csv"), false, opts);
    double demand = 0, served = 0;
    for (auto& f : *ds->GetLayer(0)) {
        const double d = f->GetFieldAsDouble("demand"), s = f->GetFieldAsDouble("served");
        EXPECT_LE(s, d + 1e-6);
        EXPECT_NEAR(d, 0.08 * f->GetFieldAsDouble("population"), 1e-6);
        if (!f->GetFieldAsInteger("covered")) {  // only within the threshold
            EXPECT_EQ(s, 0.0);
        }
        demand += d;
        served += s;
    }
    // Schools' total capacity bounds what is served.
    io::DatasetPtr p = io::openVector(project(), false);
    OGRLayer* sum =
        p->ExecuteSQL("SELECT SUM(capacity) FROM facilities WHERE kind='primary_school' AND status='existing'", nullptr, nullptr);
    io::FeaturePtr f(sum->GetNextFeature());
    const double capacity = f->GetFieldAsDouble(0);
    p->ReleaseResultSet(sum);
    EXPECT_LE(served, capacity + 1e-6);
    EXPECT_LE(served, demand);
}

TEST_F(Services, GapsRankByPopulationWithChineseSentences) {
    const auto r = runCli("gaps " + quote(project()) + " --out " + quote(s_dir->file("gaps.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"former_poor\""), std::string::npos);
    EXPECT_NE(r.output.find("\"other\""), std::string::npos);
    const char* opts[] = {"EMPTY_STRING_AS_NULL=YES", nullptr};
    io::DatasetPtr ds = io::openVector(s_dir->file("gaps.csv"), false, opts);
    long long last = -1;
    int rows = 0, clinic = 0;
    for (auto& f : *ds->GetLayer(0)) {
        const long long pop = f->GetFieldAsInteger64("population_affected");
        if (last >= 0) {
            EXPECT_LE(pop, last);
        }
        last = pop;
        ++rows;
        const std::string sentence = f->GetFieldAsString("sentence");
        EXPECT_NE(sentence.find("人"), std::string::npos) << sentence;
        if (std::string(f->GetFieldAsString("kind")) == "village_clinic") ++clinic;
    }
    EXPECT_GT(rows, 50);
    EXPECT_GT(clinic, 0);  // the demo has villages without a clinic, some far from one
}

TEST_F(Services, BadParametersAreUsageErrors) {
    EXPECT_EQ(runCli("coverage " + quote(project()) + " --kind hospital --out x.csv").status, 2);
    EXPECT_EQ(runCli("coverage " + quote(project()) + " --kind village_clinic --mode fly --out x.csv").status, 2);
    EXPECT_EQ(runCli("coverage " + quote(project()) + " --kind village_clinic --threshold -1 --out x.csv").status, 2);
    EXPECT_EQ(runCli("coverage " + quote(project()) + " --kind village_clinic --threshold 30").status, 2);  // no --out
    const auto r = runCli("coverage " + quote(project()) + " --kind village_clinic --out " + quote(s_dir->file("x.csv")));
    EXPECT_EQ(r.status, 1);  // no straight-line standard for clinics: give --threshold
    EXPECT_NE(r.output.find("--threshold"), std::string::npos);
}

namespace {
long long featuresDrawn(const std::string& json) {
    const auto at = json.find("\"features\": ");
    return at == std::string::npos ? -1 : std::stoll(json.substr(at + 12));
}
}  // namespace

TEST_F(Services, ResultMapsTakeTheStyleTheResultNamesNotALayerPrefix) {
    const std::string gpkg = s_dir->file("styled.gpkg");
    ASSERT_EQ(
        runCli("coverage " + quote(project()) + " --kind village_clinic --mode straight --threshold 3000 --out " + quote(gpkg)).status, 0);
    {
        io::DatasetPtr ds = io::openVector(gpkg, false);
        OGRLayer* l = ds->ExecuteSQL("SELECT table_name, style FROM ruralatlas_results ORDER BY table_name", nullptr, nullptr);
        ASSERT_NE(l, nullptr);
        std::vector<std::string> rows;
        for (auto& f : *l) rows.push_back(std::string(f->GetFieldAsString(0)) + "=" + f->GetFieldAsString(1));
        ds->ReleaseResultSet(l);
        EXPECT_EQ(rows, (std::vector<std::string>{"coverage_village_clinic_straight=services/coverage.json",
                                                  "coverage_village_clinic_straight_links=services/coverage.json"}));
    }
    const std::string render = "render " + quote(project()) + " --size 800x600 --json --result " + quote(gpkg) + " --out ";
    const auto plain = runCli("render " + quote(project()) + " --size 800x600 --json --out " + quote(s_dir->file("p.png")));
    const auto styled = runCli(render + quote(s_dir->file("s.png")));
    ASSERT_EQ(styled.status, 0) << styled.output;
    // The coverage style draws every village's result and its line on top of the county map.
    EXPECT_GT(featuresDrawn(styled.output), featuresDrawn(plain.output) + 200) << styled.output;
    // The same layers, named as before, with no style recorded: nothing is guessed from the name.
    {
        io::DatasetPtr ds = io::openVector(gpkg, true);
        ds->ExecuteSQL("UPDATE ruralatlas_results SET style = ''", nullptr, nullptr);
    }
    const auto unstyled = runCli(render + quote(s_dir->file("u.png")));
    ASSERT_EQ(unstyled.status, 0) << unstyled.output;
    EXPECT_EQ(featuresDrawn(unstyled.output), featuresDrawn(plain.output)) << unstyled.output;
}

// The services module's atlas sections read the results the user gives (--result) instead of
// computing them: a gaps file edited by hand prints its own sentence and its own counts, and a
// gaps file without its key field is refused naming the file and the field.
TEST_F(Services, AtlasSectionsPrintTheGivenResultsAndRefuseABrokenOne) {
    TempDir dir;
    const std::string gaps = dir.file("gaps.gpkg");
    ASSERT_EQ(runCli("gaps " + quote(project()) + " --out " + quote(gaps)).status, 0);
    // One village's first gap gets a sentence nobody else writes.
    std::string village;
    {
        io::DatasetPtr ds = io::openVector(gaps, true);
        OGRLayer* l = ds->GetLayerByName("gaps");
        ASSERT_NE(l, nullptr);
        io::FeaturePtr f;
        while ((f = io::FeaturePtr(l->GetNextFeature())) && !*f->GetFieldAsString("village_code")) {
        }
        ASSERT_TRUE(f);
        village = f->GetFieldAsString("village_code");
        f->SetField("sentence", "测试用短板句子");
        ASSERT_EQ(l->SetFeature(f.get()), OGRERR_NONE);
    }
    const std::string pdf = dir.file("v.pdf");
    const std::string layout = std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/village_profile.json";
    auto r = runCli("atlas " + quote(project()) + " --template " + quote(layout) + " --by villages --where \"code = '" + village +
                    "'\" --no-front-matter --result " + quote(gaps) + " --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto text = runCommand("pdftotext " + quote(pdf) + " -");
    EXPECT_NE(text.output.find("测试用短板句子"), std::string::npos) << text.output;

    // A township page counts the villages of the given file.
    const std::string tpdf = dir.file("t.pdf");
    const std::string tlayout = std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/township_overview.json";
    r = runCli("atlas " + quote(project()) + " --template " + quote(tlayout) + " --by townships --no-front-matter --result " + quote(gaps) +
               " --out " + quote(tpdf));
    ASSERT_EQ(r.status, 0) << r.output;

    // Without village_code the file is not a gaps result.
    ASSERT_EQ(runCommand("ogrinfo -q " + quote(gaps) + " -sql \"ALTER TABLE gaps DROP COLUMN village_code\"").status, 0);
    r = runCli("atlas " + quote(project()) + " --template " + quote(layout) + " --by villages --where \"code = '" + village +
               "'\" --no-front-matter --result " + quote(gaps) + " --out " + quote(dir.file("bad.pdf")));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("gaps.gpkg"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("village_code"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("bad.pdf")));
}

// A host finds a run's result layers by the names the analysis gives for its parameters (the
// atlas binds its coverage frames to them): they are the names of the tables the run returns.
TEST_F(Services, CoverageNamesTheLayersARunReturns) {
    analysis::Registry registry;
    ruralatlas_register_services(registry);
    const analysis::Analysis* coverage = registry.find("coverage");
    ASSERT_NE(coverage, nullptr);
    for (const std::string mode : {"road", "walk"}) {
        const auto params = analysis::ParamValues::validate(coverage->spec(), {{"kind", "village_clinic"}, {"mode", mode}},
                                                            analysis::ParamValues::Output::InMemory);
        Feedback quiet;
        const analysis::AnalysisResult r = host::runAnalysis(*coverage, project(), params, quiet);
        std::vector<std::string> returned;
        for (const ResultTable& t : r.tables) returned.push_back(t.name);
        EXPECT_EQ(coverage->outputNames(params), returned);
        EXPECT_EQ(returned.front(), "coverage_village_clinic_" + mode);
    }
    // An analysis that does not name its layers per run names its declared outputs.
    const analysis::Analysis* gaps = registry.find("gaps");
    ASSERT_NE(gaps, nullptr);
    const auto params = analysis::ParamValues::validate(gaps->spec(), {}, analysis::ParamValues::Output::InMemory);
    Feedback quiet;
    const analysis::AnalysisResult r = host::runAnalysis(*gaps, project(), params, quiet);
    ASSERT_FALSE(r.tables.empty());
    EXPECT_EQ(gaps->outputNames(params).front(), r.tables.front().name);
}

// No data is not a gap: a project with villages only reports every facility kind and every
// rate as missing data and no gap; once schools are imported, school gaps appear (judged by the
// straight-line rule, the walking rule said to lack a DEM) and the other kinds stay missing.
TEST(ServicesMissingData, ReportedAsMissingNotAsGaps) {
    TempDir dir;
    const std::string p = dir.file("v.gpkg");
    ASSERT_EQ(runCli("init " + quote(p) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"),
              "code,name,population,lon,lat\n433127101201,伴湖村,1200,109.85,29.0\n433127101202,石堤村,800,109.95,29.05\n"
              "433127101203,远村,,110.2,29.3\n");  // population not recorded
    ASSERT_EQ(runCli("import " + quote(p) + " " + quote(dir.file("v.csv")) + " --into villages").status, 0);
    auto r = runCli("gaps " + quote(p) + " --out " + quote(dir.file("g1.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"gaps\": 0,"), std::string::npos) << r.output;
    for (const char* kind : {"kindergarten", "primary_school", "village_clinic", "township_health_center", "bus_stop", "water_works"})
        EXPECT_NE(r.output.find(std::string("{\"kind\": \"") + kind + "\", \"villages\": 0, \"what\": \"项目中没有任何"), std::string::npos)
            << kind << ": " << r.output;
    EXPECT_NE(r.output.find("{\"kind\": \"tap_water_rate\", \"villages\": 3"), std::string::npos) << r.output;
    // Villages without a recorded class are neither former-poor nor "other".
    EXPECT_NE(r.output.find("\"other\": {\"villages\": 0,"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"status_unknown\": {\"villages\": 3,"), std::string::npos) << r.output;
    EXPECT_EQ(readFile(dir.file("g1.csv")).find("影响人口0人"), std::string::npos);
    // The village pages say what was not judged, never "all met".
    ASSERT_EQ(runCli("gaps " + quote(p) + " --out " + quote(dir.file("g1.gpkg"))).status, 0);
    r = runCli("atlas " + quote(p) + " --template " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/village_profile.json") +
               " --by villages --result " + quote(dir.file("g1.gpkg")) + " --out " + quote(dir.file("a.pdf")));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto text = runCommand("pdftotext -layout " + quote(dir.file("a.pdf")) + " -");
    EXPECT_EQ(text.output.find("对照各项标准均已达标"), std::string::npos) << text.output;
    EXPECT_EQ(text.output.find("已评价的标准均已达标"), std::string::npos) << text.output;  // nothing could be judged
    EXPECT_NE(text.output.find("缺少数据，未评价：公交站点"), std::string::npos) << text.output;
    EXPECT_NE(text.output.find("无数据，未评价"), std::string::npos) << text.output;
    EXPECT_EQ(text.output.find(" 达标"), std::string::npos) << text.output;

    writeFile(dir.file("s.csv"), "name,lon,lat\n一小,109.85,29.0\n");
    ASSERT_EQ(runCli("import " + quote(p) + " " + quote(dir.file("s.csv")) + " --into facilities --set kind=primary_school").status, 0);
    r = runCli("gaps " + quote(p) + " --out " + quote(dir.file("g2.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    // 石堤村 is about 11 km from the school (more than the 3 km rule); 伴湖村 has it on its doorstep.
    EXPECT_NE(r.output.find("\"gaps\": 2,"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("石堤村最近的小学为一小，直线距离"), std::string::npos) << r.output;
    // An unrecorded population is unknown, not 0.
    EXPECT_NE(r.output.find("远村最近的小学为一小"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("人口未录入。"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("影响人口0人"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("项目中没有任何小学"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("小学：无法计算步行时间（缺少数字高程模型"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("项目中没有任何幼儿园"), std::string::npos) << r.output;
    // coverage says the same: no kindergarten at all, and no roads for road time.
    r = runCli("coverage " + quote(p) + " --kind kindergarten --out " + quote(dir.file("c1.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"missing_data\": \"项目中没有任何幼儿园"), std::string::npos) << r.output;
    {
        // Not judged is written as such: "covered" and "reachable" are empty, not 0.
        std::istringstream csv(readFile(dir.file("c1.csv")));
        std::string header, row;
        std::getline(csv, header);
        const auto column = [&](const std::string& name) {
            std::istringstream h(header);
            int i = 0;
            for (std::string c; std::getline(h, c, ','); ++i)
                if (c == name) return i;
            return -1;
        };
        const int covered = column("covered"), reachable = column("reachable");
        ASSERT_GE(covered, 0) << header;
        int rows = 0;
        while (std::getline(csv, row)) {
            std::vector<std::string> cells;
            std::istringstream cs(row);
            for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
            cells.resize(std::max<std::size_t>(cells.size(), std::size_t(std::max(covered, reachable)) + 1));
            EXPECT_EQ(cells[std::size_t(covered)], "") << row;
            EXPECT_EQ(cells[std::size_t(reachable)], "") << row;
            ++rows;
        }
        EXPECT_EQ(rows, 3);
    }
    // The map of it says "no data" in its legend, never "unreachable" or "not covered".
    ASSERT_EQ(runCli("coverage " + quote(p) + " --kind kindergarten --out " + quote(dir.file("c1.gpkg"))).status, 0);
    r = runCli("render " + quote(p) + " --result " + quote(dir.file("c1.gpkg")) + " --legend --json --out " + quote(dir.file("c1.png")));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"无数据，未评价（缺少设施或道路数据）\""), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("不可达"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("未覆盖"), std::string::npos) << r.output;
    // With a school: the tallies leave the village without a population out and count it.
    r = runCli("coverage " + quote(p) + " --kind primary_school --out " + quote(dir.file("c3.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"population\": 2000, "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"villages_population_unknown\": 1, "), std::string::npos) << r.output;
    r = runCli("coverage " + quote(p) + " --kind primary_school --mode road --out " + quote(dir.file("c2.csv")));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("项目中没有道路：无法计算车程"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("不可达 3 个"), std::string::npos) << r.output;
}

// One page, one truth: on every village page of the demo's atlas, a service the access table
// calls met ("达标") has no gap of its kind in the page's gap list, and every verdict names the
// standard it applies. Before, 152 of 300 pages said the water works was met by road while the
// gap list said it failed the walking standard.
TEST(ServicesOnePage, NoVillagePageContradictsItselfOnAccess) {
    TempDir dir;
    const std::string p = dir.file("d.gpkg"), g = dir.file("gaps.gpkg"), pdf = dir.file("v.pdf");
    ASSERT_EQ(runCli("demo --out " + quote(p) + " --villages 300 --seed 1").status, 0);
    // A quarter of the villages without a surveyed territory, as in many real projects.
    {
        io::DatasetPtr ds = io::openVector(p, true);
        ds->ReleaseResultSet(ds->ExecuteSQL("DELETE FROM village_boundaries WHERE fid % 4 = 0", nullptr, nullptr));
    }
    ASSERT_EQ(runCli("gaps " + quote(p) + " --out " + quote(g)).status, 0);
    const auto r =
        runCli("atlas " + quote(p) + " --template " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/village_profile.json") +
               " --by villages --result " + quote(g) + " --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const std::vector<std::string> pages = pdfPages(pdf);
    ASSERT_GE(pages.size(), 300u);
    int checked = 0, noTerritory = 0;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const std::string& page = pages[i];
        if (page.find("到最近的学校") == std::string::npos) continue;
        ++checked;
        if (page.find("村界未录入") != std::string::npos) ++noTerritory;
        std::istringstream lines(page);
        for (std::string line; std::getline(lines, line);) {
            for (const char* kind : {"小学", "村卫生室", "集中供水工程"}) {
                const std::string row = std::string(kind) + "（";
                if (line.rfind(row, 0) != 0) continue;
                // Every verdict names its standard (a rule "≤", or "无…标准" when not judged).
                const bool judged = line.find("达标") != std::string::npos;
                if (judged) EXPECT_NE(line.find("≤"), std::string::npos) << "page " << i + 1 << ": " << line;
                const bool met = judged && line.find("未达标") == std::string::npos;
                const bool gap = page.find(std::string("最近的") + kind + "为") != std::string::npos ||
                                 page.find(std::string("到达任何") + kind) != std::string::npos ||
                                 page.find(std::string("没有") + kind) != std::string::npos;
                EXPECT_FALSE(met && gap) << "page " << i + 1 << " calls " << kind << " met and lists a gap of it:\n" << page;
            }
        }
    }
    EXPECT_EQ(checked, 300);
    EXPECT_EQ(noTerritory, 75);  // the villages without a surveyed territory say so
}

// The same on the real county built from the public code lists (villages only, no facilities):
// no page claims a service met or "all standards met"; each says what was not judged.
TEST(ServicesOnePage, RealCountyPagesClaimNothingWithoutData) {
    TempDir dir;
    const std::string p = dir.file("y.gpkg"), g = dir.file("gaps.gpkg"), pdf = dir.file("y.pdf");
    ASSERT_EQ(runCli("county-from-codes --county 433127 --data " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/data/real") + " --out " +
                     quote(p))
                  .status,
              0);
    ASSERT_EQ(runCli("gaps " + quote(p) + " --out " + quote(g)).status, 0);
    const auto r =
        runCli("atlas " + quote(p) + " --template " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/village_profile.json") +
               " --by villages --result " + quote(g) + " --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    int pages = 0;
    for (const std::string& page : pdfPages(pdf)) {
        if (page.find("到最近的学校") == std::string::npos) continue;
        ++pages;
        EXPECT_EQ(page.find(" 达标"), std::string::npos) << page;
        EXPECT_EQ(page.find("均已达标"), std::string::npos) << page;
        EXPECT_NE(page.find("缺少数据，未评价"), std::string::npos) << page;
        EXPECT_EQ(page.find("影响人口0人"), std::string::npos) << page;
    }
    EXPECT_EQ(pages, 303);

    // The township pages: no total of unrecorded figures printed as 0, no coverage counted
    // without facilities, and the gap summary says what it could not judge.
    const std::string tpdf = dir.file("t.pdf");
    const auto t =
        runCli("atlas " + quote(p) + " --template " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/township_overview.json") +
               " --by townships --no-front-matter --result " + quote(g) + " --out " + quote(tpdf));
    ASSERT_EQ(t.status, 0) << t.output;
    int townPages = 0;
    for (const std::string& page : pdfPages(tpdf)) {
        if (page.find("基本情况") == std::string::npos) continue;
        ++townPages;
        std::istringstream lines(page);
        for (std::string line; std::getline(lines, line);) {
            if (line.find("户籍人口") != std::string::npos && line.find("户数") != std::string::npos)
                EXPECT_NE(line.find("未录入"), std::string::npos) << line;
            for (const char* kind : {"小学（", "村卫生室（", "乡镇卫生院（", "集中供水工程（"})
                if (line.find(kind) != std::string::npos && line.find("标准") == std::string::npos)
                    EXPECT_NE(line.find("无数据"), std::string::npos) << line;
        }
        EXPECT_EQ(page.find("各村均达到标准"), std::string::npos) << page;
        EXPECT_NE(page.find("缺少数据，未评价"), std::string::npos) << page;
        EXPECT_NE(page.find("乡镇界为近似"), std::string::npos) << page;  // the main map says what is approximated
    }
    EXPECT_EQ(townPages, 23);  // 永顺县 has 23 townships in the 2023 code list
    // A map of it says what is approximated, as `info` does.
    const auto map = runCli("render " + quote(p) + " --paper A4 --json --out " + quote(dir.file("y.pdf.png")));
    ASSERT_EQ(map.status, 0) << map.output;
    EXPECT_NE(map.output.find("乡镇界为近似：由村委会点位推算"), std::string::npos) << map.output;
    EXPECT_NE(map.output.find("个村无位置，图上未绘出"), std::string::npos) << map.output;
}
