// The desktop workbench: map canvas, layer panel, identify panel, attribute table, analysis
// results, locator, scale and coordinate read-out; analyses from the registry with dialogs
// built from their declarations, run in the background with progress and cancel; import by
// dropping files; atlas export with a one-page preview.
#pragma once
#include <QFutureWatcher>
#include <QLabel>
#include <QMainWindow>
#include <QMap>
#include <memory>
#include <string>
#include <vector>

#include "app/map_canvas.hpp"
#include "core/feedback.hpp"
#include "io/importer.hpp"
#include "render/map_data.hpp"
#include "render/style.hpp"

class QComboBox;
class QDockWidget;
class QDoubleSpinBox;
class QSpinBox;
class QLineEdit;
class QListWidget;
class QSlider;
class QTableWidget;
class QTextEdit;
class QProgressBar;
class QPushButton;

namespace ruralatlas::analysis {
class Registry;
}
namespace ruralatlas {
class ProjectSource;
class ToLonLat;
}  // namespace ruralatlas

namespace ruralatlas::app {

class PlanEditPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const analysis::Registry& registry, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a project; on failure shows (and returns) the message.
    bool openProject(const QString& path, QString* error = nullptr);
    // Adds an analysis result GeoPackage to the map with its style.
    bool addResult(const QString& path, QString* error = nullptr);
    // Finds a village or township by name (or part of it) or code and zooms to it.
    bool locate(const QString& text);
    // Starts an analysis with these parameters in the background (false when one is running).
    bool startAnalysis(const std::string& name, const std::map<std::string, std::string>& values);
    // The choose-sites flow: the panel (and the PickSite tool), a candidate's state (0 candidate,
    // 1 kept, 2 left out), and the `site` run with those states (its result drawn when done).
    void showSitesPanel();
    bool setSiteState(const QString& id, int state);
    bool solveSites(const QString& out = {});
    QTableWidget* siteTable() const { return m_siteTable; }
    // Drafting a village plan: the panel (and its dock) beside the map.
    void showPlanEditPanel();
    PlanEditPanel* planEditPanel() const { return m_planEdit; }
    bool analysisRunning() const;
    void cancelAnalysis();
    // Shows the identify panel for the feature at (x, y) (world), within `tolerance` metres.
    bool identify(double x, double y, double tolerance);

    MapCanvas* canvas() const { return m_canvas; }
    QStringList layerTitles() const;
    // The legend panel's lines (group titles, items, notes), as shown.
    QStringList legendLines() const;
    QTableWidget* identifyTable() const { return m_identify; }
    QTableWidget* attributeTable() const { return m_table; }
    QTextEdit* resultPanel() const { return m_results; }
    QString projectPath() const { return m_projectPath; }
    QString statusText() const;
    void showAttributeTable(const QString& layer);
    // The import dialog for each file (what dropping files on the window does).
    void importFiles(const QStringList& files) { importDialog(files); }
    // Imports as the dialog does once the user accepts it (and refreshes the map and tables);
    // false with the message when the import is refused.
    bool importWith(io::ImportOptions o, QString* error = nullptr);

signals:
    void analysisFinished(bool ok, const QString& message);
    void projectOpened();

protected:
    void dragEnterEvent(QDragEnterEvent*) override;
    void dropEvent(QDropEvent*) override;
    void closeEvent(QCloseEvent*) override;

private:
    void buildMenus();
    void buildDocks();
    void buildLayersDock();
    void buildIdentifyDock();
    void buildTableDock();
    void buildSitesDock();
    void buildPlanEditDock();
    // While a village's plan is edited the saved planned parcels are not drawn (the panel draws
    // the plan being edited); their layer comes back when editing ends.
    void hideSavedPlan(bool hide);
    void loadSiteCandidates();
    void showSiteMarks();
    void cycleSiteAt(double x, double y, double tolerance);
    void finishAnalysis();
    void reloadMap(bool keepView);
    void refreshLayerPanel();
    void refreshLegend();
    void applySwitches();
    void updateStatus();
    void openDialog();
    // Sends a checked-out file's edits back to the server; conflicts in a merge dialog.
    void syncDialog();
    void importDialog(const QStringList& files);
    void atlasDialog();
    void analysisDialog(const std::string& name);
    void fillAttributeTable(const QString& layer);
    void selectInTable(double minx, double miny, double maxx, double maxy);
    // Selects the current table layer's features whose point (or point on surface) lies inside.
    void selectByPolygon(const QPolygonF& world);
    void applySelection(const QString& layer, const std::set<long long>& fids);
    const render::FeatureLayer* layerOf(const QString& name) const;

    const analysis::Registry& m_registry;
    MapCanvas* m_canvas = nullptr;
    QString m_projectPath;
    std::unique_ptr<ProjectSource> m_project;
    std::unique_ptr<ToLonLat> m_toLonLat;
    QStringList m_resultFiles;  // result files on the map
    QString m_overlayStyle;     // a plugin style drawn over the county map (empty: none)
    std::shared_ptr<const render::MapData> m_data;
    std::shared_ptr<render::Style> m_style;
    std::vector<char> m_hidden;
    std::vector<float> m_opacity;
    std::vector<size_t> m_order;

    QListWidget* m_layers = nullptr;
    QListWidget* m_legend = nullptr;
    QStringList m_legendShown;  // what the legend lists now (rebuilt only when it changes)
    QSlider* m_opacitySlider = nullptr;
    QComboBox* m_styleChoice = nullptr;
    QTableWidget* m_identify = nullptr;
    QLabel* m_identifyTitle = nullptr;
    QComboBox* m_tableLayer = nullptr;
    QLineEdit* m_tableFilter = nullptr;
    QTableWidget* m_table = nullptr;
    QTextEdit* m_results = nullptr;
    QLineEdit* m_locator = nullptr;
    QLabel* m_scaleLabel = nullptr;
    QLabel* m_coordLabel = nullptr;
    QLabel* m_measureLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    bool m_syncingSelection = false;

    struct SiteCandidate {
        QString id, name;
        double x = 0, y = 0;
        int state = 0;
    };
    QDockWidget* m_sitesDock = nullptr;
    QComboBox *m_siteLayer = nullptr, *m_siteProblem = nullptr, *m_siteMode = nullptr;
    QSpinBox* m_siteP = nullptr;
    QDoubleSpinBox* m_siteRadius = nullptr;
    QTableWidget* m_siteTable = nullptr;
    std::vector<SiteCandidate> m_siteCandidates;
    QMap<QString, int> m_siteState;  // "layer|id" -> state, kept while the project is open
    QDockWidget* m_planEditDock = nullptr;
    PlanEditPanel* m_planEdit = nullptr;
    std::vector<size_t> m_planLayersHidden;  // style layers hidden while editing

    struct Run;
    std::shared_ptr<Run> m_run;
    QFutureWatcher<QString> m_runWatcher;
};

}  // namespace ruralatlas::app
