#include "app/plan_edit_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "app/i18n.hpp"
#include "app/server_dialog.hpp"
#include "core/install_paths.hpp"
#include "core/landuse.hpp"
#include "plan_edit.hpp"
#include "plan_tables.hpp"

namespace ruralatlas::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

Polygons polygonsOf(const QPolygonF& ring) {
    Ring r;
    for (const QPointF& p : ring) r.push_back({p.x(), p.y()});
    if (!r.empty() && (r.front().x != r.back().x || r.front().y != r.back().y)) r.push_back(r.front());
    return {Polygon{{r}}};
}

std::vector<XY> lineOf(const QPolygonF& line) {
    std::vector<XY> out;
    for (const QPointF& p : line) out.push_back({p.x(), p.y()});
    return out;
}

QPainterPath pathOf(const Polygons& shape) {
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill);
    for (const Polygon& p : shape)
        for (const Ring& r : p.rings) {
            QPolygonF poly;
            for (const XY& q : r) poly << QPointF(q.x, q.y);
            path.addPolygon(poly);
        }
    return path;
}

QString ha(double m2) { return QString::number(m2 / 10000.0, 'f', 4); }

}  // namespace

PlanEditPanel::PlanEditPanel(MapCanvas* canvas, QWidget* parent) : QWidget(parent), m_canvas(canvas) {
    setObjectName("plan-edit-panel");
    try {
        m_palette = render::loadPalette(shippedDir("styles") + "/landuse_colors.csv");
    } catch (const std::exception&) {
        m_palette = std::make_shared<std::map<std::string, render::Rgba>>();
    }
    auto* layout = new QVBoxLayout(this);
    // The village.
    auto* top = new QHBoxLayout;
    m_village = new QComboBox;
    m_village->setObjectName("plan-edit-village");
    m_village->setEditable(true);
    m_village->setInsertPolicy(QComboBox::NoInsert);
    m_start = new QPushButton(T("开始编辑"));
    m_stop = new QPushButton(T("结束编辑"));
    top->addWidget(new QLabel(T("村")));
    top->addWidget(m_village, 1);
    m_pickVillage = new QPushButton(T("点选"));
    m_pickVillage->setObjectName("plan-pick-village");
    m_pickVillage->setToolTip(T("在地图上点击一个村的村域，选中该村"));
    top->addWidget(m_pickVillage);
    top->addWidget(m_start);
    top->addWidget(m_stop);
    layout->addLayout(top);
    connect(m_pickVillage, &QPushButton::clicked, this, [this]() {
        if (m_editor || !m_canvas) return;
        m_canvas->setTool(MapCanvas::Tool::PickParcel);
        m_message = T("在地图上点击要编辑的村。");
        m_status->setText(m_message);
    });
    connect(m_start, &QPushButton::clicked, this, [this]() {
        const QString code = m_village->currentData().toString();
        if (!code.isEmpty()) startEditing(code);
    });
    connect(m_stop, &QPushButton::clicked, this, [this]() { stopEditing(); });
    // Tools.
    auto* tools = new QGridLayout;
    const std::pair<const char*, const char*> toolDefs[] = {
        {"pick", "选择图斑"}, {"draw", "绘制图斑"}, {"split", "分割"}, {"reshape", "修整边界"}, {"vertex", "编辑折点"}};
    int col = 0;
    for (const auto& [id, title] : toolDefs) {
        auto* b = new QToolButton;
        b->setText(T(title));
        b->setCheckable(true);
        b->setAutoExclusive(true);
        b->setObjectName(QStringLiteral("plan-tool-%1").arg(id));
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        const QString tid = id;
        connect(b, &QToolButton::clicked, this, [this, tid]() { setTool(tid); });
        tools->addWidget(b, 0, col++);
        m_tools[id] = b;
    }
    m_tools["vertex"]->setToolTip(T("拖动折点移动（相邻图斑一起移动）；双击边界添加折点；右键删除折点"));
    m_tools["reshape"]->setToolTip(T("先选择图斑，再画一条从边界出发、回到边界的线"));
    m_tools["split"]->setToolTip(T("画一条穿过图斑的线，双击结束"));
    m_tools["draw"]->setToolTip(T("单击添加角点，双击闭合；新图斑从其下的图斑中切出"));
    m_copy = new QPushButton(T("从现状复制"));
    m_merge = new QPushButton(T("合并所选"));
    m_delete = new QPushButton(T("删除所选"));
    m_undo = new QPushButton(T("撤销"));
    m_redo = new QPushButton(T("重做"));
    m_save = new QPushButton(T("保存"));
    m_discard = new QPushButton(T("放弃编辑"));
    m_print = new QPushButton(T("打印本村规划图…"));
    m_save->setObjectName("plan-save");
    tools->addWidget(m_copy, 1, 0);
    tools->addWidget(m_merge, 1, 1);
    tools->addWidget(m_delete, 1, 2);
    tools->addWidget(m_undo, 1, 3);
    tools->addWidget(m_redo, 1, 4);
    tools->addWidget(m_save, 2, 0);
    tools->addWidget(m_discard, 2, 1);
    tools->addWidget(m_print, 2, 2, 1, 3);
    layout->addLayout(tools);
    auto* options = new QHBoxLayout;
    m_avoid = new QCheckBox(T("新图斑避让已有图斑（不切割）"));
    m_avoid->setObjectName("plan-avoid");
    m_avoid->setToolTip(T("勾选后新绘图斑只取未被占用的部分，围绕已有图斑绘制时形成带洞的图斑"));
    m_snapPixels = new QSpinBox;
    m_snapPixels->setRange(0, 50);
    m_snapPixels->setValue(m_canvas->snapPixels());
    m_snapPixels->setSuffix(T(" 像素"));
    m_snapPixels->setToolTip(T("吸附到图斑、村界、道路和管控区的折点与边（0：不吸附）"));
    options->addWidget(m_avoid, 1);
    options->addWidget(new QLabel(T("吸附容差")));
    options->addWidget(m_snapPixels);
    layout->addLayout(options);
    connect(m_snapPixels, &QSpinBox::valueChanged, this, [this](int px) {
        if (m_canvas) m_canvas->setSnapPixels(px);
    });
    connect(m_copy, &QPushButton::clicked, this, &PlanEditPanel::startFromCurrent);
    connect(m_merge, &QPushButton::clicked, this, &PlanEditPanel::mergeSelected);
    connect(m_delete, &QPushButton::clicked, this, &PlanEditPanel::deleteSelected);
    connect(m_undo, &QPushButton::clicked, this, &PlanEditPanel::undo);
    connect(m_redo, &QPushButton::clicked, this, &PlanEditPanel::redo);
    connect(m_save, &QPushButton::clicked, this, [this]() { save(); });
    connect(m_discard, &QPushButton::clicked, this, [this]() {
        if (m_editor && m_editor->modified() &&
            QMessageBox::question(this, T("放弃编辑"), T("放弃自上次保存以来的全部编辑？")) != QMessageBox::Yes)
            return;
        discard();
    });
    connect(m_print, &QPushButton::clicked, this, [this]() {
        if (!m_editor) return;
        if (m_editor->modified()) {
            const auto b = QMessageBox::question(this, T("打印本村规划图"), T("图集按已保存的数据出图。先保存编辑吗？"),
                                                 QMessageBox::Save | QMessageBox::Ignore | QMessageBox::Cancel);
            if (b == QMessageBox::Cancel) return;
            if (b == QMessageBox::Save && !save()) return;
        }
        emit printRequested(qs(m_editor->village()));
    });
    // The code picker: the 2023 classes in Chinese with their colours, searchable.
    auto* codeBox = new QGroupBox(T("用地用海分类（2023）"));
    auto* codeLayout = new QVBoxLayout(codeBox);
    m_codeFilter = new QLineEdit;
    m_codeFilter->setObjectName("plan-code-filter");
    m_codeFilter->setPlaceholderText(T("按代码或名称查找，如 0703 或 宅基地"));
    m_codes = new QListWidget;
    m_codes->setObjectName("plan-codes");
    m_codes->setMaximumHeight(120);
    m_assign = new QPushButton(T("赋予所选图斑"));
    codeLayout->addWidget(m_codeFilter);
    codeLayout->addWidget(m_codes);
    codeLayout->addWidget(m_assign);
    layout->addWidget(codeBox);
    connect(m_codeFilter, &QLineEdit::textChanged, this, &PlanEditPanel::fillCodes);
    connect(m_codes, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item) m_code = item->data(Qt::UserRole).toString();
    });
    connect(m_codes, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { assignCode(item->data(Qt::UserRole).toString()); });
    connect(m_assign, &QPushButton::clicked, this, [this]() { assignCode(m_code); });
    fillCodes({});
    // The selected parcel's fields: its code and area, and the layer's other fields, editable.
    auto* attrBox = new QGroupBox(T("图斑属性"));
    auto* attrLayout = new QVBoxLayout(attrBox);
    m_attributes = new QTableWidget(0, 2);
    m_attributes->setObjectName("plan-attributes");
    m_attributes->setHorizontalHeaderLabels({T("字段"), T("值")});
    m_attributes->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_attributes->verticalHeader()->setVisible(false);
    m_attributes->setMaximumHeight(130);
    attrLayout->addWidget(m_attributes);
    layout->addWidget(attrBox);
    connect(m_attributes, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (m_fillingAttributes || !m_editor || item->column() != 1 || m_selection.size() != 1) return;
        const QString field = item->data(Qt::UserRole).toString();
        if (field.isEmpty()) return;
        const std::string value = item->text().trimmed().toStdString();
        if (!run([&]() { m_editor->setField({*m_selection.begin()}, field.toStdString(), value); })) refreshAttributes();
    });
    // Problems, balance, history.
    auto* problemBox = new QGroupBox(T("实时检查"));
    auto* problemLayout = new QVBoxLayout(problemBox);
    m_problems = new QListWidget;
    m_problems->setObjectName("plan-problems");
    m_problems->setWordWrap(true);
    problemLayout->addWidget(m_problems);
    layout->addWidget(problemBox, 2);
    connect(m_problems, &QListWidget::currentRowChanged, this, &PlanEditPanel::zoomToProblem);
    auto* balanceBox = new QGroupBox(T("用地平衡与管控指标"));
    auto* balanceLayout = new QVBoxLayout(balanceBox);
    m_balance = new QTableWidget(0, 4);
    m_balance->setObjectName("plan-balance");
    m_balance->setHorizontalHeaderLabels({T("用地"), T("现状（公顷）"), T("规划（公顷）"), T("增减（公顷）")});
    m_balance->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_balance->verticalHeader()->setVisible(false);
    m_balance->setEditTriggers(QAbstractItemView::NoEditTriggers);
    balanceLayout->addWidget(m_balance);
    layout->addWidget(balanceBox, 2);
    auto* historyBox = new QGroupBox(T("编辑历史"));
    auto* historyLayout = new QVBoxLayout(historyBox);
    m_history = new QListWidget;
    m_history->setObjectName("plan-history");
    m_history->setMaximumHeight(120);
    historyLayout->addWidget(m_history);
    layout->addWidget(historyBox, 1);
    connect(m_history, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        // Back or forward to just after the edit clicked (row 0: the saved state).
        if (!m_editor) return;
        const std::size_t target = static_cast<std::size_t>(m_history->row(item));
        run([&]() {
            while (m_editor->historyIndex() > target && m_editor->canUndo()) m_editor->undo();
            while (m_editor->historyIndex() < target && m_editor->canRedo()) m_editor->redo();
        });
    });
    m_status = new QLabel;
    m_status->setObjectName("plan-status");
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(m_canvas, &MapCanvas::polygonDrawn, this, &PlanEditPanel::onPolygon);
    connect(m_canvas, &MapCanvas::lineDrawn, this, &PlanEditPanel::onLine);
    connect(m_canvas, &MapCanvas::parcelClicked, this, &PlanEditPanel::onParcelClicked);
    connect(m_canvas, &MapCanvas::vertexMoved, this, [this](QPointF from, QPointF to) {
        if (m_editor) run([&]() { m_editor->moveVertex({from.x(), from.y()}, {to.x(), to.y()}, 1e-6 + 1e-9 * std::abs(from.x())); });
    });
    connect(m_canvas, &MapCanvas::vertexInserted, this, [this](QPointF at) {
        if (m_editor) run([&]() { m_editor->insertVertex({at.x(), at.y()}, 1e-6 + 1e-9 * std::abs(at.x())); });
    });
    connect(m_canvas, &MapCanvas::vertexDeleted, this, [this](QPointF at) {
        if (m_editor) run([&]() { m_editor->deleteVertex({at.x(), at.y()}, 1e-6 + 1e-9 * std::abs(at.x())); });
    });
    auto* undoKey = new QShortcut(QKeySequence::Undo, m_canvas, [this]() { undo(); });
    undoKey->setContext(Qt::WindowShortcut);
    auto* redoKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Y), m_canvas, [this]() { redo(); });
    redoKey->setContext(Qt::WindowShortcut);
    auto* redoKey2 = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), m_canvas, [this]() { redo(); });
    redoKey2->setContext(Qt::WindowShortcut);
    auto* deleteKey = new QShortcut(QKeySequence::Delete, m_canvas, [this]() { deleteSelected(); });
    deleteKey->setContext(Qt::WidgetShortcut);
    refresh();
}

