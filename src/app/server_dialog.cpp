#include "app/server_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSpinBox>

#include "app/i18n.hpp"

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

QString ServerDialog::connection() const {
    QStringList parts = {keyword("host", m_host->text().trimmed()), "port=" + QString::number(m_port->value()),
                         keyword("dbname", m_database->text().trimmed()), keyword("user", m_user->text().trimmed())};
    parts << "county=" + m_county->text().trimmed();
    return "PG:" + parts.join(' ');
}

}  // namespace ruralatlas::app
