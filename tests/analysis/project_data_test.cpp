// Reading a project's villages, facilities and roads through GDAL's Arrow stream must give the
// same records as reading feature by feature: checked against values read here with the plain
// OGR feature API, on a project with nulls, empty and missing geometries, long names,
// multi-part and 3D roads, and feature-id slices.
#include "analysis/project_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "io/arrow_reader.hpp"
#include "io/gdal_util.hpp"
#include "io/gpkg_source.hpp"
#include "io/project.hpp"
#include "test_util.hpp"

using namespace ruralatlas;

namespace {

struct Wkb {
    std::vector<std::uint8_t> bytes;
    explicit Wkb(const OGRGeometry& g, OGRwkbByteOrder order, OGRwkbVariant variant) {
        bytes.resize(static_cast<std::size_t>(g.WkbSize()));
        EXPECT_EQ(g.exportToWkb(order, bytes.data(), variant), OGRERR_NONE);
    }
};

std::vector<std::vector<std::pair<double, double>>> decodeLines(std::span<const std::uint8_t> b, bool* ok) {
    std::vector<std::vector<std::pair<double, double>>> out;
    *ok = io::wkbLines(b, [&](const double* xy, std::size_t n) {
        auto& line = out.emplace_back();
        for (std::size_t i = 0; i < n; ++i) line.emplace_back(xy[2 * i], xy[2 * i + 1]);
    });
    return out;
}

}  // namespace

TEST(ArrowWkb, DecodesPointsAndLinesInEveryByteOrderAndDimension) {
    for (OGRwkbByteOrder order : {wkbNDR, wkbXDR})
        for (OGRwkbVariant variant : {wkbVariantIso, wkbVariantOldOgc}) {
            SCOPED_TRACE(std::string(order == wkbNDR ? "little" : "big") + (variant == wkbVariantIso ? " ISO" : " OGC"));
            OGRPoint p2(512345.25, 3210987.5), p3(512345.25, 3210987.5, 812.0);
            for (const OGRPoint* p : {&p2, &p3}) {
                double x = 0, y = 0;
                ASSERT_TRUE(io::wkbPoint(Wkb(*p, order, variant).bytes, x, y));
                EXPECT_EQ(x, 512345.25);
                EXPECT_EQ(y, 3210987.5);
            }
            if (variant == wkbVariantIso) {  // M only exists in ISO WKB
                OGRPoint pm(1.5, 2.5);
                pm.setM(9);
                OGRPoint pzm(3.5, 4.5, 7);
                pzm.setM(9);
                double x = 0, y = 0;
                ASSERT_TRUE(io::wkbPoint(Wkb(pm, order, variant).bytes, x, y));
                EXPECT_EQ(x, 1.5);
                ASSERT_TRUE(io::wkbPoint(Wkb(pzm, order, variant).bytes, x, y));
                EXPECT_EQ(y, 4.5);
            }
            OGRLineString a, b;
            a.addPoint(0, 0, 10);
            a.addPoint(100.5, -3, 11);
            a.addPoint(200, 7, 12);
            b.addPoint(-5, -6);
            b.addPoint(-7, -8);
            OGRMultiLineString m;
            m.addGeometry(&a);
            m.addGeometry(&b);
            bool ok = false;
            auto lines = decodeLines(Wkb(m, order, variant).bytes, &ok);
            ASSERT_TRUE(ok);
            ASSERT_EQ(lines.size(), 2u);
            ASSERT_EQ(lines[0].size(), 3u);
            EXPECT_EQ(lines[0][1], std::make_pair(100.5, -3.0));
            EXPECT_EQ(lines[1][1], std::make_pair(-7.0, -8.0));
            lines = decodeLines(Wkb(b, order, variant).bytes, &ok);
            ASSERT_TRUE(ok);
            ASSERT_EQ(lines.size(), 1u);
            EXPECT_EQ(lines[0][0], std::make_pair(-5.0, -6.0));

            // Truncated anywhere: refused, never read past the end.
            const auto whole = Wkb(m, order, variant).bytes;
            for (std::size_t n = 0; n < whole.size(); ++n) {
                decodeLines(std::span(whole.data(), n), &ok);
                EXPECT_FALSE(ok) << n;
            }
            const auto point = Wkb(p3, order, variant).bytes;
            for (std::size_t n = 0; n < point.size(); ++n) {
                double x, y;
                EXPECT_FALSE(io::wkbPoint(std::span(point.data(), n), x, y)) << n;
            }
        }
    // Other types and empty points are not points or lines.
    OGRPoint empty;
    double x, y;
    EXPECT_FALSE(io::wkbPoint(Wkb(empty, wkbNDR, wkbVariantIso).bytes, x, y));
    OGRLineString line;
    line.addPoint(1, 2);
    line.addPoint(3, 4);
    EXPECT_FALSE(io::wkbPoint(Wkb(line, wkbNDR, wkbVariantIso).bytes, x, y));
    OGRPoint pt(1, 2);
    bool ok = true;
    decodeLines(Wkb(pt, wkbNDR, wkbVariantIso).bytes, &ok);
    EXPECT_FALSE(ok);
    // A line claiming more points than its bytes hold.
    auto lie = Wkb(line, wkbNDR, wkbVariantIso).bytes;
    lie[5] = 0xff;
    lie[6] = 0xff;
    decodeLines(lie, &ok);
    EXPECT_FALSE(ok);
}

