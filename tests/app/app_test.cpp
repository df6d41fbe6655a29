// GUI tests of the desktop app under the offscreen platform (QtTest): open the demo county,
// the layers listed, identify a village by clicking it, run coverage from its dialog and find
// the result layer, find a village with the locator and check the view went there, the
// --screenshot option, the English translation.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextEdit>
#include <QTimer>
#include <QtTest/QtTest>

#include "analysis/analysis.hpp"
#include "app/analysis_dialog.hpp"
#include "app/atlas_dialog.hpp"
#include "app/i18n.hpp"
#include "app/main_window.hpp"
#include "app/server_dialog.hpp"
#include "io/gdal_util.hpp"
#include "io/proj_transform.hpp"
#include "render/fonts.hpp"
#include "render/i18n.hpp"

using namespace ruralatlas;

class AppTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;
    analysis::Registry m_registry;
    std::unique_ptr<app::MainWindow> m_window;
    struct Village {
        QString code, name;
        double x = 0, y = 0;
    };
    Village m_village;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath("demo.gpkg");
        QProcess demo;
        demo.start(RURALATLAS_CLI, {"demo", "--out", m_project, "--villages", "300", "--seed", "5", "--no-dem"});
        QVERIFY(demo.waitForFinished(120000));
        QCOMPARE(demo.exitCode(), 0);
        // A village with its point, read independently of the app.
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
        OGRLayer* v = ds->GetLayerByName("villages");
        v->SetAttributeFilter("code LIKE '%201'");
        io::FeaturePtr f(v->GetNextFeature());
        QVERIFY(f);
        m_village = {f->GetFieldAsString("code"), QString::fromUtf8(f->GetFieldAsString("name")), f->GetGeometryRef()->toPoint()->getX(),
                     f->GetGeometryRef()->toPoint()->getY()};
        analysis::registerAllPlugins(m_registry);
        m_window = std::make_unique<app::MainWindow>(m_registry);
        m_window->show();
    }

    void opensTheDemoCountyAndListsItsLayers() {
        QString error;
        QVERIFY2(m_window->openProject(m_project, &error), qPrintable(error));
        const QStringList layers = m_window->layerTitles();
        const auto has = [&](const QString& t) {
            return std::any_of(layers.begin(), layers.end(), [&](const QString& l) { return l.startsWith(t); });
        };
        QVERIFY2(has(QStringLiteral("行政村（村委会驻地）")), qPrintable(layers.join(" | ")));
        QVERIFY(has(QStringLiteral("道路")));
        QVERIFY(has(QStringLiteral("公共服务设施")));
        QVERIFY(has(QStringLiteral("县界")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->canvas()->framesDrawn() > 0, 20000);
        // The attribute table lists every village with Chinese headers.
        // The legend panel lists what the first frame drew, by its Chinese titles.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->legendLines().contains(QStringLiteral("行政村（村委会驻地）")), 20000);
        QVERIFY2(!m_window->legendLines().join('|').contains(QStringLiteral("注：")), qPrintable(m_window->legendLines().join(" | ")));
        QTableWidget* t = m_window->attributeTable();
        QCOMPARE(t->rowCount(), 300);
        QStringList headers;
        for (int c = 0; c < t->columnCount(); ++c) headers << t->horizontalHeaderItem(c)->text();
        QVERIFY(headers.contains(QStringLiteral("村名")));
    }

    void clickingAVillageShowsItsName() {
        app::MapCanvas* c = m_window->canvas();
        c->setView(m_village.x, m_village.y, 25000 * 0.0254 / 96);  // 1:25,000 centred on it
        c->setTool(app::MapCanvas::Tool::Identify);
        QTest::mouseClick(c, Qt::LeftButton, {}, c->toWidget(m_village.x, m_village.y).toPoint());
        QTableWidget* t = m_window->identifyTable();
        QString name, code;
        for (int r = 0; r < t->rowCount(); ++r) {
            if (t->item(r, 0)->data(Qt::UserRole).toString() == "name") name = t->item(r, 1)->text();
            if (t->item(r, 0)->data(Qt::UserRole).toString() == "code") code = t->item(r, 1)->text();
            if (t->item(r, 0)->data(Qt::UserRole).toString() == "name") QCOMPARE(t->item(r, 0)->text(), QStringLiteral("村名"));
        }
        QCOMPARE(name, m_village.name);
        QCOMPARE(code, m_village.code);
        // Clicking empty ground far outside the county finds nothing.
        c->setView(m_village.x + 500000, m_village.y, 10);
        QTest::mouseClick(c, Qt::LeftButton, {}, c->rect().center());
        QCOMPARE(t->rowCount(), 0);
        c->setTool(app::MapCanvas::Tool::Pan);
    }

    void coverageFromItsDialogAddsAResultLayer() {
        const QString out = m_dir.filePath("clinic.gpkg");
        QAction* action = m_window->findChild<QAction*>("analysis-coverage");
        QVERIFY(action);
        bool filled = false;
        QTimer::singleShot(200, [&]() {
            auto* dlg = qobject_cast<app::AnalysisDialog*>(QApplication::activeModalWidget());
            if (!dlg) return;
            filled = dlg->setValue("kind", "village_clinic") && dlg->setValue("mode", "road") && dlg->setValue("out", out);
            dlg->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        });
        action->trigger();  // the modal dialog runs until the timer clicks OK
        QVERIFY(filled);
        QVERIFY(m_window->analysisRunning() || QFile::exists(out));
        QSignalSpy done(m_window.get(), &app::MainWindow::analysisFinished);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->analysisRunning(), 60000);
        QVERIFY(QFile::exists(out));
        const QStringList layers = m_window->layerTitles();
        QVERIFY2(std::any_of(layers.begin(), layers.end(), [](const QString& l) { return l.contains(QStringLiteral("覆盖情况")); }),
                 qPrintable(layers.join(" | ")));
        QVERIFY(m_window->resultPanel()->toPlainText().contains(QStringLiteral("村卫生室")));
    }

    void theLocatorZoomsToAVillage() {
        app::MapCanvas* c = m_window->canvas();
        c->setView(m_village.x + 30000, m_village.y + 30000, 200);  // far away, zoomed out
        auto* locator = m_window->findChild<QLineEdit*>("locator");
        QVERIFY(locator);
        locator->setText(m_village.name);
        QTest::keyClick(locator, Qt::Key_Return);
        QVERIFY2(m_window->statusBar()->currentMessage().contains(QStringLiteral("已定位")),
                 qPrintable(m_window->statusBar()->currentMessage()));
        const render::Box e = c->extent();
        QVERIFY(e.minx < m_village.x && m_village.x < e.maxx && e.miny < m_village.y && m_village.y < e.maxy);
        QVERIFY2(c->scaleDenominator() < 100000, qPrintable(QString::number(c->scaleDenominator())));
        // By code as well.
        c->setView(m_village.x + 30000, m_village.y + 30000, 200);
        QVERIFY(m_window->locate(m_village.code));
        QVERIFY(std::fabs((c->extent().minx + c->extent().maxx) / 2 - m_village.x) < 1);
        QVERIFY(!m_window->locate(QStringLiteral("不存在的村名")));
    }

    void selectionByRectangleAndPolygonFollowsInTheTable() {
        m_window->showAttributeTable("villages");
        const double r = 4000;
        // The villages inside the box, counted through GDAL.
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
        OGRLayer* v = ds->GetLayerByName("villages");
        v->SetSpatialFilterRect(m_village.x - r, m_village.y - r, m_village.x + r, m_village.y + r);
        const int expected = int(v->GetFeatureCount());
        QVERIFY(expected >= 1);
        app::MapCanvas* c = m_window->canvas();
        emit c->rectangleSelected(m_village.x - r, m_village.y - r, m_village.x + r, m_village.y + r);
        QCOMPARE(int(c->selection().size()), expected);
        QCOMPARE(int(m_window->attributeTable()->selectionModel()->selectedRows().size()), expected);
        // A triangle around the one village selects it alone... unless a neighbour lies inside too.
        QPolygonF tri;
        tri << QPointF(m_village.x - 50, m_village.y - 50) << QPointF(m_village.x + 50, m_village.y - 50)
            << QPointF(m_village.x, m_village.y + 50);
        emit c->polygonSelected(tri);
        QCOMPARE(int(c->selection().size()), 1);
        const auto rows = m_window->attributeTable()->selectionModel()->selectedRows();
        QCOMPARE(int(rows.size()), 1);
    }

    void importingADroppedFileGoesThroughTheDialog() {
        // A clinic in WGS84 GeoJSON next to the test village.
        io::ToLonLat toLonLat(4546);
        double lon = m_village.x + 300, lat = m_village.y + 200;
        QVERIFY(toLonLat.transform(lon, lat));
        const QString file = m_dir.filePath("new_clinic.geojson");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": "
                               "{\"id\": \"NEW1\", \"kind\": \"village_clinic\", \"name\": \"新建卫生室\"}, \"geometry\": "
                               "{\"type\": \"Point\", \"coordinates\": [%1, %2]}}]}")
                    .arg(lon, 0, 'f', 7)
                    .arg(lat, 0, 'f', 7)
                    .toUtf8());
        f.close();
        const auto count = [&]() {
            io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
            return ds->GetLayerByName("facilities")->GetFeatureCount();
        };
        const GIntBig before = count();
        bool chosen = false;
        QTimer::singleShot(200, [&]() {
            auto* dlg = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dlg) return;
            auto* into = dlg->findChild<QComboBox*>("into");
            const int i = into ? into->findData("facilities") : -1;
            if (i < 0) return;
            into->setCurrentIndex(i);
            // To look at the dialog as a user sees it: RURALATLAS_DIALOG_SHOT=FILE.png.
            if (const QString shot = qEnvironmentVariable("RURALATLAS_DIALOG_SHOT"); !shot.isEmpty()) dlg->grab().save(shot);
            chosen = true;
            dlg->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        });
        m_window->importFiles({file});
        QVERIFY(chosen);
        QCOMPARE(count(), before + 1);
        QVERIFY2(m_window->resultPanel()->toPlainText().contains(QStringLiteral("新增 1")),
                 qPrintable(m_window->resultPanel()->toPlainText()));
        // The new clinic is on the map: identify finds it.
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
        OGRLayer* fl = ds->GetLayerByName("facilities");
        fl->SetAttributeFilter("id = 'NEW1'");
        io::FeaturePtr nf(fl->GetNextFeature());
        QVERIFY(nf);
        const OGRPoint* pt = nf->GetGeometryRef()->toPoint();
        QVERIFY(std::fabs(pt->getX() - (m_village.x + 300)) < 0.01 && std::fabs(pt->getY() - (m_village.y + 200)) < 0.01);
        QVERIFY(m_window->identify(pt->getX(), pt->getY(), 5));
        bool named = false;
        for (int r = 0; r < m_window->identifyTable()->rowCount(); ++r)
            named = named || m_window->identifyTable()->item(r, 1)->text() == QStringLiteral("新建卫生室");
        QVERIFY(named);
    }

    void serverDialogNamesTheServerAndAFailedConnectionKeepsTheProject() {
        app::ServerDialog d;
        d.findChild<QLineEdit*>("server-host")->setText("/tmp/no such folder");
        d.findChild<QSpinBox*>("server-port")->setValue(54321);
        d.findChild<QLineEdit*>("server-database")->setText("county_office");
        d.findChild<QLineEdit*>("server-user")->setText("planner1");
        d.findChild<QLineEdit*>("server-password")->setText("it's secret");
        d.findChild<QLineEdit*>("server-county")->setText("43319");
        QVERIFY(!d.problem().isEmpty());  // 5 digits
        d.findChild<QLineEdit*>("server-county")->setText("433199");
        QVERIFY(d.problem().isEmpty());
        QCOMPARE(d.connection(),
                 QStringLiteral("PG:host='/tmp/no such folder' port=54321 dbname=county_office user=planner1 county=433199"));
        QCOMPARE(d.password(), QStringLiteral("it's secret"));
        // Through the menu: a server that is not there is said so, and the open project stays.
        QVERIFY(m_window->openProject(m_project));
        const QString title = m_window->windowTitle();
        QAction* action = m_window->findChild<QAction*>("open-server");
        QVERIFY(action);
        QString shown;
        QTimer::singleShot(200, [&]() {
            auto* dlg = qobject_cast<app::ServerDialog*>(QApplication::activeModalWidget());
            if (!dlg) return;
            dlg->findChild<QLineEdit*>("server-host")->setText("/tmp/ruralatlas-no-server");
            dlg->findChild<QLineEdit*>("server-user")->setText("planner1");
            dlg->findChild<QLineEdit*>("server-county")->setText("433199");
            QTimer::singleShot(200, [&]() {
                if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                    shown = box->text();
                    box->accept();
                }
            });
            dlg->accept();
        });
        action->trigger();
        QVERIFY2(shown.contains("cannot connect to the server"), qPrintable(shown));
        QVERIFY(!shown.contains("password"));
        QCOMPARE(m_window->windowTitle(), title);
        QVERIFY(m_window->canvas()->framesDrawn() > 0);
    }

    void mergeDialogChoosesPerFeatureAndSyncNeedsACheckout() {
        app::MergeDialog merge({{"plan_targets", 10, "a1", "2026-12-03 06:08:30", 2, 1}, {"landuse_plan", 11, "", "", -1, 3}});
        auto* table = merge.findChild<QTableWidget*>("merge-table");
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("村庄规划管控指标"));  // the layer's Chinese title
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("（已删除）"));
        // Default: take theirs; the second kept mine.
        qobject_cast<QComboBox*>(table->cellWidget(1, 4))->setCurrentIndex(1);
        QCOMPARE(merge.theirs(), QStringList{"plan_targets:10"});
        QCOMPARE(merge.mine(), QStringList{"landuse_plan:11"});
        // The demo county is no checkout: the sync says so and asks nothing else.
        QVERIFY(m_window->openProject(m_project));
        QString shown;
        QTimer::singleShot(200, [&]() {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                shown = box->text();
                box->accept();
            }
        });
        m_window->findChild<QAction*>("sync-server")->trigger();
        QVERIFY2(shown.contains("pull --checkout"), qPrintable(shown));
    }

    void atlasDialogPreviewsOnePage() {
        QAction* action = m_window->findChild<QAction*>("export-atlas");
        QVERIFY(action);
        bool previewed = false;
        QTimer::singleShot(200, [&]() {
            auto* dlg = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dlg) return;
            dlg->findChild<QPushButton*>("preview")->click();  // draws synchronously
            auto* label = dlg->findChild<QLabel*>("atlasPreview");
            previewed = label && !label->pixmap().isNull() && label->pixmap().width() > 100;
            dlg->reject();
        });
        action->trigger();
        QVERIFY(previewed);
    }

    void atlasExportRunsOffTheGuiThreadAndCancels() {
        QAction* action = m_window->findChild<QAction*>("export-atlas");
        QVERIFY(action);
        const QString pdf = m_dir.filePath("book.pdf"), cancelled = m_dir.filePath("cancelled.pdf");
        bool ran = false, responsive = false, finished = false, stopped = false;
        QString message, cancelMessage;
        QTimer::singleShot(200, [&]() {
            auto* dlg = qobject_cast<app::AtlasDialog*>(QApplication::activeModalWidget());
            if (!dlg) return;
            // Export: the click returns at once, the GUI keeps its event loop while pages are drawn.
            auto* templates = dlg->findChild<QComboBox*>("template");
            templates->setCurrentIndex(templates->findText("resettlement_site"));  // a short book
            dlg->findChild<QLineEdit*>("out")->setText(pdf);
            int ticks = 0;
            QTimer ticker;
            QObject::connect(&ticker, &QTimer::timeout, [&]() { ++ticks; });
            ticker.start(20);
            dlg->findChild<QPushButton*>("export")->click();
            ran = dlg->exporting();
            finished = QTest::qWaitFor([&]() { return !dlg->exporting(); }, 120000);
            responsive = ticks > 3;
            message = dlg->findChild<QLabel*>("status")->text();
            // Cancel: a second export stopped at once leaves no file.
            dlg->findChild<QLineEdit*>("out")->setText(cancelled);
            dlg->findChild<QPushButton*>("export")->click();
            dlg->findChild<QPushButton*>("cancel-export")->click();
            stopped = QTest::qWaitFor([&]() { return !dlg->exporting(); }, 120000);
            cancelMessage = dlg->findChild<QLabel*>("status")->text();
            dlg->reject();
        });
        action->trigger();
        QVERIFY(ran);
        QVERIFY(finished);
        QVERIFY2(responsive, "the GUI thread's timers did not fire while the atlas was exported");
        QVERIFY2(message.contains(pdf), qPrintable(message));
        QVERIFY(QFileInfo(pdf).size() > 10000);
        QVERIFY(stopped);
        QCOMPARE(cancelMessage, app::T("已取消"));
        QVERIFY(!QFileInfo::exists(cancelled));
    }

    void screenshotOptionSavesTheWindow() {
        const QString png = m_dir.filePath("shot.png");
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        p.setProcessEnvironment(env);
        p.start(RURALATLAS_DESKTOP, {m_project, "--screenshot", png});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        QImage img(png);
        QVERIFY(!img.isNull());
        QVERIFY(img.width() >= 800);
        // The map area is not blank: many distinct colours.
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
    }

    // The choose-sites flow: a candidate clicked on the map with the 选址 tool is kept (固定),
    // another is left out (排除) from its row, and the solution drawn is the `site` run's with
    // those states: the kept one chosen, the left-out one not.
    void chooseSitesOnTheMapAndSolve() {
        QAction* open = m_window->findChild<QAction*>("choose-sites");
        QVERIFY(open);
        open->trigger();
        QTableWidget* t = m_window->siteTable();
        QVERIFY(t);
        QVERIFY2(t->rowCount() >= 4, qPrintable(QString::number(t->rowCount())));
        QCOMPARE(m_window->canvas()->tool(), app::MapCanvas::Tool::PickSite);
        const QString kept = t->item(0, 0)->text(), dropped = t->item(1, 0)->text();
        double x = 0, y = 0;
        {
            GDALDatasetUniquePtr ds(GDALDataset::Open(m_project.toUtf8().constData(), GDAL_OF_VECTOR));
            QVERIFY(ds);
            OGRLayer* sites = ds->GetLayerByName("resettlement_sites");
            sites->SetAttributeFilter(("id = '" + kept.toStdString() + "'").c_str());
            for (auto& f : sites) {
                x = f->GetGeometryRef()->toPoint()->getX();
                y = f->GetGeometryRef()->toPoint()->getY();
            }
        }
        QVERIFY(x != 0);
        app::MapCanvas* c = m_window->canvas();
        c->setView(x, y, 25000 * 0.0254 / 96);
        QTest::mouseClick(c, Qt::LeftButton, {}, c->toWidget(x, y).toPoint());
        auto* keptState = qobject_cast<QComboBox*>(t->cellWidget(0, 2));
        QVERIFY(keptState);
        QCOMPARE(keptState->currentText(), QStringLiteral("固定"));
        const auto& marks = c->marks();
        QVERIFY(std::any_of(marks.begin(), marks.end(), [](const app::MapCanvas::Mark& m) { return m.state == 1; }));
        auto* droppedState = qobject_cast<QComboBox*>(t->cellWidget(1, 2));
        droppedState->setCurrentIndex(2);  // 排除, from its row
        m_window->findChild<QSpinBox*>("siteP")->setValue(2);
        auto* mode = m_window->findChild<QComboBox*>("siteMode");
        mode->setCurrentIndex(mode->findData("straight"));
        const QString out = m_dir.filePath("sites.gpkg");
        QVERIFY(m_window->solveSites(out));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->analysisRunning(), 60000);
        QVERIFY(QFile::exists(out));
        QStringList chosen;
        {
            GDALDatasetUniquePtr ds(GDALDataset::Open(out.toUtf8().constData(), GDAL_OF_VECTOR));
            QVERIFY(ds);
            for (auto& f : ds->GetLayerByName("site_chosen")) chosen << QString::fromUtf8(f->GetFieldAsString("site_id"));
        }
        QCOMPARE(chosen.size(), 2);
        QVERIFY2(chosen.contains(kept), qPrintable(chosen.join(',')));
        QVERIFY2(!chosen.contains(dropped), qPrintable(chosen.join(',')));
        const QStringList layers = m_window->layerTitles();
        QVERIFY2(std::any_of(layers.begin(), layers.end(), [](const QString& l) { return l.contains(QStringLiteral("选中的站点")); }),
                 qPrintable(layers.join(" | ")));
        // RURALATLAS_SITES_SHOT=FILE.png saves the window with the solution drawn, to look at.
        if (const QByteArray shot = qgetenv("RURALATLAS_SITES_SHOT"); !shot.isEmpty()) {
            c->zoomTo(c->data()->extent());
            const int frames = c->framesDrawn();
            QTRY_VERIFY_WITH_TIMEOUT(c->framesDrawn() > frames && !c->isDrawing(), 20000);
            QVERIFY(m_window->grab().save(QString::fromUtf8(shot)));
        }
        c->setTool(app::MapCanvas::Tool::Pan);
    }

    // A real county from the public code lists: no village status or population recorded, and
    // township areas approximated. The legend says so, and a village's empty population shows
    // as not recorded, not as blank or 0.
    void aCountyFromCodesSaysWhatIsMissingAndApproximated() {
        const QString project = m_dir.filePath("ys.gpkg");
        QProcess build;
        build.start(RURALATLAS_CLI, {"county-from-codes", "--county", "433127", "--data",
                                     QStringLiteral(RURALATLAS_SOURCE_DIR) + "/data/real", "--out", project});
        QVERIFY(build.waitForFinished(120000));
        QCOMPARE(build.exitCode(), 0);
        QString error;
        QVERIFY2(m_window->openProject(project, &error), qPrintable(error));
        const auto legendHas = [&](const QString& text) {
            const QStringList lines = m_window->legendLines();
            return std::any_of(lines.begin(), lines.end(), [&](const QString& l) { return l.contains(text); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(legendHas(QStringLiteral("乡镇界为近似")), 20000);
        QVERIFY2(legendHas(QStringLiteral("村类别未录入")), qPrintable(m_window->legendLines().join(" | ")));
        QVERIFY(legendHas(QStringLiteral("注：")));
        // Identify a village that has a point: its population is "not recorded".
        GDALDatasetUniquePtr ds(GDALDataset::Open(project.toUtf8().constData(), GDAL_OF_VECTOR));
        QVERIFY(ds);
        OGRLayer* villages = ds->GetLayerByName("villages");
        villages->SetAttributeFilter("population IS NULL");
        double x = 0, y = 0;
        for (auto& f : villages)
            if (const OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
                x = g->toPoint()->getX();
                y = g->toPoint()->getY();
                break;
            }
        QVERIFY(x != 0);
        app::MapCanvas* c = m_window->canvas();
        c->setView(x, y, 25000 * 0.0254 / 96);
        c->setTool(app::MapCanvas::Tool::Identify);
        QTest::mouseClick(c, Qt::LeftButton, {}, c->toWidget(x, y).toPoint());
        c->setTool(app::MapCanvas::Tool::Pan);
        QTableWidget* t = m_window->identifyTable();
        QString population;
        for (int r = 0; r < t->rowCount(); ++r)
            if (t->item(r, 0)->data(Qt::UserRole).toString() == "population") population = t->item(r, 1)->text();
        QCOMPARE(population, QStringLiteral("（未录入）"));
        QVERIFY2(m_window->openProject(m_project, &error), qPrintable(error));
    }

    // A score grid saved in the project (as `suitability --save-grid` does; written here with GDAL)
    // is drawn with its plugin's style and listed in the layers and the legend.
    void aSavedScoreGridIsDrawnFromTheProject() {
        double x0 = 0, y1 = 0;
        OGRSpatialReference srs;
        {
            GDALDatasetUniquePtr ds(GDALDataset::Open(m_project.toUtf8().constData(), GDAL_OF_VECTOR));
            QVERIFY(ds);
            OGRLayer* county = ds->GetLayerByName("county");
            OGREnvelope e;
            QCOMPARE(county->GetExtent(&e), OGRERR_NONE);
            x0 = e.MinX, y1 = e.MaxY;
            srs = *county->GetSpatialRef();
        }
        constexpr int W = 40, H = 40;
        std::vector<float> v(W * H);
        for (int i = 0; i < W * H; ++i) v[size_t(i)] = float(i % W) / float(W - 1);
        GDALDatasetUniquePtr mem(GetGDALDriverManager()->GetDriverByName("MEM")->Create("", W, H, 1, GDT_Float32, nullptr));
        double gt[6] = {x0, 500, 0, y1, 0, -500};
        mem->SetGeoTransform(gt);
        mem->SetSpatialRef(&srs);
        QCOMPARE(mem->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, W, H, v.data(), W, H, GDT_Float32, 0, 0), CE_None);
        const char* co[] = {"APPEND_SUBDATASET=YES", "RASTER_TABLE=suitability_score", "TILE_FORMAT=TIFF", nullptr};
        GDALDatasetUniquePtr out(GetGDALDriverManager()->GetDriverByName("GPKG")->CreateCopy(
            m_project.toUtf8().constData(), mem.get(), FALSE, const_cast<char**>(co), nullptr, nullptr));
        QVERIFY(out);
        out.reset();
        QString error;
        QVERIFY2(m_window->openProject(m_project, &error), qPrintable(error));
        const QStringList layers = m_window->layerTitles();
        QVERIFY2(std::any_of(layers.begin(), layers.end(), [](const QString& l) { return l.startsWith(QStringLiteral("用地适宜性评分")); }),
                 qPrintable(layers.join(" | ")));
        m_window->canvas()->setView(x0 + 10000, y1 - 10000, 50);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->legendLines().join('|').contains(QStringLiteral("用地适宜性评分")), 20000);
    }

    void englishTranslation() {
        QVERIFY(app::installLanguage("en"));
        QCOMPARE(app::T("图层"), QStringLiteral("Layers"));
        QCOMPARE(app::T("识别"), QStringLiteral("Identify"));
        QCOMPARE(app::T("导出图集…"), QStringLiteral("Export atlas…"));
        // Map furniture drawn by the render library follows the same language.
        QCOMPARE(render::T("图例"), QStringLiteral("Legend"));
        QCOMPARE(render::T("千米"), QStringLiteral("km"));
        // Every T("...") text in the app and the render library has an English translation
        // (a new string without one would show Chinese in an English session).
        const QRegularExpression call(QStringLiteral("\\bT\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)"));
        int checked = 0;
        for (const char* dir : {"/src/app", "/src/render"}) {
            QDirIterator it(QStringLiteral(RURALATLAS_SOURCE_DIR) + dir, {"*.cpp", "*.hpp"}, QDir::Files);
            while (it.hasNext()) {
                const QString path = it.next();
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QString text = QString::fromUtf8(f.readAll());
                for (auto m = call.globalMatch(text); m.hasNext();) {
                    const QString zh = m.next().captured(1);
                    if (zh.isEmpty() || zh.contains('\\')) continue;  // escapes: not worth decoding here
                    const QByteArray utf8 = zh.toUtf8();
                    QVERIFY2(render::T(utf8.constData()) != zh, qPrintable(path + ": no English for \"" + zh + "\""));
                    ++checked;
                }
            }
        }
        QVERIFY2(checked > 50, qPrintable(QString::number(checked)));
    }

    void cleanupTestCase() { m_window.reset(); }
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    io::initGdal();
    QApplication::setFont(render::Fonts::instance().family());
    AppTest t;
    return QTest::qExec(&t, argc, argv);
}

#include "app_test.moc"
