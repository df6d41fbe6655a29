// `ruralatlas relocation-followup` on a demo county, against figures worked out with OGR, and
// on the same county edited: a geohazard zone drawn around an origin village, and a move of
// fewer than 5 households.
#include <gtest/gtest.h>

#include <map>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {
std::map<std::string, std::map<std::string, std::string>> rows(const std::string& gpkg, const char* layer, const char* key) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    std::map<std::string, std::map<std::string, std::string>> out;
    OGRLayer* l = ds->GetLayerByName(layer);
    for (auto& f : *l) {
        std::map<std::string, std::string> r;
        for (int i = 0; i < f->GetFieldCount(); ++i)
            r[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "NULL";
        out[std::string(f->GetFieldAsString(key)) + (out.count(f->GetFieldAsString(key)) ? "#" + std::to_string(out.size()) : "")] = r;
    }
    return out;
}
}  // namespace

TEST(Followup, SitesFiguresEqualTheLayersAndTheDemoRegisterAgrees) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 300 --seed 2").status, 0);
    const auto r = runCli("relocation-followup " + quote(g) + " --out " + quote(dir.file("fu.gpkg")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    // The register of the demo county agrees with the sites' moved-in households.
    EXPECT_NE(r.output.find("\"sites_register_mismatch\": 0"), std::string::npos) << r.output;
    // Per site: occupancy and demolition from the site's own fields, the register's sum.
    io::DatasetPtr ds = io::openVector(g, false);
    std::map<std::string, long long> registered;
    for (auto& f : *ds->GetLayerByName("relocations")) registered[f->GetFieldAsString("site_id")] += f->GetFieldAsInteger64("households");
    const auto out = rows(dir.file("fu.gpkg"), "relocation_sites", "site_id");
    std::size_t n = 0;
    for (auto& f : *ds->GetLayerByName("resettlement_sites")) {
        const std::string id = f->GetFieldAsString("id");
        ASSERT_TRUE(out.count(id)) << id;
        const auto& row = out.at(id);
        EXPECT_NEAR(std::stod(row.at("occupancy")),
                    double(f->GetFieldAsInteger64("moved_in_households")) / double(f->GetFieldAsInteger64("planned_households")), 1e-9);
        EXPECT_NEAR(std::stod(row.at("demolition_rate")),
                    double(f->GetFieldAsInteger64("old_homes_demolished")) / double(f->GetFieldAsInteger64("old_homes_total")), 1e-9);
        EXPECT_EQ(std::stoll(row.at("registered_households")), registered[id]);
        EXPECT_EQ(registered[id], f->GetFieldAsInteger64("moved_in_households")) << id;
        // Road minutes to the nearest clinic are never shorter than the straight line at 100 km/h.
        double nearest = 1e18;
        for (auto& c : *ds->GetLayerByName("facilities"))
            if (std::string(c->GetFieldAsString("kind")) == "village_clinic" && std::string(c->GetFieldAsString("status")) == "existing")
                nearest = std::min(nearest, c->GetGeometryRef()->Distance(f->GetGeometryRef()));
        ASSERT_NE(row.at("minutes_village_clinic"), "NULL");
        EXPECT_GE(std::stod(row.at("minutes_village_clinic")) + 1e-9, nearest / 1000.0 / 100.0 * 60.0) << id;
        ++n;
    }
    EXPECT_EQ(out.size(), n);
    EXPECT_EQ(rows(dir.file("fu.gpkg"), "relocation_flows", "source_village_code").size(),
              static_cast<std::size_t>(ds->GetLayerByName("relocations")->GetFeatureCount()));
}

TEST(Followup, ReasonsAreComputedAndSmallMovesPrintNoCounts) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 120 --seed 6").status, 0);
    std::string origin, site;
    {
        io::DatasetPtr ds = io::openVector(g, true);
        OGRLayer* moves = ds->GetLayerByName("relocations");
        moves->ResetReading();
        auto first = std::unique_ptr<OGRFeature>(moves->GetNextFeature());
        ASSERT_NE(first, nullptr);
        origin = first->GetFieldAsString("source_village_code");
        site = first->GetFieldAsString("site_id");
        // A geohazard zone drawn around the origin village.
        OGRLayer* villages = ds->GetLayerByName("villages");
        villages->SetAttributeFilter(("code = '" + origin + "'").c_str());
        auto v = std::unique_ptr<OGRFeature>(villages->GetNextFeature());
        ASSERT_NE(v, nullptr);
        const OGRPoint* p = v->GetGeometryRef()->toPoint();
        OGRLayer* zones = ds->GetLayerByName("constraints");
        OGRFeature zone(zones->GetLayerDefn());
        zone.SetField("kind", "geohazard");
        zone.SetField("name", "测试隐患区");
        OGRLinearRing ring;
        for (auto [dx, dy] : {std::pair{-150, -150}, {150, -150}, {150, 150}, {-150, 150}, {-150, -150}})
            ring.addPoint(p->getX() + dx, p->getY() + dy);
        OGRPolygon poly;
        poly.addRing(&ring);
        OGRMultiPolygon mp;
        mp.addGeometry(&poly);
        zone.SetGeometry(&mp);
        ASSERT_EQ(zones->CreateFeature(&zone), OGRERR_NONE);
        // A move of 3 households from another village to the same site.
        OGRFeature small(moves->GetLayerDefn());
        small.SetField("source_village_code", v->GetFieldAsString("code"));
        small.SetField("site_id", site.c_str());
        small.SetField("households", 3);
        small.SetField("people", 11);
        small.SetField("year", 2020);
        ASSERT_EQ(moves->CreateFeature(&small), OGRERR_NONE);
    }
    const auto r = runCli("relocation-followup " + quote(g) + " --out " + quote(dir.file("fu.csv")) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"moves_below_5_households\": 1"), std::string::npos) << r.output;
    const auto out = runCli("relocation-followup " + quote(g) + " --out " + quote(dir.file("fu.gpkg")));
    ASSERT_EQ(out.status, 0) << out.output;
    bool sawReason = false, sawSmall = false;
    io::DatasetPtr res = io::openVector(dir.file("fu.gpkg"), false);
    for (auto& f : *res->GetLayerByName("relocation_flows")) {
        if (std::string(f->GetFieldAsString("source_village_code")) != origin) continue;
        EXPECT_NE(std::string(f->GetFieldAsString("reasons")).find("位于地质灾害隐患区"), std::string::npos);
        sawReason = true;
        if (!f->IsFieldSetAndNotNull(f->GetFieldIndex("households"))) {
            sawSmall = true;
            EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("people")));
        }
    }
    EXPECT_TRUE(sawReason);
    EXPECT_TRUE(sawSmall);
    // No figure of fewer than 5 households anywhere in the output.
    for (auto& f : *res->GetLayerByName("relocation_flows"))
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("households"))) EXPECT_GE(f->GetFieldAsInteger64("households"), 5);
}

