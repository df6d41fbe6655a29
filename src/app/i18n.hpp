// User-facing text of the desktop app: written in Chinese, translated to English by
// translations/ruralatlas_en.ts (one context, "RuralAtlas"), loaded when the language setting
// (or --lang en) asks for it.
#pragma once
#include <QCoreApplication>
#include <QString>

namespace ruralatlas::app {

inline QString T(const char* zh) { return QCoreApplication::translate("RuralAtlas", zh); }

// Installs the English translation when `language` is "en"; returns false when it is missing.
bool installLanguage(const QString& language);

}  // namespace ruralatlas::app
