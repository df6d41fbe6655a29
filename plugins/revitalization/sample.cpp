// The `supervision-sample` analysis (督查抽样): a reproducible (seeded) stratified sample of
// villages for supervision visits — strata by township, village status and risk (the monitored
// share above the county's), proportional allocation with every stratum represented — the
// households to visit in each (a number, never a list: household records stay in the project),
// and the order to visit them along the roads from the county seat (or a given village), with
// the minutes of each leg.
#include "sample.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <unordered_map>

#include "analysis/road_network.hpp"
#include "common.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/schema.hpp"

namespace ruralatlas::revitalization {

using namespace analysis;

std::vector<long long> allocate(const std::vector<long long>& sizes, long long n) {
    const std::size_t h = sizes.size();
    std::vector<long long> out(h, 0);
    const long long total = std::accumulate(sizes.begin(), sizes.end(), 0LL);
    n = std::min(n, total);
    if (h == 0 || n <= 0) return out;
    std::vector<std::size_t> order(h);
    std::iota(order.begin(), order.end(), 0);
    if (n < static_cast<long long>(h)) {  // one each for the largest strata
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
        for (long long k = 0; k < n; ++k) out[order[std::size_t(k)]] = 1;
        return out;
    }
    std::vector<double> frac(h);
    long long given = 0;
    for (std::size_t i = 0; i < h; ++i) {
        const double q = double(n) * double(sizes[i]) / double(total);
        out[i] = std::min(sizes[i], (long long)std::floor(q));
        frac[i] = q - std::floor(q);
        given += out[i];
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return frac[a] > frac[b]; });
    for (std::size_t k = 0; given < n; k = (k + 1) % h)
        if (out[order[k]] < sizes[order[k]]) ++out[order[k]], ++given;
    // Every stratum at least one, taken from the largest allocation.
    for (std::size_t i = 0; i < h; ++i) {
        if (out[i] > 0 || sizes[i] == 0) continue;
        std::size_t from = h;
        for (std::size_t j = 0; j < h; ++j)
            if (out[j] > 1 && (from == h || out[j] > out[from])) from = j;
        if (from == h) break;
        --out[from];
        ++out[i];
    }
    return out;
}

namespace {

std::uint64_t hashText(const std::string& s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    return h;
}

}  // namespace

std::vector<std::size_t> drawIndices(std::size_t n, std::size_t k, std::uint64_t seed, std::uint64_t stream) {
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ULL ^ stream;
    k = std::min(k, n);
    for (std::size_t i = 0; i < k; ++i) std::swap(idx[i], idx[i + std::size_t(randomBelow(state, n - i))]);
    idx.resize(k);
    return idx;
}

std::vector<std::size_t> drawHouseholds(const std::vector<bool>& monitored, std::size_t k, std::uint64_t seed, std::uint64_t stream) {
    std::vector<std::size_t> first, rest;
    for (std::size_t i = 0; i < monitored.size(); ++i) (monitored[i] ? first : rest).push_back(i);
    std::vector<std::size_t> out;
    for (std::size_t j : drawIndices(first.size(), std::min(k, first.size()), seed, stream)) out.push_back(first[j]);
    for (std::size_t j : drawIndices(rest.size(), k - out.size(), seed, stream ^ 0x5bd1e995ULL)) out.push_back(rest[j]);
    return out;
}

std::vector<std::size_t> visitOrder(const std::vector<std::vector<double>>& cost) {
    const std::size_t n = cost.size();
    std::vector<std::size_t> order;
    if (n == 0) return order;
    std::vector<bool> used(n, false);
    order.push_back(0);
    used[0] = true;
    for (std::size_t step = 1; step < n; ++step) {
        const std::size_t at = order.back();
        std::size_t best = n;
        for (std::size_t j = 0; j < n; ++j)
            if (!used[j] && (best == n || cost[at][j] < cost[at][best])) best = j;
        used[best] = true;
        order.push_back(best);
    }
    // 2-opt on the open path (the start stays first; costs may be asymmetric, so the reversed
    // stretch is priced whole).
    auto pathCost = [&](const std::vector<std::size_t>& o) {
        double c = 0;
        for (std::size_t i = 1; i < o.size(); ++i) c += cost[o[i - 1]][o[i]];
        return c;
    };
    double current = pathCost(order);
    for (bool improved = true; improved;) {
        improved = false;
        for (std::size_t i = 1; i + 1 < n; ++i)
            for (std::size_t j = i + 1; j < n; ++j) {
                std::vector<std::size_t> t = order;
                std::reverse(t.begin() + long(i), t.begin() + long(j) + 1);
                const double c = pathCost(t);
                if (c + 1e-9 < current) {
                    order = std::move(t);
                    current = c;
                    improved = true;
                }
            }
    }
    return order;
}

