// GUI test of drafting a village plan live on the shared server (QtTest, offscreen; run by
// tests/server/run_server_tests.sh, which starts the server and pushes the demo county): the real
// window opens the server project as planner p1 and edits a village; someone else saves the same
// parcels meanwhile; 保存 is refused by the server, the merge dialog lists exactly those parcels,
// and each choice is honoured: take theirs (the editor shows their parcel, the rest of my edits
// saved), keep mine (mine overwrites theirs), cancel (nothing written, my edits kept).
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QTableWidget>
#include <QTimer>
#include <QtTest/QtTest>
#include <functional>

#include "analysis/analysis.hpp"
#include "app/main_window.hpp"
#include "app/plan_edit_panel.hpp"
#include "io/gdal_util.hpp"
#include "io/pg_conn.hpp"
#include "plan_edit.hpp"
#include "render/fonts.hpp"

using namespace ruralatlas;
using io::server::PgConn;

class ServerEditGuiTest : public QObject {
    Q_OBJECT
    analysis::Registry m_registry;
    std::unique_ptr<app::MainWindow> m_window;
    std::unique_ptr<PgConn> m_owner;
    QString m_village;
    QTemporaryDir m_home;

    app::PlanEditPanel* panel() { return m_window->planEditPanel(); }
    std::string codeOnServer(long long fid) {
        return m_owner->exec("SELECT landuse_code FROM ruralatlas.landuse_plan WHERE fid = " + std::to_string(fid)).text(0, 0);
    }
    // Someone else (the county administrator, through psql's route) saves a parcel.
    void theySave(long long fid, const std::string& code) {
        m_owner->exec("UPDATE ruralatlas.landuse_plan SET landuse_code = '" + code + "' WHERE fid = " + std::to_string(fid));
    }
    // A code unlike both given ones.
    static std::string unlike(const std::string& a, const std::string& b) {
        for (const char* c : {"0101", "0102", "0103", "0301"})
            if (a != c && b != c) return c;
        return {};
    }
    // What the merge dialog will do when it shows: check its rows, choose, accept or cancel.
    void onMerge(std::vector<long long> expectFids, const QString& choice, bool accept, int* shown) {
        disconnect(panel(), &app::PlanEditPanel::mergeShown, nullptr, nullptr);
        connect(panel(), &app::PlanEditPanel::mergeShown, this, [=](QDialog* d) {
            QTimer::singleShot(0, d, [=]() {
                ++*shown;
                auto* table = d->findChild<QTableWidget*>("merge-table");
                QVERIFY(table);
                QCOMPARE(table->rowCount(), static_cast<int>(expectFids.size()));
                for (int r = 0; r < table->rowCount(); ++r) {
                    QCOMPARE(table->item(r, 1)->text().toLongLong(), expectFids[static_cast<std::size_t>(r)]);
                    QCOMPARE(table->item(r, 2)->text(), QString("postgres"));  // who saved it
                    auto* box = qobject_cast<QComboBox*>(table->cellWidget(r, 4));
                    box->setCurrentIndex(box->findData(choice));
                }
                if (const char* shot = std::getenv("RA_MERGE_SCREENSHOT")) d->grab().save(shot);  // to look at it
                accept ? d->accept() : d->reject();
            });
        });
    }

private slots:
    void initTestCase() {
        const char* pg = std::getenv("RA_PG");
        if (!pg) QSKIP("run through tests/server/run_server_tests.sh (it starts the server)");
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8());  // the editor's journal
        m_owner = std::make_unique<PgConn>(std::string(pg) + " user=postgres", "433199");
        // A village the other server tests do not edit.
        m_village = QString::fromStdString(
            m_owner
                ->exec("SELECT village_code FROM ruralatlas.landuse_plan WHERE period = 'planned' GROUP BY village_code "
                       "ORDER BY village_code LIMIT 1 OFFSET 3")
                .text(0, 0));
        m_window = std::make_unique<app::MainWindow>(m_registry);
        m_window->resize(1400, 900);
        m_window->show();
        QString err;
        QVERIFY2(m_window->openProject(QString("PG:%1 user=p1 county=433199").arg(pg), &err), qPrintable(err));
        QVERIFY(panel()->startEditing(m_village, 0));
        QVERIFY(panel()->editor()->onServer());
        QVERIFY(panel()->editor()->parcels().size() >= 2);
    }

    void takeTheirsShowsTheirParcelAndSavesTheRest() {
        auto it = panel()->editor()->parcels().begin();
        const long long a = it->first, b = std::next(it)->first;
        const std::string mineA = unlike(codeOnServer(a), ""), mineB = unlike(codeOnServer(b), "");
        const std::string theirsA = unlike(codeOnServer(a), mineA);
        QVERIFY(panel()->edit([&](villageplan::PlanEditor& e) {
            e.setCode({a}, mineA);
            e.setCode({b}, mineB);
        }));
        theySave(a, theirsA);
        int shown = 0;
        onMerge({a}, "theirs", true, &shown);
        QVERIFY(panel()->save());
        QCOMPARE(shown, 1);
        QCOMPARE(codeOnServer(a), theirsA);
        QCOMPARE(codeOnServer(b), mineB);
        QCOMPARE(panel()->editor()->parcel(a)->landuseCode, theirsA);
        QVERIFY(!panel()->editor()->modified());
    }

    void keepMineOverwritesTheirs() {
        const long long a = panel()->editor()->parcels().begin()->first;
        const std::string mine = unlike(codeOnServer(a), ""), theirs = unlike(codeOnServer(a), mine);
        QVERIFY(panel()->edit([&](villageplan::PlanEditor& e) { e.setCode({a}, mine); }));
        theySave(a, theirs);
        int shown = 0;
        onMerge({a}, "mine", true, &shown);
        QVERIFY(panel()->save());
        QCOMPARE(shown, 1);
        QCOMPARE(codeOnServer(a), mine);
        // Their save is in the history, under mine.
        const auto h = m_owner->exec("SELECT landuse_code FROM ruralatlas_history.landuse_plan WHERE fid = " + std::to_string(a) +
                                     " ORDER BY h_id DESC LIMIT 2");
        QCOMPARE(h.text(0, 0), mine);
        QCOMPARE(h.text(1, 0), theirs);
    }

    void cancelWritesNothingAndKeepsMyEdits() {
        const long long b = std::next(panel()->editor()->parcels().begin())->first;
        const std::string mine = unlike(codeOnServer(b), ""), theirs = unlike(codeOnServer(b), mine);
        QVERIFY(panel()->edit([&](villageplan::PlanEditor& e) { e.setCode({b}, mine); }));
        theySave(b, theirs);
        int shown = 0;
        onMerge({b}, "mine", false, &shown);
        QVERIFY(!panel()->save());
        QCOMPARE(shown, 1);
        QCOMPARE(codeOnServer(b), theirs);
        QVERIFY(panel()->editor()->modified());
        QCOMPARE(panel()->editor()->parcel(b)->landuseCode, mine);
        QVERIFY(panel()->stopEditing(0));
    }

    void cleanupTestCase() { m_window.reset(); }
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    io::initGdal();
    QApplication::setFont(render::Fonts::instance().family());
    ServerEditGuiTest t;
    return QTest::qExec(&t, argc, argv);
}

#include "server_edit_gui_test.moc"
