#include "io/xlsx_writer.hpp"

#include <cpl_conv.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/xml.hpp"

namespace ruralatlas::io {

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    // The shortest form that reads back the same.
    for (int p = 1; p <= 17; ++p) {
        char t[32];
        std::snprintf(t, sizeof t, "%.*g", p, v);
        if (std::strtod(t, nullptr) == v) return t;
    }
    return buf;
}

// The UTF-8 code points of s, at most n, as a string.
std::string firstChars(const std::string& s, std::size_t n) {
    std::size_t i = 0, count = 0;
    while (i < s.size() && count < n) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        ++count;
    }
    return s.substr(0, std::min(i, s.size()));
}

// Display width of a title: CJK characters count twice.
double displayWidth(const std::string& s) {
    double w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += len >= 3 ? 2.1 : 1.1;
        i += len;
    }
    return w;
}

// Cell styles (cellXfs): 0 default, 1 caption, 2 header, 3 text, then one per number format.
constexpr int kCaption = 1, kHeader = 2, kText = 3, kFirstNumber = 4;

class CellSink final : public RowSink {
public:
    CellSink(std::string& xml, const std::vector<int>& styles, std::size_t row) : m_xml(xml), m_styles(styles), m_row(row) {}
    void text(std::string_view v) override {
        open();
        m_xml += " t=\"inlineStr\"><is><t xml:space=\"preserve\">" + xmlEscape(v) + "</t></is></c>";
    }
    void real(double v) override {
        if (!std::isfinite(v)) return null();
        open();
        m_xml += "><v>" + number(v) + "</v></c>";
    }
    void integer(long long v) override {
        open();
        m_xml += "><v>" + std::to_string(v) + "</v></c>";
    }
    void null() override { ++m_col; }

private:
    void open() {
        m_xml += "<c r=\"" + xlsxColumn(m_col) + std::to_string(m_row) + "\" s=\"" + std::to_string(m_styles[m_col]) + "\"";
        ++m_col;
    }
    std::string& m_xml;
    const std::vector<int>& m_styles;
    std::size_t m_row, m_col = 0;
};

