#include "io/importer.hpp"

#include <cpl_vsi.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/schema.hpp"
#include "core/text_encoding.hpp"
#include "core/value_text.hpp"
#include "io/proj_transform.hpp"
#include "io/project.hpp"
#include "io/validator.hpp"

namespace ruralatlas::io {

namespace fs = std::filesystem;

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}
std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
// A sibling file with another extension, in either case (.shx / .SHX).
std::optional<std::string> sibling(const std::string& path, const std::string& ext) {
    fs::path p(path);
    for (const std::string& e : {ext, [&] {
                                     std::string u = ext;
                                     for (auto& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                                     return u;
                                 }()}) {
        fs::path q = p;
        q.replace_extension(e);
        if (fs::exists(q)) return q.string();
    }
    return std::nullopt;
}

// Column-name aliases planners use in ledgers, beyond the field name and its Chinese title.
const std::map<std::string, std::vector<std::string>> kAliases = {
    {"code", {"village_code", "村代码", "行政区划代码", "统计用区划代码", "区划代码", "代码", "编码"}},
    {"name", {"村名", "村名称", "名称", "行政村", "村"}},
    {"township_code", {"乡镇代码", "乡镇编码"}},
    {"population", {"人口", "户籍人口", "总人口"}},
    {"households", {"户数", "总户数"}},
    {"kind", {"类型", "设施类型"}},
    {"class", {"等级", "道路等级"}},
};
const std::vector<std::string> kLonNames = {"lon", "lng", "long", "longitude", "x", "经度", "东经"};
const std::vector<std::string> kLatNames = {"lat", "latitude", "y", "纬度", "北纬"};
const std::vector<std::string> kWktNames = {"wkt", "geom", "geometry", "the_geom", "shape", "几何"};
const std::vector<std::string> kTownshipNames = {"township", "township_name", "乡镇",          "乡镇名称",
                                                 "所属乡镇", "乡镇（街道）",  "township_code", "乡镇代码"};

struct Column {
    int index = -1;
    std::string name;
};

struct RowError {
    std::string row, field, message;
    long long order = 0;  // the feature id: errors are listed in file order
};

// OpenStreetMap (.osm XML or .osm.pbf, read by GDAL's OSM driver): the tags of a feature, from
// its own fields and the hstore text of other_tags ("k"=>"v","k2"=>"v2").
std::map<std::string, std::string> osmTags(OGRFeature& f) {
    std::map<std::string, std::string> tags;
    OGRFeatureDefn* d = f.GetDefnRef();
    for (int i = 0; i < d->GetFieldCount(); ++i) {
        const std::string n = d->GetFieldDefn(i)->GetNameRef();
        if (n == "other_tags" || n == "osm_id" || n == "osm_way_id" || !f.IsFieldSetAndNotNull(i)) continue;
        tags[n] = f.GetFieldAsString(i);
    }
    const int ot = f.GetFieldIndex("other_tags");
    if (ot >= 0 && f.IsFieldSetAndNotNull(ot)) {
        const std::string s = f.GetFieldAsString(ot);
        std::size_t i = 0;
        auto quoted = [&](std::string& out) {
            if (i >= s.size() || s[i] != '"') return false;
            ++i;
            out.clear();
            while (i < s.size() && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                out += s[i++];
            }
            ++i;
            return true;
        };
        std::string k, v;
        while (i < s.size()) {
            if (!quoted(k)) break;
            if (s.compare(i, 2, "=>") != 0) break;
            i += 2;
            if (!quoted(v)) break;
            tags[k] = v;
            if (i < s.size() && s[i] == ',') ++i;
        }
    }
    return tags;
}

std::string tagOr(const std::map<std::string, std::string>& t, const std::string& k) {
    auto it = t.find(k);
    return it == t.end() ? std::string() : it->second;
}

// Road class from the Chinese route number (G 国道, S 省道, X 县道, Y 乡道, C/Z 村道), else from
// highway=*; empty for ways that are not roads for vehicles (footways, paths, steps...).
std::string osmRoadClass(const std::map<std::string, std::string>& t) {
    const std::string h = tagOr(t, "highway");
    static const std::set<std::string> roads = {
        "motorway", "motorway_link", "trunk",        "trunk_link",  "primary",       "primary_link", "secondary", "secondary_link",
        "tertiary", "tertiary_link", "unclassified", "residential", "living_street", "service",      "road",      "track"};
    if (!roads.count(h)) return {};
    const std::string ref = tagOr(t, "ref");
    if (!ref.empty()) {
        switch (ref[0]) {
            case 'G':
                return "national";
            case 'S':
                return "provincial";
            case 'X':
                return "county";
            case 'Y':
                return "township";
            case 'C':
            case 'Z':
                return "village";
            default:
                break;
        }
    }
    if (h == "track") return "track";
    if (h.rfind("motorway", 0) == 0 || h.rfind("trunk", 0) == 0) return "national";
    if (h.rfind("primary", 0) == 0) return "provincial";
    if (h.rfind("secondary", 0) == 0) return "county";
    if (h.rfind("tertiary", 0) == 0) return "township";
    return "village";
}

std::string osmSurface(const std::string& s) {
    static const std::set<std::string> hard = {"asphalt",       "concrete", "concrete:plates", "concrete:lanes", "paved",
                                               "paving_stones", "sett",     "cobblestone",     "metal",          "chipseal"};
    static const std::set<std::string> gravel = {"gravel", "fine_gravel", "compacted", "pebblestone"};
    static const std::set<std::string> earth = {"unpaved", "dirt", "earth", "ground", "mud", "sand", "grass"};
    if (hard.count(s)) return "hardened";
    if (gravel.count(s)) return "gravel";
    if (earth.count(s)) return "earth";
    return {};
}

// Facility kind of an OSM feature; empty when it is none of ours. A school's level comes from
// its name (小学/中学/初中/幼儿园) or isced:level; a school of unknown level is left out.
std::string osmFacilityKind(const std::map<std::string, std::string>& t) {
    const std::string a = tagOr(t, "amenity"), hc = tagOr(t, "healthcare"), name = tagOr(t, "name");
    auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
    if (a == "kindergarten" || (a == "school" && has("幼儿园"))) return "kindergarten";
    if (a == "school") {
        if (has("小学")) return "primary_school";
        if (has("初中") || has("中学")) return "middle_school";
        const std::string isced = tagOr(t, "isced:level");
        if (isced == "1") return "primary_school";
        if (isced == "2") return "middle_school";
        return {};
    }
    if (a == "hospital" || hc == "hospital") return has("卫生院") ? "township_health_center" : "county_hospital";
    if (a == "clinic" || a == "doctors" || hc == "clinic" || hc == "doctor" || hc == "centre")
        return has("卫生院") ? "township_health_center" : "village_clinic";
    if (a == "marketplace") return "market";
    if (a == "community_centre" || a == "arts_centre") return "cultural_center";
    if (a == "waste_transfer_station") return "waste_station";
    if (a == "bus_station" || tagOr(t, "highway") == "bus_stop") return "bus_stop";
    if (tagOr(t, "man_made") == "water_works") return "water_works";
    if (a == "social_facility" && tagOr(t, "social_facility:for") == "senior") return "elderly_care";
    return {};
}

class SourceReader {
public:
    SourceReader(const ImportOptions& o) : m_o(o) {}
    ~SourceReader() {
        m_ds.reset();
        if (!m_memPath.empty()) VSIUnlink(m_memPath.c_str());
        if (!m_spreadsheetPrefix.empty()) {
            CPLSetThreadLocalConfigOption((m_spreadsheetPrefix + "HEADERS").c_str(), nullptr);
            CPLSetThreadLocalConfigOption((m_spreadsheetPrefix + "FIELD_TYPES").c_str(), nullptr);
        }
    }

    void open() {
        const std::string ext = extensionOf(m_o.source);
        m_ext = ext;
        if (!fs::exists(m_o.source)) throw DataError({m_o.source}, "file not found");
        if (fs::is_regular_file(m_o.source) && fs::file_size(m_o.source) == 0) throw DataError({m_o.source}, "the file is empty");
        CPLStringList openOptions;
        std::string path = m_o.source;
        if (ext == "shp") {
            if (!sibling(m_o.source, ".shx"))
                throw DataError({m_o.source},
                                "the Shapefile's index file (.shx) is missing: copy it beside the .shp (or rebuild it with GDAL's "
                                "SHAPE_RESTORE_SHX=YES)");
            if (!sibling(m_o.source, ".dbf")) throw DataError({m_o.source}, "the Shapefile's attribute file (.dbf) is missing");
            checkShpLength(m_o.source);
            if (!sibling(m_o.source, ".prj") && m_o.sourceCrs.empty())
                throw DataError(
                    {m_o.source},
                    "the Shapefile has no .prj, so its coordinate system is unknown: give --source-crs (e.g. EPSG:4490, EPSG:4546, gcj02)");
            m_encoding = m_o.encoding.empty() ? detectDbfEncoding(m_o.source) : m_o.encoding;
            openOptions.SetNameValue("ENCODING", m_encoding.c_str());
        } else if (ext == "csv" || ext == "txt") {
            m_tabular = true;
            std::string bytes = readFile(m_o.source);
            if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);
            std::string enc = m_o.encoding;
            if (enc.empty()) {
                const TextEncoding t = detectEncoding(bytes);
                enc = encodingName(t);
                if (t == TextEncoding::Latin1) throw DataError({m_o.source}, "the text is neither UTF-8 nor GBK/GB18030: give --encoding");
            }
            m_encoding = enc;
            std::string utf8;
            try {
                utf8 = toUtf8(bytes, enc == "GBK" || enc == "CP936" ? "GB18030" : enc);
            } catch (const std::exception& e) {
                throw DataError({m_o.source}, std::string("cannot read the text as ") + enc + ": " + e.what());
            }
            m_memPath = "/vsimem/ruralatlas_import_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".csv";
            VSILFILE* f = VSIFOpenL(m_memPath.c_str(), "wb");
            if (!f) throw DataError({m_o.source}, "cannot buffer the text in memory");
            VSIFWriteL(utf8.data(), 1, utf8.size(), f);
            VSIFCloseL(f);
            path = m_memPath;
            openOptions.SetNameValue("AUTODETECT_TYPE", "NO");
            openOptions.SetNameValue("HEADERS", "YES");
            openOptions.SetNameValue("KEEP_GEOM_COLUMNS", "YES");
            openOptions.SetNameValue("EMPTY_STRING_AS_NULL", "YES");
        } else if (ext == "xlsx" || ext == "xls" || ext == "ods") {
            if (ext == "xls") throw DataError({m_o.source}, "old Excel .xls files are not supported: save it as .xlsx");
            m_tabular = true;
            m_encoding = "UTF-8";
            // GDAL 3.6's XLSX/ODS drivers take these as configuration, not open options: the
            // first row is the header and every cell is read as text (we parse numbers ourselves).
            const std::string prefix = ext == "ods" ? "OGR_ODS_" : "OGR_XLSX_";
            CPLSetThreadLocalConfigOption((prefix + "HEADERS").c_str(), "FORCE");
            CPLSetThreadLocalConfigOption((prefix + "FIELD_TYPES").c_str(), "STRING");
            m_spreadsheetPrefix = prefix;
        } else if (ext == "gpkg") {
            m_encoding = "UTF-8";
            std::ifstream in(m_o.source, std::ios::binary);
            char head[16] = {};
            in.read(head, sizeof head);
            if (std::string(head, sizeof head) != std::string("SQLite format 3\0", 16))
                throw DataError({m_o.source},
                                "is not a GeoPackage (a GeoPackage is an SQLite database, and this file does not start like "
                                "one): a renamed CSV or spreadsheet? Import the original file");
        } else if (ext == "osm" || ext == "pbf") {
            m_encoding = "UTF-8";
            openOsm();
            return;
        } else {
            m_encoding = "UTF-8";
        }
        try {
            m_ds = openVector(path, false, openOptions.List());
        } catch (const DataError& e) {
            throw DataError({m_o.source}, e.detail());
        }
        if (m_ds->GetLayerCount() == 0) throw DataError({m_o.source}, "the file holds no layer");
        if (!m_o.sourceLayer.empty()) {
            m_layer = m_ds->GetLayerByName(m_o.sourceLayer.c_str());
            if (!m_layer) throw DataError({m_o.source, m_o.sourceLayer}, "no such layer in the file");
        } else {
            m_layer = m_ds->GetLayer(0);
        }
        if (m_tabular) checkHeaderRow();
    }

    // OSM: roads from the lines, facilities from the points and areas, into a layer with the
    // target's own field names (the mapping is documented in the README).
    void openOsm() {
        if (m_o.into != "roads" && m_o.into != "facilities")
            throw UsageError(m_o.source + ": OpenStreetMap files import into roads or facilities (--into roads|facilities)");
        try {
            m_ds = openVector(m_o.source, false);
        } catch (const DataError& e) {
            throw DataError({m_o.source}, e.detail());
        }
        GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("Memory");
        m_osm.reset(mem->Create("osm", 0, 0, 0, GDT_Unknown, nullptr));
        OGRSpatialReference wgs84;
        wgs84.importFromEPSG(4326);  // OSM is WGS84 everywhere, in China too (not GCJ-02)
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const bool roads = m_o.into == "roads";
        OGRLayer* out = m_osm->CreateLayer(roads ? "osm_roads" : "osm_facilities", &wgs84, roads ? wkbLineString : wkbPoint, nullptr);
        for (const char* f : roads ? std::vector<const char*>{"id", "name", "class", "surface", "oneway"}
                                   : std::vector<const char*>{"id", "name", "kind", "status"}) {
            OGRFieldDefn fd(f, std::string(f) == "oneway" ? OFTInteger : OFTString);
            out->CreateField(&fd);
        }
        auto add = [&](const std::string& id, const std::map<std::string, std::string>& t, OGRGeometry* g) {
            FeaturePtr f(OGRFeature::CreateFeature(out->GetLayerDefn()));
            f->SetField("id", id.c_str());
            if (auto n = tagOr(t, "name"); !n.empty()) f->SetField("name", n.c_str());
            if (roads) {
                f->SetField("class", osmRoadClass(t).c_str());
                if (auto s = osmSurface(tagOr(t, "surface")); !s.empty()) f->SetField("surface", s.c_str());
                const std::string ow = tagOr(t, "oneway");
                if (ow == "yes" || ow == "true" || ow == "1" || ow == "-1") {
                    f->SetField("oneway", 1);
                    if (ow == "-1" && g) g->toLineString()->reversePoints();  // drawn against the traffic
                } else if (ow == "no") {
                    f->SetField("oneway", 0);
                }
            } else {
                f->SetField("kind", osmFacilityKind(t).c_str());
                f->SetField("status", "existing");  // what OSM maps is there
            }
            if (g) f->SetGeometryDirectly(g);
            out->CreateFeature(f.get());
        };
        long long skipped = 0;
        if (roads) {
            OGRLayer* lines = m_ds->GetLayerByName("lines");
            if (!lines) throw DataError({m_o.source}, "the OSM file has no lines layer");
            for (auto& f : *lines) {
                const auto t = osmTags(*f);
                if (osmRoadClass(t).empty()) continue;
                const OGRGeometry* g = f->GetGeometryRef();
                if (!g || wkbFlatten(g->getGeometryType()) != wkbLineString) continue;
                add("osm-w" + std::string(f->GetFieldAsString("osm_id")), t, g->clone());
            }
        } else {
            // Tagged nodes as they are; areas (a school drawn as its grounds) by their point on
            // surface, under the id of their way (or relation).
            for (const char* name : {"points", "multipolygons"}) {
                OGRLayer* layer = m_ds->GetLayerByName(name);
                if (!layer) continue;
                const bool areas = std::string(name) == "multipolygons";
                for (auto& f : *layer) {
                    const auto t = osmTags(*f);
                    if (osmFacilityKind(t).empty()) {
                        if (tagOr(t, "amenity") == "school" || tagOr(t, "office") == "government") ++skipped;
                        continue;
                    }
                    const OGRGeometry* g = f->GetGeometryRef();
                    OGRGeometry* at = nullptr;
                    if (g && !areas)
                        at = g->clone();
                    else if (g)
                        if (OGRGeometryH h = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g))))
                            at = OGRGeometry::FromHandle(h);
                    const std::string way = areas ? f->GetFieldAsString("osm_way_id") : "";
                    const std::string id = !areas        ? "osm-n" + std::string(f->GetFieldAsString("osm_id"))
                                           : way.empty() ? "osm-r" + std::string(f->GetFieldAsString("osm_id"))
                                                         : "osm-w" + way;
                    add(id, t, at);
                }
            }
        }
        if (skipped > 0)
            m_notes.push_back(std::to_string(skipped) +
                              " OSM schools of unknown level (no 小学/中学/幼儿园 in the name, no isced:level) or government offices "
                              "(not a facility kind of the model) were left out");
        m_layer = out;
    }
    // A .shp shorter than its header says was cut off (a copy that stopped, a mail size limit):
    // GDAL would read what is there and drop the rest without a word.
    static void checkShpLength(const std::string& shp) {
        std::ifstream in(shp, std::ios::binary);
        unsigned char h[28] = {};
        in.read(reinterpret_cast<char*>(h), sizeof h);
        if (in.gcount() < 28) throw DataError({shp}, "the .shp is shorter than a Shapefile header: the file is cut off or not a Shapefile");
        const std::uintmax_t declared =
            2ull * ((std::uintmax_t{h[24]} << 24) | (std::uintmax_t{h[25]} << 16) | (std::uintmax_t{h[26]} << 8) | h[27]);
        const std::uintmax_t actual = fs::file_size(shp);
        if (actual < declared)
            throw DataError({shp}, "the .shp is cut off: its header says " + std::to_string(declared) + " bytes, the file has " +
                                       std::to_string(actual) + "; copy the complete file again");
    }
    // A ledger whose first row is a title over merged cells (the usual 台账 layout) has one named
    // column and the rest unnamed: the column names are in a later row.
    void checkHeaderRow() {
        OGRFeatureDefn* d = m_layer->GetLayerDefn();
        if (d->GetFieldCount() < 2) return;
        int named = 0;
        std::string title;
        for (int i = 0; i < d->GetFieldCount(); ++i) {
            const std::string n = d->GetFieldDefn(i)->GetNameRef();
            const bool generated = n.size() > 5 && n.compare(0, 5, "Field") == 0 &&
                                   std::all_of(n.begin() + 5, n.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!generated && !n.empty()) {
                ++named;
                title = n;
            }
        }
        if (named == 1 && !m_spreadsheetPrefix.empty() && reheadSpreadsheet()) return;
        if (named == 1)
            throw DataError({m_o.source, m_layer->GetName()},
                            "the first row holds only '" + title +
                                "' (a title over merged cells?): the column names must be in the first row; delete the rows above "
                                "them and import again");
    }
    // The usual 台账 layout: a title over merged cells, then one or two rows of column headers
    // (group headings merged over their columns, the names under them; a heading merged down
    // over both rows), then the data. The sheet is read again without a header; the column
    // names are the last header row's cells, or for a column empty there the nearest heading
    // above it; the data are the rows from the first one holding a number. False when no such
    // layout is found (the caller then asks for the names in the first row).
    bool reheadSpreadsheet() {
        const std::string layerName = m_layer->GetName();
        CPLSetThreadLocalConfigOption((m_spreadsheetPrefix + "HEADERS").c_str(), "DISABLE");
        DatasetPtr raw;
        try {
            raw = openVector(m_o.source, false);
        } catch (const DataError&) {
            return false;
        }
        OGRLayer* sheet = m_o.sourceLayer.empty() ? raw->GetLayer(0) : raw->GetLayerByName(m_o.sourceLayer.c_str());
        if (!sheet) return false;
        struct Row {
            GIntBig fid;
            std::vector<std::string> cells;
        };
        std::vector<Row> rows;
        const int width = sheet->GetLayerDefn()->GetFieldCount();
        for (auto& f : *sheet) {
            Row r{f->GetFID(), {}};
            for (int i = 0; i < width; ++i) r.cells.push_back(f->IsFieldSetAndNotNull(i) ? trim(f->GetFieldAsString(i)) : "");
            rows.push_back(std::move(r));
        }
        const auto filled = [](const Row& r) {
            return std::count_if(r.cells.begin(), r.cells.end(), [](const std::string& c) { return !c.empty(); });
        };
        std::size_t top = 0;  // title rows: one cell each
        while (top < rows.size() && filled(rows[top]) <= 1) ++top;
        std::size_t data = top;
        const auto numeric = [](const Row& r) {
            return std::any_of(r.cells.begin(), r.cells.end(), [](const std::string& c) { return parseNumberText(c, true).has_value(); });
        };
        while (data < rows.size() && !numeric(rows[data])) ++data;
        if (top == 0 || data == top || data >= rows.size() || data - top > 3) return false;
        std::vector<std::string> names(static_cast<std::size_t>(width));
        for (int c = 0; c < width; ++c) {
            for (std::size_t r = data; r-- > top;)
                if (!rows[r].cells[std::size_t(c)].empty()) {
                    names[std::size_t(c)] = rows[r].cells[std::size_t(c)];
                    break;
                }
            if (names[std::size_t(c)].empty()) names[std::size_t(c)] = "Field" + std::to_string(c + 1);
        }
        GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("Memory");
        m_reheaded.reset(mem->Create("", 0, 0, 0, GDT_Unknown, nullptr));
        OGRLayer* out = m_reheaded->CreateLayer(layerName.c_str(), nullptr, wkbNone, nullptr);
        std::set<std::string> used;
        for (auto& n : names) {
            for (int k = 2; used.count(n); ++k) n = n + "_" + std::to_string(k);
            used.insert(n);
            OGRFieldDefn fd(n.c_str(), OFTString);
            out->CreateField(&fd);
        }
        for (std::size_t r = data; r < rows.size(); ++r) {
            if (filled(rows[r]) == 0) continue;
            FeaturePtr f(OGRFeature::CreateFeature(out->GetLayerDefn()));
            f->SetFID(rows[r].fid);  // the sheet row, for messages
            for (int c = 0; c < width; ++c)
                if (!rows[r].cells[std::size_t(c)].empty()) f->SetField(c, rows[r].cells[std::size_t(c)].c_str());
            out->CreateFeature(f.get());
        }
        m_layer = out;
        m_notes.push_back("rows 1-" + std::to_string(rows[data - 1].fid) + " of the sheet are a title and column headings (merged " +
                          "cells): the column names were read from them, the data from row " + std::to_string(rows[data].fid));
        return true;
    }
    const std::vector<std::string>& notes() const { return m_notes; }
    bool isOsm() const { return m_osm != nullptr; }

    OGRLayer& layer() { return *m_layer; }
    bool tabular() const { return m_tabular; }
    const std::string& encoding() const { return m_encoding; }
    const std::string& ext() const { return m_ext; }
    // "row 12" (spreadsheet/CSV line, header = row 1) or "feature 12".
    std::string rowLabel(GIntBig fid) const {
        // CSV features count from 1 at the first data line; spreadsheet features carry the sheet row.
        if (m_tabular) return "row " + std::to_string(fid + (m_ext == "csv" || m_ext == "txt" ? 1 : 0));
        return "feature " + std::to_string(fid);
    }

