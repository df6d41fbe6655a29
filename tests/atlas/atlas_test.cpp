// Atlas tests: page counts, every page's text names its feature (pdftotext, so the text layer
// reads back as the right characters), household suppression, template errors, PNG pages, and
// the PDF binder on its own (parts from QPdfWriter, bookmarks, links).
#include <gtest/gtest.h>

#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <regex>
#include <sstream>

#include "../render/render_fixtures.hpp"
#include "atlas/pdf_book.hpp"
#include "core/error.hpp"
#include "render/fonts.hpp"
#include "render/gui_session.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

std::string shipped(const std::string& name) { return std::string(RURALATLAS_STYLES) + "/atlas/" + name; }

int pdfPages(const std::string& pdf, const TempDir& dir) {
    const std::string info = dir.file("pdfinfo.txt");
    if (std::system(("pdfinfo " + quote(pdf) + " > " + quote(info)).c_str()) != 0) return -1;
    std::smatch m;
    const std::string text = readFile(info);
    if (!std::regex_search(text, m, std::regex("Pages:\\s+(\\d+)"))) return -1;
    return std::stoi(m[1]);
}

std::string pageText(const std::string& pdf, int page, const TempDir& dir, bool layout = false) {
    const std::string out = dir.file("page.txt");
    const std::string cmd = "pdftotext -enc UTF-8 " + std::string(layout ? "-layout " : "") + "-f " + std::to_string(page) + " -l " +
                            std::to_string(page) + " " + quote(pdf) + " " + quote(out);
    if (std::system(cmd.c_str()) != 0) return {};
    return readFile(out);
}

// The small project plus what atlas pages print about households: 红土坪村 has 3 monitored
// households, 12 lifted ones, and a ledger with 3 households whose main cause is illness and
// 7 whose cause is education; an industry project benefits 4 of its households.
void makeAtlasProject(const std::string& path) {
    makeSmallProject(path);
    io::DatasetPtr ds = io::openVector(path, true);
    ds->StartTransaction();
    OGRLayer* v = ds->GetLayerByName("villages");
    v->SetAttributeFilter("code = '433127001001'");
    io::FeaturePtr f(v->GetNextFeature());
    f->SetField("monitored_households", 3);
    f->SetField("poor_households", 12);
    f->SetField("households", 340);
    ASSERT_EQ(v->SetFeature(f.get()), OGRERR_NONE);
    v->SetAttributeFilter(nullptr);
    OGRLayer* h = ds->GetLayerByName("households");
    int id = 0;
    for (const auto& [cause, n] : std::vector<std::pair<const char*, int>>{{"illness", 3}, {"education", 7}})
        for (int i = 0; i < n; ++i) {
            io::FeaturePtr hf(OGRFeature::CreateFeature(h->GetLayerDefn()));
            hf->SetField("id", ("H" + std::to_string(++id)).c_str());
            hf->SetField("village_code", "433127001001");
            hf->SetField("cause", cause);
            hf->SetField("members", 4);
            OGRPoint pt(kX0 + 2000 + i * 10, kY0 + 7000);
            hf->SetGeometry(&pt);
            ASSERT_EQ(h->CreateFeature(hf.get()), OGRERR_NONE);
        }
    OGRLayer* ip = ds->GetLayerByName("industry_projects");
    io::FeaturePtr pf(OGRFeature::CreateFeature(ip->GetLayerDefn()));
    pf->SetField("id", "P1");
    pf->SetField("name", "红土坪茶叶基地");
    pf->SetField("sector", "tea");
    pf->SetField("status", "existing");
    pf->SetField("investment", 250.0);
    OGRPoint pp(kX0 + 2500, kY0 + 7200);
    pf->SetGeometry(&pp);
    ASSERT_EQ(ip->CreateFeature(pf.get()), OGRERR_NONE);
    OGRLayer* links = ds->GetLayerByName("project_links");
    io::FeaturePtr lf(OGRFeature::CreateFeature(links->GetLayerDefn()));
    lf->SetField("project_id", "P1");
    lf->SetField("village_code", "433127001001");
    lf->SetField("households", 4);
    ASSERT_EQ(links->CreateFeature(lf.get()), OGRERR_NONE);
    ds->CommitTransaction();
}

class Atlas : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new TempDir();
        makeAtlasProject(s_dir->file("small.gpkg"));
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }
    static std::string project() { return quote(s_dir->file("small.gpkg")); }
    static TempDir* s_dir;
};
TempDir* Atlas::s_dir = nullptr;

