// The main window: menus, docks and status bar wired to the canvas and the feature files beside it.
#include "app/main_window.hpp"

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
#include "app/main_window_parts.hpp"
#include "app/plan_edit_panel.hpp"
#include "app/server_dialog.hpp"
#include "atlas/atlas.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "core/projection.hpp"
#include "core/record_readers.hpp"
#include "core/schema.hpp"
#include "host/run_analysis.hpp"
#include "io/importer.hpp"
#include "io/result_files.hpp"
#include "io/server.hpp"
#include "io/sources.hpp"
#include "render/furniture.hpp"
#include "render/gui_session.hpp"
#include "render/map_job.hpp"
#include "render/renderer.hpp"
namespace ruralatlas::app {

MainWindow::MainWindow(const analysis::Registry& registry, QWidget* parent) : QMainWindow(parent), m_registry(registry) {
    setWindowTitle(T("RuralAtlas 乡村规划工作台"));
    resize(1400, 900);
    setAcceptDrops(true);
    m_canvas = new MapCanvas(this);
    setCentralWidget(m_canvas);
    buildMenus();
    buildDocks();
    m_scaleLabel = new QLabel;
    m_coordLabel = new QLabel;
    m_measureLabel = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    m_cancel = new QPushButton(T("取消"));
    m_cancel->setVisible(false);
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancelAnalysis);
    statusBar()->addWidget(m_coordLabel, 1);
    statusBar()->addWidget(m_measureLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_scaleLabel);
    connect(m_canvas, &MapCanvas::viewChanged, this, &MainWindow::updateStatus);
    connect(m_canvas, &MapCanvas::mouseMovedTo, this, [this](double x, double y) {
        QString t = QStringLiteral("X %1  Y %2 米").arg(x, 0, 'f', 1).arg(y, 0, 'f', 1);
        if (m_toLonLat) {
            double lon = x, lat = y;
            if (m_toLonLat->transform(lon, lat)) t += "   " + degrees(lon, true) + " " + degrees(lat, false);
        }
        m_coordLabel->setText(t);
    });
    connect(m_canvas, &MapCanvas::identifyAt, this, [this](double x, double y, double tol) { identify(x, y, tol); });
    connect(m_canvas, &MapCanvas::rectangleSelected, this, &MainWindow::selectInTable);
    connect(m_canvas, &MapCanvas::polygonSelected, this, &MainWindow::selectByPolygon);
    connect(m_canvas, &MapCanvas::measured, this, [this](double length, double area, bool closed) {
        QString t = T("长度") + QStringLiteral(" %1 米").arg(length, 0, 'f', 1);
        if (closed) t += "  " + T("面积") + QStringLiteral(" %1 平方米（%2 亩）").arg(area, 0, 'f', 0).arg(area / 666.6667, 0, 'f', 1);
        m_measureLabel->setText(t);
    });
    connect(&m_runWatcher, &QFutureWatcher<QString>::finished, this, &MainWindow::finishAnalysis);
    updateStatus();
}

