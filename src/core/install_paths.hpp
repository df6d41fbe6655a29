// Where the tool finds what it ships (data/ and styles/) at run time, with no source path baked
// into an installed binary:
//   1. the environment variable (RURALATLAS_DATA_DIR, RURALATLAS_STYLES_DIR), when set;
//   2. a binary run from its build tree uses the source tree it was built from;
//   3. otherwise <prefix>/share/ruralatlas/<what>, next to <prefix>/bin where the binary lies
//      (what `cmake --install` lays out).
#pragma once
#include <string>
#include <vector>

namespace ruralatlas {

// `what` is "data", "styles" or "plugins". Throws DataError naming the folder and the variable to
// set when an installed binary does not find it.
std::string shippedDir(const std::string& what);

// A plugin's default style named "PLUGIN/FILE.json" (as result tables and atlas layouts name
// them): the file in that plugin's styles/ folder. Empty when `ref` is not of that form.
std::string pluginStylePath(const std::string& ref);
// Every plugin's default styles, as "PLUGIN/FILE.json", sorted.
std::vector<std::string> pluginStyleRefs();

}  // namespace ruralatlas
