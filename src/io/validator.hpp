// Checking a project against the data model and common sense: schema, admin codes,
// enumerations, geometry validity (GEOS), features outside the county, road connectivity,
// impossible values and broken references. Links GDAL and GEOS.
#pragma once
#include <string>
#include <vector>

#include "core/feedback.hpp"

namespace ruralatlas::io {

struct Problem {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    std::string rule;  // short machine-readable name, e.g. "code_prefix"
    std::string layer;
    long long fid = -1;
    std::string feature;  // code or id of the feature, when it has one
    std::string field;
    std::string message;
    bool hasLocation = false;
    double x = 0, y = 0;
};

struct ValidationReport {
    std::vector<Problem> problems;
    long long errors() const;
    long long warnings() const;
};

ValidationReport validateProject(const std::string& path, Feedback& feedback);

}  // namespace ruralatlas::io
