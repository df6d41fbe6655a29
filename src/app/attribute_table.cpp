// The attribute table dock: a layer's rows, filtering, and selection kept in step with the map.
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
            else {
                // Not recorded: left empty (so numbers still sort) and marked, never shown as 0.
                it->setBackground(QColor(0xee, 0xee, 0xee));
                it->setToolTip(T("未录入"));
            }
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
void MainWindow::buildTableDock() {
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

}  // namespace ruralatlas::app
