#include "io/project.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/schema.hpp"
#include "core/standards.hpp"
#include "io/validator.hpp"
#include "io_fixtures.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

TEST(Project, InitCreatesEveryLayerWithGeometryTypeAndCrs) {
    test::TempDir dir;
    const auto path = dir.file("p.gpkg");
    test::makeProject(path, false);
    io::DatasetPtr ds = io::openVector(path, false);
    for (const auto& def : projectLayers()) {
        OGRLayer* l = ds->GetLayerByName(std::string(def.name).c_str());
        ASSERT_NE(l, nullptr) << def.name;
        EXPECT_EQ(wkbFlatten(l->GetGeomType()), io::ogrGeometryType(def.geometry)) << def.name;
        if (def.geometry != GeometryKind::None) {
            ASSERT_NE(l->GetSpatialRef(), nullptr);
            EXPECT_STREQ(l->GetSpatialRef()->GetAuthorityCode(nullptr), "4546") << def.name;
        }
        for (const auto& f : def.fields)
            EXPECT_GE(l->GetLayerDefn()->GetFieldIndex(std::string(f.name).c_str()), 0) << def.name << "." << f.name;
    }
}

TEST(Project, ChineseTitlesAreInGpkgDataColumns) {
    test::TempDir dir;
    const auto path = dir.file("p.gpkg");
    test::makeProject(path, false);
    io::DatasetPtr ds = io::openVector(path, false);
    OGRLayer* r = ds->ExecuteSQL("SELECT title FROM gpkg_data_columns WHERE table_name='villages' AND column_name='tap_water_rate'",
                                 nullptr, nullptr);
    ASSERT_NE(r, nullptr);
    io::FeaturePtr f(r->GetNextFeature());
    ASSERT_TRUE(f);
    EXPECT_STREQ(f->GetFieldAsString(0), "自来水普及率");
    ds->ReleaseResultSet(r);
    OGRLayer* n = ds->ExecuteSQL("SELECT COUNT(*) FROM gpkg_data_columns", nullptr, nullptr);
    io::FeaturePtr c(n->GetNextFeature());
    long long expected = 0;
    for (const auto& l : projectLayers()) expected += static_cast<long long>(l.fields.size());
    EXPECT_EQ(c->GetFieldAsInteger64(0), expected);
    ds->ReleaseResultSet(n);
}

TEST(Project, SeedsStandardsAndMetadata) {
    test::TempDir dir;
    const auto path = dir.file("p.gpkg");
    test::makeProject(path, false);
    EXPECT_EQ(test::countFeatures(path, "standards"), static_cast<long long>(defaultStandards().size()));
    auto p = io::Project::open(path, false);
    EXPECT_EQ(p.meta("county_code"), "433127");
    EXPECT_EQ(p.meta("county_name"), "永顺县");
    EXPECT_EQ(p.meta("crs"), "EPSG:4546");
    EXPECT_EQ(p.meta("synthetic"), "false");
    EXPECT_EQ(p.epsg(), 4546);
}

TEST(Project, EnumerationsAreCodedFieldDomains) {
    test::TempDir dir;
    const auto path = dir.file("p.gpkg");
    test::makeProject(path, false);
    io::DatasetPtr ds = io::openVector(path, false);
    const OGRFieldDomain* d = ds->GetFieldDomain("facility_kind");
    ASSERT_NE(d, nullptr);
    ASSERT_EQ(d->GetDomainType(), OFDT_CODED);
    const OGRCodedValue* v = static_cast<const OGRCodedFieldDomain*>(d)->GetEnumeration();
    int n = 0;
    bool clinic = false;
    for (; v && v->pszCode; ++v, ++n)
        clinic = clinic || (std::string(v->pszCode) == "village_clinic" && std::string(v->pszValue) == "村卫生室");
    EXPECT_EQ(n, 12);
    EXPECT_TRUE(clinic);
}

TEST(Project, RefusesToOverwriteAndLeavesNoTempFile) {
    test::TempDir dir;
    const auto path = dir.file("p.gpkg");
    test::makeProject(path, false);
    io::ProjectSpec spec{"433127", "永顺县", 4546};
    EXPECT_THROW(io::createProject(path, spec, false), DataError);
    int files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) {
        (void)e;
        ++files;
    }
    EXPECT_EQ(files, 1);
}

TEST(Project, OpeningSomethingElseIsAClearError) {
    test::TempDir dir;
    const auto path = dir.file("x.gpkg");
    test::writeFile(path, "SQLite format 3\0 truncated");
    try {
        io::Project::open(path, false);
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    }
}

// A project made before plan_targets existed (schema version 1): validate warns and names the
// upgrade; `upgradeProject` adds the layer with its domains, sets the version, and a second run
// changes nothing.
TEST(Project, UpgradeAddsTheLayersOfANewerSchema) {
    test::TempDir dir;
    const auto p = dir.file("old.gpkg");
    test::makeProject(p);
    {
        io::DatasetPtr ds = io::openVector(p, true);
        for (int i = 0; i < ds->GetLayerCount(); ++i)
            if (std::string(ds->GetLayer(i)->GetName()) == "plan_targets") {
                ASSERT_EQ(ds->DeleteLayer(i), OGRERR_NONE);
            }
        OGRLayer* h = ds->GetLayerByName("households");
        ASSERT_EQ(h->DeleteField(h->GetLayerDefn()->GetFieldIndex("eliminated_year")), OGRERR_NONE);
        ds->ExecuteSQL("UPDATE project_meta SET value = '1' WHERE key = 'schema_version'", nullptr, nullptr);
    }
    auto schemaProblems = [&](io::Problem::Severity* worst) {
        Feedback fb;
        int n = 0;
        for (const auto& pr : io::validateProject(p, fb).problems)
            if (pr.rule == "schema_layer_missing") {
                ++n;
                *worst = pr.severity;
                EXPECT_EQ(pr.layer, "plan_targets");
                EXPECT_NE(pr.message.find("ruralatlas upgrade"), std::string::npos) << pr.message;
            }
        return n;
    };
    io::Problem::Severity sev = io::Problem::Severity::Error;
    EXPECT_EQ(schemaProblems(&sev), 1);
    EXPECT_EQ(sev, io::Problem::Severity::Warning);
    EXPECT_EQ(io::upgradeProject(p), (std::vector<std::string>{"plan_targets", "households.eliminated_year"}));
    EXPECT_EQ(schemaProblems(&sev), 0);
    EXPECT_TRUE(io::upgradeProject(p).empty());
    io::Project project = io::Project::open(p, false);
    EXPECT_EQ(project.meta("schema_version"), io::kSchemaVersion);
    OGRFeatureDefn* d = project.layer("plan_targets").GetLayerDefn();
    EXPECT_STREQ(d->GetFieldDefn(d->GetFieldIndex("indicator"))->GetDomainName().c_str(), "plan_target_indicator");
    EXPECT_GE(project.layer("households").GetLayerDefn()->GetFieldIndex("eliminated_year"), 0);
}
