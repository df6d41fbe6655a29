// Binds PDF parts into one book. The two cores each write chunks of pages as separate PDFs
// with QPdfWriter (which can neither be shared between threads nor write bookmarks); this
// joins them in order, renumbering objects, and adds what Qt cannot: the bookmark tree
// (outline) and clickable links from the contents pages. It reads only the classic xref
// tables QPdfWriter writes, and copies every object byte for byte except page dictionaries'
// /Parent (and /Annots on pages that get links).
#pragma once
#include <QRectF>
#include <QString>
#include <string>
#include <vector>

namespace ruralatlas::atlas {

struct OutlineEntry {
    QString title;
    int page = 0;  // 0-based page of the finished book
    std::vector<OutlineEntry> children;
};

struct PageLink {
    int page = 0;        // the page carrying the link (0-based)
    QRectF rectMm;       // from the page's top-left corner, millimetres
    int targetPage = 0;  // where it leads (0-based)
};

struct BookInfo {
    QString title;
    QString subject;
    std::vector<OutlineEntry> outline;
    std::vector<PageLink> links;
};

// Writes `out` from `parts` (in order). Throws DataError naming the part when a part is not a
// PDF this function can read.
void bindPdf(const std::vector<std::string>& parts, const std::string& out, const BookInfo& info);

// The number of pages of a PDF written by QPdfWriter (or bindPdf); for tests and checks.
int pdfPageCount(const std::string& path);

}  // namespace ruralatlas::atlas
