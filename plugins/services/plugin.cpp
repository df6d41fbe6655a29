// The services plugin: coverage and gaps, and their atlas sections, registered through the
// public interface.
#include "analysis/analysis.hpp"

namespace ruralatlas::services {
std::unique_ptr<analysis::Analysis> makeCoverageAnalysis();
std::unique_ptr<analysis::Analysis> makeGapsAnalysis();
void registerAtlasSections(analysis::Registry& registry);
}  // namespace ruralatlas::services

void ruralatlas_register_services(ruralatlas::analysis::Registry& registry) {
    registry.add(ruralatlas::services::makeCoverageAnalysis());
    registry.add(ruralatlas::services::makeGapsAnalysis());
    ruralatlas::services::registerAtlasSections(registry);
}
