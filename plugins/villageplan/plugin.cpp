// The village-plan plugin (村庄规划): the check of drafted plans (plan-check) against the 2023
// land-use classification, coverage topology and the control zones.
#include "analysis/analysis.hpp"

namespace ruralatlas::villageplan {
std::unique_ptr<analysis::Analysis> makePlanCheck();
std::unique_ptr<analysis::Analysis> makePlanTables();
void registerPlanSections(analysis::Registry& registry);
}  // namespace ruralatlas::villageplan

void ruralatlas_register_villageplan(ruralatlas::analysis::Registry& registry) {
    registry.add(ruralatlas::villageplan::makePlanCheck());
    registry.add(ruralatlas::villageplan::makePlanTables());
    ruralatlas::villageplan::registerPlanSections(registry);
}