PlanEditPanel::~PlanEditPanel() {
    if (m_canvas) m_canvas->setOverlay(nullptr);
}

void PlanEditPanel::setProject(const QString& path, const QStringList& codes, const QStringList& names,
                               const std::vector<Polygons>& territories) {
    if (m_editor) stopEditing(0);
    m_path = path;
    m_village->clear();
    m_territories.clear();
    for (int i = 0; i < codes.size(); ++i) {
        m_village->addItem(names.value(i) + " " + codes[i], codes[i]);
        if (static_cast<std::size_t>(i) < territories.size())
            m_territories.emplace_back(codes[i], territories[static_cast<std::size_t>(i)]);
    }
    refresh();
}

bool PlanEditPanel::selectVillage(const QString& code) {
    const int i = m_village->findData(code);
    if (i < 0) return false;
    m_village->setCurrentIndex(i);
    return true;
}

QString PlanEditPanel::villageAt(QPointF world) const {
    auto inRing = [](const Ring& r, QPointF p) {
        bool in = false;
        for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
            if (((r[i].y > p.y()) != (r[j].y > p.y())) && p.x() < (r[j].x - r[i].x) * (p.y() - r[i].y) / (r[j].y - r[i].y) + r[i].x)
                in = !in;
        return in;
    };
    for (const auto& [code, shape] : m_territories)
        for (const Polygon& poly : shape) {
            if (poly.rings.empty() || !inRing(poly.rings[0], world)) continue;
            bool hole = false;
            for (std::size_t k = 1; k < poly.rings.size() && !hole; ++k) hole = inRing(poly.rings[k], world);
            if (!hole) return code;
        }
    return {};
}

