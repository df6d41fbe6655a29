// What `info` and the app's status show of a project: its metadata, every layer with its
// geometry type, feature count and extent, and the DEM. Plain values (no GDAL types), so front
// ends can show them without touching GDAL.
#pragma once
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ruralatlas::io {

struct LayerInfo {
    std::string name;
    std::string geometry;  // OGR's geometry type name, or "table"
    long long features = 0;
    std::optional<std::array<double, 4>> extent;  // xmin, ymin, xmax, ymax in the project CRS
};

struct DemInfo {
    int width = 0, height = 0;
    double cell = 0;  // metres
};

struct ProjectInfo {
    std::map<std::string, std::string> meta;
    std::vector<LayerInfo> layers;  // in the file's order
    std::optional<DemInfo> dem;
};

// Throws DataError naming the file when it is not a project.
ProjectInfo projectInfo(const std::string& path);

// The id of the first feature of `layer` that passes `where` (OGR SQL; empty = all), or nullopt
// when none does or the project lacks the layer.
std::optional<long long> firstFeatureId(const std::string& path, const std::string& layer, const std::string& where);

}  // namespace ruralatlas::io
