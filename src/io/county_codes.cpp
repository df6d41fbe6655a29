#include "io/county_codes.hpp"

#include <fstream>
#include <sstream>

#include "core/gcj02.hpp"
#include "core/install_paths.hpp"
#include "io/data_dir.hpp"

namespace ruralatlas::io {

std::string dataDir() { return shippedDir("data"); }

std::optional<double> countyLongitude(const std::string& countyCode) {
    std::ifstream in(dataDir() + "/county_centres.csv");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream row(line);
        std::string code, name, lon, lat;
        std::getline(row, code, ',');
        std::getline(row, name, ',');
        std::getline(row, lon, ',');
        std::getline(row, lat, ',');
        if (code == countyCode) return gcj02ToWgs84({std::stod(lon), std::stod(lat)}).lon;
    }
    return std::nullopt;
}

}  // namespace ruralatlas::io
