// Small projects and source files built in C++ for the io tests.
#pragma once
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <stdexcept>
#include <string>

#include "io/gdal_util.hpp"
#include "io/importer.hpp"
#include "io/proj_transform.hpp"
#include "io/project.hpp"
#include "test_util.hpp"

namespace ruralatlas::test {

// An empty project for 永顺县 in EPSG:4546 with a county outline: the lon/lat box
// 109.6..110.4 E, 28.7..29.45 N (WGS84), projected.
inline void makeProject(const std::string& path, bool withOutline = true) {
    io::ProjectSpec spec;
    spec.countyCode = "433127";
    spec.countyName = "永顺县";
    spec.epsg = 4546;
    io::createProject(path, spec, true);
    if (!withOutline) return;
    io::DatasetPtr ds = io::openVector(path, true);
    OGRLayer* county = ds->GetLayerByName("county");
    io::CrsTransform t("EPSG:4326", 4546);
    OGRLinearRing ring;
    const double box[5][2] = {{109.6, 28.7}, {110.4, 28.7}, {110.4, 29.45}, {109.6, 29.45}, {109.6, 28.7}};
    for (auto& p : box) {
        double x = p[0], y = p[1];
        t.transform(x, y);
        ring.addPoint(x, y);
    }
    OGRPolygon poly;
    poly.addRing(&ring);
    OGRMultiPolygon mp;
    mp.addGeometry(&poly);
    io::FeaturePtr f(OGRFeature::CreateFeature(county->GetLayerDefn()));
    f->SetField("code", "433127");
    f->SetField("name", "永顺县");
    f->SetGeometry(&mp);
    if (county->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error("fixture: cannot write a feature");
}

// Writes `csv` beside the project as NAME.csv and imports it into `layer`.
inline io::ImportReport importCsv(const std::string& project, const TempDir& dir, const std::string& layer, const std::string& csv,
                                  const std::string& sourceCrs = "", bool allowOutside = false, bool update = false) {
    writeFile(dir.file(layer + ".csv"), csv);
    io::ImportOptions o;
    o.project = project;
    o.source = dir.file(layer + ".csv");
    o.into = layer;
    o.sourceCrs = sourceCrs;
    o.allowOutside = allowOutside;
    o.update = update;
    Feedback fb;
    return io::importFile(o, fb);
}

// Writes a feature straight into a project layer, past import's checks: what another tool (QGIS,
// a script) can leave in a file. `fields` as name=value; `wkt` may be empty.
inline void insertRaw(const std::string& project, const std::string& layer, const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& wkt = "") {
    io::DatasetPtr ds = io::openVector(project, true);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    io::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
    for (const auto& [k, v] : fields) f->SetField(k.c_str(), v.c_str());
    if (!wkt.empty()) {
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt(wkt.c_str(), l->GetSpatialRef(), &g);
        f->SetGeometryDirectly(g);
    }
    if (l->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error("insertRaw: cannot write into " + layer);
}

inline long long countFeatures(const std::string& path, const std::string& layer) {
    io::DatasetPtr ds = io::openVector(path, false);
    return ds->GetLayerByName(layer.c_str())->GetFeatureCount();
}

}  // namespace ruralatlas::test
