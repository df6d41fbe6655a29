// Lookups in the shipped code tables (data/).
#pragma once
#include <optional>
#include <string>

namespace ruralatlas::io {

// WGS84 longitude of a county's centre from data/county_centres.csv (every county of China, from
// Vonng/adcode, CC BY 4.0, converted from GCJ-02); nullopt when the county is not listed.
std::optional<double> countyLongitude(const std::string& countyCode);

}  // namespace ruralatlas::io
