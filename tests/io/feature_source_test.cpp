// The generic feature port (core/feature_source.hpp): the OGR adapter checked against the plain
// OGR API on nulls, empty and missing geometry, multi-part, 3D, curves, filters, boxes and
// feature-id slices; and results held in memory read exactly as the same results written to a
// GeoPackage and read back.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/error.hpp"
#include "core/record_readers.hpp"
#include "core/result_source.hpp"
#include "io/gpkg_source.hpp"
#include "io/ogr_features.hpp"
#include "io/result_files.hpp"
#include "io_fixtures.hpp"

namespace ruralatlas {
namespace {

// A GeoPackage with a polygon layer of awkward features (3D multi-polygon with a hole, a curve
// polygon, null and empty geometry, null fields) and a 3D multi-point layer.
void writeAwkward(const std::string& path) {
    io::initGdal();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    io::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRSpatialReference srs;
    srs.importFromEPSG(4546);
    OGRLayer* l = ds->CreateLayer("parcels", &srs, wkbMultiPolygon25D, nullptr);
    OGRFieldDefn name("name", OFTString), area("area", OFTReal), n("n", OFTInteger64);
    l->CreateField(&name);
    l->CreateField(&area);
    l->CreateField(&n);
    const char* wkts[] = {
        "MULTIPOLYGON Z (((0 0 1,10 0 1,10 10 1,0 10 1,0 0 1),(2 2 1,2 4 1,4 4 1,4 2 1,2 2 1)),((20 20 5,30 20 5,25 30 5,20 20 5)))",
        nullptr,               // no geometry
        "MULTIPOLYGON EMPTY",  // empty geometry
        "CURVEPOLYGON (CIRCULARSTRING (100 0,110 10,100 20,90 10,100 0))",
    };
    for (int i = 0; i < 4; ++i) {
        io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        if (i != 1) f->SetField("name", ("p" + std::to_string(i)).c_str());
        if (i == 0) f->SetField("area", 96.5);
        f->SetField("n", GIntBig(1) << 40 | i);
        if (wkts[i]) {
            OGRGeometry* g = nullptr;
            ASSERT_EQ(OGRGeometryFactory::createFromWkt(wkts[i], &srs, &g), OGRERR_NONE) << wkts[i];
            f->SetGeometryDirectly(g);
        }
        ASSERT_EQ(l->CreateFeature(f.get()), OGRERR_NONE);
    }
    OGRLayer* p = ds->CreateLayer("points", &srs, wkbMultiPoint25D, nullptr);
    OGRFieldDefn code("code", OFTString);
    p->CreateField(&code);
    for (int i = 0; i < 1500; ++i) {
        io::FeaturePtr f(OGRFeature::CreateFeature(p->GetLayerDefn()));
        f->SetField("code", std::to_string(i).c_str());
        OGRGeometry* g = nullptr;
        const std::string wkt = i % 2 ? "MULTIPOINT Z ((" + std::to_string(i) + " 1 2),(" + std::to_string(i) + " 3 4))"
                                      : "MULTIPOINT Z ((" + std::to_string(i) + " 5 6))";
        OGRGeometryFactory::createFromWkt(wkt.c_str(), &srs, &g);
        f->SetGeometryDirectly(g);
        ASSERT_EQ(p->CreateFeature(f.get()), OGRERR_NONE);
    }
}

std::vector<Feature> readAll(FeatureSource& s, const std::string& layer, const FeatureQuery& q) {
    std::vector<Feature> out;
    s.readFeatures(layer, q, [&](const Feature& f) { out.push_back(f); });
    return out;
}

TEST(FeatureSource, OgrAdapterGivesWhatTheOgrApiGives) {
    test::TempDir dir;
    const std::string path = dir.file("awkward.gpkg");
    writeAwkward(path);
    auto source = io::openFeatureSource(path);
    const auto info = source->layerInfo("parcels");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->geometry, ShapeKind::Polygon);
    ASSERT_EQ(info->fields.size(), 3u);
    EXPECT_EQ(info->fields[1].kind, FieldKind::Real);
    EXPECT_EQ(info->fields[2].kind, FieldKind::Integer);
    EXPECT_EQ(info->featureCount, 4);
    EXPECT_FALSE(source->layerInfo("nothing"));
    EXPECT_TRUE(source->inCrs("parcels", 4546));
    EXPECT_FALSE(source->inCrs("parcels", 4545));

    FeatureQuery q;
    q.allFields = true;
    q.anchors = true;
    const auto got = readAll(*source, "parcels", q);

