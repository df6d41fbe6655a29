// Opening data through the data-access port, for the front ends (command line, desktop app,
// benchmarks): what they get are the core interfaces (core/project_source.hpp,
// core/feature_source.hpp), never GDAL's types, so this header includes none of GDAL's.
#pragma once
#include <memory>
#include <string>

#include "core/feature_source.hpp"
#include "core/project_source.hpp"

namespace ruralatlas::io {

// Registers GDAL's drivers and quiet error handling once (thread-safe).
void initGdal();

// The port for a project given by the user: a GeoPackage path today (a server connection string
// with the PostGIS adapter). DataError naming the file when it is not a project.
std::unique_ptr<ProjectSource> openProjectSource(const std::string& project);

// A result file (or any vector file) as a feature source; DataError naming the file when it
// cannot be opened.
std::unique_ptr<FeatureSource> openFeatureSource(const std::string& path);

}  // namespace ruralatlas::io
