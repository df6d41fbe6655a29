// ruralatlas-desktop: the map-centric workbench.
//   ruralatlas-desktop [PROJECT.gpkg] [--lang zh|en] [--screenshot FILE.png] [--bench]
//                      [--import FILE --into LAYER [--update]] [--edit-plan VILLAGE [--bench-edit N]]
// --screenshot opens the project, waits until the map is drawn, saves the whole window and
// exits (README, tests, bug reports). --bench prints the time from launch to the first drawn
// map and the frame times of a series of pans, then exits. --import imports a file as the import
// dialog does once accepted (features and QGIS styles in one transaction), then exits.
// --edit-plan opens the village-plan editor on a village (with --screenshot: a picture of it);
// --bench-edit N times N edits there and exits.
#include <QApplication>
#include <QElapsedTimer>
#include <QListWidget>
#include <QMessageBox>
#include <QSettings>
#include <QTextEdit>
#include <QTimer>
#include <cstdio>
#include <numeric>
#include <random>

#include "analysis/analysis.hpp"
#include "app/i18n.hpp"
#include "app/main_window.hpp"
#include "app/plan_edit_panel.hpp"
#include "io/sources.hpp"
#include "plan_edit.hpp"
#include "render/fonts.hpp"
#include "render/gui_session.hpp"

using namespace ruralatlas;

namespace {

// --bench-edit N: N edits of the village's plan through the panel (split, recode, draw, move a
// vertex, undo, in turn, at random parcels), each timed from the click's action to the map
// painted again with the live check's problems and the balance table refreshed.
int benchPlanEdits(app::MainWindow& w, int n) {
    app::PlanEditPanel* panel = w.planEditPanel();
    villageplan::PlanEditor* e = panel->editor();
    app::MapCanvas* canvas = w.canvas();
    QApplication::processEvents();
    const render::Box box = canvas->extent();
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> ux(box.minx, box.maxx), uy(box.miny, box.maxy);
    std::vector<double> total, engine, panelMs, paint;
    const char* codes[] = {"0103", "0301", "0703", "1207", "0101"};
    for (int i = 0; i < n; ++i) {
        XY at{};
        long long fid = 0;
        for (int k = 0; k < 200 && !fid; ++k) fid = e->parcelAt(at = {ux(rng), uy(rng)});
        if (!fid) continue;
        QElapsedTimer t;
        t.start();
        const bool ok = panel->edit([&](villageplan::PlanEditor& ed) {
            switch (i % 5) {
                case 0:
                    ed.split(fid, {{at.x - 200, at.y - 1}, {at.x + 200, at.y + 1}});
                    break;
                case 1:
                    ed.setCode({fid}, codes[rng() % 5]);
                    break;
                case 2:
                    ed.addParcel({Polygon{{{{at.x, at.y}, {at.x + 15, at.y}, {at.x + 15, at.y + 10}, {at.x, at.y + 10}, {at.x, at.y}}}}},
                                 codes[rng() % 5]);
                    break;
                case 3: {
                    const XY v = ed.parcel(fid)->shape[0].rings[0][0];
                    ed.moveVertex(v, {v.x + 0.5, v.y + 0.3}, 1e-6);
                    break;
                }
                default:
                    ed.undo();
            }
        });
        if (!ok) continue;
        const double edited = t.nsecsElapsed() / 1e6;
        canvas->repaint();
        const double all = t.nsecsElapsed() / 1e6;
        total.push_back(all);
        engine.push_back(panel->lastEditMs());
        panelMs.push_back(panel->lastRefreshMs());
        paint.push_back(all - edited);
    }
    auto show = [](const char* what, std::vector<double> v) {
        if (v.empty()) return;
        std::sort(v.begin(), v.end());
        std::printf("%-46s n=%3zu  median %7.2f ms  p90 %7.2f ms  max %7.2f ms\n", what, v.size(), v[v.size() / 2], v[v.size() * 9 / 10],
                    v.back());
    };
    std::printf("village %s: %zu planned parcels, canvas %dx%d at %.2f m per pixel\n", e->village().c_str(), e->parcels().size(),
                canvas->width(), canvas->height(), canvas->metresPerPixel());
    show("edit to map painted (engine + panel + paint)", total);
    show("  engine: the edit and its live check", engine);
    show("  panel: problems, balance table, history", panelMs);
    show("  painting the map with the edited plan", paint);
    e->discard();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    QElapsedTimer launch;
    launch.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("RuralAtlas");
    QApplication::setApplicationName("ruralatlas-desktop");
    QString project, screenshot, lang = QSettings().value("language", "zh").toString();
    QString importFile, importInto, editPlan;
    int benchEdits = 0;
    bool bench = false, importUpdate = false;
    const QStringList args = QApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == "--screenshot" && i + 1 < args.size())
            screenshot = args[++i];
        else if (args[i] == "--lang" && i + 1 < args.size())
            lang = args[++i];
        else if (args[i] == "--bench")
            bench = true;
        else if (args[i] == "--edit-plan" && i + 1 < args.size())
            editPlan = args[++i];
        else if (args[i] == "--bench-edit" && i + 1 < args.size())
            benchEdits = args[++i].toInt();
        else if (args[i] == "--import" && i + 1 < args.size())
            importFile = args[++i];
        else if (args[i] == "--into" && i + 1 < args.size())
            importInto = args[++i];
        else if (args[i] == "--update")
            importUpdate = true;
        else if (args[i] == "--help" || args[i] == "-h") {
            std::printf(
                "用法 / usage: ruralatlas-desktop [PROJECT.gpkg] [--lang zh|en] [--screenshot FILE.png] [--bench]\n"
                "                                 [--import FILE --into LAYER [--update]]   (import as the dialog does, then quit)\n"
                "                                 [--edit-plan VILLAGE [--bench-edit N]]     (edit a village's plan; time N edits)\n");
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
    if (!editPlan.isEmpty()) {
        // Drafting a village's plan: the panel open, the village's plan being edited (unsaved edits
        // a killed session left are kept for the next interactive start).
        w.showPlanEditPanel();
        if (!w.planEditPanel()->startEditing(editPlan, 0)) return 1;
        if (w.planEditPanel()->editor()->parcels().empty()) w.planEditPanel()->startFromCurrent();
        if (benchEdits > 0) return benchPlanEdits(w, benchEdits);
        // The first problem in view, its parcel selected.
        if (w.planEditPanel()->problemList()->count() > 0) {
            const auto findings = w.planEditPanel()->editor()->check().findings();
            if (!findings.empty() && findings.front().fid > 0) w.planEditPanel()->setSelection({findings.front().fid});
            w.planEditPanel()->problemList()->setCurrentRow(0);
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
