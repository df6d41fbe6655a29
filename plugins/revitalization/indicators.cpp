// The `indicators` analysis (乡村振兴监测指标): the indicators of a pack (data/indicators/*.json)
// for every village in a year — from the yearly ledger (village_indicators) or, for the
// project's data year, from a formula over the villages layer — with the change since the
// previous year and the target met or not; summed to each township and the county for all
// villages, the former-poor villages (脱贫村) and the others (the balance the county must watch);
// and each former-poor village against the other villages within a radius (the "cliff" between
// poor and neighbouring non-poor villages). A value nobody recorded is missing, never 0: sums and
// means count the villages with a value and say how many lack one.
#include "indicators.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>

#include "analysis/analysis.hpp"
#include "analysis/coverage.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/install_paths.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"
#include "core/timing.hpp"

namespace ruralatlas::revitalization {

using namespace analysis;

namespace {

std::optional<double> number(const ResultValue& v) {
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<long long>(&v)) return double(*i);
    if (const auto* s = std::get_if<std::string>(&v)) {
        char* end = nullptr;
        const double x = std::strtod(s->c_str(), &end);
        if (!s->empty() && end == s->c_str() + s->size() && std::isfinite(x)) return x;
    }
    return std::nullopt;
}

std::string text(const ResultValue& v) { return valueText(v); }

}  // namespace

