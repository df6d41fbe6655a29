#include "json_value.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "error.hpp"

namespace ruralatlas {

const JsonValue* JsonValue::find(std::string_view key) const {
    for (const auto& [k, v] : m_members)
        if (k == key) return &v;
    return nullptr;
}

const char* JsonValue::typeName(Type type) {
    switch (type) {
        case Type::Null:
            return "null";
        case Type::Bool:
            return "a boolean";
        case Type::Number:
            return "a number";
        case Type::String:
            return "a string";
        case Type::Array:
            return "an array";
        case Type::Object:
            return "an object";
    }
    return "?";
}

class JsonParser {
public:
    JsonParser(std::string_view text, const std::string& file) : m_text(text), m_file(file) {}

    JsonValue parseDocument() {
        skipSpace();
        JsonValue v = parseValue(0);
        skipSpace();
        if (m_pos != m_text.size()) fail("unexpected text after the end of the document");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw DataError({m_file, "", "line " + std::to_string(m_line), ""}, "invalid JSON: " + what);
    }

    void skipSpace() {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '\n') {
                ++m_line;
                ++m_pos;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                ++m_pos;
            } else if (c == '/' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '/') {
                // Line comments are allowed: style files are written by people.
                while (m_pos < m_text.size() && m_text[m_pos] != '\n') ++m_pos;
            } else {
                break;
            }
        }
    }

    bool consume(char c) {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    JsonValue parseValue(int depth) {
        if (depth > 200) fail("nesting too deep");
        if (m_pos >= m_text.size()) fail("unexpected end of file");
        JsonValue v;
        v.m_line = m_line;
        const char c = m_text[m_pos];
        if (c == '{') {
            ++m_pos;
            v.m_type = JsonValue::Type::Object;
            skipSpace();
            if (consume('}')) return v;
            for (;;) {
                skipSpace();
                if (m_pos >= m_text.size() || m_text[m_pos] != '"') fail("expected a key in double quotes");
                std::string key = parseString();
                for (const auto& [k, unused] : v.m_members)
                    if (k == key) fail("duplicate key \"" + key + "\"");
                skipSpace();
                if (!consume(':')) fail("expected ':' after key \"" + key + "\"");
                skipSpace();
                JsonValue member = parseValue(depth + 1);
                v.m_members.emplace_back(std::move(key), std::move(member));
                skipSpace();
                if (consume(',')) continue;
                if (consume('}')) break;
                fail("expected ',' or '}' in an object");
            }
        } else if (c == '[') {
            ++m_pos;
            v.m_type = JsonValue::Type::Array;
            skipSpace();
            if (consume(']')) return v;
            for (;;) {
                skipSpace();
                v.m_array.push_back(parseValue(depth + 1));
                skipSpace();
                if (consume(',')) continue;
                if (consume(']')) break;
                fail("expected ',' or ']' in an array");
            }
        } else if (c == '"') {
            v.m_type = JsonValue::Type::String;
            v.m_string = parseString();
        } else if (c == 't' || c == 'f' || c == 'n') {
            const auto word = [&](std::string_view w) {
                if (m_text.substr(m_pos, w.size()) != w) fail("unknown word");
                m_pos += w.size();
            };
            if (c == 't') {
                word("true");
                v.m_type = JsonValue::Type::Bool;
                v.m_bool = true;
            } else if (c == 'f') {
                word("false");
                v.m_type = JsonValue::Type::Bool;
            } else {
                word("null");
            }
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const size_t start = m_pos;
            if (c == '-') ++m_pos;
            while (m_pos < m_text.size() && std::string_view("0123456789.eE+-").find(m_text[m_pos]) != std::string_view::npos) ++m_pos;
            const std::string num(m_text.substr(start, m_pos - start));
            char* end = nullptr;
            v.m_number = std::strtod(num.c_str(), &end);
            if (end != num.c_str() + num.size()) fail("bad number \"" + num + "\"");
            v.m_type = JsonValue::Type::Number;
        } else {
            fail(std::string("unexpected character '") + c + "'");
        }
        return v;
    }

    static void appendUtf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }

    unsigned hex4() {
        if (m_pos + 4 > m_text.size()) fail("truncated \\u escape");
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = m_text[m_pos++];
            cp <<= 4;
            if (h >= '0' && h <= '9')
                cp |= unsigned(h - '0');
            else if (h >= 'a' && h <= 'f')
                cp |= unsigned(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                cp |= unsigned(h - 'A' + 10);
            else
                fail("bad \\u escape");
        }
        return cp;
    }

    std::string parseString() {
        ++m_pos;  // opening quote
        std::string out;
        for (;;) {
            if (m_pos >= m_text.size()) fail("unterminated string");
            const char c = m_text[m_pos++];
            if (c == '"') break;
            if (c == '\n') fail("line break inside a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size()) fail("unterminated string");
            const char e = m_text[m_pos++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && m_text.substr(m_pos, 2) == "\\u") {
                        m_pos += 2;
                        const unsigned lo = hex4();
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default:
                    fail(std::string("bad escape \\") + e);
            }
        }
        return out;
    }

    std::string_view m_text;
    const std::string& m_file;
    size_t m_pos = 0;
    int m_line = 1;
};

JsonValue parseJson(std::string_view text, const std::string& file) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return JsonParser(text, file).parseDocument();
}

JsonValue readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError({path, "", "", ""}, "cannot read the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parseJson(ss.str(), path);
}

}  // namespace ruralatlas