namespace {

// A project with awkward villages, facilities and roads; `villages` of them (plus specials).
void fillProject(const std::string& path, int villages) {
    io::ProjectSpec spec;
    spec.countyCode = "433127";
    spec.countyName = "永顺县";
    spec.epsg = 4546;
    io::createProject(path, spec, true);
    io::DatasetPtr ds = io::openVector(path, true);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> ux(400000, 500000), uy(3200000, 3300000);
    ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
    OGRLayer* v = ds->GetLayerByName("villages");
    for (int i = 0; i < villages; ++i) {
        io::FeaturePtr f(OGRFeature::CreateFeature(v->GetLayerDefn()));
        f->SetField("code", ("433127" + std::to_string(100000 + i)).c_str());
        f->SetField("name", i % 7 == 3 ? "" : i % 5 == 0 ? "一个名字很长很长的行政村" : "泉屯村");
        f->SetField("township_code", ("433127" + std::to_string(100 + i % 9)).c_str());
        if (i % 11 != 0) f->SetField("population", 100 + i);
        if (i % 4 == 0) f->SetField("tap_water_rate", 0.25 * (i % 5));
        if (i % 6 == 0) f->SetField("hardened_road", i % 2);
        f->SetField("status", i % 3 == 0 ? "former_poor" : "ordinary");
        if (i % 13 == 5) {
            OGRPoint emptyPoint;
            f->SetGeometry(&emptyPoint);
        } else if (i % 13 != 6) {
            OGRPoint p(ux(rng), uy(rng));
            f->SetGeometry(&p);
        }
        ASSERT_EQ(v->CreateFeature(f.get()), OGRERR_NONE);
    }
    OGRLayer* fac = ds->GetLayerByName("facilities");
    const char* kinds[] = {"village_clinic", "primary_school", "kindergarten"};
    const char* statuses[] = {"existing", "planned", "under_construction", nullptr};
    for (int i = 0; i < villages * 2; ++i) {
        io::FeaturePtr f(OGRFeature::CreateFeature(fac->GetLayerDefn()));
        f->SetField("id", ("F" + std::to_string(i)).c_str());
        f->SetField("kind", kinds[i % 3]);
        f->SetField("name", i % 2 ? "永顺县某某镇某某村卫生室" : "小学");
        if (statuses[i % 4]) f->SetField("status", statuses[i % 4]);
        if (i % 5) f->SetField("capacity", i);
        f->SetField("village_code", ("433127" + std::to_string(100000 + i / 2)).c_str());
        if (i % 17 != 9) {
            OGRPoint p(ux(rng), uy(rng));
            f->SetGeometry(&p);
        }
        ASSERT_EQ(fac->CreateFeature(f.get()), OGRERR_NONE);
    }
    OGRLayer* r = ds->GetLayerByName("roads");
    const char* classes[] = {"county", "township", "village"};
    for (int i = 0; i < villages; ++i) {
        io::FeaturePtr f(OGRFeature::CreateFeature(r->GetLayerDefn()));
        f->SetField("id", ("R" + std::to_string(i)).c_str());
        f->SetField("class", classes[i % 3]);
        if (i % 2) f->SetField("surface", "asphalt");
        if (i % 3 == 1) f->SetField("speed_kmh", 25.5);
        if (i % 4 == 1) f->SetField("oneway", 1);
        OGRLineString a;
        for (int k = 0; k < 2 + i % 4; ++k) a.addPoint(ux(rng), uy(rng));
        if (i % 10 == 7) {
            OGRMultiLineString m;  // two parts, one of them a single point that is not a line
            OGRLineString stub;
            stub.addPoint(1, 2);
            m.addGeometry(&a);
            m.addGeometry(&stub);
            m.addGeometry(&a);
            f->SetGeometry(&m);
        } else if (i % 10 == 8) {
            OGRLineString z;
            z.addPoint(1, 2, 3);
            z.addPoint(4, 5, 6);
            f->SetGeometry(&z);
        } else if (i % 10 != 9) {
            f->SetGeometry(&a);
        }
        ASSERT_EQ(r->CreateFeature(f.get()), OGRERR_NONE);
    }
    ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
}

std::string text(OGRFeature& f, const char* name) {
    const int i = f.GetFieldIndex(name);
    return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : std::string();
}
std::optional<double> number(OGRFeature& f, const char* name) {
    const int i = f.GetFieldIndex(name);
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return std::nullopt;
    return f.GetFieldAsDouble(i);
}

void expectVillagesAsOgrReadsThem(const std::string& path, const std::vector<analysis::VillageRec>& got, bool all) {
    io::DatasetPtr ds = io::openVector(path, false);
    OGRLayer* l = ds->GetLayerByName("villages");
    std::size_t k = 0, points = 0;
    for (auto& f : *l) {
        ASSERT_LT(k, got.size());
        const auto& v = got[k++];
        SCOPED_TRACE("village fid " + std::to_string(f->GetFID()));
        EXPECT_EQ(v.fid, f->GetFID());
        EXPECT_EQ(v.code, text(*f, "code"));
        EXPECT_EQ(v.name, text(*f, "name"));
        EXPECT_EQ(v.townshipCode, text(*f, "township_code"));
        EXPECT_EQ(v.population, static_cast<long long>(number(*f, "population").value_or(0)));
        if (all) {
            EXPECT_EQ(v.status, text(*f, "status"));
            EXPECT_EQ(v.tapWaterRate, number(*f, "tap_water_rate"));
            EXPECT_EQ(v.hardenedRoad.has_value(), number(*f, "hardened_road").has_value());
            if (v.hardenedRoad) {
                EXPECT_EQ(*v.hardenedRoad, static_cast<int>(*number(*f, "hardened_road")));
            }
        }
        const OGRGeometry* g = f->GetGeometryRef();
        const bool point = g && !g->IsEmpty();
        EXPECT_EQ(v.hasPoint, point);
        if (point) {
            ++points;
            EXPECT_EQ(v.at.x, g->toPoint()->getX());
            EXPECT_EQ(v.at.y, g->toPoint()->getY());
        }
    }
    EXPECT_EQ(k, got.size());
    EXPECT_GT(points, 0u);
    EXPECT_LT(points, got.size());  // the empty and missing points were kept as villages without one
}

}  // namespace