// Every resettlement-site page of the shipped layout prints its own follow-up (the plugin's
// atlas section): moved in / planned households and the register, as the site's fields say.
TEST(Followup, EachSitePagePrintsItsOwnFollowup) {
    TempDir dir;
    const std::string g = dir.file("demo.gpkg");
    ASSERT_EQ(runCli("demo --out " + quote(g) + " --villages 300 --seed 1").status, 0);
    const std::string pdf = dir.file("sites.pdf");
    const auto r =
        runCli("atlas " + quote(g) + " --template " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/styles/atlas/resettlement_site.json") +
               " --by resettlement_sites --out " + quote(pdf));
    ASSERT_EQ(r.status, 0) << r.output;
    const auto all = runCommand("pdftotext -layout " + quote(pdf) + " -");
    ASSERT_EQ(all.status, 0);
    // Pages split at form feeds; a site's page is the one whose title (first line) names it.
    std::vector<std::string> pages;
    for (std::size_t at = 0, next; at < all.output.size(); at = next + 1) {
        next = all.output.find('\f', at);
        if (next == std::string::npos) next = all.output.size();
        pages.push_back(all.output.substr(at, next - at));
    }
    io::DatasetPtr ds = io::openVector(g, false);
    std::size_t sites = 0;
    for (auto& f : *ds->GetLayerByName("resettlement_sites")) {
        const std::string name = f->GetFieldAsString("name");
        const std::string* page = nullptr;
        for (const std::string& p : pages) {
            const std::string title =
                p.substr(0, p.find_first_not_of(" \n") == std::string::npos ? 0 : p.find('\n', p.find_first_not_of(" \n")));
            if (title.find(name) != std::string::npos) page = &p;
        }
        ASSERT_NE(page, nullptr) << name;
        const std::string occupancy = std::to_string(f->GetFieldAsInteger64("moved_in_households")) + " / " +
                                      std::to_string(f->GetFieldAsInteger64("planned_households")) + " 户";
        EXPECT_NE(page->find(occupancy), std::string::npos) << name << " lacks " << occupancy << "\n" << *page;
        EXPECT_NE(page->find("后续扶持跟踪"), std::string::npos);
        ++sites;
    }
    EXPECT_GE(sites, 2u);
}

