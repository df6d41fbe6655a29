// Atlases (图集): one page per township, village or resettlement site, all on one layout
// template, with a cover, a table of contents, bookmarks, vector pages with the embedded CJK
// font, optional PNG copies of every page. Pages are drawn on both cores in chunks, each chunk
// streamed to its own PDF part, and the parts bound into the book (pdf_book.hpp): the book is
// never held in memory.
#pragma once
#include <QStringList>
#include <memory>
#include <string>
#include <vector>

#include "atlas/atlas_data.hpp"
#include "atlas/layout.hpp"
#include "atlas/page_painter.hpp"
#include "core/feedback.hpp"

namespace ruralatlas::atlas {

struct AtlasOptions {
    std::string project;
    std::string layout;  // template file
    // More templates, printed after `layout` for each feature (a map set: the four village-plan
    // maps of each village in a row); the book's outline gives each feature its maps.
    std::vector<std::string> moreLayouts;
    std::string bookTitle;  // the cover title ({county_name} ...) instead of the first template's
    PageKind by = PageKind::Villages;
    std::string where;   // attribute filter on the page layer (the port's SQL subset)
    std::string sort;    // field, '-' prefix for descending
    std::string out;     // .pdf
    std::string pngDir;  // also write every page as PNG here ("" = no)
    double pngDpi = 150;
    std::vector<std::string> results;  // result files (coverage, gaps) to use instead of running the analyses
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

// What the pages print, read and computed before the first page is drawn. host::AtlasJob builds
// it (runs the analyses the layout needs, reads the project and the results through the port);
// this library only lays out and draws.
struct AtlasPlan {
    Layout layout;
    FrameStyles styles;
    std::shared_ptr<const render::MapData> data;
    AtlasData atlas;
};

// Paginates and draws the book of `plan` into options.out (and page PNGs). Progress goes to
// `feedback` (called from this thread only); cancel() stops between pages and leaves no output
// file. Fills the report's page counts, warnings, drawSeconds and totalSeconds (this step's).
AtlasReport printAtlas(const AtlasPlan& plan, const AtlasOptions& options, Feedback& feedback);
// A map set: for each feature, one page of every plan in turn (all plans have the same pages;
// the cover, contents and page data of the first).
AtlasReport printAtlas(const std::vector<const AtlasPlan*>& plans, const AtlasOptions& options, Feedback& feedback);

// The templates of a set file ({"templates": ["a.json", ...], "book_title": ...}, paths relative
// to it) or the file itself when it is a single template; `bookTitle` gets the set's title.
std::vector<std::string> expandLayoutSet(const std::string& path, std::string* bookTitle = nullptr);

}  // namespace ruralatlas::atlas
