// ruralatlas-desktop: the map-centric workbench.
//   ruralatlas-desktop [PROJECT.gpkg] [--lang zh|en] [--screenshot FILE.png] [--bench]
//                      [--import FILE --into LAYER [--update]]
// --screenshot opens the project, waits until the map is drawn, saves the whole window and
// exits (README, tests, bug reports). --bench prints the time from launch to the first drawn
// map and the frame times of a series of pans, then exits. --import imports a file as the import
// dialog does once accepted (features and QGIS styles in one transaction), then exits.
#include <QApplication>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QSettings>
#include <QTextEdit>
#include <QTimer>
#include <cstdio>
#include <numeric>

#include "analysis/analysis.hpp"
#include "app/i18n.hpp"
#include "app/main_window.hpp"
#include "io/sources.hpp"
#include "render/fonts.hpp"
#include "render/gui_session.hpp"

using namespace ruralatlas;

int main(int argc, char** argv) {
    QElapsedTimer launch;
    launch.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("RuralAtlas");
    QApplication::setApplicationName("ruralatlas-desktop");
    QString project, screenshot, lang = QSettings().value("language", "zh").toString();
    QString importFile, importInto;
    bool bench = false, importUpdate = false;
    const QStringList args = QApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == "--screenshot" && i + 1 < args.size())
            screenshot = args[++i];
        else if (args[i] == "--lang" && i + 1 < args.size())
            lang = args[++i];
        else if (args[i] == "--bench")
            bench = true;
        else if (args[i] == "--import" && i + 1 < args.size())
            importFile = args[++i];
        else if (args[i] == "--into" && i + 1 < args.size())
            importInto = args[++i];
        else if (args[i] == "--update")
            importUpdate = true;
        else if (args[i] == "--help" || args[i] == "-h") {
            std::printf(
                "用法 / usage: ruralatlas-desktop [PROJECT.gpkg] [--lang zh|en] [--screenshot FILE.png] [--bench]\n"
                "                                 [--import FILE --into LAYER [--update]]   (import as the dialog does, then quit)\n");
            return 0;
        } else if (args[i].startsWith("--")) {
            std::fprintf(stderr, "ruralatlas-desktop: unknown option %s\n", qPrintable(args[i]));
            return 2;
        } else
            project = args[i];
    }
    if (lang == "en" && !app::installLanguage("en")) std::fprintf(stderr, "ruralatlas-desktop: the English translation is missing\n");
    io::initGdal();
    try {
        render::stylesDir();  // an installed program whose shipped files are missing says so, once
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ruralatlas-desktop: %s\n", e.what());
        QMessageBox::critical(nullptr, QStringLiteral("RuralAtlas"), QString::fromUtf8(e.what()));
        return 1;
    }
    render::Fonts::instance();
    QApplication::setFont(render::Fonts::instance().family());
    analysis::Registry registry;
    analysis::registerAllPlugins(registry);
    app::MainWindow w(registry);
    w.show();
    if (!project.isEmpty()) {
        QString error;
        if (!w.openProject(project, &error)) {
            std::fprintf(stderr, "ruralatlas-desktop: %s\n", error.toUtf8().constData());
            if (!screenshot.isEmpty() || bench) return 1;
        }
    }
    if (!importFile.isEmpty()) {
        // The dialog's import without the dialog (scripts, and the kill test of the app's save).
        if (project.isEmpty() || importInto.isEmpty()) {
            std::fprintf(stderr, "ruralatlas-desktop: --import needs a project and --into LAYER\n");
            return 2;
        }
        io::ImportOptions o;
        o.project = project.toStdString();
        o.source = importFile.toStdString();
        o.into = importInto.toStdString();
        o.update = importUpdate;
        QString error;
        if (!w.importWith(o, &error)) {
            std::fprintf(stderr, "ruralatlas-desktop: %s\n", error.toUtf8().constData());
            return 1;
        }
        std::printf("%s\n", w.resultPanel()->toPlainText().toUtf8().constData());
        return 0;
    }
    if (!screenshot.isEmpty() || bench) {
        // Wait for the first map, then (bench) pan in steps and time each redraw.
        auto* canvas = w.canvas();
        auto pans = std::make_shared<std::vector<double>>();
        auto firstMs = std::make_shared<double>(-1);
        QObject::connect(canvas, &app::MapCanvas::frameDrawn, &w, [&, canvas, pans, firstMs](double ms) {
            if (*firstMs < 0) {
                *firstMs = double(launch.elapsed());
                if (!screenshot.isEmpty()) {
                    QTimer::singleShot(100, &w, [&]() {
                        if (!w.grab().save(screenshot)) {
                            std::fprintf(stderr, "ruralatlas-desktop: cannot write %s\n", qPrintable(screenshot));
                            QApplication::exit(1);
                            return;
                        }
                        std::printf("screenshot: %s (%dx%d)\n", qPrintable(screenshot), w.width(), w.height());
                        if (!bench) QApplication::exit(0);
                    });
                }
                if (bench) {
                    std::printf("launch to first drawn map: %.0f ms (map frame %.1f ms, %dx%d)\n", *firstMs, ms, canvas->width(),
                                canvas->height());
                    canvas->setView(canvas->extent().minx + canvas->extent().width() / 2,
                                    canvas->extent().miny + canvas->extent().height() / 2,
                                    50000 * 0.0254 / 96);  // 1:50,000
                }
                return;
            }
            if (!bench) return;
            if (pans->size() < 40) {
                if (!pans->empty() || ms > 0) pans->push_back(ms);
                canvas->panByPixels(QPointF(pans->size() % 20 < 10 ? 120 : -120, 40));
                return;
            }
            std::vector<double> v(pans->begin() + 1, pans->end());
            std::sort(v.begin(), v.end());
            std::printf("pan redraws at 1:50,000 (%zu frames): median %.1f ms, 90th percentile %.1f ms, max %.1f ms\n", v.size(),
                        v[v.size() / 2], v[v.size() * 9 / 10], v.back());
            QApplication::exit(0);
        });
        QTimer::singleShot(120000, &w, []() {
            std::fprintf(stderr, "ruralatlas-desktop: the map was not drawn within 2 minutes\n");
            QApplication::exit(1);
        });
    }
    return QApplication::exec();
}
