// The atlas export dialog: layout, pages, filter, output, a one-page preview, and the export,
// which runs off the GUI thread with a progress bar and a cancel button (the window stays
// responsive through a 300-page book).
#pragma once
#include <QDialog>
#include <QFutureWatcher>
#include <QString>
#include <memory>

#include "analysis/analysis.hpp"
#include "atlas/atlas.hpp"
#include "core/feedback.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace ruralatlas::app {

class AtlasDialog : public QDialog {
    Q_OBJECT
public:
    AtlasDialog(const analysis::Registry& registry, const QString& projectPath, QWidget* parent = nullptr);
    // Cancels a running export and waits for it: the book's temporary parts are removed.
    ~AtlasDialog() override;

    // True from the click until the outcome is shown (not only while the worker runs: the
    // worker's end and the outcome on screen are two events apart).
    bool exporting() const { return m_exporting; }
    // Preset choices: a layout by file stem (village_plan_set), the page kind (villages, ...) and
    // a filter.
    void preset(const QString& layoutStem, const QString& by, const QString& where);

public slots:
    void reject() override;  // cancels a running export first

signals:
    void exportFinished(const QString& message);

private:
    atlas::AtlasOptions options() const;
    void preview();
    void startExport();
    void finishExport();

    const analysis::Registry& m_registry;
    QString m_projectPath;
    QComboBox* m_template = nullptr;
    QComboBox* m_by = nullptr;
    QLineEdit* m_where = nullptr;
    QLineEdit* m_out = nullptr;
    QLabel* m_preview = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_previewButton = nullptr;
    QPushButton* m_exportButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    std::shared_ptr<Feedback> m_feedback;
    QFutureWatcher<QString> m_watcher;
    bool m_exporting = false;
};

}  // namespace ruralatlas::app
