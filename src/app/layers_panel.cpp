// The layers dock: style choice, layer visibility, order and opacity; result layers added to the map.
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
#include <QPainter>
#include <QPixmap>
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
void MainWindow::buildLayersDock() {
    // Layers.
    auto* layersDock = new QDockWidget(T("图层"), this);
    layersDock->setObjectName("layers");
    auto* lw = new QWidget;
    auto* lv = new QVBoxLayout(lw);
    m_styleChoice = new QComboBox;
    // The county map alone, or with one of the plugins' styles drawn over it (every plugin's
    // styles/ folder is listed, titled by the style's own name).
    m_styleChoice->addItem(T("县域基础图") + " (county.json)", QString());
    for (const std::string& ref : pluginStyleRefs()) {
        const std::string path = pluginStylePath(ref);
        QString title = qs(ref);
        try {
            title = T("县域基础图") + " + " + qs(render::loadStyle(path).name) + " (" + qs(ref) + ")";
        } catch (const std::exception&) {
            continue;  // a broken style file is refused when it is drawn, not listed here
        }
        m_styleChoice->addItem(title, qs(path));
    }
    connect(m_styleChoice, &QComboBox::currentIndexChanged, this, [this](int) {
        m_overlayStyle = m_styleChoice->currentData().toString();
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

    // The legend of what the map shows now: built from the last frame (only the classes drawn,
    // "no data" for features whose classifying field is empty), with the approximation notes.
    auto* legendDock = new QDockWidget(T("图例"), this);
    legendDock->setObjectName("legend");
    m_legend = new QListWidget;
    m_legend->setObjectName("legendList");
    m_legend->setIconSize(QSize(28, 16));
    m_legend->setSelectionMode(QAbstractItemView::NoSelection);
    m_legend->setWordWrap(true);
    legendDock->setWidget(m_legend);
    addDockWidget(Qt::LeftDockWidgetArea, legendDock);
    connect(m_canvas, &MapCanvas::frameDrawn, this, [this](double) { refreshLegend(); });
}

void MainWindow::refreshLegend() {
    const render::RenderReport& report = m_canvas->lastReport();
    const auto renderer = m_canvas->lastRenderer();
    QStringList now;
    for (const auto& g : report.legend) {
        now << g.title;
        for (const auto& item : g.items) now << item.label;
    }
    now << report.notes;
    if (now == m_legendShown) return;  // a pan that changes nothing in the legend
    m_legendShown = now;
    m_legend->clear();
    QFont bold = m_legend->font();
    bold.setBold(true);
    for (const auto& g : report.legend) {
        auto* head = new QListWidgetItem(g.title);
        head->setFont(bold);
        head->setFlags(Qt::ItemIsEnabled);
        m_legend->addItem(head);
        for (const auto& item : g.items) {
            QPixmap swatch(m_legend->iconSize() * devicePixelRatioF());
            swatch.setDevicePixelRatio(devicePixelRatioF());
            swatch.fill(Qt::transparent);
            if (renderer) {
                QPainter p(&swatch);
                renderer->drawSwatch(p, QRectF(QPointF(2, 2), QSizeF(m_legend->iconSize()) - QSizeF(4, 4)), item, 96, false);
            }
            auto* row = new QListWidgetItem(QIcon(swatch), item.label);
            row->setFlags(Qt::ItemIsEnabled);
            m_legend->addItem(row);
        }
    }
    for (qsizetype i = 0; i < report.notes.size(); ++i) {
        auto* note = new QListWidgetItem((i == 0 ? T("注：") : QString()) + report.notes[i]);
        note->setFlags(Qt::ItemIsEnabled);
        note->setForeground(QColor(0x37, 0x47, 0x4f));
        m_legend->addItem(note);
    }
}

}  // namespace ruralatlas::app

namespace ruralatlas::app {

QStringList MainWindow::legendLines() const {
    QStringList out;
    for (int r = 0; r < m_legend->count(); ++r) out << m_legend->item(r)->text();
    return out;
}

}  // namespace ruralatlas::app