TEST(ProjectData, ArrowStreamGivesWhatTheFeatureApiGives) {
    io::initGdal();
    test::TempDir dir;
    const std::string path = dir.file("p.gpkg");
    fillProject(path, 3000);
    io::GpkgSource project(path);

    expectVillagesAsOgrReadsThem(path, project.villages(analysis::VillageFields::All, nullptr), true);
    expectVillagesAsOgrReadsThem(path, project.villages(analysis::VillageFields::Coverage), false);

    // Slices by feature id, read apart and put together, are the whole layer.
    std::vector<analysis::VillageRec> joined;
    const long long cuts[] = {std::numeric_limits<long long>::min(), 1000, 1001, 2500, std::numeric_limits<long long>::max()};
    for (int s = 0; s < 4; ++s) {
        analysis::FidRange r{cuts[s], cuts[s + 1], 10};
        for (auto& v : project.villages(analysis::VillageFields::Coverage, &r)) joined.push_back(std::move(v));
    }
    expectVillagesAsOgrReadsThem(path, joined, false);

    // Facilities: kind by SQL, status as the rule says (none counts as existing), no point, no facility.
    io::DatasetPtr ds = io::openVector(path, false);
    const std::vector<std::string> planned = analysis::statusesFor("planned");
    const auto clinics = project.facilities("village_clinic", planned);
    std::size_t k = 0;
    for (auto& f : *ds->GetLayerByName("facilities")) {
        const std::string status = text(*f, "status");
        const OGRGeometry* g = f->GetGeometryRef();
        if (text(*f, "kind") != "village_clinic" || !g) continue;
        ASSERT_LT(k, clinics.size());
        const auto& c = clinics[k++];
        EXPECT_EQ(c.id, text(*f, "id"));
        EXPECT_EQ(c.name, text(*f, "name"));
        EXPECT_EQ(c.status, status);
        EXPECT_EQ(c.villageCode, text(*f, "village_code"));
        EXPECT_EQ(c.capacity, static_cast<long long>(number(*f, "capacity").value_or(0)));
        EXPECT_EQ(c.at.x, g->toPoint()->getX());
    }
    EXPECT_EQ(k, clinics.size());
    EXPECT_GT(k, 100u);
    std::size_t existingOrNone = 0;
    for (auto& f : *ds->GetLayerByName("facilities"))
        if (text(*f, "kind") == "primary_school" && f->GetGeometryRef() && (text(*f, "status") == "existing" || text(*f, "status").empty()))
            ++existingOrNone;
    EXPECT_EQ(project.facilities("primary_school", analysis::statusesFor("existing")).size(), existingOrNone);
    EXPECT_EQ(project.facilities("it's no kind", {}).size(), 0u);  // a quote in the filter is escaped

    // Roads: every line of every feature with two points or more, 3D flattened, parts kept apart.
    const auto roads = project.roads(nullptr);
    k = 0;
    for (auto& f : *ds->GetLayerByName("roads")) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g) continue;
        std::vector<const OGRLineString*> parts;
        if (wkbFlatten(g->getGeometryType()) == wkbLineString)
            parts.push_back(g->toLineString());
        else
            for (const auto* p : *g->toMultiLineString()) parts.push_back(p);
        for (const OGRLineString* ls : parts) {
            if (ls->getNumPoints() < 2) continue;
            ASSERT_LT(k, roads.size());
            const auto& r = roads[k++];
            SCOPED_TRACE("road fid " + std::to_string(f->GetFID()));
            EXPECT_EQ(r.cls, text(*f, "class"));
            EXPECT_EQ(r.surface, text(*f, "surface"));
            EXPECT_EQ(r.speedKmh, number(*f, "speed_kmh").value_or(0));
            EXPECT_EQ(r.oneway, number(*f, "oneway").value_or(0) != 0);
            ASSERT_EQ(r.line.size(), static_cast<std::size_t>(ls->getNumPoints()));
            for (int i = 0; i < ls->getNumPoints(); ++i) {
                EXPECT_EQ(r.line[i].x, ls->getX(i));
                EXPECT_EQ(r.line[i].y, ls->getY(i));
            }
        }
    }
    EXPECT_EQ(k, roads.size());

    // Read on two threads (slices, own connections): the same records in the same order.
    analysis::LoadRequest want;
    want.villages = want.facilities = want.roads = true;
    want.facilityKind = "village_clinic";
    want.facilityStatuses = planned;
    const auto both = analysis::loadInParallel(project, want, 2);
    expectVillagesAsOgrReadsThem(path, both.villages, true);
    ASSERT_EQ(both.facilities.size(), clinics.size());
    for (std::size_t i = 0; i < clinics.size(); ++i) EXPECT_EQ(both.facilities[i].id, clinics[i].id);
    ASSERT_EQ(both.roads.size(), roads.size());
    for (std::size_t i = 0; i < roads.size(); ++i) EXPECT_EQ(both.roads[i].line.size(), roads[i].line.size());
}

