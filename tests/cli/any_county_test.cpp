// Any county of China starts in one command (init, county-from-codes), checked against the
// national lists read here independently of the tool's readers.
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "core/gcj02.hpp"
#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas::test;

namespace {
struct County {
    std::string code, name;
    double lon = 0, lat = 0;  // GCJ-02 as published
};

std::vector<County> nationalCounties() {
    std::ifstream in(std::string(RURALATLAS_SOURCE_DATA) + "/county_centres.csv");
    std::vector<County> out;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        County c;
        std::string lon, lat;
        std::getline(ss, c.code, ',');
        std::getline(ss, c.name, ',');
        std::getline(ss, lon, ',');
        std::getline(ss, lat, ',');
        c.lon = std::stod(lon);
        c.lat = std::stod(lat);
        out.push_back(c);
    }
    return out;
}

// Villages of a county in the national 2023 list (code column 6 = the county).
long long nationalVillages(const std::string& county) {
    VSILFILE* f =
        VSIFOpenL((std::string("/vsigzip/") + RURALATLAS_SOURCE_DATA + "/real/china-division/villages_national.csv.gz").c_str(), "rb");
    if (!f) return -1;
    long long n = 0;
    const std::string suffix = "," + county;
    while (const char* raw = CPLReadLineL(f)) {
        std::string line(raw);
        while (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.size() > suffix.size() && line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0) ++n;
    }
    VSIFCloseL(f);
    return n;
}

int expectedEpsg(double lonWgs) { return 4534 + static_cast<int>(std::lround(lonWgs / 3.0)) - 25; }

long long jsonNumber(const std::string& text, const std::string& key) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("\"" + key + "\": (-?[0-9]+)"))) return -1;
    return std::stoll(m[1]);
}
}  // namespace

// One county per province (the first listed), 31 provinces: init picks the Gauss-Krüger zone of
// the county's longitude; every eighth province also builds from the national code lists with
// every village of the county listed.
TEST(AnyCounty, InitAndCountyFromCodesWorkInEveryProvince) {
    std::map<std::string, County> firstOfProvince;
    for (const auto& c : nationalCounties())
        if (c.code.compare(0, 2, "71") < 0 && !firstOfProvince.count(c.code.substr(0, 2))) firstOfProvince[c.code.substr(0, 2)] = c;
    ASSERT_EQ(firstOfProvince.size(), 31u);
    TempDir dir;
    int k = 0;
    for (const auto& [province, c] : firstOfProvince) {
        const double lonWgs = ruralatlas::gcj02ToWgs84({c.lon, c.lat}).lon;
        const auto r = runCli("init " + quote(dir.file(c.code + ".gpkg")) + " --county-code " + c.code + " --name " + quote(c.name));
        ASSERT_EQ(r.status, 0) << c.code << " " << r.output;
        EXPECT_NE(r.output.find("EPSG:" + std::to_string(expectedEpsg(lonWgs))), std::string::npos)
            << c.code << " " << c.name << " at " << lonWgs << "E: " << r.output;
        if (k++ % 8 != 0) continue;
        const auto b = runCli("county-from-codes --county " + c.code + " --data " + quote(std::string(RURALATLAS_SOURCE_DATA) + "/real") +
                              " --out " + quote(dir.file(c.code + "-codes.gpkg")) + " --json");
        ASSERT_EQ(b.status, 0) << c.code << " " << b.output;
        const long long want = nationalVillages(c.code);
        EXPECT_GT(want, 0) << c.code;
        EXPECT_EQ(jsonNumber(b.output, "villages"), want) << c.code << " " << b.output.substr(0, 300);
        EXPECT_EQ(jsonNumber(b.output, "epsg"), expectedEpsg(lonWgs)) << c.code;
        // No points here: said as missing, not left blank.
        const auto info = runCli("info " + quote(dir.file(c.code + "-codes.gpkg")));
        EXPECT_NE(info.output.find("village_locations    missing"), std::string::npos) << info.output;
    }
}

// Counties outside Hunan with a public outline (../shared/data/real): the outline is there, in
// the right zone, and the county's published point lies inside it after GCJ-02 conversion.
TEST(AnyCounty, OutsideHunanTheOutlineHoldsTheCountyPoint) {
    const std::string shared = RURALATLAS_SHARED_REAL;
    if (!std::filesystem::exists(shared + "/vonng-adcode/fences/513431.json"))
        GTEST_SKIP() << "the shared data folder is not beside the checkout: " << shared;
    std::map<std::string, County> byCode;
    for (const auto& c : nationalCounties()) byCode[c.code] = c;
    TempDir dir;
    for (const std::string code : {"513431", "520122", "450126"}) {
        ASSERT_TRUE(byCode.count(code)) << code;
        const County& c = byCode[code];
        const auto out = dir.file(code + ".gpkg");
        const auto r = runCli("county-from-codes --county " + code + " --data " + quote(shared) + " --out " + quote(out) + " --json");
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_EQ(jsonNumber(r.output, "villages"), nationalVillages(code)) << code;
        ruralatlas::io::DatasetPtr ds = ruralatlas::io::openVector(out, false);
        OGRLayer* county = ds->GetLayerByName("county");
        ruralatlas::io::FeaturePtr f(county->GetNextFeature());
        ASSERT_NE(f, nullptr);
        ASSERT_NE(f->GetGeometryRef(), nullptr) << code << ": no outline";
        const auto wgs = ruralatlas::gcj02ToWgs84({c.lon, c.lat});
        OGRSpatialReference from, to(*county->GetSpatialRef());
        from.importFromEPSG(4490);
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &to));
        double x = wgs.lon, y = wgs.lat;
        ASSERT_TRUE(ct->Transform(1, &x, &y));
        OGRPoint pt(x, y);
        EXPECT_TRUE(f->GetGeometryRef()->Contains(&pt)) << code << " " << c.name << ": its point is outside its outline";
        EXPECT_EQ(std::string(to.GetAuthorityCode(nullptr)), std::to_string(expectedEpsg(wgs.lon))) << code;
    }
}
