#include "app/atlas_dialog.hpp"

#include <QApplication>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QtConcurrent>
#include <filesystem>

#include "app/i18n.hpp"
#include "core/error.hpp"
#include "host/atlas_job.hpp"
#include "io/project_info.hpp"
#include "render/fonts.hpp"
#include "render/gui_session.hpp"

namespace ruralatlas::app {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

AtlasDialog::AtlasDialog(const analysis::Registry& registry, const QString& projectPath, QWidget* parent)
    : QDialog(parent), m_registry(registry), m_projectPath(projectPath) {
    setWindowTitle(T("导出图集"));
    resize(900, 760);
    auto* h = new QHBoxLayout(this);
    auto* form = new QFormLayout;
    m_template = new QComboBox;
    m_template->setObjectName("template");
    for (const auto& e : std::filesystem::directory_iterator(render::stylesDir() + "/atlas"))
        if (e.path().extension() == ".json" && e.path().stem() != "overview" && e.path().stem() != "coverage_base")
            m_template->addItem(qs(e.path().stem().string()), qs(e.path().string()));
    m_by = new QComboBox;
    m_by->addItem(T("每村一页"), "villages");
    m_by->addItem(T("每乡镇一页"), "townships");
    m_by->addItem(T("每个安置点一页"), "resettlement_sites");
    m_by->addItem(T("全县一页（总览）"), "county");
    const auto syncBy = [this]() {
        const QString t = m_template->currentText();
        m_by->setCurrentIndex(t.startsWith("township") ? 1 : t.startsWith("resettlement") ? 2 : 0);
    };
    connect(m_template, &QComboBox::currentIndexChanged, this, syncBy);
    syncBy();
    m_where = new QLineEdit;
    m_where->setPlaceholderText("status = 'former_poor'");
    const QFileInfo pi(m_projectPath);
    m_out = new QLineEdit(pi.absolutePath() + "/" + pi.completeBaseName() + "-atlas.pdf");
    m_out->setObjectName("out");
    m_preview = new QLabel(T("点击“预览”查看第一页"));
    m_preview->setMinimumSize(420, 600);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setObjectName("atlasPreview");
    m_previewButton = new QPushButton(T("预览"));
    m_previewButton->setObjectName("preview");
    m_exportButton = new QPushButton(T("导出 PDF"));
    m_exportButton->setObjectName("export");
    m_cancelButton = new QPushButton(T("取消导出"));
    m_cancelButton->setObjectName("cancel-export");
    m_cancelButton->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 100);
    m_progress->setVisible(false);
    m_status = new QLabel;
    m_status->setObjectName("status");
    m_status->setWordWrap(true);
    form->addRow(T("版式"), m_template);
    form->addRow(T("分页"), m_by);
    form->addRow(T("筛选"), m_where);
    form->addRow(T("输出"), m_out);
    form->addRow(m_previewButton);
    form->addRow(m_exportButton);
    form->addRow(m_cancelButton);
    form->addRow(m_progress);
    form->addRow(m_status);
    h->addLayout(form);
    h->addWidget(m_preview, 1);
    connect(m_previewButton, &QPushButton::clicked, this, &AtlasDialog::preview);
    connect(m_exportButton, &QPushButton::clicked, this, &AtlasDialog::startExport);
    connect(m_cancelButton, &QPushButton::clicked, this, [this]() {
        if (m_feedback) m_feedback->cancel();
        m_status->setText(T("正在取消…"));
    });
    connect(&m_watcher, &QFutureWatcher<QString>::finished, this, &AtlasDialog::finishExport);
}

AtlasDialog::~AtlasDialog() {
    if (m_feedback) m_feedback->cancel();
    m_watcher.waitForFinished();
}

void AtlasDialog::reject() {
    if (exporting()) {
        // Closing while the book is written cancels it; the dialog closes when it has stopped.
        if (m_feedback) m_feedback->cancel();
        m_watcher.waitForFinished();
        m_exporting = false;
    }
    QDialog::reject();
}

