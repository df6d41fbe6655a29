// A synthetic village-plan project for the tests: village territories of kGrid x kGrid cells of
// 20 m, parcels and zones given as WKT, written through OGR in one transaction.
#pragma once
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

namespace ruralatlas::test {

constexpr double kX0 = 500000, kY0 = 3200000, kCell = 20;
constexpr int kGrid = 15;

inline std::string rect(double x0, double y0, double x1, double y1) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "MULTIPOLYGON(((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)))", x0, y0, x1, y0, x1, y1, x0, y1,
                  x0, y0);
    return buf;
}

struct Parcel {
    std::string village, code, period, wkt;
    long long fid = 0;
};

// A synthetic project: village territories (kGrid x kGrid cells of 20 m), parcels, zones.
class Project {
public:
    explicit Project(TempDir& dir) : path(dir.file("plan.gpkg")) {
        const auto r = runCli("init " + quote(path) + " --county-code 433127 --name 测试县 --crs EPSG:4545");
        EXPECT_EQ(r.status, 0) << r.output;
    }
    // Village k's origin (villages are 1 km apart).
    static double ox(int k) { return kX0 + 1000.0 * k; }
    static std::string code(int k) { return "433127100" + std::to_string(200 + k); }
    static std::string cell(int k, int i, int j, double dx0 = 0, double dy0 = 0, double dx1 = 0, double dy1 = 0) {
        return rect(ox(k) + kCell * i + dx0, kY0 + kCell * j + dy0, ox(k) + kCell * (i + 1) + dx1, kY0 + kCell * (j + 1) + dy1);
    }
    void territory(int k) { territories.push_back({code(k), rect(ox(k), kY0, ox(k) + kCell * kGrid, kY0 + kCell * kGrid)}); }
    std::size_t add(int k, const std::string& code, const std::string& period, const std::string& wkt) {
        parcels.push_back({Project::code(k), code, period, wkt});
        return parcels.size() - 1;
    }
    void zone(const std::string& kind, const std::string& wkt) { zones.push_back({kind, wkt}); }

    // Writes everything in one transaction; parcels get their feature ids.
    void write() {
        io::DatasetPtr ds = io::openVector(path, true);
        ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
        auto put = [&](const char* layer, const std::map<std::string, std::string>& fields, const std::string& wkt) -> long long {
            OGRLayer* l = ds->GetLayerByName(layer);
            EXPECT_NE(l, nullptr) << layer;
            OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
            for (const auto& [k, v] : fields) f->SetField(k.c_str(), v.c_str());  // "" stays "", as a spreadsheet leaves it
            OGRGeometry* g = nullptr;
            EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g), OGRERR_NONE) << wkt;
            f->SetGeometryDirectly(g);
            EXPECT_EQ(l->CreateFeature(f), OGRERR_NONE);
            const long long fid = f->GetFID();
            OGRFeature::DestroyFeature(f);
            return fid;
        };
        for (const auto& [c, wkt] : territories) put("village_boundaries", {{"code", c}, {"name", "测试" + c.substr(9) + "村"}}, wkt);
        for (Parcel& p : parcels)
            p.fid = put("landuse_plan", {{"village_code", p.village}, {"landuse_code", p.code}, {"period", p.period}}, p.wkt);
        for (const auto& [kind, wkt] : zones) put("constraints", {{"kind", kind}, {"name", kind}}, wkt);
        ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
    }

    std::string path;
    std::vector<std::pair<std::string, std::string>> territories, zones;
    std::vector<Parcel> parcels;
};

}  // namespace ruralatlas::test
