// A QGuiApplication for headless drawing (command line, tests): the offscreen platform unless
// a display is set, and Qt's own chatter kept off stderr unless RURALATLAS_QT_DEBUG is set.
#pragma once
#include <string>

namespace ruralatlas::render {

void ensureGuiApplication();
// The folder of shipped styles: $RURALATLAS_STYLES_DIR, else the source tree's styles/.
std::string stylesDir();

}  // namespace ruralatlas::render
