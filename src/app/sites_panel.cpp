// The choose-sites flow (易地搬迁安置点选址): the officer marks candidate sites on the map as kept
// (固定) or left out (排除), sets the problem, and sees the `site` analysis's solution drawn.
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTextEdit>
#include <QVBoxLayout>
#include <cmath>

#include "app/i18n.hpp"
#include "app/main_window.hpp"
#include "app/main_window_parts.hpp"
#include "core/project_source.hpp"

namespace ruralatlas::app {

namespace {
const char* const kStateTitles[] = {"候选", "固定", "排除"};
}

void MainWindow::buildSitesDock() {
    m_sitesDock = new QDockWidget(T("选址：易地搬迁安置点"), this);
    m_sitesDock->setObjectName("sites");
    auto* w = new QWidget;
    auto* v = new QVBoxLayout(w);
    auto* form = new QFormLayout;
    m_siteLayer = new QComboBox;
    m_siteLayer->setObjectName("siteLayer");
    form->addRow(T("候选点图层"), m_siteLayer);
    m_siteProblem = new QComboBox;
    m_siteProblem->setObjectName("siteProblem");
    m_siteProblem->addItem(T("p-中位（总出行最少）"), "p-median");
    m_siteProblem->addItem(T("最大覆盖（标准内人口最多）"), "max-cover");
    m_siteProblem->addItem(T("集合覆盖（覆盖全部的最少点数）"), "set-cover");
    m_siteProblem->addItem(T("p-中心（最远出行最短）"), "p-center");
    form->addRow(T("问题类型"), m_siteProblem);
    m_siteP = new QSpinBox;
    m_siteP->setObjectName("siteP");
    m_siteP->setRange(1, 1000);
    m_siteP->setValue(3);
    form->addRow(T("选址数量（含固定点）"), m_siteP);
    m_siteMode = new QComboBox;
    m_siteMode->setObjectName("siteMode");
    m_siteMode->addItem(T("道路通行时间"), "road");
    m_siteMode->addItem(T("直线距离"), "straight");
    form->addRow(T("出行方式"), m_siteMode);
    m_siteRadius = new QDoubleSpinBox;
    m_siteRadius->setObjectName("siteRadius");
    m_siteRadius->setRange(0.1, 1e6);
    m_siteRadius->setValue(30);
    m_siteRadius->setSuffix(T(" 分钟"));
    form->addRow(T("覆盖半径"), m_siteRadius);
    v->addLayout(form);
    const auto modeChanged = [this]() {
        const bool road = m_siteMode->currentData().toString() == "road";
        m_siteRadius->setSuffix(road ? T(" 分钟") : T(" 米"));
        m_siteRadius->setValue(road ? 30 : 5000);
        const QString problem = m_siteProblem->currentData().toString();
        m_siteRadius->setEnabled(problem == "max-cover" || problem == "set-cover");
        m_siteP->setEnabled(problem != "set-cover");
    };
    connect(m_siteMode, &QComboBox::currentIndexChanged, this, modeChanged);
    connect(m_siteProblem, &QComboBox::currentIndexChanged, this, modeChanged);
    modeChanged();
    auto* hint = new QLabel(T("用“选址”工具点击地图上的候选点：候选 → 固定 → 排除；或在表中选择状态。"));
    hint->setWordWrap(true);
    v->addWidget(hint);
    m_siteTable = new QTableWidget(0, 3);
    m_siteTable->setObjectName("siteTable");
    m_siteTable->setHorizontalHeaderLabels({T("编号"), T("名称"), T("状态")});
    m_siteTable->horizontalHeader()->setStretchLastSection(true);
    m_siteTable->verticalHeader()->setVisible(false);
    m_siteTable->setMinimumHeight(160);  // five rows or so, beside the other docks
    v->addWidget(m_siteTable, 1);
    auto* solve = new QPushButton(T("求解并绘制"));
    solve->setObjectName("siteSolve");
    v->addWidget(solve);
    connect(solve, &QPushButton::clicked, this, [this]() {
        if (!solveSites()) statusBar()->showMessage(T("无法求解：另一项分析正在运行，或没有候选点"), 5000);
    });
    connect(m_siteLayer, &QComboBox::currentIndexChanged, this, [this]() { loadSiteCandidates(); });
    m_sitesDock->setWidget(w);
    addDockWidget(Qt::RightDockWidgetArea, m_sitesDock);
    m_sitesDock->hide();
    connect(m_sitesDock, &QDockWidget::visibilityChanged, this, [this]() { showSiteMarks(); });
    connect(m_canvas, &MapCanvas::picked, this, [this](double x, double y, double tol) { cycleSiteAt(x, y, tol); });
}

void MainWindow::showSitesPanel() {
    if (!m_project) {
        QMessageBox::information(this, T("分析"), T("请先打开项目。"));
        return;
    }
    // The project's point and polygon layers that can hold candidates; resettlement sites first.
    const QString current = m_siteLayer->currentData().toString();
    {
        QSignalBlocker b(m_siteLayer);
        m_siteLayer->clear();
        for (const std::string& name : m_project->layerNames()) {
            const auto info = m_project->layerInfo(name);
            if (!info || (info->geometry != ShapeKind::Point && info->geometry != ShapeKind::Polygon) || info->featureCount == 0) continue;
            const QString title = qs(info->title.empty() ? name : info->title) + " (" + qs(name) + ")";
            if (name == "resettlement_sites")
                m_siteLayer->insertItem(0, title, qs(name));
            else
                m_siteLayer->addItem(title, qs(name));
        }
        const int keep = m_siteLayer->findData(current);
        m_siteLayer->setCurrentIndex(keep >= 0 ? keep : 0);
    }
    loadSiteCandidates();
    m_sitesDock->show();
    m_sitesDock->raise();
    m_canvas->setTool(MapCanvas::Tool::PickSite);
    if (auto* a = findChild<QAction*>(QStringLiteral("tool-%1").arg(int(MapCanvas::Tool::PickSite)))) a->setChecked(true);
}

void MainWindow::loadSiteCandidates() {
    m_siteCandidates.clear();
    const std::string layer = m_siteLayer->currentData().toString().toStdString();
    if (m_project && !layer.empty())
        if (const auto info = m_project->layerInfo(layer)) {
            FeatureQuery q;
            const bool hasId = info->fieldIndex("id") >= 0, hasName = info->fieldIndex("name") >= 0;
            if (hasId) q.fields.push_back("id");
            if (hasName) q.fields.push_back("name");
            q.anchors = true;
            // The same ids and locations as the analysis reads (an id-less layer: the feature id).
            m_project->readFeatures(layer, q, [&](const Feature& f) {
                SiteCandidate c;
                std::size_t k = 0;
                c.id = hasId ? qs(valueAsText(f.values[k++])) : QString();
                if (c.id.isEmpty()) c.id = QString::number(f.fid);
                c.name = hasName ? qs(valueAsText(f.values[k])) : QString();
                const FeatureGeometry& g = f.geometry;
                if (g.kind == ShapeKind::Point && g.xy.size() >= 2) {
                    c.x = g.xy[0];
                    c.y = g.xy[1];
                } else if (g.kind == ShapeKind::Polygon && g.hasAnchor) {
                    c.x = g.anchor.x;
                    c.y = g.anchor.y;
                } else {
                    return;  // no location: cannot be a site
                }
                c.state = m_siteState.value(qs(layer) + "|" + c.id, 0);
                m_siteCandidates.push_back(c);
            });
        }
    QSignalBlocker b(m_siteTable);
    m_siteTable->setRowCount(int(m_siteCandidates.size()));
    for (int r = 0; r < int(m_siteCandidates.size()); ++r) {
        const SiteCandidate& c = m_siteCandidates[std::size_t(r)];
        m_siteTable->setItem(r, 0, new QTableWidgetItem(c.id));
        m_siteTable->setItem(r, 1, new QTableWidgetItem(c.name));
        auto* state = new QComboBox;
        for (const char* t : kStateTitles) state->addItem(T(t));
        state->setCurrentIndex(c.state);
        connect(state, &QComboBox::currentIndexChanged, this, [this, id = c.id](int s) { setSiteState(id, s); });
        m_siteTable->setCellWidget(r, 2, state);
    }
    m_siteP->setMaximum(std::max(1, int(m_siteCandidates.size())));
    showSiteMarks();
}

void MainWindow::showSiteMarks() {
    std::vector<MapCanvas::Mark> marks;
    if (m_sitesDock && m_sitesDock->isVisible())
        for (const SiteCandidate& c : m_siteCandidates) marks.push_back({c.x, c.y, c.state});
    m_canvas->setMarks(std::move(marks));
}

bool MainWindow::setSiteState(const QString& id, int state) {
    const QString layer = m_siteLayer->currentData().toString();
    for (std::size_t r = 0; r < m_siteCandidates.size(); ++r) {
        SiteCandidate& c = m_siteCandidates[r];
        if (c.id != id) continue;
        c.state = std::clamp(state, 0, 2);
        m_siteState[layer + "|" + id] = c.state;
        if (auto* box = qobject_cast<QComboBox*>(m_siteTable->cellWidget(int(r), 2))) {
            QSignalBlocker b(box);
            box->setCurrentIndex(c.state);
        }
        showSiteMarks();
        return true;
    }
    return false;
}

void MainWindow::cycleSiteAt(double x, double y, double tolerance) {
    const SiteCandidate* nearest = nullptr;
    double best = tolerance;
    for (const SiteCandidate& c : m_siteCandidates) {
        const double d = std::hypot(c.x - x, c.y - y);
        if (d <= best) {
            best = d;
            nearest = &c;
        }
    }
    if (!nearest) {
        statusBar()->showMessage(T("此处没有候选点"), 3000);
        return;
    }
    const QString id = nearest->id, name = nearest->name;
    const int next = (nearest->state + 1) % 3;
    setSiteState(id, next);
    statusBar()->showMessage(id + " " + name + "：" + T(kStateTitles[next]), 4000);
}

bool MainWindow::solveSites(const QString& out) {
    if (!m_project || m_siteCandidates.empty()) return false;
    QStringList fixed, excluded;
    for (const SiteCandidate& c : m_siteCandidates) {
        if (c.state == 1) fixed << c.id;
        if (c.state == 2) excluded << c.id;
    }
    const QFileInfo pi(m_projectPath);
    const QString file = out.isEmpty() ? pi.absolutePath() + "/" + pi.completeBaseName() + "-site.gpkg" : out;
    const QString problem = m_siteProblem->currentData().toString();
    std::map<std::string, std::string> values = {{"problem", problem.toStdString()},
                                                 {"candidates", m_siteLayer->currentData().toString().toStdString()},
                                                 {"mode", m_siteMode->currentData().toString().toStdString()},
                                                 {"out", file.toStdString()}};
    if (problem != "set-cover") values["p"] = std::to_string(m_siteP->value());
    if (problem == "max-cover" || problem == "set-cover") values["radius"] = QString::number(m_siteRadius->value()).toStdString();
    if (!fixed.isEmpty()) values["fixed"] = fixed.join(',').toStdString();
    if (!excluded.isEmpty()) values["exclude"] = excluded.join(',').toStdString();
    return startAnalysis("site", values);
}

}  // namespace ruralatlas::app
