// ruralatlas init: an empty project with every layer of the data model.
#include <cstdio>
#include <cstdlib>

#include "cli/commands.hpp"
#include "core/admin_code.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "host/qgis_styles.hpp"
#include "io/county_codes.hpp"
#include "io/project.hpp"
#include "io/project_spec.hpp"

namespace ruralatlas::cli {

Command initCommand() {
    CommandSpec spec{
        "init",
        "新建空白县级规划数据库",
        "Create an empty county planning database",
        "PROJECT.gpkg --county-code 6DIGITS --name NAME",
        1,
        1,
        {{"county-code", true, false, "county code (6 digits, 县级行政区划代码)", "CODE"},
         {"name", true, false, "county name (县名)", "NAME"},
         {"crs", true, false, "projected CRS, EPSG:4534..4554 (default: the Gauss-Krüger zone of the county's longitude)", "EPSG:45xx"},
         {"longitude", true, false, "county longitude in degrees, to choose the zone when the code is not in the shipped list", "DEG"},
         {"overwrite", false, false, "replace an existing file"}}};
    return {spec, [](const Args& a) {
                io::ProjectSpec p;
                p.countyCode = a.require("county-code");
                if (auto problem = checkAdminCode(p.countyCode, AdminLevel::County); problem != CodeProblem::Ok)
                    throw UsageError("--county-code " + p.countyCode + ": " + describe(problem, AdminLevel::County));
                p.countyName = a.require("name");
                if (auto crs = a.value("crs")) {
                    auto epsg = parseEpsg(*crs);
                    if (!epsg) throw UsageError("--crs must be EPSG:NNNN, not '" + *crs + "'");
                    if (!isGaussKrugerEpsg(*epsg))
                        throw UsageError("--crs EPSG:" + std::to_string(*epsg) +
                                         " is not a CGCS2000 3-degree Gauss-Krüger zone without prefix (EPSG:4534..4554)");
                    p.epsg = *epsg;
                } else if (auto lonText = a.value("longitude")) {
                    char* end = nullptr;
                    const double lon = std::strtod(lonText->c_str(), &end);
                    if (end == lonText->c_str() || *end != '\0' || lon < 73 || lon > 136)
                        throw UsageError("--longitude must be degrees east within China (73..136), not '" + *lonText + "'");
                    p.epsg = gaussKrugerEpsgForLongitude(lon);
                } else {
                    auto lon = io::countyLongitude(p.countyCode);
                    if (!lon)
                        throw UsageError("county " + p.countyCode +
                                         " is not in the shipped location list: give --crs EPSG:45xx or --longitude DEG");
                    p.epsg = gaussKrugerEpsgForLongitude(*lon);
                }
                io::createProject(a.positional()[0], p, a.has("overwrite"),
                                  [&](const std::string& file) { host::writeQgisStyles(file, {}, a.positional()[0]); });
                std::printf("created %s: %s (%s), CRS EPSG:%d\n", a.positional()[0].c_str(), p.countyName.c_str(), p.countyCode.c_str(),
                            p.epsg);
                return 0;
            }};
}

Command upgradeCommand() {
    CommandSpec spec{"upgrade",
                     "升级项目数据库到当前版本（补充新增图层）",
                     "Bring a project made by an older release up to this release's schema (adds the layers it lacks)",
                     "PROJECT.gpkg",
                     1,
                     1,
                     {}};
    return {spec, [](const Args& a) {
                const std::string path = a.positional()[0];
                const auto added = io::upgradeProject(path);
                if (added.empty()) {
                    std::printf("%s is up to date (schema version %s)\n", path.c_str(), io::kSchemaVersion);
                    return 0;
                }
                host::writeQgisStyles(path, {}, path);
                std::printf("upgraded %s to schema version %s; layers and fields added:", path.c_str(), io::kSchemaVersion);
                for (const auto& l : added) std::printf(" %s", l.c_str());
                std::printf("\n");
                return 0;
            }};
}

}  // namespace ruralatlas::cli
