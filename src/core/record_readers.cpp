#include "core/record_readers.hpp"

#include <cstdlib>

namespace ruralatlas {

namespace {

std::string text(const ResultValue& v) { return valueAsText(v); }
long long count(const ResultValue& v) { return valueAsInteger(v).value_or(-1); }
std::optional<double> real(const ResultValue& v) { return valueAsReal(v); }
std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

bool pointOf(const FeatureGeometry& g, XY& at) {
    if (g.kind != ShapeKind::Point || g.xy.size() < 2) return false;
    at = {g.xy[0], g.xy[1]};
    return true;
}

}  // namespace

Polygons polygonsOf(const FeatureGeometry& g) {
    Polygons out;
    if (g.kind != ShapeKind::Polygon) return out;
    std::uint32_t part = 0, point = 0;
    for (std::uint32_t polyEnd : g.polygons) {
        Polygon poly;
        for (; part < polyEnd; ++part) {
            Ring ring;
            for (; point < g.parts[part]; ++point) ring.push_back({g.xy[size_t(point) * 2], g.xy[size_t(point) * 2 + 1]});
            poly.rings.push_back(std::move(ring));
        }
        out.push_back(std::move(poly));
    }
    return out;
}

std::vector<ResettlementSite> readResettlementSites(FeatureSource& source) {
    std::vector<ResettlementSite> out;
    readFields(source, "resettlement_sites",
               {"id", "name", "village_code", "planned_households", "moved_in_households", "capacity_people", "jobs_nearby",
                "old_homes_total", "old_homes_demolished", "reclaimed_area_mu"},
               {}, [&](const Feature& f, const std::vector<ResultValue>& v) {
                   ResettlementSite s;
                   s.fid = f.fid;
                   s.id = text(v[0]);
                   s.name = text(v[1]);
                   s.villageCode = text(v[2]);
                   s.plannedHouseholds = count(v[3]);
                   s.movedInHouseholds = count(v[4]);
                   s.capacityPeople = count(v[5]);
                   s.jobsNearby = count(v[6]);
                   s.oldHomesTotal = count(v[7]);
                   s.oldHomesDemolished = count(v[8]);
                   s.reclaimedAreaMu = real(v[9]);
                   s.hasPoint = pointOf(f.geometry, s.at);
                   out.push_back(std::move(s));
               });
    return out;
}

std::vector<Relocation> readRelocations(FeatureSource& source) {
    std::vector<Relocation> out;
    FeatureQuery q;
    q.geometry = false;
    readFields(source, "relocations", {"source_village_code", "site_id", "households", "people", "year"}, q,
               [&](const Feature&, const std::vector<ResultValue>& v) {
                   out.push_back({text(v[0]), text(v[1]), count(v[2]), count(v[3]), count(v[4])});
               });
    return out;
}

std::vector<IndustryProject> readIndustryProjects(FeatureSource& source) {
    std::vector<IndustryProject> out;
    readFields(source, "industry_projects",
               {"id", "name", "sector", "status", "village_code", "investment", "jobs", "beneficiary_households", "start_year"}, {},
               [&](const Feature& f, const std::vector<ResultValue>& v) {
                   IndustryProject p;
                   p.fid = f.fid;
                   p.id = text(v[0]);
                   p.name = text(v[1]);
                   p.sector = text(v[2]);
                   p.status = text(v[3]);
                   p.villageCode = text(v[4]);
                   p.investment = real(v[5]);
                   p.jobs = count(v[6]);
                   p.beneficiaryHouseholds = count(v[7]);
                   p.startYear = count(v[8]);
                   p.hasPoint = pointOf(f.geometry, p.at);
                   out.push_back(std::move(p));
               });
    return out;
}

std::vector<LandUseParcel> readLandUseParcels(FeatureSource& source, const std::string& villageCode, const std::string& period) {
    std::vector<LandUseParcel> out;
    FeatureQuery q;
    if (!villageCode.empty()) q.where = "village_code = " + quoted(villageCode);
    if (!period.empty()) q.where += (q.where.empty() ? "" : " AND ") + std::string("period = ") + quoted(period);
    readFields(source, "landuse_plan", {"village_code", "landuse_code", "period"}, q,
               [&](const Feature& f, const std::vector<ResultValue>& v) {
                   out.push_back({f.fid, text(v[0]), text(v[1]), text(v[2]), polygonsOf(f.geometry)});
               });
    return out;
}

std::vector<Constraint> readConstraints(FeatureSource& source, const std::optional<Bounds>& within) {
    std::vector<Constraint> out;
    FeatureQuery q;
    q.within = within;
    readFields(source, "constraints", {"kind", "name"}, q, [&](const Feature& f, const std::vector<ResultValue>& v) {
        out.push_back({f.fid, text(v[0]), text(v[1]), polygonsOf(f.geometry)});
    });
    return out;
}

}  // namespace ruralatlas
