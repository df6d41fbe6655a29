// Atlases (图集): one page per township, village or resettlement site, all on one layout
// template, with a cover, a table of contents, bookmarks, vector pages with the embedded CJK
// font, optional PNG copies of every page. Pages are drawn on both cores in chunks, each chunk
// streamed to its own PDF part, and the parts bound into the book (pdf_book.hpp): the book is
// never held in memory.
#pragma once
#include <QStringList>
#include <string>
#include <vector>

#include "atlas/layout.hpp"
#include "core/feedback.hpp"

namespace ruralatlas::analysis {
class Registry;
}

namespace ruralatlas::atlas {

struct AtlasOptions {
    std::string project;
    std::string layout;  // template file
    PageKind by = PageKind::Villages;
    std::string where;   // OGR SQL filter on the page layer
    std::string sort;    // field, '-' prefix for descending
    std::string out;     // .pdf
    std::string pngDir;  // also write every page as PNG here ("" = no)
    double pngDpi = 150;
    std::vector<std::string> results;  // coverage/gaps GeoPackages to use instead of running the analyses
    int threads = 0;                   // 0 = every core
    bool frontMatter = true;           // cover and contents
};

struct AtlasReport {
    int pages = 0;         // in the book
    int featurePages = 0;  // one per selected feature
    int frontPages = 0;    // cover + contents
    std::vector<std::string> pngs;
    QStringList warnings;
    double analysisSeconds = 0, drawSeconds = 0, totalSeconds = 0;
    int threads = 1;
};

// Makes the atlas. Runs the coverage and gaps analyses the layout needs through `registry`
// unless given in `options.results`. Progress goes to `feedback` (called from this thread
// only); cancel() stops between pages and leaves no output file.
AtlasReport makeAtlas(const analysis::Registry& registry, const AtlasOptions& options, Feedback& feedback);

}  // namespace ruralatlas::atlas
