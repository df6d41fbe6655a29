// Analyses from the menu: the parameter dialog, the run in the background with progress and cancel, the result added to the map.
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTableWidget>
#include <QTextEdit>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>
#include <filesystem>

#include "analysis/analysis.hpp"
#include "app/analysis_dialog.hpp"
#include "app/atlas_dialog.hpp"
#include "app/i18n.hpp"
#include "app/main_window.hpp"
#include "app/main_window_parts.hpp"
#include "atlas/atlas.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "core/projection.hpp"
#include "core/schema.hpp"
#include "host/run_analysis.hpp"
#include "io/importer.hpp"
#include "io/result_files.hpp"
#include "io/sources.hpp"
#include "render/furniture.hpp"
#include "render/gui_session.hpp"
#include "render/renderer.hpp"
namespace ruralatlas::app {

void MainWindow::analysisDialog(const std::string& name) {
    const analysis::Analysis* a = m_registry.find(name);
    if (!a || !m_project) {
        QMessageBox::information(this, T("分析"), T("请先打开项目。"));
        return;
    }
    const QFileInfo pi(m_projectPath);
    const QString out = pi.absolutePath() + "/" + pi.completeBaseName() + "-" + qs(name) + ".gpkg";
    AnalysisDialog dlg(a->spec(), out, this);
    if (dlg.exec() != QDialog::Accepted) return;
    startAnalysis(name, dlg.values());
}

bool MainWindow::startAnalysis(const std::string& name, const std::map<std::string, std::string>& values) {
    if (m_run || !m_project) return false;
    const analysis::Analysis* a = m_registry.find(name);
    if (!a) return false;
    analysis::ParamValues params;
    try {
        params = analysis::ParamValues::validate(a->spec(), values);
    } catch (const std::exception& e) {
        m_results->append("<p style='color:#c62828'>" + QString::fromUtf8(e.what()).toHtmlEscaped() + "</p>");
        return false;
    }
    auto run = std::make_shared<Run>();
    run->name = name;
    run->out = values.count("out") ? values.at("out") : "";
    run->fb = std::make_unique<Feedback>([r = run.get(), this](double f, const std::string&) {
        r->progress = f;
        QMetaObject::invokeMethod(
            this, [this, f]() { m_progress->setValue(int(f * 100)); }, Qt::QueuedConnection);
    });
    m_run = run;
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
    m_results->append("<p><b>" + qs(a->spec().titleZh).toHtmlEscaped() + "</b> " + T("运行中…") + "</p>");
    const std::string project = m_projectPath.toStdString();
    m_runWatcher.setFuture(QtConcurrent::run([a, params, project, run, this]() -> QString {
        try {
            const analysis::AnalysisResult r = host::runAnalysis(*a, project, params, run->feedback());
            const QString text = qs(r.summaryText);
            QMetaObject::invokeMethod(
                this, [this, text]() { m_results->append("<pre>" + text.toHtmlEscaped() + "</pre>"); }, Qt::QueuedConnection);
            return {};
        } catch (const Cancelled&) {
            return T("已取消");
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
    }));
    return true;
}

bool MainWindow::analysisRunning() const { return m_run != nullptr; }

void MainWindow::cancelAnalysis() {
    if (m_run) m_run->feedback().cancel();
}
void MainWindow::finishAnalysis() {
    const QString error = m_runWatcher.result();
    auto run = m_run;
    m_run.reset();
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    if (!error.isEmpty()) {
        m_results->append("<p style='color:#c62828'>" + error.toHtmlEscaped() + "</p>");
        emit analysisFinished(false, error);
        return;
    }
    QString addError;
    if (run && extensionOf(run->out) == "gpkg" && !addResult(qs(run->out), &addError))
        m_results->append("<p style='color:#c62828'>" + addError.toHtmlEscaped() + "</p>");
    emit analysisFinished(true, qs(run ? run->out : ""));
}

}  // namespace ruralatlas::app