bool PlanEditPanel::startEditing(const QString& code, int recover) {
    if (m_editor && !stopEditing()) return false;
    const QFileInfo file(m_path);
    if (m_path.isEmpty() || (!m_path.startsWith("PG:") && !file.isFile())) {
        m_message = T("请先打开一个项目（规划数据库文件或共享服务器）。");
        QMessageBox::information(this, T("村庄规划编辑"), m_message);
        return false;
    }
    try {
        const villageplan::PlanRules rules = villageplan::readPlanRules(shippedDir("data") + "/plan_rules.json");
        m_editor = std::make_unique<villageplan::PlanEditor>(m_path.toStdString(), code.toStdString(), rules);
    } catch (const std::exception& e) {
        m_message = QString::fromUtf8(e.what());
        QMessageBox::warning(this, T("村庄规划编辑"), m_message);
        return false;
    }
    if (const std::size_t n = m_editor->recoverable(); n > 0) {
        bool take = recover == 1;
        if (recover < 0)
            take = QMessageBox::question(this, T("恢复未保存的编辑"),
                                         T("上次编辑该村规划时程序意外退出，留下了未保存的编辑（%1步）。是否恢复？").arg(n)) ==
                   QMessageBox::Yes;
        if (take) m_editor->recover();
    }
    if (const int i = m_village->findData(code); i >= 0) m_village->setCurrentIndex(i);
    m_selection.clear();
    m_canvas->setOverlay(this);
    setTool("pick");
    // The village's territory in view.
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    for (const Polygon& p : m_editor->check().territory())
        for (const Ring& r : p.rings)
            for (const XY& q : r)
                minx = std::min(minx, q.x), miny = std::min(miny, q.y), maxx = std::max(maxx, q.x), maxy = std::max(maxy, q.y);
    if (minx < maxx) m_canvas->zoomTo(render::Box{minx, miny, maxx, maxy}, 0.05);
    m_message = m_editor->parcels().empty() ? T("该村还没有规划图斑：可“从现状复制”，在现状基础上编制规划。") : QString();
    refresh();
    emit editingChanged(true);
    return true;
}