namespace {

struct SHousehold {
    std::string id;
    bool monitored = false;
    bool hasPoint = false;
    XY at;
};

struct SVillage : VillageBase {
    std::optional<long long> households, monitored;
    long long ledgerHouseholds = 0;  // in the households layer
    std::string stratum;
    std::vector<SHousehold> ledger;  // read only for a visit list
};

std::string today() {
    const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
    return buf;
}

// The visit list (supervision_visits) of the sampled villages in their visiting order: in each,
// drawHouseholds over its households by id, then visited nearest first from the village point
// when the households have points.
ResultTable visitList(std::vector<SVillage>& vs, const std::vector<std::size_t>& villagesInOrder, std::size_t perVillage,
                      std::uint64_t seed, const std::string& listName, const std::string& created) {
    ResultTableBuilder t("supervision_visits", "督查走访农户名单", ResultGeometry::None,
                         {{"list_name", ResultFieldType::Text, "名单名称"},
                          {"seed", ResultFieldType::Integer, "随机种子"},
                          {"created", ResultFieldType::Text, "生成日期"},
                          {"village_code", ResultFieldType::Text, "村代码"},
                          {"village_order", ResultFieldType::Integer, "走访村顺序"},
                          {"household_id", ResultFieldType::Text, "农户编号（化名）"},
                          {"visit_order", ResultFieldType::Integer, "村内走访顺序"},
                          {"visit_group", ResultFieldType::Text, "农户类别"}});
    long long villageOrder = 0;
    for (std::size_t vi : villagesInOrder) {
        SVillage& v = vs[vi];
        ++villageOrder;
        std::sort(v.ledger.begin(), v.ledger.end(), [](const SHousehold& a, const SHousehold& b) { return a.id < b.id; });
        std::vector<bool> flags;
        for (const SHousehold& h : v.ledger) flags.push_back(h.monitored);
        std::vector<std::size_t> drawn = drawHouseholds(flags, perVillage, seed, hashText(v.code));
        bool points = v.hasPoint && !drawn.empty();
        for (std::size_t i : drawn) points = points && v.ledger[i].hasPoint;
        if (points) {
            std::vector<XY> pts = {v.at};
            for (std::size_t i : drawn) pts.push_back(v.ledger[i].at);
            std::vector<std::vector<double>> cost(pts.size(), std::vector<double>(pts.size()));
            for (std::size_t a = 0; a < pts.size(); ++a)
                for (std::size_t b = 0; b < pts.size(); ++b) cost[a][b] = std::hypot(pts[a].x - pts[b].x, pts[a].y - pts[b].y);
            std::vector<std::size_t> ordered;
            for (std::size_t stop : visitOrder(cost))
                if (stop > 0) ordered.push_back(drawn[stop - 1]);
            drawn = ordered;
        }
        long long order = 0;
        for (std::size_t i : drawn)
            t.add({listName, (long long)seed, created, v.code, villageOrder, v.ledger[i].id, ++order,
                   std::string(v.ledger[i].monitored ? "monitored" : "other")});
    }
    return std::move(t).build();
}

std::string statusGroup(const std::string& s) {
    if (s == "former_poor") return "脱贫村";
    if (s == "key_assisted") return "重点帮扶村";
    return "其他村";
}

class SupervisionSample final : public Analysis {
public:
    SupervisionSample() {
        m_spec = {"supervision-sample",
                  "督查抽样与走访路线",
                  "Stratified supervision sample of villages (seeded) with households to visit and a visiting order along the roads",
                  {{"villages", ParamType::Integer, "抽取村数", "Villages to draw", std::string("12"), 1, 100000},
                   {"households", ParamType::Integer, "每村走访农户数", "Households to visit per village", std::string("5"), 5, 1000},
                   {"strata",
                    ParamType::Choice,
                    "分层",
                    "Strata",
                    std::string("township,status"),
                    {},
                    {},
                    {"township", "township,status", "township,status,risk", "status,risk", "none"}},
                   {"seed", ParamType::Integer, "随机种子（结果可复现）", "Random seed (reproducible)", std::string("1"), 0, 2147483647},
                   {"route", ParamType::Choice, "走访路线", "Visiting order", std::string("road"), {}, {}, {"road", "straight", "none"}},
                   {"start", ParamType::Text, "出发村代码（默认：县城）", "Start village code (default: the county seat)"},
                   {"visit-list", ParamType::Text, "走访农户名单名称：抽取的农户写入项目表 supervision_visits（只在项目中，不导出）",
                    "Name of a household visit list: the drawn households are stored in the project table supervision_visits (never "
                    "exported)"},
                   outputParam()},
                  {{"sample_villages", "督查抽样村与走访顺序", "Sampled villages in visiting order"},
                   {"sample_strata", "抽样分层", "Strata"},
                   {"sample_route", "走访路线", "Visiting route"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: strata, allocation, draws, the route and three tables.
AnalysisResult SupervisionSample::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    feedback.setProgress(0.05, "读取村庄");
    std::vector<SVillage> vs;
    const auto index =
        readVillageRows<SVillage>(project, {"households", "monitored_households"}, vs, [](SVillage& r, const std::vector<ResultValue>& v) {
            r.households = valueAsInteger(v[0]);
            r.monitored = valueAsInteger(v[1]);
        });
    const std::string listName = p.has("visit-list") ? p.text("visit-list") : std::string();
    if (!listName.empty() && !project.layerInfo("households"))
        throw DataError({project.name(), "households"},
                        "--visit-list: the project has no households layer (农户台账) to draw the households from");
    if (project.layerInfo("households")) {
        FeatureQuery q;
        q.geometry = !listName.empty();
        std::vector<std::string> fields = {"village_code"};
        if (!listName.empty()) fields.insert(fields.end(), {"id", "status", "monitored"});
        readFields(project, "households", fields, q, [&](const Feature& f, const std::vector<ResultValue>& v) {
            auto it = index.find(valueAsText(v[0]));
            if (it == index.end()) return;
            SVillage& village = vs[it->second];
            ++village.ledgerHouseholds;
            if (listName.empty()) return;
            SHousehold h;
            h.id = valueAsText(v[1]);
            const std::string status = valueAsText(v[2]);
            h.monitored = valueAsInteger(v[3]).value_or(0) == 1 || status.rfind("monitored_", 0) == 0;
            if (f.geometry.kind == ShapeKind::Point && f.geometry.xy.size() >= 2) {
                h.hasPoint = true;
                h.at = {f.geometry.xy[0], f.geometry.xy[1]};
            }
            village.ledger.push_back(std::move(h));
        });
    }
    std::map<std::string, std::string> townNames;
    for (const auto& t : project.townships()) townNames[t.code] = t.name;
    // Risk: the village's monitored share against the county's.
    long long sumM = 0, sumH = 0;
    for (const SVillage& v : vs)
        if (v.monitored && v.households && *v.households > 0) sumM += *v.monitored, sumH += *v.households;
    const double countyShare = sumH > 0 ? double(sumM) / double(sumH) : 0;
    const std::string strata = p.text("strata");
    auto has = [&](const char* s) { return strata.find(s) != std::string::npos; };
    std::map<std::string, std::vector<std::size_t>> byStratum;
    for (std::size_t i = 0; i < vs.size(); ++i) {
        SVillage& v = vs[i];
        std::string key;
        if (has("township")) {
            const auto t = townNames.find(v.town);
            key += t == townNames.end() ? v.town : t->second;
        }
        if (has("status")) key += (key.empty() ? "" : "·") + statusGroup(v.status);
        if (has("risk")) {
            const bool known = v.monitored && v.households && *v.households > 0;
            key += (key.empty() ? "" : "·") + std::string(!known                                                       ? "风险未知"
                                                          : double(*v.monitored) / double(*v.households) > countyShare ? "风险较高"
                                                                                                                       : "风险一般");
        }
        if (key.empty()) key = "全县";
        v.stratum = key;
        byStratum[key].push_back(i);
    }
    std::vector<std::string> keys;
    std::vector<long long> sizes;
    for (auto& [k, list] : byStratum) {
        std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) { return vs[a].code < vs[b].code; });
        keys.push_back(k);
        sizes.push_back((long long)list.size());
    }
    const long long n = p.integer("villages");
    const std::vector<long long> alloc = allocate(sizes, n);
    const std::uint64_t seed = std::uint64_t(p.integer("seed"));
    std::vector<std::size_t> chosen;
    for (std::size_t h = 0; h < keys.size(); ++h)
        for (std::size_t k : drawIndices(byStratum[keys[h]].size(), std::size_t(alloc[h]), seed, hashText(keys[h])))
            chosen.push_back(byStratum[keys[h]][k]);

    // The route: from the start through every sampled village with a point.
    feedback.setProgress(0.3, "计算走访路线");
    const std::string routeMode = p.text("route");
    std::optional<XY> start;
    std::string startName;
    if (p.has("start")) {
        const auto it = index.find(p.text("start"));
        if (it == index.end() || !vs[it->second].hasPoint)
            throw UsageError("--start " + p.text("start") + ": no village with that code and a point in " + project.name());
        start = vs[it->second].at;
        startName = vs[it->second].name;
    } else if ((start = countySeat(vs))) {
        startName = "县城";
    }
    std::vector<std::size_t> stops;  // indices into `chosen` with a point
    for (std::size_t k = 0; k < chosen.size(); ++k)
        if (vs[chosen[k]].hasPoint) stops.push_back(k);
    std::vector<std::size_t> visit;  // order over `chosen`
    std::vector<double> legMinutes(chosen.size(), std::nan("")), legKm(chosen.size(), std::nan(""));
    bool byRoad = false;
    if (routeMode != "none" && !stops.empty()) {
        std::vector<XY> pts;
        if (start) pts.push_back(*start);
        for (std::size_t k : stops) pts.push_back(vs[chosen[k]].at);
        const std::size_t m = pts.size();
        std::vector<std::vector<double>> cost(m, std::vector<double>(m, 0)), km = cost;
        std::optional<RoadNetwork> net;
        if (routeMode == "road" && project.layerInfo("roads")) {
            const auto roads = project.roads();
            if (!roads.empty()) net.emplace(roads, NetworkOptions{}, &feedback);
        }
        byRoad = net.has_value();
        for (std::size_t i = 0; i < m; ++i) {
            std::vector<Route> routes;
            if (net) routes = net->fromOne(pts[i], pts, 24 * 60);
            for (std::size_t j = 0; j < m; ++j) {
                const double straight = std::hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y);
                if (net && routes[j].reachable()) {
                    cost[i][j] = routes[j].minutes;
                    km[i][j] = routes[j].metres / 1000.0;
                } else {
                    // Off the network (or no roads): straight line at 30 km/h, as an estimate.
                    cost[i][j] = straight / 1000.0 / 30.0 * 60.0 * (net ? 10.0 : 1.0);
                    km[i][j] = straight / 1000.0;
                }
            }
        }
        std::vector<std::size_t> order;
        if (start) {
            order = visitOrder(cost);
        } else {
            // No start: begin at the stop whose order is cheapest.
            double best = std::numeric_limits<double>::infinity();
            for (std::size_t s = 0; s < m; ++s) {
                std::vector<std::vector<double>> c = cost;
                std::swap(c[0], c[s]);
                for (auto& row : c) std::swap(row[0], row[s]);
                std::vector<std::size_t> o = visitOrder(c);
                for (auto& x : o) x = x == 0 ? s : x == s ? 0 : x;
                double total = 0;
                for (std::size_t i = 1; i < o.size(); ++i) total += cost[o[i - 1]][o[i]];
                if (total < best) best = total, order = o;
            }
        }
        const std::size_t offset = start ? 1 : 0;
        for (std::size_t i = 0; i < order.size(); ++i) {
            if (start && i == 0) continue;
            const std::size_t k = stops[order[i] - offset];
            visit.push_back(k);
            if (i > 0) {
                legMinutes[k] = cost[order[i - 1]][order[i]];
                legKm[k] = km[order[i - 1]][order[i]];
            }
        }
    }
    for (std::size_t k = 0; k < chosen.size(); ++k)
        if (std::find(visit.begin(), visit.end(), k) == visit.end()) visit.push_back(k);  // no point / no route: last

    // Tables.
    const long long perVillage = p.integer("households");
    std::map<std::string, long long> stratumSize, stratumSample;
    for (std::size_t h = 0; h < keys.size(); ++h) stratumSize[keys[h]] = sizes[h], stratumSample[keys[h]] = alloc[h];
    ResultTableBuilder vt("sample_villages", "督查抽样村与走访顺序", ResultGeometry::Point,
                          {{"visit_order", ResultFieldType::Integer, "走访顺序"},
                           {"village_code", ResultFieldType::Text, "村代码"},
                           {"village_name", ResultFieldType::Text, "村名"},
                           {"township_name", ResultFieldType::Text, "乡镇"},
                           {"status", ResultFieldType::Text, "村类别"},
                           {"stratum", ResultFieldType::Text, "抽样层"},
                           {"stratum_villages", ResultFieldType::Integer, "层内村数"},
                           {"stratum_sampled", ResultFieldType::Integer, "层内抽取"},
                           {"weight", ResultFieldType::Real, "抽样权数", "0.00"},
                           {"households_to_visit", ResultFieldType::Text, "走访农户"},
                           {"leg_minutes", ResultFieldType::Real, "上一站到此（分钟）", "0"},
                           {"leg_km", ResultFieldType::Real, "上一站到此（公里）", "0.0"},
                           {"cumulative_minutes", ResultFieldType::Real, "累计行程（分钟）", "0"}});
    double cumulative = 0;
    ResultTableBuilder rt("sample_route", "走访路线", ResultGeometry::LineString,
                          {{"leg", ResultFieldType::Integer, "段"},
                           {"from_name", ResultFieldType::Text, "起点"},
                           {"to_name", ResultFieldType::Text, "终点"},
                           {"minutes", ResultFieldType::Real, "行程（分钟）", "0"},
                           {"km", ResultFieldType::Real, "里程（公里）", "0.0"}});
    std::optional<XY> prev = start;
    std::string prevName = startName.empty() ? "" : startName;
    long long orderNo = 0;
    for (std::size_t k : visit) {
        const SVillage& v = vs[chosen[k]];
        const auto tn = townNames.find(v.town);
        std::string visitText;
        if (v.ledgerHouseholds >= perVillage)
            visitText = std::to_string(perVillage) + " 户（在村农户台账中抽取，监测户优先）";
        else if (v.ledgerHouseholds > 0)
            visitText = "台账农户全部走访（不足" + std::to_string(perVillage) + "户）";
        else
            visitText = "无农户台账：现场按户籍名册抽取 " + std::to_string(perVillage) + " 户";
        const bool routed = !std::isnan(legMinutes[k]);
        if (routed) cumulative += std::round(legMinutes[k]);  // the printed legs add up to the printed total
        vt.add({++orderNo, v.code, v.name, tn == townNames.end() ? ResultValue() : ResultValue(tn->second),
                v.status.empty() ? ResultValue() : ResultValue(v.status), v.stratum, stratumSize[v.stratum], stratumSample[v.stratum],
                std::round(double(stratumSize[v.stratum]) / double(stratumSample[v.stratum]) * 100.0) / 100.0, visitText,
                routed ? ResultValue(std::round(legMinutes[k])) : ResultValue(),
                routed ? ResultValue(std::round(legKm[k] * 10.0) / 10.0) : ResultValue(),
                routed || orderNo == 1 ? ResultValue(std::round(cumulative)) : ResultValue()},
               v.hasPoint ? std::vector<XY>{v.at} : std::vector<XY>{});
        if (routed && prev)
            rt.add({orderNo, prevName, v.name, std::round(legMinutes[k]), std::round(legKm[k] * 10.0) / 10.0}, {*prev, v.at});
        if (v.hasPoint) prev = v.at, prevName = v.name;
    }
    ResultTableBuilder st("sample_strata", "抽样分层", ResultGeometry::None,
                          {{"stratum", ResultFieldType::Text, "抽样层"},
                           {"villages", ResultFieldType::Integer, "村数"},
                           {"sampled", ResultFieldType::Integer, "抽取村数"},
                           {"weight", ResultFieldType::Real, "抽样权数", "0.00"}});
    for (std::size_t h = 0; h < keys.size(); ++h)
        st.add({keys[h], sizes[h], alloc[h],
                alloc[h] ? ResultValue(std::round(double(sizes[h]) / double(alloc[h]) * 100.0) / 100.0) : ResultValue()});

    AnalysisResult res;
    std::string listText;
    if (!listName.empty()) {
        std::vector<std::size_t> villagesInOrder;
        for (std::size_t k : visit) villagesInOrder.push_back(chosen[k]);
        analysis::ProjectWrite w{visitList(vs, villagesInOrder, std::size_t(perVillage), seed, listName, today()), "list_name", listName};
        // Only counts leave the database, and none under five households.
        const std::size_t listed = w.table.rows;
        std::size_t withLedger = 0;
        for (std::size_t vi : villagesInOrder) withLedger += !vs[vi].ledger.empty();
        listText = "  走访农户名单「" + listName + "」：" + std::to_string(withLedger) + " 个村，" +
                   (listed >= std::size_t(kMinHouseholdsShown) ? std::to_string(listed) + " 户" : std::string("不足5户")) +
                   "，写入项目表 supervision_visits（同名名单被替换；农户编号只在项目中，不导出）" +
                   (withLedger < villagesInOrder.size()
                        ? "；其余 " + std::to_string(villagesInOrder.size() - withLedger) + " 个抽样村无农户台账，现场按户籍名册抽取"
                        : std::string()) +
                   "\n";
        res.projectWrites.push_back(std::move(w));
    }
    res.tables.push_back(std::move(vt).build());
    res.tables.back().style = "revitalization/sample.json";
    res.tables.push_back(std::move(st).build());
    res.tables.push_back(std::move(rt).build());
    res.tables.back().style = "revitalization/sample.json";
    long long strataSampled = 0;
    for (long long a : alloc) strataSampled += a > 0;
    const std::string fewer = strataSampled < (long long)keys.size()
                                  ? "  注意：抽样村数少于层数，" + std::to_string((long long)keys.size() - strataSampled) +
                                        " 个较小的层未抽到村（增加 --villages 或减少分层 --strata）\n"
                                  : std::string();
    res.summaryText =
        "督查抽样：" + project.meta("county_name") + "，" + std::to_string(vs.size()) + "个村分 " + std::to_string(keys.size()) + " 层（" +
        strata + "），抽取 " + std::to_string(chosen.size()) + " 个村（覆盖 " + std::to_string(strataSampled) + " 层），随机种子 " +
        std::to_string(seed) + "，每村走访 " + std::to_string(perVillage) + " 户\n" +
        (routeMode == "none" ? std::string("  未排走访路线\n")
         : visit.empty()     ? std::string()
                             : "  走访路线（" + std::string(byRoad ? "沿道路" : "直线估算，30公里/小时") + "，自" +
                               (startName.empty() ? std::string("第一站") : startName) + "出发）：约 " + fmt(cumulative, 0) + " 分钟\n") +
        fewer + listText + "  农户名单不导出（个人信息保护）：各村按走访户数在村农户台账中抽取\n";
    res.summaryJson = "{\"villages\": " + std::to_string(vs.size()) + ", \"strata\": " + std::to_string(keys.size()) +
                      ", \"sampled\": " + std::to_string(chosen.size()) + ", \"seed\": " + std::to_string(seed) + ", \"route\": " +
                      jsonQuote(routeMode == "none" ? "none"
                                : byRoad            ? "road"
                                                    : "straight") +
                      ", \"route_minutes\": " + fmt(cumulative, 1) + "}";
    feedback.setProgress(1.0, "完成");
    return res;
}

}  // namespace

std::unique_ptr<Analysis> makeSupervisionSample() { return std::make_unique<SupervisionSample>(); }

}  // namespace ruralatlas::revitalization
