// What a new project is made of, and making one: the part of io/project.hpp front ends need
// without GDAL's headers.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ruralatlas::io {

struct ProjectSpec {
    std::string countyCode;  // 6 digits
    std::string countyName;
    int epsg = 0;  // projected CRS (CGCS2000 3-degree GK, no prefix)
    bool synthetic = false;
    std::string dataDate;  // YYYY-MM-DD of the data; empty = today
    std::vector<std::pair<std::string, std::string>> extraMeta;
};

constexpr const char* kSchemaVersion =
    "4";  // 2: plan_targets, village_indicators; 3: assistance_units, inspection_issues, households.identified_year / eliminated_year;
          // 4: supervision_visits, the village_indicators index

// Called on a new project's temporary file after its data is written and before the rename
// that makes it visible (e.g. to add the QGIS styles, host/qgis_styles.hpp), so the file
// appears complete or not at all.
using FinishFile = std::function<void(const std::string& tempPath)>;

// Creates a new empty project file atomically (temp file + rename). Throws DataError when the
// file exists and `overwrite` is false.
void createProject(const std::string& path, const ProjectSpec& spec, bool overwrite, const FinishFile& finish = {});

std::string todayIso();

}  // namespace ruralatlas::io