bool PlanEditPanel::stopEditing(int saveChoice) {
    if (!m_editor) return true;
    if (m_editor->modified()) {
        int choice = saveChoice;
        if (choice < 0) {
            const auto b = QMessageBox::question(this, T("结束编辑"), T("有未保存的编辑。保存吗？"),
                                                 QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
            if (b == QMessageBox::Cancel) return false;
            choice = b == QMessageBox::Save ? 1 : 0;
        }
        if (choice == 1 && !save()) return false;
        if (choice == 0) m_editor->discard();
    }
    m_editor.reset();
    if (m_canvas) {
        m_canvas->setOverlay(nullptr);
        m_canvas->setTool(MapCanvas::Tool::Pan);
    }
    m_selection.clear();
    m_paths.clear();
    refresh();
    emit editingChanged(false);
    return true;
}

template <class F>
bool PlanEditPanel::run(F&& edit) {
    if (!m_editor) return false;
    QElapsedTimer t;
    t.start();
    try {
        edit();
    } catch (const villageplan::EditRefused& e) {
        m_message = QString::fromUtf8(e.what());
        m_status->setText("<span style='color:#c62828'>" + m_message.toHtmlEscaped() + "</span>");
        return false;
    } catch (const std::exception& e) {
        m_message = QString::fromUtf8(e.what());
        QMessageBox::warning(this, T("村庄规划编辑"), m_message);
        return false;
    }
    m_lastEditMs = t.nsecsElapsed() / 1e6;
    m_message.clear();
    // Parcels that no longer exist leave the selection.
    for (auto it = m_selection.begin(); it != m_selection.end();) it = m_editor->parcel(*it) ? std::next(it) : m_selection.erase(it);
    refresh();
    return true;
}

bool PlanEditPanel::edit(const std::function<void(villageplan::PlanEditor&)>& change) {
    return run([&]() { change(*m_editor); });
}

void PlanEditPanel::startFromCurrent() {
    run([&]() { m_editor->startFromCurrent(); });
}

bool PlanEditPanel::save() {
    if (!m_editor) return false;
    // On the shared server, parcels others saved meanwhile refuse the save (nothing written): each
    // is resolved in the merge dialog (keep mine / take theirs), then the save is tried again.
    for (int round = 0;; ++round) {
        try {
            m_editor->save();
            break;
        } catch (const villageplan::SaveConflicts& e) {
            std::vector<MergeDialog::Row> rows;
            for (const auto& k : e.conflicts())
                rows.push_back({QStringLiteral("landuse_plan"), k.fid, QString::fromStdString(k.changedBy),
                                QString::fromStdString(k.changedAt), k.theirVersion, k.yourVersion});
            MergeDialog merge(rows, this, true);
            merge.setObjectName("plan-merge");
            emit mergeShown(&merge);
            if (round >= 4 || merge.exec() != QDialog::Accepted) {
                m_message = T("未保存：他人已修改其中的图斑。你的编辑都还在，可再次保存。");
                refresh();
                return false;
            }
            const auto fids = [](const QStringList& keys) {
                std::vector<long long> out;
                for (const QString& k : keys) out.push_back(k.section(':', 1).toLongLong());
                return out;
            };
            try {
                m_editor->keepMine(fids(merge.mine()));
                m_editor->takeTheirs(fids(merge.theirs()));
            } catch (const std::exception& x) {
                m_message = QString::fromUtf8(x.what());
                QMessageBox::critical(this, T("保存村庄规划"), T("保存失败，项目未改动：") + m_message);
                refresh();
                return false;
            }
        } catch (const std::exception& e) {
            m_message = QString::fromUtf8(e.what());
            QMessageBox::critical(this, T("保存村庄规划"), T("保存失败，项目未改动：") + m_message);
            return false;
        }
    }
    m_selection.clear();
    m_message = T("已保存。");
    refresh();
    emit saved();
    return true;
}

void PlanEditPanel::discard() {
    if (!m_editor) return;
    m_editor->discard();
    m_selection.clear();
    refresh();
}

void PlanEditPanel::undo() {
    if (m_editor && m_editor->canUndo()) run([&]() { m_editor->undo(); });
}

void PlanEditPanel::redo() {
    if (m_editor && m_editor->canRedo()) run([&]() { m_editor->redo(); });
}

void PlanEditPanel::mergeSelected() {
    run([&]() {
        const long long id = m_editor->merge(std::vector<long long>(m_selection.begin(), m_selection.end()));
        m_selection = {id};
    });
}

void PlanEditPanel::deleteSelected() {
    if (m_selection.empty()) return;
    run([&]() { m_editor->remove(std::vector<long long>(m_selection.begin(), m_selection.end())); });
}

bool PlanEditPanel::assignCode(const QString& code) {
    setCurrentCode(code);
    if (m_selection.empty()) {
        m_message = T("请先选择图斑。");
        m_status->setText(m_message);
        return false;
    }
    return run([&]() { m_editor->setCode(std::vector<long long>(m_selection.begin(), m_selection.end()), code.toStdString()); });
}

void PlanEditPanel::setCurrentCode(const QString& code) {
    m_code = code;
    for (int i = 0; i < m_codes->count(); ++i)
        if (m_codes->item(i)->data(Qt::UserRole).toString() == code) {
            m_codes->blockSignals(true);
            m_codes->setCurrentRow(i);
            m_codes->blockSignals(false);
        }
}

void PlanEditPanel::setSelection(const std::set<long long>& fids) {
    m_selection = fids;
    refresh();
}

void PlanEditPanel::setTool(const QString& tool) {
    m_tool = tool;
    if (auto* b = m_tools.value(tool)) b->setChecked(true);
    if (!m_editor) return;
    m_canvas->setTool(tool == "draw"                         ? MapCanvas::Tool::DrawPolygon
                      : tool == "split" || tool == "reshape" ? MapCanvas::Tool::DrawLine
                      : tool == "vertex"                     ? MapCanvas::Tool::Vertex
                                                             : MapCanvas::Tool::PickParcel);
}

void PlanEditPanel::onPolygon(const QPolygonF& world) {
    if (!m_editor || m_tool != "draw") return;
    run([&]() { m_selection = {m_editor->addParcel(polygonsOf(world), m_code.toStdString(), m_avoid->isChecked())}; });
}

void PlanEditPanel::onLine(const QPolygonF& world) {
    if (!m_editor || (m_tool != "split" && m_tool != "reshape")) return;
    const std::vector<XY> line = lineOf(world);
    long long target = m_selection.size() == 1 ? *m_selection.begin() : 0;
    if (m_tool == "split" && !target) {
        // The parcel under the middle of the line.
        double length = 0;
        for (std::size_t i = 1; i < line.size(); ++i) length += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        double walked = 0;
        for (std::size_t i = 1; i < line.size() && !target; ++i) {
            const double d = std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
            if (walked + d >= length / 2 && d > 0) {
                const double t = (length / 2 - walked) / d;
                target =
                    m_editor->parcelAt({line[i - 1].x + t * (line[i].x - line[i - 1].x), line[i - 1].y + t * (line[i].y - line[i - 1].y)});
            }
            walked += d;
        }
    }
    if (!target) {
        m_message = m_tool == "split" ? T("分割线没有经过图斑。") : T("请先选择要修整的图斑。");
        m_status->setText(m_message);
        return;
    }
    if (m_tool == "split")
        run([&]() {
            const auto ids = m_editor->split(target, line);
            m_selection = std::set<long long>(ids.begin(), ids.end());
        });
    else
        run([&]() { m_editor->reshape(target, line); });
}

void PlanEditPanel::onParcelClicked(QPointF world, bool add) {
    if (!m_editor) {
        // Picking the village to edit.
        if (!isVisible()) return;
        const QString code = villageAt(world);
        if (code.isEmpty() || !selectVillage(code)) {
            m_message = T("此处不在任何村的村域内。");
        } else {
            m_message = T("已选中：") + m_village->currentText() + T("。点“开始编辑”。");
        }
        m_status->setText(m_message);
        return;
    }
    const long long fid = m_editor->parcelAt({world.x(), world.y()});
    if (!add) m_selection.clear();
    if (fid) {
        if (add && m_selection.count(fid))
            m_selection.erase(fid);
        else
            m_selection.insert(fid);
    }
    if (fid && m_selection.size() == 1) setCurrentCode(qs(m_editor->parcel(fid)->landuseCode));
    refresh();
}

void PlanEditPanel::fillCodes(const QString& filter) {
    m_codes->clear();
    for (const auto& [code, title] : landuseClasses()) {
        const QString c = qs(std::string(code)), t = qs(std::string(title));
        if (!filter.isEmpty() && !c.startsWith(filter.trimmed()) && !t.contains(filter.trimmed())) continue;
        auto* item = new QListWidgetItem(QString(c.size() == 2 ? "" : c.size() == 4 ? "  " : "    ") + c + "  " + t);
        item->setData(Qt::UserRole, c);
        auto it = m_palette->find(std::string(code));
        if (it == m_palette->end()) it = m_palette->find(std::string(code.substr(0, 2)));
        if (it != m_palette->end()) {
            QPixmap swatch(14, 14);
            swatch.fill(QColor(it->second.r, it->second.g, it->second.b));
            item->setIcon(QIcon(swatch));
        }
        m_codes->addItem(item);
        if (c == m_code) m_codes->setCurrentItem(item);
    }
}

void PlanEditPanel::rebuildPaths() {
    m_paths.clear();
    m_territory = QPainterPath();
    m_problemShapes = QPainterPath();
    if (!m_editor) return;
    m_territory = pathOf(m_editor->check().territory());
    for (const auto& [fid, p] : m_editor->parcels()) {
        Shape s;
        s.path = pathOf(p.shape);
        s.box = s.path.boundingRect();
        auto it = m_palette->find(p.landuseCode);
        if (it == m_palette->end() && p.landuseCode.size() > 2) it = m_palette->find(p.landuseCode.substr(0, 2));
        s.fill = it == m_palette->end() ? QColor(0xdd, 0xdd, 0xdd) : QColor(it->second.r, it->second.g, it->second.b);
        m_paths.emplace(fid, std::move(s));
    }
}

void PlanEditPanel::refresh() {
    QElapsedTimer t;
    t.start();
    const bool on = m_editor != nullptr;
    rebuildPaths();
    refreshAttributes();
    refreshProblems();
    refreshBalance();
    refreshHistory();
    m_start->setEnabled(!m_path.isEmpty() && !on);
    m_pickVillage->setEnabled(!m_path.isEmpty() && !on);
    m_stop->setEnabled(on);
    m_copy->setEnabled(on && m_editor->parcels().empty());
    for (QToolButton* b : m_tools) b->setEnabled(on);
    m_merge->setEnabled(on && m_selection.size() >= 2);
    m_delete->setEnabled(on && !m_selection.empty());
    m_assign->setEnabled(on && !m_selection.empty());
    m_undo->setEnabled(on && m_editor->canUndo());
    m_redo->setEnabled(on && m_editor->canRedo());
    m_save->setEnabled(on && m_editor->modified());
    m_discard->setEnabled(on && m_editor->modified());
    m_print->setEnabled(on);
    if (on) {
        QString s = qs(m_editor->check().villageName()) + "：" + T("%1个规划图斑").arg(m_editor->parcels().size());
        if (!m_selection.empty()) s += "，" + T("已选%1个").arg(m_selection.size());
        if (m_editor->modified()) s += "，" + T("%1处未保存").arg(m_editor->unsavedChanges());
        s += QStringLiteral("（%1 %2 ms）").arg(T("检查")).arg(m_editor->lastTimings().checkMs, 0, 'f', 1);
        if (!m_message.isEmpty()) s += "<br>" + m_message.toHtmlEscaped();
        m_status->setText(s);
    } else {
        m_status->setText(m_message.isEmpty() ? T("选择一个村，开始编辑其规划图斑。") : m_message);
    }
    if (m_canvas) m_canvas->update();
    m_lastRefreshMs = t.nsecsElapsed() / 1e6;
}

void PlanEditPanel::setAvoidExisting(bool avoid) { m_avoid->setChecked(avoid); }

void PlanEditPanel::refreshAttributes() {
    m_fillingAttributes = true;
    m_attributes->setRowCount(0);
    const LandUseParcel* p = m_editor && m_selection.size() == 1 ? m_editor->parcel(*m_selection.begin()) : nullptr;
    if (p) {
        double a = 0;
        for (const Polygon& poly : p->shape)
            for (std::size_t k = 0; k < poly.rings.size(); ++k) {
                const Ring& r = poly.rings[k];
                double s = 0;
                for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) s += (r[j].x + r[i].x) * (r[j].y - r[i].y);
                a += (k == 0 ? 1 : -1) * std::abs(s) / 2;
            }
        const std::string_view title = landuseTitle(p->landuseCode);
        auto fixed = [&](const QString& name, const QString& value) {
            const int r = m_attributes->rowCount();
            m_attributes->insertRow(r);
            auto* n = new QTableWidgetItem(name);
            auto* v = new QTableWidgetItem(value);
            n->setFlags(Qt::ItemIsEnabled);
            v->setFlags(Qt::ItemIsEnabled);
            m_attributes->setItem(r, 0, n);
            m_attributes->setItem(r, 1, v);
        };
        fixed(T("用地代码"), qs(p->landuseCode) + " " + qs(std::string(title)));
        fixed(T("面积"), QStringLiteral("%1 平方米（%2 亩）").arg(a, 0, 'f', 2).arg(a * 15.0 / 10000.0, 0, 'f', 3));
        for (const FieldInfo& f : m_editor->otherFields()) {
            const int r = m_attributes->rowCount();
            m_attributes->insertRow(r);
            auto* n = new QTableWidgetItem(qs(f.name));
            n->setFlags(Qt::ItemIsEnabled);
            auto it = p->fields.find(f.name);
            auto* v = new QTableWidgetItem(it == p->fields.end() ? QString() : qs(it->second));
            v->setData(Qt::UserRole, qs(f.name));
            m_attributes->setItem(r, 0, n);
            m_attributes->setItem(r, 1, v);
        }
    }
    m_fillingAttributes = false;
}