atlas::AtlasOptions AtlasDialog::options() const {
    atlas::AtlasOptions o;
    o.project = m_projectPath.toStdString();
    // A set file (village_plan_set.json) prints each feature's maps in a row.
    const std::vector<std::string> layouts = atlas::expandLayoutSet(m_template->currentData().toString().toStdString(), &o.bookTitle);
    o.layout = layouts.front();
    o.moreLayouts.assign(layouts.begin() + 1, layouts.end());
    o.by = atlas::parsePageKind(m_by->currentData().toString().toStdString());
    o.where = m_where->text().trimmed().toStdString();
    o.out = m_out->text().trimmed().toStdString();
    return o;
}

void AtlasDialog::preset(const QString& layoutStem, const QString& by, const QString& where) {
    if (const int i = m_template->findText(layoutStem); i >= 0) m_template->setCurrentIndex(i);
    if (const int i = m_by->findData(by); i >= 0) m_by->setCurrentIndex(i);
    m_where->setText(where);
}

void AtlasDialog::preview() {
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        // One page: the first feature only, no cover, drawn as PNG.
        const QString tmp = QDir::temp().filePath(QStringLiteral("ruralatlas-preview-%1").arg(QCoreApplication::applicationPid()));
        QDir().mkpath(tmp);
        atlas::AtlasOptions o = options();
        o.out = (tmp + "/preview.pdf").toStdString();
        o.pngDir = tmp.toStdString();
        o.pngDpi = 60;
        o.frontMatter = false;
        o.threads = 1;
        // Keep the preview to one page: the first feature matching the filter.
        if (const auto fid = io::firstFeatureId(m_projectPath.toStdString(), atlas::pageKindLayer(o.by), o.where))
            o.where = (o.where.empty() ? std::string() : "(" + o.where + ") AND ") + "fid = " + std::to_string(*fid);
        Feedback fb;
        const auto r = host::AtlasJob(m_registry, o).run(fb);
        if (!r.pngs.empty())
            m_preview->setPixmap(
                QPixmap::fromImage(QImage(qs(r.pngs.front()))).scaled(m_preview->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        m_status->setText(T("预览完成"));
    } catch (const std::exception& e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
    QApplication::restoreOverrideCursor();
}

void AtlasDialog::startExport() {
    if (exporting()) return;
    const atlas::AtlasOptions o = options();
    render::Fonts::instance();  // the font is loaded on the GUI thread, before the workers
    m_feedback = std::make_shared<Feedback>([this](double f, const std::string& stage) {
        const QString text = qs(stage);
        QMetaObject::invokeMethod(
            this,
            [this, f, text]() {
                if (!exporting()) return;  // a late report must not overwrite the outcome
                m_progress->setValue(int(f * 100));
                m_status->setText(QStringLiteral("%1% %2").arg(int(f * 100)).arg(text));
            },
            Qt::QueuedConnection);
    });
    m_exporting = true;
    m_exportButton->setEnabled(false);
    m_previewButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_status->setText(T("正在导出…"));
    const analysis::Registry* registry = &m_registry;
    std::shared_ptr<Feedback> fb = m_feedback;
    m_watcher.setFuture(QtConcurrent::run([registry, o, fb]() -> QString {
        try {
            const auto r = host::AtlasJob(*registry, o).run(*fb);
            return T("已导出 %1 页：").arg(r.pages) + qs(o.out);
        } catch (const Cancelled&) {
            return T("已取消");
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
    }));
}

void AtlasDialog::finishExport() {
    const QString message = m_watcher.result();
    m_exporting = false;
    m_status->setText(message);
    m_progress->setVisible(false);
    m_exportButton->setEnabled(true);
    m_previewButton->setEnabled(true);
    m_cancelButton->setEnabled(false);
    emit exportFinished(message);
}

}  // namespace ruralatlas::app
