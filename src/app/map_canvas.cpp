#include "app/map_canvas.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <cmath>

#include "render/furniture.hpp"

namespace ruralatlas::app {

MapCanvas::MapCanvas(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
    connect(&m_watcher, &QFutureWatcher<Frame>::finished, this, &MapCanvas::frameFinished);
}

MapCanvas::~MapCanvas() { m_watcher.waitForFinished(); }

void MapCanvas::setMap(std::shared_ptr<const render::MapData> data, std::shared_ptr<const render::Style> style) {
    m_watcher.waitForFinished();
    m_data = std::move(data);
    m_style = std::move(style);
    m_renderer = m_data && m_style ? std::make_shared<render::MapRenderer>(*m_style, m_data) : nullptr;
    m_switches = {};
    m_selection.clear();
    requestRender();
}

void MapCanvas::setSwitches(const render::LayerSwitches& switches) {
    m_switches = switches;
    requestRender();
}

render::Box MapCanvas::extent() const {
    const double hw = width() * m_res / 2, hh = height() * m_res / 2;
    return {m_cx - hw, m_cy - hh, m_cx + hw, m_cy + hh};
}

double MapCanvas::scaleDenominator() const { return m_res / (0.0254 / 96.0); }

QPointF MapCanvas::toWorld(QPointF w) const { return {m_cx + (w.x() - width() / 2.0) * m_res, m_cy - (w.y() - height() / 2.0) * m_res}; }

QPointF MapCanvas::toWidget(double x, double y) const { return {width() / 2.0 + (x - m_cx) / m_res, height() / 2.0 - (y - m_cy) / m_res}; }

void MapCanvas::zoomTo(const render::Box& box, double margin) {
    if (!box.valid()) return;
    const double w = std::max(box.width(), 1.0) * (1 + 2 * margin), h = std::max(box.height(), 1.0) * (1 + 2 * margin);
    setView((box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2, std::max(w / std::max(1, width()), h / std::max(1, height())));
}

void MapCanvas::setView(double cx, double cy, double res) {
    m_cx = cx;
    m_cy = cy;
    m_res = std::clamp(res, 0.01, 100000.0);
    update();
    emit viewChanged();
    requestRender();
}

void MapCanvas::zoomBy(double factor, QPointF anchor) {
    const QPointF w = toWorld(anchor);
    const double res = std::clamp(m_res / factor, 0.01, 100000.0);
    // Keep the world point under the anchor where it is.
    setView(w.x() - (anchor.x() - width() / 2.0) * res, w.y() + (anchor.y() - height() / 2.0) * res, res);
}

void MapCanvas::panByPixels(QPointF d) { setView(m_cx - d.x() * m_res, m_cy + d.y() * m_res, m_res); }

void MapCanvas::setTool(Tool tool) {
    m_tool = tool;
    setCursor(tool == Tool::Pan ? Qt::OpenHandCursor : tool == Tool::Identify ? Qt::WhatsThisCursor : Qt::CrossCursor);
    if (tool != Tool::Measure) clearMeasure();
    m_snap.reset();
    m_dragVertex.reset();
}

void MapCanvas::setOverlay(Overlay* overlay) {
    m_overlay = overlay;
    m_snap.reset();
    update();
}

QTransform MapCanvas::worldTransform() const {
    return QTransform(1 / m_res, 0, 0, -1 / m_res, width() / 2.0 - m_cx / m_res, height() / 2.0 + m_cy / m_res);
}

QPointF MapCanvas::snapped(QPointF widget) {
    const QPointF w = toWorld(widget);
    m_snap = m_overlay ? m_overlay->snap(w, m_snapPixels * m_res) : std::nullopt;
    return m_snap ? m_snap->at : w;
}

void MapCanvas::setSelection(const std::string& layerName, const std::set<long long>& fids) {
    m_selectionLayer = layerName;
    m_selection = fids;
    update();
}

void MapCanvas::clearMeasure() {
    m_measure.clear();
    m_measureClosed = false;
    update();
}

bool MapCanvas::isDrawing() const { return m_watcher.isRunning() || m_pending; }

void MapCanvas::requestRender() {
    if (!m_renderer || width() <= 0 || height() <= 0) return;
    ++m_generation;
    if (m_watcher.isRunning()) {
        m_pending = true;  // one frame at a time; the newest request wins
        return;
    }
    startRender();
}

void MapCanvas::startRender() {
    m_pending = false;
    const render::Box ext = extent();
    const QSize size = this->size();
    const quint64 gen = m_generation;
    auto renderer = m_renderer;
    auto data = m_data;
    auto style = m_style;
    const render::LayerSwitches switches = m_switches;
    m_watcher.setFuture(QtConcurrent::run([renderer, data, style, switches, ext, size, gen]() {
        const auto t0 = std::chrono::steady_clock::now();
        Frame f;
        f.image = QImage(size, QImage::Format_ARGB32_Premultiplied);
        f.image.fill(QColor(0xf4, 0xf4, 0xf0));
        f.extent = ext;
        f.generation = gen;
        QPainter p(&f.image);
        render::MapView view;
        view.extent = ext;
        view.target = QRectF(0, 0, size.width(), size.height());
        view.dpi = 96;
        view.switches = &switches;
        f.report = renderer->render(p, view);
        f.report.notes = renderer->dataNotes(view);
        f.renderer = renderer;
        p.end();
        f.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return f;
    }));
}

void MapCanvas::frameFinished() {
    Frame f = m_watcher.result();
    m_image = std::move(f.image);
    m_imageExtent = f.extent;
    m_lastMs = f.ms;
    m_report = std::move(f.report);
    m_reportRenderer = std::move(f.renderer);
    ++m_frames;
    update();
    if (m_pending || f.generation != m_generation) startRender();
    emit frameDrawn(f.ms);
}

void MapCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(0xf4, 0xf4, 0xf0));
    if (!m_image.isNull() && m_imageExtent.valid()) {
        // The last frame, moved and scaled to where its extent lies in the current view.
        const QPointF a = toWidget(m_imageExtent.minx, m_imageExtent.maxy), b = toWidget(m_imageExtent.maxx, m_imageExtent.miny);
        p.setRenderHint(QPainter::SmoothPixmapTransform, !m_dragging);
        p.drawImage(QRectF(a, b), m_image);
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    if (m_overlay) {
        p.save();
        m_overlay->paint(p, *this);
        p.restore();
    }
    // Selection.
    if (m_data && !m_selection.empty())
        if (const render::FeatureLayer* l = m_data->find(m_selectionLayer)) {
            p.setPen(QPen(QColor(0, 188, 212), 2.5));
            p.setBrush(QColor(0, 188, 212, 60));
            for (size_t i = 0; i < l->size(); ++i) {
                if (!m_selection.count(l->fid(i))) continue;
                if (l->shape == render::Shape::Point) {
                    const auto a = l->anchor(i);
                    p.drawEllipse(toWidget(a[0], a[1]), 7, 7);
                    continue;
                }
                QPainterPath path;
                path.setFillRule(Qt::OddEvenFill);
                for (size_t part = l->partBegin(i); part < l->partEnd(i); ++part) {
                    QPolygonF poly;
                    for (size_t k = l->pointBegin(part); k < l->pointEnd(part); ++k) poly << toWidget(l->xy()[2 * k], l->xy()[2 * k + 1]);
                    if (l->shape == render::Shape::Polygon)
                        path.addPolygon(poly);
                    else
                        p.drawPolyline(poly);
                }
                if (l->shape == render::Shape::Polygon) p.drawPath(path);
            }
        }
    // What the project says is approximated about what is drawn (township areas from village
    // points, say), as the printed maps say it.
    if (!m_report.notes.isEmpty()) render::drawDataNotes(p, QRectF(rect()), m_report.notes, 140, 0);
    // The choose-sites flow: kept sites ringed red, left-out ones crossed grey.
    for (const Mark& m : m_marks) {
        const QPointF c = toWidget(m.x, m.y);
        if (m.state == 1) {
            p.setPen(QPen(QColor(0xc6, 0x28, 0x28), 3));
            p.setBrush(QColor(0xc6, 0x28, 0x28, 70));
            p.drawEllipse(c, 11, 11);
        } else if (m.state == 2) {
            p.setPen(QPen(QColor(0x61, 0x61, 0x61), 3));
            p.drawLine(c + QPointF(-9, -9), c + QPointF(9, 9));
            p.drawLine(c + QPointF(-9, 9), c + QPointF(9, -9));
        } else {
            p.setPen(QPen(QColor(0x15, 0x65, 0xc0), 2, Qt::DashLine));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(c, 9, 9);
        }
    }
    if (!m_rubber.isNull()) {
        p.setPen(QPen(QColor(0, 120, 215), 1, Qt::DashLine));
        p.setBrush(QColor(0, 120, 215, 40));
        p.drawRect(m_rubber.normalized());
    }
    if (m_dragVertex) {
        p.setPen(QPen(QColor(216, 27, 96), 2, Qt::DashLine));
        p.drawLine(toWidget(m_dragVertex->x(), m_dragVertex->y()), m_snap ? toWidget(m_snap->at.x(), m_snap->at.y()) : m_lastMouse);
    }
    // The snap marker: a square on a vertex, a circle on an edge.
    if (m_snap && (editing() || m_tool == Tool::PickParcel)) {
        const QPointF c = toWidget(m_snap->at.x(), m_snap->at.y());
        p.setPen(QPen(QColor(233, 30, 99), 2));
        p.setBrush(Qt::NoBrush);
        if (m_snap->vertex)
            p.drawRect(QRectF(c - QPointF(6, 6), QSizeF(12, 12)));
        else
            p.drawEllipse(c, 6, 6);
    }
    if (!m_measure.empty()) {
        QPolygonF poly;
        for (const auto& w : m_measure) poly << toWidget(w.x(), w.y());
        if (!m_measureClosed) poly << (m_snap && editing() ? toWidget(m_snap->at.x(), m_snap->at.y()) : m_lastMouse);
        p.setPen(QPen(QColor(216, 27, 96), 2));
        p.setBrush(m_measureClosed ? QColor(216, 27, 96, 40) : Qt::NoBrush);
        if (m_measureClosed)
            p.drawPolygon(poly);
        else
            p.drawPolyline(poly);
    }
}

void MapCanvas::setMarks(std::vector<Mark> marks) {
    m_marks = std::move(marks);
    update();
}

void MapCanvas::resizeEvent(QResizeEvent*) {
    emit viewChanged();
    requestRender();
}

void MapCanvas::mousePressEvent(QMouseEvent* e) {
    m_pressAt = m_lastMouse = e->position();
    if (e->button() == Qt::RightButton && m_tool == Tool::Vertex) {
        const QPointF w = snapped(e->position());
        if (m_snap && m_snap->vertex) emit vertexDeleted(w);
        return;
    }
    if (e->button() == Qt::RightButton && (m_tool == Tool::DrawPolygon || m_tool == Tool::DrawLine) && !m_measure.empty()) {
        m_measure.pop_back();  // the last vertex taken back
        update();
        return;
    }
    if (e->button() != Qt::LeftButton) return;
    if (m_tool == Tool::Pan || m_tool == Tool::Identify || m_tool == Tool::PickSite) {
        m_dragging = true;
        if (m_tool == Tool::Pan) setCursor(Qt::ClosedHandCursor);
    } else if (m_tool == Tool::Select) {
        m_rubber = QRectF(m_pressAt, m_pressAt);
    } else if (m_tool == Tool::Measure || m_tool == Tool::SelectPolygon) {
        if (m_measureClosed) clearMeasure();
        m_measure.push_back(toWorld(e->position()));
        if (m_tool == Tool::Measure) emitMeasure(false);
    } else if (m_tool == Tool::DrawPolygon || m_tool == Tool::DrawLine) {
        m_measure.push_back(snapped(e->position()));
        update();
    } else if (m_tool == Tool::Vertex) {
        const QPointF w = snapped(e->position());
        if (m_snap && m_snap->vertex) m_dragVertex = w;
        update();
    } else if (m_tool == Tool::PickParcel) {
        emit parcelClicked(toWorld(e->position()), e->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier));
    }
}