MainWindow::~MainWindow() {
    if (m_run) m_run->feedback().cancel();
    m_runWatcher.waitForFinished();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(T("文件"));
    file->addAction(T("打开项目…"), QKeySequence::Open, this, &MainWindow::openDialog);
    file->addAction(T("连接共享服务器…"), this,
                    [this]() {
                        ServerDialog d(this);
                        if (d.exec() != QDialog::Accepted) return;
                        // libpq reads PGPASSWORD: the password stays out of the server name shown in titles and errors.
                        if (!d.password().isEmpty()) qputenv("PGPASSWORD", d.password().toUtf8());
                        openProject(d.connection());
                    })
        ->setObjectName("open-server");
    file->addAction(T("同步到共享服务器…"), this, &MainWindow::syncDialog)->setObjectName("sync-server");
    file->addAction(T("导入数据…"), this, [this]() {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, T("导入数据"), QString(),
            T("矢量与表格") + " (*.shp *.geojson *.json *.gpkg *.csv *.xlsx *.kml);;" + T("全部文件") + " (*)");
        if (!files.isEmpty()) importDialog(files);
    });
    file->addAction(T("添加分析结果…"), this, [this]() {
        const QString f = QFileDialog::getOpenFileName(this, T("添加分析结果"), QString(), "GeoPackage (*.gpkg)");
        QString err;
        if (!f.isEmpty() && !addResult(f, &err)) QMessageBox::warning(this, T("添加分析结果"), err);
    });
    file->addAction(T("导出图集…"), this, &MainWindow::atlasDialog)->setObjectName("export-atlas");
    file->addAction(T("保存窗口截图…"), this, [this]() {
        const QString f = QFileDialog::getSaveFileName(this, T("保存窗口截图"), "ruralatlas.png", "PNG (*.png)");
        if (!f.isEmpty()) grab().save(f);
    });
    file->addSeparator();
    file->addAction(T("退出"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(T("视图"));
    view->addAction(T("全图"), this, [this]() {
        if (m_data) m_canvas->zoomTo(m_data->extent());
    });
    view->addAction(T("放大"), QKeySequence::ZoomIn, this, [this]() { m_canvas->zoomBy(1.5, m_canvas->rect().center()); });
    view->addAction(T("缩小"), QKeySequence::ZoomOut, this, [this]() { m_canvas->zoomBy(1 / 1.5, m_canvas->rect().center()); });

    QToolBar* tools = addToolBar(T("工具"));
    tools->setObjectName("tools");
    auto* group = new QActionGroup(this);
    const auto tool = [&](const QString& title, MapCanvas::Tool t, bool checked = false) {
        QAction* a = tools->addAction(title);
        a->setCheckable(true);
        a->setChecked(checked);
        a->setObjectName(QStringLiteral("tool-%1").arg(int(t)));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, t]() { m_canvas->setTool(t); });
    };
    tool(T("平移"), MapCanvas::Tool::Pan, true);
    tool(T("识别"), MapCanvas::Tool::Identify);
    tool(T("框选"), MapCanvas::Tool::Select);
    tool(T("多边形选择"), MapCanvas::Tool::SelectPolygon);
    tool(T("测量"), MapCanvas::Tool::Measure);
    tool(T("选址"), MapCanvas::Tool::PickSite);
    tools->addSeparator();
    m_locator = new QLineEdit;
    m_locator->setObjectName("locator");
    m_locator->setPlaceholderText(T("查找村或乡镇：名称、部分名称或代码"));
    m_locator->setMinimumWidth(280);
    tools->addWidget(m_locator);
    connect(m_locator, &QLineEdit::returnPressed, this, [this]() {
        if (!locate(m_locator->text())) statusBar()->showMessage(T("没有找到：") + m_locator->text(), 4000);
    });

    QMenu* analyses = menuBar()->addMenu(T("分析"));
    for (const auto* a : m_registry.all()) {
        const std::string name = a->spec().name;
        QAction* act =
            analyses->addAction(qs(a->spec().titleZh) + " / " + qs(a->spec().titleEn), this, [this, name]() { analysisDialog(name); });
        act->setObjectName(qs("analysis-" + name));
    }
    analyses->addSeparator();
    analyses->addAction(T("在地图上选择安置点并求解…"), this, &MainWindow::showSitesPanel)->setObjectName("choose-sites");

    QMenu* editMenu = menuBar()->addMenu(T("编辑"));
    editMenu->addAction(T("村庄规划编辑…"), this, &MainWindow::showPlanEditPanel)->setObjectName("plan-edit");

    QMenu* settings = menuBar()->addMenu(T("设置"));
    QMenu* lang = settings->addMenu(T("界面语言"));
    const auto setLang = [this](const QString& l) {
        QSettings().setValue("language", l);
        QMessageBox::information(this, T("界面语言"), T("重新启动后生效。"));
    };
    lang->addAction("中文", this, [setLang]() { setLang("zh"); });
    lang->addAction("English", this, [setLang]() { setLang("en"); });
}

