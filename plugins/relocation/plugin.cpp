// The relocation plugin (易地扶贫搬迁): resettlement-site siting on the location engines in
// location/ (own p-median engine, CBC models), the follow-up of moved families and the audit of
// existing sites against the suitability criteria, registered through the public interface.
#include "analysis/analysis.hpp"

namespace ruralatlas::relocation {
std::unique_ptr<analysis::Analysis> makeSiteAnalysis();
std::unique_ptr<analysis::Analysis> makeFollowupAnalysis();
std::unique_ptr<analysis::Analysis> makeSiteAudit();
std::unique_ptr<analysis::Analysis> makeSuitability();
void registerFollowupSection(analysis::Registry& registry);
}  // namespace ruralatlas::relocation

void ruralatlas_register_relocation(ruralatlas::analysis::Registry& registry) {
    registry.add(ruralatlas::relocation::makeSiteAnalysis());
    registry.add(ruralatlas::relocation::makeFollowupAnalysis());
    registry.add(ruralatlas::relocation::makeSiteAudit());
    registry.add(ruralatlas::relocation::makeSuitability());
    ruralatlas::relocation::registerFollowupSection(registry);
}