void PlanEditPanel::refreshProblems() {
    m_problems->clear();
    if (!m_editor) return;
    for (const villageplan::Finding& f : m_editor->check().findings()) {
        auto* item = new QListWidgetItem("【" + qs(villageplan::checkTitle(f.check)) + "】" + qs(f.sentence));
        QRectF box;
        if (!f.shape.empty()) {
            const QPainterPath path = pathOf(f.shape);
            box = path.boundingRect();
            m_problemShapes.addPath(path);
        } else if (f.hasAt) {
            box = QRectF(f.at.x, f.at.y, 0, 0);
        } else if (f.fid != -1 && m_editor->parcel(f.fid)) {
            box = pathOf(m_editor->parcel(f.fid)->shape).boundingRect();
        }
        item->setData(Qt::UserRole, box);
        item->setForeground(QColor(0xc6, 0x28, 0x28));
        m_problems->addItem(item);
    }
    if (m_problems->count() == 0) m_problems->addItem(T("没有发现问题。"));
}

void PlanEditPanel::zoomToProblem(int row) {
    if (row < 0 || !m_editor) return;
    const QVariant v = m_problems->item(row)->data(Qt::UserRole);
    if (!v.isValid()) return;
    QRectF b = v.toRectF();
    const double grow = std::max(20.0, std::max(b.width(), b.height()));
    b.adjust(-grow, -grow, grow, grow);
    m_canvas->zoomTo(render::Box{b.left(), b.top(), b.right(), b.bottom()}, 0);
}

