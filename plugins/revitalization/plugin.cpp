// The revitalization-monitoring plugin (乡村振兴监测): indicators over time by village, township
// and county, against their targets, former-poor villages against the others.
#include "analysis/analysis.hpp"
#include "indicators.hpp"

void ruralatlas_register_revitalization(ruralatlas::analysis::Registry& registry) {
    registry.add(ruralatlas::revitalization::makeIndicators());
}
