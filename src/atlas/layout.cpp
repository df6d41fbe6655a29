#include "atlas/layout.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "core/json_value.hpp"
#include "core/schema.hpp"
#include "render/gui_session.hpp"
#include "render/map_output.hpp"

namespace ruralatlas::atlas {

namespace fs = std::filesystem;

PageKind parsePageKind(const std::string& by) {
    if (by == "townships") return PageKind::Townships;
    if (by == "villages") return PageKind::Villages;
    if (by == "resettlement_sites") return PageKind::ResettlementSites;
    if (by == "county") return PageKind::County;
    throw UsageError("--by: \"" + by + "\" is not one of townships, villages, resettlement_sites, county");
}

const char* pageKindName(PageKind kind) {
    switch (kind) {
        case PageKind::Townships:
            return "townships";
        case PageKind::Villages:
            return "villages";
        case PageKind::ResettlementSites:
            return "resettlement_sites";
        case PageKind::County:
            return "county";
    }
    return "";
}

const char* pageKindLayer(PageKind kind) { return pageKindName(kind); }

const Frame* Layout::frame(const std::string& id) const {
    for (const auto& f : frames)
        if (f.id == id) return &f;
    return nullptr;
}

namespace {

[[noreturn]] void fail(const std::string& file, int line, const std::string& key, const std::string& what) {
    throw DataError({file, "", "line " + std::to_string(line), ""}, "key \"" + key + "\": " + what);
}

const std::string& str(const JsonValue& v, const std::string& file, const std::string& key) {
    if (!v.isString()) fail(file, v.line(), key, "expected a string");
    return v.string();
}
double num(const JsonValue& v, const std::string& file, const std::string& key) {
    if (!v.isNumber()) fail(file, v.line(), key, "expected a number");
    return v.number();
}
bool boolean(const JsonValue& v, const std::string& file, const std::string& key) {
    if (!v.isBool()) fail(file, v.line(), key, "expected true or false");
    return v.boolean();
}
std::vector<std::string> strings(const JsonValue& v, const std::string& file, const std::string& key) {
    std::vector<std::string> out;
    if (v.isString()) return {v.string()};
    if (!v.isArray()) fail(file, v.line(), key, "expected a string or an array of strings");
    for (const auto& e : v.array()) out.push_back(str(e, file, key));
    return out;
}

FrameType parseFrameType(const JsonValue& v, const std::string& file) {
    static const std::vector<std::pair<const char*, FrameType>> types = {{"map", FrameType::Map},
                                                                         {"overview", FrameType::Overview},
                                                                         {"text", FrameType::Text},
                                                                         {"legend", FrameType::Legend},
                                                                         {"scalebar", FrameType::ScaleBar},
                                                                         {"north", FrameType::North},
                                                                         {"table", FrameType::Table},
                                                                         {"chart", FrameType::Chart},
                                                                         {"page_number", FrameType::PageNumber},
                                                                         {"footer", FrameType::Footer},
                                                                         {"box", FrameType::Box}};
    const std::string& t = str(v, file, "type");
    std::string list;
    for (const auto& [name, type] : types) {
        if (t == name) return type;
        list += std::string(list.empty() ? "" : ", ") + name;
    }
    fail(file, v.line(), "type", "\"" + t + "\" is not one of " + list);
}

// A style named in a template: relative to the template's folder, else the shipped styles, else
// a plugin's default style named "PLUGIN/FILE.json".
std::string resolveStyle(const std::string& name, const std::string& templateFile, int line) {
    if (name.empty()) fail(templateFile, line, "style", "empty file name");
    if (fs::path(name).is_absolute()) {
        if (!fs::exists(name)) fail(templateFile, line, "style", "no such file: " + name);
        return name;
    }
    const fs::path local = fs::path(templateFile).parent_path() / name;
    if (fs::exists(local)) return local.lexically_normal().string();
    const fs::path shipped = fs::path(render::stylesDir()) / name;
    if (fs::exists(shipped)) return shipped.lexically_normal().string();
    if (const std::string plugin = pluginStylePath(name); !plugin.empty() && fs::exists(plugin))
        return fs::path(plugin).lexically_normal().string();
    fail(templateFile, line, "style",
         "no style file \"" + name + "\" next to the template, in " + render::stylesDir() + " or in a plugin's styles");
}

int parseAlign(const JsonValue& v, const std::string& file) {
    const std::string& a = str(v, file, "align");
    if (a == "left") return Qt::AlignLeft | Qt::AlignVCenter;
    if (a == "center") return Qt::AlignHCenter | Qt::AlignVCenter;
    if (a == "right") return Qt::AlignRight | Qt::AlignVCenter;
    if (a == "top-left") return Qt::AlignLeft | Qt::AlignTop;
    fail(file, v.line(), "align", "\"" + a + "\" is not one of left, center, right, top-left");
}

QColor parseColour(const JsonValue& v, const std::string& file, const std::string& key) {
    const QColor c(QString::fromStdString(str(v, file, key)));
    if (!c.isValid()) fail(file, v.line(), key, "\"" + v.string() + "\" is not a colour such as \"#3a7bd5\"");
    return c;
}

void checkFields(const std::string& text, PageKind kind, const std::string& file, int line, const std::string& key) {
    for (const auto& f : placeholders(text))
        if (!knownField(kind, f))
            fail(file, line, key,
                 "unknown field {" + f + "} for " + pageKindName(kind) + " pages (fields of the " + pageKindLayer(kind) +
                     " layer, or county_name, township_name, data_date, page)");
}

Frame parseFrame(const JsonValue& fj, const std::string& file, PageKind kind, const std::vector<std::string>& sections) {
    if (!fj.isObject()) fail(file, fj.line(), "frames", "each frame is an object");
    Frame f;
    f.line = fj.line();
    const JsonValue* type = fj.find("type");
    if (!type) fail(file, fj.line(), "type", "missing");
    f.type = parseFrameType(*type, file);
    // Defaults per type.
    if (f.type == FrameType::PageNumber) {
        f.text = "{page}";
        f.sizeMm = 3;
        f.align = Qt::AlignRight | Qt::AlignVCenter;
    } else if (f.type == FrameType::Footer) {
        f.sizeMm = 2.4;
        f.align = Qt::AlignLeft | Qt::AlignVCenter;
    } else if (f.type == FrameType::Text) {
        f.align = Qt::AlignLeft | Qt::AlignVCenter;
    } else if (f.type == FrameType::Overview) {
        f.margin = 0.05;
    } else if (f.type == FrameType::Table || f.type == FrameType::Chart) {
        f.sizeMm = 2.4;
    }
    bool hasRect = false;
    for (const auto& [key, v] : fj.members()) {
        if (key == "type" || key == "comment") continue;
        if (key == "id")
            f.id = str(v, file, key);
        else if (key == "rect") {
            if (!v.isArray() || v.array().size() != 4) fail(file, v.line(), key, "expected [x, y, width, height] in millimetres");
            double r[4];
            for (int i = 0; i < 4; ++i) r[i] = num(v.array()[size_t(i)], file, key);
            if (r[2] <= 0 || r[3] <= 0) fail(file, v.line(), key, "width and height must be positive");
            f.rectMm = QRectF(r[0], r[1], r[2], r[3]);
            hasRect = true;
        } else if (key == "style" && (f.type == FrameType::Map || f.type == FrameType::Overview)) {
            for (const auto& s : strings(v, file, key)) f.styles.push_back(resolveStyle(s, file, v.line()));
        } else if (key == "coverage" && f.type == FrameType::Map) {
            f.coverage = str(v, file, key);
            const Enumeration* kinds = findEnumeration("facility_kind");
            if (kinds && !kinds->resolve(f.coverage)) fail(file, v.line(), key, "\"" + f.coverage + "\" is not a facility kind");
        } else if (key == "margin" && (f.type == FrameType::Map || f.type == FrameType::Overview)) {
            f.margin = num(v, file, key);
            if (f.margin < 0 || f.margin > 5) fail(file, v.line(), key, "a margin is a fraction of the feature's size, 0 to 5");
        } else if (key == "highlight" && (f.type == FrameType::Map || f.type == FrameType::Overview)) {
            f.highlight = boolean(v, file, key);
        } else if (key == "dim" && f.type == FrameType::Map) {
            f.dim = num(v, file, key);
            if (f.dim < 0 || f.dim > 1) fail(file, v.line(), key, "dim is an opacity between 0 and 1");
        } else if (key == "radius_m" && f.type == FrameType::Map) {
            f.radiusM = num(v, file, key);
            if (f.radiusM < 0) fail(file, v.line(), key, "must not be negative");
        } else if (key == "border") {
            f.frameBorder = boolean(v, file, key);
        } else if (key == "text" && (f.type == FrameType::Text || f.type == FrameType::PageNumber || f.type == FrameType::Footer)) {
            f.text = str(v, file, key);
            checkFields(f.text, kind, file, v.line(), key);
        } else if (key == "size" && f.type != FrameType::Map && f.type != FrameType::Overview) {
            f.sizeMm = num(v, file, key);
            if (f.sizeMm <= 0 || f.sizeMm > 50) fail(file, v.line(), key, "a text size in millimetres, above 0 and at most 50");
        } else if (key == "bold") {
            f.bold = boolean(v, file, key);
        } else if (key == "align") {
            f.align = parseAlign(v, file);
        } else if (key == "color") {
            f.color = parseColour(v, file, key);
        } else if (key == "fill") {
            f.fill = parseColour(v, file, key);
        } else if (key == "map" && (f.type == FrameType::Legend || f.type == FrameType::ScaleBar || f.type == FrameType::North)) {
            f.map = str(v, file, key);
        } else if (key == "source" && (f.type == FrameType::Table || f.type == FrameType::Chart)) {
            f.source = str(v, file, key);
            const bool section = std::find(sections.begin(), sections.end(), f.source) != sections.end();
            if (!section && !knownSource(f.type, kind, f.source)) {
                std::string more;
                for (const auto& s : sections) more += ", " + s;
                fail(file, v.line(), key,
                     "\"" + f.source + "\" is not a " + (f.type == FrameType::Table ? "table" : "chart") + " source for " +
                         pageKindName(kind) + " pages (tables: figures, industry, relocations" + more + "; charts: hardship_causes" + more +
                         ")");
            }
        } else if (key == "title" && (f.type == FrameType::Table || f.type == FrameType::Chart || f.type == FrameType::Legend)) {
            f.title = str(v, file, key);
            checkFields(f.title, kind, file, v.line(), key);
        } else if (key == "fields" && f.type == FrameType::Table) {
            f.fields = strings(v, file, key);
            for (const auto& name : f.fields)
                if (!knownField(kind, name))
                    fail(file, v.line(), key, "unknown field \"" + name + "\" for " + pageKindName(kind) + " pages");
        } else if (key == "max_rows" && f.type == FrameType::Table) {
            const double n = num(v, file, key);
            if (n < 0 || n != std::floor(n)) fail(file, v.line(), key, "a whole number of rows");
            f.maxRows = int(n);
        } else {
            fail(file, v.line(), key, "unknown key for a frame of this type");
        }
    }
    if (!hasRect) fail(file, fj.line(), "rect", "missing: every frame needs [x, y, width, height] in millimetres");
    if ((f.type == FrameType::Map || f.type == FrameType::Overview) && f.styles.empty())
        f.styles.push_back(resolveStyle(f.type == FrameType::Map ? "county.json" : "atlas/overview.json", file, fj.line()));
    if ((f.type == FrameType::Table || f.type == FrameType::Chart) && f.source.empty())
        fail(file, fj.line(), "source", "missing: say what the " + std::string(f.type == FrameType::Table ? "table" : "chart") + " shows");
    if (f.type == FrameType::Table && f.source == "figures" && f.fields.empty())
        fail(file, fj.line(), "fields", "a figures table lists the fields it shows");
    if (f.type == FrameType::Text && f.text.empty()) fail(file, fj.line(), "text", "missing");
    return f;
}

}  // namespace

std::vector<std::string> placeholders(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = text.find('{', pos)) != std::string::npos) {
        const size_t end = text.find('}', pos);
        if (end == std::string::npos) break;
        out.push_back(text.substr(pos + 1, end - pos - 1));
        pos = end + 1;
    }
    return out;
}