void PlanEditPanel::refreshBalance() {
    m_balance->setRowCount(0);
    if (!m_editor) return;
    static const villageplan::TableLayout layout = villageplan::readTableLayout(villageplan::layoutPath("national"));
    const auto lines = villageplan::tabulate(layout, m_editor->check().currentAreas(), m_editor->check().plannedAreas(), true, true);
    const auto targets = m_editor->check().targets();
    m_balance->setRowCount(static_cast<int>(lines.size() + targets.size()));
    int row = 0;
    for (const villageplan::TargetStatus& t : targets) {
        // "村庄建设用地 30.8 公顷 / 上限 30.5 公顷", red when not met.
        const QString text = qs(t.title) + " " + (std::isnan(t.planHa) ? T("无法计算") : QString::number(t.planHa, 'f', 4)) + " " +
                             T("公顷") + " / " + (t.bound == "floor" ? T("下限") : T("上限")) + " " + QString::number(t.valueHa, 'f', 4) +
                             " " + T("公顷");
        auto* item = new QTableWidgetItem(text);
        item->setForeground(t.met ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
        QFont f = item->font();
        f.setBold(!t.met);
        item->setFont(f);
        m_balance->setItem(row, 0, item);
        m_balance->setSpan(row, 0, 1, 4);
        ++row;
    }
    for (const villageplan::TableLine& l : lines) {
        auto cell = [](double m2) { return new QTableWidgetItem(std::isnan(m2) ? QString() : ha(m2)); };
        auto* name = new QTableWidgetItem(qs(l.code.empty() ? l.title : l.code + " " + l.title));
        if (l.subtotal || l.total) {
            QFont f = name->font();
            f.setBold(true);
            name->setFont(f);
        }
        m_balance->setItem(row, 0, name);
        m_balance->setItem(row, 1, cell(l.currentM2));
        m_balance->setItem(row, 2, cell(l.plannedM2));
        m_balance->setItem(row, 3, cell(std::isnan(l.currentM2) || std::isnan(l.plannedM2) ? NAN : l.plannedM2 - l.currentM2));
        ++row;
    }
}

void PlanEditPanel::refreshHistory() {
    m_history->clear();
    if (!m_editor) return;
    m_history->addItem(T("（已保存的状态）"));
    for (std::size_t i = 0; i < m_editor->history().size(); ++i) {
        auto* item = new QListWidgetItem(qs(m_editor->history()[i].title));
        if (i >= m_editor->historyIndex()) item->setForeground(QColor(0x9e, 0x9e, 0x9e));
        m_history->addItem(item);
    }
    m_history->setCurrentRow(static_cast<int>(m_editor->historyIndex()));
}

QStringList PlanEditPanel::problemLines() const {
    QStringList out;
    if (!m_editor) return out;
    for (const villageplan::Finding& f : m_editor->check().findings()) out << qs(f.check) + " " + qs(f.sentence);
    return out;
}

QStringList PlanEditPanel::balanceLines() const {
    QStringList out;
    for (int r = 0; r < m_balance->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < m_balance->columnCount(); ++c)
            if (const QTableWidgetItem* i = m_balance->item(r, c)) cells << i->text();
        out << cells.join(" | ");
    }
    return out;
}

