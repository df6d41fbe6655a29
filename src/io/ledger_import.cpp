// Yearly indicator ledgers into village_indicators (io/importer.hpp, importIndicatorLedger): the
// long form (one row per village, year and indicator) as any layer, and what county offices keep
// instead — villages by name and township rather than by code, and wide sheets with one column per
// indicator (headed by the indicator's id or its Chinese title in an indicator pack). Every row is
// checked here, naming the file, row and column; rows whose village the project does not know are
// listed as unmatched and left out; the rest go in through importFile in one transaction.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/install_paths.hpp"
#include "core/json_value.hpp"
#include "core/value_text.hpp"
#include "io/gdal_util.hpp"
#include "io/importer.hpp"

namespace ruralatlas::io {

namespace {

std::string norm(std::string s) {
    // Lower ASCII, drop spaces and a trailing unit in brackets: "农村自来水普及率（%）" -> "农村自来水普及率".
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '\t') out += char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const char* open : {"（", "("}) {
        const auto at = out.rfind(open);
        if (at != std::string::npos && at > 0) {
            const std::string tail = out.substr(at);
            if (tail.size() >= 2 && (tail.compare(tail.size() - 3, 3, "）") == 0 || tail.back() == ')')) out = out.substr(0, at);
        }
    }
    return out;
}

int findColumn(const std::vector<std::string>& header, std::initializer_list<const char*> names) {
    for (const char* n : names)
        for (std::size_t i = 0; i < header.size(); ++i)
            if (norm(header[i]) == norm(n)) return int(i);
    return -1;
}

bool isId(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Indicator titles of the shipped packs (and ids), normalised -> id.
std::map<std::string, std::string> packTitles() {
    std::map<std::string, std::string> out;
    std::error_code ec;
    const std::string dir = shippedDir("data") + "/indicators";
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".json") continue;
        try {
            const JsonValue root = readJsonFile(e.path().string());
            if (const JsonValue* list = root.find("indicators"); list && list->isArray())
                for (const JsonValue& ind : list->array()) {
                    const JsonValue *id = ind.find("id"), *title = ind.find("title");
                    if (!id || !id->isString()) continue;
                    out[norm(id->string())] = id->string();
                    if (title && title->isString()) out[norm(title->string())] = id->string();
                }
        } catch (const DataError&) {
            // A broken pack is the indicators command's to report; here it only names nothing.
        }
    }
    return out;
}

std::string csvCell(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

}  // namespace

