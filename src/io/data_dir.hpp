// Where the shipped data (data/ in the source tree) is found at run time.
#pragma once
#include <optional>
#include <string>

namespace ruralatlas::io {

// The shipped data folder (core/install_paths.hpp: $RURALATLAS_DATA_DIR, the source tree when run
// from the build tree, else <prefix>/share/ruralatlas/data).
std::string dataDir();

}  // namespace ruralatlas::io
