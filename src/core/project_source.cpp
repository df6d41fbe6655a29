#include "core/project_source.hpp"

namespace ruralatlas {

std::vector<std::string> statusesFor(const std::string& choice) {
    if (choice == "existing") return {"existing"};
    if (choice == "planned") return {"existing", "under_construction", "planned"};
    return {};
}

}  // namespace ruralatlas
