// ruralatlas render as a user runs it: the demo county and analysis results to PNG, SVG and
// PDF, with clear errors for bad styles, frames and personal data.
#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace ruralatlas::test;

namespace {
class RenderCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new TempDir();
        const auto r = runCli("demo --out " + quote(s_dir->file("demo.gpkg")) + " --villages 300 --seed 3 --no-dem");
        ASSERT_EQ(r.status, 0) << r.output;
    }
    static void TearDownTestSuite() {
        delete s_dir;
        s_dir = nullptr;
    }
    static std::string demo() { return quote(s_dir->file("demo.gpkg")); }
    static TempDir* s_dir;
};
TempDir* RenderCli::s_dir = nullptr;
}  // namespace

TEST_F(RenderCli, WritesPngSvgAndPdf) {
    TempDir dir;
    auto r = runCli("render " + demo() + " --legend --json --out " + quote(dir.file("m.png")));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(readFile(dir.file("m.png")).substr(1, 3), "PNG");
    EXPECT_NE(r.output.find("\"title\": \"行政村（村委会驻地）\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"width\": 1920"), std::string::npos);

    r = runCli("render " + demo() + " --size 800x600 --out " + quote(dir.file("m.svg")));
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string svg = readFile(dir.file("m.svg"));
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("<path"), std::string::npos);

    r = runCli("render " + demo() + " --paper A4 --portrait --dpi 150 --grid --legend --out " + quote(dir.file("m.pdf")));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(readFile(dir.file("m.pdf")).substr(0, 5), "%PDF-");
    // The page is A4 portrait and its text layer reads as Chinese.
    ASSERT_EQ(std::system(("pdfinfo " + quote(dir.file("m.pdf")) + " > " + quote(dir.file("info.txt"))).c_str()), 0);
    EXPECT_NE(readFile(dir.file("info.txt")).find("595 x 842"), std::string::npos) << readFile(dir.file("info.txt"));
    ASSERT_EQ(std::system(("pdftotext -enc UTF-8 " + quote(dir.file("m.pdf")) + " " + quote(dir.file("m.txt"))).c_str()), 0);
    const std::string text = readFile(dir.file("m.txt"));
    EXPECT_NE(text.find("图例"), std::string::npos);
    EXPECT_NE(text.find("合成演示数据"), std::string::npos);
    EXPECT_NE(text.find("数据日期"), std::string::npos);
}

TEST_F(RenderCli, DrawsAnalysisResults) {
    TempDir dir;
    auto r = runCli("coverage " + demo() + " --kind village_clinic --mode straight --threshold 3000 --out " + quote(dir.file("cov.gpkg")));
    ASSERT_EQ(r.status, 0) << r.output;
    r = runCli("render " + demo() + " --result " + quote(dir.file("cov.gpkg")) + " --legend --json --out " + quote(dir.file("cov.png")));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("覆盖情况"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("已覆盖（达标）"), std::string::npos) << r.output;
}

TEST_F(RenderCli, FramesATownshipAndRefusesUnknownCodes) {
    TempDir dir;
    auto r = runCli("render " + demo() + " --township 999999999 --out " + quote(dir.file("t.png")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("999999999"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("t.png")));
    r = runCli("render " + demo() + " --out " + quote(dir.file("t.bmp")));
    EXPECT_EQ(r.status, 2) << r.output;
    r = runCli("render " + demo() + " --size 10x10000000 --out " + quote(dir.file("t.png")));
    EXPECT_EQ(r.status, 2) << r.output;
}

TEST_F(RenderCli, BadStylesAndPersonalDataAreRefused) {
    TempDir dir;
    writeFile(dir.file("bad.json"),
              "{\"layers\": [\n  {\"source\": \"villages\", \"type\": \"circle\",\n   \"paint\": {\"circle-radius\": \"big\"}}]}");
    auto r = runCli("render " + demo() + " --style " + quote(dir.file("bad.json")) + " --out " + quote(dir.file("x.png")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("bad.json"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("line 3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("circle-radius"), std::string::npos) << r.output;

    writeFile(dir.file("hh.json"), "{\"layers\": [{\"source\": \"households\", \"type\": \"circle\"}]}");
    r = runCli("render " + demo() + " --style " + quote(dir.file("hh.json")) + " --out " + quote(dir.file("x.png")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("personal data"), std::string::npos) << r.output;

    writeFile(dir.file("field.json"),
              "{\"layers\": [{\"source\": \"villages\", \"type\": \"circle\",\n \"paint\": {\"circle-color\": [\"match\", [\"get\", "
              "\"statuss\"], \"a\", \"#ff0000\", \"#000000\"]}}]}");
    r = runCli("render " + demo() + " --style " + quote(dir.file("field.json")) + " --out " + quote(dir.file("x.png")));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("statuss"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("x.png")));
}
