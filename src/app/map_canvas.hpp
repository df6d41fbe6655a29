// The map canvas: draws the project with the shared renderer on a worker thread, keeps the
// last image on screen (moved and scaled to the current view) while the next one draws, and
// never blocks the UI. Pans with the mouse and the arrow keys, zooms with the wheel and +/-.
// Tools: pan, identify (click), select by rectangle, measure distance and area, and the editing
// tools an overlay (the village-plan editor) uses: draw a polygon or a line with snapping, drag,
// add and delete vertices, pick parcels.
#pragma once
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QImage>
#include <QPointF>
#include <QTransform>
#include <QWidget>
#include <memory>
#include <optional>
#include <set>

#include "render/renderer.hpp"

class QPainter;

namespace ruralatlas::app {

class MapCanvas : public QWidget {
    Q_OBJECT
public:
    enum class Tool { Pan, Identify, Select, SelectPolygon, Measure, PickSite, DrawPolygon, DrawLine, Vertex, PickParcel };
    struct SnapPoint {
        QPointF at;
        bool vertex = false;
    };
    // What an editor draws over the map (with the canvas's world transform) and what the editing
    // tools snap to (within `tolerance` metres; none when nothing is near).
    class Overlay {
    public:
        virtual ~Overlay() = default;
        virtual void paint(QPainter& painter, const MapCanvas& canvas) = 0;
        virtual std::optional<SnapPoint> snap(QPointF world, double tolerance) const = 0;
    };
    // A candidate site's state drawn over the map by the choose-sites flow.
    struct Mark {
        double x = 0, y = 0;
        int state = 0;  // 0 candidate, 1 kept (fixed), 2 left out
    };

    explicit MapCanvas(QWidget* parent = nullptr);
    ~MapCanvas() override;

    // A new map: the renderer draws `style` (bound to `data`).
    void setMap(std::shared_ptr<const render::MapData> data, std::shared_ptr<const render::Style> style);
    const render::MapData* data() const { return m_data.get(); }
    const render::Style* style() const { return m_style.get(); }
    void setSwitches(const render::LayerSwitches& switches);
    const render::LayerSwitches& switches() const { return m_switches; }

    void zoomTo(const render::Box& box, double margin = 0.05);
    void setView(double cx, double cy, double metresPerPixel);
    void zoomBy(double factor, QPointF anchor);
    void panByPixels(QPointF delta);
    render::Box extent() const;
    double metresPerPixel() const { return m_res; }
    double scaleDenominator() const;
    QPointF toWorld(QPointF widget) const;
    QPointF toWidget(double x, double y) const;

    void setTool(Tool tool);
    Tool tool() const { return m_tool; }
    void setSelection(const std::string& layerName, const std::set<long long>& fids);
    const std::set<long long>& selection() const { return m_selection; }
    const std::string& selectionLayer() const { return m_selectionLayer; }
    void clearMeasure();
    void setMarks(std::vector<Mark> marks);
    const std::vector<Mark>& marks() const { return m_marks; }

    // The editing overlay (not owned; null: none) and the snapping tolerance in pixels.
    void setOverlay(Overlay* overlay);
    void setSnapPixels(int pixels) { m_snapPixels = pixels; }
    int snapPixels() const { return m_snapPixels; }
    // World to widget coordinates, for painting in world units.
    QTransform worldTransform() const;
    // The sketch being drawn (world points) and where the last mouse move snapped.
    const std::vector<QPointF>& sketch() const { return m_measure; }
    std::optional<SnapPoint> lastSnap() const { return m_snap; }

    bool isDrawing() const;
    int framesDrawn() const { return m_frames; }
    // What the last frame drew (its legend and the project's approximation notes), and the
    // renderer that drew it (to draw the legend's swatches).
    const render::RenderReport& lastReport() const { return m_report; }
    std::shared_ptr<const render::MapRenderer> lastRenderer() const { return m_reportRenderer; }
    double lastFrameMs() const { return m_lastMs; }

signals:
    void mouseMovedTo(double x, double y);
    void viewChanged();
    void identifyAt(double x, double y, double tolerance);
    void picked(double x, double y, double tolerance);  // a click with the PickSite tool
    void rectangleSelected(double minx, double miny, double maxx, double maxy);
    void polygonSelected(const QPolygonF& world);
    void measured(double length, double area, bool closed);
    void frameDrawn(double milliseconds);
    // The editing tools (world coordinates, snapped).
    void polygonDrawn(const QPolygonF& world);
    void lineDrawn(const QPolygonF& world);
    void vertexMoved(QPointF from, QPointF to);
    void vertexInserted(QPointF at);
    void vertexDeleted(QPointF at);
    void parcelClicked(QPointF world, bool add);

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void keyPressEvent(QKeyEvent*) override;

private:
    struct Frame {
        QImage image;
        render::Box extent;
        double ms = 0;
        quint64 generation = 0;
        render::RenderReport report;
        std::shared_ptr<const render::MapRenderer> renderer;
    };
    void requestRender();
    void startRender();
    void frameFinished();
    void emitMeasure(bool closed);
    bool editing() const { return m_tool == Tool::DrawPolygon || m_tool == Tool::DrawLine || m_tool == Tool::Vertex; }
    // The world point under `widget`, snapped when an editing tool has something near.
    QPointF snapped(QPointF widget);

    std::shared_ptr<const render::MapData> m_data;
    std::shared_ptr<const render::Style> m_style;
    std::shared_ptr<render::MapRenderer> m_renderer;
    render::LayerSwitches m_switches;
    double m_cx = 0, m_cy = 0, m_res = 10;
    QImage m_image;
    render::Box m_imageExtent{1, 1, 0, 0};
    render::RenderReport m_report;
    std::shared_ptr<const render::MapRenderer> m_reportRenderer;
    QFutureWatcher<Frame> m_watcher;
    bool m_pending = false;
    quint64 m_generation = 0;
    int m_frames = 0;
    double m_lastMs = 0;
    Tool m_tool = Tool::Pan;
    bool m_dragging = false;
    QPointF m_pressAt, m_lastMouse;
    QRectF m_rubber;
    std::vector<QPointF> m_measure;  // world points
    bool m_measureClosed = false;
    std::string m_selectionLayer;
    std::set<long long> m_selection;
    std::vector<Mark> m_marks;
    Overlay* m_overlay = nullptr;
    int m_snapPixels = 10;
    std::optional<SnapPoint> m_snap;
    std::optional<QPointF> m_dragVertex;  // the Vertex tool's vertex being dragged
};

}  // namespace ruralatlas::app