// Default order: township, then code.
const std::vector<std::pair<std::string, std::string>> kVillages = {{"433127001001", "红土坪村"},
                                                                    {"433127001002", "米石生村"},
                                                                    {"433127002001", "页长门村"},
                                                                    {"433127002002", "马贝见村"},
                                                                    {"433127002003", "车鸟龙黄村"}};

}  // namespace

TEST_F(Atlas, VillageBookHasCoverContentsAndOnePagePerVillageNamingIt) {
    TempDir dir;
    const std::string pdf = dir.file("villages.pdf");
    const auto r = runCli("atlas " + project() + " --template " + quote(shipped("village_profile.json")) + " --by villages --json --out " +
                          quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"feature_pages\": 5"), std::string::npos) << r.output;
    ASSERT_EQ(pdfPages(pdf, dir), 5 + 2);  // cover + one contents page + 5 villages
    // Cover and contents.
    EXPECT_NE(pageText(pdf, 1, dir).find("永顺县村级规划图集"), std::string::npos);
    const std::string contents = pageText(pdf, 2, dir);
    EXPECT_NE(contents.find("目"), std::string::npos);
    for (const auto& [code, name] : kVillages) EXPECT_NE(contents.find(name), std::string::npos) << name;
    // Every village page: its own name and code, in order, and no other village's title.
    for (size_t i = 0; i < kVillages.size(); ++i) {
        const std::string text = pageText(pdf, int(i) + 3, dir);
        EXPECT_NE(text.find(kVillages[i].first), std::string::npos) << "page " << i + 3 << ":\n" << text;
        EXPECT_NE(text.find(kVillages[i].second), std::string::npos) << "page " << i + 3 << ":\n" << text;
        EXPECT_TRUE(std::regex_search(text, std::regex("第\\s*" + std::to_string(i + 3) + "\\s*页"))) << text;
        EXPECT_NE(text.find("基本情况"), std::string::npos);
    }
}

TEST_F(Atlas, WhereAndSortSelectAndOrderPages) {
    TempDir dir;
    const std::string pdf = dir.file("t2.pdf");
    auto r = runCli("atlas " + project() + " --template " + quote(shipped("village_profile.json")) +
                    " --by villages --where \"township_code = '433127002'\" --sort -code --no-front-matter --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    ASSERT_EQ(pdfPages(pdf, dir), 3);
    EXPECT_NE(pageText(pdf, 1, dir).find("车鸟龙黄村"), std::string::npos);
    EXPECT_NE(pageText(pdf, 3, dir).find("页长门村"), std::string::npos);

    r = runCli("atlas " + project() + " --template " + quote(shipped("village_profile.json")) +
               " --by villages --where \"nonsense ===\" --out " + quote(dir.file("x.pdf")));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("--where"), std::string::npos) << r.output;
    r = runCli("atlas " + project() + " --template " + quote(shipped("village_profile.json")) +
               " --by villages --where \"code = 'none'\" --out " + quote(dir.file("x.pdf")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("no feature matches"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("x.pdf")));
}

TEST_F(Atlas, HouseholdCountsUnderFiveNeverPrint) {
    TempDir dir;
    // A layout whose only numbers are household aggregates and the page number (1).
    const std::string tpl = dir.file("households.json");
    writeFile(tpl, R"({"version": 1, "by": "villages", "paper": "A4", "orientation": "portrait", "frames": [
      {"type": "text", "rect": [10, 10, 190, 10], "text": "{name}"},
      {"type": "text", "rect": [10, 22, 190, 8], "text": "监测户数 {monitored_households} 脱贫户数 {poor_households}"},
      {"type": "table", "source": "figures", "rect": [10, 40, 190, 30], "fields": ["monitored_households", "poor_households", "status"]},
      {"type": "chart", "source": "hardship_causes", "title": "致贫风险", "rect": [10, 80, 190, 60]},
      {"type": "table", "source": "industry", "title": "产业", "rect": [10, 150, 190, 30]}
    ]})");
    const std::string pdf = dir.file("hh.pdf");
    const auto r = runCli("atlas " + project() + " --template " + quote(tpl) +
                          " --by villages --where \"code = '433127001001'\" --no-front-matter --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string text = pageText(pdf, 1, dir, true);
    ASSERT_NE(text.find("红土坪村"), std::string::npos) << text;
    // 3 monitored households, 3 households with illness, 4 households in the project: each "<5".
    std::istringstream words(text);
    std::string w;
    int suppressed = 0;
    while (words >> w) {
        EXPECT_NE(w, "3") << text;
        EXPECT_NE(w, "4") << text;
        suppressed += w.find("<5") != std::string::npos;
    }
    EXPECT_GE(suppressed, 4) << text;                       // text, figures, chart (illness), project link
    EXPECT_NE(text.find("12"), std::string::npos) << text;  // 12 lifted households print
    EXPECT_NE(text.find("7"), std::string::npos) << text;   // 7 households with education print
}

