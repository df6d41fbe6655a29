// Text into XML (QGIS styles, spreadsheet parts): the five markup characters escaped, and the
// control characters XML 1.0 does not allow (all below 0x20 but tab, newline and return) dropped.
#pragma once
#include <string>
#include <string_view>

namespace ruralatlas {

inline std::string xmlEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
                out += c;
        }
    }
    return out;
}

}  // namespace ruralatlas
