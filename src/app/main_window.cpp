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

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

// A result file's styles: those its tables name (the plugin's default styles), as files.
std::vector<std::string> stylesFor(const QString& resultFile) {
    std::vector<std::string> out;
    for (const auto& ref : io::resultStyles(resultFile.toStdString())) out.push_back(pluginStylePath(ref));
    return out;
}

QString fieldTitle(const LayerDef* def, const std::string& field) {
    if (def)
        if (const FieldDef* f = def->field(field)) return qs(std::string(f->titleZh));
    return qs(field);
}

QString displayValue(const LayerDef* def, const std::string& field, const std::string& value) {
    if (def)
        if (const FieldDef* f = def->field(field); f && !f->enumeration.empty())
            if (const Enumeration* e = findEnumeration(f->enumeration))
                for (const auto& v : e->values)
                    if (v.code == value) return qs(std::string(v.titleZh)) + " (" + qs(value) + ")";
    return qs(value);
}

QString degrees(double v, bool lon) {
    const double a = std::fabs(v);
    const int d = int(a), m = int((a - d) * 60);
    const double s = ((a - d) * 60 - m) * 60;
    return QStringLiteral("%1°%2′%3″%4")
        .arg(d)
        .arg(m, 2, 10, QChar('0'))
        .arg(s, 4, 'f', 1, QChar('0'))
        .arg(lon ? (v >= 0 ? "E" : "W") : (v >= 0 ? "N" : "S"));
}

}  // namespace

struct MainWindow::Run {
    std::unique_ptr<Feedback> fb;
    Feedback& feedback() { return *fb; }
    std::string name;
    std::string out;
    std::atomic<double> progress{0};
};

MainWindow::MainWindow(const analysis::Registry& registry, QWidget* parent) : QMainWindow(parent), m_registry(registry) {
    setWindowTitle(T("RuralAtlas 乡村规划工作台"));
    resize(1400, 900);
    setAcceptDrops(true);
    m_canvas = new MapCanvas(this);
    setCentralWidget(m_canvas);
    m_baseStyle = qs(render::stylesDir() + "/county.json");
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
    connect(&m_runWatcher, &QFutureWatcher<QString>::finished, this, [this]() {
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
    });
    updateStatus();
}

