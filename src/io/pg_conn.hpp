// A libpq connection for the server form (io/server.hpp): plain statements, parameters as text,
// errors as DataError naming the server. Links libpq.
#pragma once
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ruralatlas::io::server {

class PgResult {
public:
    explicit PgResult(PGresult* r) : m_r(r, PQclear) {}
    int rows() const { return PQntuples(m_r.get()); }
    int columns() const { return PQnfields(m_r.get()); }
    bool isNull(int row, int col) const { return PQgetisnull(m_r.get(), row, col) != 0; }
    std::string text(int row, int col) const { return PQgetvalue(m_r.get(), row, col); }
    std::optional<std::string> optText(int row, int col) const {
        if (isNull(row, col)) return std::nullopt;
        return text(row, col);
    }
    long long integer(int row, int col) const { return std::stoll(text(row, col)); }
    // A bytea column fetched in binary form (resultFormat 1).
    std::string bytes(int row, int col) const { return std::string(PQgetvalue(m_r.get(), row, col), PQgetlength(m_r.get(), row, col)); }
    PGresult* get() const { return m_r.get(); }

private:
    std::shared_ptr<PGresult> m_r;
};

// What a statement failed with: the SQLSTATE ("40001", "42501", ...) and PostgreSQL's message.
class PgError : public std::runtime_error {
public:
    PgError(std::string state, const std::string& message) : std::runtime_error(message), m_state(std::move(state)) {}
    const std::string& state() const noexcept { return m_state; }

private:
    std::string m_state;
};

class PgConn {
public:
    // conninfo: libpq keywords (without "PG:"); county: set as ruralatlas.county for the session.
    explicit PgConn(const std::string& conninfo, const std::string& county = {});
    PgConn(const PgConn&) = delete;
    PgConn& operator=(const PgConn&) = delete;

    // Runs one or more statements (no parameters); PgError on failure.
    PgResult exec(const std::string& sql);
    // One statement with text parameters (nullopt = NULL); binaryResult fetches binary columns.
    PgResult exec(const std::string& sql, const std::vector<std::optional<std::string>>& params, bool binaryResult = false);
    // One statement with one binary parameter (bytea), the others as text.
    PgResult execWithBytes(const std::string& sql, const std::vector<std::string>& textParams, const std::string& bytes);
    const std::string& conninfo() const { return m_conninfo; }
    PGconn* get() const { return m_c.get(); }

private:
    PgResult check(PGresult* r);
    std::string m_conninfo;
    std::unique_ptr<PGconn, void (*)(PGconn*)> m_c;
};

// A transaction that rolls back unless committed.
class PgTransaction {
public:
    explicit PgTransaction(PgConn& c) : m_c(c) { m_c.exec("BEGIN"); }
    ~PgTransaction() {
        if (!m_done) try {
                m_c.exec("ROLLBACK");
            } catch (...) {
            }
    }
    void commit() {
        m_c.exec("COMMIT");
        m_done = true;
    }

private:
    PgConn& m_c;
    bool m_done = false;
};

// "'text'" with quotes doubled, for the few statements that cannot take parameters (DDL).
std::string pgQuote(const std::string& s);
// "\"name\"" for identifiers.
std::string pgIdent(const std::string& s);

}  // namespace ruralatlas::io::server
