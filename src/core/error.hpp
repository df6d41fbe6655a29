// Error types shared by every layer. No GDAL, no Qt.
#pragma once
#include <stdexcept>
#include <string>

namespace ruralatlas {

// Where a problem is: every message a user sees names as much of this as is known.
struct Location {
    std::string file;
    std::string layer;
    std::string feature;  // feature id, row number or code
    std::string field;

    std::string describe() const;  // "file.csv, layer villages, row 12, field population"
};

// Bad data (exit status 1): the message names the file, layer, feature and field.
class DataError : public std::runtime_error {
public:
    DataError(Location where, const std::string& what);
    const Location& where() const noexcept { return m_where; }
    const std::string& detail() const noexcept { return m_detail; }

private:
    Location m_where;
    std::string m_detail;
};

// Wrong command-line use (exit status 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The user or the app cancelled a long operation.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace ruralatlas
