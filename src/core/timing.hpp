// Phase timings for profiling whole commands: set RURALATLAS_TIMING=1 and every PhaseTimer
// prints "[timing] name  12.3 ms (at 45.6 ms)" to stderr when it ends; the "at" figure is
// the time since the process started, so the dynamic loader's share shows too. Costs one
// getenv per timer when off.
#pragma once
#include <chrono>
#include <string>

namespace ruralatlas {

class PhaseTimer {
public:
    explicit PhaseTimer(std::string name);
    ~PhaseTimer();
    PhaseTimer(const PhaseTimer&) = delete;
    PhaseTimer& operator=(const PhaseTimer&) = delete;

private:
    std::string m_name;
    std::chrono::steady_clock::time_point m_start;
    bool m_on;
};

}  // namespace ruralatlas