std::string sheetXml(const ResultTable& t, const std::map<std::string, int>& formatStyle) {
    const std::size_t n = t.columns.size();
    const std::string last = xlsxColumn(n ? n - 1 : 0);
    std::vector<int> styles(n, kText);
    for (std::size_t c = 0; c < n; ++c) {
        const auto& col = t.columns[c];
        if (col.type == ResultFieldType::Text) continue;
        auto it = formatStyle.find(col.numberFormat);
        styles[c] = it == formatStyle.end() ? kFirstNumber : it->second;
    }
    std::vector<std::string> merges;
    std::string rows;
    std::size_t r = 1;
    auto cell = [](const std::string& ref, int style, const std::string& text) {
        return "<c r=\"" + ref + "\" s=\"" + std::to_string(style) + "\" t=\"inlineStr\"><is><t>" + xmlEscape(text) + "</t></is></c>";
    };
    if (!t.caption.empty()) {
        rows += "<row r=\"1\" ht=\"24\" customHeight=\"1\">" + cell("A1", kCaption, t.caption) + "</row>";
        if (n > 1) merges.push_back("A1:" + last + "1");
        ++r;
    }
    // Which group each column is in (-1: none).
    std::vector<int> groupOf(n, -1);
    for (std::size_t g = 0; g < t.columnGroups.size(); ++g)
        for (std::size_t c = t.columnGroups[g].first; c < t.columnGroups[g].first + t.columnGroups[g].count && c < n; ++c)
            groupOf[c] = int(g);
    const bool grouped = !t.columnGroups.empty();
    const std::size_t headerRows = grouped ? 2 : 1;
    if (grouped) {
        std::string top = "<row r=\"" + std::to_string(r) + "\">", bottom = "<row r=\"" + std::to_string(r + 1) + "\">";
        for (std::size_t c = 0; c < n; ++c) {
            const std::string a = xlsxColumn(c) + std::to_string(r), b = xlsxColumn(c) + std::to_string(r + 1);
            if (groupOf[c] < 0) {
                top += cell(a, kHeader, t.columns[c].titleZh.empty() ? t.columns[c].name : t.columns[c].titleZh);
                bottom += "<c r=\"" + b + "\" s=\"" + std::to_string(kHeader) + "\"/>";
                merges.push_back(a + ":" + b);
            } else {
                const ColumnGroup& g = t.columnGroups[std::size_t(groupOf[c])];
                if (c == g.first) {
                    top += cell(a, kHeader, g.titleZh);
                    const std::size_t end = std::min(n, g.first + g.count) - 1;
                    if (end > c) merges.push_back(a + ":" + xlsxColumn(end) + std::to_string(r));
                } else {
                    top += "<c r=\"" + a + "\" s=\"" + std::to_string(kHeader) + "\"/>";
                }
                bottom += cell(b, kHeader, t.columns[c].titleZh.empty() ? t.columns[c].name : t.columns[c].titleZh);
            }
        }
        rows += top + "</row>" + bottom + "</row>";
    } else {
        rows += "<row r=\"" + std::to_string(r) + "\">";
        for (std::size_t c = 0; c < n; ++c)
            rows +=
                cell(xlsxColumn(c) + std::to_string(r), kHeader, t.columns[c].titleZh.empty() ? t.columns[c].name : t.columns[c].titleZh);
        rows += "</row>";
    }
    r += headerRows;
    const std::size_t firstData = r;
    for (std::size_t i = 0; i < t.rows; ++i, ++r) {
        rows += "<row r=\"" + std::to_string(r) + "\">";
        CellSink sink(rows, styles, r);
        t.row(i, sink);
        rows += "</row>";
    }
    std::string cols = "<cols>";
    for (std::size_t c = 0; c < n; ++c) {
        const double w = std::clamp(displayWidth(t.columns[c].titleZh.empty() ? t.columns[c].name : t.columns[c].titleZh) + 2, 8.0, 40.0);
        cols += "<col min=\"" + std::to_string(c + 1) + "\" max=\"" + std::to_string(c + 1) + "\" width=\"" +
                number(std::round(w * 10) / 10) + "\" customWidth=\"1\"/>";
    }
    cols += "</cols>";
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<dimension ref=\"A1:" +
        last + std::to_string(std::max<std::size_t>(r - 1, 1)) +
        "\"/>"
        "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"" +
        std::to_string(firstData - 1) + "\" topLeftCell=\"A" + std::to_string(firstData) +
        "\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        "<sheetFormatPr defaultRowHeight=\"15\"/>" +
        cols + "<sheetData>" + rows + "</sheetData>";
    if (!merges.empty()) {
        xml += "<mergeCells count=\"" + std::to_string(merges.size()) + "\">";
        for (const std::string& m : merges) xml += "<mergeCell ref=\"" + m + "\"/>";
        xml += "</mergeCells>";
    }
    xml += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>";
    return xml;
}

std::string sheetName(const ResultTable& t, std::set<std::string>& used) {
    std::string base = t.titleZh.empty() ? t.name : t.titleZh;
    for (char& c : base)
        if (c == '[' || c == ']' || c == ':' || c == '*' || c == '?' || c == '/' || c == '\\') c = '_';
    std::string name = firstChars(base, 31);
    for (int k = 2; !used.insert(name).second; ++k) name = firstChars(base, 27) + "(" + std::to_string(k) + ")";
    return name;
}

}  // namespace

std::string xlsxColumn(std::size_t index) {
    std::string out;
    ++index;
    while (index > 0) {
        const std::size_t rem = (index - 1) % 26;
        out.insert(out.begin(), char('A' + rem));
        index = (index - 1) / 26;
    }
    return out;
}

