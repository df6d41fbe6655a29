// Number formatting for summaries and reports.
#pragma once
#include <charconv>
#include <cstdio>
#include <string>

namespace ruralatlas {

// Fixed-point text of v, rounded as printf's "%.*f" does (to_chars: a national summary formats
// a few hundred thousand numbers, and snprintf was half its time).
inline std::string fmt(double v, int decimals = 1) {
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    if (r.ec != std::errc()) {
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
        return buf;
    }
    return std::string(buf, r.ptr);
}

}  // namespace ruralatlas
