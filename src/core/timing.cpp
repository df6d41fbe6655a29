#include "core/timing.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <utility>

namespace ruralatlas {

namespace {
bool timingOn() {
    static const bool on = [] {
        const char* e = std::getenv("RURALATLAS_TIMING");
        return e && *e && *e != '0';
    }();
    return on;
}
// Milliseconds since the process started: CLOCK_BOOTTIME against /proc/self/stat's start time
// (clock ticks since boot, so to 10 ms); 0 when /proc is missing.
double sinceStart() {
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    static const double startMs = [] {
        FILE* f = std::fopen("/proc/self/stat", "r");
        if (!f) return -1.0;
        char buf[1024];
        const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        buf[n] = 0;
        // Field 22 (starttime, clock ticks since boot) counts from after the ")" of the name.
        const char* p = buf;
        for (const char* q = buf; *q; ++q)
            if (*q == ')') p = q;
        int field = 2;
        for (; *p && field < 22; ++p)
            if (*p == ' ') ++field;
        return std::strtod(p, nullptr) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
    }();
    return startMs < 0 ? 0 : static_cast<double>(now.tv_sec) * 1000.0 + static_cast<double>(now.tv_nsec) / 1e6 - startMs;
}
}  // namespace

PhaseTimer::PhaseTimer(std::string name) : m_name(std::move(name)), m_start(std::chrono::steady_clock::now()), m_on(timingOn()) {}

PhaseTimer::~PhaseTimer() {
    if (!m_on) return;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start).count();
    std::fprintf(stderr, "[timing] %-28s %8.1f ms (at %.0f ms)\n", m_name.c_str(), ms, sinceStart());
}

}  // namespace ruralatlas
