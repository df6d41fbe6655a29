// The domain layers the domain modules read, as core records, through the generic feature port:
// any adapter (GeoPackage, PostGIS) gives them without code of its own. A layer the project lacks
// gives an empty list; callers that must tell "none" from "not imported" ask layerInfo() first
// (missing data is reported as missing, never as a finding).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/feature_source.hpp"
#include "core/records.hpp"

namespace ruralatlas {

std::vector<ResettlementSite> readResettlementSites(FeatureSource& source);
std::vector<Relocation> readRelocations(FeatureSource& source);
std::vector<IndustryProject> readIndustryProjects(FeatureSource& source);
// Parcels of one village and/or period (current | planned) when given.
std::vector<LandUseParcel> readLandUseParcels(FeatureSource& source, const std::string& villageCode = {}, const std::string& period = {});
// Control zones, those meeting `within` when given.
std::vector<Constraint> readConstraints(FeatureSource& source, const std::optional<Bounds>& within = std::nullopt);

// A feature's polygon geometry as core polygons (empty for other kinds).
Polygons polygonsOf(const FeatureGeometry& g);

}  // namespace ruralatlas
