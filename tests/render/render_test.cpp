// Render tests: expressions, style errors, golden images, legend contents, scale bar, PDF text.
#include <gtest/gtest.h>
#include <zlib.h>

#include <QFontMetricsF>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QRegularExpression>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "io/sources.hpp"
#include "render/fonts.hpp"
#include "render/gui_session.hpp"
#include "render/map_output.hpp"
#include "render/png_writer.hpp"
#include "render_fixtures.hpp"

using namespace ruralatlas;
using namespace ruralatlas::render;
using ruralatlas::test::TempDir;

namespace {

struct Loaded {
    Style style;
    std::shared_ptr<MapData> data;
    std::unique_ptr<MapRenderer> renderer;
};

std::unique_ptr<Loaded> loadSmall(const std::string& project, const std::string& styleFile) {
    auto l = std::make_unique<Loaded>();
    l->style = loadStyle(styleFile);
    const auto p = io::openProjectSource(project);
    l->data = MapData::load(*p, {}, layerRequests(l->style), std::nullopt);
    bindStyle(l->style, *l->data);
    l->renderer = std::make_unique<MapRenderer>(l->style, l->data);
    return l;
}

const Box kSmallBox{test::kX0, test::kY0, test::kX0 + 20000, test::kY0 + 10000};

QImage renderImage(const MapRenderer& r, const Box& world, int w, int h, double dpi, RenderReport* report = nullptr,
                   MapView* viewOut = nullptr) {
    QImage img(w, h, QImage::Format_RGB32);
    img.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
    img.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
    img.fill(Qt::white);
    QPainter p(&img);
    MapView v;
    v.target = QRectF(0, 0, w, h);
    v.dpi = dpi;
    v.extent = fitExtent(world, v.target);
    RenderReport rep = r.render(p, v);
    if (report) *report = rep;
    if (viewOut) *viewOut = v;
    return img;
}

std::string writeStyle(const TempDir& dir, const std::string& json) {
    const std::string path = dir.file("style.json");
    test::writeFile(path, json);
    return path;
}

std::string errorOf(const std::string& path) {
    try {
        loadStyle(path);
    } catch (const DataError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(Expressions, MatchStepInterpolateCaseAndBranches) {
    TempDir dir;
    const auto parse = [](const std::string& text) { return Expr::parse(parseJson(text, "x.json"), {"x.json", 1, "k"}, "."); };
    std::vector<std::vector<Value>> cols = {{std::string("tea"), std::string("fish"), Value{}}, {250.0, 1500.0, 9000.0}};
    const auto row = [&](size_t i) { return Row{&cols, i}; };
    auto m = parse(R"(["match", ["get", "sector"], ["tea", "fruit"], "#00ff00", "fish", "#0000ff", "#cccccc"])");
    m->bind([](const std::string& f) { return f == "sector" ? 0 : f == "d" ? 1 : -1; });
    int branch = -1;
    EXPECT_EQ(std::get<Rgba>(m->eval(row(0), 0, &branch)), (Rgba{0, 255, 0, 255}));
    EXPECT_EQ(branch, 0);
    EXPECT_EQ(std::get<Rgba>(m->eval(row(1), 0, &branch)), (Rgba{0, 0, 255, 255}));
    EXPECT_EQ(branch, 1);
    EXPECT_EQ(std::get<Rgba>(m->eval(row(2), 0, &branch)), (Rgba{204, 204, 204, 255}));
    EXPECT_EQ(branch, 2);
    EXPECT_EQ(m->inputField(), "sector");

    auto s = parse(R"(["step", ["get", "d"], 1, 1000, 2, 5000, 3])");
    s->bind([](const std::string& f) { return f == "d" ? 1 : -1; });
    EXPECT_EQ(std::get<double>(s->eval(row(0), 0, &branch)), 1);
    EXPECT_EQ(branch, 0);
    EXPECT_EQ(std::get<double>(s->eval(row(1), 0, &branch)), 2);
    EXPECT_EQ(std::get<double>(s->eval(row(2), 0, &branch)), 3);
    EXPECT_EQ(branch, 2);

    auto ip = parse(R"(["interpolate", ["linear"], ["get", "d"], 0, 0, 1000, 10])");
    ip->bind([](const std::string& f) { return f == "d" ? 1 : -1; });
    EXPECT_DOUBLE_EQ(std::get<double>(ip->eval(row(0))), 2.5);  // 250 of 1000 -> 2.5
    EXPECT_DOUBLE_EQ(std::get<double>(ip->eval(row(2))), 10);   // clamped

    auto c =
        parse(R"(["case", [">", ["get", "d"], 5000], "far", ["all", ["has", "sector"], ["<", ["get", "d"], 1000]], "near-tea", "other"])");
    c->bind([](const std::string& f) { return f == "sector" ? 0 : f == "d" ? 1 : -1; });
    EXPECT_EQ(std::get<std::string>(c->eval(row(0))), "near-tea");
    EXPECT_EQ(std::get<std::string>(c->eval(row(1))), "other");
    EXPECT_EQ(std::get<std::string>(c->eval(row(2))), "far");

    // Palette: a county colour table; a 4-digit code missing from it falls back to its class.
    test::writeFile(dir.file("p.csv"), "code,name,color\n01,耕地,#f5f0a0\n0301,乔木林地,#4e9a4a\n");
    auto pal =
        Expr::parse(parseJson(R"(["palette", "p.csv", ["get", "sector"], "#000000"])", "x.json"), {"x.json", 1, "k"}, dir.path().string());
    std::vector<std::vector<Value>> codes = {{std::string("0301"), std::string("0103"), std::string("99")}};
    pal->bind([](const std::string&) { return 0; });
    EXPECT_EQ(std::get<Rgba>(pal->eval(Row{&codes, 0})), (Rgba{0x4e, 0x9a, 0x4a, 255}));
    EXPECT_EQ(std::get<Rgba>(pal->eval(Row{&codes, 1})), (Rgba{0xf5, 0xf0, 0xa0, 255}));
    EXPECT_EQ(std::get<Rgba>(pal->eval(Row{&codes, 2})), (Rgba{0, 0, 0, 255}));
}

TEST(Styles, MalformedFilesNameFileLineAndKey) {
    TempDir dir;
    std::string e = errorOf(writeStyle(
        dir,
        "{\n  \"layers\": [\n    {\"source\": \"roads\", \"type\": \"line\",\n     \"paint\": {\"line-width\": \"thick\"}}\n  ]\n}\n"));
    EXPECT_NE(e.find("style.json"), std::string::npos) << e;
    EXPECT_NE(e.find("line 4"), std::string::npos) << e;
    EXPECT_NE(e.find("line-width"), std::string::npos) << e;

    e = errorOf(
        writeStyle(dir, "{\"layers\": [\n {\"source\": \"roads\", \"type\": \"line\",\n  \"paint\": {\"line-colour\": \"#ff0000\"}}]}"));
    EXPECT_NE(e.find("line 3"), std::string::npos) << e;
    EXPECT_NE(e.find("line-colour"), std::string::npos) << e;

    e = errorOf(
        writeStyle(dir, "{\"layers\": [\n {\"source\": \"roads\", \"type\": \"line\",\n\n  \"paint\": {\"line-color\": \"#ff00zz\"}}]}"));
    EXPECT_NE(e.find("line 4"), std::string::npos) << e;
    EXPECT_NE(e.find("colour"), std::string::npos) << e;

    e = errorOf(writeStyle(dir, "{\"layers\": [\n {\"source\": \"roads\", \"type\": \"line\",,\n }]}"));
    EXPECT_NE(e.find("line 2"), std::string::npos) << e;
    EXPECT_NE(e.find("invalid JSON"), std::string::npos) << e;

    e = errorOf(writeStyle(dir, "{\"layers\": [{\"source\": \"roads\", \"type\": \"polygon\"}]}"));
    EXPECT_NE(e.find("type"), std::string::npos) << e;

    e = errorOf(
        writeStyle(dir, "{\"layers\": [{\"source\": \"roads\", \"type\": \"line\",\n \"paint\": {\"line-color\": [\"matc\", 1, 2]}}]}"));
    EXPECT_NE(e.find("line 2"), std::string::npos) << e;
    EXPECT_NE(e.find("matc"), std::string::npos) << e;
}

TEST(Styles, ShippedStylesAllLoadAndCoverEveryLayer) {
    const std::string dir = stylesDir();
    Style s = loadStyles({dir + "/county.json", pluginStylePath("services/coverage.json"), pluginStylePath("services/coverage_bands.json"),
                          pluginStylePath("services/gaps.json")});
    std::set<std::string> sources;
    for (const auto& l : s.layers) sources.insert(l.source);
    for (const auto& def : projectLayers()) {
        if (def.geometry == GeometryKind::None || def.geometry == GeometryKind::Raster || def.personal) continue;
        EXPECT_TRUE(sources.count(std::string(def.name))) << "no shipped style draws " << def.name;
    }
    // Every land-use code of the classification has a colour in the replaceable table.
    auto table = loadPalette(dir + "/landuse_colors.csv");
    for (const char* code : {"01", "0101", "0201", "0301", "0703", "0804", "1001", "1701", "23"}) EXPECT_TRUE(table->count(code)) << code;
}

TEST(Render, GoldenImageOfASmallProject) {
    TempDir dir;
    test::makeSmallProject(dir.file("p.gpkg"));
    auto l = loadSmall(dir.file("p.gpkg"), test::renderTestData() + "/small_style.json");
    MapView view;
    const QImage img = renderImage(*l->renderer, kSmallBox, 400, 200, 96, nullptr, &view);
    // Independent checks of where things are: township fills, the red road with its casing.
    const auto at = [&](double x, double y) { return img.pixelColor(view.toDevice(test::kX0 + x, test::kY0 + y).toPoint()); };
    EXPECT_EQ(at(1000, 4000), QColor("#ffcc00"));   // inside township 001
    EXPECT_EQ(at(19000, 5000), QColor("#3366cc"));  // inside township 002
    EXPECT_EQ(at(8000, 5000), QColor("#ff0000"));   // on the road's centre line
    // The constraint zone (x 13..19 km, y 0.5..2 km) is hatched in green over the blue township:
    // along a row through it some pixels carry the hatch, and outside it the fill is untouched.
    const auto greenish = [](QColor c) {
        return std::abs(c.red() - 0x33) + std::abs(c.green() - 0x66) + std::abs(c.blue() - 0xcc) > 40 && c.blue() < 0xb0;
    };
    int inside = 0, outside = 0;
    // Pixels are 50 m wide: leave two pixels at each edge of the zone out of both counts.
    for (double x = 10500; x < 19500; x += 25) {
        const bool hatch = greenish(at(x, 1250));
        if (x > 13100 && x < 18900)
            inside += hatch;
        else if (x < 12900 || x > 19100)
            outside += hatch;
    }
    EXPECT_GT(inside, 5);
    EXPECT_EQ(outside, 0);

    const std::string golden = test::renderTestData() + "/golden_small.png";
    if (std::getenv("RURALATLAS_UPDATE_GOLDEN")) img.save(QString::fromStdString(golden));
    QImage expected(QString::fromStdString(golden));
    ASSERT_FALSE(expected.isNull()) << "missing " << golden << " (set RURALATLAS_UPDATE_GOLDEN=1 once and review it)";
    expected = expected.convertToFormat(QImage::Format_RGB32);
    ASSERT_EQ(expected.size(), img.size());
    // Tolerance for anti-aliasing: at most 1% of pixels may differ by more than 48 in a channel.
    int off = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb a = img.pixel(x, y), b = expected.pixel(x, y);
            if (std::abs(qRed(a) - qRed(b)) > 48 || std::abs(qGreen(a) - qGreen(b)) > 48 || std::abs(qBlue(a) - qBlue(b)) > 48) ++off;
        }
    EXPECT_LT(off, img.width() * img.height() / 100) << off << " pixels differ from the golden image";
}

TEST(Render, LegendListsExactlyTheCategoriesDrawn) {
    TempDir dir;
    test::makeSmallProject(dir.file("p.gpkg"));
    auto l = loadSmall(dir.file("p.gpkg"), test::renderTestData() + "/small_style.json");
    const auto villageItems = [&](const Box& world) {
        RenderReport rep;
        renderImage(*l->renderer, world, 400, 400, 96, &rep);
        std::vector<std::string> items;
        for (const auto& g : rep.legend)
            if (g.title == QStringLiteral("行政村"))
                for (const auto& it : g.items) items.push_back(it.label.toStdString());
        return items;
    };
    // Township 001 alone holds a former-poor and an ordinary village; the key-assisted one
    // lies in township 002 and must not be listed.
    EXPECT_EQ(villageItems({test::kX0, test::kY0, test::kX0 + 9000, test::kY0 + 9000}), (std::vector<std::string>{"脱贫村", "其他"}));
    EXPECT_EQ(villageItems(kSmallBox), (std::vector<std::string>{"脱贫村", "乡村振兴重点帮扶村", "其他"}));
    // Category labels come from the style when given.
    RenderReport rep;
    renderImage(*l->renderer, {test::kX0, test::kY0, test::kX0 + 9000, test::kY0 + 9000}, 400, 400, 96, &rep);
    std::vector<std::string> towns;
    for (const auto& g : rep.legend)
        if (g.title == QStringLiteral("乡镇"))
            for (const auto& it : g.items) towns.push_back(it.label.toStdString());
    EXPECT_EQ(towns, std::vector<std::string>{"甲镇"});
}

TEST(Render, ScaleBarMatchesTheMapWithinOnePercent) {
    TempDir dir;
    test::makeSmallProject(dir.file("p.gpkg"));
    auto l = loadSmall(dir.file("p.gpkg"), test::renderTestData() + "/small_style.json");
    // 254 dpi = 10 px per mm, so 1:S means 1 px = S/10 mm on the ground.
    MapView view;
    const QImage img = renderImage(*l->renderer, kSmallBox, 2000, 1000, 254, nullptr, &view);
    // The road is 10,000 m long in the data: measure its red pixels along its row.
    const int row = int(view.toDevice(test::kX0 + 10000, test::kY0 + 5000).y());
    int first = -1, last = -1;
    for (int x = 0; x < img.width(); ++x)
        if (img.pixelColor(x, row) == QColor("#ff0000")) {
            if (first < 0) first = x;
            last = x;
        }
    ASSERT_GT(last, first);
    // Round caps add half the line width (1 mm = 10 px) at each end.
    const double roadPx = (last - first + 1) - 10.0;
    const double measuredPxPerMetre = roadPx / 10000.0;
    const ScaleBarSpec bar = chooseScaleBar(view, 40);
    EXPECT_NEAR(bar.lengthPx / bar.metres, measuredPxPerMetre, measuredPxPerMetre * 0.01);
    // The printed ratio agrees: 1 mm on paper = scaleDenominator mm on the ground.
    EXPECT_NEAR(view.scaleDenominator(), 10.0 / measuredPxPerMetre * 1000.0, view.scaleDenominator() * 0.01);

    // And the bar as drawn has that length.
    QImage canvas(1000, 200, QImage::Format_RGB32);
    canvas.setDotsPerMeterX(10000);
    canvas.setDotsPerMeterY(10000);
    canvas.fill(Qt::white);
    {
        QPainter p(&canvas);
        drawScaleBar(p, view, QPointF(100, 150), 40);
    }
    int b0 = -1, b1 = -1;
    for (int x = 0; x < canvas.width(); ++x)
        if (qGray(canvas.pixel(x, 150 - 6)) < 60) {
            if (b0 < 0) b0 = x;
            b1 = x;
        }
    EXPECT_NEAR(b1 - b0, bar.lengthPx, bar.lengthPx * 0.01 + 1);
}

TEST(Render, EveryLabelGlyphIsInTheFontAndMissingOnesAreNeverTofu) {
    const Fonts& fonts = Fonts::instance();
    for (const auto& v : test::defaultVillages()) EXPECT_TRUE(fonts.missingGlyphs(QString::fromStdString(v.name)).isEmpty()) << v.name;
    // 𪚥 (U+2A6A5, CJK extension B) is not in WenQuanYi Zen Hei.
    const QString rare = QString::fromUcs4(U"龙𪚥村");
    ASSERT_FALSE(fonts.missingGlyphs(rare).isEmpty());
    EXPECT_EQ(fonts.printable(rare), QString::fromUcs4(U"龙〓村"));

    TempDir dir;
    auto villages = test::defaultVillages();
    villages[0].name = "龙𪚥村";
    test::makeSmallProject(dir.file("p.gpkg"), villages);
    auto l = loadSmall(dir.file("p.gpkg"), test::renderTestData() + "/small_style.json");
    RenderReport rep;
    renderImage(*l->renderer, kSmallBox, 800, 400, 96, &rep);
    EXPECT_TRUE(rep.labels.contains(QString::fromUcs4(U"龙〓村")));
    ASSERT_EQ(rep.warnings.size(), 1);
    for (const auto& label : rep.labels) EXPECT_TRUE(fonts.missingGlyphs(label).isEmpty()) << label.toStdString();
}

TEST(Render, PdfTextIsExactlyTheLabelsDrawn) {
    TempDir dir;
    test::makeSmallProject(dir.file("p.gpkg"));
    auto l = loadSmall(dir.file("p.gpkg"), test::renderTestData() + "/small_style.json");
    const std::string pdfPath = dir.file("map.pdf");
    RenderReport rep;
    {
        QPdfWriter pdf(QString::fromStdString(pdfPath));
        pdf.setResolution(300);
        pdf.setPageSize(QPageSize(QSizeF(200, 100), QPageSize::Millimeter));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter p(&pdf);
        MapOptions o;
        o.scaleBar = o.northArrow = false;  // only labels as text
        rep = drawMap(p, *l->renderer, kSmallBox, QRectF(0, 0, pdf.width(), pdf.height()), 300, true, o).report;
    }
    ASSERT_EQ(rep.labels.size(), 5);
    const std::string txt = dir.file("map.txt");
    ASSERT_EQ(std::system(("pdftotext -enc UTF-8 " + pdfPath + " " + txt).c_str()), 0) << "pdftotext (poppler-utils) is needed";
    QStringList extracted = QString::fromStdString(test::readFile(txt)).split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
    QStringList drawn = rep.labels;
    extracted.sort();
    drawn.sort();
    // Character for character: 土 must not come back as the Kangxi radical ⼟ (U+2F1F).
    EXPECT_EQ(extracted, drawn) << "pdftotext: " << extracted.join(" ").toStdString();
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ensureGuiApplication();
    io::initGdal();
    return RUN_ALL_TESTS();
}

// A one-off render reads only the features its filters can pass at the map's scale (national
// views skip village roads): the SQL condition must keep every feature a filter passes at
// any scale of the range, and may keep more.
TEST(Render, ReadingOnlyWhatTheFiltersCanPassLosesNothingDrawn) {
    TempDir dir;
    std::vector<test::SmallVillage> villages;
    const char* statuses[] = {"former_poor", "ordinary", "key_assisted", "relocation_site_village", ""};
    for (int i = 0; i < 40; ++i) {
        char code[16];
        std::snprintf(code, sizeof code, "4331270%02d%03d", 1 + i % 2, i + 1);
        villages.push_back(
            {code, i == 8 ? "O'Neil村" : "村" + std::to_string(i), statuses[i % 5], test::kX0 + 400.0 * i + 100, test::kY0 + 5000});
    }
    test::makeSmallProject(dir.file("p.gpkg"), villages);
    {  // a null status and varied populations
        io::DatasetPtr ds = io::openVector(dir.file("p.gpkg"), true);
        ASSERT_EQ(ds->ExecuteSQL("UPDATE villages SET population = 100 * fid, status = NULLIF(status, '')", nullptr, nullptr), nullptr);
    }
    const std::string style = writeStyle(dir, R"({"version": 1, "layers": [
      {"id": "a", "source": "villages", "type": "circle",
       "filter": ["any", ["in", ["get", "status"], ["former_poor", "key_assisted"]],
                         ["all", [">=", ["get", "population"], 3000], ["<=", ["scale"], 100000]]]},
      {"id": "b", "source": "villages", "type": "circle",
       "filter": ["all", ["==", ["get", "name"], "O'Neil村"], ["!=", ["get", "status"], "former_poor"]]},
      {"id": "c", "source": "roads", "type": "line",
       "filter": ["any", ["==", ["get", "class"], "national"], ["all", ["==", ["get", "class"], "county"], ["<=", ["scale"], 50000]]]}
    ]})");
    Style st = loadStyle(style);

    // The condition itself, against the shipped road filter at a national and a county scale.
    const Style shipped = loadStyle(std::string(RURALATLAS_SOURCE_DIR) + "/styles/county.json");
    for (const auto& l : shipped.layers)
        if (l.id == "roads") {
            const auto text = [](const std::string& f) -> char { return f == "class" ? 's' : 0; };
            EXPECT_EQ(l.filter->sqlSuperset(4.6e6, 1e7, text).value_or("(all)"), "(\"class\" IN ('national', 'provincial'))");
            // Township roads switch on inside this range; village roads only below 1:500,000.
            EXPECT_EQ(l.filter->sqlSuperset(7e5, 1.5e6, text).value_or("(all)"),
                      "(\"class\" IN ('national', 'provincial')) OR ((\"class\" = 'county')) OR ((\"class\" = 'township'))");
            EXPECT_EQ(l.filter->sqlSuperset(2e5, 4e5, text).value_or("(all)"), "(all)");
        }

    const auto p = io::openProjectSource(dir.file("p.gpkg"));
    auto all = MapData::load(*p, {}, layerRequests(st), std::nullopt);
    bindStyle(st, *all);
    for (const auto& range : {std::make_pair(5e4, 8e4), std::make_pair(8e4, 2e5), std::make_pair(2e5, 5e5)}) {
        Style s2 = loadStyle(style);
        auto some = MapData::load(*p, {}, layerRequests(s2, range), std::nullopt);
        const FeatureLayer* A = all->find("villages");
        const FeatureLayer* S = some->find("villages");
        ASSERT_TRUE(A && S);
        std::set<long long> kept;
        for (size_t i = 0; i < S->size(); ++i) kept.insert(S->fid(i));
        std::set<long long> drawn;
        for (const auto& l : st.layers)
            if (l.source == "villages")
                for (size_t i = 0; i < A->size(); ++i)
                    for (double scale : {range.first, (range.first + range.second) / 2, range.second})
                        if (truthy(l.filter->eval(A->row(i), scale))) drawn.insert(A->fid(i));
        for (long long f : drawn) EXPECT_TRUE(kept.count(f)) << "village " << f << " is drawn but was not read at 1:" << range.first;
        // Worked out by hand: 16 former-poor or key-assisted villages and O'Neil (relocation
        // site village); when any part of the range is below 1:100,000 also the 11 of
        // population >= 3000 (fid >= 30), 4 of them already counted.
        const size_t expected = range.first <= 1e5 ? 16 + 11 - 4 + 1 : 17;
        EXPECT_EQ(kept.size(), expected) << "at 1:" << range.first;
        const FeatureLayer* R = some->find("roads");
        ASSERT_TRUE(R);
        EXPECT_EQ(R->size(), range.first <= 5e4 ? 1u : 0u) << "at 1:" << range.first;  // the one road is a county road
    }
}

// A large raster map is drawn in bands on several threads: the picture, the labels, the legend
// and the count must be those of drawing it on one thread. Seams may differ by rounding only.
TEST(Render, BandsOnSeveralThreadsDrawTheSameMap) {
    TempDir dir;
    test::makeSmallProject(dir.file("p.gpkg"));
    auto l = loadSmall(dir.file("p.gpkg"), test::renderTestData() + "/small_style.json");
    const auto draw = [&](int threads, RenderReport& rep) {
        QImage img(1000, 500, QImage::Format_RGB32);
        img.fill(Qt::white);
        QPainter p(&img);
        MapView v;
        v.target = QRectF(0, 0, 1000, 500);
        v.dpi = 150;
        v.extent = fitExtent(kSmallBox, v.target, 0.02);
        v.threads = threads;
        rep = l->renderer->render(p, v);
        return img;
    };
    RenderReport one;
    const QImage ref = draw(1, one);
    for (int threads : {2, 3, 7}) {
        RenderReport many;
        const QImage img = draw(threads, many);
        int off = 0, far = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QRgb a = img.pixel(x, y), b = ref.pixel(x, y);
                const int d = std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
                off += d > 0;
                far += d > 8;
            }
        EXPECT_EQ(far, 0) << threads << " threads";
        EXPECT_LT(off, 50) << threads << " threads";
        EXPECT_EQ(many.featuresDrawn, one.featuresDrawn);
        EXPECT_EQ(many.labels, one.labels);
        ASSERT_EQ(many.legend.size(), one.legend.size());
        for (size_t g = 0; g < one.legend.size(); ++g) {
            ASSERT_EQ(many.legend[g].items.size(), one.legend[g].items.size());
            for (size_t i = 0; i < one.legend[g].items.size(); ++i) EXPECT_EQ(many.legend[g].items[i].label, one.legend[g].items[i].label);
        }
    }
    // Something was drawn in every band (the test would pass on a blank map otherwise).
    for (int band = 0; band < 7; ++band) {
        bool any = false;
        for (int y = band * 500 / 7; y < (band + 1) * 500 / 7 && !any; ++y)
            for (int x = 0; x < ref.width() && !any; ++x) any = ref.pixel(x, y) != qRgb(255, 255, 255);
        EXPECT_TRUE(any) << "band " << band;
    }
}

// The PNG writer: chunks with correct CRCs, one zlib stream whose Adler-32 checks (inflated
// here with zlib itself), and the same pixels and resolution when Qt reads the file back.
TEST(Render, PngWrittenInBandsIsOneValidStream) {
    TempDir dir;
    QImage img(1333, 517, QImage::Format_RGB32);  // odd sizes: bands do not divide the rows
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            img.setPixel(x, y, (x / 40 + y / 30) % 3 ? qRgb(x % 256, (x * y) % 251, (y * 7) % 256) : qRgb(250, 250, 245));
    img.setDotsPerMeterX(11811);  // 300 dpi
    img.setDotsPerMeterY(11811);
    for (int threads : {1, 2, 5}) {
        const std::string path = dir.file("m" + std::to_string(threads) + ".png");
        writePng(img, path, threads);
        const QImage back(QString::fromStdString(path));
        ASSERT_FALSE(back.isNull());
        EXPECT_EQ(back.convertToFormat(QImage::Format_RGB32), img);
        EXPECT_EQ(back.dotsPerMeterX(), 11811);

        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ASSERT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
        const auto be32 = [&](size_t at) {
            return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
                   (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
        };
        std::string zdata, types;
        for (size_t at = 8; at + 12 <= bytes.size();) {
            const uint32_t n = be32(at);
            const std::string type = bytes.substr(at + 4, 4);
            ASSERT_LE(at + 12 + n, bytes.size());
            const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(bytes.data() + at + 4), uInt(4 + n));
            EXPECT_EQ(be32(at + 8 + n), uint32_t(crc)) << type << " chunk CRC";
            if (type == "IDAT") zdata += bytes.substr(at + 8, n);
            if (types.empty() || types.substr(types.size() - 4) != type) types += type;
            at += 12 + n;
        }
        EXPECT_EQ(types, "IHDRpHYsIDATIEND");
        std::vector<unsigned char> raw(size_t(img.height()) * (1 + 3 * size_t(img.width())) + 1);
        uLongf rawLen = uLongf(raw.size());
        ASSERT_EQ(uncompress(raw.data(), &rawLen, reinterpret_cast<const Bytef*>(zdata.data()), uLong(zdata.size())), Z_OK);
        EXPECT_EQ(rawLen, uLongf(raw.size() - 1));
    }
}

// The legend lists a line only when the line itself crosses the frame, not when only its
// bounding box does; a frame wholly inside a polygon lists that polygon.
TEST(Render, LegendIgnoresALineWhoseBoxAloneMeetsTheFrame) {
    TempDir dir;
    test::makeSmallProject(dir.file("p.gpkg"));
    {
        io::DatasetPtr ds = io::openVector(dir.file("p.gpkg"), true);
        OGRLayer* roads = ds->GetLayerByName("roads");
        ASSERT_EQ(roads->SetAttributeFilter(nullptr), OGRERR_NONE);
        ASSERT_EQ(ds->ExecuteSQL("DELETE FROM roads", nullptr, nullptr), nullptr);
        io::FeaturePtr f(OGRFeature::CreateFeature(roads->GetLayerDefn()));
        f->SetField("id", "R2");
        f->SetField("class", "county");
        OGRLineString ls;  // the diagonal of township 001
        ls.addPoint(test::kX0, test::kY0);
        ls.addPoint(test::kX0 + 10000, test::kY0 + 10000);
        f->SetGeometry(&ls);
        ASSERT_EQ(roads->CreateFeature(f.get()), OGRERR_NONE);
    }
    auto l = loadSmall(dir.file("p.gpkg"), test::renderTestData() + "/small_style.json");
    const std::string roadTitle = l->data->find("roads")->title;
    const auto titles = [&](const Box& world) {
        RenderReport rep;
        renderImage(*l->renderer, world, 300, 300, 96, &rep);
        std::vector<std::string> out;
        for (const auto& g : rep.legend) out.push_back(g.title.toStdString());
        return out;
    };
    const auto has = [](const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); };
    // A corner of the township below the diagonal: inside the road's box, away from the road.
    const auto corner = titles({test::kX0 + 7000, test::kY0 + 500, test::kX0 + 9500, test::kY0 + 3000});
    EXPECT_FALSE(has(corner, roadTitle));
    EXPECT_TRUE(has(corner, "乡镇"));  // the frame lies wholly inside township 001
    // A frame the diagonal crosses.
    EXPECT_TRUE(has(titles({test::kX0 + 4000, test::kY0 + 4000, test::kX0 + 6000, test::kY0 + 6000}), roadTitle));
}

// A gridded layer saved into the project (a GeoPackage gridded coverage, written here with GDAL
// directly): every cell is drawn in the colour its value's class gives, cells without a value
// and cells the filter refuses stay clear, and the legend names only the classes drawn.
TEST(Render, GriddedLayerColoursEveryCellByItsValue) {
    TempDir dir;
    const std::string project = dir.file("p.gpkg");
    test::makeSmallProject(project);
    // 20 x 10 cells of 1 km over the county; a cell's value is 0.05 x its column; cell (3, 3)
    // has none.
    constexpr int W = 20, H = 10;
    std::vector<float> v(W * H);
    for (int r = 0; r < H; ++r)
        for (int c = 0; c < W; ++c) v[size_t(r * W + c)] = r == 3 && c == 3 ? -9999.f : 0.05f * float(c);
    {
        GDALDatasetUniquePtr mem(GetGDALDriverManager()->GetDriverByName("MEM")->Create("", W, H, 1, GDT_Float32, nullptr));
        double gt[6] = {test::kX0, 1000, 0, test::kY0 + 10000, 0, -1000};
        mem->SetGeoTransform(gt);
        OGRSpatialReference srs;
        srs.importFromEPSG(4546);
        mem->SetSpatialRef(&srs);
        mem->GetRasterBand(1)->SetNoDataValue(-9999);
        ASSERT_EQ(mem->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, W, H, v.data(), W, H, GDT_Float32, 0, 0), CE_None);
        const char* co[] = {"APPEND_SUBDATASET=YES", "RASTER_TABLE=score", "RASTER_IDENTIFIER=评分", "TILE_FORMAT=TIFF", nullptr};
        GDALDatasetUniquePtr out(GetGDALDriverManager()->GetDriverByName("GPKG")->CreateCopy(project.c_str(), mem.get(), FALSE,
                                                                                             const_cast<char**>(co), nullptr, nullptr));
        ASSERT_TRUE(out);
    }
    const auto draw = [&](const std::string& filter, const Box& world, RenderReport* rep, MapView* view) {
        const std::string style =
            writeStyle(dir, R"({"version": 1, "layers": [{"id": "s", "source": "score", "type": "raster",)" + filter +
                                R"( "paint": {"raster-color": ["step", ["get", "value"], "#ff0000", 0.5, "#00ff00", 0.8, "#0000ff"]}}]})");
        auto l = loadSmall(project, style);
        EXPECT_TRUE(l->data->find("score") && l->data->find("score")->grid());
        return renderImage(*l->renderer, world, 400, 200, 96, rep, view);
    };
    RenderReport rep;
    MapView view;
    QImage img = draw("", kSmallBox, &rep, &view);
    const auto cellColour = [&](const QImage& im, int c, int r) {
        return im.pixelColor(view.toDevice(test::kX0 + 1000 * c + 500, test::kY0 + 10000 - 1000 * r - 500).toPoint());
    };
    for (int r = 0; r < H; ++r)
        for (int c = 0; c < W; ++c) {
            const float x = v[size_t(r * W + c)];
            const QColor want = x < 0 ? QColor(Qt::white) : x < 0.5f ? QColor("#ff0000") : x < 0.8f ? QColor("#00ff00") : QColor("#0000ff");
            EXPECT_EQ(cellColour(img, c, r), want) << "cell " << c << ", " << r << " value " << x;
        }
    ASSERT_EQ(rep.legend.size(), 1u);
    EXPECT_EQ(rep.legend[0].title, QStringLiteral("评分"));
    std::vector<std::string> labels;
    for (const auto& it : rep.legend[0].items) labels.push_back(it.label.toStdString());
    EXPECT_EQ(labels, (std::vector<std::string>{"< 0.5", "0.5–0.8", "≥ 0.8"}));
    // Only the western columns (values below 0.5) in view: one class in the legend.
    img = draw("", {test::kX0, test::kY0, test::kX0 + 5000, test::kY0 + 2500}, &rep, &view);
    ASSERT_EQ(rep.legend.size(), 1u);
    ASSERT_EQ(rep.legend[0].items.size(), 1u);
    EXPECT_EQ(rep.legend[0].items[0].label.toStdString(), "< 0.5");
    // A filter leaves the cells it refuses clear.
    img = draw(R"( "filter": [">=", ["get", "value"], 0.3],)", kSmallBox, &rep, &view);
    for (int c = 0; c < W; ++c) EXPECT_EQ(cellColour(img, c, 0), c * 0.05f >= 0.3f ? cellColour(img, c, 1) : QColor(Qt::white)) << c;
    EXPECT_EQ(cellColour(img, 2, 5), QColor(Qt::white));
    EXPECT_EQ(cellColour(img, 12, 5), QColor("#00ff00"));
}
