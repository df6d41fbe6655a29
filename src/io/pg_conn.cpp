#include "io/pg_conn.hpp"

#include "core/error.hpp"

namespace ruralatlas::io::server {

namespace {
std::string describeServer(const std::string& conninfo) {
    // Never print a password.
    std::string out;
    std::size_t i = 0;
    while (i < conninfo.size()) {
        std::size_t j = conninfo.find(' ', i);
        if (j == std::string::npos) j = conninfo.size();
        const std::string tok = conninfo.substr(i, j - i);
        if (!tok.empty() && tok.rfind("password", 0) != 0) out += (out.empty() ? "" : " ") + tok;
        i = j + 1;
    }
    return "PG:" + out;
}
}  // namespace

PgConn::PgConn(const std::string& conninfo, const std::string& county)
    : m_conninfo(conninfo), m_c(PQconnectdb(conninfo.c_str()), PQfinish) {
    if (!m_c || PQstatus(m_c.get()) != CONNECTION_OK) {
        std::string why = m_c ? PQerrorMessage(m_c.get()) : "out of memory";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        throw DataError({describeServer(conninfo)}, "cannot connect to the server: " + why);
    }
    // Notices (e.g. "role is not a member") are not errors: keep them off the user's terminal.
    PQsetNoticeProcessor(
        m_c.get(), [](void*, const char*) {}, nullptr);
    exec("SET client_encoding = 'UTF8'");
    if (!county.empty()) exec("SELECT set_config('ruralatlas.county', " + pgQuote(county) + ", false)");
}

PgResult PgConn::check(PGresult* r) {
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN) return PgResult(r);
    std::string state = r && PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "";
    std::string msg =
        r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(m_c.get());
    if (r) PQclear(r);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw PgError(state, msg);
}

PgResult PgConn::exec(const std::string& sql) { return check(PQexec(m_c.get(), sql.c_str())); }

PgResult PgConn::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params, bool binaryResult) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    return check(PQexecParams(m_c.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
                              binaryResult ? 1 : 0));
}

PgResult PgConn::execWithBytes(const std::string& sql, const std::vector<std::string>& textParams, const std::string& bytes) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : textParams) {
        values.push_back(p.c_str());
        lengths.push_back(0);
        formats.push_back(0);
    }
    values.push_back(bytes.data());
    lengths.push_back(static_cast<int>(bytes.size()));
    formats.push_back(1);
    return check(
        PQexecParams(m_c.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), lengths.data(), formats.data(), 0));
}

std::string pgQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string pgIdent(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace ruralatlas::io::server
