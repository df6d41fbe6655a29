// Map furniture text (legend heading, scale-bar units, north arrow, page footer): written in
// Chinese, translated through the "RuralAtlas" context of translations/ruralatlas_en.ts when
// the application has installed the English translation (the desktop app with --lang en);
// the command line prints Chinese maps.
#pragma once
#include <QCoreApplication>
#include <QString>

namespace ruralatlas::render {

inline QString T(const char* zh) { return QCoreApplication::translate("RuralAtlas", zh); }

}  // namespace ruralatlas::render
