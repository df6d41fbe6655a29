#include "io/project_info.hpp"

#include "io/project.hpp"

namespace ruralatlas::io {

ProjectInfo projectInfo(const std::string& path) {
    Project project = Project::open(path, false);
    ProjectInfo info;
    info.meta = project.meta();
    GDALDataset& ds = project.dataset();
    for (int i = 0; i < ds.GetLayerCount(); ++i) {
        OGRLayer* l = ds.GetLayer(i);
        if (std::string(l->GetName()) == "layer_styles" || std::string(l->GetName()) == "qgis_projects") continue;  // QGIS's, not data
        LayerInfo li;
        li.name = l->GetName();
        li.features = l->GetFeatureCount();
        const bool hasGeom = l->GetGeomType() != wkbNone;
        li.geometry = hasGeom ? OGRGeometryTypeToName(l->GetGeomType()) : "table";
        OGREnvelope env;
        if (hasGeom && li.features > 0 && l->GetExtent(&env, TRUE) == OGRERR_NONE)
            li.extent = std::array<double, 4>{env.MinX, env.MinY, env.MaxX, env.MaxY};
        info.layers.push_back(std::move(li));
    }
    // The DEM raster, when present.
    const std::string demPath = "GPKG:" + path + ":dem";
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH dem = GDALOpenEx(demPath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    CPLPopErrorHandler();
    if (dem) {
        double gt[6];
        GDALGetGeoTransform(dem, gt);
        info.dem = DemInfo{GDALGetRasterXSize(dem), GDALGetRasterYSize(dem), gt[1]};
        GDALClose(dem);
    }
    return info;
}

std::optional<long long> firstFeatureId(const std::string& path, const std::string& layer, const std::string& where) {
    DatasetPtr ds = openVector(path, false);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    if (!l) return std::nullopt;
    if (!where.empty() && l->SetAttributeFilter(where.c_str()) != OGRERR_NONE) return std::nullopt;
    FeaturePtr f(l->GetNextFeature());
    if (!f) return std::nullopt;
    return f->GetFID();
}

}  // namespace ruralatlas::io
