// Drafting a village plan in the desktop app (村庄规划编辑): the panel beside the map that picks
// the village, starts its plan from the current land use, holds the editing tools, the 2023
// land-use code picker, the undo history, save and discard, the live problems (click one to
// zoom to it) and the balance table with the control targets; and the overlay that draws the
// parcels being edited on the map and snaps the drawing tools to parcels, the village boundary,
// roads and constraints. The engine is villageplan::PlanEditor: nothing reaches the project
// before 保存, which writes every change in one transaction.
#pragma once
#include <QElapsedTimer>
#include <QMap>
#include <QPainterPath>
#include <QPointer>
#include <QWidget>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "app/map_canvas.hpp"
#include "render/expression.hpp"

class QCheckBox;
class QComboBox;
class QSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;
class QToolButton;

class QDialog;

namespace ruralatlas::villageplan {
class PlanEditor;
}

namespace ruralatlas::app {

class PlanEditPanel : public QWidget, public MapCanvas::Overlay {
    Q_OBJECT
public:
    PlanEditPanel(MapCanvas* canvas, QWidget* parent = nullptr);
    ~PlanEditPanel() override;

    // The project whose villages can be edited (a GeoPackage file; empty: none), with each
    // village's territory (to pick a village by clicking the map).
    void setProject(const QString& path, const QStringList& villageCodes, const QStringList& villageNames,
                    const std::vector<Polygons>& territories = {});
    // The village offered for editing (from the locator or a click); false when it has no territory.
    bool selectVillage(const QString& code);
    // The village whose territory holds the world point, or empty.
    QString villageAt(QPointF world) const;
    // Starts editing a village. `recover`: -1 asks when unsaved edits of a killed session are
    // found, 0 drops them, 1 takes them back. False (with the reason shown) when it cannot.
    bool startEditing(const QString& villageCode, int recover = -1);
    // Ends editing; with unsaved edits asks to save, unless `save` is 0 (discard) or 1 (save).
    bool stopEditing(int save = -1);
    bool isEditing() const { return m_editor != nullptr; }
    villageplan::PlanEditor* editor() const { return m_editor.get(); }

    // Any edit of the engine, as the tools make them (refresh, messages, timings): for scripts
    // and the benchmark.
    bool edit(const std::function<void(villageplan::PlanEditor&)>& change);
    // The actions of the panel's buttons, for the menus and the tests.
    void startFromCurrent();
    bool save();
    void discard();
    void undo();
    void redo();
    void mergeSelected();
    void deleteSelected();
    bool assignCode(const QString& code);      // to the selected parcels
    void setCurrentCode(const QString& code);  // the code new parcels get
    QString currentCode() const { return m_code; }
    void setSelection(const std::set<long long>& fids);
    const std::set<long long>& selection() const { return m_selection; }
    // Selects the tool: pick, draw, split, reshape, vertex.
    void setTool(const QString& tool);
    QString tool() const { return m_tool; }
    QString lastMessage() const { return m_message; }
    // The problems and the balance lines as shown.
    QStringList problemLines() const;
    QStringList balanceLines() const;
    QListWidget* problemList() const { return m_problems; }
    QListWidget* historyList() const { return m_history; }
    QTableWidget* attributeTable() const { return m_attributes; }
    // New parcels avoid the existing ones (instead of being cut out of them).
    void setAvoidExisting(bool avoid);
    // Milliseconds of the last edit: the engine (edit and live check) and the panel's refresh.
    double lastEditMs() const { return m_lastEditMs; }
    double lastRefreshMs() const { return m_lastRefreshMs; }

    // MapCanvas::Overlay
    void paint(QPainter& painter, const MapCanvas& canvas) override;
    std::optional<MapCanvas::SnapPoint> snap(QPointF world, double tolerance) const override;

signals:
    void saved();
    void editingChanged(bool editing);
    void printRequested(const QString& villageCode);
    // The merge dialog of a save refused on the shared server, just before it is shown (modal).
    void mergeShown(QDialog* dialog);

private:
    template <class F>
    bool run(F&& edit);
    void refresh();
    void refreshProblems();
    void refreshBalance();
    void refreshHistory();
    void rebuildPaths();
    void zoomToProblem(int row);
    void onPolygon(const QPolygonF& world);
    void onLine(const QPolygonF& world);
    void onParcelClicked(QPointF world, bool add);
    void fillCodes(const QString& filter);
    void refreshAttributes();

    QPointer<MapCanvas> m_canvas;  // the window may delete the canvas first
    QString m_path;
    std::unique_ptr<villageplan::PlanEditor> m_editor;
    std::set<long long> m_selection;
    QString m_code = "0103", m_tool = "pick", m_message;
    std::shared_ptr<const std::map<std::string, render::Rgba>> m_palette;
    struct Shape {
        QPainterPath path;
        QRectF box;
        QColor fill;
    };
    std::map<long long, Shape> m_paths;
    QPainterPath m_territory, m_problemShapes;
    double m_lastEditMs = 0, m_lastRefreshMs = 0;

    QComboBox* m_village = nullptr;
    std::vector<std::pair<QString, Polygons>> m_territories;
    QPushButton* m_pickVillage = nullptr;
    QPushButton *m_start = nullptr, *m_stop = nullptr, *m_copy = nullptr, *m_save = nullptr, *m_discard = nullptr;
    QPushButton *m_undo = nullptr, *m_redo = nullptr, *m_merge = nullptr, *m_delete = nullptr, *m_assign = nullptr, *m_print = nullptr;
    QMap<QString, QToolButton*> m_tools;
    QLineEdit* m_codeFilter = nullptr;
    QListWidget* m_codes = nullptr;
    QListWidget* m_history = nullptr;
    QListWidget* m_problems = nullptr;
    QTableWidget* m_balance = nullptr;
    QTableWidget* m_attributes = nullptr;
    QCheckBox* m_avoid = nullptr;
    QSpinBox* m_snapPixels = nullptr;
    bool m_fillingAttributes = false;
    QLabel* m_status = nullptr;
};

}  // namespace ruralatlas::app