MainWindow::~MainWindow() {
    if (m_run) m_run->feedback().cancel();
    m_runWatcher.waitForFinished();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(T("文件"));
    file->addAction(T("打开项目…"), QKeySequence::Open, this, &MainWindow::openDialog);
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
    // Layers.
    auto* layersDock = new QDockWidget(T("图层"), this);
    layersDock->setObjectName("layers");
    auto* lw = new QWidget;
    auto* lv = new QVBoxLayout(lw);
    m_styleChoice = new QComboBox;
    m_styleChoice->addItem(qs("county.json"), qs(render::stylesDir() + "/county.json"));
    m_styleChoice->addItem(qs("coverage_bands.json"), qs(pluginStylePath("services/coverage_bands.json")));
    m_styleChoice->setItemText(0, T("县域基础图") + " (county.json)");
    connect(m_styleChoice, &QComboBox::currentIndexChanged, this, [this](int) {
        m_baseStyle = m_styleChoice->currentData().toString();
        reloadMap(true);
    });
    lv->addWidget(new QLabel(T("样式")));
    lv->addWidget(m_styleChoice);
    m_layers = new QListWidget;
    m_layers->setObjectName("layerList");
    m_layers->setDragDropMode(QAbstractItemView::InternalMove);
    lv->addWidget(m_layers, 1);
    connect(m_layers, &QListWidget::itemChanged, this, [this]() { applySwitches(); });
    connect(m_layers->model(), &QAbstractItemModel::rowsMoved, this, [this]() { applySwitches(); });
    auto* opacityRow = new QHBoxLayout;
    opacityRow->addWidget(new QLabel(T("不透明度")));
    m_opacitySlider = new QSlider(Qt::Horizontal);
    m_opacitySlider->setRange(0, 100);
    m_opacitySlider->setValue(100);
    opacityRow->addWidget(m_opacitySlider);
    lv->addLayout(opacityRow);
    connect(m_layers, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0) return;
        const size_t li = m_layers->item(row)->data(Qt::UserRole).toULongLong();
        QSignalBlocker b(m_opacitySlider);
        m_opacitySlider->setValue(li < m_opacity.size() ? int(std::lround(m_opacity[li] * 100)) : 100);
    });
    connect(m_opacitySlider, &QSlider::valueChanged, this, [this](int v) {
        if (!m_layers->currentItem()) return;
        const size_t li = m_layers->currentItem()->data(Qt::UserRole).toULongLong();
        if (li < m_opacity.size()) m_opacity[li] = float(v) / 100.0f;
        applySwitches();
    });
    layersDock->setWidget(lw);
    addDockWidget(Qt::LeftDockWidgetArea, layersDock);

    // Identify.
    auto* idDock = new QDockWidget(T("识别结果"), this);
    idDock->setObjectName("identify");
    auto* iw = new QWidget;
    auto* iv = new QVBoxLayout(iw);
    m_identifyTitle = new QLabel(T("用“识别”工具点击地图上的要素"));
    m_identifyTitle->setWordWrap(true);
    iv->addWidget(m_identifyTitle);
    m_identify = new QTableWidget(0, 2);
    m_identify->setObjectName("identifyTable");
    m_identify->setHorizontalHeaderLabels({T("字段"), T("值")});
    m_identify->horizontalHeader()->setStretchLastSection(true);
    m_identify->verticalHeader()->setVisible(false);
    m_identify->setEditTriggers(QAbstractItemView::NoEditTriggers);
    iv->addWidget(m_identify);
    idDock->setWidget(iw);
    addDockWidget(Qt::RightDockWidgetArea, idDock);

    // Analysis results.
    auto* resDock = new QDockWidget(T("分析结果摘要"), this);
    resDock->setObjectName("results");
    m_results = new QTextEdit;
    m_results->setReadOnly(true);
    resDock->setWidget(m_results);
    addDockWidget(Qt::RightDockWidgetArea, resDock);

    // Attribute table.
    auto* tDock = new QDockWidget(T("属性表"), this);
    tDock->setObjectName("attributes");
    auto* tw = new QWidget;
    auto* tv = new QVBoxLayout(tw);
    auto* th = new QHBoxLayout;
    m_tableLayer = new QComboBox;
    m_tableFilter = new QLineEdit;
    m_tableFilter->setPlaceholderText(T("筛选：包含此文字的行"));
    th->addWidget(new QLabel(T("图层")));
    th->addWidget(m_tableLayer, 1);
    th->addWidget(m_tableFilter, 2);
    tv->addLayout(th);
    m_table = new QTableWidget;
    m_table->setObjectName("attributeTable");
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tv->addWidget(m_table);
    tDock->setWidget(tw);
    addDockWidget(Qt::BottomDockWidgetArea, tDock);
    connect(m_tableLayer, &QComboBox::currentTextChanged, this, [this]() { fillAttributeTable(m_tableLayer->currentData().toString()); });
    connect(m_tableFilter, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int r = 0; r < m_table->rowCount(); ++r) {
            bool match = text.isEmpty();
            for (int c = 0; !match && c < m_table->columnCount(); ++c)
                if (auto* it = m_table->item(r, c)) match = it->text().contains(text, Qt::CaseInsensitive);
            m_table->setRowHidden(r, !match);
        }
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this]() {
        if (m_syncingSelection) return;
        std::set<long long> fids;
        for (const auto& idx : m_table->selectionModel()->selectedRows())
            if (auto* it = m_table->item(idx.row(), 0)) fids.insert(it->data(Qt::UserRole).toLongLong());
        m_canvas->setSelection(m_tableLayer->currentData().toString().toStdString(), fids);
    });
}

void MainWindow::openDialog() {
    const QString f = QFileDialog::getOpenFileName(this, T("打开项目"), QString(), T("规划数据库") + " (*.gpkg)");
    if (!f.isEmpty()) openProject(f);
}

