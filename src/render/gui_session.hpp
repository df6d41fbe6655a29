// A QGuiApplication for headless drawing (command line, tests): the offscreen platform unless
// a display is set, and Qt's own chatter kept off stderr unless RURALATLAS_QT_DEBUG is set.
#pragma once
#include <string>

namespace ruralatlas::render {

void ensureGuiApplication();
// The folder of shipped styles (core/install_paths.hpp: $RURALATLAS_STYLES_DIR, the source tree
// when run from the build tree, else <prefix>/share/ruralatlas/styles).
std::string stylesDir();

}  // namespace ruralatlas::render