void MapCanvas::mouseMoveEvent(QMouseEvent* e) {
    const QPointF pos = e->position();
    const QPointF w = toWorld(pos);
    emit mouseMovedTo(w.x(), w.y());
    if (m_dragging && (e->buttons() & Qt::LeftButton)) {
        const QPointF d = pos - m_lastMouse;
        m_cx -= d.x() * m_res;
        m_cy += d.y() * m_res;
        update();
        emit viewChanged();
        requestRender();
    } else if (m_tool == Tool::Select && (e->buttons() & Qt::LeftButton)) {
        m_rubber.setBottomRight(pos);
        update();
    } else if ((m_tool == Tool::Measure || m_tool == Tool::SelectPolygon) && !m_measure.empty() && !m_measureClosed) {
        update();
    } else if (editing()) {
        snapped(pos);
        update();
    }
    m_lastMouse = pos;
}

void MapCanvas::mouseReleaseEvent(QMouseEvent* e) {
    const QPointF pos = e->position();
    const bool click = (pos - m_pressAt).manhattanLength() < 4;
    if (m_dragging) {
        m_dragging = false;
        if (m_tool == Tool::Pan) setCursor(Qt::OpenHandCursor);
        if (click && m_tool == Tool::Identify) {
            const QPointF w = toWorld(pos);
            emit identifyAt(w.x(), w.y(), 6 * m_res);
        }
        if (click && m_tool == Tool::PickSite) {
            const QPointF w = toWorld(pos);
            emit picked(w.x(), w.y(), 10 * m_res);
        }
        update();
        return;
    }
    if (m_tool == Tool::Vertex && m_dragVertex) {
        const QPointF from = *m_dragVertex;
        m_dragVertex.reset();
        const QPointF to = snapped(pos);
        update();
        if (!click && to != from) emit vertexMoved(from, to);
        return;
    }
    if (m_tool == Tool::Select && !m_rubber.isNull()) {
        QRectF r = m_rubber.normalized();
        if (r.width() < 4 && r.height() < 4) r = QRectF(pos - QPointF(4, 4), QSizeF(8, 8));
        const QPointF a = toWorld(r.topLeft()), b = toWorld(r.bottomRight());
        m_rubber = {};
        update();
        emit rectangleSelected(a.x(), b.y(), b.x(), a.y());
    }
}