TEST(ProjectData, ReaderRestoresTheLayersIgnoredFields) {
    io::initGdal();
    test::TempDir dir;
    const std::string path = dir.file("p.gpkg");
    fillProject(path, 50);
    io::DatasetPtr ds = io::openVector(path, false);
    OGRLayer* l = ds->GetLayerByName("villages");
    const char* ignored[] = {"terrain", nullptr};
    l->SetIgnoredFields(ignored);
    {
        io::ArrowLayerReader in(*l, {"code", "no_such_field"}, true);
        ASSERT_TRUE(in.ok()) << in.why();
        EXPECT_EQ(in.column("no_such_field"), -1);
        ASSERT_GE(in.column("code"), 0);
        std::size_t rows = 0;
        while (in.next()) {
            for (std::size_t k = 0; k < in.size(); ++k) EXPECT_EQ(in.text(in.column("code"), k).size(), 12u);
            rows += in.size();
        }
        EXPECT_EQ(rows, 50u);
    }
    OGRFeatureDefn* d = l->GetLayerDefn();
    EXPECT_TRUE(d->GetFieldDefn(d->GetFieldIndex("terrain"))->IsIgnored());
    EXPECT_FALSE(d->GetFieldDefn(d->GetFieldIndex("name"))->IsIgnored());
    EXPECT_FALSE(d->GetFieldDefn(d->GetFieldIndex("population"))->IsIgnored());
}