// Long on purpose: the column roles, the villages, the rows, the temporary long file.
ImportReport importIndicatorLedger(ImportOptions o, Feedback& feedback) {
    o.into = "village_indicators";
    initGdal();
    // The file as a table of text (what importFile would read: encoding, sheets, headings).
    std::vector<std::string> header;
    struct Line {
        std::string label;
        std::vector<std::string> cells;
    };
    std::vector<Line> lines;
    std::string layerName;
    {
        ImportOptions probe = o;
        const TextTable t = readTextTable(probe);
        header = t.header;
        layerName = t.layer;
        for (const auto& r : t.rows) lines.push_back({r.label, r.cells});
    }
    auto explicitCol = [&](const std::string& target) {
        for (const auto& [t, s] : o.fields)
            if (t == target) {
                for (std::size_t i = 0; i < header.size(); ++i)
                    if (header[i] == s) return int(i);
                throw UsageError("--field " + t + "=" + s + ": the file has no column " + s);
            }
        return -2;
    };
    auto col = [&](const std::string& target, std::initializer_list<const char*> names) {
        const int e = explicitCol(target);
        return e != -2 ? e : findColumn(header, names);
    };
    const int cCode = col("village_code", {"village_code", "code", "村代码", "村庄代码", "行政区划代码", "统计用区划代码", "村级代码"});
    const int cName = col("village_name", {"village_name", "name", "村名", "村名称", "行政村", "村庄名称", "村"});
    const int cTown =
        col("township", {"township", "township_name", "township_code", "乡镇", "乡镇名称", "所属乡镇", "乡镇（街道）", "乡镇代码"});
    const int cYear = col("year", {"year", "年度", "年份"});
    const int cInd = col("indicator", {"indicator", "指标", "指标代码", "指标名称"});
    const int cValue = col("value", {"value", "指标值", "数值", "值"});
    const int cSource = col("source", {"source", "数据来源", "来源"});
    const bool wide = cInd < 0;
    const bool byName = cCode < 0;
    if (!wide && !byName) return importFile(o, feedback);  // the long form by code: as any layer
    if (cYear < 0)
        throw DataError({o.source, layerName, "", "year"}, "the ledger has no year column (year, 年度, 年份); use --field year=COLUMN");
    if (byName && (cName < 0 || cTown < 0))
        throw DataError({o.source, layerName, "", "village_code"},
                        "the ledger has no village code column (village_code, 村代码, 行政区划代码) nor a village name and a township "
                        "column (村名 + 乡镇); use --field village_code=COLUMN");
    if (!wide && cValue < 0)
        throw DataError({o.source, layerName, "", "value"}, "the ledger has an indicator column but no value column (value, 指标值, 数值)");
    // Wide: every other column is an indicator, by id or by a pack's title.
    std::vector<std::pair<int, std::string>> indicatorCols;
    if (wide) {
        const auto titles = packTitles();
        std::set<int> keys = {cCode, cName, cTown, cYear, cSource};
        std::vector<std::string> unknown;
        for (std::size_t i = 0; i < header.size(); ++i) {
            if (keys.count(int(i))) continue;
            const std::string n = norm(header[i]);
            if (n.empty() || n == "lon" || n == "lat" || n == "序号" || n == "备注" || n == "no") continue;
            if (auto it = titles.find(n); it != titles.end())
                indicatorCols.push_back({int(i), it->second});
            else if (isId(n))
                indicatorCols.push_back({int(i), n});
            else
                unknown.push_back(header[i]);
        }
        if (!unknown.empty()) {
            std::string list;
            for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
            throw DataError({o.source, layerName, "", unknown.front()},
                            "columns " + list +
                                " are neither indicator ids (a-z, 0-9, _) nor the title of an indicator in a shipped pack "
                                "(data/indicators/*.json): rename them to the indicator's id or title, or delete them");
        }
        if (indicatorCols.empty())
            throw DataError({o.source, layerName}, "a wide ledger needs at least one indicator column besides the village and the year");
    }
    // The project's villages and townships.
    std::set<std::string> codes;
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> byTownName;  // (township code, name) -> codes
    std::map<std::string, std::string> townByName;
    std::set<std::string> townCodes;
    {
        DatasetPtr p = openVector(o.project, false);
        if (OGRLayer* t = p->GetLayerByName("townships"))
            for (auto& f : *t) {
                townByName[f->GetFieldAsString("name")] = f->GetFieldAsString("code");
                townCodes.insert(f->GetFieldAsString("code"));
            }
        OGRLayer* v = p->GetLayerByName("villages");
        if (!v) throw DataError({o.project, "villages"}, "the project has no villages layer");
        for (auto& f : *v) {
            const std::string code = f->GetFieldAsString("code");
            codes.insert(code);
            byTownName[{f->GetFieldAsString("township_code"), f->GetFieldAsString("name")}].push_back(code);
            townCodes.insert(f->GetFieldAsString("township_code"));
        }
    }
    // The long rows.
    const auto tmp = std::filesystem::temp_directory_path() / ("ruralatlas-ledger-" + std::to_string(::getpid()) + "-" +
                                                               std::to_string(reinterpret_cast<std::uintptr_t>(&o)) + ".csv");
    struct Remove {
        std::filesystem::path p;
        ~Remove() {
            std::error_code ec;
            std::filesystem::remove(p, ec);
        }
    } removeTmp{tmp};
    std::ofstream out(tmp);
    if (!out) throw DataError({tmp.string()}, "cannot write a temporary file");
    out << "village_code,year,indicator,value,source\n";
    ImportReport pre;
    long long written = 0;
    const std::string defaultSource = "台账：" + std::filesystem::path(o.source).filename().string();
    for (const Line& l : lines) {
        auto cell = [&](int c) { return c >= 0 && std::size_t(c) < l.cells.size() ? l.cells[std::size_t(c)] : std::string(); };
        std::string code;
        if (!byName) {
            code = cell(cCode);
            if (code.empty()) continue;
            if (code.size() != 12 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
                throw DataError({o.source, layerName, l.label, header[std::size_t(cCode)]},
                                "'" + code + "' is not a 12-digit village code (统计用区划代码)");
            if (!codes.count(code)) {
                pre.unmatched.push_back(l.label + ": village code " + code + " is not in the project");
                continue;
            }
        } else {
            const std::string name = cell(cName), townText = cell(cTown);
            if (name.empty()) continue;
            // The township by name (townships layer) or by its 9-digit code.
            std::string town = townText;
            if (auto it = townByName.find(townText); it != townByName.end()) town = it->second;
            if (!townCodes.count(town)) {
                pre.unmatched.push_back(l.label + ": township '" + townText + "' is not in the project");
                continue;
            }
            const auto it = byTownName.find({town, name});
            if (it == byTownName.end()) {
                pre.unmatched.push_back(l.label + ": no village named " + name + " in " + townText);
                continue;
            }
            if (it->second.size() > 1) {
                pre.unmatched.push_back(l.label + ": two villages named " + name + " in " + townText + " (give the code)");
                continue;
            }
            code = it->second.front();
        }
        const std::string yearText = cell(cYear);
        const auto year = parseNumberText(yearText, false);
        if (!year || *year != std::floor(*year) || *year < 1980 || *year > 2100)
            throw DataError({o.source, layerName, l.label, header[std::size_t(cYear)]},
                            "'" + yearText + "' is not a year (a whole number such as 2024)");
        const std::string source = cSource >= 0 && !cell(cSource).empty() ? cell(cSource) : defaultSource;
        auto emit = [&](const std::string& indicator, int valueCol) {
            std::string raw = cell(valueCol);
            if (raw.empty()) return;  // missing stays missing
            if (raw.size() > 1 && raw.back() == '%') raw.pop_back();
            const auto v = parseNumberText(raw, false);
            if (!v)
                throw DataError({o.source, layerName, l.label, header[std::size_t(valueCol)]}, "'" + cell(valueCol) + "' is not a number");
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.15g", *v);
            out << code << ',' << (long long)*year << ',' << csvCell(indicator) << ',' << buf << ',' << csvCell(source) << '\n';
            ++written;
        };
        if (wide) {
            for (const auto& [c, id] : indicatorCols) emit(id, c);
        } else {
            const std::string ind = cell(cInd);
            if (ind.empty()) continue;
            emit(ind, cValue);
        }
    }
    out.close();
    if (written == 0) {
        ImportReport r = pre;
        r.mode = "append";
        r.read = (long long)lines.size();
        r.warnings.push_back("no value to import: every row was unmatched or empty");
        return r;
    }
    ImportOptions lo = o;
    lo.source = tmp.string();
    lo.sourceLayer.clear();
    lo.encoding = "UTF-8";
    lo.fields.clear();
    ImportReport r = importFile(lo, feedback);
    r.read = (long long)lines.size();
    r.unmatched = pre.unmatched;
    std::string how = byName ? "村名 + 乡镇匹配村代码" : "村代码";
    if (wide) {
        std::string cols;
        for (const auto& [c, id] : indicatorCols) cols += (cols.empty() ? "" : "、") + header[std::size_t(c)] + "→" + id;
        r.notes.push_back("宽表台账（" + how + "）：" + std::to_string(indicatorCols.size()) + " 个指标列（" + cols + "）展开为 " +
                          std::to_string(written) + " 行");
    } else {
        r.notes.push_back("长表台账（" + how + "）：" + std::to_string(written) + " 行");
    }
    return r;
}

}  // namespace ruralatlas::io
