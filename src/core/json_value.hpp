// A small JSON reader that keeps the line of every value, so that style and layout files get
// errors naming the file, line and key. No dependency; used by styles, atlas templates and
// plugin manifests.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ruralatlas {

class JsonValue {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    Type type() const { return m_type; }
    int line() const { return m_line; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    bool boolean() const { return m_bool; }
    double number() const { return m_number; }
    const std::string& string() const { return m_string; }
    const std::vector<JsonValue>& array() const { return m_array; }
    // Members in file order; keys are unique (a duplicate key is a parse error).
    const std::vector<std::pair<std::string, JsonValue>>& members() const { return m_members; }
    const JsonValue* find(std::string_view key) const;

    static const char* typeName(Type type);

private:
    friend class JsonParser;
    Type m_type = Type::Null;
    int m_line = 0;
    bool m_bool = false;
    double m_number = 0;
    std::string m_string;
    std::vector<JsonValue> m_array;
    std::vector<std::pair<std::string, JsonValue>> m_members;
};

// Parses `text`; throws DataError naming `file` and the line of the first syntax error.
JsonValue parseJson(std::string_view text, const std::string& file);
// Reads and parses a file; throws DataError naming the file when it cannot be read.
JsonValue readJsonFile(const std::string& path);

}  // namespace ruralatlas