// Missing data is not a finding: with no sites the run says so; with a site but no roads (a
// county from the public code lists), access to services and nearby jobs is not judged: no
// "unreachable", no access gap counted, the fields left empty.
TEST(Followup, NoSitesOrNoRoadsIsMissingDataNotGaps) {
    TempDir dir;
    const std::string p = dir.file("v.gpkg"), out = dir.file("f.gpkg");
    ASSERT_EQ(runCli("init " + quote(p) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"), "code,name,population,lon,lat\n433127101201,伴湖村,1200,109.85,29.0\n");
    ASSERT_EQ(runCli("import " + quote(p) + " " + quote(dir.file("v.csv")) + " --into villages").status, 0);
    auto r = runCli("relocation-followup " + quote(p) + " --out " + quote(out) + " --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"missing_data\": [\"resettlement_sites\", \"roads\", \"industry_projects\", \"relocations\"]"),
              std::string::npos)
        << r.output;
    r = runCli("relocation-followup " + quote(p) + " --out " + quote(dir.file("f0.csv")));
    EXPECT_NE(r.output.find("项目中没有安置点（resettlement_sites）"), std::string::npos) << r.output;

    writeFile(dir.file("s.csv"), "id,name,planned_households,moved_in_households,lon,lat\nS1,安置点一,100,100,109.86,29.01\n");
    ASSERT_EQ(runCli("import " + quote(p) + " " + quote(dir.file("s.csv")) + " --into resettlement_sites").status, 0);
    writeFile(dir.file("f.csv"), "name,lon,lat\n一小,109.85,29.0\n");
    ASSERT_EQ(runCli("import " + quote(p) + " " + quote(dir.file("f.csv")) + " --into facilities --set kind=primary_school").status, 0);
    r = runCli("relocation-followup " + quote(p) + " --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("0 个安置点存在服务可达短板"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("项目中没有道路，安置点到学校"), std::string::npos) << r.output;
    const auto sites = rows(out, "relocation_sites", "site_id");
    ASSERT_EQ(sites.size(), 1u);
    const auto& s = sites.at("S1");
    EXPECT_EQ(s.at("access_gaps"), "NULL");
    EXPECT_EQ(s.at("jobs_30min"), "NULL");
    EXPECT_EQ(s.at("summary").find("道路无法到达"), std::string::npos) << s.at("summary");
    EXPECT_NE(s.at("summary").find("项目中没有道路，未计算服务可达与周边岗位"), std::string::npos) << s.at("summary");
    EXPECT_EQ(s.at("occupancy"), "1");
}
