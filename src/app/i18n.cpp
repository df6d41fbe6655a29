#include "app/i18n.hpp"

#include <QTranslator>

namespace ruralatlas::app {

bool installLanguage(const QString& language) {
    if (language != "en") return true;
    auto* t = new QTranslator(QCoreApplication::instance());
    if (!t->load(":/i18n/ruralatlas_en.qm")) return false;
    QCoreApplication::installTranslator(t);
    return true;
}

}  // namespace ruralatlas::app