bool knownField(PageKind kind, const std::string& field) {
    if (field == "county_name" || field == "data_date" || field == "page") return true;
    if (field == "township_name" || field == "township_code")
        return kind != PageKind::County && (kind != PageKind::ResettlementSites || field == "township_name");
    if (kind == PageKind::ResettlementSites && field == "host_village_name") return true;
    if (kind == PageKind::Townships || kind == PageKind::County)
        for (const char* f : kTownshipTotals)
            if (field == f) return true;
    const LayerDef* def = findLayer(pageKindLayer(kind));
    return def && def->field(field);
}

bool knownSource(FrameType type, PageKind kind, const std::string& source) {
    if (type == FrameType::Chart) return source == "hardship_causes" && kind != PageKind::ResettlementSites;
    if (source == "figures") return true;
    switch (kind) {
        case PageKind::Villages:
        case PageKind::Townships:
        case PageKind::County:
            return source == "industry";
        case PageKind::ResettlementSites:
            return source == "relocations";
    }
    return false;
}

// Long on purpose: the keys of a layout file, each checked where it is read so a message names
// its line.
Layout loadLayout(const std::string& path, PageKind kind, const std::vector<std::string>& sections) {
    const JsonValue doc = readJsonFile(path);
    if (!doc.isObject()) fail(path, doc.line(), "(document)", "a layout is a JSON object with \"paper\" and \"frames\"");
    Layout layout;
    layout.file = path;
    std::string orientation = "portrait";
    int paperLine = doc.line();
    for (const auto& [key, v] : doc.members()) {
        if (key == "version") {
            if (!v.isNumber() || v.number() != 1) fail(path, v.line(), key, "only version 1 is known");
        } else if (key == "name") {
            layout.name = str(v, path, key);
        } else if (key == "description" || key == "comment") {
        } else if (key == "by") {
            for (const auto& b : strings(v, path, key)) {
                try {
                    layout.by.push_back(parsePageKind(b));
                } catch (const UsageError&) {
                    fail(path, v.line(), key, "\"" + b + "\" is not one of townships, villages, resettlement_sites");
                }
            }
        } else if (key == "paper") {
            layout.paper = str(v, path, key);
            paperLine = v.line();
        } else if (key == "orientation") {
            orientation = str(v, path, key);
            if (orientation != "portrait" && orientation != "landscape") fail(path, v.line(), key, "portrait or landscape");
        } else if (key == "margins") {
            if (!v.isArray() || v.array().size() != 4) fail(path, v.line(), key, "expected [top, right, bottom, left] in millimetres");
            for (int i = 0; i < 4; ++i) layout.marginsMm[i] = num(v.array()[size_t(i)], path, key);
        } else if (key == "book_title") {
            layout.bookTitle = str(v, path, key);
            for (const auto& f : placeholders(layout.bookTitle))
                if (f != "county_name" && f != "data_date")
                    fail(path, v.line(), key, "only {county_name} and {data_date} can go in a book title");
        } else if (key == "analyses") {
            if (!v.isObject()) fail(path, v.line(), key, "expected an object with coverage and gaps");
            for (const auto& [ak, av] : v.members()) {
                if (ak == "gaps")
                    layout.gaps = boolean(av, path, ak);
                else if (ak == "coverage") {
                    if (!av.isArray()) fail(path, av.line(), ak, "expected an array of {\"kind\", \"mode\"}");
                    for (const auto& c : av.array()) {
                        if (!c.isObject()) fail(path, c.line(), ak, "expected {\"kind\", \"mode\"}");
                        CoverageRequest r{"", "road"};
                        for (const auto& [ck, cv] : c.members()) {
                            if (ck == "kind")
                                r.kind = str(cv, path, ck);
                            else if (ck == "mode")
                                r.mode = str(cv, path, ck);
                            else
                                fail(path, cv.line(), ck, "unknown key (expected kind, mode)");
                        }
                        const Enumeration* kinds = findEnumeration("facility_kind");
                        if (r.kind.empty() || (kinds && !kinds->resolve(r.kind)))
                            fail(path, c.line(), "kind", "\"" + r.kind + "\" is not a facility kind");
                        if (r.mode != "straight" && r.mode != "road" && r.mode != "walk")
                            fail(path, c.line(), "mode", "\"" + r.mode + "\" is not one of straight, road, walk");
                        layout.coverage.push_back(r);
                    }
                } else
                    fail(path, av.line(), ak, "unknown key (expected coverage, gaps)");
            }
        } else if (key != "frames") {
            fail(path, v.line(), key,
                 "unknown key (expected version, name, by, paper, orientation, margins, book_title, analyses, frames)");
        }
    }
    if (layout.paper.empty()) fail(path, doc.line(), "paper", "missing (A4 or A3)");
    if (layout.paper != "A4" && layout.paper != "A3") fail(path, paperLine, "paper", "\"" + layout.paper + "\" is not A4 or A3");
    layout.landscape = orientation == "landscape";
    layout.pageMm = render::paperMm(layout.paper, layout.landscape);
    if (!layout.by.empty() && std::find(layout.by.begin(), layout.by.end(), kind) == layout.by.end()) {
        std::string list;
        for (auto b : layout.by) list += std::string(list.empty() ? "" : ", ") + pageKindName(b);
        fail(path, doc.line(), "by", std::string("this layout is made for ") + list + " pages, not " + pageKindName(kind));
    }
    const JsonValue* frames = doc.find("frames");
    if (!frames || !frames->isArray() || frames->array().empty()) fail(path, doc.line(), "frames", "missing or empty");
    for (const auto& fj : frames->array()) layout.frames.push_back(parseFrame(fj, path, kind, sections));

    // Every frame on the page; ids unique; furniture points at a map frame; coverage analysed.
    const double w = layout.pageMm.width(), h = layout.pageMm.height(), tol = 0.01;
    for (size_t i = 0; i < layout.frames.size(); ++i) {
        const Frame& f = layout.frames[i];
        const QRectF& r = f.rectMm;
        if (r.left() < -tol || r.top() < -tol || r.right() > w + tol || r.bottom() > h + tol) {
            char buf[200];
            std::snprintf(buf, sizeof buf, "frame %s[%g, %g, %g, %g] mm lies off the %s %s page (%g x %g mm)",
                          f.id.empty() ? "" : ("\"" + f.id + "\" ").c_str(), r.x(), r.y(), r.width(), r.height(), layout.paper.c_str(),
                          orientation.c_str(), w, h);
            fail(path, f.line, "rect", buf);
        }
        for (size_t j = 0; j < i; ++j)
            if (!f.id.empty() && layout.frames[j].id == f.id) fail(path, f.line, "id", "\"" + f.id + "\" is used by two frames");
    }
    int mapNo = 0;
    for (auto& f : layout.frames)
        if (f.type == FrameType::Map && f.id.empty()) f.id = "map" + std::to_string(++mapNo);
    for (auto& f : layout.frames) {
        if (f.type == FrameType::Legend || f.type == FrameType::ScaleBar || f.type == FrameType::North) {
            if (f.map.empty()) {
                for (const auto& m : layout.frames)
                    if (m.type == FrameType::Map) {
                        f.map = m.id;
                        break;
                    }
            }
            const Frame* m = layout.frame(f.map);
            if (!m || m->type != FrameType::Map)
                fail(path, f.line, "map",
                     f.map.empty() ? "the layout has no map frame to describe" : "no map frame with id \"" + f.map + "\"");
        }
        if (!f.coverage.empty()) {
            const bool analysed =
                std::any_of(layout.coverage.begin(), layout.coverage.end(), [&](const CoverageRequest& c) { return c.kind == f.coverage; });
            if (!analysed) layout.coverage.push_back({f.coverage, "road"});
        }
    }
    return layout;
}

}  // namespace ruralatlas::atlas
