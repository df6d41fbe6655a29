// Draws atlas pages (feature pages, the cover, the contents) on any QPainter: QPdfWriter for
// the book, QImage for PNG copies. One PagePainter per thread: it owns its map renderers
// (symbol caches), shares the read-only map data, styles and atlas data.
#pragma once
#include <QPainter>
#include <QString>
#include <map>
#include <memory>
#include <vector>

#include "atlas/atlas_data.hpp"
#include "atlas/layout.hpp"
#include "render/renderer.hpp"

namespace ruralatlas::atlas {

// Styles per map frame, bound once to the shared map data (see makeFrameStyles).
struct FrameStyles {
    std::vector<std::unique_ptr<render::Style>> styles;  // parallel to layout.frames (null for non-map frames)
    std::unique_ptr<render::Style> cover;                // the cover's county map
};
// Loads each map frame's styles. A frame that draws an analysis ("coverage": KIND) has its
// wildcard style sources ("coverage_*") bound to the result layers the host says that run
// returns (frameResults: the frame's key -> the run's output names, from Analysis::outputNames).
FrameStyles loadFrameStyles(const Layout& layout, const std::map<std::string, std::vector<std::string>>& frameResults);
// Everything the styles need from the data, for MapData::load.
std::vector<render::LayerRequest> frameRequests(const FrameStyles& styles);
void bindFrameStyles(const FrameStyles& styles, const render::MapData& data);

// One contents line.
struct ContentsLine {
    QString text;
    int page = 0;  // 1-based page number printed (0 = a heading without a page)
    bool heading = false;
};

class PagePainter {
public:
    PagePainter(const Layout& layout, const FrameStyles& styles, std::shared_ptr<const render::MapData> data, const AtlasData& atlas);
    ~PagePainter();

    // Draws page `index` of atlas.pages as book page `pageNumber` (1-based), `pagePx` being
    // the device size. Returns warnings (e.g. characters missing from the font).
    QStringList drawFeaturePage(QPainter& p, size_t index, int pageNumber, QSizeF pagePx, double dpi, bool vector);
    // `maps`: the titles of a map set's templates (each feature gets one page of each).
    void drawCover(QPainter& p, const QString& title, int featurePages, QSizeF pagePx, double dpi, bool vector,
                   const QStringList& maps = {});
    // Draws contents lines [first, last) as contents page `n` of `total`; returns the
    // rectangles (mm) of the lines that lead to pages, for links.
    std::vector<std::pair<QRectF, int>> drawContents(QPainter& p, const std::vector<ContentsLine>& lines, size_t first, size_t last, int n,
                                                     int total, QSizeF pagePx, double dpi);
    // How many contents lines fit on one page.
    int contentsLinesPerPage() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ruralatlas::atlas
