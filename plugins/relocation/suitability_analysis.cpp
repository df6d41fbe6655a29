// The `suitability` analysis (安置点用地适宜性评价): every DEM cell of the county judged against
// the suitability criteria of `site-audit` (the same file, exclusions and weights): excluded
// cells with their reasons, a weighted score elsewhere, the contiguous suitable areas large
// enough for the planned site ranked by the best site-sized block inside each (with the score of
// every criterion there), and, on request, how often each stays in the top k when the weights
// are perturbed. Drawn as zones (polygons of the classes) and candidate areas.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "analysis/analysis.hpp"
#include "analysis/coverage.hpp"
#include "analysis/road_network.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/install_paths.hpp"
#include "core/json.hpp"
#include "core/record_readers.hpp"
#include "core/schema.hpp"
#include "suitability/criteria.hpp"
#include "suitability/grid.hpp"
#include "suitability/targets.hpp"
#include "suitability/water.hpp"
#include "suitability/weights.hpp"

namespace ruralatlas::relocation {

using namespace analysis;
using suitability::GridFrame;

std::unique_ptr<Analysis> makeSiteAudit();

namespace {

constexpr int kWaterBit = 12, kSlopeBit = 13, kRiverBit = 14;
// Floor area per person of a relocated family (易地扶贫搬迁 人均住房建设面积不超过25平方米).
constexpr double kFloorPerPerson = 25.0;

std::string constraintTitle(const std::string& kind) {
    for (const auto& v : findEnumeration("constraint_kind")->values)
        if (v.code == kind) return std::string(v.titleZh);
    return kind;
}

class Suitability final : public Analysis {
public:
    Suitability() {
        m_spec = {
            "suitability",
            "安置点用地适宜性评价",
            "Resettlement-site suitability surface: every DEM cell judged, candidate areas ranked",
            {{"criteria", ParamType::Text, "适宜性准则文件（JSON；默认 data/site_criteria.json）",
              "Criteria file (JSON; default data/site_criteria.json)"},
             {"households", ParamType::Integer, "拟安置户数", "Households to settle", std::string("100"), 1.0, 1e6},
             {"people-per-household", ParamType::Real, "户均人口", "People per household", std::string("3.5"), 0.5, 20.0},
             {"area-factor", ParamType::Real, "用地系数（每人用地 = 25平方米 × 系数，含道路和公共用地）",
              "Land factor (land per person = 25 m2 x factor, roads and public land included)", std::string("2.5"), 1.0, 20.0},
             {"max-candidates", ParamType::Integer, "最多列出候选区", "Candidate areas listed at most", std::string("30"), 1.0, 10000.0},
             {"separation", ParamType::Real, "候选地块最小间距（米）", "Least distance between candidate blocks (m)", std::string("1000"),
              0.0, 1e6},
             {"sensitivity", ParamType::Integer, "敏感性分析抽样次数（0 为不做）", "Sensitivity draws (0: none)", std::string("0"), 0.0,
              100000.0},
             {"spread", ParamType::Real, "权重扰动幅度（±比例）", "Weight perturbation (± share)", std::string("0.2"), 0.0, 0.99},
             {"top", ParamType::Integer, "敏感性分析的前k名", "Top k of the sensitivity analysis", std::string("5"), 1.0, 10000.0},
             {"seed", ParamType::Integer, "随机种子", "Random seed", std::string("1"), 0.0, 4e9},
             {"save-grid", ParamType::Flag, "评分栅格同时写入项目（图层 suitability_score，替换上次的）",
              "Store the score grid in the project too (gridded layer suitability_score, replacing the last one)"},
             {"audit", ParamType::Flag, "核查模式：只评价已有安置点（同 site-audit）",
              "Audit mode: judge the existing resettlement sites only (as site-audit)"},
             {"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, false}},
            {{"suitability_candidates", "安置点候选地块", "Candidate sites"},
             {"suitability_zones", "安置点用地适宜性分区", "Suitability zones"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;
    std::vector<std::string> outputNames(const ParamValues& p) const override {
        if (p.flag("audit")) return {"site_audit"};
        return Analysis::outputNames(p);
    }

private:
    AnalysisSpec m_spec;
};

struct Candidate {
    std::int32_t label = 0;
    std::size_t cells = 0;
    std::int64_t window = -1;  // top-left cell of the site-sized block; -1: the whole (narrow) area
    double siteScore = 0, regionScore = 0;
    std::vector<double> meanValue, meanScore;  // per criterion, over the block (or the region)
    double topShare = NAN;
};

// Long on purpose: read, measure every criterion on every cell, weigh, find the areas, tabulate.
AnalysisResult Suitability::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    // Audit mode: the existing sites on the same criteria, as `site-audit` judges them.
    if (p.flag("audit")) return makeSiteAudit()->run(project, p, feedback);
    const auto started = std::chrono::steady_clock::now();
    const std::string criteriaFile = p.has("criteria") ? p.text("criteria") : shippedDir("data") + "/site_criteria.json";
    const suitability::Criteria c = suitability::readCriteria(criteriaFile);
    const int threads = 2;
    feedback.setProgress(0.02, "读取高程");
    std::optional<Raster> demRead = project.dem();
    if (!demRead)
        throw DataError({project.name(), "dem"},
                        "the project has no DEM: the suitability surface is computed on its cells (import one with `ruralatlas import`)");
    const Raster& dem = *demRead;
    const GridFrame g = GridFrame::of(dem);
    const std::size_t N = g.size();
    const double cellArea = g.cell * g.cell;

    // The county: cells whose centre lies inside its outline (the whole grid when the project has
    // no outline; said in the summary). The DEM reaches past it; those cells are not judged.
    std::vector<std::uint8_t> inCounty(N, 1);
    bool hasOutline = false;
    if (project.layerInfo("county")) {
        Polygons outline;
        project.readFeatures("county", FeatureQuery{}, [&](const Feature& f) {
            for (Polygon& poly : polygonsOf(f.geometry)) outline.push_back(std::move(poly));
        });
        if (!outline.empty()) {
            hasOutline = true;
            std::fill(inCounty.begin(), inCounty.end(), 0);
            suitability::cellsInside(g, outline, [&](std::size_t i) { inCounty[i] = 1; });
        }
    }
    const std::size_t countyCells = static_cast<std::size_t>(std::count(inCounty.begin(), inCounty.end(), 1));

    // Exclusions: one bit per reason.
    feedback.setProgress(0.05, "禁止建设区域");
    std::vector<std::uint16_t> excluded(N, 0);
    const std::vector<Constraint> constraints = project.layerInfo("constraints") ? readConstraints(project) : std::vector<Constraint>{};
    std::vector<std::string> kindsFound(c.excludedKinds.size());
    for (const Constraint& con : constraints) {
        const auto it = std::find(c.excludedKinds.begin(), c.excludedKinds.end(), con.kind);
        if (it == c.excludedKinds.end()) continue;
        const std::size_t k = static_cast<std::size_t>(it - c.excludedKinds.begin());
        if (k >= kWaterBit) continue;
        const std::uint16_t bit = static_cast<std::uint16_t>(1u << k);
        suitability::cellsInside(g, con.shape, [&](std::size_t i) { excluded[i] |= bit; });
    }
    for (const suitability::WaterParcel& wp : suitability::readWater(project, c))
        suitability::cellsInside(g, wp.shape, [&](std::size_t i) { excluded[i] |= 1u << kWaterBit; });
    feedback.checkCancelled();
    feedback.setProgress(0.1, "坡度");
    const std::vector<float> slope = suitability::slopeGrid(dem, threads);
    for (std::size_t i = 0; i < N; ++i)
        if (slope[i] > c.maxSlope) excluded[i] |= 1u << kSlopeBit;
    const std::vector<std::vector<XY>> rivers = project.rivers();
    if (c.riverBuffer > 0) suitability::cellsNearLines(g, rivers, c.riverBuffer, [&](std::size_t i) { excluded[i] |= 1u << kRiverBit; });
    for (std::size_t i = 0; i < N; ++i)
        if (!inCounty[i]) excluded[i] = 0;

    // Every criterion on every cell (NaN where it cannot be measured; infinity when unreachable).
    std::vector<std::vector<XY>> roadLines;
    for (Road& r : project.roads()) roadLines.push_back(std::move(r.line));
    std::optional<suitability::DistanceField> roadField;
    std::vector<std::size_t> roadCells;
    auto needRoadField = [&]() {
        if (roadField) return;
        std::vector<std::uint8_t> seed(N, 0);
        suitability::burnLines(g, roadLines, seed);
        roadField = suitability::distanceTransform(g, seed, threads);
        for (std::size_t i = 0; i < N; ++i)
            if (seed[i]) roadCells.push_back(i);
    };
    CoverageContext context(project);
    const NetworkOptions netOptions;
    const std::size_t n = c.items.size();
    std::vector<std::vector<float>> value(n);
    std::vector<std::string> missing(n);
    for (std::size_t k = 0; k < n; ++k) {
        feedback.checkCancelled();
        feedback.setProgress(0.15 + 0.45 * double(k) / double(n), c.items[k].title);
        const suitability::Criterion& q = c.items[k];
        if (q.measure == "slope") {
            value[k] = slope;
            continue;
        }
        if (q.measure == "relief") {
            value[k] = suitability::reliefGrid(dem, q.radius, threads);
            continue;
        }
        const auto [targets, what] = suitability::criterionTargets(project, q.to);
        if (q.to == "roads" ? roadLines.empty() : targets.empty()) {
            missing[k] = "项目中没有" + what;
            continue;
        }
        if (q.measure == "distance") {
            suitability::DistanceField field;
            if (q.to == "roads") {
                needRoadField();
                field = *roadField;
            } else {
                std::vector<std::uint8_t> seed(N, 0);
                for (const XY& t : targets) {
                    const double cc = std::floor((t.x - g.x0) / g.cell), rr = std::floor((g.y1 - t.y) / g.cell);
                    if (cc >= 0 && rr >= 0 && cc < g.width && rr < g.height) seed[g.index(int(cc), int(rr))] = 1;
                }
                field = suitability::distanceTransform(g, seed, threads);
            }
            value[k].resize(N);
            for (std::size_t i = 0; i < N; ++i) value[k][i] = std::sqrt(field.squared[i]) * static_cast<float>(g.cell);
            continue;
        }
        // Road time: to each road cell by the shared road network, then the walk from the cell to
        // the nearest road cell (at the network's walking speed, up to its longest walking leg).
        if (roadLines.empty()) {
            missing[k] = "项目中没有道路，无法计算车程";
            continue;
        }
        needRoadField();
        const RoadNetwork& net = context.network(netOptions, feedback);
        std::vector<XY> at;
        at.reserve(roadCells.size());
        for (std::size_t i : roadCells) at.push_back(g.centre(i));
        const std::vector<Route> routes = net.nearest(targets, at, feedback);
        std::vector<float> atRoadCell(N, INFINITY);
        for (std::size_t j = 0; j < roadCells.size(); ++j)
            if (routes[j].reachable()) atRoadCell[roadCells[j]] = static_cast<float>(routes[j].minutes);
        const double metresPerMinute = netOptions.walkKmh * 1000.0 / 60.0;
        value[k].resize(N);
        for (std::size_t i = 0; i < N; ++i) {
            const std::int32_t j = roadField->nearest[i];
            const double walk = std::sqrt(double(roadField->squared[i])) * g.cell;
            value[k][i] = j < 0 || walk > netOptions.maxWalkMetres ? INFINITY : static_cast<float>(atRoadCell[j] + walk / metresPerMinute);
        }
    }

    // Weights over the criteria that could be judged (entropy: over a sample of open cells).
    feedback.setProgress(0.62, "权重");
    std::vector<double> w(n, 0);
    if (c.weightMethod == "entropy") {
        std::vector<std::vector<double>> judged;
        std::vector<std::string> titles;
        std::vector<std::size_t> which;
        const std::size_t stride = std::max<std::size_t>(1, N / 200000);
        for (std::size_t k = 0; k < n; ++k) {
            if (!missing[k].empty()) continue;
            std::vector<double> col;
            for (std::size_t i = 0; i < N; i += stride) {
                if (excluded[i] || !inCounty[i]) continue;
                const double v = value[k][i];
                col.push_back(std::isnan(v) ? 0.0 : c.items[k].score(v));
            }
            judged.push_back(std::move(col));
            titles.push_back(c.items[k].title);
            which.push_back(k);
        }
        if (judged.empty() || judged[0].empty())
            throw DataError({project.name()}, "no criterion can be judged with the project's data: nothing to weigh");
        const std::vector<double> e = suitability::entropyWeights(judged, titles, c.file);
        for (std::size_t j = 0; j < which.size(); ++j) w[which[j]] = e[j];
    } else {
        double sum = 0;
        for (std::size_t k = 0; k < n; ++k)
            if (missing[k].empty()) sum += c.weights[k];
        for (std::size_t k = 0; k < n; ++k) w[k] = missing[k].empty() && sum > 0 ? c.weights[k] / sum : 0;
    }
    const double wSum = std::accumulate(w.begin(), w.end(), 0.0);
    if (wSum <= 0) throw DataError({project.name()}, "no criterion can be judged with the project's data: nothing to score");

    // The weighted score of every cell (NaN where a judged criterion has no value).
    feedback.setProgress(0.66, "综合评分");
    std::vector<float> score(N, NAN);
    for (std::size_t i = 0; i < N; ++i) {
        if (!inCounty[i]) continue;
        double total = 0;
        bool ok = true;
        for (std::size_t k = 0; k < n && ok; ++k) {
            if (w[k] <= 0) continue;
            const float v = value[k][i];
            if (std::isnan(v))
                ok = false;
            else
                total += w[k] * c.items[k].score(v);
        }
        if (ok) score[i] = static_cast<float>(total / wSum);
    }

    // Candidate areas: 4-connected open cells scoring at least min_score, large enough for the site.
    feedback.setProgress(0.72, "候选区");
    const long long households = p.integer("households");
    const double people = double(households) * p.real("people-per-household");
    const double needM2 = people * kFloorPerPerson * p.real("area-factor");
    const std::size_t needCells = static_cast<std::size_t>(std::ceil(needM2 / cellArea));
    const int side = static_cast<int>(std::ceil(std::sqrt(double(needCells))));
    std::vector<std::uint8_t> eligible(N, 0);
    std::vector<std::uint32_t> key(N, 0);
    std::size_t eligibleCells = 0, excludedCells = 0, unscored = 0;
    for (std::size_t i = 0; i < N; ++i) {
        if (!inCounty[i]) continue;
        if (excluded[i])
            ++excludedCells;
        else if (std::isnan(score[i]))
            ++unscored;
        if (!excluded[i] && !std::isnan(score[i]) && score[i] >= c.minScore) {
            eligible[i] = 1;
            key[i] = 1;
            ++eligibleCells;
        }
    }
    std::int32_t regions = 0;
    const std::vector<std::int32_t> label = suitability::components(g, key, regions);
    std::vector<std::size_t> regionCells(static_cast<std::size_t>(regions) + 1, 0);
    std::vector<double> regionSum(static_cast<std::size_t>(regions) + 1, 0);
    for (std::size_t i = 0; i < N; ++i)
        if (label[i] > 0) {
            ++regionCells[label[i]];
            regionSum[label[i]] += score[i];
        }
    // Site-sized blocks (side x side cells, all suitable), best first, at least `separation`
    // apart; then the areas large enough but too narrow for a block, by their mean score.
    const std::vector<float> means = suitability::windowMeans(g, eligible, score, side);
    const int OW = g.width - side + 1;
    std::vector<std::pair<float, std::uint32_t>> order;
    std::vector<std::uint8_t> hasBlock(static_cast<std::size_t>(regions) + 1, 0);
    for (std::size_t i = 0; i < means.size(); ++i)
        if (!std::isnan(means[i])) {
            order.push_back({means[i], static_cast<std::uint32_t>(i)});
            hasBlock[label[g.index(static_cast<int>(i % OW), static_cast<int>(i / OW))]] = 1;
        }
    std::sort(order.begin(), order.end(),
              [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    const std::size_t maxCandidates = static_cast<std::size_t>(p.integer("max-candidates"));
    const double separation = p.real("separation");
    const double sideM = side * g.cell;
    std::vector<Candidate> cands;
    std::vector<XY> centres;
    std::size_t blocksPossible = 0;
    for (const auto& [mean, wi] : order) {
        if (cands.size() >= maxCandidates) break;
        const int c0 = static_cast<int>(wi % OW), r0 = static_cast<int>(wi / OW);
        const XY centre{g.x0 + c0 * g.cell + sideM / 2, g.y1 - r0 * g.cell - sideM / 2};
        bool near = false;
        for (const XY& o : centres) near = near || std::hypot(o.x - centre.x, o.y - centre.y) < separation;
        if (near) continue;
        Candidate cd;
        cd.window = static_cast<std::int64_t>(g.index(c0, r0));
        cd.label = label[cd.window];
        cd.cells = regionCells[cd.label];
        cd.siteScore = mean;
        cd.regionScore = regionSum[cd.label] / double(regionCells[cd.label]);
        cands.push_back(std::move(cd));
        centres.push_back(centre);
    }
    std::vector<Candidate> narrow;
    for (std::int32_t l = 1; l <= regions; ++l) {
        if (regionCells[l] < needCells) continue;
        if (hasBlock[l]) {
            ++blocksPossible;
            continue;
        }
        Candidate cd;
        cd.label = l;
        cd.cells = regionCells[l];
        cd.regionScore = cd.siteScore = regionSum[l] / double(regionCells[l]);
        narrow.push_back(std::move(cd));
    }
    std::stable_sort(narrow.begin(), narrow.end(), [](const Candidate& a, const Candidate& b) { return a.siteScore > b.siteScore; });
    const std::size_t totalCandidates = blocksPossible + narrow.size();
    for (auto& cd : narrow)
        if (cands.size() < maxCandidates) cands.push_back(std::move(cd));
    // Each criterion over the block (or the whole area when no block fits).
    {
        std::vector<std::int32_t> slot(static_cast<std::size_t>(regions) + 1, -1);
        for (std::size_t j = 0; j < cands.size(); ++j) slot[cands[j].label] = static_cast<std::int32_t>(j);
        std::vector<std::size_t> counted(cands.size(), 0);
        for (auto& cd : cands) cd.meanValue.assign(n, 0), cd.meanScore.assign(n, 0);
        auto add = [&](Candidate& cd, std::size_t i, std::size_t j) {
            for (std::size_t k = 0; k < n; ++k)
                if (w[k] > 0) {
                    cd.meanValue[k] += value[k][i];
                    cd.meanScore[k] += c.items[k].score(value[k][i]);
                }
            ++counted[j];
        };
        for (std::size_t j = 0; j < cands.size(); ++j) {
            Candidate& cd = cands[j];
            if (cd.window < 0) continue;
            const int c0 = static_cast<int>(cd.window % g.width), r0 = static_cast<int>(cd.window / g.width);
            for (int r = r0; r < r0 + side; ++r)
                for (int cc = c0; cc < c0 + side; ++cc) add(cd, g.index(cc, r), j);
        }
        for (std::size_t i = 0; i < N; ++i)
            if (label[i] > 0 && slot[label[i]] >= 0 && cands[slot[label[i]]].window < 0) add(cands[slot[label[i]]], i, slot[label[i]]);
        for (std::size_t j = 0; j < cands.size(); ++j)
            for (std::size_t k = 0; k < n; ++k) {
                cands[j].meanValue[k] /= double(std::max<std::size_t>(1, counted[j]));
                cands[j].meanScore[k] /= double(std::max<std::size_t>(1, counted[j]));
            }
    }

    // Sensitivity: the weights perturbed (each times 1 ± spread, uniform, seeded), the listed areas
    // re-ranked by the blocks' criterion scores; how often each stays in the top k.
    const long long draws = p.integer("sensitivity");
    const std::size_t topK = static_cast<std::size_t>(p.integer("top"));
    if (draws > 0 && !cands.empty()) {
        feedback.setProgress(0.8, "敏感性分析");
        std::mt19937_64 rng(static_cast<std::uint64_t>(p.integer("seed")));
        std::uniform_real_distribution<double> u(-1.0, 1.0);
        const double spread = p.real("spread");
        std::vector<long long> inTop(cands.size(), 0);
        std::vector<double> s(cands.size());
        std::vector<std::size_t> order(cands.size());
        for (long long d = 0; d < draws; ++d) {
            std::vector<double> wd(n);
            double sum = 0;
            for (std::size_t k = 0; k < n; ++k) sum += wd[k] = w[k] * (1 + spread * u(rng));
            for (std::size_t j = 0; j < cands.size(); ++j) {
                double t = 0;
                for (std::size_t k = 0; k < n; ++k) t += wd[k] * cands[j].meanScore[k];
                s[j] = t / sum;
            }
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                if ((cands[a].window >= 0) != (cands[b].window >= 0)) return cands[a].window >= 0;
                return s[a] > s[b];
            });
            for (std::size_t r = 0; r < std::min(topK, order.size()); ++r) ++inTop[order[r]];
        }
        for (std::size_t j = 0; j < cands.size(); ++j) cands[j].topShare = double(inTop[j]) / double(draws);
    }

    // The outlines: the listed areas, and the zones of the map.
    feedback.checkCancelled();
    feedback.setProgress(0.85, "轮廓");
    std::vector<std::uint8_t> listed(static_cast<std::size_t>(regions) + 1, 0);
    for (const auto& cd : cands)
        if (cd.window < 0) listed[cd.label] = 1;
    const std::vector<Polygons> outlines = suitability::tracePolygons(g, label, regions, [&](std::int32_t l) { return listed[l] != 0; });

    const std::string mid = fmt((1 + c.minScore) / 2, 2), low = fmt(c.minScore, 2);
    std::vector<std::pair<std::string, std::string>> zoneNames;  // code, title
    std::vector<std::string> zoneReason;
    // Zone keys: 1 not scored, 2 low, 3 fair, 4 good, 5 + k an exclusion (its first reason).
    zoneNames = {{"", ""},
                 {"not_scored", "未评价（缺少数据）"},
                 {"low", "不宜（评分低于" + low + "）"},
                 {"fair", "较适宜（" + low + "～" + mid + "）"},
                 {"good", "适宜（" + mid + "以上）"}};
    zoneReason = {"", "", "", "", ""};
    for (std::size_t k = 0; k < c.excludedKinds.size() && k < kWaterBit; ++k) {
        zoneNames.push_back({"excluded_" + c.excludedKinds[k], "禁止建设：" + constraintTitle(c.excludedKinds[k])});
        zoneReason.push_back("位于" + constraintTitle(c.excludedKinds[k]) + "内");
    }
    const std::uint32_t waterKey = static_cast<std::uint32_t>(zoneNames.size());
    zoneNames.push_back({"excluded_water", "禁止建设：水域"});
    zoneReason.push_back("位于水域（现状河流、湖泊、水库、坑塘水面）内");
    const std::uint32_t slopeKey = static_cast<std::uint32_t>(zoneNames.size());
    zoneNames.push_back({"excluded_slope", "禁止建设：坡度大于" + fmt(c.maxSlope, 0) + "°"});
    zoneReason.push_back("坡度超过" + fmt(c.maxSlope, 0) + "°");
    const std::uint32_t riverKey = static_cast<std::uint32_t>(zoneNames.size());
    zoneNames.push_back({"excluded_river", "禁止建设：河流" + fmt(c.riverBuffer, 0) + "米以内"});
    zoneReason.push_back("距河流不足" + fmt(c.riverBuffer, 0) + "米");
    std::vector<std::uint32_t> zoneKey(N, 0);
    std::vector<std::size_t> zoneCells(zoneNames.size(), 0);
    std::vector<std::size_t> reasonCells(zoneNames.size(), 0);  // every reason of every cell
    const double good = (1 + c.minScore) / 2;
    for (std::size_t i = 0; i < N; ++i) {
        if (!inCounty[i]) continue;  // no zone
        std::uint32_t z;
        if (const std::uint16_t e = excluded[i]) {
            const int first = std::countr_zero(e);
            z = first == kWaterBit   ? waterKey
                : first == kSlopeBit ? slopeKey
                : first == kRiverBit ? riverKey
                                     : 5u + static_cast<std::uint32_t>(first);
            for (int b = 0; b < 16; ++b)
                if (e & (1u << b))
                    ++reasonCells[b == kWaterBit   ? waterKey
                                  : b == kSlopeBit ? slopeKey
                                  : b == kRiverBit ? riverKey
                                                   : 5u + static_cast<std::uint32_t>(b)];
        } else if (std::isnan(score[i])) {
            z = 1;
        } else {
            z = score[i] < c.minScore ? 2 : score[i] < good ? 3 : 4;
        }
        zoneKey[i] = z;
        ++zoneCells[z];
    }
    std::int32_t zoneCount = 0;
    const std::vector<std::int32_t> zoneLabel = suitability::components(g, zoneKey, zoneCount);
    std::vector<std::uint32_t> zoneOfLabel(static_cast<std::size_t>(zoneCount) + 1, 0);
    std::vector<std::size_t> zoneLabelCells(static_cast<std::size_t>(zoneCount) + 1, 0);
    for (std::size_t i = 0; i < N; ++i) {
        zoneOfLabel[zoneLabel[i]] = zoneKey[i];
        ++zoneLabelCells[zoneLabel[i]];
    }
    const std::vector<Polygons> zoneShapes = suitability::tracePolygons(g, zoneLabel, zoneCount, [](std::int32_t) { return true; });

    // The tables.
    feedback.setProgress(0.93, "结果");
    std::vector<ResultColumn> cols = {{"rank", ResultFieldType::Integer, "排序"},
                                      {"area_ha", ResultFieldType::Real, "所在连片适宜区面积（公顷）"},
                                      {"site_score", ResultFieldType::Real, "地块评分（0-1）"},
                                      {"area_score", ResultFieldType::Real, "连片适宜区平均评分（0-1）"},
                                      {"site_x", ResultFieldType::Real, "地块中心X"},
                                      {"site_y", ResultFieldType::Real, "地块中心Y"},
                                      {"site_fits", ResultFieldType::Integer, "方整地块（1是，0为狭长连片区）"}};
    for (const suitability::Criterion& q : c.items) {
        cols.push_back({"value_" + q.id, ResultFieldType::Real, q.title + (q.unit.empty() ? "" : "（" + q.unit + "）")});
        cols.push_back({"score_" + q.id, ResultFieldType::Real, q.title + "得分"});
    }
    cols.push_back({"top_share", ResultFieldType::Real, "敏感性：位列前" + std::to_string(topK) + "的比例"});
    cols.push_back({"sentence", ResultFieldType::Text, "说明"});
    ResultTableBuilder table("suitability_candidates", "安置点候选地块", ResultGeometry::MultiPolygon, cols);
    std::vector<std::string> sentences;
    for (std::size_t j = 0; j < cands.size(); ++j) {
        const Candidate& cd = cands[j];
        XY centre{NAN, NAN};
        if (cd.window >= 0) {
            const XY tl = g.centre(static_cast<std::size_t>(cd.window));
            centre = {tl.x - g.cell / 2 + sideM / 2, tl.y + g.cell / 2 - sideM / 2};
        }
        std::vector<ResultValue> row = {static_cast<long long>(j + 1),
                                        std::round(double(cd.cells) * cellArea / 100.0) / 100.0,
                                        std::round(cd.siteScore * 1000) / 1000,
                                        std::round(cd.regionScore * 1000) / 1000,
                                        cd.window >= 0 ? ResultValue(std::round(centre.x * 10) / 10) : ResultValue(),
                                        cd.window >= 0 ? ResultValue(std::round(centre.y * 10) / 10) : ResultValue(),
                                        static_cast<long long>(cd.window >= 0 ? 1 : 0)};
        std::string parts;
        for (std::size_t k = 0; k < n; ++k) {
            if (w[k] <= 0) {
                row.insert(row.end(), {ResultValue(), ResultValue()});
                continue;
            }
            const double v = cd.meanValue[k];
            row.push_back(std::isfinite(v) ? ResultValue(std::round(v * 100) / 100) : ResultValue());
            row.push_back(std::round(cd.meanScore[k] * 1000) / 1000);
            parts += (parts.empty() ? "" : "，") + c.items[k].title + (std::isfinite(v) ? fmt(v, 0) + c.items[k].unit : "不可达") + "（" +
                     fmt(cd.meanScore[k], 2) + "）";
        }
        row.push_back(std::isnan(cd.topShare) ? ResultValue() : ResultValue(std::round(cd.topShare * 1000) / 1000));
        std::string sentence = "候选地块" + std::to_string(j + 1) + "：";
        sentence += cd.window >= 0 ? fmt(sideM, 0) + "米见方，评分" + fmt(cd.siteScore, 2) + "，所在连片适宜区" +
                                         fmt(double(cd.cells) * cellArea / 10000.0, 1) + "公顷"
                                   : "连片适宜区" + fmt(double(cd.cells) * cellArea / 10000.0, 1) + "公顷，狭长，放不下" + fmt(sideM, 0) +
                                         "米见方的地块，平均评分" + fmt(cd.regionScore, 2);
        sentence += "（" + parts + "）";
        if (!std::isnan(cd.topShare))
            sentence += "；权重扰动" + std::to_string(draws) + "次中" + fmt(cd.topShare * 100, 0) + "%位列前" + std::to_string(topK);
        sentence += "。";
        sentences.push_back(sentence);
        row.push_back(sentence);
        std::vector<XY> shape;
        if (cd.window >= 0) {
            const double x0 = centre.x - sideM / 2, y0 = centre.y - sideM / 2, x1 = centre.x + sideM / 2, y1 = centre.y + sideM / 2;
            appendPolygons({Polygon{{Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}}, shape);
        } else {
            appendPolygons(outlines[cd.label], shape);
        }
        table.add(std::move(row), std::move(shape));
    }
    ResultTableBuilder zones("suitability_zones", "安置点用地适宜性分区", ResultGeometry::MultiPolygon,
                             {{"zone_code", ResultFieldType::Text, "分区代码"},
                              {"zone", ResultFieldType::Text, "分区"},
                              {"reason", ResultFieldType::Text, "禁止建设原因"},
                              {"area_ha", ResultFieldType::Real, "面积（公顷）"}});
    for (std::int32_t l = 1; l <= zoneCount; ++l) {
        const std::uint32_t z = zoneOfLabel[l];
        std::vector<XY> shape;
        appendPolygons(zoneShapes[l], shape);
        zones.add({zoneNames[z].first, zoneNames[z].second, zoneReason[z].empty() ? ResultValue() : ResultValue(zoneReason[z]),
                   std::round(double(zoneLabelCells[l]) * cellArea / 100.0) / 100.0},
                  std::move(shape));
    }

    AnalysisResult r;
    r.tables.push_back(std::move(table).build());
    r.tables[0].style = "relocation/suitability_candidates.json";
    r.tables.push_back(std::move(zones).build());
    r.tables[1].style = "relocation/suitability_zones.json";
    // The score of every cell, excluded cells without a value (a GeoPackage result's raster table).
    ResultGrid grid;
    grid.name = "suitability_score";
    grid.titleZh = "安置点用地适宜性评分";
    grid.description =
        "Weighted suitability score 0-1 of every DEM cell; no value on excluded land and where data are missing (criteria: " + c.file + ")";
    grid.width = g.width, grid.height = g.height, grid.x0 = g.x0, grid.y1 = g.y1, grid.cell = g.cell;
    grid.values = std::move(score);
    for (std::size_t i = 0; i < N; ++i)
        if (excluded[i]) grid.values[i] = NAN;
    r.grids.push_back(std::move(grid));
    if (p.flag("save-grid")) r.projectGrids.push_back("suitability_score");
    // Why each cell is excluded: a sum of bits, each reason kept (the zones show the first only).
    ResultGrid reasons;
    reasons.name = "suitability_exclusion";
    reasons.titleZh = "安置点禁止建设原因（按位求和）";
    std::string bits;
    for (std::size_t k = 0; k < c.excludedKinds.size() && k < kWaterBit; ++k)
        bits += std::to_string(1u << k) + " = " + constraintTitle(c.excludedKinds[k]) + " (" + c.excludedKinds[k] + "), ";
    bits += std::to_string(1u << kWaterBit) + " = 水域 (water), ";
    bits += std::to_string(1u << kSlopeBit) + " = 坡度大于" + fmt(c.maxSlope, 0) + "° (slope), " + std::to_string(1u << kRiverBit) +
            " = 河流" + fmt(c.riverBuffer, 0) + "米以内 (river)";
    reasons.description = "Why each cell is excluded, as a sum of bits: " + bits + "; 0 = not excluded; no value outside the county";
    reasons.width = g.width, reasons.height = g.height, reasons.x0 = g.x0, reasons.y1 = g.y1, reasons.cell = g.cell;
    reasons.values.resize(N);
    for (std::size_t i = 0; i < N; ++i) reasons.values[i] = inCounty[i] ? static_cast<float>(excluded[i]) : NAN;
    r.grids.push_back(std::move(reasons));

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string weightsJson, missingJson, excludedJson;
    for (std::size_t k = 0; k < n; ++k) {
        weightsJson += (weightsJson.empty() ? "" : ", ") + jsonQuote(c.items[k].id) + ": " + fmt(w[k] / wSum, 4);
        if (!missing[k].empty()) missingJson += (missingJson.empty() ? "" : ", ") + jsonQuote(c.items[k].id);
    }
    for (std::size_t z = 5; z < zoneNames.size(); ++z)
        excludedJson +=
            (excludedJson.empty() ? "" : ", ") + jsonQuote(zoneNames[z].first.substr(9)) + ": " + std::to_string(reasonCells[z]);
    r.summaryJson = "{\"cells\": " + std::to_string(N) + ", \"county_cells\": " + std::to_string(countyCells) +
                    ", \"county_outline\": " + (hasOutline ? "true" : "false") + ", \"cell_m\": " + fmt(g.cell, 2) +
                    ", \"excluded_cells\": " + std::to_string(excludedCells) + ", \"excluded_by\": {" + excludedJson +
                    "}, \"not_scored_cells\": " + std::to_string(unscored) + ", \"suitable_cells\": " + std::to_string(eligibleCells) +
                    ", \"min_score\": " + fmt(c.minScore, 2) + ", \"need_m2\": " + fmt(needM2, 0) +
                    ", \"need_cells\": " + std::to_string(needCells) + ", \"block_side_m\": " + fmt(sideM, 0) +
                    ", \"areas\": " + std::to_string(regions) + ", \"candidates\": " + std::to_string(totalCandidates) +
                    ", \"listed\": " + std::to_string(cands.size()) + ", \"zones\": " + std::to_string(zoneCount) +
                    ", \"weights_method\": " + jsonQuote(c.weightMethod) +
                    (c.weightMethod == "ahp" ? ", \"consistency_ratio\": " + fmt(c.cr, 4) : std::string()) + ", \"weights\": {" +
                    weightsJson + "}, \"not_judged_criteria\": [" + missingJson + "], \"sensitivity_draws\": " + std::to_string(draws) +
                    ", \"seconds\": " + fmt(seconds, 2) + "}";
    const double km2 = cellArea / 1e6;
    std::string t = "安置点用地适宜性评价：" + std::to_string(g.width) + "×" + std::to_string(g.height) + " 个" + fmt(g.cell, 0) +
                    "米栅格，" +
                    (hasOutline ? "县域内 " + std::to_string(countyCells) + " 个（" + fmt(double(countyCells) * km2, 0) + "平方公里）\n"
                                : "项目无县界，全部评价（" + fmt(double(N) * km2, 0) + "平方公里）\n");
    t += "  禁止建设 " + fmt(double(excludedCells) * km2, 1) + " 平方公里（";
    std::string by;
    for (std::size_t z = 5; z < zoneNames.size(); ++z)
        if (reasonCells[z])
            by += (by.empty() ? "" : "，") + zoneNames[z].second.substr(std::string("禁止建设：").size()) + " " +
                  fmt(double(reasonCells[z]) * km2, 1);
    t += (by.empty() ? "无" : by) + "）；适宜（评分≥" + low + "）" + fmt(double(eligibleCells) * km2, 1) + " 平方公里";
    if (unscored) t += "；缺少数据未评价 " + fmt(double(unscored) * km2, 1) + " 平方公里";
    t += "\n  安置 " + std::to_string(households) + " 户 " + fmt(people, 0) + " 人，需用地 " + fmt(needM2 / 10000.0, 2) + " 公顷（每人" +
         fmt(kFloorPerPerson, 0) + "平方米×系数" + fmt(p.real("area-factor"), 1) + "）：够用的连片适宜区 " +
         std::to_string(totalCandidates) + " 处；列出候选地块 " + std::to_string(cands.size()) + " 个（" + fmt(sideM, 0) +
         "米见方，间距不小于" + fmt(separation, 0) + "米，按评分排序）\n";
    t += "  权重（" +
         (c.weightMethod == "ahp"       ? "层次分析法，CR = " + fmt(c.cr, 3)
          : c.weightMethod == "entropy" ? std::string("熵权法（按未禁止建设的栅格）")
                                        : std::string("直接给定")) +
         "）：";
    for (std::size_t k = 0; k < n; ++k) t += (k ? "，" : "") + c.items[k].title + " " + fmt(w[k] / wSum, 3);
    t += "\n";
    for (std::size_t k = 0; k < n; ++k)
        if (!missing[k].empty()) t += "  缺少数据，未评价“" + c.items[k].title + "”：" + missing[k] + "（其余准则的权重按比例放大）\n";
    for (std::size_t j = 0; j < std::min<std::size_t>(sentences.size(), 5); ++j) t += "  - " + sentences[j] + "\n";
    r.summaryText = t;
    return r;
}

}  // namespace

std::unique_ptr<Analysis> makeSuitability() { return std::make_unique<Suitability>(); }

}  // namespace ruralatlas::relocation