private:
    const ImportOptions& m_o;
    DatasetPtr m_ds;
    DatasetPtr m_osm;       // OSM features in the target's terms (memory)
    DatasetPtr m_reheaded;  // a spreadsheet under a title and merged headings, with its real names (memory)
    std::vector<std::string> m_notes;
    OGRLayer* m_layer = nullptr;
    bool m_tabular = false;
    std::string m_encoding, m_ext, m_memPath, m_spreadsheetPrefix;
};

std::optional<double> parseNumber(const std::string& raw, bool allowPercent) { return parseNumberText(raw, allowPercent); }

// Fields that hold administrative codes (a spreadsheet may have stored them as numbers).
bool isAdminCodeField(std::string_view name) {
    return name == "code" || name == "township_code" || name == "village_code" || name == "source_village_code";
}

struct Mapping {
    const FieldDef* target;
    int source;  // column index in the source layer, or one of the kinds below
    std::string sourceName;
};
constexpr int kConstant = -1;         // --set FIELD=VALUE
constexpr int kFromVillageCode = -2;  // township_code = the first 9 digits of the village code
constexpr int kGenerated = -3;        // an id made from the file name and the row number

// One parsed row: values by target field index, and geometry.
struct Row {
    GIntBig fid = 0;
    std::string label;
    std::vector<std::optional<std::string>> text;
    std::vector<std::optional<double>> number;
    std::vector<std::unique_ptr<OGRGeometry>> geometries;  // one, or several parts of a multi-line
};
}  // namespace

