// The county CRS: CGCS2000 3-degree Gauss-Krüger without zone prefix, EPSG:4534..4554
// (central meridian 75°E .. 135°E, EPSG = 4509 + zone, zone = central meridian / 3).
#pragma once
#include <optional>
#include <string>

namespace ruralatlas {

constexpr int kFirstGkZone = 25;  // 75°E
constexpr int kLastGkZone = 45;   // 135°E

// The 3-degree zone whose central meridian is nearest to `longitude` (degrees east),
// clamped to the zones that cover China.
int gaussKrugerZone(double longitude);
int gaussKrugerEpsg(int zone);  // 4509 + zone
double gaussKrugerCentralMeridian(int zone);
// EPSG code of the zone for a longitude (what `init` picks when --crs is not given).
int gaussKrugerEpsgForLongitude(double longitude);
// Parses "EPSG:4545" / "4545"; nullopt when not a number.
std::optional<int> parseEpsg(const std::string& text);
bool isGaussKrugerEpsg(int epsg);  // one of the no-prefix 3-degree zones

}  // namespace ruralatlas
