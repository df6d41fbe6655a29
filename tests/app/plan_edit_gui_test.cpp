// GUI tests of drafting a village plan in the desktop app (QtTest, offscreen): the real window,
// panel and canvas driven by synthesized mouse and key events on a village of 15 x 15 parcels of
// 20 m whose areas are known exactly. Draw a homestead on permanent basic farmland (the live
// check appears, and goes on Ctrl+Z), split a parcel with a drawn line, merge the pieces, reshape
// an edge with snapping (the result against the expected polygon), undo back to the start (the
// same vertices), save and read back with GDAL, and a window closed without saving gives its
// edits back when the village is opened again.
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest/QtTest>
#include <cmath>

#include "analysis/analysis.hpp"
#include "app/main_window.hpp"
#include "app/plan_edit_panel.hpp"
#include "io/gdal_util.hpp"
#include "plan_edit.hpp"
#include "render/fonts.hpp"

using namespace ruralatlas;

namespace {

constexpr double X0 = 500000, Y0 = 3200000, kCell = 20;
constexpr int kGrid = 15;
const char* kVillage = "433127100200";

std::string rect(double x0, double y0, double x1, double y1) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "MULTIPOLYGON(((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)))", x0, y0, x1, y0, x1, y1, x0, y1,
                  x0, y0);
    return buf;
}

double areaOf(const Polygons& shape) {
    double a = 0;
    for (const Polygon& p : shape)
        for (std::size_t k = 0; k < p.rings.size(); ++k) {
            const Ring& r = p.rings[k];
            double s = 0;
            for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) s += (r[j].x + r[i].x) * (r[j].y - r[i].y);
            a += (k == 0 ? 1 : -1) * std::abs(s) / 2;
        }
    return a;
}

}  // namespace

class PlanEditGuiTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_project;
    analysis::Registry m_registry;
    std::unique_ptr<app::MainWindow> m_window;

    app::PlanEditPanel* panel() { return m_window->planEditPanel(); }
    app::MapCanvas* canvas() { return m_window->canvas(); }
    QPoint at(double x, double y) { return canvas()->toWidget(X0 + x, Y0 + y).toPoint(); }
    void click(double x, double y, Qt::KeyboardModifiers m = Qt::NoModifier) { QTest::mouseClick(canvas(), Qt::LeftButton, m, at(x, y)); }
    void dclick(double x, double y) { QTest::mouseDClick(canvas(), Qt::LeftButton, Qt::NoModifier, at(x, y)); }
    void move(double x, double y) { QTest::mouseMove(canvas(), at(x, y)); }
    void tool(const char* id) {
        auto* b = panel()->findChild<QToolButton*>(QStringLiteral("plan-tool-%1").arg(id));
        QVERIFY(b);
        QTest::mouseClick(b, Qt::LeftButton);
        QCOMPARE(panel()->tool(), QString(id));
    }
    void button(const QString& text) {
        for (QPushButton* b : panel()->findChildren<QPushButton*>())
            if (b->text() == text) {
                QVERIFY2(b->isEnabled(), qPrintable(text));
                QTest::mouseClick(b, Qt::LeftButton);
                return;
            }
        QFAIL(qPrintable("no button " + text));
    }
    long long parcelAt(double x, double y) { return panel()->editor()->parcelAt({X0 + x, Y0 + y}); }
    double area(long long fid) { return areaOf(panel()->editor()->parcel(fid)->shape); }
    bool hasProblem(const char* check) {
        for (const QString& l : panel()->problemLines())
            if (l.startsWith(QString(check) + " ")) return true;
        return false;
    }
    // Every layer but landuse_plan, as text (to see that the editor never touches them).
    QString otherLayers() {
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
        QString out;
        for (int i = 0; i < ds->GetLayerCount(); ++i) {
            OGRLayer* l = ds->GetLayer(i);
            if (std::string(l->GetName()) == "landuse_plan") continue;
            out += QString(l->GetName()) + "\n";
            for (auto& f : *l) {
                char* wkt = nullptr;
                if (f->GetGeometryRef()) f->GetGeometryRef()->exportToWkt(&wkt);
                out += QString::number(f->GetFID()) + " " + QString(wkt ? wkt : "");
                CPLFree(wkt);
                for (int k = 0; k < f->GetFieldCount(); ++k) out += " " + QString::fromUtf8(f->GetFieldAsString(k));
                out += "\n";
            }
        }
        return out;
    }
    long long planned() {
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
        OGRLayer* l = ds->GetLayerByName("landuse_plan");
        l->SetAttributeFilter("period = 'planned'");
        return l->GetFeatureCount();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath("plan.gpkg");
        QProcess init;
        init.start(RURALATLAS_CLI, {"init", m_project, "--county-code", "433127", "--name", "测试县", "--crs", "EPSG:4545"});
        QVERIFY(init.waitForFinished(60000));
        QCOMPARE(init.exitCode(), 0);
        // The village: farmland (0103) rows 0-4 on basic farmland, forest (0301) rows 5-9,
        // homesteads (0703) rows 10-14 inside the construction boundary.
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), true);
        QCOMPARE(ds->StartTransaction(), OGRERR_NONE);
        auto put = [&](const char* layer, const std::map<std::string, std::string>& fields, const std::string& wkt) {
            OGRLayer* l = ds->GetLayerByName(layer);
            OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
            for (const auto& [k, v] : fields) f->SetField(k.c_str(), v.c_str());
            OGRGeometry* g = nullptr;
            OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g);
            f->SetGeometryDirectly(g);
            QCOMPARE(l->CreateFeature(f), OGRERR_NONE);
            OGRFeature::DestroyFeature(f);
        };
        put("village_boundaries", {{"code", kVillage}, {"name", "测试村"}}, rect(X0, Y0, X0 + kCell * kGrid, Y0 + kCell * kGrid));
        for (int j = 0; j < kGrid; ++j)
            for (int i = 0; i < kGrid; ++i)
                put("landuse_plan",
                    {{"village_code", kVillage},
                     {"landuse_code", j < 5    ? "0103"
                                      : j < 10 ? "0301"
                                               : "0703"},
                     {"period", "current"}},
                    rect(X0 + kCell * i, Y0 + kCell * j, X0 + kCell * (i + 1), Y0 + kCell * (j + 1)));
        put("constraints", {{"kind", "basic_farmland"}, {"name", "永久基本农田"}}, rect(X0, Y0, X0 + kCell * kGrid, Y0 + kCell * 5));
        put("constraints", {{"kind", "construction_boundary"}, {"name", "村庄建设边界"}},
            rect(X0, Y0 + kCell * 10, X0 + kCell * kGrid, Y0 + kCell * kGrid));
        QCOMPARE(ds->CommitTransaction(), OGRERR_NONE);
        ds.reset();
        m_window = std::make_unique<app::MainWindow>(m_registry);
        m_window->resize(1400, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QString err;
        QVERIFY2(m_window->openProject(m_project, &err), qPrintable(err));
    }

    // Long on purpose: one planner's session through the window.
    void drawSplitMergeReshapeUndoSave() {
        m_window->showPlanEditPanel();
        QVERIFY(panel()->isVisible());
        QVERIFY(panel()->startEditing(kVillage, 0));
        // The territory is in view.
        const render::Box view = canvas()->extent();
        QVERIFY(view.minx <= X0 && view.maxx >= X0 + 300 && view.miny <= Y0 && view.maxy >= Y0 + 300);
        const QString othersBefore = otherLayers();
        button("从现状复制");
        QCOMPARE(panel()->editor()->parcels().size(), std::size_t(225));
        QVERIFY(panel()->problemLines().isEmpty());
        // 0.1 m per pixel around the cells edited: the snapping tolerance (10 px) is 1 m.
        canvas()->setView(X0 + 100, Y0 + 100, 0.1);
        QCOMPARE(canvas()->snapPixels(), 10);
        const auto start = panel()->editor()->parcels();

        // A homestead drawn on farmland, its corners snapped to the grid's vertices.
        QLineEdit* filter = panel()->findChild<QLineEdit*>("plan-code-filter");
        QTest::keyClicks(filter, "0703");
        auto* codes = panel()->findChild<QListWidget*>("plan-codes");
        QVERIFY(codes->count() >= 1);
        QTest::mouseClick(codes->viewport(), Qt::LeftButton, Qt::NoModifier, codes->visualItemRect(codes->item(0)).center());
        QCOMPARE(panel()->currentCode(), QString("0703"));
        tool("draw");
        click(60.3, 60.4);  // snaps to the vertex (60, 60)
        QVERIFY(canvas()->lastSnap() && canvas()->lastSnap()->vertex);
        click(99.6, 60.2);
        click(100.3, 99.7);
        click(59.8, 100.4);
        dclick(59.8, 100.4);
        const long long drawn = parcelAt(80, 80);
        QVERIFY(drawn < 0);
        QCOMPARE(panel()->editor()->parcel(drawn)->landuseCode, std::string("0703"));
        QVERIFY(std::abs(area(drawn) - 1600) < 1e-6);
        QVERIFY2(hasProblem("conflict_basic_farmland"), qPrintable(panel()->problemLines().join("\n")));
        QVERIFY(!hasProblem("overlap") && !hasProblem("gap"));
        // The balance shows the new homestead land.
        bool balanceShows = false;
        for (const QString& l : panel()->balanceLines()) balanceShows = balanceShows || l.contains("0703");
        QVERIFY(balanceShows);
        // Ctrl+Z: the problem goes, the cells are whole again.
        QTest::keyClick(canvas(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!hasProblem("conflict_basic_farmland"));
        QCOMPARE(panel()->editor()->parcels().size(), std::size_t(225));

        // Split cell (5,5) with a line drawn down through it.
        tool("split");
        click(110.2, 95.0);
        dclick(110.2, 125.0);
        const long long left = parcelAt(105, 110), right = parcelAt(115, 110);
        QVERIFY2(left != right, qPrintable(panel()->lastMessage()));
        const double xLine = canvas()->toWorld(at(110.2, 95.0)).x() - X0;  // where the pixel put the line
        QVERIFY(std::abs(area(left) - (xLine - 100) * 20) < 1e-6);
        QVERIFY(std::abs(area(left) + area(right) - 400) < 1e-6);
        // Both pieces selected (click, Ctrl+click) and merged back.
        tool("pick");
        click(105, 110);
        click(115, 110, Qt::ControlModifier);
        QCOMPARE(panel()->selection().size(), std::size_t(2));
        button("合并所选");
        QCOMPARE(parcelAt(105, 110), parcelAt(115, 110));
        QVERIFY(std::abs(area(parcelAt(105, 110)) - 400) < 1e-6);

        // Reshape cell (7,7)'s left edge with snapping: a bite of 6 m x 6 m given to cell (6,7).
        click(150, 150);
        // Its fields in the panel: code and area.
        QVERIFY(panel()->attributeTable()->rowCount() >= 2);
        QVERIFY(panel()->attributeTable()->item(0, 1)->text().startsWith("0301"));
        QVERIFY(panel()->attributeTable()->item(1, 1)->text().startsWith("400.00"));
        const long long c77 = parcelAt(150, 150), c67 = parcelAt(130, 150);
        tool("reshape");
        click(140.4, 144.0);  // on the edge x = 140 (snapped)
        QVERIFY(canvas()->lastSnap() && !canvas()->lastSnap()->vertex);
        click(146.0, 144.0);
        click(146.0, 150.0);
        click(140.3, 150.0);
        dclick(140.3, 150.0);
        const QPointF a = canvas()->toWorld(at(146.0, 144.0)), b = canvas()->toWorld(at(146.0, 150.0));
        const double bite = (a.x() - X0 - 140) * (b.y() - a.y());
        QVERIFY2(std::abs(area(c77) - (400 - bite)) < 1e-6, qPrintable(QString::number(area(c77)) + " vs " + QString::number(400 - bite)));
        QVERIFY(std::abs(area(c67) - (400 + bite)) < 1e-6);
        // The expected polygon: the cell less the bite, vertex for vertex on the snapped edge.
        const Polygons& shape = panel()->editor()->parcel(c77)->shape;
        QCOMPARE(shape.size(), std::size_t(1));
        double minx = 1e300;
        for (const XY& q : shape[0].rings[0]) minx = std::min(minx, q.x);
        QCOMPARE(minx, X0 + 140);
        QVERIFY(panel()->problemLines().isEmpty());

        // Undo back to the start: the same vertices.
        for (int guard = 0; panel()->editor()->historyIndex() > 1 && guard < 20; ++guard)
            QTest::keyClick(canvas(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY2(panel()->editor()->historyIndex() == 1, qPrintable(QString::number(panel()->editor()->historyIndex())));
        QCOMPARE(panel()->editor()->parcels().size(), start.size());
        for (const auto& [fid, p] : start) QVERIFY(villageplan::samePolygons(panel()->editor()->parcel(fid)->shape, p.shape));
        // Redo (Ctrl+Y) and save; GDAL reads the plan back.
        for (int guard = 0; panel()->editor()->canRedo() && guard < 20; ++guard) QTest::keyClick(canvas(), Qt::Key_Y, Qt::ControlModifier);
        QVERIFY(!panel()->editor()->canRedo());
        QCOMPARE(planned(), 0);
        button("保存");
        QCOMPARE(planned(), 225);
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
        OGRLayer* l = ds->GetLayerByName("landuse_plan");
        l->SetAttributeFilter("period = 'planned'");
        double sum = 0;
        for (auto& f : *l) sum += f->GetGeometryRef()->toMultiPolygon()->get_Area();
        QVERIFY(std::abs(sum - 90000) < 1e-6);
        QCOMPARE(otherLayers(), othersBefore);
        QVERIFY(panel()->stopEditing(0));
    }

    void closedWithoutSavingGivesTheEditsBack() {
        QVERIFY(panel()->stopEditing(0));
        QVERIFY(panel()->startEditing(kVillage, 0));
        canvas()->setView(X0 + 100, Y0 + 100, 0.1);
        panel()->setSelection({parcelAt(30, 30)});
        QVERIFY2(panel()->assignCode("0101"), qPrintable(panel()->lastMessage()));
        QVERIFY(hasProblem("conflict_basic_farmland") == false);
        // The window goes away without saving (as when the program is killed, the journal stays).
        m_window.reset();
        QCOMPARE(planned(), 225);
        m_window = std::make_unique<app::MainWindow>(m_registry);
        m_window->show();
        QString err;
        QVERIFY2(m_window->openProject(m_project, &err), qPrintable(err));
        QVERIFY(panel()->startEditing(kVillage, 1));
        QCOMPARE(panel()->editor()->parcel(parcelAt(30, 30))->landuseCode, std::string("0101"));
        QVERIFY(panel()->editor()->modified());
        QVERIFY(panel()->stopEditing(0));
    }

    // The village picked by clicking its territory on the map.
    void pickTheVillageOnTheMap() {
        QVERIFY(panel()->stopEditing(0));
        m_window->showPlanEditPanel();
        auto* village = panel()->findChild<QComboBox*>("plan-edit-village");
        QVERIFY(village);
        village->setCurrentIndex(-1);
        canvas()->setView(X0 + 150, Y0 + 150, 1.0);
        QTest::mouseClick(panel()->findChild<QPushButton*>("plan-pick-village"), Qt::LeftButton);
        QCOMPARE(canvas()->tool(), app::MapCanvas::Tool::PickParcel);
        click(-50, 150);  // outside every territory
        QCOMPARE(village->currentIndex(), -1);
        click(150, 150);
        QCOMPARE(village->currentData().toString(), QString(kVillage));
        QVERIFY(panel()->lastMessage().contains(kVillage));
    }

    // The app itself, editing in a loop, killed: the project opens as saved, the edits come back.
    void killedAppLeavesTheSavedProject() {
        QVERIFY(panel()->stopEditing(0));
        const QString journal = m_project + ".edit-" + kVillage + ".jsonl";
        QFile::remove(journal);
        QProcess app;
        app.start(RURALATLAS_DESKTOP, {m_project, "--edit-plan", kVillage, "--bench-edit", "1000000"});
        QVERIFY(app.waitForStarted(30000));
        int lines = 0;
        for (int i = 0; i < 600 && lines < 20; ++i) {
            QTest::qWait(100);
            QFile f(journal);
            if (f.open(QIODevice::ReadOnly)) lines = f.readAll().count('\n');
        }
        QVERIFY2(lines >= 20, qPrintable(QString::number(lines) + " " + app.readAllStandardError()));
        app.kill();  // SIGKILL, in the middle of its edits
        QVERIFY(app.waitForFinished(30000));
        QCOMPARE(planned(), 225);
        io::DatasetPtr ds = io::openVector(m_project.toStdString(), false);
        QVERIFY(ds->GetLayerByName("landuse_plan")->GetFeatureCount() > 0);
        ds.reset();
        villageplan::PlanEditor e(m_project.toStdString(), kVillage,
                                  villageplan::readPlanRules(RURALATLAS_SOURCE_DIR "/data/plan_rules.json"));
        QVERIFY(e.recoverable() > 0);
        e.recover();
        QVERIFY(e.modified());
        e.discard();
        QVERIFY(!QFile::exists(journal));
    }

    void cleanupTestCase() { m_window.reset(); }
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    io::initGdal();
    QApplication::setFont(render::Fonts::instance().family());
    PlanEditGuiTest t;
    return QTest::qExec(&t, argc, argv);
}

#include "plan_edit_gui_test.moc"
