// Shared helpers for the service analyses' summaries.
#pragma once
#include <cstdio>
#include <string>

namespace ruralatlas::services {

inline std::string fmt(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace ruralatlas::services
