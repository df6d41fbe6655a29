// Where the shipped data (data/ in the source tree) is found at run time.
#pragma once
#include <optional>
#include <string>

namespace ruralatlas::io {

// $RURALATLAS_DATA_DIR, else the source tree's data/ compiled in.
std::string dataDir();

}  // namespace ruralatlas::io
