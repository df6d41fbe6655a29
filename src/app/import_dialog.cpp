// Importing files: dropped on the window or chosen from the menu, each through the import dialog.
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
#include <optional>

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
#include "host/qgis_styles.hpp"
#include "host/run_analysis.hpp"
#include "io/importer.hpp"
#include "io/result_files.hpp"
#include "io/sources.hpp"
#include "render/furniture.hpp"
#include "render/gui_session.hpp"
#include "render/renderer.hpp"
namespace ruralatlas::app {

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    QStringList files;
    for (const auto& u : e->mimeData()->urls())
        if (u.isLocalFile()) files << u.toLocalFile();
    if (files.isEmpty()) return;
    if (!m_project && files.size() == 1 && files.front().endsWith(".gpkg", Qt::CaseInsensitive)) {
        openProject(files.front());
        return;
    }
    importDialog(files);
}

void MainWindow::importDialog(const QStringList& files) {
    if (!m_project) {
        QMessageBox::information(this, T("导入数据"), T("请先打开项目。"));
        return;
    }
    for (const QString& file : files) {
        QDialog dlg(this);
        dlg.setWindowTitle(T("导入数据") + " — " + QFileInfo(file).fileName());
        auto* form = new QFormLayout(&dlg);
        auto* into = new QComboBox;
        into->setObjectName("into");
        for (const auto& def : projectLayers())
            into->addItem(qs(std::string(def.titleZh)) + " (" + qs(std::string(def.name)) + ")", qs(std::string(def.name)));
        // Guess the target from the file name (e.g. 卫生室.xlsx -> facilities).
        const QString base = QFileInfo(file).completeBaseName().toLower();
        for (int i = 0; i < into->count(); ++i)
            if (base.contains(into->itemData(i).toString())) into->setCurrentIndex(i);
        auto* crs = new QComboBox;
        crs->setEditable(true);
        crs->addItem(T("按文件（自动）"), QString());
        crs->addItem(T("GCJ-02（高德/腾讯坐标）"), "gcj02");
        crs->addItem(T("BD-09（百度坐标）"), "bd09");
        crs->addItem("WGS84 (EPSG:4326)", "EPSG:4326");
        crs->addItem("CGCS2000 (EPSG:4490)", "EPSG:4490");
        auto* enc = new QComboBox;
        enc->addItem(T("自动识别"), QString());
        enc->addItem("UTF-8", "UTF-8");
        enc->addItem("GBK / GB18030", "GB18030");
        auto* fields = new QPlainTextEdit;
        fields->setPlaceholderText(T("字段对应（可选），每行 目标字段=源字段，例如 name=名称"));
        fields->setMaximumHeight(90);
        auto* skip = new QCheckBox(T("跳过有错误的行"));
        form->addRow(T("导入到"), into);
        form->addRow(T("坐标系"), crs);
        form->addRow(T("编码"), enc);
        form->addRow(T("字段对应"), fields);
        form->addRow(skip);
        auto* update = new QCheckBox(T("代码或编号已在项目中的行：更新该要素"));
        update->setToolTip(T("不勾选时，这样的行按错误处理，不会重复写入"));
        form->addRow(update);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        form->addRow(buttons);
        connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
        if (dlg.exec() != QDialog::Accepted) continue;
        io::ImportOptions o;
        o.project = m_projectPath.toStdString();
        o.source = file.toStdString();
        o.into = into->currentData().toString().toStdString();
        o.sourceCrs =
            (crs->currentData().toString().isEmpty() && crs->currentIndex() != 0 ? crs->currentText() : crs->currentData().toString())
                .toStdString();
        o.encoding = enc->currentData().toString().toStdString();
        o.skipBadRows = skip->isChecked();
        o.update = update->isChecked();
        for (const QString& line : fields->toPlainText().split('\n', Qt::SkipEmptyParts))
            if (line.contains('='))
                o.fields.emplace_back(line.section('=', 0, 0).trimmed().toStdString(), line.section('=', 1).trimmed().toStdString());
        QString error;
        if (!importWith(o, &error)) QMessageBox::warning(this, T("导入数据"), error);
    }
}

bool MainWindow::importWith(io::ImportOptions o, QString* error) {
    bool ok = true;
    try {
        m_project.reset();  // the import writes the file in one transaction
        Feedback fb;
        // Every save refreshes the QGIS styles, so the file opens titled and styled in QGIS: in
        // the import's own transaction (a kill leaves the project before or after, whole). A
        // style that does not translate is said and does not stop the import.
        QString stylesFailed;
        o.beforeCommit = [&](GDALDataset& ds) {
            std::optional<host::QgisStylesPlan> plan;
            try {
                plan = host::planQgisStyles(ds, o.project);
            } catch (const std::exception& e) {
                stylesFailed = QString::fromUtf8(e.what());
                return;
            }
            host::storeQgisStyles(ds, *plan, o.project);
        };
        const io::ImportReport r = o.into == "dem"                  ? io::importDem(o, fb)
                                   : o.into == "village_indicators" ? io::importIndicatorLedger(o, fb)
                                                                    : io::importFile(o, fb);
        m_results->append(T("导入") + " " + QFileInfo(qs(o.source)).fileName() +
                          QStringLiteral("：读 %1，新增 %2，更新 %3（编码 %4，坐标系 %5）")
                              .arg(r.read)
                              .arg(r.inserted)
                              .arg(r.updated)
                              .arg(qs(r.encoding), qs(r.crs)));
        for (const auto& u : r.unmatched) m_results->append(qs(u));
        if (!stylesFailed.isEmpty()) m_results->append(T("未能写入QGIS样式") + "：" + stylesFailed);
    } catch (const std::exception& e) {
        ok = false;
        if (error) *error = QString::fromUtf8(e.what());
    }
    m_project = io::openProjectSource(m_projectPath.toStdString());
    reloadMap(true);
    fillAttributeTable(m_tableLayer->currentData().toString());
    return ok;
}

}  // namespace ruralatlas::app
