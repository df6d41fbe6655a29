// Connecting to the county office's shared server (PostgreSQL + PostGIS): host, port, database,
// login, password and the county to work on, turned into the server name every command takes
// ("PG:host=... dbname=... user=... county=433127"). The password is never stored.
#pragma once
#include <QDialog>
#include <QString>
#include <QStringList>
#include <vector>

class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace ruralatlas::app {

class ServerDialog : public QDialog {
    Q_OBJECT
public:
    explicit ServerDialog(QWidget* parent = nullptr);
    // The server name of what is filled in (libpq keywords, values quoted when needed), without
    // the password: that goes to libpq through the environment, never into names and messages.
    QString connection() const;
    QString password() const;
    void setCounty(const QString& county);
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

// The conflicts of a sync, one row per feature someone else changed since the checkout, each with
// its choice: keep mine (overwrite theirs) or take theirs (into the file). Nothing is written
// until the choices are confirmed. `liveEdit`: the conflicts of a save of live edits on the server
// (changed since they were read, not since a checkout).
class MergeDialog : public QDialog {
    Q_OBJECT
public:
    struct Row {
        QString layer;
        long long fid = 0;  // in the file
        QString changedBy, changedAt;
        long long theirVersion = 0, yourVersion = 0;
    };
    MergeDialog(const std::vector<Row>& rows, QWidget* parent = nullptr, bool liveEdit = false);
    // "layer:fid" of the features to keep mine, and to take theirs.
    QStringList mine() const;
    QStringList theirs() const;

private:
    QStringList chosen(const QString& choice) const;  // "layer:fid" of the rows with that choice
    std::vector<Row> m_rows;
    QTableWidget* m_table;
};

}  // namespace ruralatlas::app