bool MainWindow::openProject(const QString& path, QString* error) {
    try {
        std::unique_ptr<ProjectSource> project = io::openProjectSource(path.toStdString());
        m_toLonLat = std::make_unique<ToLonLat>(project->epsg());
        m_project = std::move(project);
        m_projectPath = path;
        m_resultFiles.clear();
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
    std::vector<std::string> files{m_baseStyle.toStdString()};
    std::vector<std::string> results;
    for (const auto& r : m_resultFiles) {
        results.push_back(r.toStdString());
        for (const std::string& s : stylesFor(r))
            if (std::find(files.begin(), files.end(), s) == files.end()) files.push_back(s);
    }
    auto style = std::make_shared<render::Style>(render::loadStyles(files));
    auto requests = render::layerRequests(*style);
    // The locator and selections look features up by name and code.
    requests.push_back({"villages", {"code", "name"}, false, "", 0});
    requests.push_back({"townships", {"code", "name"}, true, "", 0});
    std::vector<std::unique_ptr<FeatureSource>> sources;
    std::vector<FeatureSource*> resultSources;
    for (const auto& r : results) {
        sources.push_back(io::openFeatureSource(r));
        resultSources.push_back(sources.back().get());
    }
    auto loaded = render::MapData::load(*m_project, resultSources, requests, std::nullopt);
    render::bindStyle(*style, *loaded);
    m_style = style;
    m_data = loaded;
    const size_t n = m_style->layers.size();
    m_hidden.assign(n, 0);
    m_opacity.assign(n, 1.0f);
    m_order.resize(n);
    for (size_t i = 0; i < n; ++i) m_order[i] = i;
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

void MainWindow::refreshLayerPanel() {
    QSignalBlocker b(m_layers);
    m_layers->clear();
    // Top of the list draws on top: style order reversed.
    for (size_t k = m_order.size(); k-- > 0;) {
        const size_t li = m_order[k];
        const auto& L = m_style->layers[li];
        const render::FeatureLayer* d = m_data->find(L.source);
        QString title = qs(L.legend.title.empty() ? (d ? d->title : L.source) : L.legend.title);
        if (L.type == render::LayerType::Symbol && !L.props.count("icon-image")) title += T("（注记）");
        auto* item = new QListWidgetItem(title + "  [" + qs(L.id) + "]");
        item->setData(Qt::UserRole, qulonglong(li));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsDragEnabled);
        item->setCheckState(m_hidden[li] ? Qt::Unchecked : Qt::Checked);
        if (!d) {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(T("项目中没有这个图层"));
        }
        m_layers->addItem(item);
    }
}

void MainWindow::applySwitches() {
    if (!m_style) return;
    const int n = m_layers->count();
    std::vector<size_t> order;
    for (int r = n; r-- > 0;) {
        const size_t li = m_layers->item(r)->data(Qt::UserRole).toULongLong();
        order.push_back(li);
        m_hidden[li] = m_layers->item(r)->checkState() != Qt::Checked;
    }
    if (order.size() == m_order.size()) m_order = order;
    render::LayerSwitches s;
    s.hidden = m_hidden;
    s.opacity = m_opacity;
    s.order = m_order;
    m_canvas->setSwitches(s);
}

QStringList MainWindow::layerTitles() const {
    QStringList out;
    for (int r = 0; r < m_layers->count(); ++r) out << m_layers->item(r)->text();
    return out;
}

void MainWindow::updateStatus() {
    m_scaleLabel->setText(QStringLiteral("1:%L1").arg(qlonglong(std::llround(m_canvas->scaleDenominator()))));
}

QString MainWindow::statusText() const { return m_scaleLabel->text() + " " + m_coordLabel->text(); }

bool MainWindow::addResult(const QString& path, QString* error) {
    try {
        if (!m_resultFiles.contains(path)) m_resultFiles << path;
        reloadMap(true);
        return true;
    } catch (const std::exception& e) {
        m_resultFiles.removeAll(path);
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool MainWindow::locate(const QString& text) {
    if (!m_data) return false;
    const QString q = text.trimmed().section(' ', 0, 0);
    if (q.isEmpty()) return false;
    const QString code = text.trimmed().section(' ', -1);
    for (const char* src : {"villages", "townships"}) {
        const render::FeatureLayer* l = m_data->find(src);
        if (!l) continue;
        const int cn = l->column("name"), cc = l->column("code");
        if (cn < 0 || cc < 0) continue;
        // Exact code, then exact name, then a name containing the text.
        for (int pass = 0; pass < 3; ++pass)
            for (size_t i = 0; i < l->size(); ++i) {
                const QString name = qs(render::valueToString(l->row(i).get(cn))), c = qs(render::valueToString(l->row(i).get(cc)));
                const bool hit = pass == 0 ? (c == q || c == code) : pass == 1 ? name == q : name.contains(q);
                if (!hit) continue;
                render::Box b = l->bbox(i);
                if (l->shape == render::Shape::Point) b = b.expanded(1500);
                m_canvas->zoomTo(b);
                m_canvas->setSelection(l->name, {l->fid(i)});
                statusBar()->showMessage(T("已定位：") + name + " " + c, 4000);
                return true;
            }
    }
    return false;
}

const render::FeatureLayer* MainWindow::layerOf(const QString& name) const { return m_data ? m_data->find(name.toStdString()) : nullptr; }

bool MainWindow::identify(double x, double y, double tol) {
    if (!m_data || !m_style) return false;
    // Points first, then lines, then polygons; within each, the top-most visible layer first:
    // a village on top of its township is what a click on its symbol means.
    const render::FeatureLayer* found = nullptr;
    size_t foundIndex = 0;
    std::vector<uint32_t> hits;
    for (render::Shape shape : {render::Shape::Point, render::Shape::Line, render::Shape::Polygon}) {
        double best = tol;
        for (size_t k = m_order.size(); k-- > 0 && !found;) {
            const size_t li = m_order[k];
            if (m_hidden[li]) continue;
            const render::FeatureLayer* l = m_data->find(m_style->layers[li].source);
            if (!l || l->shape != shape) continue;
            l->query(render::Box{x - tol, y - tol, x + tol, y + tol}, hits);
            for (uint32_t f : hits) {
                if (shape == render::Shape::Point) {
                    const auto a = l->anchor(f);
                    const double d = std::hypot(a[0] - x, a[1] - y);
                    if (d <= best) {
                        best = d;
                        found = l;
                        foundIndex = f;
                    }
                } else if (shape == render::Shape::Line) {
                    for (size_t part = l->partBegin(f); part < l->partEnd(f); ++part)
                        for (size_t k2 = l->pointBegin(part) + 1; k2 < l->pointEnd(part); ++k2) {
                            const double ax = l->xy()[2 * k2 - 2], ay = l->xy()[2 * k2 - 1], bx = l->xy()[2 * k2], by = l->xy()[2 * k2 + 1];
                            const double vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
                            const double t = len2 > 0 ? std::clamp(((x - ax) * vx + (y - ay) * vy) / len2, 0.0, 1.0) : 0;
                            const double d = std::hypot(ax + t * vx - x, ay + t * vy - y);
                            if (d <= best) {
                                best = d;
                                found = l;
                                foundIndex = f;
                            }
                        }
                } else if (!found) {
                    bool inside = false;
                    for (size_t part = l->partBegin(f); part < l->partEnd(f); ++part)
                        for (size_t a = l->pointBegin(part), b = l->pointEnd(part) - 1; a < l->pointEnd(part); b = a++) {
                            const double ax = l->xy()[2 * a], ay = l->xy()[2 * a + 1], bx = l->xy()[2 * b], by = l->xy()[2 * b + 1];
                            if ((ay > y) != (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax) inside = !inside;
                        }
                    if (inside) {
                        found = l;
                        foundIndex = f;
                    }
                }
            }
        }
        if (found) break;
    }
    m_identify->setRowCount(0);
    if (!found) {
        m_identifyTitle->setText(T("此处没有要素"));
        return false;
    }
    // All fields of the feature, read from its source (the project or a result file), with their
    // Chinese titles.
    std::unique_ptr<FeatureSource> other;
    FeatureSource* source = m_project.get();
    if (found->file != m_project->name()) {
        other = io::openFeatureSource(found->file);
        source = other.get();
    }
    const std::optional<LayerInfo> info = source->layerInfo(found->name);
    if (!info) return false;
    FeatureQuery q;
    q.allFields = true;
    q.asText = true;
    q.geometry = false;
    q.fid = found->fid(foundIndex);
    std::optional<std::vector<ResultValue>> values;
    source->readFeatures(found->name, q, [&](const Feature& f) { values = f.values; });
    if (!values) return false;
    const LayerDef* def = found->def;
    m_identifyTitle->setText(qs(found->title) + QStringLiteral("（%1，要素 %2）").arg(qs(found->name)).arg(found->fid(foundIndex)));
    for (size_t i = 0; i < info->fields.size(); ++i) {
        const std::string& name = info->fields[i].name;
        const int row = m_identify->rowCount();
        m_identify->insertRow(row);
        auto* key = new QTableWidgetItem(fieldTitle(def, name));
        key->setToolTip(qs(name));
        key->setData(Qt::UserRole, qs(name));
        m_identify->setItem(row, 0, key);
        const auto* text = std::get_if<std::string>(&(*values)[i]);
        m_identify->setItem(row, 1, new QTableWidgetItem(text ? displayValue(def, name, *text) : QString()));
    }
    m_canvas->setSelection(found->name, {found->fid(foundIndex)});
    return true;
}

void MainWindow::fillAttributeTable(const QString& layer) {
    m_table->setSortingEnabled(false);
    m_table->clear();
    m_table->setRowCount(0);
    if (!m_project || layer.isEmpty()) return;
    const std::optional<LayerInfo> info = m_project->layerInfo(layer.toStdString());
    if (!info) return;
    const LayerDef* def = findLayer(layer.toStdString());
    if (def && def->personal) return;  // personal data is never listed
    QStringList headers;
    for (const auto& f : info->fields) headers << fieldTitle(def, f.name);
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    std::vector<std::pair<long long, std::vector<ResultValue>>> rows;
    FeatureQuery q;
    q.allFields = true;
    q.geometry = false;
    m_project->readFeatures(layer.toStdString(), q, [&](const Feature& f) { rows.emplace_back(f.fid, f.values); });
    m_table->setRowCount(int(rows.size()));
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t i = 0; i < info->fields.size(); ++i) {
            const ResultValue& v = rows[r].second[i];
            auto* it = new QTableWidgetItem;
            if (const auto* n = std::get_if<long long>(&v))
                it->setData(Qt::DisplayRole, double(*n));
            else if (const auto* d = std::get_if<double>(&v))
                it->setData(Qt::DisplayRole, *d);
            else if (const auto* t = std::get_if<std::string>(&v))
                it->setText(displayValue(def, info->fields[i].name, *t));
            if (i == 0) it->setData(Qt::UserRole, qlonglong(rows[r].first));
            m_table->setItem(int(r), int(i), it);
        }
    m_table->setSortingEnabled(true);
}

void MainWindow::showAttributeTable(const QString& layer) {
    const int i = m_tableLayer->findData(layer);
    if (i >= 0) m_tableLayer->setCurrentIndex(i);
}

void MainWindow::selectInTable(double minx, double miny, double maxx, double maxy) {
    const QString layer = m_tableLayer->currentData().toString();
    const render::FeatureLayer* l = layerOf(layer);
    std::set<long long> fids;
    if (l) {
        std::vector<uint32_t> hits;
        l->query(render::Box{minx, miny, maxx, maxy}, hits);
        for (uint32_t f : hits) {
            const auto a = l->anchor(f);
            if (l->shape != render::Shape::Point || (a[0] >= minx && a[0] <= maxx && a[1] >= miny && a[1] <= maxy)) fids.insert(l->fid(f));
        }
    }
    applySelection(layer, fids);
}

void MainWindow::selectByPolygon(const QPolygonF& world) {
    const QString layer = m_tableLayer->currentData().toString();
    const render::FeatureLayer* l = layerOf(layer);
    std::set<long long> fids;
    if (l) {
        const QRectF b = world.boundingRect();
        std::vector<uint32_t> hits;
        l->query(render::Box{b.left(), b.top(), b.right(), b.bottom()}, hits);
        for (uint32_t f : hits) {
            const auto a = l->anchor(f);
            const render::Box& fb = l->bbox(f);
            // Points by their position, lines and polygons by their label anchor or box centre.
            const QPointF at = (a[0] != 0 || a[1] != 0) ? QPointF(a[0], a[1]) : QPointF((fb.minx + fb.maxx) / 2, (fb.miny + fb.maxy) / 2);
            if (world.containsPoint(at, Qt::OddEvenFill)) fids.insert(l->fid(f));
        }
    }
    applySelection(layer, fids);
}

void MainWindow::applySelection(const QString& layer, const std::set<long long>& fids) {
    m_canvas->setSelection(layer.toStdString(), fids);
    m_syncingSelection = true;
    m_table->clearSelection();
    m_table->setSelectionMode(QAbstractItemView::MultiSelection);
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (auto* it = m_table->item(r, 0); it && fids.count(it->data(Qt::UserRole).toLongLong())) m_table->selectRow(r);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_syncingSelection = false;
    statusBar()->showMessage(T("已选择 %1 个要素").arg(fids.size()), 4000);
}

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

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    QStringList files;
    for (const auto& u : e->mimeData()->urls())
        if (u.isLocalFile()) files << u.toLocalFile();
    if (files.isEmpty()) return;
    if (!m_project && files.size() == 1 && files.front().endsWith(".gpkg", Qt::CaseInsensitive)) {
        openProject(files.front());
        return;
    }
    importDialog(files);
}

void MainWindow::importDialog(const QStringList& files) {
    if (!m_project) {
        QMessageBox::information(this, T("导入数据"), T("请先打开项目。"));
        return;
    }
    for (const QString& file : files) {
        QDialog dlg(this);
        dlg.setWindowTitle(T("导入数据") + " — " + QFileInfo(file).fileName());
        auto* form = new QFormLayout(&dlg);
        auto* into = new QComboBox;
        into->setObjectName("into");
        for (const auto& def : projectLayers())
            into->addItem(qs(std::string(def.titleZh)) + " (" + qs(std::string(def.name)) + ")", qs(std::string(def.name)));
        // Guess the target from the file name (e.g. 卫生室.xlsx -> facilities).
        const QString base = QFileInfo(file).completeBaseName().toLower();
        for (int i = 0; i < into->count(); ++i)
            if (base.contains(into->itemData(i).toString())) into->setCurrentIndex(i);
        auto* crs = new QComboBox;
        crs->setEditable(true);
        crs->addItem(T("按文件（自动）"), QString());
        crs->addItem(T("GCJ-02（高德/腾讯坐标）"), "gcj02");
        crs->addItem(T("BD-09（百度坐标）"), "bd09");
        crs->addItem("WGS84 (EPSG:4326)", "EPSG:4326");
        crs->addItem("CGCS2000 (EPSG:4490)", "EPSG:4490");
        auto* enc = new QComboBox;
        enc->addItem(T("自动识别"), QString());
        enc->addItem("UTF-8", "UTF-8");
        enc->addItem("GBK / GB18030", "GB18030");
        auto* fields = new QPlainTextEdit;
        fields->setPlaceholderText(T("字段对应（可选），每行 目标字段=源字段，例如 name=名称"));
        fields->setMaximumHeight(90);
        auto* skip = new QCheckBox(T("跳过有错误的行"));
        form->addRow(T("导入到"), into);
        form->addRow(T("坐标系"), crs);
        form->addRow(T("编码"), enc);
        form->addRow(T("字段对应"), fields);
        form->addRow(skip);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        form->addRow(buttons);
        connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
        if (dlg.exec() != QDialog::Accepted) continue;
        io::ImportOptions o;
        o.project = m_projectPath.toStdString();
        o.source = file.toStdString();
        o.into = into->currentData().toString().toStdString();
        o.sourceCrs =
            (crs->currentData().toString().isEmpty() && crs->currentIndex() != 0 ? crs->currentText() : crs->currentData().toString())
                .toStdString();
        o.encoding = enc->currentData().toString().toStdString();
        o.skipBadRows = skip->isChecked();
        for (const QString& line : fields->toPlainText().split('\n', Qt::SkipEmptyParts))
            if (line.contains('='))
                o.fields.emplace_back(line.section('=', 0, 0).trimmed().toStdString(), line.section('=', 1).trimmed().toStdString());
        try {
            m_project.reset();  // the import writes the file in one transaction
            Feedback fb;
            const io::ImportReport r = o.into == "dem" ? io::importDem(o, fb) : io::importFile(o, fb);
            m_results->append(T("导入") + " " + QFileInfo(file).fileName() +
                              QStringLiteral("：读 %1，新增 %2，更新 %3（编码 %4，坐标系 %5）")
                                  .arg(r.read)
                                  .arg(r.inserted)
                                  .arg(r.updated)
                                  .arg(qs(r.encoding), qs(r.crs)));
            for (const auto& u : r.unmatched) m_results->append(qs(u));
        } catch (const std::exception& e) {
            QMessageBox::warning(this, T("导入数据"), QString::fromUtf8(e.what()));
        }
        m_project = io::openProjectSource(m_projectPath.toStdString());
        reloadMap(true);
        fillAttributeTable(m_tableLayer->currentData().toString());
    }
}

void MainWindow::atlasDialog() {
    if (!m_project) {
        QMessageBox::information(this, T("导出图集"), T("请先打开项目。"));
        return;
    }
    AtlasDialog dlg(m_registry, m_projectPath, this);
    dlg.exec();
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (m_run) m_run->feedback().cancel();
    m_runWatcher.waitForFinished();
    e->accept();
}

}  // namespace ruralatlas::app