std::string detectDbfEncoding(const std::string& shpPath) {
    if (auto cpg = sibling(shpPath, ".cpg")) {
        std::string v = trim(readFile(*cpg));
        const std::string l = lower(v);
        if (l == "utf-8" || l == "utf8" || l == "65001") return "UTF-8";
        if (l == "936" || l == "gbk" || l == "cp936" || l == "gb2312") return "CP936";
        if (l == "gb18030" || l == "54936") return "GB18030";
        if (!v.empty()) return v;
    }
    auto dbf = sibling(shpPath, ".dbf");
    if (!dbf) return "UTF-8";
    const std::string bytes = readFile(*dbf);
    if (bytes.size() < 32) return "UTF-8";
    const auto ldid = static_cast<unsigned char>(bytes[29]);
    if (ldid == 0x4D) return "CP936";  // language driver 0x4D: code page 936 (GBK)
    const auto headerLen = static_cast<std::size_t>(static_cast<unsigned char>(bytes[8])) |
                           (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    const std::string_view records = std::string_view(bytes).substr(std::min(headerLen, bytes.size()));
    switch (detectEncoding(records)) {
        case TextEncoding::Ascii:
        case TextEncoding::Utf8:
            return "UTF-8";
        case TextEncoding::Gb18030:
            return "GB18030";
        case TextEncoding::Latin1:
            return "ISO-8859-1";
    }
    return "UTF-8";
}

// Long on purpose: one import is one transaction from opening the source to the commit; the CRS,
// the field mapping, the per-feature checks and the upsert share the open datasets, the target
// layer and the report. Candidate for splitting into stages over an import context.
namespace {
ImportReport importVector(const ImportOptions& o, Feedback& feedback);
}

ImportReport importFile(const ImportOptions& o, Feedback& feedback) {
    initGdal();
    if (o.into == "dem") return importDem(o, feedback);
    try {
        ImportReport report = importVector(o, feedback);
        // GDAL keeps a layer's feature count in gpkg_ogr_contents from what it read at opening
        // plus what it added: with another program writing the same layer meanwhile, the count it
        // writes on close is stale (rows 40,000, count 20,000 was seen). Count the rows again.
        if (report.inserted > 0) recountFeatures(o.project, o.into);
        return report;
    } catch (const CommitFailed&) {
        // SQLite rolled the rows back, but GDAL wrote its own count of them into
        // gpkg_ogr_contents when it closed the project: count again from the rows themselves.
        recountFeatures(o.project, o.into);
        throw;
    }
}

TextTable readTextTable(const ImportOptions& o) {
    initGdal();
    SourceReader src(o);
    src.open();
    OGRLayer& in = src.layer();
    TextTable t;
    t.layer = in.GetName();
    t.encoding = src.encoding();
    t.notes = src.notes();
    OGRFeatureDefn* d = in.GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i) t.header.push_back(trim(d->GetFieldDefn(i)->GetNameRef()));
    in.ResetReading();
    for (auto& f : in) {
        TextTable::Row r;
        r.label = src.rowLabel(f->GetFID());
        for (int i = 0; i < d->GetFieldCount(); ++i)
            r.cells.push_back(f->IsFieldSetAndNotNull(i) ? trim(f->GetFieldAsString(i)) : std::string());
        t.rows.push_back(std::move(r));
    }
    return t;
}

