// In-memory records of one synthetic county, before they are written to the GeoPackage.
#pragma once
#include <ogr_geometry.h>

#include <memory>
#include <string>
#include <vector>

namespace ruralatlas::demo {

struct Pt {
    double x = 0, y = 0;
};
using Line = std::vector<Pt>;
using GeomPtr = std::unique_ptr<OGRGeometry>;

struct River {
    Line line;
    std::string cls;  // river | stream
    std::string name;
};

struct Township {
    std::string code, name;
    Pt seat;
    bool isTown = true;  // 镇 (true) or 乡
    GeomPtr area;
};

struct Village {
    std::string code, name, townshipCode, classCode, status, planType, terrain;
    Pt at;
    int township = 0;
    long long population = 0, households = 0, poorHouseholds = 0, monitoredHouseholds = 0;
    double collectiveIncome = 0, tapWaterRate = 0, sanitaryToiletRate = 0, elevation = 0, riverDistance = 0;
    int hasVillagePlan = 0, hardenedRoad = 1;
    bool seat = false;
};

struct Road {
    Line line;
    std::string cls, surface, name;
    double speed = 30;
};

struct Facility {
    std::string kind, name, status, villageCode;
    Pt at;
    long long capacity = 0;
};

struct Site {
    std::string id, name, villageCode, status;
    Pt at;
    long long planned = 0, movedIn = 0, capacityPeople = 0, jobs = 0, oldHomes = 0, demolished = 0;
    double reclaimedMu = 0;
};

struct Relocation {
    std::string sourceVillage, siteId;
    long long households = 0, people = 0;
    int year = 2018;
};

struct Project {
    std::string id, name, sector, status, villageCode;
    Pt at;
    double investment = 0;
    long long jobs = 0, beneficiaries = 0;
    int startYear = 2018;
};

struct ProjectLink {
    std::string projectId, villageCode;
    long long households = 0;
};

struct Parcel {
    std::string villageCode, landuseCode, period;
    GeomPtr area;
};

struct PlanTarget {
    std::string villageCode, indicator, bound, source;
    double valueHa = 0;
};

struct Constraint {
    std::string kind, name;
    GeomPtr area;
};

struct Household {
    std::string id, villageCode, status, cause;
    Pt at;
    int members = 1, monitored = 0;
    // Years before the data year it was identified for monitoring / its risk eliminated (-1: never).
    int identifiedAgo = -1, eliminatedAgo = -1;
};

// Dates as days before the data date (negative: after it).
struct AssistanceUnit {
    std::string villageCode, kind, unitName, unitLevel;
    int members = 0, startAgo = 0, endAgo = -100000;  // endAgo -100000: no end date
};

struct InspectionIssue {
    std::string id, villageCode, source, category, issue, status, followUp;
    int foundAgo = 0, deadlineAgo = 0, closedAgo = -100000;  // closedAgo -100000: not closed
};

struct County {
    int index = 0;
    std::string code, name;
    Pt centre;
    double radius = 0;
    int householdEvery = 5;          // ledger households for every n-th village
    std::vector<double> amp, phase;  // outline harmonics
    Line outline;                    // closed ring
    std::vector<River> rivers;
    Pt seatHint;
    std::vector<Township> townships;
    std::vector<Village> villages;
    std::vector<Road> roads;
    std::vector<Facility> facilities;
    std::vector<Site> sites;
    std::vector<Relocation> relocations;
    std::vector<Project> projects;
    std::vector<ProjectLink> links;
    std::vector<Parcel> parcels;
    std::vector<PlanTarget> targets;  // control targets of the planned villages (plan_targets)
    std::vector<Constraint> constraints;
    std::vector<Household> households;
    std::vector<AssistanceUnit> units;    // assistance_units
    std::vector<InspectionIssue> issues;  // inspection_issues
    std::vector<GeomPtr> territories;     // village territories, by index in `villages` (may be null)
    std::vector<std::string> notes;       // what a user of the demo should know (the plans' deliberate mistakes)
    GeomPtr boundary;

    double outlineRadius(double theta) const;
    bool inside(Pt p, double shrink = 1.0) const;
};

}  // namespace ruralatlas::demo
