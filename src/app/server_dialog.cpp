#include "app/server_dialog.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/i18n.hpp"
#include "core/schema.hpp"

namespace ruralatlas::app {

namespace {
// A libpq value: quoted when it holds a space, a quote or a backslash, or is empty.
QString keyword(const QString& key, const QString& value) {
    if (!value.isEmpty() && !value.contains(QRegularExpression("[\\s'\\\\]"))) return key + "=" + value;
    QString v = value;
    v.replace("\\", "\\\\").replace("'", "\\'");
    return key + "='" + v + "'";
}
}  // namespace

ServerDialog::ServerDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(T("连接共享服务器"));
    auto* form = new QFormLayout(this);
    m_host = new QLineEdit("localhost");
    m_host->setObjectName("server-host");
    m_port = new QSpinBox;
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_port->setObjectName("server-port");
    m_database = new QLineEdit("ruralatlas");
    m_database->setObjectName("server-database");
    m_user = new QLineEdit;
    m_user->setObjectName("server-user");
    m_password = new QLineEdit;
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setObjectName("server-password");
    m_county = new QLineEdit;
    m_county->setPlaceholderText("433127");
    m_county->setObjectName("server-county");
    form->addRow(T("服务器地址"), m_host);
    form->addRow(T("端口"), m_port);
    form->addRow(T("数据库"), m_database);
    form->addRow(T("用户名"), m_user);
    form->addRow(T("密码"), m_password);
    form->addRow(T("县级行政区划代码"), m_county);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this]() {
        const QString p = problem();
        if (p.isEmpty())
            accept();
        else
            QMessageBox::warning(this, windowTitle(), p);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString ServerDialog::problem() const {
    if (m_host->text().trimmed().isEmpty()) return T("请填写服务器地址");
    if (m_database->text().trimmed().isEmpty()) return T("请填写数据库");
    if (m_user->text().trimmed().isEmpty()) return T("请填写用户名");
    if (!QRegularExpression("^\\d{6}$").match(m_county->text().trimmed()).hasMatch()) return T("县级行政区划代码为6位数字");
    return {};
}

QString ServerDialog::password() const { return m_password->text(); }
void ServerDialog::setCounty(const QString& county) { m_county->setText(county); }

QString ServerDialog::connection() const {
    QStringList parts = {keyword("host", m_host->text().trimmed()), "port=" + QString::number(m_port->value()),
                         keyword("dbname", m_database->text().trimmed()), keyword("user", m_user->text().trimmed())};
    parts << "county=" + m_county->text().trimmed();
    return "PG:" + parts.join(' ');
}

MergeDialog::MergeDialog(const std::vector<Row>& rows, QWidget* parent, bool liveEdit) : QDialog(parent), m_rows(rows) {
    setWindowTitle(liveEdit ? T("保存冲突") : T("同步冲突"));
    auto* box = new QVBoxLayout(this);
    box->addWidget(new QLabel(liveEdit ? T("以下图斑在你读取后已被他人保存。请逐项选择，确认前不会写入任何内容。")
                                       : T("以下要素在你检出后已被他人修改。请逐项选择，确认前不会写入任何内容。")));
    m_table = new QTableWidget(static_cast<int>(rows.size()), 5);
    m_table->setObjectName("merge-table");
    m_table->setHorizontalHeaderLabels({T("图层"), T("要素"), T("修改人"), T("修改时间"), T("处理")});
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const Row& row = rows[static_cast<std::size_t>(r)];
        const auto* def = findLayer(row.layer.toStdString());
        m_table->setItem(r, 0, new QTableWidgetItem(def ? QString::fromUtf8(std::string(def->titleZh).c_str()) : row.layer));
        m_table->setItem(r, 1, new QTableWidgetItem(QString::number(row.fid)));
        m_table->setItem(r, 2, new QTableWidgetItem(row.changedBy.isEmpty() ? T("（已删除）") : row.changedBy));
        m_table->setItem(r, 3, new QTableWidgetItem(row.changedAt));
        auto* choice = new QComboBox;
        choice->addItem(T("采用服务器的"), "theirs");
        choice->addItem(T("保留我的"), "mine");
        m_table->setCellWidget(r, 4, choice);
    }
    m_table->resizeColumnsToContents();
    box->addWidget(m_table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    box->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QStringList MergeDialog::chosen(const QString& choice) const {
    QStringList out;
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (qobject_cast<QComboBox*>(m_table->cellWidget(r, 4))->currentData().toString() == choice)
            out << m_rows[static_cast<std::size_t>(r)].layer + ":" + QString::number(m_rows[static_cast<std::size_t>(r)].fid);
    return out;
}

QStringList MergeDialog::mine() const { return chosen("mine"); }
QStringList MergeDialog::theirs() const { return chosen("theirs"); }

}  // namespace ruralatlas::app