TEST_F(Atlas, TemplateErrorsNameFileLineAndKey) {
    TempDir dir;
    const std::string off = dir.file("off.json");
    writeFile(off,
              "{\"version\": 1, \"paper\": \"A4\", \"orientation\": \"portrait\", \"frames\": [\n"
              "  {\"type\": \"text\", \"rect\": [10, 10, 100, 10], \"text\": \"{name}\"},\n"
              "  {\"type\": \"map\", \"id\": \"main\", \"rect\": [150, 20, 100, 100]}\n]}");
    auto r = runCli("atlas " + project() + " --template " + quote(off) + " --by villages --out " + quote(dir.file("o.pdf")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("off.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("line 3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"rect\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("off the A4 portrait page"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("o.pdf")));

    const std::string unknown = dir.file("unknown.json");
    writeFile(unknown,
              "{\"version\": 1, \"paper\": \"A4\",\n \"frames\": [\n"
              "  {\"type\": \"text\", \"rect\": [10, 10, 100, 10],\n   \"text\": \"{nmae}村情\"}\n]}");
    r = runCli("atlas " + project() + " --template " + quote(unknown) + " --by villages --out " + quote(dir.file("u.pdf")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("unknown.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("line 4"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("{nmae}"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("u.pdf")));

    // A figures field that the page's layer lacks, and a layout made for other pages.
    const std::string field = dir.file("field.json");
    writeFile(field,
              "{\"paper\": \"A4\", \"frames\": [{\"type\": \"table\", \"source\": \"figures\", \"rect\": [10, 10, 100, 50],\n"
              " \"fields\": [\"population\", \"populaton\"]}]}");
    r = runCli("atlas " + project() + " --template " + quote(field) + " --by villages --out " + quote(dir.file("f.pdf")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("populaton"), std::string::npos) << r.output;
    r = runCli("atlas " + project() + " --template " + quote(shipped("township_overview.json")) + " --by villages --out " +
               quote(dir.file("f.pdf")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("made for townships"), std::string::npos) << r.output;
}

TEST_F(Atlas, TownshipBookRanksVillagesAndWritesPngPages) {
    TempDir dir;
    const std::string pdf = dir.file("townships.pdf");
    const std::string pngs = dir.file("png");
    const auto r = runCli("atlas " + project() + " --template " + quote(shipped("township_overview.json")) +
                          " --by townships --pages-as-png " + quote(pngs) + " --png-dpi 60 --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    ASSERT_EQ(pdfPages(pdf, dir), 2 + 2);
    const std::string first = pageText(pdf, 3, dir);
    EXPECT_NE(first.find("甲镇"), std::string::npos) << first;
    EXPECT_NE(first.find("433127001"), std::string::npos) << first;
    // The ranking table lists the township's own villages and not the other township's.
    EXPECT_NE(first.find("红土坪村"), std::string::npos) << first;
    EXPECT_NE(first.find("米石生村"), std::string::npos) << first;
    EXPECT_EQ(first.find("马贝见村"), std::string::npos) << first;
    // One PNG per page, A3 landscape at 60 dpi.
    for (int i = 1; i <= 4; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "page-%03d.png", i);
        QImage img(QString::fromStdString(pngs + "/" + name));
        ASSERT_FALSE(img.isNull()) << name;
        EXPECT_EQ(img.width(), 992);  // 420 mm at 60 dpi
        EXPECT_EQ(img.height(), 702);
    }
}

TEST_F(Atlas, ResettlementSitesWithoutSitesSayWhy) {
    TempDir dir;
    const auto r = runCli("atlas " + project() + " --template " + quote(shipped("resettlement_site.json")) +
                          " --by resettlement_sites --out " + quote(dir.file("s.pdf")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("resettlement_sites"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nothing to print"), std::string::npos) << r.output;
}

TEST(AtlasUnlocated, AVillageWithoutAPointGetsItsTownshipAndSaysSo) {
    TempDir dir;
    const std::string path = dir.file("p.gpkg");
    makeSmallProject(path);
    {
        io::DatasetPtr ds = io::openVector(path, true);
        OGRLayer* v = ds->GetLayerByName("villages");
        io::FeaturePtr f(OGRFeature::CreateFeature(v->GetLayerDefn()));
        f->SetField("code", "433127001003");
        f->SetField("name", "无坐标村");
        f->SetField("township_code", "433127001");
        f->SetField("population", 500);
        ASSERT_EQ(v->CreateFeature(f.get()), OGRERR_NONE);
    }
    const std::string pdf = dir.file("u.pdf");
    const auto r = runCli("atlas " + quote(path) + " --template " + quote(shipped("village_plain.json")) +
                          " --by villages --no-front-matter --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("1 villages have no location"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("433127001003"), std::string::npos) << r.output;
    ASSERT_EQ(pdfPages(pdf, dir), 6);
    const std::string text = pageText(pdf, 3, dir);  // township 001: 001, 002, then 003
    EXPECT_NE(text.find("无坐标村"), std::string::npos) << text;
    EXPECT_NE(text.find("未采集位置"), std::string::npos) << text;
    EXPECT_NE(text.find("甲镇"), std::string::npos) << text;
    EXPECT_EQ(pageText(pdf, 1, dir).find("未采集位置"), std::string::npos);
}

// The binder alone: three parts from QPdfWriter become one book with the pages in order,
// the text of every page intact, bookmarks and a link.
TEST(PdfBook, BindsPartsInOrderWithOutlineAndLinks) {
    TempDir dir;
    std::vector<std::string> parts;
    const QStringList words = {QStringLiteral("红土坪村"), QStringLiteral("米石生村"), QStringLiteral("页长门村"),
                               QStringLiteral("马贝见村"), QStringLiteral("车鸟龙黄村")};
    int word = 0;
    for (int part = 0; part < 3; ++part) {
        parts.push_back(dir.file("part" + std::to_string(part) + ".pdf"));
        QPdfWriter pdf(QString::fromStdString(parts.back()));
        pdf.setResolution(300);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter p(&pdf);
        p.setFont(render::Fonts::instance().font(8, 300));
        const int pages = part == 1 ? 3 : 1;
        for (int i = 0; i < pages; ++i) {
            if (i) pdf.newPage();
            p.drawText(QPointF(300, 500), words[word++]);
        }
    }
    atlas::BookInfo info;
    info.title = QStringLiteral("测试图集");
    info.outline = {{QStringLiteral("甲镇"), 0, {{QStringLiteral("红土坪村"), 0, {}}, {QStringLiteral("米石生村"), 1, {}}}},
                    {QStringLiteral("乙乡"), 2, {{QStringLiteral("车鸟龙黄村"), 4, {}}}}};
    info.links = {{0, QRectF(20, 20, 100, 10), 4}};
    const std::string book = dir.file("book.pdf");
    atlas::bindPdf(parts, book, info);
    ASSERT_EQ(pdfPages(book, dir), 5);
    EXPECT_EQ(atlas::pdfPageCount(book), 5);
    for (int i = 0; i < 5; ++i) EXPECT_NE(pageText(book, i + 1, dir).find(words[i].toStdString()), std::string::npos) << i;
    const std::string bytes = readFile(book);
    EXPECT_NE(bytes.find("/Outlines"), std::string::npos);
    EXPECT_NE(bytes.find("/PageMode /UseOutlines"), std::string::npos);
    EXPECT_NE(bytes.find("<FEFF75329547>"), std::string::npos);  // 甲镇 as a UTF-16 bookmark title
    EXPECT_NE(bytes.find("/Subtype /Link"), std::string::npos);
    // The PDF's title as pdfinfo reads it.
    ASSERT_EQ(std::system(("pdfinfo " + quote(book) + " > " + quote(dir.file("i.txt"))).c_str()), 0);
    EXPECT_NE(readFile(dir.file("i.txt")).find("测试图集"), std::string::npos);
    // A truncated part is refused with its name.
    writeFile(dir.file("cut.pdf"), readFile(parts[0]).substr(0, 400));
    try {
        atlas::bindPdf({dir.file("cut.pdf")}, dir.file("bad.pdf"), info);
        FAIL() << "a truncated part was bound";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("cut.pdf"), std::string::npos) << e.what();
    }
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    render::ensureGuiApplication();
    io::initGdal();
    return RUN_ALL_TESTS();
}