void MapCanvas::mouseDoubleClickEvent(QMouseEvent* e) {
    if (m_tool == Tool::DrawPolygon || m_tool == Tool::DrawLine) {
        // A double click's first press added the last vertex already (a double click that comes
        // alone, as from some drivers, adds it here).
        const QPointF last = snapped(e->position());
        if (m_measure.empty() || m_measure.back() != last) m_measure.push_back(last);
        QPolygonF sketch;
        for (const QPointF& w : m_measure)
            if (sketch.isEmpty() || sketch.back() != w) sketch << w;
        const bool polygon = m_tool == Tool::DrawPolygon;
        if (sketch.size() >= (polygon ? 3 : 2)) {
            clearMeasure();
            if (polygon) {
                sketch << sketch.front();
                emit polygonDrawn(sketch);
            } else {
                emit lineDrawn(sketch);
            }
        }
        return;
    }
    if (m_tool == Tool::Vertex) {
        const QPointF w = snapped(e->position());
        if (m_snap && !m_snap->vertex) emit vertexInserted(w);
        return;
    }
    if (m_tool == Tool::SelectPolygon) {
        // The double click's first press added a vertex already.
        if (m_measure.size() >= 3) {
            QPolygonF poly;
            for (const auto& w : m_measure) poly << w;
            clearMeasure();
            emit polygonSelected(poly);
        }
        return;
    }
    if (m_tool == Tool::Measure && m_measure.size() >= 2) {
        m_measureClosed = m_measure.size() >= 3;
        emitMeasure(m_measureClosed);
        update();
        return;
    }
    if (m_tool == Tool::Pan) zoomBy(2, e->position());
}

