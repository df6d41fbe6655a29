// Exporting a project layer: GeoPackage, Shapefile (UTF-8 with .cpg), GeoJSON (WGS84), CSV and
// XLSX (points with lon/lat). Households leave the database only as village aggregates with
// counts under 5 suppressed. Links GDAL.
#pragma once
#include <string>

#include "core/feedback.hpp"

namespace ruralatlas::io {

struct ExportReport {
    long long features = 0;
    std::string format;
    bool aggregated = false;   // personal data written as aggregates
    long long suppressed = 0;  // aggregates suppressed (< 5 households)
};

ExportReport exportLayer(const std::string& project, const std::string& layer, const std::string& out, Feedback& feedback);

}  // namespace ruralatlas::io