    // The plain OGR API on the same file.
    io::DatasetPtr ds = io::openVector(path, false);
    OGRLayer* l = ds->GetLayerByName("parcels");
    ASSERT_EQ(got.size(), size_t(l->GetFeatureCount()));
    l->ResetReading();
    for (const Feature& f : got) {
        io::FeaturePtr o(l->GetNextFeature());
        ASSERT_TRUE(o);
        EXPECT_EQ(f.fid, o->GetFID());
        // Values: typed, nulls as monostate.
        for (int i = 0; i < 3; ++i) {
            if (!o->IsFieldSetAndNotNull(i)) {
                EXPECT_TRUE(std::holds_alternative<std::monostate>(f.values[size_t(i)])) << "fid " << f.fid << " field " << i;
                continue;
            }
            const ResultValue& v = f.values[size_t(i)];
            if (i == 0) {
                EXPECT_EQ(std::get<std::string>(v), o->GetFieldAsString(i));
            } else if (i == 1) {
                EXPECT_EQ(std::get<double>(v), o->GetFieldAsDouble(i));
            } else {
                EXPECT_EQ(std::get<long long>(v), o->GetFieldAsInteger64(i));  // beyond 32 bits
            }
        }
        const OGRGeometry* g = o->GetGeometryRef();
        if (!g || g->IsEmpty()) {
            EXPECT_EQ(f.geometry.kind, ShapeKind::None) << "fid " << f.fid;
            continue;
        }
        EXPECT_EQ(f.geometry.kind, ShapeKind::Polygon);
        std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
        OGREnvelope env;
        lin->getEnvelope(&env);
        EXPECT_DOUBLE_EQ(f.geometry.bounds.minx, env.MinX);
        EXPECT_DOUBLE_EQ(f.geometry.bounds.maxy, env.MaxY);
        // Rings and polygons as OGR counts them; every vertex, without Z.
        int rings = 0, points = 0;
        const OGRMultiPolygon* mp = lin->getGeometryType() == wkbPolygon ? nullptr : lin->toMultiPolygon();
        std::vector<const OGRPolygon*> polys;
        if (mp)
            for (const auto* poly : *mp) polys.push_back(poly);
        else
            polys.push_back(lin->toPolygon());
        for (const auto* poly : polys)
            for (const auto* ring : *poly) {
                ++rings;
                for (int k = 0; k < ring->getNumPoints(); ++k, ++points) {
                    EXPECT_EQ(f.geometry.xy[size_t(points) * 2], ring->getX(k));
                    EXPECT_EQ(f.geometry.xy[size_t(points) * 2 + 1], ring->getY(k));
                }
            }
        EXPECT_EQ(f.geometry.parts.size(), size_t(rings));
        EXPECT_EQ(f.geometry.polygons.size(), polys.size());
        EXPECT_EQ(f.geometry.xy.size(), size_t(points) * 2);
        // The anchor lies inside the polygon (GEOS point on surface), not in the hole.
        ASSERT_TRUE(f.geometry.hasAnchor);
        OGRPoint at(f.geometry.anchor.x, f.geometry.anchor.y);
        EXPECT_TRUE(lin->Contains(&at)) << "fid " << f.fid;
    }
    EXPECT_EQ(got[0].geometry.parts, (std::vector<uint32_t>{5, 10, 14}));
    EXPECT_EQ(got[0].geometry.polygons, (std::vector<uint32_t>{2, 3}));

    // Text values: OGR's own formatting.
    q.asText = true;
    const auto text = readAll(*source, "parcels", q);
    EXPECT_EQ(std::get<std::string>(text[0].values[1]), "96.5");
    EXPECT_EQ(std::get<std::string>(text[0].values[2]), std::to_string((1LL << 40) | 0));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(text[1].values[0]));
}

