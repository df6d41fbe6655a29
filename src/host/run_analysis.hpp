// What every front end (command line, desktop app, atlas, benchmarks) does to run an analysis on
// a project the user named: connect the data-access port's adapter, run the analysis, and write
// its result tables where its output parameter says. Analyses themselves never touch files; this
// is the one place that wires them to the io adapters.
#pragma once
#include <string>

#include "analysis/analysis.hpp"

namespace ruralatlas::host {

// Opens `project` (a GeoPackage path; a server connection with the PostGIS adapter), runs the
// analysis and writes its tables to the value of its OutputPath parameter (when it has one and
// it is set). The output's extension is checked before the analysis runs. The summary text
// gains a last line naming the output.
analysis::AnalysisResult runAnalysis(const analysis::Analysis& analysis, const std::string& project, const analysis::ParamValues& params,
                                     Feedback& feedback);

// The same on a source already open (its connection is used from this thread).
analysis::AnalysisResult runAnalysis(const analysis::Analysis& analysis, ProjectSource& source, const analysis::ParamValues& params,
                                     Feedback& feedback);

}  // namespace ruralatlas::host
