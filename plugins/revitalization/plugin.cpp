// The revitalization-monitoring plugin (乡村振兴监测): indicators over time by village, township
// and county, against their targets, former-poor villages against the others; return-to-poverty
// monitoring and risk clusters; industry projects and the collective economy; assistance units
// and the inspection register.
#include "analysis/analysis.hpp"
#include "assistance.hpp"
#include "indicators.hpp"
#include "industry.hpp"
#include "risk.hpp"
#include "sample.hpp"

namespace ruralatlas::revitalization {
void registerSections(analysis::Registry& registry);
}

void ruralatlas_register_revitalization(ruralatlas::analysis::Registry& registry) {
    registry.add(ruralatlas::revitalization::makeIndicators());
    registry.add(ruralatlas::revitalization::makeRisk());
    registry.add(ruralatlas::revitalization::makeIndustry());
    registry.add(ruralatlas::revitalization::makeAssistance());
    registry.add(ruralatlas::revitalization::makeSupervisionSample());
    ruralatlas::revitalization::registerSections(registry);
}
