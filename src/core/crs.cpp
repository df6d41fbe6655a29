#include "crs.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace ruralatlas {

int gaussKrugerZone(double longitude) {
    const int zone = static_cast<int>(std::lround(longitude / 3.0));
    return std::clamp(zone, kFirstGkZone, kLastGkZone);
}

int gaussKrugerEpsg(int zone) { return 4509 + zone; }

double gaussKrugerCentralMeridian(int zone) { return zone * 3.0; }

int gaussKrugerEpsgForLongitude(double longitude) { return gaussKrugerEpsg(gaussKrugerZone(longitude)); }

std::optional<int> parseEpsg(const std::string& text) {
    std::string s = text;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (s.rfind("EPSG:", 0) == 0) s = s.substr(5);
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) return std::nullopt;
    return std::stoi(s);
}

bool isGaussKrugerEpsg(int epsg) { return epsg >= gaussKrugerEpsg(kFirstGkZone) && epsg <= gaussKrugerEpsg(kLastGkZone); }

}  // namespace ruralatlas
