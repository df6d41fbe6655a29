// Checking a project against the data model and common sense: schema, admin codes,
// enumerations, geometry validity (GEOS), features outside the county, road connectivity,
// impossible values and broken references. Links GDAL and GEOS.
#pragma once
#include <memory>
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

class OGRFeature;
namespace ruralatlas {
struct LayerDef;
}

namespace ruralatlas::io {

// The rules one feature must meet on its own: required values, enumerations, ranges, the form
// of its codes and their prefixes (a township in its county, a village in its township),
// land-use codes, values that cannot be true together, geometry validity (GEOS). `validate`
// runs them on every feature of a project and `import` on every row before it writes, so a file
// that imports never fails validation for one of them. Rules that need the whole layer
// (duplicates, references) are the callers'. One instance per thread.
class FeatureRules {
public:
    // `countyCode`: the project's; `singleCounty`: townships must start with it.
    FeatureRules(std::string countyCode, bool singleCounty);
    ~FeatureRules();
    std::vector<Problem> check(const LayerDef& def, OGRFeature& feature) const;

private:
    struct Impl;
    std::string m_county;
    bool m_singleCounty;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace ruralatlas::io