void MainWindow::buildDocks() {
    buildLayersDock();
    buildSitesDock();
    buildPlanEditDock();
    buildIdentifyDock();
    // Analysis results.
    auto* resDock = new QDockWidget(T("分析结果摘要"), this);
    resDock->setObjectName("results");
    m_results = new QTextEdit;
    m_results->setReadOnly(true);
    resDock->setWidget(m_results);
    addDockWidget(Qt::RightDockWidgetArea, resDock);
    buildTableDock();
}

void MainWindow::syncDialog() {
    const std::string file = m_projectPath.toStdString();
    if (m_projectPath.isEmpty() || !io::server::isCheckout(file)) {
        QMessageBox::information(this, T("同步到共享服务器"), T("当前项目不是从服务器检出的文件（ruralatlas pull --checkout）。"));
        return;
    }
    ServerDialog d(this);
    d.setCounty(QString::fromStdString(io::server::checkoutCounty(file)));
    if (d.exec() != QDialog::Accepted) return;
    if (!d.password().isEmpty()) qputenv("PGPASSWORD", d.password().toUtf8());
    try {
        std::vector<std::string> mine, theirs;
        for (int round = 0; round < 3; ++round) {
            const auto r = io::server::sync(file, d.connection().toStdString(), io::server::Resolve::Ask, mine, theirs);
            if (r.saved) {
                QMessageBox::information(this, T("同步到共享服务器"),
                                         T("已同步") + QStringLiteral("：%1 / %2 / %3").arg(r.updated).arg(r.inserted).arg(r.deleted));
                reloadMap(true);
                return;
            }
            std::vector<MergeDialog::Row> rows;
            for (const auto& k : r.conflicts)
                rows.push_back({QString::fromStdString(k.layer), k.fid, QString::fromStdString(k.changedBy),
                                QString::fromStdString(k.changedAt), k.theirVersion, k.yourVersion});
            MergeDialog merge(rows, this);
            if (merge.exec() != QDialog::Accepted) return;  // nothing written
            for (const auto& m : merge.mine()) mine.push_back(m.toStdString());
            for (const auto& t : merge.theirs()) theirs.push_back(t.toStdString());
        }
    } catch (const std::exception& e) {
        QMessageBox::critical(this, T("同步到共享服务器"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::openDialog() {
    const QString f = QFileDialog::getOpenFileName(this, T("打开项目"), QString(), T("规划数据库") + " (*.gpkg)");
    if (!f.isEmpty()) openProject(f);
}

bool MainWindow::openProject(const QString& path, QString* error) {
    if (m_planEdit && !m_planEdit->stopEditing()) return false;  // unsaved plan edits: saved, discarded or kept open
    try {
        std::unique_ptr<ProjectSource> project = io::openProjectSource(path.toStdString());
        m_toLonLat = std::make_unique<ToLonLat>(project->epsg());
        m_project = std::move(project);
        m_projectPath = path;
        m_resultFiles.clear();
        m_siteState.clear();
        m_siteCandidates.clear();
        if (m_sitesDock) m_sitesDock->hide();
        if (m_planEdit) {
            // Villages with a territory can be edited, in a file or live on the shared server.
            QStringList codes, names;
            std::vector<Polygons> territories;
            if (m_project->layerInfo("village_boundaries")) {
                FeatureQuery q;
                q.fields = {"code", "name"};
                q.asText = true;
                m_project->readFeatures("village_boundaries", q, [&](const Feature& f) {
                    codes << qs(valueAsText(f.values[0]));
                    names << qs(valueAsText(f.values[1]));
                    territories.push_back(polygonsOf(f.geometry));
                });
            }
            m_planEdit->setProject(QFileInfo(path).isFile() || path.startsWith("PG:") ? path : QString(), codes, names, territories);
        }
        reloadMap(false);
        setWindowTitle(qs(m_data->countyName) + " — " + T("RuralAtlas 乡村规划工作台"));
        m_tableLayer->blockSignals(true);
        m_tableLayer->clear();
        for (const auto& def : projectLayers())
            if (!def.personal && m_project->layerInfo(std::string(def.name)))
                m_tableLayer->addItem(qs(std::string(def.titleZh)) + " (" + qs(std::string(def.name)) + ")", qs(std::string(def.name)));
        m_tableLayer->blockSignals(false);
        const int v = m_tableLayer->findData("villages");
        m_tableLayer->setCurrentIndex(v >= 0 ? v : 0);
        fillAttributeTable(m_tableLayer->currentData().toString());
        emit projectOpened();
        return true;
    } catch (const std::exception& e) {
        const QString msg = QString::fromUtf8(e.what());
        if (error)
            *error = msg;
        else
            QMessageBox::critical(this, T("打开项目"), msg);
        return false;
    }
}

void MainWindow::reloadMap(bool keepView) {
    if (!m_project) return;
    std::vector<std::string> files{render::stylesDir() + "/county.json"};
    if (!m_overlayStyle.isEmpty()) files.push_back(m_overlayStyle.toStdString());
    std::vector<std::string> results;
    for (const auto& r : m_resultFiles) {
        results.push_back(r.toStdString());
        for (const std::string& s : stylesFor(r))
            if (std::find(files.begin(), files.end(), s) == files.end()) files.push_back(s);
    }
    std::vector<std::unique_ptr<FeatureSource>> sources;
    std::vector<FeatureSource*> resultSources;
    for (const auto& r : results) {
        sources.push_back(io::openFeatureSource(r));
        resultSources.push_back(sources.back().get());
    }
    // Gridded layers of the project or the results that a plugin ships a style for (its
    // styles/NAME.json, e.g. relocation/suitability_score.json).
    std::vector<std::string> grids = m_project->gridNames();
    for (FeatureSource* s : resultSources)
        for (const std::string& g : s->gridNames()) grids.push_back(g);
    size_t gridAt = 1;
    for (const std::string& ref : pluginStyleRefs()) {
        const std::string name = ref.substr(ref.find('/') + 1);
        if (std::find(grids.begin(), grids.end(), name.substr(0, name.size() - 5)) == grids.end()) continue;
        const std::string path = pluginStylePath(ref);
        if (std::find(files.begin(), files.end(), path) == files.end()) files.insert(files.begin() + std::ptrdiff_t(gridAt++), path);
    }
    // An interactive map: every scale is loaded (the one map pipeline, render::MapJob).
    render::MapJobSpec spec;
    spec.styleFiles = files;
    spec.oneScale = false;
    // The locator and selections look features up by name and code.
    spec.extraRequests.push_back({"villages", {"code", "name"}, false, "", 0});
    spec.extraRequests.push_back({"townships", {"code", "name"}, true, "", 0});
    render::MapJob job(*m_project, resultSources, spec);
    job.prepare();
    m_style = job.sharedStyle();
    m_data = job.data();
    const size_t n = m_style->layers.size();
    m_hidden.assign(n, 0);
    m_opacity.assign(n, 1.0f);
    // Style order, except that gridded layers go over the county's fills and under its lines,
    // points and labels (they would hide the villages and roads otherwise).
    m_order.clear();
    std::vector<size_t> gridLayers;
    for (size_t i = 0; i < n; ++i) (m_style->layers[i].type == render::LayerType::Raster ? gridLayers : m_order).push_back(i);
    size_t above = 0;
    for (size_t k = 0; k < m_order.size(); ++k)
        if (m_style->layers[m_order[k]].type == render::LayerType::Fill && m_style->layers[m_order[k]].file == files.front()) above = k + 1;
    m_order.insert(m_order.begin() + std::ptrdiff_t(above), gridLayers.begin(), gridLayers.end());
    const render::Box keep = m_canvas->extent();
    m_canvas->setMap(m_data, m_style);
    if (keepView && keep.valid())
        m_canvas->zoomTo(keep, 0);
    else
        m_canvas->zoomTo(m_data->extent());
    refreshLayerPanel();
    // Locator: village and township names with codes.
    QStringList names;
    for (const char* src : {"villages", "townships"})
        if (const render::FeatureLayer* l = m_data->find(src)) {
            const int cn = l->column("name"), cc = l->column("code");
            for (size_t i = 0; cn >= 0 && cc >= 0 && i < l->size(); ++i)
                names << qs(render::valueToString(l->row(i).get(cn))) + " " + qs(render::valueToString(l->row(i).get(cc)));
        }
    auto* completer = new QCompleter(names, m_locator);
    completer->setFilterMode(Qt::MatchContains);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_locator->setCompleter(completer);
}

void MainWindow::updateStatus() {
    m_scaleLabel->setText(QStringLiteral("1:%L1").arg(qlonglong(std::llround(m_canvas->scaleDenominator()))));
}

QString MainWindow::statusText() const { return m_scaleLabel->text() + " " + m_coordLabel->text(); }

void MainWindow::closeEvent(QCloseEvent* e) {
    if (m_planEdit && !m_planEdit->stopEditing()) {  // unsaved edits: save, discard or stay
        e->ignore();
        return;
    }
    if (m_run) m_run->feedback().cancel();
    m_runWatcher.waitForFinished();
    e->accept();
}

void MainWindow::buildPlanEditDock() {
    m_planEditDock = new QDockWidget(T("村庄规划编辑"), this);
    m_planEditDock->setObjectName("plan-edit-dock");
    m_planEdit = new PlanEditPanel(m_canvas, m_planEditDock);
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_planEdit);
    scroll->setWidgetResizable(true);
    m_planEditDock->setWidget(scroll);
    addDockWidget(Qt::RightDockWidgetArea, m_planEditDock);
    m_planEditDock->hide();
    connect(m_planEdit, &PlanEditPanel::editingChanged, this, &MainWindow::hideSavedPlan);
    connect(m_planEdit, &PlanEditPanel::saved, this, [this]() {
        reloadMap(true);
        hideSavedPlan(m_planEdit->isEditing());
    });
    connect(m_planEdit, &PlanEditPanel::printRequested, this, [this](const QString& village) {
        AtlasDialog dlg(m_registry, m_projectPath, this);
        dlg.preset("village_plan_set", "villages", "code = '" + village + "'");
        dlg.exec();
    });
}

void MainWindow::showPlanEditPanel() {
    if (!m_project) {
        QMessageBox::information(this, T("村庄规划编辑"), T("请先打开项目。"));
        return;
    }
    // On the right, over the identify and results panels (tabs), where there is height for the
    // problems and the balance table.
    if (auto* identify = findChild<QDockWidget*>("identify"); identify && !tabifiedDockWidgets(identify).contains(m_planEditDock))
        tabifyDockWidget(identify, m_planEditDock);
    if (auto* results = findChild<QDockWidget*>("results"); results && !tabifiedDockWidgets(m_planEditDock).contains(results))
        tabifyDockWidget(m_planEditDock, results);
    // The attribute table gives its height to the map while a plan is drafted (the toolbar's
    // context menu brings it back).
    if (auto* table = findChild<QDockWidget*>("attributes")) table->hide();
    m_planEditDock->show();
    m_planEditDock->raise();
}

void MainWindow::hideSavedPlan(bool hide) {
    if (!m_style) return;
    for (int r = 0; r < m_layers->count(); ++r) {
        QListWidgetItem* item = m_layers->item(r);
        const size_t li = item->data(Qt::UserRole).toULongLong();
        if (li >= m_style->layers.size() || m_style->layers[li].source != "landuse_plan") continue;
        if (hide && item->checkState() == Qt::Checked) {
            m_planLayersHidden.push_back(li);
            item->setCheckState(Qt::Unchecked);
        } else if (!hide && std::find(m_planLayersHidden.begin(), m_planLayersHidden.end(), li) != m_planLayersHidden.end()) {
            item->setCheckState(Qt::Checked);
        }
    }
    if (!hide) m_planLayersHidden.clear();
    applySwitches();
}

void MainWindow::atlasDialog() {
    if (!m_project) {
        QMessageBox::information(this, T("导出图集"), T("请先打开项目。"));
        return;
    }
    AtlasDialog dlg(m_registry, m_projectPath, this);
    dlg.exec();
}

}  // namespace ruralatlas::app