TEST(FeatureSource, FiltersBoxesIdsAndSlices) {
    test::TempDir dir;
    const std::string path = dir.file("awkward.gpkg");
    writeAwkward(path);
    auto source = io::openFeatureSource(path);
    FeatureQuery q;
    q.fields = {"code"};
    // Multi-points: one part per point, Z dropped.
    const auto all = readAll(*source, "points", q);
    ASSERT_EQ(all.size(), 1500u);
    EXPECT_EQ(all[1].geometry.parts, (std::vector<uint32_t>{1, 2}));
    EXPECT_EQ(all[1].geometry.xy, (std::vector<double>{1, 1, 1, 3}));

    q.where = "code IN ('7', '8')";
    EXPECT_EQ(readAll(*source, "points", q).size(), 2u);
    q.where = "code = = 'x'";
    EXPECT_THROW(readAll(*source, "points", q), UsageError);
    q.whereIsHint = true;  // a refused hint reads everything
    EXPECT_EQ(readAll(*source, "points", q).size(), 1500u);
    q.where.clear();
    q.whereIsHint = false;

    q.within = Bounds{99.5, 0, 100.5, 10};
    const auto boxed = readAll(*source, "points", q);
    ASSERT_EQ(boxed.size(), 1u);
    EXPECT_EQ(std::get<std::string>(boxed[0].values[0]), "100");
    q.within.reset();

    q.fid = 42;
    const auto one = readAll(*source, "points", q);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].fid, 42);
    q.fid.reset();

    // Slices of a project layer cover it exactly once.
    const std::string project = dir.file("p.gpkg");
    test::makeProject(project, false);
    {
        io::DatasetPtr ds = io::openVector(project, true);
        OGRLayer* v = ds->GetLayerByName("villages");
        ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
        for (int i = 0; i < 2500; ++i) {
            io::FeaturePtr f(OGRFeature::CreateFeature(v->GetLayerDefn()));
            f->SetField("code", (std::to_string(433127100000 + i)).c_str());
            f->SetField("name", "村");
            f->SetField("township_code", "433127100");
            OGRPoint pt(500000 + i, 3200000);
            f->SetGeometry(&pt);
            ASSERT_EQ(v->CreateFeature(f.get()), OGRERR_NONE) << io::lastGdalError();
        }
        ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
    }
    auto ps = io::openProjectSource(project);
    const auto slices = ps->slices("villages", 3);
    ASSERT_EQ(slices.size(), 3u);
    std::set<long long> seen;
    size_t total = 0;
    for (const auto& s : slices) {
        FeatureQuery sq;
        sq.range = s;
        sq.geometry = false;
        for (const auto& f : readAll(*ps, "villages", sq)) {
            seen.insert(f.fid);
            ++total;
        }
    }
    EXPECT_EQ(total, 2500u);
    EXPECT_EQ(seen.size(), 2500u);
    EXPECT_EQ(ps->meta("county_code"), "433127");
}

TEST(FeatureSource, ResultsInMemoryReadAsTheSameResultsWrittenToAGeoPackage) {
    ResultTableBuilder b(
        "things", "东西", ResultGeometry::Point,
        {{"code", ResultFieldType::Text, "代码"}, {"n", ResultFieldType::Integer, "数"}, {"x", ResultFieldType::Real, "值"}});
    b.add({std::string("a"), 1LL, 0.1}, {{10, 20}});
    b.add({std::monostate{}, 2LL, std::monostate{}}, {});
    b.add({std::string("c"), std::monostate{}, 1.0 / 3}, {{30, 40}});
    ResultTableBuilder lines("paths", "路径", ResultGeometry::LineString, {{"id", ResultFieldType::Integer64, "编号"}});
    lines.add({5LL}, {{0, 0}, {3, 4}, {6, 0}});
    std::vector<ResultTable> tables{std::move(b).build(), std::move(lines).build()};

    test::TempDir dir;
    io::FileResultSink(dir.file("r.gpkg")).write(tables, 4546);
    auto file = io::openFeatureSource(dir.file("r.gpkg"));
    ResultTableSource memory("memory", tables);

    for (const std::string layer : {"things", "paths"}) {
        const auto fi = file->layerInfo(layer), mi = memory.layerInfo(layer);
        ASSERT_TRUE(fi && mi);
        EXPECT_EQ(fi->title, mi->title);
        EXPECT_EQ(fi->geometry, mi->geometry);
        ASSERT_EQ(fi->fields.size(), mi->fields.size());
        for (size_t i = 0; i < fi->fields.size(); ++i) {
            EXPECT_EQ(fi->fields[i].name, mi->fields[i].name);
            EXPECT_EQ(fi->fields[i].kind, mi->fields[i].kind);
        }
        for (bool asText : {false, true}) {
            FeatureQuery q;
            q.allFields = true;
            q.asText = asText;
            const auto a = readAll(*file, layer, q), m = readAll(memory, layer, q);
            ASSERT_EQ(a.size(), m.size());
            for (size_t i = 0; i < a.size(); ++i) {
                EXPECT_EQ(a[i].fid, m[i].fid);
                EXPECT_EQ(a[i].geometry.kind, m[i].geometry.kind);
                EXPECT_EQ(a[i].geometry.xy, m[i].geometry.xy);
                EXPECT_EQ(a[i].geometry.parts, m[i].geometry.parts);
                if (!asText) {
                    EXPECT_EQ(a[i].values, m[i].values) << layer << " row " << i;
                }
            }
        }
    }
    FeatureQuery box;
    box.within = Bounds{25, 35, 35, 45};
    box.fields = {"code"};
    const auto inBox = readAll(memory, "things", box);
    ASSERT_EQ(inBox.size(), 1u);
    EXPECT_EQ(std::get<std::string>(inBox[0].values[0]), "c");
    FeatureQuery bad;
    bad.fields = {"nope"};
    EXPECT_THROW(readAll(memory, "things", bad), DataError);
}

}  // namespace
}  // namespace ruralatlas

