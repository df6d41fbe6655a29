// Inside the main window (not a public header): helpers and the analysis run record its feature
// files share (main_window.cpp wires them; layers_panel, identify_panel, attribute_table,
// analysis_runs and import_dialog hold one feature each).
#pragma once
#include <QString>
#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "core/feedback.hpp"
#include "core/install_paths.hpp"
#include "core/schema.hpp"
#include "io/result_files.hpp"

namespace ruralatlas::app {

inline QString qs(const std::string& s) { return QString::fromStdString(s); }

// A result file's styles: those its tables name (the plugin's default styles), as files.
inline std::vector<std::string> stylesFor(const QString& resultFile) {
    std::vector<std::string> out;
    for (const auto& ref : io::resultStyles(resultFile.toStdString())) out.push_back(pluginStylePath(ref));
    return out;
}

inline QString fieldTitle(const LayerDef* def, const std::string& field) {
    if (def)
        if (const FieldDef* f = def->field(field)) return qs(std::string(f->titleZh));
    return qs(field);
}

inline QString displayValue(const LayerDef* def, const std::string& field, const std::string& value) {
    if (def)
        if (const FieldDef* f = def->field(field); f && !f->enumeration.empty())
            if (const auto t = codeTitle(f->enumeration, value)) return qs(std::string(*t)) + " (" + qs(value) + ")";
    return qs(value);
}

inline QString degrees(double v, bool lon) {
    const double a = std::fabs(v);
    const int d = int(a), m = int((a - d) * 60);
    const double s = ((a - d) * 60 - m) * 60;
    return QStringLiteral("%1°%2′%3″%4")
        .arg(d)
        .arg(m, 2, 10, QChar('0'))
        .arg(s, 4, 'f', 1, QChar('0'))
        .arg(lon ? (v >= 0 ? "E" : "W") : (v >= 0 ? "N" : "S"));
}

struct MainWindow::Run {
    std::unique_ptr<Feedback> fb;
    Feedback& feedback() { return *fb; }
    std::string name;
    std::string out;
    std::atomic<double> progress{0};
};

}  // namespace ruralatlas::app
