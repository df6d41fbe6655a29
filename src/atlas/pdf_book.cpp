#include "atlas/pdf_book.hpp"

#include <QDateTime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"

namespace ruralatlas::atlas {

namespace {

struct Part {
    std::string path;
    std::string bytes;
    std::vector<long long> offsets;  // by object number; -1 = free
    int root = 0, pages = 0;
};

[[noreturn]] void bad(const std::string& path, const std::string& what) {
    throw DataError({path, "", "", ""}, "cannot bind this PDF part: " + what);
}

bool isWhite(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; }
bool isDelim(char c) { return isWhite(c) || std::strchr("()<>[]{}/%", c) != nullptr; }

Part readPart(const std::string& path) {
    Part p;
    p.path = path;
    std::ifstream in(path, std::ios::binary);
    if (!in) bad(path, "cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    p.bytes = ss.str();
    const std::string& b = p.bytes;
    const size_t sx = b.rfind("startxref");
    if (sx == std::string::npos) bad(path, "no startxref (truncated?)");
    size_t pos = std::strtoull(b.c_str() + sx + 9, nullptr, 10);
    if (pos >= b.size() || b.compare(pos, 4, "xref") != 0) bad(path, "no classic xref table at startxref");
    pos += 4;
    // Subsections: "first count" then count 20-byte entries.
    for (;;) {
        while (pos < b.size() && isWhite(b[pos])) ++pos;
        if (b.compare(pos, 7, "trailer") == 0) break;
        char* end = nullptr;
        const long first = std::strtol(b.c_str() + pos, &end, 10);
        const long count = std::strtol(end, &end, 10);
        pos = size_t(end - b.c_str());
        while (pos < b.size() && isWhite(b[pos])) ++pos;
        if (first < 0 || count < 0 || pos + size_t(count) * 20 > b.size()) bad(path, "damaged xref table");
        if (p.offsets.size() < size_t(first + count)) p.offsets.resize(size_t(first + count), -1);
        for (long i = 0; i < count; ++i) {
            const char* e = b.c_str() + pos + size_t(i) * 20;
            if (e[17] == 'n') p.offsets[size_t(first + i)] = std::strtoll(e, nullptr, 10);
        }
        pos += size_t(count) * 20;
    }
    const size_t rootKey = b.find("/Root", pos);
    if (rootKey == std::string::npos) bad(path, "no /Root in the trailer");
    p.root = int(std::strtol(b.c_str() + rootKey + 5, nullptr, 10));
    return p;
}

// The body of object n (between "n 0 obj" and "endobj").
std::string_view objectBody(const Part& p, int n) {
    if (n <= 0 || size_t(n) >= p.offsets.size() || p.offsets[size_t(n)] < 0) bad(p.path, "object " + std::to_string(n) + " is missing");
    const std::string& b = p.bytes;
    size_t pos = size_t(p.offsets[size_t(n)]);
    const size_t obj = b.find("obj", pos);
    if (obj == std::string::npos) bad(p.path, "object " + std::to_string(n) + " has no header");
    pos = obj + 3;
    // The end: after a stream, "endobj" follows "endstream"; search from the stream's end.
    size_t searchFrom = pos;
    const size_t streamKw = b.find("stream", pos);
    const size_t endobj0 = b.find("endobj", pos);
    if (streamKw != std::string::npos && streamKw < endobj0) {
        const size_t es = b.find("endstream", streamKw + 6);
        if (es == std::string::npos) bad(p.path, "object " + std::to_string(n) + " has an unterminated stream");
        searchFrom = es;
    }
    const size_t endobj = b.find("endobj", searchFrom);
    if (endobj == std::string::npos) bad(p.path, "object " + std::to_string(n) + " has no endobj");
    return std::string_view(b).substr(pos, endobj - pos);
}

// The value of /Key in a dictionary body as text up to the next key or end (simple values:
// references, names, numbers, flat arrays).
std::string dictValue(std::string_view body, std::string_view key) {
    size_t pos = 0;
    for (;;) {
        pos = body.find(key, pos);
        if (pos == std::string_view::npos) return {};
        const size_t after = pos + key.size();
        if (after < body.size() && !isDelim(body[after])) {
            pos = after;
            continue;
        }
        size_t s = after;
        while (s < body.size() && isWhite(body[s])) ++s;
        if (s < body.size() && body[s] == '[') {
            const size_t e = body.find(']', s);
            return std::string(body.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s + 1));
        }
        size_t e = s;
        if (e < body.size() && body[e] == '/') {  // a name
            ++e;
            while (e < body.size() && !isDelim(body[e])) ++e;
        } else {
            while (e < body.size() && body[e] != '/' && body[e] != '>') ++e;
        }
        return std::string(body.substr(s, e - s));
    }
}

std::vector<int> refsIn(const std::string& text) {
    std::vector<int> out;
    const char* c = text.c_str();
    while (*c) {
        if (std::isdigit(static_cast<unsigned char>(*c))) {
            char* e1 = nullptr;
            const long a = std::strtol(c, &e1, 10);
            char* e2 = nullptr;
            std::strtol(e1, &e2, 10);
            const char* r = e2;
            while (*r && isWhite(*r)) ++r;
            if (e2 != e1 && *r == 'R') {
                out.push_back(int(a));
                c = r + 1;
                continue;
            }
            c = e1;
        } else {
            ++c;
        }
    }
    return out;
}

void collectPages(const Part& p, int node, std::vector<int>& pages, std::vector<int>& treeNodes, int depth = 0) {
    if (depth > 32) bad(p.path, "page tree too deep");
    const std::string_view body = objectBody(p, node);
    const std::string type = dictValue(body, "/Type");
    if (type.find("/Pages") != std::string::npos) {
        treeNodes.push_back(node);
        for (int kid : refsIn(dictValue(body, "/Kids"))) collectPages(p, kid, pages, treeNodes, depth + 1);
    } else {
        pages.push_back(node);
    }
}

// Copies `body` to `out`, renumbering every indirect reference outside strings and streams.
// `parentRef` replaces the value of /Parent; `dropAnnots` removes an /Annots entry and
// `extra` is inserted before the top-level dictionary's closing ">>".
void copyRenumbered(std::string& out, std::string_view body, const std::map<int, int>& map, const std::string& path,
                    const std::string& parentRef = {}, bool dropAnnots = false, const std::string& extra = {}) {
    size_t i = 0;
    int depth = 0;
    bool extraDone = extra.empty();
    const auto renum = [&](long n) {
        auto it = map.find(int(n));
        if (it == map.end()) bad(path, "reference to object " + std::to_string(n) + " which is not part of the page content");
        return it->second;
    };
    while (i < body.size()) {
        const char c = body[i];
        if (c == '(') {  // literal string with nesting and escapes
            int nest = 0;
            const size_t s = i;
            do {
                if (body[i] == '\\')
                    ++i;
                else if (body[i] == '(')
                    ++nest;
                else if (body[i] == ')')
                    --nest;
                ++i;
            } while (i < body.size() && nest > 0);
            out.append(body.substr(s, i - s));
            continue;
        }
        if (c == '<' && i + 1 < body.size() && body[i + 1] == '<') {
            ++depth;
            out += "<<";
            i += 2;
            continue;
        }
        if (c == '>' && i + 1 < body.size() && body[i + 1] == '>') {
            if (depth == 1 && !extraDone) {
                out += extra;
                extraDone = true;
            }
            --depth;
            out += ">>";
            i += 2;
            continue;
        }
        if (c == '<') {  // hex string
            const size_t e = body.find('>', i);
            out.append(body.substr(i, e - i + 1));
            i = e + 1;
            continue;
        }
        if (depth == 0 && body.compare(i, 6, "stream") == 0) {
            out.append(body.substr(i));  // stream data: copied as is
            return;
        }
        if (c == '/' && depth == 1 && !parentRef.empty() && body.compare(i, 7, "/Parent") == 0 && isDelim(body[i + 7])) {
            out += "/Parent " + parentRef;
            size_t e = i + 7;
            for (int k = 0; k < 3; ++k) {  // skip "n g R"
                while (e < body.size() && isWhite(body[e])) ++e;
                while (e < body.size() && !isWhite(body[e]) && body[e] != '/' && body[e] != '>') ++e;
            }
            i = e;
            continue;
        }
        if (c == '/' && depth == 1 && dropAnnots && body.compare(i, 7, "/Annots") == 0 && isDelim(body[i + 7])) {
            size_t e = i + 7;
            while (e < body.size() && isWhite(body[e])) ++e;
            if (e < body.size() && body[e] == '[')
                e = body.find(']', e) + 1;
            else
                for (int k = 0; k < 3; ++k) {
                    while (e < body.size() && isWhite(body[e])) ++e;
                    while (e < body.size() && !isWhite(body[e]) && body[e] != '/' && body[e] != '>') ++e;
                }
            i = e;
            continue;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) && (i == 0 || isDelim(body[i - 1]))) {
            size_t e1 = i;
            while (e1 < body.size() && std::isdigit(static_cast<unsigned char>(body[e1]))) ++e1;
            size_t s2 = e1;
            while (s2 < body.size() && isWhite(body[s2])) ++s2;
            size_t e2 = s2;
            while (e2 < body.size() && std::isdigit(static_cast<unsigned char>(body[e2]))) ++e2;
            size_t r = e2;
            while (r < body.size() && isWhite(body[r])) ++r;
            if (e1 < body.size() && body[e1] != '.' && s2 > e1 && e2 > s2 && r < body.size() && body[r] == 'R' &&
                (r + 1 == body.size() || isDelim(body[r + 1]))) {
                out += std::to_string(renum(std::strtol(std::string(body.substr(i, e1 - i)).c_str(), nullptr, 10))) + " 0 R";
                i = r + 1;
                continue;
            }
            out.append(body.substr(i, e1 - i));
            i = e1;
            continue;
        }
        out += c;
        ++i;
    }
}

std::string pdfText(const QString& s) {
    std::string out = "<FEFF";
    char buf[8];
    for (QChar ch : s) {
        std::snprintf(buf, sizeof buf, "%04X", unsigned(ch.unicode()));
        out += buf;
    }
    return out + ">";
}

class Writer {
public:
    explicit Writer(const std::string& path) : m_out(path, std::ios::binary), m_path(path) {
        if (!m_out) throw DataError({path, "", "", ""}, "cannot write the PDF");
        write("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    }
    int reserve() {
        m_offsets.push_back(-1);
        return int(m_offsets.size());
    }
    void object(int n, std::string_view body) {
        m_offsets[size_t(n - 1)] = m_pos;
        write(std::to_string(n) + " 0 obj\n");
        write(body);
        write("\nendobj\n");
    }
    void finish(int root, int info) {
        const long long xref = m_pos;
        std::string x = "xref\n0 " + std::to_string(m_offsets.size() + 1) + "\n0000000000 65535 f \n";
        char buf[32];
        for (long long o : m_offsets) {
            std::snprintf(buf, sizeof buf, "%010lld 00000 n \n", o < 0 ? 0 : o);
            x += buf;
        }
        x += "trailer\n<< /Size " + std::to_string(m_offsets.size() + 1) + " /Root " + std::to_string(root) + " 0 R /Info " +
             std::to_string(info) + " 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
        write(x);
        m_out.flush();
        if (!m_out) throw DataError({m_path, "", "", ""}, "writing the PDF failed (disk full?)");
    }

private:
    void write(std::string_view s) {
        m_out.write(s.data(), std::streamsize(s.size()));
        m_pos += (long long)s.size();
    }
    std::ofstream m_out;
    std::string m_path;
    long long m_pos = 0;
    std::vector<long long> m_offsets;
};

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

}  // namespace

int pdfPageCount(const std::string& path) {
    const Part p = readPart(path);
    const std::string pagesRef = dictValue(objectBody(p, p.root), "/Pages");
    const auto refs = refsIn(pagesRef);
    if (refs.empty()) bad(path, "the catalog has no /Pages");
    std::vector<int> pages, nodes;
    collectPages(p, refs[0], pages, nodes);
    return int(pages.size());
}

// Long on purpose: writes one PDF file's object graph (pages of every part, outline, links, info,
// cross-reference table) in the order the file needs them.
void bindPdf(const std::vector<std::string>& parts, const std::string& out, const BookInfo& info) {
    Writer w(out);
    const int pagesRoot = w.reserve();
    std::vector<int> allPages;  // new object numbers
    std::vector<std::string> mediaBoxes;
    // Which pages get links: their annotation objects are written after the parts.
    std::map<int, std::vector<const PageLink*>> linksByPage;
    for (const auto& l : info.links) linksByPage[l.page].push_back(&l);
    std::map<int, std::vector<int>> annotRefs;  // page index -> reserved annotation numbers
    std::vector<std::pair<int, const PageLink*>> annots;
    for (const auto& [page, ls] : linksByPage)
        for (const PageLink* l : ls) {
            const int n = w.reserve();
            annotRefs[page].push_back(n);
            annots.emplace_back(n, l);
        }

    for (const auto& path : parts) {
        Part p = readPart(path);
        const std::string_view catalog = objectBody(p, p.root);
        const auto pr = refsIn(dictValue(catalog, "/Pages"));
        if (pr.empty()) bad(path, "the catalog has no /Pages");
        std::vector<int> pages, treeNodes;
        collectPages(p, pr[0], pages, treeNodes);
        // Objects reachable from the pages (content, resources, fonts, images).
        std::map<int, int> map;
        std::vector<int> order;
        std::vector<int> stack(pages.begin(), pages.end());
        std::vector<char> seen(p.offsets.size(), 0);
        for (int n : treeNodes) seen[size_t(n)] = 1;
        seen[size_t(p.root)] = 1;
        while (!stack.empty()) {
            const int n = stack.back();
            stack.pop_back();
            if (n <= 0 || size_t(n) >= seen.size() || seen[size_t(n)]) continue;
            seen[size_t(n)] = 1;
            order.push_back(n);
            const std::string_view body = objectBody(p, n);
            // References live in the dictionary part only.
            size_t streamAt = std::string_view::npos;
            for (size_t s = body.find("stream"); s != std::string_view::npos; s = body.find("stream", s + 6)) {
                const size_t close = body.rfind(">>", s);
                if (close != std::string_view::npos) {
                    streamAt = s;
                    break;
                }
            }
            const std::string dict(body.substr(0, streamAt));
            for (int r : refsIn(dict))
                if (r > 0 && size_t(r) < seen.size() && !seen[size_t(r)]) stack.push_back(r);
        }
        std::sort(order.begin(), order.end());
        for (int n : order) map[n] = w.reserve();
        const std::string parentRef = std::to_string(pagesRoot) + " 0 R";
        for (int n : order) {
            const std::string_view body = objectBody(p, n);
            std::string o;
            o.reserve(body.size() + 64);
            const bool isPage = std::find(pages.begin(), pages.end(), n) != pages.end();
            if (isPage) {
                const int index = int(allPages.size() + size_t(std::find(pages.begin(), pages.end(), n) - pages.begin()));
                std::string extra;
                if (auto it = annotRefs.find(index); it != annotRefs.end()) {
                    extra = "/Annots [";
                    for (int a : it->second) extra += std::to_string(a) + " 0 R ";
                    extra += "]\n";
                }
                copyRenumbered(o, body, map, path, parentRef, !extra.empty(), extra);
            } else {
                copyRenumbered(o, body, map, path);
            }
            w.object(map[n], o);
        }
        for (int n : pages) {
            allPages.push_back(map[n]);
            mediaBoxes.push_back(dictValue(objectBody(p, n), "/MediaBox"));
        }
    }
    if (allPages.empty()) throw DataError({out, "", "", ""}, "the book has no pages");

    const auto pageRef = [&](int page) {
        if (page < 0 || size_t(page) >= allPages.size()) throw std::out_of_range("bookmark or link to a page beyond the book");
        return std::to_string(allPages[size_t(page)]) + " 0 R";
    };
    // Link annotations.
    for (const auto& [n, l] : annots) {
        const std::string& mb = mediaBoxes[size_t(l->page)];
        double box[4] = {0, 0, 595.28, 841.89};
        std::sscanf(mb.c_str(), "[%lf %lf %lf %lf", &box[0], &box[1], &box[2], &box[3]);
        const double k = 72.0 / 25.4, h = box[3];
        const QRectF& r = l->rectMm;
        w.object(n, "<< /Type /Annot /Subtype /Link /Border [0 0 0] /Rect [" + fmt(r.left() * k) + " " + fmt(h - r.bottom() * k) + " " +
                        fmt(r.right() * k) + " " + fmt(h - r.top() * k) + "] /Dest [" + pageRef(l->targetPage) +
                        " /XYZ null null null] >>");
    }
    // Page tree.
    std::string kids;
    for (int n : allPages) kids += std::to_string(n) + " 0 R ";
    w.object(pagesRoot, "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(allPages.size()) + " >>");

    // Outline (bookmarks).
    int outlineRoot = 0;
    if (!info.outline.empty()) {
        outlineRoot = w.reserve();
        struct Node {
            const OutlineEntry* e;
            int n;
        };
        // Writes the children of `parent`; returns {first, last, visible count}.
        std::function<std::tuple<int, int, int>(const std::vector<OutlineEntry>&, int)> writeLevel =
            [&](const std::vector<OutlineEntry>& entries, int parent) -> std::tuple<int, int, int> {
            std::vector<int> nums;
            for (size_t i = 0; i < entries.size(); ++i) nums.push_back(w.reserve());
            int total = int(entries.size());
            for (size_t i = 0; i < entries.size(); ++i) {
                const OutlineEntry& e = entries[i];
                std::string o = "<< /Title " + pdfText(e.title) + " /Parent " + std::to_string(parent) + " 0 R /Dest [" + pageRef(e.page) +
                                " /XYZ null null null]";
                if (i > 0) o += " /Prev " + std::to_string(nums[i - 1]) + " 0 R";
                if (i + 1 < entries.size()) o += " /Next " + std::to_string(nums[i + 1]) + " 0 R";
                if (!e.children.empty()) {
                    auto [first, last, count] = writeLevel(e.children, nums[i]);
                    // Negative count: the group starts closed (a 300-village book stays readable).
                    o +=
                        " /First " + std::to_string(first) + " 0 R /Last " + std::to_string(last) + " 0 R /Count -" + std::to_string(count);
                }
                w.object(nums[i], o + " >>");
            }
            return {nums.front(), nums.back(), total};
        };
        auto [first, last, count] = writeLevel(info.outline, outlineRoot);
        w.object(outlineRoot, "<< /Type /Outlines /First " + std::to_string(first) + " 0 R /Last " + std::to_string(last) + " 0 R /Count " +
                                  std::to_string(count) + " >>");
    }
    const int catalog = w.reserve();
    w.object(catalog, "<< /Type /Catalog /Pages " + std::to_string(pagesRoot) + " 0 R" +
                          (outlineRoot ? " /Outlines " + std::to_string(outlineRoot) + " 0 R /PageMode /UseOutlines" : std::string()) +
                          " >>");
    const int infoObj = w.reserve();
    const std::string date = QDateTime::currentDateTimeUtc().toString("yyyyMMddHHmmss").toStdString();
    w.object(infoObj, "<< /Title " + pdfText(info.title) + " /Subject " + pdfText(info.subject) + " /Creator " + pdfText("RuralAtlas") +
                          " /Producer " + pdfText("RuralAtlas atlas (Qt PDF parts bound by RuralAtlas)") + " /CreationDate (D:" + date +
                          "Z) >>");
    w.finish(catalog, infoObj);
}

}  // namespace ruralatlas::atlas
