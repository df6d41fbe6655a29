// The `plan-tables` analysis (用地结构调整表 / 用地平衡表): current against planned area per
// land-use row of a layout file (data/plan_tables/*.json), in 公顷 and 亩 with the share of the
// total and the change, for one village, or summed for a township or the county with one table
// per village after it. Written as XLSX (merged headings, number formats), GeoPackage or CSV.
#include "plan_tables.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "analysis/analysis.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/install_paths.hpp"
#include "core/json.hpp"
#include "core/json_value.hpp"
#include "core/landuse.hpp"
#include "core/record_readers.hpp"
#include "geos_shapes.hpp"
#include "plan_check.hpp"

namespace ruralatlas::villageplan {

using namespace analysis;

namespace {

constexpr double kMuPerM2 = 15.0 / 10000.0;

bool startsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

}  // namespace

bool TableRow::takes(const std::string& code) const {
    if (total) return true;
    for (const std::string& c : codes)
        if (startsWith(code, c)) return true;
    return false;
}

TableLayout parseTableLayout(const JsonValue& root, const std::string& file) {
    if (!root.isObject()) throw DataError({file}, "a table layout is a JSON object");
    TableLayout l;
    l.file = file;
    auto text = [&](const JsonValue& o, const char* key) {
        const JsonValue* v = o.find(key);
        if (v && !v->isString())
            throw DataError({file, "", "", key}, std::string("\"") + key + "\" must be a string (line " + std::to_string(v->line()) + ")");
        return v ? v->string() : std::string();
    };
    l.id = text(root, "id");
    l.name = text(root, "name");
    l.caption = text(root, "caption");
    const JsonValue* rows = root.find("rows");
    if (!rows || !rows->isArray() || rows->array().empty())
        throw DataError({file, "", "", "rows"}, "\"rows\" must be a non-empty list of rows");
    for (const JsonValue& r : rows->array()) {
        const std::string where = "rows (line " + std::to_string(r.line()) + ")";
        if (!r.isObject()) throw DataError({file, "", "", "rows"}, where + ": a row is an object");
        TableRow row;
        row.code = text(r, "code");
        row.title = text(r, "title");
        auto flag = [&](const char* key) {
            const JsonValue* v = r.find(key);
            if (v && !v->isBool()) throw DataError({file, "", "", key}, where + ": \"" + key + "\" must be true or false");
            return v && v->boolean();
        };
        row.partition = flag("partition");
        row.subtotal = flag("subtotal");
        row.total = flag("total");
        if (const JsonValue* ind = r.find("indent")) {
            if (!ind->isNumber() || ind->number() < 0 || ind->number() > 3)
                throw DataError({file, "", "", "indent"}, where + ": \"indent\" is 0 to 3");
            row.indent = static_cast<int>(ind->number());
        }
        if (const JsonValue* cs = r.find("codes")) {
            if (!cs->isArray()) throw DataError({file, "", "", "codes"}, where + ": \"codes\" must be a list of code prefixes");
            for (const JsonValue& c : cs->array()) {
                if (!c.isString() || c.string().empty() || c.string().find_first_not_of("0123456789") != std::string::npos)
                    throw DataError({file, "", "", "codes"}, where + ": \"codes\" holds digit strings such as \"0103\"");
                row.codes.push_back(c.string());
            }
        } else if (!row.code.empty() && !row.total) {
            row.codes = {row.code};
        }
        if (row.title.empty() && !row.code.empty()) row.title = std::string(landuseTitle(row.code));
        if (row.title.empty())
            throw DataError({file, "", "", "title"}, where + ": a row needs a title (or a code of the 2023 classification)");
        if (!row.total && row.codes.empty()) throw DataError({file, "", "", "codes"}, where + " (" + row.title + "): no codes to sum");
        l.rows.push_back(std::move(row));
    }
    // Partition rows must not take a code twice.
    for (std::size_t i = 0; i < l.rows.size(); ++i)
        for (std::size_t j = i + 1; j < l.rows.size(); ++j) {
            if (!l.rows[i].partition || !l.rows[j].partition) continue;
            for (const std::string& a : l.rows[i].codes)
                for (const std::string& b : l.rows[j].codes)
                    if (startsWith(a, b) || startsWith(b, a))
                        throw DataError({file, "", "", "partition"}, "rows \"" + l.rows[i].title + "\" and \"" + l.rows[j].title +
                                                                         "\" both take code " + (a.size() > b.size() ? a : b) +
                                                                         ": partition rows must not overlap");
        }
    return l;
}

TableLayout readTableLayout(const std::string& path) { return parseTableLayout(readJsonFile(path), path); }

std::string layoutPath(const std::string& nameOrPath) {
    if (nameOrPath.find('/') != std::string::npos || nameOrPath.find(".json") != std::string::npos) return nameOrPath;
    return shippedDir("data") + "/plan_tables/" + nameOrPath + ".json";
}

// Long on purpose: rows of one scope from the areas by code of its two periods.
std::vector<TableLine> tabulate(const TableLayout& layout, const std::map<std::string, double>& current,
                                const std::map<std::string, double>& planned, bool hasCurrent, bool hasPlanned) {
    std::vector<TableLine> out;
    // Codes no partition row takes: one 未归类 row before the total, naming them.
    std::set<std::string> unmapped;
    for (const auto* m : {&current, &planned})
        for (const auto& [code, a] : *m) {
            bool taken = false;
            for (const TableRow& r : layout.rows) taken = taken || (r.partition && r.takes(code));
            if (!taken) unmapped.insert(code);
        }
    auto sum = [](const std::map<std::string, double>& m, const std::function<bool(const std::string&)>& take) {
        double s = 0;
        for (const auto& [code, a] : m)
            if (take(code)) s += a;
        return s;
    };
    double totalCurrent = 0, totalPlanned = 0;
    for (const auto& [c, a] : current) totalCurrent += a;
    for (const auto& [c, a] : planned) totalPlanned += a;
    auto line = [&](const std::string& code, const std::string& title, int indent, const std::function<bool(const std::string&)>& take) {
        TableLine l;
        l.code = code;
        l.title = std::string(std::size_t(indent) * 2, ' ') + title;  // indented as the layout says
        l.currentM2 = hasCurrent ? sum(current, take) : NAN;
        l.plannedM2 = hasPlanned ? sum(planned, take) : NAN;
        l.currentShare = hasCurrent && totalCurrent > 0 ? 100.0 * l.currentM2 / totalCurrent : NAN;
        l.plannedShare = hasPlanned && totalPlanned > 0 ? 100.0 * l.plannedM2 / totalPlanned : NAN;
        return l;
    };
    bool listed = unmapped.empty();
    auto listUnmapped = [&] {
        std::string list;
        for (const std::string& c : unmapped) list += (list.empty() ? "" : "、") + c;
        TableLine u = line("", "未归类（代码：" + list + "）", 0, [&](const std::string& c) { return unmapped.count(c) > 0; });
        u.unmapped = true;
        out.push_back(u);
        listed = true;
    };
    for (const TableRow& r : layout.rows) {
        if (r.total && !listed) listUnmapped();  // before the total, which includes it
        TableLine l = line(r.code, r.title, r.indent, [&](const std::string& c) { return r.takes(c); });
        // A sub-class row empty in both periods is left out (the first-level rows always show).
        if (r.indent > 0 && !r.subtotal && !(l.currentM2 > 0) && !(l.plannedM2 > 0)) continue;
        l.subtotal = r.subtotal;
        l.total = r.total;
        out.push_back(l);
    }
    if (!listed) listUnmapped();  // a layout without a total row
    return out;
}

namespace {

struct Scope {
    std::string code, name;
    std::map<std::string, double> current, planned;
    bool hasCurrent = false, hasPlanned = false;
};

ResultTable tableOf(const TableLayout& layout, const Scope& s, const std::string& tableName, const std::string& title,
                    const std::string& caption) {
    auto lines = std::make_shared<std::vector<TableLine>>(tabulate(layout, s.current, s.planned, s.hasCurrent, s.hasPlanned));
    ResultTable t;
    t.name = tableName;
    t.titleZh = title;
    t.caption = caption;
    t.geometry = ResultGeometry::None;
    t.columns = {{"code", ResultFieldType::Text, "代码"},
                 {"title", ResultFieldType::Text, "用地名称"},
                 {"current_ha", ResultFieldType::Real, "面积（公顷）", "0.00"},
                 {"current_mu", ResultFieldType::Real, "面积（亩）", "0.00"},
                 {"current_share", ResultFieldType::Real, "占比（%）", "0.00"},
                 {"planned_ha", ResultFieldType::Real, "面积（公顷）", "0.00"},
                 {"planned_mu", ResultFieldType::Real, "面积（亩）", "0.00"},
                 {"planned_share", ResultFieldType::Real, "占比（%）", "0.00"},
                 {"change_ha", ResultFieldType::Real, "增减（公顷）", "0.00"},
                 {"change_mu", ResultFieldType::Real, "增减（亩）", "0.00"}};
    t.columnGroups = {{"规划基期年（现状）", 2, 3}, {"规划目标年（规划）", 5, 3}, {"规划期内变化", 8, 2}};
    t.rows = lines->size();
    t.row = [lines](std::size_t i, RowSink& sink) {
        const TableLine& l = (*lines)[i];
        l.code.empty() ? sink.null() : sink.text(l.code);
        sink.text(l.title);
        // 公顷 to 4 decimals (1 m²), 亩 and shares to 2: what a CSV shows; a workbook shows 2.
        auto num = [&](double v, double scale) { std::isfinite(v) ? sink.real(std::round(v * scale) / scale + 0.0) : sink.null(); };
        num(l.currentM2 / 10000.0, 1e4);
        num(l.currentM2 * kMuPerM2, 100);
        num(l.currentShare, 100);
        num(l.plannedM2 / 10000.0, 1e4);
        num(l.plannedM2 * kMuPerM2, 100);
        num(l.plannedShare, 100);
        num((l.plannedM2 - l.currentM2) / 10000.0, 1e4);
        num((l.plannedM2 - l.currentM2) * kMuPerM2, 100);
    };
    return t;
}

class PlanTables final : public Analysis {
public:
    PlanTables() {
        m_spec = {"plan-tables",
                  "村庄规划用地结构调整表",
                  "Village-plan land-use tables: current against planned area per class (ha, mu, share, change), per village and summed",
                  {{"village", ParamType::Text, "只统计此村（12位代码）", "Only this village (12-digit code)"},
                   {"township", ParamType::Text, "统计此乡镇的村并汇总（9位代码）", "The villages of this township, summed (9-digit code)"},
                   {"template", ParamType::Text, "表式：national、v_classes、three_classes 或表式文件（JSON）",
                    "Layout: national, v_classes, three_classes or a layout file (JSON)", std::string("national")},
                   {"out",
                    ParamType::OutputPath,
                    "输出文件（.xlsx、.gpkg 或 .csv）",
                    "Output file (.xlsx, .gpkg or .csv)",
                    std::nullopt,
                    {},
                    {},
                    {},
                    false}},
                  {{"plan_table", "村庄规划用地结构调整表", "Village-plan land-use table"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    std::vector<std::string> outputNames(const ParamValues&) const override { return {"plan_table"}; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: read, measure, group by village, tabulate each scope.
AnalysisResult PlanTables::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    const TableLayout layout = readTableLayout(layoutPath(p.has("template") ? p.text("template") : "national"));
    const std::string village = p.has("village") ? p.text("village") : "", township = p.has("township") ? p.text("township") : "";
    checkScopeCodes(village, township);
    if (!project.layerInfo("landuse_plan"))
        throw DataError({project.name(), "landuse_plan"}, "the project has no landuse_plan layer: no village plan to tabulate");
    feedback.setProgress(0.05, "读取村庄规划用地");
    const std::vector<LandUseParcel> parcels = readLandUseParcels(project, village);
    const std::map<std::string, std::string> names = villageNames(project);
    // Areas on every core: each worker has its own GEOS context and sums into its own scopes;
    // the sums are merged in parcel order of the workers (a sum per class, so the order does
    // not change a figure beyond the last bit).
    const unsigned nWorkers = parcels.size() > 2000 ? std::max(1u, std::min(8u, std::thread::hardware_concurrency())) : 1u;
    std::vector<std::map<std::string, Scope>> partial(nWorkers);
    std::atomic<std::size_t> done{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&](unsigned w, bool reports) {
        try {
            Geos geos;
            const std::size_t begin = parcels.size() * w / nWorkers, end = parcels.size() * (w + 1) / nWorkers;
            for (std::size_t k = begin; k < end; ++k) {
                const LandUseParcel& parcel = parcels[k];
                if ((k - begin) % 4096 == 4095) {
                    const std::size_t d = done += 4096;
                    if (reports) {
                        feedback.checkCancelled();
                        feedback.setProgress(0.05 + 0.8 * double(d) / double(parcels.size()), "计算面积");
                    }
                }
                if (!township.empty() && !startsWith(parcel.villageCode, township)) continue;
                GeomPtr g = toGeos(geos, parcel.shape);
                if (!g)
                    throw DataError({project.name(), "landuse_plan", std::to_string(parcel.fid), "geometry"},
                                    "the parcel is not a polygon (" + geos.lastError + "): run plan-check and repair it first");
                if (GEOSisValid_r(geos.h, g.get()) != 1) g = polygonal(geos, own(geos, GEOSMakeValid_r(geos.h, g.get())).get());
                Scope& s = partial[w][parcel.villageCode];
                s.code = parcel.villageCode;
                if (parcel.period == "current") {
                    s.current[parcel.landuseCode] += area(geos, g.get());
                    s.hasCurrent = true;
                } else if (parcel.period == "planned") {
                    s.planned[parcel.landuseCode] += area(geos, g.get());
                    s.hasPlanned = true;
                }
            }
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure) failure = std::current_exception();
        }
    };
    {
        std::vector<std::thread> pool;
        for (unsigned w = 1; w < nWorkers; ++w) pool.emplace_back(work, w, false);
        work(0, true);
        for (auto& t : pool) t.join();
    }
    if (failure) std::rethrow_exception(failure);
    std::map<std::string, Scope> villages = std::move(partial[0]);
    for (unsigned w = 1; w < nWorkers; ++w)
        for (auto& [code, part] : partial[w]) {
            Scope& s = villages[code];
            s.code = code;
            for (const auto& [c, a] : part.current) s.current[c] += a;
            for (const auto& [c, a] : part.planned) s.planned[c] += a;
            s.hasCurrent = s.hasCurrent || part.hasCurrent;
            s.hasPlanned = s.hasPlanned || part.hasPlanned;
        }
    if (villages.empty())
        throw DataError({project.name(), "landuse_plan", "", "village_code"},
                        !village.empty()    ? "no land-use parcel has village_code " + village
                        : !township.empty() ? "no land-use parcel lies in township " + township
                                            : std::string("the layer has no parcels"));
    for (auto& [code, s] : villages) {
        auto n = names.find(code);
        s.name = n != names.end() && !n->second.empty() ? n->second : code;
    }

    AnalysisResult r;
    const auto caption = [&](const std::string& scope) {
        std::string c = layout.caption.empty() ? "{scope}用地结构调整表" : layout.caption;
        const auto at = c.find("{scope}");
        if (at != std::string::npos) c.replace(at, 7, scope);
        return c;
    };
    std::string text, noPlan;
    std::size_t summed = 0, noPlanCount = 0;
    if (village.empty()) {
        // The sum over the villages that have both periods (a plan to compare with).
        Scope all;
        all.code = township.empty() ? project.meta("county_code") : township;
        for (const auto& [code, s] : villages) {
            if (!s.hasCurrent || !s.hasPlanned) {
                if (++noPlanCount <= 5) noPlan += (noPlan.empty() ? "" : "、") + s.name;
                continue;
            }
            ++summed;
            for (const auto& [c, a] : s.current) all.current[c] += a;
            for (const auto& [c, a] : s.planned) all.planned[c] += a;
        }
        all.hasCurrent = all.hasPlanned = summed > 0;
        std::string where = township.empty() ? project.meta("county_name") : std::string();
        if (!township.empty())
            for (const Township& t : project.townships())
                if (t.code == township) where = t.name;
        if (where.empty()) where = township.empty() ? std::string("全县") : township;
        r.tables.push_back(
            tableOf(layout, all, "plan_table", where + "汇总", caption(where + "（" + std::to_string(summed) + "个村汇总）")));
    }
    for (const auto& [code, s] : villages) {
        if (village.empty() && !(s.hasCurrent && s.hasPlanned)) continue;
        r.tables.push_back(tableOf(layout, s, village.empty() ? "plan_table_" + code : "plan_table", s.name + "（" + code.substr(9) + "）",
                                   caption(s.name)));
    }
    // Summary: the totals, and what was left out.
    text = layout.name + "：";
    if (!village.empty()) {
        const Scope& s = villages.begin()->second;
        double c = 0, pl = 0;
        for (const auto& [code, a] : s.current) c += a;
        for (const auto& [code, a] : s.planned) pl += a;
        text += s.name + "，现状 " + (s.hasCurrent ? fmt(c / 10000.0, 2) + " 公顷" : std::string("无图斑")) + "，规划 " +
                (s.hasPlanned ? fmt(pl / 10000.0, 2) + " 公顷" : std::string("无图斑（未编制规划或未入库）")) + "\n";
    } else {
        text += std::to_string(summed) + " 个已编制规划的村汇总，另每村一表\n";
        if (noPlanCount)
            text += "  只有现状、没有规划图斑的村 " + std::to_string(noPlanCount) + " 个，未计入汇总（如" + noPlan +
                    (noPlanCount > 5 ? "等" : "") + "）\n";
    }
    std::set<std::string> unmapped;
    for (const auto& [code, s] : villages)
        for (const auto* m : {&s.current, &s.planned})
            for (const auto& [c, a] : *m) {
                bool taken = false;
                for (const TableRow& row : layout.rows) taken = taken || (row.partition && row.takes(c));
                if (!taken) unmapped.insert(c);
            }
    std::string unmappedJson;
    if (!unmapped.empty()) {
        std::string list;
        for (const std::string& c : unmapped) {
            list += (list.empty() ? "" : "、") + c;
            unmappedJson += (unmappedJson.empty() ? "" : ", ") + jsonQuote(c);
        }
        text += "  注意：表式中没有这些代码的行，列入“未归类”行：" + list + "\n";
    }
    r.summaryText = text;
    r.summaryJson = "{\"layout\": " + jsonQuote(layout.id) + ", \"tables\": " + std::to_string(r.tables.size()) +
                    ", \"villages\": " + std::to_string(villages.size()) + ", \"villages_summed\": " + std::to_string(summed) +
                    ", \"unmapped_codes\": [" + unmappedJson + "]}";
    return r;
}

}  // namespace

std::unique_ptr<Analysis> makePlanTables() { return std::make_unique<PlanTables>(); }

}  // namespace ruralatlas::villageplan