// Fuzz finding (fuzz_wkb, 2026-12-02): a byte-order byte other than 0 or 1 was read as big
// endian; GDAL refuses such WKB, and so does the decoder now.
TEST(Wkb, FuzzByteOrderOtherThanZeroOrOneIsRefused) {
    std::vector<std::uint8_t> b = {0x07, 0,    0,    0,    1,    0x40, 0x73, 0x5b, 0x33, 0x33, 0x33,
                                   0x33, 0x33, 0x40, 0x3c, 0xe6, 0x66, 0x66, 0x66, 0x66, 0x66};
    double x = 0, y = 0;
    EXPECT_FALSE(io::wkbPoint(b, x, y));
    b[0] = 0;  // the same point, big endian
    ASSERT_TRUE(io::wkbPoint(b, x, y));
    EXPECT_NEAR(x, 309.7, 1e-9);
    EXPECT_NEAR(y, 28.9, 1e-9);
}

// Fuzz finding (fuzz_wkb, 2026-12-02): a geometry type with the unknown flag 0x10000000 was read as
// a point after masking; GDAL refuses it ("Unsupported WKB type 268435457"), and so does the
// decoder now. The extended-WKB Z flag still reads.
TEST(Wkb, FuzzUnknownTypeFlagIsRefused) {
    std::vector<std::uint8_t> b = {1, 1, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x40};
    double x = 0, y = 0;
    EXPECT_FALSE(io::wkbPoint(b, x, y));
    b[4] = 0x80;  // Z flag: a point with a z the decoder drops; needs 8 more bytes
    b.insert(b.end(), 8, 0);
    ASSERT_TRUE(io::wkbPoint(b, x, y));
    EXPECT_EQ(x, 1.0);
    EXPECT_EQ(y, 2.0);
}

// Fuzz finding (fuzz_wkb, 2026-12-02, the long run): PostGIS's EWKB SRID flag (type 0x20000005) was
// skipped over and the lines read; GDAL refuses that type ("Unsupported WKB type 536870917"), and
// the reader of GDAL's stream now does too.
TEST(Wkb, FuzzSridFlagIsRefusedAsGdalDoes) {
    // A MultiLineString of one LineString (0,0)-(1,1), little endian, with the SRID flag and 4490.
    std::vector<std::uint8_t> b = {1, 5, 0, 0, 0x20, 0xAA, 0x11, 0, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 2, 0, 0, 0};
    for (double v : {0.0, 0.0, 1.0, 1.0}) {
        std::uint8_t d[8];
        std::memcpy(d, &v, 8);
        b.insert(b.end(), d, d + 8);
    }
    EXPECT_FALSE(io::wkbLines(b, [](const double*, std::size_t) {}));
    b[4] = 0;                               // the same without the flag ...
    b.erase(b.begin() + 5, b.begin() + 9);  // ... and without the SRID
    std::size_t points = 0;
    EXPECT_TRUE(io::wkbLines(b, [&](const double*, std::size_t n) { points += n; }));
    EXPECT_EQ(points, 2u);
}

// Fuzz finding (fuzz_wkb, 2026-12-02): the extended Z flag on an ISO type code (0x80000000 | 1001)
// was read as a point Z; GDAL refuses the mix ("Unsupported WKB type"), and so does the reader.
TEST(Wkb, FuzzExtendedFlagOnIsoTypeIsRefused) {
    std::vector<std::uint8_t> b = {1, 0xE9, 0x03, 0, 0x80};
    b.insert(b.end(), 24, 0);
    double x = 1, y = 1;
    EXPECT_FALSE(io::wkbPoint(b, x, y));
    b[4] = 0;  // ISO point Z alone reads
    EXPECT_TRUE(io::wkbPoint(b, x, y));
    EXPECT_EQ(x, 0.0);
}
