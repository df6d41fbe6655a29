// A small hand-made project for the render tests: two square townships side by side, a
// straight 10 km road, villages with chosen statuses and names, two facilities, a hatched
// constraint zone. All in EPSG:4546 around (400000, 3200000).
#pragma once
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <QGuiApplication>
#include <string>
#include <vector>

#include "io/gdal_util.hpp"
#include "io/project.hpp"
#include "test_util.hpp"

namespace ruralatlas::test {

constexpr double kX0 = 400000, kY0 = 3200000;

struct SmallVillage {
    std::string code, name, status;
    double x, y;
};

inline OGRMultiPolygon squarePoly(double x0, double y0, double x1, double y1) {
    OGRLinearRing ring;
    ring.addPoint(x0, y0);
    ring.addPoint(x1, y0);
    ring.addPoint(x1, y1);
    ring.addPoint(x0, y1);
    ring.addPoint(x0, y0);
    OGRPolygon poly;
    poly.addRing(&ring);
    OGRMultiPolygon mp;
    mp.addGeometry(&poly);
    return mp;
}

inline std::vector<SmallVillage> defaultVillages() {
    return {{"433127001001", "红土坪村", "former_poor", kX0 + 2000, kY0 + 7000},
            {"433127001002", "米石生村", "ordinary", kX0 + 6000, kY0 + 3000},
            {"433127002001", "页长门村", "former_poor", kX0 + 12000, kY0 + 7000},
            {"433127002002", "马贝见村", "ordinary", kX0 + 16000, kY0 + 3000},
            {"433127002003", "车鸟龙黄村", "key_assisted", kX0 + 17500, kY0 + 8500}};
}

// Township 001 covers x 0..10 km, township 002 x 10..20 km, both y 0..10 km (offsets).
inline void makeSmallProject(const std::string& path, const std::vector<SmallVillage>& villages = defaultVillages()) {
    io::ProjectSpec spec;
    spec.countyCode = "433127";
    spec.countyName = "永顺县";
    spec.epsg = 4546;
    spec.dataDate = "2026-11-01";
    io::createProject(path, spec, true);
    io::DatasetPtr ds = io::openVector(path, true);
    ds->StartTransaction();
    const auto add = [&](const char* layer, auto&& fill) {
        OGRLayer* l = ds->GetLayerByName(layer);
        io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        fill(*f);
        if (l->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error(std::string("cannot add to ") + layer);
    };
    add("county", [&](OGRFeature& f) {
        f.SetField("code", "433127");
        f.SetField("name", "永顺县");
        auto g = squarePoly(kX0, kY0, kX0 + 20000, kY0 + 10000);
        f.SetGeometry(&g);
    });
    for (int t = 0; t < 2; ++t)
        add("townships", [&](OGRFeature& f) {
            f.SetField("code", t == 0 ? "433127001" : "433127002");
            f.SetField("name", t == 0 ? "甲镇" : "乙乡");
            auto g = squarePoly(kX0 + t * 10000, kY0, kX0 + (t + 1) * 10000, kY0 + 10000);
            f.SetGeometry(&g);
        });
    add("roads", [&](OGRFeature& f) {
        f.SetField("id", "R1");
        f.SetField("class", "county");
        f.SetField("name", "县道X001");
        OGRLineString ls;
        ls.addPoint(kX0 + 5000, kY0 + 5000);
        ls.addPoint(kX0 + 15000, kY0 + 5000);
        f.SetGeometry(&ls);
    });
    add("constraints", [&](OGRFeature& f) {
        f.SetField("kind", "ecological_redline");
        auto g = squarePoly(kX0 + 13000, kY0 + 500, kX0 + 19000, kY0 + 2000);
        f.SetGeometry(&g);
    });
    for (const auto& v : villages)
        add("villages", [&](OGRFeature& f) {
            f.SetField("code", v.code.c_str());
            f.SetField("name", v.name.c_str());
            f.SetField("township_code", v.code.substr(0, 9).c_str());
            f.SetField("status", v.status.c_str());
            f.SetField("population", 1000);
            OGRPoint p(v.x, v.y);
            f.SetGeometry(&p);
        });
    add("facilities", [&](OGRFeature& f) {
        f.SetField("id", "F1");
        f.SetField("kind", "primary_school");
        OGRPoint p(kX0 + 4000, kY0 + 8500);
        f.SetGeometry(&p);
    });
    add("facilities", [&](OGRFeature& f) {
        f.SetField("id", "F2");
        f.SetField("kind", "village_clinic");
        OGRPoint p(kX0 + 14000, kY0 + 8500);
        f.SetGeometry(&p);
    });
    ds->CommitTransaction();
}

inline std::string renderTestData() { return RURALATLAS_RENDER_TEST_DATA; }

}  // namespace ruralatlas::test