void MapCanvas::emitMeasure(bool closed) {
    double length = 0, area = 0;
    for (size_t i = 1; i < m_measure.size(); ++i)
        length += std::hypot(m_measure[i].x() - m_measure[i - 1].x(), m_measure[i].y() - m_measure[i - 1].y());
    if (closed && m_measure.size() >= 3) {
        length += std::hypot(m_measure.front().x() - m_measure.back().x(), m_measure.front().y() - m_measure.back().y());
        for (size_t i = 0; i < m_measure.size(); ++i) {
            const QPointF& a = m_measure[i];
            const QPointF& b = m_measure[(i + 1) % m_measure.size()];
            area += a.x() * b.y() - b.x() * a.y();
        }
        area = std::fabs(area) / 2;
    }
    emit measured(length, area, closed);
}

void MapCanvas::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps != 0) zoomBy(std::pow(1.25, steps), e->position());
}

void MapCanvas::keyPressEvent(QKeyEvent* e) {
    const double step = std::min(width(), height()) / 4.0;
    switch (e->key()) {
        case Qt::Key_Left:
            panByPixels({step, 0});
            break;
        case Qt::Key_Right:
            panByPixels({-step, 0});
            break;
        case Qt::Key_Up:
            panByPixels({0, step});
            break;
        case Qt::Key_Down:
            panByPixels({0, -step});
            break;
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomBy(1.5, rect().center());
            break;
        case Qt::Key_Minus:
            zoomBy(1 / 1.5, rect().center());
            break;
        case Qt::Key_Escape:
            clearMeasure();
            break;
        default:
            QWidget::keyPressEvent(e);
    }
}

}  // namespace ruralatlas::app
