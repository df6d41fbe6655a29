// Identify and locate: the feature under a click with every field and its Chinese title; the locator.
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
#include "app/plan_edit_panel.hpp"
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
                // The plan editor, open and idle, offers the village found.
                if (std::string(src) == "villages" && m_planEditDock && m_planEditDock->isVisible() && !m_planEdit->isEditing())
                    m_planEdit->selectVillage(c);
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
        // An empty field is shown as not recorded (an unknown population is not 0 and not blank).
        const auto* text = std::get_if<std::string>(&(*values)[i]);
        auto* value = new QTableWidgetItem(text ? displayValue(def, name, *text) : T("（未录入）"));
        if (!text) value->setForeground(QColor(0x90, 0x90, 0x90));
        m_identify->setItem(row, 1, value);
    }
    m_canvas->setSelection(found->name, {found->fid(foundIndex)});
    return true;
}
void MainWindow::buildIdentifyDock() {
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
}

}  // namespace ruralatlas::app
