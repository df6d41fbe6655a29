#include "host/run_analysis.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/timing.hpp"
#include "host/qgis_styles.hpp"
#include "io/gdal_util.hpp"
#include "io/gpkg_source.hpp"
#include "io/importer.hpp"
#include "io/project.hpp"
#include "io/result_files.hpp"
#include "io/server.hpp"

namespace ruralatlas::host {

namespace {
// What an analysis asks to keep in the project (analysis::ProjectWrite), in one transaction: the
// rows it replaces deleted, its rows added. A project made before the layer existed is upgraded
// first. Returns the rows written.
long long storeInProject(const std::string& path, const std::vector<analysis::ProjectWrite>& writes) {
    bool missing = false;
    {
        io::Project probe = io::Project::open(path, false);
        for (const auto& w : writes) missing = missing || !probe.dataset().GetLayerByName(w.table.name.c_str());
        if (missing && probe.isServer())
            throw DataError({path, writes.front().table.name},
                            "the server was made before this table existed: its administrator runs 'ruralatlas server init' on a new "
                            "server and pushes the counties again");
    }
    if (missing) io::upgradeProject(path);
    io::Project p = io::Project::open(path, true);
    GDALDataset& ds = p.dataset();
    if (io::startWriteTransaction(ds) != OGRERR_NONE) throw DataError({path}, "cannot start a transaction: " + io::lastGdalError());
    long long written = 0;
    try {
        for (const auto& w : writes) {
            OGRLayer& layer = p.layer(w.table.name);
            OGRFeatureDefn* defn = layer.GetLayerDefn();
            std::string quoted = "'";
            for (char c : w.replaceValue) quoted += c == '\'' ? std::string("''") : std::string(1, c);
            const std::string filter = "\"" + w.replaceField + "\" = " + quoted + "'";
            if (layer.SetAttributeFilter(filter.c_str()) != OGRERR_NONE)
                throw DataError({path, w.table.name, "", w.replaceField}, "cannot select the rows to replace: " + io::lastGdalError());
            std::vector<GIntBig> old;
            layer.ResetReading();
            for (auto& f : layer) old.push_back(f->GetFID());
            layer.SetAttributeFilter(nullptr);
            for (GIntBig fid : old)
                if (layer.DeleteFeature(fid) != OGRERR_NONE)
                    throw DataError({path, w.table.name, std::to_string(fid)}, "cannot replace the row: " + io::lastGdalError());
            std::vector<int> index;
            for (const auto& c : w.table.columns) {
                index.push_back(defn->GetFieldIndex(c.name.c_str()));
                if (index.back() < 0) throw DataError({path, w.table.name, "", c.name}, "the layer has no such field");
            }
            for (const auto& row : materialize(w.table)) {
                io::FeaturePtr f(OGRFeature::CreateFeature(defn));
                for (std::size_t c = 0; c < row.size(); ++c) {
                    if (const auto* t = std::get_if<std::string>(&row[c]))
                        f->SetField(index[c], t->c_str());
                    else if (const auto* i = std::get_if<long long>(&row[c]))
                        f->SetField(index[c], static_cast<GIntBig>(*i));
                    else if (const auto* x = std::get_if<double>(&row[c]))
                        f->SetField(index[c], *x);
                }
                if (layer.CreateFeature(f.get()) != OGRERR_NONE)
                    throw DataError({path, w.table.name}, "cannot write a row: " + io::lastGdalError());
                ++written;
            }
        }
        if (ds.CommitTransaction() != OGRERR_NONE) throw DataError({path}, io::commitFailure());
    } catch (...) {
        ds.RollbackTransaction();
        throw;
    }
    return written;
}
}  // namespace

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
        sink->write(result.tables, result.grids, source.epsg());
        if (!stylesFailed.empty())
            result.summaryText += "  注意：未能写入QGIS样式 / warning: QGIS styles not written: " + stylesFailed + "\n";
        result.summaryText += "  结果 / result: " + *out + "\n";
        if (!result.grids.empty() && (sink->isCsv() || sink->isXlsx()))
            result.summaryText += "  注意：栅格结果（" + result.grids.front().titleZh +
                                  "）只写入GeoPackage结果文件 / note: gridded results are written to a .gpkg result only\n";
    }
    return result;
}

analysis::AnalysisResult runAnalysis(const analysis::Analysis& a, const std::string& project, const analysis::ParamValues& params,
                                     Feedback& feedback) {
    analysis::AnalysisResult result;
    int epsg = 0;
    {
        const std::unique_ptr<ProjectSource> source = io::openProjectSource(project);
        epsg = source->epsg();
        result = runAnalysis(a, *source, params, feedback);
    }
    if (!result.projectGrids.empty()) {
        if (io::server::isServer(project)) {
            result.summaryText +=
                "  注意：服务器项目不保存栅格图层，评分栅格只在结果文件中 / note: a server project keeps no gridded layers but "
                "its DEM; the grid is in the result file only\n";
        } else {
            // Staged in a GeoPackage beside the project (same disk), then copied in, each grid in
            // one transaction replacing the last one of its name.
            PhaseTimer t("store grids in project");
            std::vector<ResultGrid> keep;
            for (const auto& g : result.grids)
                if (std::find(result.projectGrids.begin(), result.projectGrids.end(), g.name) != result.projectGrids.end())
                    keep.push_back(g);
            const ScratchFile stage(project + ".grids-staging.gpkg");
            std::string names;
            for (const auto& g : keep) {
                stage.remove();
                io::writeGridGpkg(stage.path(), g, epsg);
                io::copyRasterTable(project, stage.path(), g.name, true);
                names += (names.empty() ? "" : ", ") + g.name;
            }
            result.summaryText +=
                "  已写入项目 / stored in the project: " + names + "（栅格图层，替换上次的 / gridded layer, replacing the last one）\n";
        }
    }
    if (!result.projectWrites.empty()) {
        // Kept in the project, never in a result file (e.g. a household visit list).
        PhaseTimer t("store in project");
        const long long rows = storeInProject(project, result.projectWrites);
        std::string names;
        for (const auto& w : result.projectWrites) names += (names.empty() ? "" : ", ") + w.table.name;
        result.summaryText +=
            "  已写入项目 / stored in the project: " + names + "（" + std::to_string(rows) + " 行，只在项目中，不导出）\n";
        result.projectWrites.clear();
    }
    return result;
}

}  // namespace ruralatlas::host
