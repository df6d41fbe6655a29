// Atlas layout templates (styles/atlas/*.json, documented in styles/atlas/README.md): paper,
// margins and frames placed in millimetres — maps, overview inset, texts built from fields,
// legend, scale bar, north arrow, tables, charts, page number and footer. Loading checks every
// frame against the page and every {field} against the data model, with errors naming the
// file, line and key.
#pragma once
#include <QColor>
#include <QRectF>
#include <QSizeF>
#include <string>
#include <vector>

namespace ruralatlas::atlas {

// What one page is about.
enum class PageKind { Townships, Villages, ResettlementSites, County };
PageKind parsePageKind(const std::string& by);  // "townships" | "villages" | "resettlement_sites" | "county"
const char* pageKindName(PageKind kind);        // the same words
const char* pageKindLayer(PageKind kind);       // the data-model layer the pages come from

enum class FrameType { Map, Overview, Text, Legend, ScaleBar, North, Table, Chart, PageNumber, Footer, Box };

struct CoverageRequest {
    std::string kind;  // facilities.kind
    std::string mode;  // straight | road | walk
};

struct Frame {
    FrameType type = FrameType::Text;
    std::string id;
    QRectF rectMm;  // on the page, from the top-left corner
    int line = 0;   // in the template file

    // map / overview
    std::vector<std::string> styles;  // resolved paths
    std::string coverage;             // map: draw the coverage result of this facility kind
    double margin = 0.12;             // around the page's feature, fraction of its size
    bool highlight = true;            // outline the page's feature
    double dim = 0.55;                // white veil over everything outside the feature (0 = none)
    double radiusM = 0;               // villages without boundaries: radius of the highlighted area (0 = automatic)
    bool frameBorder = true;
    // text, page number
    std::string text;     // with {field} placeholders
    double sizeMm = 3.5;  // text height
    bool bold = false;
    int align = 0;  // Qt::Alignment flags
    QColor color = Qt::black;
    QColor fill;  // box / text background (invalid = none)
    // legend, scale bar, north: the map frame they describe
    std::string map;
    // table, chart
    std::string source;
    std::string title;
    std::vector<std::string> fields;  // figures: which fields
    int maxRows = 0;                  // 0 = as many as fit
};

struct Layout {
    std::string file;
    std::string name;
    std::vector<PageKind> by;  // what pages this layout is made for
    std::string paper;         // A4 | A3
    bool landscape = false;
    QSizeF pageMm;
    double marginsMm[4] = {10, 10, 10, 10};  // top, right, bottom, left (cover and contents)
    std::string bookTitle;                   // cover title, with {county_name}
    std::vector<Frame> frames;
    std::vector<CoverageRequest> coverage;  // analyses the pages need
    bool gaps = false;

    const Frame* frame(const std::string& id) const;
};

// Figures of a township page summed over its villages (households under 5 suppressed).
inline constexpr const char* kTownshipTotals[] = {"village_count", "former_poor_villages", "population",
                                                  "households",    "poor_households",      "monitored_households"};
// Fields a {placeholder} or table may use for a page kind: the data-model layer's fields plus
// county_name, township_name, township_code (villages), data_date, page.
bool knownField(PageKind kind, const std::string& field);
// Sources a table or chart may take for a page kind.
bool knownSource(FrameType type, PageKind kind, const std::string& source);

// Loads and checks a layout for pages of `kind`. `sections` are the atlas sections plugins
// contribute for this page kind (also valid table sources). Throws DataError (file, line, key)
// for a syntax error, an unknown key, type or field, a frame off the page, or a layout not made
// for `kind`.
Layout loadLayout(const std::string& path, PageKind kind, const std::vector<std::string>& sections = {});

// The {field} placeholders of a text, in order.
std::vector<std::string> placeholders(const std::string& text);

}  // namespace ruralatlas::atlas