void PlanEditPanel::paint(QPainter& p, const MapCanvas& canvas) {
    if (!m_editor) return;
    const QTransform tr = canvas.worldTransform();
    const render::Box view = canvas.extent();
    const QRectF viewBox(view.minx, view.miny, view.maxx - view.minx, view.maxy - view.miny);
    p.setTransform(tr);
    p.setRenderHint(QPainter::Antialiasing, canvas.metresPerPixel() < 2);
    // The main window hides the saved plan while a village is edited: what is drawn here is the
    // plan being edited, a little transparent so roads, rivers and zones show through.
    QPen edge(QColor(255, 255, 255), 0.8);
    edge.setCosmetic(true);
    p.setPen(edge);
    for (const auto& [fid, s] : m_paths) {
        if (!s.box.intersects(viewBox) && !(s.box.width() == 0 && viewBox.contains(s.box.topLeft()))) continue;
        QColor fill = s.fill;
        fill.setAlpha(200);
        p.setBrush(fill);
        p.drawPath(s.path);
    }
    // The problems: red hatching over the offending areas.
    if (!m_problemShapes.isEmpty()) {
        QPen red(QColor(0xc6, 0x28, 0x28), 2);
        red.setCosmetic(true);
        p.setPen(red);
        p.setBrush(QBrush(QColor(0xc6, 0x28, 0x28, 150), Qt::BDiagPattern));
        p.drawPath(m_problemShapes);
    }
    QPen outline(QColor(0x42, 0x42, 0x42), 1.6, Qt::DashLine);
    outline.setCosmetic(true);
    p.setPen(outline);
    p.setBrush(Qt::NoBrush);
    p.drawPath(m_territory);
    QPen selected(QColor(0, 188, 212), 2.5);
    selected.setCosmetic(true);
    p.setPen(selected);
    p.setBrush(QColor(0, 188, 212, 50));
    for (long long fid : m_selection)
        if (auto it = m_paths.find(fid); it != m_paths.end()) p.drawPath(it->second.path);
    // Vertices of the selected parcels, for the vertex tool.
    if (m_tool == "vertex" || m_tool == "reshape") {
        p.resetTransform();
        p.setPen(QPen(QColor(0x42, 0x42, 0x42), 1));
        p.setBrush(QColor(255, 255, 255));
        for (long long fid : m_selection)
            if (const LandUseParcel* parcel = m_editor->parcel(fid))
                for (const Polygon& poly : parcel->shape)
                    for (const Ring& r : poly.rings)
                        for (const XY& q : r) p.drawRect(QRectF(tr.map(QPointF(q.x, q.y)) - QPointF(3, 3), QSizeF(6, 6)));
    }
}

std::optional<MapCanvas::SnapPoint> PlanEditPanel::snap(QPointF world, double tolerance) const {
    if (!m_editor) return std::nullopt;
    const auto hit = m_editor->snap({world.x(), world.y()}, tolerance);
    if (!hit) return std::nullopt;
    return MapCanvas::SnapPoint{QPointF(hit->at.x, hit->at.y), hit->vertex};
}

}  // namespace ruralatlas::app