namespace {
ImportReport importVector(const ImportOptions& o, Feedback& feedback) {
    ImportReport report;
    const LayerDef* def = findLayer(o.into);
    if (!def || def->name == "project_meta") {
        std::string names;
        for (const auto& l : projectLayers())
            if (l.name != "project_meta") names += (names.empty() ? "" : ", ") + std::string(l.name);
        throw UsageError("--into " + o.into + " is not a project layer (one of: " + names + ")");
    }
    for (const auto& [target, source] : o.fields) {
        const bool geomKey = target == "lon" || target == "lat" || target == "wkt" || target == "township";
        if (!geomKey && !def->field(target))
            throw UsageError("--field " + target + "=" + source + ": layer " + o.into + " has no field " + target);
    }

    Project project = Project::open(o.project, true);
    OGRLayer& target = project.layer(o.into);
    SourceReader src(o);
    src.open();
    for (const auto& n : src.notes()) report.warnings.push_back(n);
    report.encoding = src.encoding();
    OGRLayer& in = src.layer();
    OGRFeatureDefn* inDefn = in.GetLayerDefn();
    const std::string file = o.source;
    // Messages name the layer the user knows: for CSV that is the file itself.
    const std::string inName = src.ext() == "csv" || src.ext() == "txt" ? fs::path(o.source).stem().string() : in.GetName();

    // Columns of the source, by name.
    auto findColumn = [&](const std::string& name) -> int {
        for (int i = 0; i < inDefn->GetFieldCount(); ++i)
            if (lower(trim(inDefn->GetFieldDefn(i)->GetNameRef())) == lower(trim(name))) return i;
        return -1;
    };
    auto explicitSource = [&](const std::string& targetName) -> std::optional<std::string> {
        for (const auto& [t, s] : o.fields)
            if (t == targetName) return s;
        return std::nullopt;
    };
    auto resolve = [&](const std::string& targetName, const std::vector<std::string>& candidates) -> Column {
        if (auto s = explicitSource(targetName)) {
            const int i = findColumn(*s);
            if (i < 0) throw DataError({file, inName, "", *s}, "no such column (given by --field " + targetName + "=" + *s + ")");
            return {i, *s};
        }
        for (const auto& c : candidates)
            if (int i = findColumn(c); i >= 0) return {i, inDefn->GetFieldDefn(i)->GetNameRef()};
        return {};
    };

    // Field mapping.
    std::vector<Mapping> mapping;
    for (const auto& f : def->fields) {
        std::vector<std::string> candidates{std::string(f.name), std::string(f.titleZh)};
        if (auto it = kAliases.find(std::string(f.name)); it != kAliases.end())
            candidates.insert(candidates.end(), it->second.begin(), it->second.end());
        const Column c = resolve(std::string(f.name), candidates);
        if (c.index >= 0) mapping.push_back({&f, c.index, c.name});
    }
    // Constants (--set) replace whatever column would have given the field.
    struct Constant {
        const FieldDef* target;
        std::optional<std::string> text;
        std::optional<double> number;
    };
    std::vector<Constant> constants;
    for (const auto& [field, value] : o.constants) {
        const FieldDef* f = def->field(field);
        if (!f) throw UsageError("--set " + field + "=" + value + ": layer " + o.into + " has no field " + field);
        Constant k{f, std::nullopt, std::nullopt};
        if (f->type == FieldType::Text) {
            k.text = value;
            if (!f->enumeration.empty()) {
                const Enumeration* e = findEnumeration(f->enumeration);
                auto code = e ? e->resolve(value) : std::nullopt;
                if (!code) throw UsageError("--set " + field + "=" + value + ": unknown value for " + field);
                k.text = std::string(*code);
            }
        } else {
            k.number = parseNumber(value, f->max && *f->max == 1.0 && f->type == FieldType::Real);
            if (!k.number) throw UsageError("--set " + field + "=" + value + ": not a number");
        }
        std::erase_if(mapping, [&](const Mapping& m) { return m.target == f; });
        mapping.push_back({f, kConstant, value});
        constants.push_back(k);
    }
    auto isMapped = [&](std::string_view name) {
        return std::any_of(mapping.begin(), mapping.end(), [&](const Mapping& m) { return m.target->name == name; });
    };
    // A village's township is the first 9 digits of its code.
    const bool townshipFromCode = def->name == "villages" && isMapped("code") && !isMapped("township_code");
    if (townshipFromCode) mapping.push_back({def->field("township_code"), kFromVillageCode, "code"});
    // Ids nothing refers to (roads, rivers, facilities) are made when the file has none: the
    // file name and the row, so importing the same file again updates instead of doubling.
    const bool generateIds =
        (def->name == "roads" || def->name == "rivers" || def->name == "facilities") && def->field("id") && !isMapped("id");
    if (generateIds) mapping.push_back({def->field("id"), kGenerated, ""});
    const std::string idStem = fs::path(o.source).stem().string();

    // Where the geometry comes from.
    const bool layerHasGeometry = !src.tabular() && in.GetGeomType() != wkbNone;
    Column lonCol, latCol, wktCol;
    if (src.tabular()) {
        lonCol = resolve("lon", kLonNames);
        latCol = resolve("lat", kLatNames);
        wktCol = resolve("wkt", kWktNames);
        if ((lonCol.index >= 0) != (latCol.index >= 0))
            throw DataError({file, inName, "", lonCol.index >= 0 ? lonCol.name : latCol.name},
                            "found a longitude or a latitude column but not both (name them lon/lat, 经度/纬度, or use --field lon=COL "
                            "--field lat=COL)");
    }
    const bool rowsHaveGeometry = layerHasGeometry || lonCol.index >= 0 || wktCol.index >= 0;
    const bool targetHasGeometry = def->geometry != GeometryKind::None;
    const bool join = targetHasGeometry && !rowsHaveGeometry && def->name == "villages";
    report.mode = join ? "join" : "append";
    if (targetHasGeometry && !rowsHaveGeometry && !join)
        throw DataError({file, inName},
                        "the file has no geometry: a CSV/XLSX needs longitude/latitude columns (lon/lat, 经度/纬度) or a WKT column");

    // Required fields must be mapped (appending) or a key present (joining).
    Column townshipCol;
    if (join) {
        townshipCol = resolve("township", kTownshipNames);
        const bool hasCode = std::any_of(mapping.begin(), mapping.end(), [](const Mapping& m) { return m.target->name == "code"; });
        const bool hasName = std::any_of(mapping.begin(), mapping.end(), [](const Mapping& m) { return m.target->name == "name"; });
        if (!hasCode && !(hasName && townshipCol.index >= 0))
            throw DataError({file, inName},
                            "a ledger joined onto villages needs a village code column (code, 村代码, 行政区划代码) or a village name and "
                            "a township column (村名 + 乡镇); use --field code=COLUMN");
    } else {
        for (const auto& f : def->fields) {
            if (!f.required) continue;
            const bool mapped = std::any_of(mapping.begin(), mapping.end(), [&](const Mapping& m) { return m.target == &f; });
            if (!mapped)
                throw DataError({file, inName, "", std::string(f.name)},
                                "required field " + std::string(f.name) + " (" + std::string(f.titleZh) +
                                    ") has no column in the file; name one so or use --field " + std::string(f.name) + "=COLUMN");
        }
    }

    for (const auto& f : def->fields) {
        auto it = std::find_if(mapping.begin(), mapping.end(), [&](const Mapping& m) { return m.target == &f; });
        if (it == mapping.end()) {
            report.emptyFields.push_back(std::string(f.name));
            continue;
        }
        std::string from = it->source >= 0                  ? "column " + it->sourceName
                           : it->source == kConstant        ? "--set " + it->sourceName
                           : it->source == kFromVillageCode ? std::string("the village code (first 9 digits)")
                                                            : "generated (" + idStem + "-ROW)";
        report.fieldSources.emplace_back(std::string(f.name), from);
    }

    // Coordinate transformation into the project CRS.
    const int epsg = project.epsg();
    std::string crs = o.sourceCrs;
    if (crs.empty() && layerHasGeometry) {
        const OGRSpatialReference* s = in.GetSpatialRef();
        if (s) {
            const char* auth = s->GetAuthorityName(nullptr);
            const char* code = s->GetAuthorityCode(nullptr);
            if (auth && code && std::string(auth) == "EPSG")
                crs = "EPSG:" + std::string(code);
            else {
                char* wkt = nullptr;
                const char* opts[] = {"FORMAT=WKT2_2019", nullptr};
                s->exportToWkt(&wkt, opts);
                crs = wkt ? wkt : "";
                CPLFree(wkt);
            }
        } else if (src.ext() == "shp") {
            throw DataError({file}, "the Shapefile's coordinate system is unknown: give --source-crs");
        } else {
            crs = "EPSG:4326";
        }
    }
    if (crs.empty()) crs = "EPSG:4326";
    std::unique_ptr<CrsTransform> transform;
    if (rowsHaveGeometry && !join) {
        try {
            transform = std::make_unique<CrsTransform>(crs, epsg);
        } catch (const std::exception& e) {
            throw DataError({file}, std::string("unknown source CRS: ") + e.what());
        }
    }
    report.crs = crs.size() > 60 ? crs.substr(0, 57) + "..." : crs;

    // Read and check every row before writing anything.
    std::vector<Row> rows;
    std::vector<RowError> errors;
    const GIntBig total = std::max<GIntBig>(1, in.GetFeatureCount());
    in.ResetReading();
    const bool geographicSource = crs == "EPSG:4326" || crs == "EPSG:4490" || lower(crs) == "gcj02" || lower(crs) == "bd09";
    long long swappedLooking = 0, coordinateRows = 0;
    // Eastings with the zone number in front (37xxxxxx.x): the zone of each, or -1.
    long long zonePrefixed = 0;
    int prefixZone = -1;
    // A point layer that also has coordinate columns: do they agree with its geometry?
    Column checkLon, checkLat;
    if (layerHasGeometry && def->geometry == GeometryKind::Point) {
        checkLon = resolve("lon", kLonNames);
        checkLat = resolve("lat", kLatNames);
        if (checkLon.index < 0 || checkLat.index < 0) checkLon = checkLat = {};
    }
    long long columnsCompared = 0, columnsAgree = 0;
    std::unique_ptr<OGRCoordinateTransformation> toDegrees;  // made once, when the columns are degrees and the geometry is not
    for (auto& feature : in) {
        ++report.read;
        if (report.read % 4096 == 0) {
            feedback.checkCancelled();
            feedback.setProgress(0.8 * static_cast<double>(report.read) / total, "reading");
        }
        Row row;
        row.fid = feature->GetFID();
        row.label = src.rowLabel(row.fid);
        row.text.resize(def->fields.size());
        row.number.resize(def->fields.size());
        bool bad = false;
        auto fail = [&](const std::string& field, const std::string& msg) {
            errors.push_back({row.label, field, msg, row.fid});
            bad = true;
        };
        for (const auto& m : mapping) {
            const std::size_t fi = static_cast<std::size_t>(m.target - def->fields.data());
            if (m.source < 0) continue;  // constants, derived and generated values: below
            if (!feature->IsFieldSetAndNotNull(m.source) || trim(feature->GetFieldAsString(m.source)).empty()) {
                if (m.target->required && !join) fail(m.sourceName, "required value " + std::string(m.target->name) + " is empty");
                continue;
            }
            const std::string raw = trim(feature->GetFieldAsString(m.source));
            if (raw.find("\xEF\xBF\xBD") != std::string::npos) {
                // U+FFFD: the characters were lost before this file was written; no encoding
                // brings them back, and guessing would write wrong names.
                fail(m.sourceName, "text '" + raw +
                                       "' holds replacement characters (U+FFFD): the text was lost before this file was written; "
                                       "export it again from the original data");
                continue;
            }
            if (looksLikeMojibake(raw)) {
                fail(m.sourceName, "text '" + raw + "' looks garbled (wrong encoding?): give --encoding GBK or UTF-8");
                continue;
            }
            if (m.target->type == FieldType::Text) {
                std::string value = raw;
                if (isAdminCodeField(m.target->name)) {
                    const CodeText c = codeFromText(raw);
                    if (!c.digits) {
                        fail(m.sourceName, c.problem);
                        continue;
                    }
                    value = *c.digits;
                }
                if (!m.target->enumeration.empty()) {
                    const Enumeration* e = findEnumeration(m.target->enumeration);
                    auto code = e ? e->resolve(raw) : std::nullopt;
                    if (!code) {
                        std::string allowed;
                        for (const auto& v : e->values)
                            allowed += (allowed.empty() ? "" : ", ") + std::string(v.code) + "/" + std::string(v.titleZh);
                        fail(m.sourceName,
                             "unknown value '" + raw + "' for " + std::string(m.target->name) + " (expected one of: " + allowed + ")");
                        continue;
                    }
                    value = std::string(*code);
                }
                row.text[fi] = value;
            } else {
                const bool rate = m.target->max && *m.target->max == 1.0 && m.target->type == FieldType::Real;
                auto v = parseNumber(raw, rate);
                if (!v) {
                    fail(m.sourceName, "'" + raw + "' is not a number (" + std::string(m.target->name) + ")");
                    continue;
                }
                if (m.target->type == FieldType::Integer && std::fabs(*v - std::round(*v)) > 1e-9) {
                    fail(m.sourceName, "'" + raw + "' is not a whole number (" + std::string(m.target->name) + ")");
                    continue;
                }
                row.number[fi] = *v;
            }
        }
        if (o.rewrite)
            for (std::size_t fi = 0; fi < def->fields.size(); ++fi)
                if (row.text[fi] && def->fields[fi].type == FieldType::Text) {
                    const std::string problem = o.rewrite(def->fields[fi].name, *feature, *row.text[fi]);
                    if (!problem.empty()) fail(std::string(def->fields[fi].name), problem);
                }
        for (const auto& k : constants) {
            const std::size_t fi = static_cast<std::size_t>(k.target - def->fields.data());
            row.text[fi] = k.text;
            row.number[fi] = k.number;
        }
        if (def->name == "villages") {
            const std::size_t ci = static_cast<std::size_t>(def->field("code") - def->fields.data());
            const std::size_t ti = static_cast<std::size_t>(def->field("township_code") - def->fields.data());
            if (townshipFromCode && row.text[ci] && row.text[ci]->size() == 12) row.text[ti] = row.text[ci]->substr(0, 9);
            // A township column that disagrees with the code is an error, not a choice.
            if (!townshipFromCode && row.text[ci] && row.text[ti] && row.text[ci]->size() == 12 && row.text[ti]->size() == 9 &&
                row.text[ci]->compare(0, 9, *row.text[ti]) != 0)
                fail("township_code", "township code " + *row.text[ti] + " disagrees with the village code " + *row.text[ci] +
                                          " (its first 9 digits are " + row.text[ci]->substr(0, 9) + ")");
        }
        if (generateIds) {
            const std::size_t ii = static_cast<std::size_t>(def->field("id") - def->fields.data());
            row.text[ii] = idStem + "-" + std::to_string(report.read);
        }
        if (join && townshipCol.index >= 0 && feature->IsFieldSetAndNotNull(townshipCol.index)) {
            row.text.push_back(trim(feature->GetFieldAsString(townshipCol.index)));  // extra slot: township key
        }
        // Geometry.
        if (rowsHaveGeometry && !join) {
            std::unique_ptr<OGRGeometry> g;
            if (layerHasGeometry) {
                if (const OGRGeometry* sg = feature->GetGeometryRef()) g.reset(sg->clone());
                if (g && checkLon.index >= 0 && wkbFlatten(g->getGeometryType()) == wkbPoint) {
                    auto x = parseNumber(feature->GetFieldAsString(checkLon.index), false);
                    auto y = parseNumber(feature->GetFieldAsString(checkLat.index), false);
                    if (x && y) {
                        // Loose on purpose (0.01 degree, 1 km): only columns far from the points are reported.
                        const double tol = std::fabs(*x) <= 180 && std::fabs(*y) <= 90 ? 0.01 : 1000.0;
                        const OGRPoint* pt = g->toPoint();
                        double gx = pt->getX(), gy = pt->getY();
                        bool comparable = true;
                        if (tol < 1 && !geographicSource) {  // degrees in the columns, metres in the geometry
                            if (!toDegrees && in.GetSpatialRef()) {
                                OGRSpatialReference s4326;
                                s4326.importFromEPSG(4326);
                                s4326.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
                                toDegrees.reset(OGRCreateCoordinateTransformation(in.GetSpatialRef(), &s4326));
                            }
                            comparable = toDegrees && toDegrees->Transform(1, &gx, &gy);
                        }
                        if (comparable) {
                            ++columnsCompared;
                            if (std::fabs(gx - *x) <= tol && std::fabs(gy - *y) <= tol) ++columnsAgree;
                        }
                    }
                }
            } else if (lonCol.index >= 0) {
                const std::string xs = trim(feature->GetFieldAsString(lonCol.index)), ys = trim(feature->GetFieldAsString(latCol.index));
                if (!xs.empty() || !ys.empty()) {
                    auto x = parseNumber(xs, false), y = parseNumber(ys, false);
                    if (!x)
                        fail(lonCol.name, "coordinate '" + xs + "' is not a number");
                    else if (!y)
                        fail(latCol.name, "coordinate '" + ys + "' is not a number");
                    else {
                        double X = *x, Y = *y;
                        if (o.swapXY) std::swap(X, Y);
                        ++coordinateRows;
                        if (geographicSource && X >= 3 && X <= 54 && Y >= 73 && Y <= 136) ++swappedLooking;
                        if (!geographicSource && X >= 13e6 && X < 46e6) {
                            ++zonePrefixed;
                            prefixZone = static_cast<int>(X / 1e6);
                        }
                        g = std::make_unique<OGRPoint>(X, Y);
                    }
                }
            } else if (wktCol.index >= 0) {
                const std::string w = trim(feature->GetFieldAsString(wktCol.index));
                if (!w.empty()) {
                    OGRGeometry* parsed = nullptr;
                    if (OGRGeometryFactory::createFromWkt(w.c_str(), nullptr, &parsed) != OGRERR_NONE || !parsed)
                        fail(wktCol.name, "geometry does not parse as WKT: '" + w.substr(0, 40) + (w.size() > 40 ? "...'" : "'"));
                    else
                        g.reset(parsed);
                }
            }
            if (g && !bad) {
                g->flattenTo2D();
                if (o.swapXY && layerHasGeometry) g->swapXY();
                if (!transform->transform(*g)) {
                    fail("geometry", "coordinates cannot be transformed from " + report.crs + " (out of range?)");
                } else {
                    const OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
                    if (def->geometry == GeometryKind::Point) {
                        if (t == wkbMultiPoint && g->toMultiPoint()->getNumGeometries() == 1)
                            row.geometries.emplace_back(g->toMultiPoint()->getGeometryRef(0)->clone());
                        else if (t == wkbPoint)
                            row.geometries.push_back(std::move(g));
                        else
                            fail("geometry", std::string("a ") + OGRGeometryTypeToName(t) + " cannot go into point layer " + o.into);
                    } else if (def->geometry == GeometryKind::LineString) {
                        if (t == wkbLineString)
                            row.geometries.push_back(std::move(g));
                        else if (t == wkbMultiLineString) {
                            for (auto* part : *g->toMultiLineString()) row.geometries.emplace_back(part->clone());
                        } else
                            fail("geometry", std::string("a ") + OGRGeometryTypeToName(t) + " cannot go into line layer " + o.into);
                    } else if (def->geometry == GeometryKind::MultiPolygon) {
                        if (t == wkbPolygon || t == wkbMultiPolygon)
                            row.geometries.emplace_back(OGRGeometryFactory::forceToMultiPolygon(g.release()));
                        else
                            fail("geometry", std::string("a ") + OGRGeometryTypeToName(t) + " cannot go into polygon layer " + o.into);
                    }
                }
            }
        }
        if (!bad) rows.push_back(std::move(row));
    }
    if (report.read == 0) throw DataError({file, inName}, "the file holds no rows");
    if (o.afterRead) o.afterRead(report);
    if (columnsCompared > 0 && columnsAgree == 0)
        report.warnings.push_back("the coordinate columns " + checkLon.name + "/" + checkLat.name + " agree with none of the " +
                                  std::to_string(columnsCompared) +
                                  " points' geometry (farther than 0.01 degree or 1 km): the geometry was imported; check which is right");
    if (coordinateRows > 0 && swappedLooking == coordinateRows)
        throw DataError(
            {file, inName, "", lonCol.name + "/" + latCol.name},
            "the coordinates look latitude-first (longitude column holds values like latitudes in China): swap the columns with --swap-xy");

    // OSM extracts cover more than the county: keep the roads that reach within 2 km of its
    // outline (roads crossing the boundary stay whole, so the network still leads out of the
    // county) and the facilities inside it (one outside is not the county's, and validate says so).
    if (src.isOsm()) {
        if (auto outline = project.countyOutline()) {
            std::unique_ptr<OGRGeometry> near(def->name == "roads" ? outline->Buffer(2000, 8) : outline->clone());
            const std::size_t before = rows.size();
            std::erase_if(rows, [&](const Row& r) {
                return std::none_of(r.geometries.begin(), r.geometries.end(),
                                    [&](const std::unique_ptr<OGRGeometry>& g) { return g->Intersects(near.get()); });
            });
            if (rows.size() < before)
                report.warnings.push_back(
                    std::to_string(before - rows.size()) +
                    (def->name == "roads" ? " OSM roads farther than 2 km from the county" : " OSM facilities outside the county") +
                    " were left out (clipped to the county)");
        } else {
            report.warnings.push_back("the project has no county outline: the OSM features were not clipped to the county");
        }
    }

    // Do the features land in the county? None inside means a wrong CRS, not bad luck.
    if (!join && rowsHaveGeometry) {
        auto outline = project.countyOutline();
        if (outline) {
            OGREnvelope env;
            outline->getEnvelope(&env);
            const double margin = 20000;
            long long inside = 0, outside = 0, withGeometry = 0;
            std::vector<std::string> outsideRows;
            std::vector<char> rowOutside(rows.size(), 0);
            // Prepared once (GEOS): a county outline has thousands of vertices, a file may have
            // hundreds of thousands of rows.
            OGRPreparedGeometryUniquePtr prepared(OGRCreatePreparedGeometry(outline.get()));
            for (std::size_t ri = 0; ri < rows.size(); ++ri)
                for (const auto& g : rows[ri].geometries) {
                    ++withGeometry;
                    OGREnvelope e;
                    g->getEnvelope(&e);
                    const bool near = e.MaxX >= env.MinX - margin && e.MinX <= env.MaxX + margin && e.MaxY >= env.MinY - margin &&
                                      e.MinY <= env.MaxY + margin;
                    if (near) ++inside;
                    const bool intersects = prepared ? OGRPreparedGeometryIntersects(prepared.get(), OGRGeometry::ToHandle(g.get()))
                                                     : g->Intersects(outline.get());
                    if (!intersects) {
                        ++outside;
                        rowOutside[ri] = 1;
                        if (outsideRows.size() < 10) outsideRows.push_back(rows[ri].label);
                    }
                }
            // validate's outside_county is an error for these layers (a warning for roads): so
            // is a row outside at import, unless --allow-outside asks for it.
            const bool outsideIsError = def->name == "townships" || def->name == "villages" || def->name == "facilities" ||
                                        def->name == "resettlement_sites" || def->name == "industry_projects" ||
                                        def->name == "landuse_plan" || def->name == "households";
            if (withGeometry > 0 && inside == 0 && !o.allowOutside) {
                std::string hint = "is --source-crs right?";
                if (zonePrefixed > 0 && zonePrefixed == coordinateRows) {
                    const bool three = prefixZone >= 25;  // zones 25-45: 3-degree; 13-23: 6-degree
                    const int k = three ? prefixZone - 25 : prefixZone - 13;
                    hint += " The x values carry the zone number " + std::to_string(prefixZone) + " in front (" + (three ? "3" : "6") +
                            "-degree Gauss-Kruger): use the CRS with the zone in its false easting, EPSG:" +
                            std::to_string((three ? 4513 : 4491) + k) +
                            " for CGCS2000, EPSG:" + std::to_string((three ? 2401 : 21413) + k) +
                            " for Beijing 1954, EPSG:" + std::to_string((three ? 2349 : 2327) + k) + " for Xian 1980.";
                }
                if (geographicSource) hint += " If the file is latitude-first, use --swap-xy.";
                throw DataError({file, inName}, "none of the " + std::to_string(withGeometry) +
                                                    " features lies within 20 km of the county after transforming from " + report.crs +
                                                    ": " + hint + " (--allow-outside imports anyway); nothing was imported");
            }
            if (outside > 0 && outsideIsError && !o.allowOutside && inside > 0) {
                std::vector<Row> kept;
                kept.reserve(rows.size());
                for (std::size_t ri = 0; ri < rows.size(); ++ri) {
                    if (rowOutside[ri])
                        errors.push_back({rows[ri].label, "geometry",
                                          "lies outside the county boundary (--allow-outside imports it anyway)", rows[ri].fid});
                    else
                        kept.push_back(std::move(rows[ri]));
                }
                rows = std::move(kept);
            } else if (outside > 0) {
                std::string list;
                for (const auto& l : outsideRows) list += (list.empty() ? "" : ", ") + l;
                report.warnings.push_back(std::to_string(outside) + " features lie outside the county boundary: " + list +
                                          (outside > 10 ? ", ..." : ""));
            }
        }
    }

    // Write in one transaction. Every feature as it would be written is held to validate's own
    // rules (FeatureRules), and keys to the file and the project, so what imports validates: a
    // row that breaks one is an error of that row, and nothing is written unless
    // --skip-bad-rows leaves it out.
    feedback.setProgress(0.85, "writing");
    GDALDataset& ds = project.dataset();
    const FeatureRules rules(project.meta("county_code"), true);
    std::vector<RowError> writeErrors = std::move(errors);  // those found reading come first; all are listed in file order
    auto signature = [](const Problem& p) { return p.rule + "|" + p.field + "|" + p.message; };
    // The errors `f` has that `before` (the feature as it was, for an update) did not.
    // References validate checks: to villages, resettlement sites and industry projects in the project.
    std::map<std::string, std::set<std::string>> keysOf;  // layer -> its codes or ids
    auto keys = [&](const char* layer, const char* field) -> const std::set<std::string>& {
        auto it = keysOf.find(layer);
        if (it != keysOf.end()) return it->second;
        std::set<std::string>& out = keysOf[layer];
        if (OGRLayer* l = project.findLayer(layer)) {
            l->ResetReading();
            for (auto& f : *l) out.insert(f->GetFieldAsString(field));
        }
        return out;
    };
    auto referenceErrors = [&](OGRFeature& f, const Row& r) {
        bool bad = false;
        auto check = [&](const char* field, const char* layer, const char* key, const std::string& what) {
            if (!isMapped(field)) return;  // an update that leaves the reference as it was
            const int i = f.GetFieldIndex(field);
            if (i < 0 || !f.IsFieldSetAndNotNull(i)) return;
            const std::string v = f.GetFieldAsString(i);
            if (keys(layer, key).count(v)) return;
            writeErrors.push_back(
                {r.label, field, what + " " + v + " is not in " + layer + " (import " + layer + " first) (reference)", r.fid});
            bad = true;
        };
        if (def->name != "villages") {
            check("village_code", "villages", "code", "village code");
            check("source_village_code", "villages", "code", "village code");
        }
        if (def->name == "relocations") check("site_id", "resettlement_sites", "id", "site");
        if (def->name == "project_links") check("project_id", "industry_projects", "id", "project");
        return bad;
    };
    auto newErrors = [&](OGRFeature& f, const std::set<std::string>& before, const Row& r) {
        bool bad = false;
        for (const auto& p : rules.check(*def, f)) {
            if (p.severity != Problem::Severity::Error || before.count(signature(p))) continue;
            writeErrors.push_back({r.label, p.field, p.message + " (" + p.rule + ")", r.fid});
            bad = true;
        }
        return referenceErrors(f, r) || bad;
    };
    auto errorsOf = [&](OGRFeature& f) {
        std::set<std::string> out;
        for (const auto& p : rules.check(*def, f))
            if (p.severity == Problem::Severity::Error) out.insert(signature(p));
        return out;
    };
    if (startWriteTransaction(ds) != OGRERR_NONE) throw DataError({o.project}, "cannot start a transaction: " + lastGdalError());
    try {
        OGRFeatureDefn* outDefn = target.GetLayerDefn();
        auto apply = [&](OGRFeature& f, const Row& r) {
            for (const auto& m : mapping) {
                const std::size_t fi = static_cast<std::size_t>(m.target - def->fields.data());
                const int idx = outDefn->GetFieldIndex(std::string(m.target->name).c_str());
                if (idx < 0) continue;
                if (r.text[fi])
                    f.SetField(idx, r.text[fi]->c_str());
                else if (r.number[fi]) {
                    if (m.target->type == FieldType::Integer)
                        f.SetField(idx, static_cast<GIntBig>(std::llround(*r.number[fi])));
                    else
                        f.SetField(idx, *r.number[fi]);
                }
            }
        };
        if (join) {
            std::map<std::string, GIntBig> byCode;
            std::map<std::pair<std::string, std::string>, std::vector<GIntBig>> byName;  // (township key, name)
            std::map<std::string, std::string> townshipByName;
            if (OGRLayer* t = project.findLayer("townships")) {
                for (auto& f : *t) townshipByName[f->GetFieldAsString("name")] = f->GetFieldAsString("code");
            }
            for (auto& f : target) {
                const std::string code = f->GetFieldAsString("code");
                byCode[code] = f->GetFID();
                byName[{f->GetFieldAsString("township_code"), f->GetFieldAsString("name")}].push_back(f->GetFID());
            }
            const auto codeIt = std::find_if(mapping.begin(), mapping.end(), [](const Mapping& m) { return m.target->name == "code"; });
            const auto nameIt = std::find_if(mapping.begin(), mapping.end(), [](const Mapping& m) { return m.target->name == "name"; });
            std::map<GIntBig, std::string> joinedBy;  // village -> the row that set it
            for (const auto& r : rows) {
                std::optional<GIntBig> fid;
                std::string why;
                if (codeIt != mapping.end() && r.text[static_cast<std::size_t>(codeIt->target - def->fields.data())]) {
                    const std::string code = *r.text[static_cast<std::size_t>(codeIt->target - def->fields.data())];
                    if (auto it = byCode.find(code); it != byCode.end())
                        fid = it->second;
                    else
                        why = "village code " + code + " is not in the project";
                } else if (nameIt != mapping.end() && r.text[static_cast<std::size_t>(nameIt->target - def->fields.data())] &&
                           r.text.size() > def->fields.size()) {
                    const std::string name = *r.text[static_cast<std::size_t>(nameIt->target - def->fields.data())];
                    std::string township = r.text.back().value_or("");
                    if (auto it = townshipByName.find(township); it != townshipByName.end()) township = it->second;
                    if (township.size() != 9)
                        why = "township '" + r.text.back().value_or("") + "' is not in the project";
                    else if (auto it = byName.find({township, name}); it == byName.end())
                        why = "no village named " + name + " in township " + township;
                    else if (it->second.size() > 1)
                        why = "village name " + name + " is ambiguous in township " + township + ": give the code";
                    else
                        fid = it->second.front();
                } else {
                    why = "no village code, or no name and township, in this row";
                }
                if (!fid) {
                    report.unmatched.push_back(r.label + ": " + why);
                    continue;
                }
                // Two rows for one village: which one is right is the planner's call, not ours.
                if (auto [it, fresh] = joinedBy.emplace(*fid, r.label); !fresh) {
                    writeErrors.push_back({r.label, codeIt != mapping.end() ? codeIt->sourceName : "name",
                                           "the same village as " + it->second + " (each village once per ledger)", r.fid});
                    continue;
                }
                FeaturePtr f(target.GetFeature(*fid));
                const auto before = errorsOf(*f);
                apply(*f, r);
                if (newErrors(*f, before, r)) continue;
                if (target.SetFeature(f.get()) != OGRERR_NONE)
                    throw DataError({o.project, o.into, r.label}, "cannot update: " + lastGdalError());
                ++report.updated;
            }
        } else {
            // Layers with a unique key (the validator's code_duplicate / id_duplicate): a key
            // repeated inside the file is an error of the later row; a key in the project
            // already is one too, unless --update asks to replace that feature (a layer edited
            // elsewhere, in QGIS or Excel, imported back).
            const char* keyField = def->name == "county" || def->name == "townships" || def->name == "villages" ? "code"
                                   : def->name == "facilities" || def->name == "resettlement_sites" || def->name == "industry_projects"
                                       ? "id"
                                       : nullptr;
            const auto keyIt =
                keyField ? std::find_if(mapping.begin(), mapping.end(), [&](const Mapping& m) { return m.target->name == keyField; })
                         : mapping.end();
            std::map<std::string, GIntBig> inProject;
            std::map<std::string, std::string> inFile;  // key -> the row that gave it first
            if (keyIt != mapping.end()) {
                for (auto& f : target) inProject[f->GetFieldAsString(keyField)] = f->GetFID();
                target.ResetReading();
            }
            for (const auto& r : rows) {
                const std::size_t parts = std::max<std::size_t>(1, r.geometries.size());
                if (keyIt != mapping.end()) {
                    const auto& key = r.text[static_cast<std::size_t>(keyIt->target - def->fields.data())];
                    if (key) {
                        if (auto [it, fresh] = inFile.emplace(*key, r.label); !fresh) {
                            writeErrors.push_back(
                                {r.label, keyIt->sourceName,
                                 std::string(keyField) + " " + *key + " repeats " + it->second + " (each " + keyField + " once in a layer)",
                                 r.fid});
                            continue;
                        }
                    }
                    if (auto it = key ? inProject.find(*key) : inProject.end(); it != inProject.end()) {
                        if (!o.update) {
                            writeErrors.push_back({r.label, keyIt->sourceName,
                                                   std::string(keyField) + " " + *key + " is in the project already (feature " +
                                                       std::to_string(it->second) + "): use --update to replace it",
                                                   r.fid});
                            continue;
                        }
                        if (r.geometries.size() > 1)
                            throw DataError({file, inName, r.label, keyField},
                                            std::string(keyField) + " " + *key + " is in the project already and this row has " +
                                                std::to_string(r.geometries.size()) + " parts: give one geometry per " + keyField);
                        FeaturePtr f(target.GetFeature(it->second));
                        const auto before = errorsOf(*f);
                        apply(*f, r);
                        if (!r.geometries.empty()) f->SetGeometry(r.geometries[0].get());
                        if (newErrors(*f, before, r)) continue;
                        if (target.SetFeature(f.get()) != OGRERR_NONE)
                            throw DataError({o.project, o.into, r.label}, "cannot update: " + lastGdalError());
                        ++report.updated;
                        continue;
                    }
                }
                std::vector<FeaturePtr> features;
                bool bad = false;
                for (std::size_t p = 0; p < parts; ++p) {
                    FeaturePtr f(OGRFeature::CreateFeature(outDefn));
                    apply(*f, r);
                    if (p < r.geometries.size()) f->SetGeometry(r.geometries[p].get());
                    bad = newErrors(*f, {}, r) || bad;
                    features.push_back(std::move(f));
                }
                if (bad) continue;
                for (auto& f : features) {
                    if (target.CreateFeature(f.get()) != OGRERR_NONE)
                        throw DataError({o.project, o.into, r.label}, "cannot write: " + lastGdalError());
                    ++report.inserted;
                }
            }
        }
        feedback.checkCancelled();
        if (!writeErrors.empty()) {
            std::stable_sort(writeErrors.begin(), writeErrors.end(),
                             [](const RowError& a, const RowError& b) { return a.order < b.order; });
            if (!o.skipBadRows) {
                const RowError& e = writeErrors.front();
                std::set<long long> rowsBad;
                for (const auto& x : writeErrors) rowsBad.insert(x.order);
                const std::string more = rowsBad.size() > 1       ? " (and " + std::to_string(rowsBad.size() - 1) + " more bad rows)"
                                         : writeErrors.size() > 1 ? " (and " + std::to_string(writeErrors.size() - 1) + " more in this row)"
                                                                  : "";
                throw DataError({file, inName, e.row, e.field},
                                e.message + more + "; nothing was imported (use --skip-bad-rows to import the good rows)");
            }
            for (const auto& e : writeErrors) report.badRows.push_back(e.row + ", field " + e.field + ": " + e.message);
        }
        if (o.beforeCommit) o.beforeCommit(ds);
        if (std::string(ds.GetDriverName()) == "GPKG") ensureSchemaIndexes(ds, *def);  // the server has them from init
        // The layer's extent and timestamp in gpkg_contents inside the transaction too: GDAL
        // writes them when the dataset closes, after the commit, and a kill in between left the
        // new features with the old extent.
        // (It also builds a deferred spatial index: a full disk shows here as at the commit.)
        CPLErrorReset();
        if (target.SyncToDisk() != OGRERR_NONE || CPLGetLastErrorType() >= CE_Failure) throw CommitFailed({o.project}, commitFailure());
        if (ds.CommitTransaction() != OGRERR_NONE) throw CommitFailed({o.project}, commitFailure());
    } catch (...) {
        ds.RollbackTransaction();
        throw;
    }
    feedback.setProgress(1.0, "done");
    return report;
}
}  // namespace

}  // namespace ruralatlas::io
