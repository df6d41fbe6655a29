#include "gui_session.hpp"

#include <QGuiApplication>
#include <cstdio>
#include <cstdlib>

#include "core/install_paths.hpp"

namespace ruralatlas::render {

namespace {
void quietHandler(QtMsgType type, const QMessageLogContext&, const QString& msg) {
    if (type == QtFatalMsg || type == QtCriticalMsg || std::getenv("RURALATLAS_QT_DEBUG"))
        std::fprintf(stderr, "qt: %s\n", msg.toLocal8Bit().constData());
}
}  // namespace

void ensureGuiApplication() {
    if (QGuiApplication::instance()) return;
    if (!std::getenv("QT_QPA_PLATFORM") && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
        setenv("QT_QPA_PLATFORM", "offscreen", 0);
    qInstallMessageHandler(quietHandler);
    static int argc = 1;
    static char name[] = "ruralatlas";
    static char* argv[] = {name, nullptr};
    static QGuiApplication* app = new QGuiApplication(argc, argv);
    (void)app;
}

std::string stylesDir() { return shippedDir("styles"); }

}  // namespace ruralatlas::render
