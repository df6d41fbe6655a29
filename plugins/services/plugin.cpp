// The services plugin: coverage and gaps, registered through the public interface.
#include "analysis/analysis.hpp"

namespace ruralatlas::services {
std::unique_ptr<analysis::Analysis> makeCoverageAnalysis();
std::unique_ptr<analysis::Analysis> makeGapsAnalysis();
}  // namespace ruralatlas::services

void ruralatlas_register_services(ruralatlas::analysis::Registry& registry) {
    registry.add(ruralatlas::services::makeCoverageAnalysis());
    registry.add(ruralatlas::services::makeGapsAnalysis());
}
