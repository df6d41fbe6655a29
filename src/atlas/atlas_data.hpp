// Everything an atlas page prints besides the map, read once through the data-access port before
// any page is drawn: the page features (selected with an attribute filter, sorted), village figures,
// households aggregated per village and cause (never single households), industry projects
// per beneficiary village, relocations per site; and the plugin sections the layout's tables name.
#pragma once
#include <QPointF>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/atlas_section.hpp"
#include "atlas/layout.hpp"
#include "render/map_data.hpp"

namespace ruralatlas {
class FeatureSource;
class ProjectSource;
}  // namespace ruralatlas

namespace ruralatlas::atlas {

using Fields = std::map<std::string, std::string>;  // field -> value as text ("" = null)

struct PageFeature {
    long long fid = 0;
    Fields fields;
    std::string code, name;  // code: township/village code or site id
    std::string townshipCode, townshipName;
    std::vector<std::vector<QPointF>> rings;  // polygon outline (world), empty for points
    QPointF point;                            // the feature's point (or a point on its surface)
    render::Box bbox;
    bool located = true;  // false: no geometry; the page shows its township (bbox) instead
};

struct IndustryRow {
    std::string id, name, sector, status;
    double investment = NAN;
    long long jobs = -1, households = -1;  // households: the link's households for this village; -1 = unknown
};

struct RelocationRow {
    std::string villageCode, villageName, townshipName;
    long long households = -1, people = -1, year = -1;
};

struct VillageInfo {
    std::string code, name, townshipCode, status;
    long long population = 0, households = 0, poorHouseholds = 0, monitoredHouseholds = 0;
    double x = 0, y = 0;
    // false: the field is empty (0 above)
    bool populationKnown = true, householdsKnown = true, poorKnown = true, monitoredKnown = true;
};

class AtlasData {
public:
    // Reads the pages of `kind` (a `where` filter in the port's SQL subset, `sort` field with an
    // optional leading '-') and the project data the built-in tables print. What analyses add
    // (coverage, gaps...) comes from plugin sections (`sections`), prepared by host::AtlasJob.
    static AtlasData load(ProjectSource& project, PageKind kind, const std::string& where, const std::string& sort);

    PageKind kind = PageKind::Villages;
    std::vector<PageFeature> pages;
    std::vector<std::string> unlocated;  // pages whose feature has no geometry (codes)
    std::string countyName, countyCode, dataDate;
    bool synthetic = false;
    std::map<std::string, std::string> townshipNames;  // code -> name
    std::map<std::string, render::Box> townshipBoxes;  // code -> envelope
    std::map<std::string, VillageInfo> villages;       // code -> figures

    // Per village code.
    std::map<std::string, std::map<std::string, long long>> hardship;  // cause -> households
    // A login that may not read the households (the shared server): the counts come from the
    // server's aggregate by village and cause, which withholds groups under 5 households; those
    // groups are here (village -> causes), known to hold 1-4 households, in no sum.
    std::map<std::string, std::set<std::string>> hardshipWithheld;
    std::map<std::string, std::vector<IndustryRow>> industry;
    // Per site id.
    std::map<std::string, std::vector<RelocationRow>> relocations;
    // Plugin atlas sections the layout's tables name, prepared (source -> section).
    std::map<std::string, std::shared_ptr<const analysis::AtlasSection>> sections;

    // Villages of a township, by code.
    std::vector<const VillageInfo*> villagesOf(const std::string& townshipCode) const;
    // A field of a page for {placeholders} and figures tables, formatted for print: enum
    // titles, rates as percentages, household counts under 5 suppressed ("<5").
    std::string format(const PageFeature& page, const std::string& field) const;
};

// Household counts below kMinHouseholdsShown print as "<5" (DATA-MODEL.md, personal data).
std::string householdsText(long long n);
// Fields that count households (their values are suppressed under 5).
bool isHouseholdCount(const std::string& field);
// "12,345"
std::string groupDigits(long long n);

}  // namespace ruralatlas::atlas