int dataYearOf(const std::string& dataDate) {
    if (dataDate.size() >= 4 && std::all_of(dataDate.begin(), dataDate.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
        return std::stoi(dataDate.substr(0, 4));
    return 0;
}

// Long on purpose: reading the villages, the formulas' fields and the ledger through the port.
IndicatorData readIndicatorData(ProjectSource& project, const IndicatorPack& pack, std::optional<int> year, bool allYears) {
    IndicatorData d;
    d.dataYear = dataYearOf(project.meta("data_date"));
    const auto info = project.layerInfo("villages");
    if (!info) throw DataError({project.name(), "villages"}, "the project has no villages layer");
    // The formulas' fields: every one must be a field of the villages layer.
    std::vector<std::string> fields = {"code", "name", "township_code", "status", "population"};
    for (const std::string& f : fields)
        if (info->fieldIndex(f) < 0 && f != "status" && f != "population")
            throw DataError({project.name(), "villages", "", f}, "the villages layer has no field " + f);
    std::vector<std::vector<int>> formulaColumns(pack.indicators.size());
    for (std::size_t i = 0; i < pack.indicators.size(); ++i) {
        const Indicator& ind = pack.indicators[i];
        if (!ind.formula) continue;
        for (const std::string& f : ind.formula->fields()) {
            if (info->fieldIndex(f) < 0)
                throw DataError({pack.file, "", "", "indicators[" + std::to_string(i) + "].formula"},
                                "the formula of " + ind.id + " reads field '" + f + "', which the villages layer of " + project.name() +
                                    " does not have (it has: " + info->fieldList() + ")");
            auto at = std::find(fields.begin(), fields.end(), f);
            if (at == fields.end()) at = fields.insert(fields.end(), f);
            formulaColumns[i].push_back(int(at - fields.begin()));
        }
    }
    std::vector<std::string> wanted;
    for (const std::string& f : fields)
        if (info->fieldIndex(f) >= 0) wanted.push_back(f);
    auto column = [&](const std::string& f) {
        const auto at = std::find(wanted.begin(), wanted.end(), f);
        return at == wanted.end() ? -1 : int(at - wanted.begin());
    };
    FeatureQuery q;
    q.fields = wanted;
    q.geometry = true;
    std::vector<std::vector<int>> formulaWanted(pack.indicators.size());
    for (std::size_t i = 0; i < pack.indicators.size(); ++i)
        for (int c : formulaColumns[i]) formulaWanted[i].push_back(column(fields[std::size_t(c)]));
    const int cCode = column("code"), cName = column("name"), cTown = column("township_code"), cStatus = column("status"),
              cPop = column("population");
    d.current.assign(pack.indicators.size(), {});
    project.readFeatures("villages", q, [&](const Feature& f) {
        VillageRow v;
        v.code = text(f.values[std::size_t(cCode)]);
        v.name = text(f.values[std::size_t(cName)]);
        v.townshipCode = text(f.values[std::size_t(cTown)]);
        if (cStatus >= 0) v.status = text(f.values[std::size_t(cStatus)]);
        if (cPop >= 0) v.population = number(f.values[std::size_t(cPop)]);
        if (f.geometry.kind == ShapeKind::Point && f.geometry.xy.size() >= 2) {
            v.hasPoint = true;
            v.at = {f.geometry.xy[0], f.geometry.xy[1]};
        }
        const std::size_t vi = d.villages.size();
        d.index[v.code] = vi;
        d.villages.push_back(std::move(v));
        for (std::size_t i = 0; i < pack.indicators.size(); ++i) {
            if (!pack.indicators[i].formula) continue;
            std::vector<std::optional<double>> values;
            for (int c : formulaWanted[i]) values.push_back(number(f.values[std::size_t(c)]));
            if (auto x = pack.indicators[i].formula->eval(values)) d.current[i][vi] = *x;
        }
    });
    for (const auto& t : project.townships()) d.townshipNames[t.code] = t.name;
    // Service indicators: the coverage engine, one road network for all of them.
    std::optional<analysis::CoverageContext> coverage;
    for (std::size_t i = 0; i < pack.indicators.size(); ++i) {
        const Indicator& ind = pack.indicators[i];
        if (!ind.service) continue;
        if (!coverage) coverage.emplace(project);
        analysis::CoverageOptions o;
        o.kind = ind.service->kind;
        o.mode = ind.service->mode;
        o.status = ind.service->status;
        o.threshold = ind.service->threshold;
        const std::string kindTitle(codeTitle("facility_kind", o.kind).value_or(o.kind));
        try {
            Feedback quiet;
            const analysis::CoverageResult r = analysis::computeCoverage(*coverage, o, quiet);
            if (r.facilities.empty()) {
                d.notes.push_back(ind.title + "：项目没有" + kindTitle + "（facilities），无法计算，按缺数据处理");
                continue;
            }
            for (const auto& row : r.rows)
                if (auto it = d.index.find(row.village->code); it != d.index.end()) d.current[i][it->second] = row.covered ? 100.0 : 0.0;
        } catch (const DataError& e) {
            d.notes.push_back(ind.title + "：无法计算（" + std::string(e.what()) + "），按缺数据处理");
        }
    }
    // The ledger: only the years the report needs, filtered in the database.
    std::unordered_map<std::string, std::size_t> byId;
    std::string idList;
    for (std::size_t i = 0; i < pack.indicators.size(); ++i)
        if (pack.indicators[i].ledger) {
            byId[pack.indicators[i].id] = i;
            idList += (idList.empty() ? "'" : ", '") + pack.indicators[i].id + "'";  // ids are [a-z0-9_] (the pack checks)
        }
    if (project.layerInfo("village_indicators") && !byId.empty()) {
        d.hasLedger = true;
        std::vector<std::pair<std::string, std::size_t>> byCode(d.index.begin(), d.index.end());
        std::sort(byCode.begin(), byCode.end());
        // One part of the ledger (some years) into its own maps, so two parts read at once.
        struct Part {
            std::map<int, std::vector<std::vector<double>>> ledger;
            std::set<int> years;
            long long unknownVillage = 0, rows = 0;
        };
        auto readLedger = [&](ProjectSource& source, const std::string& yearFilter, Part& out) {
            FeatureQuery lq;
            lq.fields = {"village_code", "year", "indicator", "value"};
            lq.geometry = false;
            lq.where = "indicator IN (" + idList + ")" + (yearFilter.empty() ? "" : " AND " + yearFilter);
            // Millions of rows, which the index delivers by year, indicator and village code:
            // the last indicator and year are kept, and a village is looked for next to the last.
            std::string lastIndicator, scratch;
            std::size_t lastInd = 0;
            bool lastKnown = false;
            int lastYear = 0;
            std::vector<std::vector<double>>* byIndicator = nullptr;
            std::size_t hint = 0;
            auto findVillage = [&](const std::string& code) -> const std::pair<std::string, std::size_t>* {
                const std::size_t n = byCode.size();
                if (hint < n && byCode[hint].first == code) return &byCode[hint];
                if (hint + 1 < n && byCode[hint + 1].first == code) return &byCode[++hint];
                const auto it =
                    std::lower_bound(byCode.begin(), byCode.end(), code, [](const auto& e, const std::string& c) { return e.first < c; });
                if (it == byCode.end() || it->first != code) return nullptr;
                hint = std::size_t(it - byCode.begin());
                return &*it;
            };
            auto asText = [&scratch](const ResultValue& v) -> const std::string& {
                if (const auto* t = std::get_if<std::string>(&v)) return *t;
                return scratch = text(v);
            };
            source.readFeatures("village_indicators", lq, [&](const Feature& f) {
                ++out.rows;
                const std::string& indicator = asText(f.values[2]);
                if (byIndicator == nullptr || indicator != lastIndicator) {
                    const auto ind = byId.find(indicator);
                    lastIndicator = indicator;
                    lastKnown = ind != byId.end();
                    if (lastKnown) lastInd = ind->second;
                }
                if (!lastKnown) return;
                const auto* v = findVillage(asText(f.values[0]));
                if (!v) {
                    ++out.unknownVillage;
                    return;
                }
                const auto y = number(f.values[1]);
                const auto value = number(f.values[3]);
                if (!y || !value) return;  // a value recorded as missing stays missing
                if (byIndicator == nullptr || int(*y) != lastYear) {
                    lastYear = int(*y);
                    byIndicator = &out.ledger[lastYear];
                    if (byIndicator->empty()) byIndicator->resize(pack.indicators.size());
                    out.years.insert(lastYear);
                }
                auto& values = (*byIndicator)[lastInd];
                if (values.empty()) values.assign(d.villages.size(), std::nan(""));
                values[v->second] = *value;
            });
        };
        auto keep = [&](Part& part) {
            for (auto& [y, values] : part.ledger) d.ledger[y] = std::move(values);  // the parts hold different years
            d.years.insert(part.years.begin(), part.years.end());
            d.ledgerRowsUnknownVillage += part.unknownVillage;
            return part.rows;
        };
        // Two sets of years on two connections at once (the report's year and the year before).
        auto readTwo = [&](const std::string& first, const std::string& second) {
            PhaseTimer timer("read ledger");
            Part a, b;
            std::unique_ptr<ProjectSource> other = project.connect();
            std::exception_ptr failed;
            {
                std::jthread reader([&] {
                    try {
                        readLedger(*other, second, b);
                    } catch (...) {
                        failed = std::current_exception();
                    }
                });
                readLedger(project, first, a);
            }
            if (failed) std::rethrow_exception(failed);
            return keep(a) + keep(b);
        };
        auto readAll = [&] {
            PhaseTimer timer("read ledger");
            Part all;
            readLedger(project, "", all);
            return keep(all);
        };
        if (allYears)
            readAll();
        else if (year)
            readTwo("year = " + std::to_string(*year), "year = " + std::to_string(*year - 1));
        else if (d.dataYear == 0 || readTwo("year >= " + std::to_string(d.dataYear), "year = " + std::to_string(d.dataYear - 1)) == 0)
            readAll();
    }
    return d;
}

IndicatorData::Column IndicatorData::column(std::size_t indicator, int year, const IndicatorPack& pack) const {
    Column c;
    if (auto y = ledger.find(year); y != ledger.end() && !y->second[indicator].empty()) c.ledger = &y->second[indicator];
    if ((pack.indicators[indicator].formula || pack.indicators[indicator].service) && year == dataYear) c.current = &current[indicator];
    return c;
}

AreaValue aggregate(const IndicatorData& d, const IndicatorPack& pack, std::size_t indicator, const std::vector<std::size_t>& villages,
                    int year) {
    AreaValue a;
    const Aggregate how = pack.indicators[indicator].aggregate;
    double sum = 0, weight = 0;
    const IndicatorData::Column values = d.column(indicator, year, pack);
    for (std::size_t v : villages) {
        const auto x = values.at(v);
        if (!x) {
            ++a.missing;
            continue;
        }
        if (how == Aggregate::PopulationMean) {
            const auto& pop = d.villages[v].population;
            if (!pop) {  // a rate of people needs the people
                ++a.missing;
                continue;
            }
            sum += *x * *pop;
            weight += *pop;
        } else {
            sum += *x;
            weight += 1;
        }
        ++a.counted;
    }
    if (a.counted == 0) return a;
    if (how == Aggregate::Sum)
        a.value = sum;
    else if (weight > 0)
        a.value = sum / weight;
    return a;
}

namespace {

std::string metText(const Indicator& ind, std::optional<double> v) {
    const Target* t = ind.judgedBy();
    if (!t || !v) return {};
    return t->met(*v) ? "达标" : "未达标";
}

std::string targetText(const Indicator& ind) {
    const Target* t = ind.judgedBy();
    if (!t) return {};
    return std::string(t->floor ? "≥" : "≤") + fmt(t->value, ind.decimals);
}

double rounded(double v, int decimals) {
    static const double kPowers[] = {1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
    const double k = decimals >= 0 && decimals <= 10 ? kPowers[decimals] : std::pow(10.0, decimals + 2);
    return std::round(v * k) / k;
}

class Indicators final : public Analysis {
public:
    Indicators() {
        m_spec = {"indicators",
                  "乡村振兴监测指标",
                  "Revitalization indicators by village, township and county: value, target, change; former-poor villages against the "
                  "others and their neighbours",
                  {{"year", ParamType::Integer, "年度（默认：有数据的最近一年）", "Year (default: the latest with data)", std::nullopt,
                    1980, 2100},
                   {"pack", ParamType::Text, "指标包文件（默认 data/indicators/revitalization.json）",
                    "Indicator pack (default data/indicators/revitalization.json)"},
                   {"radius", ParamType::Real, "邻近比较半径（公里）", "Neighbour radius (km)", std::string("5"), 0.1, 100},
                   {"trend", ParamType::Flag, "另出历年趋势表（indicators_trend：村、乡镇、全县逐年指标值）",
                    "Also the trend table (indicators_trend: every year's value by village, township and county)"},
                   outputParam()},
                  {{"indicators_villages", "村级指标", "Village indicators"},
                   {"indicators_areas", "乡镇与全县指标", "Township and county indicators"},
                   {"indicators_neighbours", "脱贫村与周边村比较", "Former-poor villages against their neighbours"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    std::vector<std::string> outputNames(const ParamValues& p) const override {
        std::vector<std::string> names = {"indicators_villages", "indicators_areas", "indicators_neighbours"};
        if (p.flag("trend")) names.push_back("indicators_trend");
        return names;
    }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: the three tables and the summary share the year, the groups and the values.
AnalysisResult Indicators::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    const std::string packFile = p.has("pack") ? p.text("pack") : shippedDir("data") + "/indicators/revitalization.json";
    auto pack = std::make_shared<IndicatorPack>(readIndicatorPack(packFile));
    feedback.setProgress(0.05, "读取村庄与指标台账");
    auto d = std::make_shared<IndicatorData>(
        readIndicatorData(project, *pack, p.has("year") ? std::optional<int>(int(p.integer("year"))) : std::nullopt, p.flag("trend")));
    const bool anyFormula =
        std::any_of(pack->indicators.begin(), pack->indicators.end(), [](const Indicator& i) { return i.formula || i.service; });
    int year = 0;
    if (p.has("year"))
        year = int(p.integer("year"));
    else {
        if (!d->years.empty()) year = *d->years.rbegin();
        if (anyFormula && d->dataYear > year) year = d->dataYear;
    }
    if (year == 0)
        throw DataError({project.name(), "village_indicators", "", "year"},
                        "no year to report: the ledger is empty and the project has no data_date (give --year)");
    const int previous = year - 1;
    feedback.setProgress(0.3, "计算指标");
    const std::size_t nInd = pack->indicators.size(), nVil = d->villages.size();

    // Village rows: one per village, four columns per indicator (value, the year before, the
    // change, met), emitted as the file is written (never held as values).
    std::vector<ResultColumn> vc = {{"village_code", ResultFieldType::Text, "村代码"},
                                    {"village_name", ResultFieldType::Text, "村名"},
                                    {"township_code", ResultFieldType::Text, "乡镇代码"},
                                    {"status", ResultFieldType::Text, "村类别"},
                                    {"year", ResultFieldType::Integer, "年度"}};
    std::vector<ColumnGroup> groups;
    for (const Indicator& ind : pack->indicators) {
        const std::string t = ind.title + (ind.unit.empty() ? "" : "（" + ind.unit + "）");
        groups.push_back({t, vc.size(), 4});
        vc.push_back({ind.id, ResultFieldType::Real, t});
        vc.push_back({ind.id + "_previous", ResultFieldType::Real, t + "上年"});
        vc.push_back({ind.id + "_change", ResultFieldType::Real, t + "较上年"});
        vc.push_back({ind.id + "_met", ResultFieldType::Text, t + "达标" + (ind.judgedBy() ? "（" + targetText(ind) + "）" : "")});
    }
    ResultTable vt;
    vt.name = "indicators_villages";
    vt.titleZh = "村级指标";
    vt.geometry = ResultGeometry::Point;
    vt.columns = vc;
    vt.columnGroups = groups;
    vt.caption = std::to_string(year) + "年村级指标";
    vt.rows = nVil;
    vt.row = [d, pack, year, previous](std::size_t v, RowSink& sink) {
        const VillageRow& r = d->villages[v];
        sink.text(r.code);
        sink.text(r.name);
        sink.text(r.townshipCode);
        r.status.empty() ? sink.null() : sink.text(r.status);
        sink.integer(year);
        for (std::size_t i = 0; i < pack->indicators.size(); ++i) {
            const Indicator& ind = pack->indicators[i];
            const auto x = d->value(i, v, year, *pack), y = d->value(i, v, previous, *pack);
            x ? sink.real(rounded(*x, ind.decimals)) : sink.null();
            y ? sink.real(rounded(*y, ind.decimals)) : sink.null();
            x&& y ? sink.real(rounded(*x - *y, ind.decimals)) : sink.null();
            const std::string met = metText(ind, x);
            met.empty() ? sink.null() : sink.text(met);
        }
    };
    vt.shape = [d](std::size_t v, std::vector<XY>& out) {
        if (!d->villages[v].hasPoint) return false;
        out.push_back(d->villages[v].at);
        return true;
    };

    // Areas: each township and the county, for all villages, the former-poor and the others.
    std::map<std::string, std::vector<std::size_t>> byTownship;
    std::vector<std::size_t> everyone;
    for (std::size_t v = 0; v < nVil; ++v) {
        byTownship[d->villages[v].townshipCode].push_back(v);
        everyone.push_back(v);
    }
    std::vector<ResultColumn> ac = {{"level", ResultFieldType::Text, "层级"},
                                    {"code", ResultFieldType::Text, "代码"},
                                    {"name", ResultFieldType::Text, "名称"},
                                    {"group", ResultFieldType::Text, "村组"},
                                    {"indicator", ResultFieldType::Text, "指标代码"},
                                    {"title", ResultFieldType::Text, "指标"},
                                    {"unit", ResultFieldType::Text, "单位"},
                                    {"aggregate", ResultFieldType::Text, "汇总方式"},
                                    {"year", ResultFieldType::Integer, "年度"},
                                    {"value", ResultFieldType::Real, "指标值"},
                                    {"villages_with_value", ResultFieldType::Integer, "有数据的村"},
                                    {"villages_missing", ResultFieldType::Integer, "缺数据的村"},
                                    {"previous_value", ResultFieldType::Real, "上年值"},
                                    {"change", ResultFieldType::Real, "较上年变化"},
                                    {"target", ResultFieldType::Text, "目标"},
                                    {"met", ResultFieldType::Text, "是否达标"}};
    // Area rows are many (a province: thousands of townships x indicators x 3 groups): kept as
    // numbers and emitted as the file is written, like the village rows.
    struct AreaKey {
        std::string level, code, name;
    };
    struct AreaRow {
        std::uint32_t area;
        std::uint16_t indicator;
        std::uint8_t group;
        AreaValue now, before;
    };
    auto areaKeys = std::make_shared<std::vector<AreaKey>>();
    auto areaRows = std::make_shared<std::vector<AreaRow>>();
    static const char* const kGroups[] = {"全部村", "脱贫村", "其他村"};
    const std::string countyCode = project.meta("county_code"), countyName = project.meta("county_name");
    std::string summary =
        "乡村振兴监测指标：" + std::to_string(year) + "年（指标包：" + (pack->name.empty() ? pack->file : pack->name) + "）\n";
    auto addArea = [&](const std::string& level, const std::string& code, const std::string& name, const std::vector<std::size_t>& all) {
        std::vector<std::size_t> poor, others;
        for (std::size_t v : all) (d->villages[v].status == "former_poor" ? poor : others).push_back(v);
        const auto areaIndex = std::uint32_t(areaKeys->size());
        areaKeys->push_back({level, code, name});
        for (std::size_t i = 0; i < nInd; ++i) {
            const Indicator& ind = pack->indicators[i];
            const std::vector<std::size_t>* lists[] = {&all, &poor, &others};
            for (std::uint8_t g = 0; g < 3; ++g) {
                const std::vector<std::size_t>* list = lists[g];
                if (list->empty()) continue;
                const AreaValue now = aggregate(*d, *pack, i, *list, year), before = aggregate(*d, *pack, i, *list, previous);
                areaRows->push_back({areaIndex, std::uint16_t(i), g, now, before});
                if (level == "county" && g == 0) {
                    const std::string met = metText(ind, now.value), target = targetText(ind);
                    summary += "  " + ind.title + (ind.unit.empty() ? "" : "（" + ind.unit + "）") + "：" +
                               (now.value ? fmt(*now.value, ind.decimals) : std::string("无数据"));
                    if (!target.empty() && now.value) summary += "，目标" + target + " " + met;
                    if (now.value && before.value)
                        summary += "，较上年" + std::string(*now.value >= *before.value ? "+" : "") +
                                   fmt(*now.value - *before.value, ind.decimals);
                    if (now.missing) summary += "（" + std::to_string(now.missing) + "个村无数据）";
                    const AreaValue p1 = aggregate(*d, *pack, i, poor, year), o1 = aggregate(*d, *pack, i, others, year);
                    if (p1.value && o1.value) {
                        // A sum compares as the mean per village with a value.
                        const bool sum = ind.aggregate == Aggregate::Sum;
                        const double pv = sum ? *p1.value / double(p1.counted) : *p1.value,
                                     ov = sum ? *o1.value / double(o1.counted) : *o1.value;
                        summary += std::string("；") + (sum ? "村均：" : "") + "脱贫村 " + fmt(pv, ind.decimals) + " / 其他村 " +
                                   fmt(ov, ind.decimals);
                    }
                    summary += "\n";
                }
            }
        }
    };
    {
        PhaseTimer timer("areas");
        for (const auto& [code, list] : byTownship) {
            auto n = d->townshipNames.find(code);
            addArea("township", code, n == d->townshipNames.end() ? code : n->second, list);
        }
        addArea("county", countyCode, countyName, everyone);
    }

    // Neighbours: each former-poor village against the other villages within the radius.
    feedback.setProgress(0.7, "脱贫村与周边村比较");
    const double radius = p.real("radius") * 1000.0;
    std::unordered_map<long long, std::vector<std::size_t>> grid;
    auto cellOf = [&](XY q) { return (long long)std::floor(q.x / radius) * 1000003LL + (long long)std::floor(q.y / radius); };
    for (std::size_t v = 0; v < nVil; ++v)
        if (d->villages[v].hasPoint && d->villages[v].status != "former_poor" && !d->villages[v].status.empty())
            grid[cellOf(d->villages[v].at)].push_back(v);
    // One row per former-poor village: its neighbours, and per indicator its value, the
    // neighbours' mean and the difference.
    std::vector<ResultColumn> nc = {{"village_code", ResultFieldType::Text, "村代码"},
                                    {"village_name", ResultFieldType::Text, "村名"},
                                    {"township_code", ResultFieldType::Text, "乡镇代码"},
                                    {"year", ResultFieldType::Integer, "年度"},
                                    {"neighbours", ResultFieldType::Integer, "周边非脱贫村数"}};
    std::vector<ColumnGroup> ngroups;
    for (const Indicator& ind : pack->indicators) {
        const std::string t = ind.title + (ind.unit.empty() ? "" : "（" + ind.unit + "）");
        ngroups.push_back({t, nc.size(), 3});
        nc.push_back({ind.id, ResultFieldType::Real, t + "本村"});
        nc.push_back({ind.id + "_neighbours", ResultFieldType::Real, t + "周边村均值"});
        nc.push_back({ind.id + "_difference", ResultFieldType::Real, t + "本村减周边"});
    }
    struct Near {
        std::size_t village;
        std::vector<std::size_t> neighbours;
    };
    auto nearList = std::make_shared<std::vector<Near>>();
    for (std::size_t v = 0; v < nVil; ++v) {
        const VillageRow& r = d->villages[v];
        if (r.status != "former_poor" || !r.hasPoint) continue;
        Near n{v, {}};
        const long long cx = (long long)std::floor(r.at.x / radius), cy = (long long)std::floor(r.at.y / radius);
        for (long long dx = -1; dx <= 1; ++dx)
            for (long long dy = -1; dy <= 1; ++dy)
                if (auto it = grid.find((cx + dx) * 1000003LL + (cy + dy)); it != grid.end())
                    for (std::size_t u : it->second)
                        if (std::hypot(d->villages[u].at.x - r.at.x, d->villages[u].at.y - r.at.y) <= radius) n.neighbours.push_back(u);
        std::sort(n.neighbours.begin(), n.neighbours.end());
        nearList->push_back(std::move(n));
    }
    const long long poorVillages = (long long)nearList->size();
    ResultTable nt;
    nt.name = "indicators_neighbours";
    nt.titleZh = "脱贫村与周边村比较";
    nt.geometry = ResultGeometry::Point;
    nt.columns = nc;
    nt.columnGroups = ngroups;
    nt.caption = std::to_string(year) + "年脱贫村与周边" + fmt(radius / 1000.0, 1) + "公里内非脱贫村比较";
    nt.rows = nearList->size();
    nt.row = [d, pack, year, nearList](std::size_t k, RowSink& sink) {
        const Near& n = (*nearList)[k];
        const VillageRow& r = d->villages[n.village];
        sink.text(r.code);
        sink.text(r.name);
        sink.text(r.townshipCode);
        sink.integer(year);
        sink.integer((long long)n.neighbours.size());
        for (std::size_t i = 0; i < pack->indicators.size(); ++i) {
            const Indicator& ind = pack->indicators[i];
            const IndicatorData::Column values = d->column(i, year, *pack);
            const auto x = values.at(n.village);
            double sum = 0;
            long long count = 0;
            for (std::size_t u : n.neighbours)
                if (auto y = values.at(u)) {
                    sum += *y;
                    ++count;
                }
            x ? sink.real(rounded(*x, ind.decimals)) : sink.null();
            count ? sink.real(rounded(sum / double(count), ind.decimals)) : sink.null();
            x&& count ? sink.real(rounded(*x - sum / double(count), ind.decimals)) : sink.null();
        }
    };
    nt.shape = [d, nearList](std::size_t k, std::vector<XY>& out) {
        out.push_back(d->villages[(*nearList)[k].village].at);
        return true;
    };

    AnalysisResult res;
    res.tables.push_back(std::move(vt));
    ResultTable at;
    at.name = "indicators_areas";
    at.titleZh = "乡镇与全县指标";
    at.geometry = ResultGeometry::None;
    at.columns = ac;
    at.rows = areaRows->size();
    at.row = [pack, areaKeys, areaRows, year](std::size_t k, RowSink& sink) {
        const AreaRow& r = (*areaRows)[k];
        const AreaKey& key = (*areaKeys)[r.area];
        const Indicator& ind = pack->indicators[r.indicator];
        sink.text(key.level);
        sink.text(key.code);
        sink.text(key.name);
        sink.text(kGroups[r.group]);
        sink.text(ind.id);
        sink.text(ind.title);
        ind.unit.empty() ? sink.null() : sink.text(ind.unit);
        sink.text(aggregateTitle(ind.aggregate));
        sink.integer(year);
        auto opt = [&](std::optional<double> z) { z ? sink.real(rounded(*z, ind.decimals)) : sink.null(); };
        opt(r.now.value);
        sink.integer(r.now.counted);
        sink.integer(r.now.missing);
        opt(r.before.value);
        r.now.value&& r.before.value ? opt(*r.now.value - *r.before.value) : sink.null();
        const std::string target = targetText(ind), met = metText(ind, r.now.value);
        target.empty() ? sink.null() : sink.text(target);
        met.empty() ? sink.null() : sink.text(met);
    };
    res.tables.push_back(std::move(at));
    res.tables.push_back(std::move(nt));
    if (p.flag("trend")) {
        // Every year of the ledger (and the data year when a formula gives it), up to the year
        // reported: villages, townships and the county (all villages).
        std::set<int> trendYears;
        for (int y : d->years)
            if (y <= year) trendYears.insert(y);
        if (anyFormula && d->dataYear && d->dataYear <= year) trendYears.insert(d->dataYear);
        ResultTableBuilder tt("indicators_trend", "历年指标", ResultGeometry::None,
                              {{"level", ResultFieldType::Text, "层级"},
                               {"code", ResultFieldType::Text, "代码"},
                               {"name", ResultFieldType::Text, "名称"},
                               {"indicator", ResultFieldType::Text, "指标代码"},
                               {"title", ResultFieldType::Text, "指标"},
                               {"unit", ResultFieldType::Text, "单位"},
                               {"year", ResultFieldType::Integer, "年度"},
                               {"value", ResultFieldType::Real, "指标值"},
                               {"villages_with_value", ResultFieldType::Integer, "有数据的村"}});
        auto unitOf = [](const Indicator& ind) { return ind.unit.empty() ? ResultValue() : ResultValue(ind.unit); };
        for (std::size_t i = 0; i < nInd; ++i) {
            const Indicator& ind = pack->indicators[i];
            for (int y : trendYears) {
                for (const auto& [code, list] : byTownship) {
                    const AreaValue a = aggregate(*d, *pack, i, list, y);
                    if (!a.value) continue;
                    auto n = d->townshipNames.find(code);
                    tt.add({"township", code, n == d->townshipNames.end() ? code : n->second, ind.id, ind.title, unitOf(ind), (long long)y,
                            rounded(*a.value, ind.decimals), a.counted});
                }
                const AreaValue c = aggregate(*d, *pack, i, everyone, y);
                if (c.value)
                    tt.add({"county", countyCode, countyName, ind.id, ind.title, unitOf(ind), (long long)y, rounded(*c.value, ind.decimals),
                            c.counted});
                for (std::size_t v = 0; v < nVil; ++v)
                    if (const auto x = d->value(i, v, y, *pack))
                        tt.add({"village", d->villages[v].code, d->villages[v].name, ind.id, ind.title, unitOf(ind), (long long)y,
                                rounded(*x, ind.decimals), 1LL});
            }
        }
        res.tables.push_back(std::move(tt).build());
    }
    if (d->ledgerRowsUnknownVillage)
        summary += "  台账中 " + std::to_string(d->ledgerRowsUnknownVillage) + " 行的村代码不在村庄图层中，未计入\n";
    for (const std::string& n : d->notes) summary += "  " + n + "\n";
    if (!d->hasLedger) summary += "  项目没有指标台账（village_indicators），只有由图层计算的" + std::to_string(d->dataYear) + "年指标\n";
    res.summaryText = summary;
    res.summaryJson = "{\"year\": " + std::to_string(year) + ", \"indicators\": " + std::to_string(nInd) +
                      ", \"villages\": " + std::to_string(nVil) + ", \"former_poor_villages_compared\": " + std::to_string(poorVillages) +
                      ", \"pack\": " + jsonQuote(pack->file) +
                      ", \"ledger_rows_unknown_village\": " + std::to_string(d->ledgerRowsUnknownVillage) + "}";
    feedback.setProgress(1.0, "完成");
    return res;
}

}  // namespace

std::unique_ptr<Analysis> makeIndicators() { return std::make_unique<Indicators>(); }

}  // namespace ruralatlas::revitalization
