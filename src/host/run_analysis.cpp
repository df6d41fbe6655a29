#include "host/run_analysis.hpp"

#include <memory>
#include <optional>

#include "core/atomic_file.hpp"
#include "core/timing.hpp"
#include "host/qgis_styles.hpp"
#include "io/gpkg_source.hpp"
#include "io/result_files.hpp"
#include "io/server.hpp"

namespace ruralatlas::host {

analysis::AnalysisResult runAnalysis(const analysis::Analysis& a, ProjectSource& source, const analysis::ParamValues& params,
                                     Feedback& feedback) {
    std::optional<std::string> out;
    for (const auto& p : a.spec().params)
        if (p.type == analysis::ParamType::OutputPath && params.has(p.name)) {
            out = params.text(p.name);
            break;
        }
    // Results back into a server project: its own tables, one transaction (io/server.hpp).
    std::optional<io::server::ServerResultSink> serverSink;
    if (out && io::server::isServer(*out)) serverSink.emplace(*out);
    std::optional<io::FileResultSink> sink;
    if (out && !serverSink) sink.emplace(*out);  // a wrong extension is refused before the work
    analysis::AnalysisResult result = a.run(source, params, feedback);
    if (serverSink) {
        PhaseTimer t("write result");
        serverSink->write(result.tables, source.epsg());
        std::string names;
        for (const auto& table : result.tables)
            names += (names.empty() ? "" : ", ") + std::string(io::server::kResultSchema) + "." + table.name;
        result.summaryText += "  结果已写回服务器 / result written back to the server: " + names + "\n";
    }
    if (sink) {
        PhaseTimer t("write result");
        // A GeoPackage result opens in QGIS with its titles and our style, written in the same
        // transaction as the tables, into a new file or an existing one (a kill leaves all of it
        // or none). A style that cannot be translated is reported, not fatal; a failed write is.
        std::string stylesFailed;
        sink->setFinish([&](GDALDataset& ds, const std::string& file) {
            std::optional<QgisStylesPlan> plan;
            try {
                plan = planQgisStyles(ds, file);
            } catch (const std::exception& e) {
                stylesFailed = e.what();
                return;
            }
            storeQgisStyles(ds, *plan, file, file);
        });
        sink->write(result.tables, source.epsg());
        if (!stylesFailed.empty())
            result.summaryText += "  注意：未能写入QGIS样式 / warning: QGIS styles not written: " + stylesFailed + "\n";
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
