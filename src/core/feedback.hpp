// Progress and cancellation for long work (as QGIS's QgsFeedback): core code reports into it,
// the command line draws a progress bar, the desktop app turns it into signals.
#pragma once
#include <atomic>
#include <functional>
#include <string>

namespace ruralatlas {

class Feedback {
public:
    using ProgressSink = std::function<void(double fraction, const std::string& stage)>;

    Feedback() = default;
    explicit Feedback(ProgressSink sink) : m_sink(std::move(sink)) {}

    // fraction in [0, 1]; stage is a short user-facing label.
    void setProgress(double fraction, const std::string& stage = {}) {
        if (m_sink) m_sink(fraction, stage);
    }
    void cancel() noexcept { m_cancelled.store(true); }
    bool isCancelled() const noexcept { return m_cancelled.load(); }
    // Throws Cancelled when cancel() was called: call it between units of work.
    void checkCancelled() const;

private:
    ProgressSink m_sink;
    std::atomic<bool> m_cancelled{false};
};

}  // namespace ruralatlas
