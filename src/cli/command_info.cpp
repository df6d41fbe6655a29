// ruralatlas info: layers, counts, CRS and extent.
#include <algorithm>
#include <cstdio>

#include "cli/commands.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "io/project.hpp"

namespace ruralatlas::cli {

namespace {
// Pads UTF-8 text to `columns` terminal columns, counting CJK characters as two.
std::string padColumns(const std::string& text, int columns) {
    int width = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        width += len >= 3 ? 2 : 1;
        i += static_cast<std::size_t>(len);
    }
    return text + std::string(static_cast<std::size_t>(std::max(1, columns - width)), ' ');
}
}  // namespace

Command infoCommand() {
    CommandSpec spec{"info",
                     "列出图层、要素数、坐标系和范围",
                     "List layers, feature counts, CRS and extent",
                     "PROJECT",
                     1,
                     1,
                     {{"json", false, false, "print JSON on stdout"}}};
    return {spec, [](const Args& a) {
                auto project = io::Project::open(a.positional()[0], false);
                const auto meta = project.meta();
                const bool json = a.has("json");
                auto metaValue = [&](const char* k) {
                    auto it = meta.find(k);
                    return it == meta.end() ? std::string() : it->second;
                };
                if (json) {
                    std::printf("{\"file\": %s, \"county_code\": %s, \"county_name\": %s, \"crs\": %s, \"synthetic\": %s, \"layers\": [",
                                jsonQuote(a.positional()[0]).c_str(), jsonQuote(metaValue("county_code")).c_str(),
                                jsonQuote(metaValue("county_name")).c_str(), jsonQuote(metaValue("crs")).c_str(),
                                metaValue("synthetic") == "true" ? "true" : "false");
                } else {
                    std::printf("项目 / project: %s\n县 / county: %s %s\n坐标系 / CRS: %s\n数据日期 / data date: %s%s\n\n",
                                a.positional()[0].c_str(), metaValue("county_code").c_str(), metaValue("county_name").c_str(),
                                metaValue("crs").c_str(), metaValue("data_date").c_str(),
                                metaValue("synthetic") == "true" ? "  (合成数据 synthetic)" : "");
                    std::printf("%-20s %s%-13s %10s  %s\n", "layer", padColumns("title", 20).c_str(), "geometry", "features",
                                "extent (xmin ymin xmax ymax)");
                }
                GDALDataset& ds = project.dataset();
                bool first = true;
                for (int i = 0; i < ds.GetLayerCount(); ++i) {
                    OGRLayer* l = ds.GetLayer(i);
                    const std::string name = l->GetName();
                    const LayerDef* def = findLayer(name);
                    const long long n = l->GetFeatureCount();
                    OGREnvelope env;
                    const bool hasGeom = l->GetGeomType() != wkbNone;
                    const bool hasExtent = hasGeom && n > 0 && l->GetExtent(&env, TRUE) == OGRERR_NONE;
                    const std::string geom = hasGeom ? OGRGeometryTypeToName(l->GetGeomType()) : "table";
                    if (json) {
                        std::printf("%s{\"name\": %s, \"title\": %s, \"geometry\": %s, \"features\": %lld", first ? "" : ", ",
                                    jsonQuote(name).c_str(), jsonQuote(def ? std::string(def->titleZh) : "").c_str(),
                                    jsonQuote(geom).c_str(), n);
                        if (hasExtent) std::printf(", \"extent\": [%.3f, %.3f, %.3f, %.3f]", env.MinX, env.MinY, env.MaxX, env.MaxY);
                        std::printf("}");
                    } else {
                        const std::string title = def ? std::string(def->titleZh) : "";
                        std::printf("%-20s %s%-13s %10lld", name.c_str(), padColumns(title, 20).c_str(), geom.c_str(), n);
                        if (hasExtent) std::printf("  %.1f %.1f %.1f %.1f", env.MinX, env.MinY, env.MaxX, env.MaxY);
                        std::printf("\n");
                    }
                    first = false;
                }
                // The DEM raster, when present.
                const std::string demPath = "GPKG:" + a.positional()[0] + ":dem";
                CPLPushErrorHandler(CPLQuietErrorHandler);
                GDALDatasetH dem = GDALOpenEx(demPath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
                CPLPopErrorHandler();
                if (dem) {
                    double gt[6];
                    GDALGetGeoTransform(dem, gt);
                    const int w = GDALGetRasterXSize(dem), h = GDALGetRasterYSize(dem);
                    if (json)
                        std::printf(
                            ", {\"name\": \"dem\", \"title\": \"数字高程模型\", \"geometry\": \"raster\", \"width\": %d, \"height\": %d, "
                            "\"cell_m\": %.3f}",
                            w, h, gt[1]);
                    else
                        std::printf("%-20s %s%-13s %10s  %dx%d cells of %.1f m\n", "dem", padColumns("数字高程模型", 20).c_str(), "raster",
                                    "-", w, h, gt[1]);
                    GDALClose(dem);
                }
                if (json) std::printf("]}\n");
                return 0;
            }};
}

}  // namespace ruralatlas::cli
