#include "host/run_analysis.hpp"

#include <memory>
#include <optional>

#include "core/atomic_file.hpp"
#include "core/timing.hpp"
#include "host/qgis_styles.hpp"
#include "io/gpkg_source.hpp"
#include "io/result_files.hpp"

namespace ruralatlas::host {

analysis::AnalysisResult runAnalysis(const analysis::Analysis& a, ProjectSource& source, const analysis::ParamValues& params,
                                     Feedback& feedback) {
    std::optional<std::string> out;
    for (const auto& p : a.spec().params)
        if (p.type == analysis::ParamType::OutputPath && params.has(p.name)) {
            out = params.text(p.name);
            break;
        }
    std::optional<io::FileResultSink> sink;
    if (out) sink.emplace(*out);  // a wrong extension is refused before the work
    analysis::AnalysisResult result = a.run(source, params, feedback);
    if (sink) {
        PhaseTimer t("write result");
        sink->write(result.tables, source.epsg());
        // A GeoPackage result opens in QGIS with its titles and our style.
        // The result itself is committed by now: a failure here is reported, not fatal.
        if (extensionOf(*out) == "gpkg") {
            try {
                writeQgisStyles(*out);
            } catch (const std::exception& e) {
                result.summaryText += "  注意：未能写入QGIS样式 / warning: QGIS styles not written: " + std::string(e.what()) + "\n";
            }
        }
        result.summaryText += "  结果 / result: " + *out + "\n";
    }
    return result;
}

analysis::AnalysisResult runAnalysis(const analysis::Analysis& a, const std::string& project, const analysis::ParamValues& params,
                                     Feedback& feedback) {
    const std::unique_ptr<ProjectSource> source = io::openProjectSource(project);
    return runAnalysis(a, *source, params, feedback);
}

}  // namespace ruralatlas::host