void writeXlsx(const std::string& path, const std::vector<ResultTable>& tables) {
    if (tables.empty()) throw UsageError("--out " + path + ": there is no table to write");
    // Number formats in use, each a style.
    std::map<std::string, int> formatStyle;
    std::vector<std::string> formats;
    for (const ResultTable& t : tables)
        for (const ResultColumn& c : t.columns)
            if (c.type != ResultFieldType::Text && !formatStyle.count(c.numberFormat)) {
                formatStyle[c.numberFormat] = kFirstNumber + int(formats.size());
                formats.push_back(c.numberFormat);
            }
    std::string numFmts, xfs;
    int custom = 0;
    for (const std::string& f : formats) {
        int id = 0;  // General
        if (!f.empty()) {
            id = 164 + custom++;
            numFmts += "<numFmt numFmtId=\"" + std::to_string(id) + "\" formatCode=\"" + xmlEscape(f) + "\"/>";
        }
        xfs += "<xf numFmtId=\"" + std::to_string(id) +
               "\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyBorder=\"1\"/>";
    }
    const std::string styles =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" +
        (custom ? "<numFmts count=\"" + std::to_string(custom) + "\">" + numFmts + "</numFmts>" : std::string()) +
        "<fonts count=\"3\"><font><sz val=\"11\"/><name val=\"宋体\"/><charset val=\"134\"/></font>"
        "<font><b/><sz val=\"14\"/><name val=\"宋体\"/><charset val=\"134\"/></font>"
        "<font><b/><sz val=\"11\"/><name val=\"宋体\"/><charset val=\"134\"/></font></fonts>"
        "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
        "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFE7E6E6\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>"
        "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
        "<border><left style=\"thin\"/><right style=\"thin\"/><top style=\"thin\"/><bottom style=\"thin\"/><diagonal/></border></borders>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        "<cellXfs count=\"" +
        std::to_string(kFirstNumber + formats.size()) +
        "\">"
        "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\"><alignment "
        "horizontal=\"center\" vertical=\"center\"/></xf>"
        "<xf numFmtId=\"0\" fontId=\"2\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" "
        "applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf>"
        "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyBorder=\"1\"/>" +
        xfs + "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"常规\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";

    std::set<std::string> used;
    std::vector<std::pair<std::string, std::string>> files;  // name in the zip, content
    std::string sheetsXml, relsXml, typesXml;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        const std::string id = std::to_string(i + 1);
        sheetsXml += "<sheet name=\"" + xmlEscape(sheetName(tables[i], used)) + "\" sheetId=\"" + id + "\" r:id=\"rId" + id + "\"/>";
        relsXml += "<Relationship Id=\"rId" + id +
                   "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet" +
                   id + ".xml\"/>";
        typesXml += "<Override PartName=\"/xl/worksheets/sheet" + id +
                    ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
        files.push_back({"xl/worksheets/sheet" + id + ".xml", sheetXml(tables[i], formatStyle)});
    }
    const std::string stylesId = std::to_string(tables.size() + 1);
    relsXml += "<Relationship Id=\"rId" + stylesId +
               "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>";
    const std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
    files.insert(
        files.begin(),
        {{"[Content_Types].xml",
          head +
              "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
              "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
              "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
              "<Override PartName=\"/xl/workbook.xml\" "
              "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
              "<Override PartName=\"/xl/styles.xml\" "
              "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>" +
              typesXml + "</Types>"},
         {"_rels/.rels",
          head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                 "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
                 "Target=\"xl/workbook.xml\"/></Relationships>"},
         {"xl/workbook.xml", head +
                                 "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                                 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>" +
                                 sheetsXml + "</sheets></workbook>"},
         {"xl/_rels/workbook.xml.rels",
          head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" + relsXml + "</Relationships>"},
         {"xl/styles.xml", styles}});

    AtomicFile atomic(path);
    void* zip = CPLCreateZip(atomic.tempPath().c_str(), nullptr);
    if (!zip) throw DataError({path}, "cannot create the workbook");
    bool ok = true;
    for (const auto& [name, content] : files) {
        ok = ok && CPLCreateFileInZip(zip, name.c_str(), nullptr) == CE_None;
        for (std::size_t at = 0; ok && at < content.size(); at += 1 << 24) {
            const std::size_t len = std::min<std::size_t>(content.size() - at, 1 << 24);
            ok = CPLWriteFileInZip(zip, content.data() + at, static_cast<int>(len)) == CE_None;
        }
        ok = CPLCloseFileInZip(zip) == CE_None && ok;
    }
    ok = CPLCloseZip(zip) == CE_None && ok;
    if (!ok) throw DataError({path}, "cannot write the workbook (disk full?)");
    atomic.commit();
}

}  // namespace ruralatlas::io
