// Connecting to the county office's shared server (PostgreSQL + PostGIS): host, port, database,
// login, password and the county to work on, turned into the server name every command takes
// ("PG:host=... dbname=... user=... county=433127"). The password is never stored.
#pragma once
#include <QDialog>
#include <QString>

class QLineEdit;
class QSpinBox;

namespace ruralatlas::app {

class ServerDialog : public QDialog {
    Q_OBJECT
public:
    explicit ServerDialog(QWidget* parent = nullptr);
    // The server name of what is filled in (libpq keywords, values quoted when needed), without
    // the password: that goes to libpq through the environment, never into names and messages.
    QString connection() const;
    QString password() const;
    // An error to show, or empty when the fields are complete.
    QString problem() const;

private:
    QLineEdit* m_host;
    QSpinBox* m_port;
    QLineEdit* m_database;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QLineEdit* m_county;
};

}  // namespace ruralatlas::app