namespace ruralatlas {
namespace {

// The domain records read through the port carry what the plain OGR API reads from the demo county.
TEST(RecordReaders, DomainLayersAsRecordsMatchOgr) {
    test::TempDir dir;
    const std::string path = dir.file("demo.gpkg");
    ASSERT_EQ(test::runCli("demo --out " + test::quote(path) + " --villages 80 --seed 3").status, 0);
    auto source = io::openProjectSource(path);
    io::DatasetPtr ds = io::openVector(path, false);

    const auto sites = readResettlementSites(*source);
    ASSERT_EQ(sites.size(), size_t(ds->GetLayerByName("resettlement_sites")->GetFeatureCount()));
    ASSERT_FALSE(sites.empty());
    {
        OGRLayer* l = ds->GetLayerByName("resettlement_sites");
        io::FeaturePtr f(l->GetFeature(sites[0].fid));
        ASSERT_TRUE(f);
        EXPECT_EQ(sites[0].id, f->GetFieldAsString("id"));
        EXPECT_EQ(sites[0].plannedHouseholds,
                  f->IsFieldSetAndNotNull(f->GetFieldIndex("planned_households")) ? f->GetFieldAsInteger64("planned_households") : -1);
        ASSERT_TRUE(sites[0].hasPoint);
        EXPECT_EQ(sites[0].at.x, f->GetGeometryRef()->toPoint()->getX());
    }
    EXPECT_EQ(readRelocations(*source).size(), size_t(ds->GetLayerByName("relocations")->GetFeatureCount()));
    const auto projects = readIndustryProjects(*source);
    EXPECT_EQ(projects.size(), size_t(ds->GetLayerByName("industry_projects")->GetFeatureCount()));

    const auto parcels = readLandUseParcels(*source);
    ASSERT_EQ(parcels.size(), size_t(ds->GetLayerByName("landuse_plan")->GetFeatureCount()));
    ASSERT_FALSE(parcels.empty());
    // One village's planned parcels, filtered by the port, equal OGR's own filter.
    const std::string village = parcels[0].villageCode;
    const auto planned = readLandUseParcels(*source, village, "planned");
    OGRLayer* lp = ds->GetLayerByName("landuse_plan");
    lp->SetAttributeFilter(("village_code = '" + village + "' AND period = 'planned'").c_str());
    EXPECT_EQ(planned.size(), size_t(lp->GetFeatureCount()));
    lp->SetAttributeFilter(nullptr);
    // Rings and vertices as OGR has them.
    io::FeaturePtr f(lp->GetFeature(parcels[0].fid));
    ASSERT_TRUE(f);
    const OGRGeometry* g = f->GetGeometryRef();
    size_t rings = 0, points = 0;
    for (const auto* poly : *g->toMultiPolygon())
        for (const auto* ring : *poly) {
            ++rings;
            points += size_t(ring->getNumPoints());
        }
    size_t gotRings = 0, gotPoints = 0;
    for (const auto& poly : parcels[0].shape)
        for (const auto& ring : poly.rings) {
            ++gotRings;
            gotPoints += ring.size();
        }
    EXPECT_EQ(gotRings, rings);
    EXPECT_EQ(gotPoints, points);

    const auto zones = readConstraints(*source);
    EXPECT_EQ(zones.size(), size_t(ds->GetLayerByName("constraints")->GetFeatureCount()));
    // A project without the layer gives none, and says so through layerInfo.
    const std::string empty = dir.file("empty.gpkg");
    test::makeProject(empty, false);
    auto bare = io::openProjectSource(empty);
    EXPECT_TRUE(readResettlementSites(*bare).empty());
}

}  // namespace
}  // namespace ruralatlas
