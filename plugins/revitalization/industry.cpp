// The `industry` analysis (产业项目与集体经济): the industry projects by village and township with
// their links to the villages they benefit (project_links): households benefiting (small counts
// protected), investment and jobs per person, villages with no project; the same sector repeated
// in neighbouring villages (产业雷同: pairs within a radius, drawn as lines) and a concentration
// index (HHI) of sectors per township; and the collective economy: shell villages (空壳村, no
// collective income) and those under 5万元 a year, with the rank correlation of collective income
// with the distance to the county seat and with cultivated land per person.
//
// A project's investment and jobs are shared among the villages it is linked to in proportion to
// their linked households (equally when none are given); a project with no link counts for the
// village it stands in. Closed projects (关停) count for nothing.
#include "industry.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "common.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/json.hpp"
#include "core/record_readers.hpp"
#include "core/schema.hpp"
#include "small_counts.hpp"

namespace ruralatlas::revitalization {

using namespace analysis;

std::optional<double> spearman(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    if (n < 3) return std::nullopt;
    auto ranks = [n](const std::vector<double>& x) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return x[i] < x[j]; });
        std::vector<double> r(n);
        for (std::size_t i = 0; i < n;) {
            std::size_t j = i;
            while (j + 1 < n && x[order[j + 1]] == x[order[i]]) ++j;
            const double mean = (double(i) + double(j)) / 2.0 + 1.0;
            for (std::size_t k = i; k <= j; ++k) r[order[k]] = mean;
            i = j + 1;
        }
        return r;
    };
    const auto ra = ranks(a), rb = ranks(b);
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / double(n), mb = std::accumulate(rb.begin(), rb.end(), 0.0) / double(n);
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    if (saa <= 0 || sbb <= 0) return std::nullopt;
    return sab / std::sqrt(saa * sbb);
}

double herfindahl(const std::vector<double>& counts) {
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    if (total <= 0) return 0;
    double h = 0;
    for (double c : counts) h += (c / total) * (c / total);
    return h;
}

namespace {

struct IVillage : VillageBase {
    std::optional<double> population, income;
    std::set<std::string> sectorsHere;  // active projects standing here
    long long projectsHere = 0;
    std::set<std::string> linkedProjects;
    long long linkedHouseholds = 0;
    bool anyLinkHouseholds = false;
    double investment = 0, jobs = 0;
    bool investmentKnown = false, jobsKnown = false;
    double cultivatedHa = 0;
    bool hasLand = false;
    std::optional<double> seatKm;
    std::vector<std::pair<std::size_t, std::string>> sameSector;  // neighbour, sector
};

std::string sectorTitle(const std::string& s) {
    if (auto t = codeTitle("sector", s)) return std::string(*t);
    return s;
}

std::string incomeClass(const IVillage& v) {
    if (!v.income) return "无数据";
    if (*v.income <= 0) return "空壳村";
    if (*v.income < 5) return "5万元以下";
    if (*v.income < 10) return "5万—10万元";
    return "10万元以上";
}

double polygonArea(const FeatureGeometry& g) {
    double total = 0;
    std::uint32_t part = 0, start = 0;
    for (std::uint32_t polyEnd : g.polygons) {
        for (bool outer = true; part < polyEnd; ++part, outer = false) {
            const std::uint32_t end = g.parts[part];
            double a = 0;
            for (std::uint32_t i = start; i + 1 < end; ++i) a += g.xy[2 * i] * g.xy[2 * i + 3] - g.xy[2 * i + 2] * g.xy[2 * i + 1];
            total += (outer ? 1 : -1) * std::fabs(a) / 2.0;
            start = end;
        }
    }
    return total;
}

class Industry final : public Analysis {
public:
    Industry() {
        m_spec = {
            "industry",
            "产业项目与村集体经济",
            "Industry projects, homogeneity and the collective economy by village and township",
            {{"radius", ParamType::Real, "产业雷同邻近半径（公里）", "Homogeneity radius (km)", std::string("3"), 0.1, 50}, outputParam()},
            {{"industry_villages", "村级产业与集体经济", "Industry and collective economy by village"},
             {"industry_areas", "乡镇与全县产业与集体经济", "By township and county"},
             {"industry_pairs", "相邻村产业雷同", "Neighbouring villages with the same sector"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

// Long on purpose: reading, sharing, neighbours and three tables over one village list.
AnalysisResult Industry::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    feedback.setProgress(0.05, "读取村庄与产业项目");
    std::vector<IVillage> vs;
    const auto index =
        readVillageRows<IVillage>(project, {"population", "collective_income"}, vs, [](IVillage& r, const std::vector<ResultValue>& v) {
            r.population = valueAsReal(v[0]);
            r.income = valueAsReal(v[1]);
        });
    std::map<std::string, std::string> townNames;
    for (const auto& t : project.townships()) townNames[t.code] = t.name;
    const bool hasProjects = project.layerInfo("industry_projects").has_value();
    const auto projects = hasProjects ? readIndustryProjects(project) : std::vector<IndustryProject>{};
    // Links by project.
    std::map<std::string, std::vector<std::pair<std::size_t, long long>>> links;  // project -> (village, households or -1)
    long long unknownLinks = 0;
    if (project.layerInfo("project_links")) {
        FeatureQuery q;
        q.geometry = false;
        readFields(project, "project_links", {"project_id", "village_code", "households"}, q,
                   [&](const Feature&, const std::vector<ResultValue>& v) {
                       const auto it = index.find(valueAsText(v[1]));
                       if (it == index.end()) {
                           ++unknownLinks;
                           return;
                       }
                       links[valueAsText(v[0])].push_back({it->second, valueAsInteger(v[2]).value_or(-1)});
                   });
    }
    long long active = 0, unknownVillage = 0;
    std::map<std::string, long long> sectorCountCounty;
    std::map<std::string, std::map<std::string, long long>> sectorCountTown;
    for (const IndustryProject& pr : projects) {
        if (pr.status == "closed") continue;
        ++active;
        const auto host = index.find(pr.villageCode);
        if (host != index.end()) {
            IVillage& h = vs[host->second];
            ++h.projectsHere;
            h.sectorsHere.insert(pr.sector);
            ++sectorCountTown[h.town][pr.sector];
        } else {
            ++unknownVillage;
        }
        ++sectorCountCounty[pr.sector];
        std::vector<std::pair<std::size_t, long long>> to;
        if (auto l = links.find(pr.id); l != links.end()) to = l->second;
        if (to.empty() && host != index.end()) to.push_back({host->second, -1});
        long long households = 0;
        bool allKnown = true;
        for (const auto& [v, h] : to) {
            if (h < 0) allKnown = false;
            households += std::max<long long>(h, 0);
        }
        for (const auto& [v, h] : to) {
            IVillage& r = vs[v];
            r.linkedProjects.insert(pr.id);
            if (h >= 0) {
                r.linkedHouseholds += h;
                r.anyLinkHouseholds = true;
            }
            const double share = allKnown && households > 0 ? double(h) / double(households) : 1.0 / double(to.size());
            if (pr.investment) {
                r.investment += *pr.investment * share;
                r.investmentKnown = true;
            }
            if (pr.jobs >= 0) {
                r.jobs += double(pr.jobs) * share;
                r.jobsKnown = true;
            }
        }
    }
    // Cultivated land (01xx) per village from the current land use, when the project has it.
    bool hasLand = false;
    if (project.layerInfo("landuse_plan")) {
        feedback.setProgress(0.25, "读取现状耕地");
        FeatureQuery q;
        q.where = "period = 'current' AND landuse_code LIKE '01%'";
        readFields(project, "landuse_plan", {"village_code"}, q, [&](const Feature& f, const std::vector<ResultValue>& v) {
            const auto it = index.find(valueAsText(v[0]));
            if (it == index.end() || f.geometry.kind != ShapeKind::Polygon) return;
            vs[it->second].cultivatedHa += polygonArea(f.geometry) / 10000.0;
            vs[it->second].hasLand = hasLand = true;
        });
    }
    const std::optional<XY> seat = countySeat(vs);
    if (seat)
        for (IVillage& v : vs)
            if (v.hasPoint) v.seatKm = std::hypot(v.at.x - seat->x, v.at.y - seat->y) / 1000.0;
    // Homogeneity: pairs of villages within the radius with a project of the same sector.
    feedback.setProgress(0.4, "产业雷同分析");
    const double radius = p.real("radius") * 1000.0;
    struct Pair {
        std::size_t a, b;
        std::string sector;
        double km;
    };
    std::vector<Pair> pairs;
    {
        std::unordered_map<long long, std::vector<std::size_t>> grid;
        auto key = [](long long cx, long long cy) { return cx * 2000003LL + cy; };
        for (std::size_t i = 0; i < vs.size(); ++i)
            if (vs[i].hasPoint && !vs[i].sectorsHere.empty())
                grid[key((long long)std::floor(vs[i].at.x / radius), (long long)std::floor(vs[i].at.y / radius))].push_back(i);
        for (std::size_t i = 0; i < vs.size(); ++i) {
            if (!vs[i].hasPoint || vs[i].sectorsHere.empty()) continue;
            const long long cx = (long long)std::floor(vs[i].at.x / radius), cy = (long long)std::floor(vs[i].at.y / radius);
            for (long long dx = -1; dx <= 1; ++dx)
                for (long long dy = -1; dy <= 1; ++dy)
                    if (auto it = grid.find(key(cx + dx, cy + dy)); it != grid.end())
                        for (std::size_t j : it->second) {
                            if (j <= i) continue;
                            const double d = std::hypot(vs[j].at.x - vs[i].at.x, vs[j].at.y - vs[i].at.y);
                            if (d > radius) continue;
                            for (const std::string& s : vs[i].sectorsHere)
                                if (vs[j].sectorsHere.count(s)) {
                                    pairs.push_back({i, j, s, d / 1000.0});
                                    vs[i].sameSector.push_back({j, s});
                                    vs[j].sameSector.push_back({i, s});
                                }
                        }
        }
        std::sort(pairs.begin(), pairs.end(), [&](const Pair& x, const Pair& y) {
            return std::tie(vs[x.a].code, vs[x.b].code, x.sector) < std::tie(vs[y.a].code, vs[y.b].code, y.sector);
        });
    }

    // Households benefiting: protected like every household count.
    SmallCounts sc(kMinHouseholdsShown);
    std::vector<std::optional<std::size_t>> hhCell(vs.size());
    std::map<std::string, std::vector<std::size_t>> byTown;
    for (std::size_t i = 0; i < vs.size(); ++i) {
        byTown[vs[i].town].push_back(i);
        if (vs[i].anyLinkHouseholds) hhCell[i] = sc.cell(vs[i].linkedHouseholds);
    }
    std::map<std::string, std::optional<std::size_t>> townCell;
    std::vector<std::size_t> townCells;
    for (const auto& [t, list] : byTown) {
        std::vector<std::size_t> children;
        long long sum = 0;
        for (std::size_t i : list)
            if (hhCell[i]) children.push_back(*hhCell[i]), sum += vs[i].linkedHouseholds;
        if (children.empty()) continue;
        const std::size_t c = sc.cell(sum);
        sc.equation(c, children);
        townCell[t] = c;
        townCells.push_back(c);
    }
    std::optional<std::size_t> countyCell;
    if (!townCells.empty()) {
        long long sum = 0;
        for (std::size_t c : townCells) sum += sc.value(c);
        countyCell = sc.cell(sum);
        sc.equation(*countyCell, townCells);
    }
    sc.protect();
    auto hh = [&](std::optional<std::size_t> c) -> ResultValue {
        if (!c) return {};
        if (auto v = sc.shown(*c)) return *v;
        return {};
    };
    auto round2 = [](double x) { return std::round(x * 100.0) / 100.0; };

    // Villages.
    ResultTableBuilder vt("industry_villages", "村级产业与集体经济", ResultGeometry::Point,
                          {{"village_code", ResultFieldType::Text, "村代码"},
                           {"village_name", ResultFieldType::Text, "村名"},
                           {"township_code", ResultFieldType::Text, "乡镇代码"},
                           {"status", ResultFieldType::Text, "村类别"},
                           {"projects_here", ResultFieldType::Integer, "本村项目数"},
                           {"sectors_here", ResultFieldType::Text, "本村项目产业"},
                           {"projects_linked", ResultFieldType::Integer, "联农带农项目数"},
                           {"households_benefiting", ResultFieldType::Integer, "受益户数"},
                           {"investment", ResultFieldType::Real, "受益投资（万元）", "0.00"},
                           {"investment_per_person", ResultFieldType::Real, "人均受益投资（元）", "0"},
                           {"jobs", ResultFieldType::Real, "带动就业（人）", "0.0"},
                           {"jobs_per_100", ResultFieldType::Real, "每百人带动就业", "0.00"},
                           {"no_project", ResultFieldType::Integer, "无联农带农项目"},
                           {"collective_income", ResultFieldType::Real, "村集体经营性收入（万元）", "0.0"},
                           {"income_class", ResultFieldType::Text, "集体经济分档"},
                           {"seat_km", ResultFieldType::Real, "距县城（公里）", "0.0"},
                           {"cultivated_mu_per_person", ResultFieldType::Real, "人均耕地（亩）", "0.00"},
                           {"same_sector_neighbours", ResultFieldType::Integer, "周边同产业村数"},
                           {"homogeneity", ResultFieldType::Text, "产业雷同"}});
    for (std::size_t i = 0; i < vs.size(); ++i) {
        const IVillage& v = vs[i];
        std::string sectors;
        for (const std::string& s : v.sectorsHere) sectors += (sectors.empty() ? "" : "、") + sectorTitle(s);
        const bool pop = v.population && *v.population > 0;
        std::string homog;
        std::set<std::size_t> nb;
        std::map<std::string, std::vector<std::string>> bySector;
        for (const auto& [j, s] : v.sameSector) {
            nb.insert(j);
            bySector[s].push_back(vs[j].name);
        }
        for (const auto& [s, names] : bySector) {
            std::string list;
            for (std::size_t k = 0; k < names.size() && k < 5; ++k) list += (k ? "、" : "") + names[k];
            homog += (homog.empty() ? "" : "；") + std::string("与周边") + fmt(radius / 1000.0, 1) + "公里内" +
                     std::to_string(names.size()) + "个村同为" + sectorTitle(s) + "项目（" + list + (names.size() > 5 ? "等" : "") + "）";
        }
        std::vector<ResultValue> row = {
            v.code,
            v.name,
            v.town,
            v.status.empty() ? ResultValue() : ResultValue(v.status),
            v.projectsHere,
            sectors.empty() ? ResultValue() : ResultValue(sectors),
            (long long)v.linkedProjects.size(),
            hh(hhCell[i]),
            v.investmentKnown ? ResultValue(round2(v.investment)) : ResultValue(),
            v.investmentKnown && pop ? ResultValue(std::round(v.investment * 10000.0 / *v.population)) : ResultValue(),
            v.jobsKnown ? ResultValue(std::round(v.jobs * 10.0) / 10.0) : ResultValue(),
            v.jobsKnown && pop ? ResultValue(round2(v.jobs * 100.0 / *v.population)) : ResultValue(),
            hasProjects ? ResultValue((long long)(v.linkedProjects.empty() ? 1 : 0)) : ResultValue(),
            v.income ? ResultValue(*v.income) : ResultValue(),
            incomeClass(v),
            v.seatKm ? ResultValue(std::round(*v.seatKm * 10.0) / 10.0) : ResultValue(),
            v.hasLand && pop ? ResultValue(round2(v.cultivatedHa * 15.0 / *v.population)) : ResultValue(),
            (long long)nb.size(),
            homog.empty() ? ResultValue() : ResultValue(homog)};
        std::vector<XY> shape;
        if (v.hasPoint) shape.push_back(v.at);
        vt.add(std::move(row), std::move(shape));
    }

    // Areas.
    ResultTableBuilder at("industry_areas", "乡镇与全县产业与集体经济", ResultGeometry::None,
                          {{"level", ResultFieldType::Text, "层级"},
                           {"code", ResultFieldType::Text, "代码"},
                           {"name", ResultFieldType::Text, "名称"},
                           {"villages", ResultFieldType::Integer, "村数"},
                           {"projects", ResultFieldType::Integer, "项目数（不含关停）"},
                           {"sectors", ResultFieldType::Integer, "产业类型数"},
                           {"main_sector", ResultFieldType::Text, "主导产业"},
                           {"main_sector_share", ResultFieldType::Real, "主导产业项目占比（%）", "0.0"},
                           {"hhi", ResultFieldType::Real, "产业集中度（HHI）", "0.000"},
                           {"villages_without_project", ResultFieldType::Integer, "无联农带农项目的村"},
                           {"households_benefiting", ResultFieldType::Integer, "受益户数"},
                           {"investment_per_person", ResultFieldType::Real, "人均受益投资（元）", "0"},
                           {"jobs_per_100", ResultFieldType::Real, "每百人带动就业", "0.00"},
                           {"same_sector_pairs", ResultFieldType::Integer, "相邻同产业村对"},
                           {"shell_villages", ResultFieldType::Integer, "空壳村"},
                           {"under_5", ResultFieldType::Integer, "集体收入5万元以下的村（含空壳村）"},
                           {"income_unknown", ResultFieldType::Integer, "集体收入无数据的村"},
                           {"finding", ResultFieldType::Text, "研判"}});
    std::map<std::string, long long> pairsByTown;
    for (const Pair& pr : pairs) {
        ++pairsByTown[vs[pr.a].town];
        if (vs[pr.b].town != vs[pr.a].town) ++pairsByTown[vs[pr.b].town];
    }
    std::string summary;
    auto addArea = [&](const std::string& level, const std::string& code, const std::string& name, const std::vector<std::size_t>& list,
                       const std::map<std::string, long long>& sectorCounts, std::optional<std::size_t> cell, long long pairCount) {
        long long projectsN = 0, without = 0, shell = 0, under5 = 0, unknown = 0;
        double inv = 0, jobs = 0, popInv = 0, popJobs = 0;
        for (std::size_t i : list) {
            const IVillage& v = vs[i];
            if (v.linkedProjects.empty()) ++without;
            if (!v.income)
                ++unknown;
            else if (*v.income <= 0)
                ++shell, ++under5;
            else if (*v.income < 5)
                ++under5;
            if (v.population && *v.population > 0) {
                if (v.investmentKnown || hasProjects) inv += v.investment, popInv += *v.population;
                if (v.jobsKnown || hasProjects) jobs += v.jobs, popJobs += *v.population;
            }
        }
        std::vector<double> counts;
        std::string main;
        long long mainN = 0;
        for (const auto& [s, n] : sectorCounts) {
            counts.push_back(double(n));
            projectsN += n;
            if (n > mainN) mainN = n, main = s;
        }
        const double h = herfindahl(counts);
        const double share = projectsN ? 100.0 * double(mainN) / double(projectsN) : 0.0;
        std::string finding;
        if (projectsN >= 3 && share >= 40.0)
            finding = sectorTitle(main) + "项目占" + fmt(share, 0) + "%（HHI " + fmt(h, 2) + "），产业集中度高，注意同质化风险";
        if (pairCount > 0) finding += std::string(finding.empty() ? "" : "；") + std::to_string(pairCount) + "对相邻村重复建设同类产业项目";
        if (shell > 0) finding += std::string(finding.empty() ? "" : "；") + "空壳村" + std::to_string(shell) + "个";
        if (hasProjects && without > 0)
            finding += std::string(finding.empty() ? "" : "；") + std::to_string(without) + "个村无联农带农项目";
        at.add({level, code, name, (long long)list.size(), projectsN, (long long)counts.size(),
                main.empty() ? ResultValue() : ResultValue(sectorTitle(main)),
                projectsN ? ResultValue(std::round(share * 10) / 10) : ResultValue(),
                projectsN ? ResultValue(std::round(h * 1000) / 1000) : ResultValue(), hasProjects ? ResultValue(without) : ResultValue(),
                hh(cell), popInv > 0 && hasProjects ? ResultValue(std::round(inv * 10000.0 / popInv)) : ResultValue(),
                popJobs > 0 && hasProjects ? ResultValue(round2(jobs * 100.0 / popJobs)) : ResultValue(), pairCount, shell, under5, unknown,
                finding.empty() ? ResultValue() : ResultValue(finding)});
        if (level == "county") {
            summary = "产业项目与村集体经济：" + name + "，" + std::to_string(list.size()) + "个村，在建与建成项目 " +
                      std::to_string(projectsN) + " 个（" + std::to_string(counts.size()) + "类产业";
            if (!main.empty()) summary += "，" + sectorTitle(main) + "最多，占" + fmt(share, 0) + "%";
            summary += "）\n  无联农带农项目的村 " + std::to_string(without) + " 个；相邻村同产业 " + std::to_string(pairs.size()) +
                       " 对（" + fmt(radius / 1000.0, 1) + " 公里内）\n  空壳村 " + std::to_string(shell) + " 个（" +
                       fmt(100.0 * double(shell) / double(std::max<std::size_t>(1, list.size() - std::size_t(unknown))), 1) +
                       "%），集体收入5万元以下 " + std::to_string(under5) + " 个（" +
                       fmt(100.0 * double(under5) / double(std::max<std::size_t>(1, list.size() - std::size_t(unknown))), 1) + "%）" +
                       (unknown ? "，" + std::to_string(unknown) + " 个村无数据" : std::string()) + "\n";
        }
    };
    for (const auto& [t, list] : byTown) {
        const auto n = townNames.find(t);
        auto sc2 = sectorCountTown.find(t);
        addArea("township", t, n == townNames.end() ? t : n->second, list,
                sc2 == sectorCountTown.end() ? std::map<std::string, long long>{} : sc2->second,
                townCell.count(t) ? townCell[t] : std::nullopt, pairsByTown[t]);
    }
    std::vector<std::size_t> all(vs.size());
    std::iota(all.begin(), all.end(), 0);
    addArea("county", project.meta("county_code"), project.meta("county_name"), all, sectorCountCounty, countyCell,
            (long long)pairs.size());

    // Collective income against distance to the seat and land per person (rank correlations).
    std::vector<double> incD, dist, incL, land;
    for (const IVillage& v : vs) {
        if (!v.income) continue;
        if (v.seatKm) incD.push_back(*v.income), dist.push_back(*v.seatKm);
        if (v.hasLand && v.population && *v.population > 0) incL.push_back(*v.income), land.push_back(v.cultivatedHa / *v.population);
    }
    const auto rDist = spearman(incD, dist), rLand = spearman(incL, land);
    summary += "  集体收入与距县城距离的秩相关系数：" +
               (rDist ? fmt(*rDist, 2) + "（" + std::to_string(incD.size()) + "个村）"
                      : std::string(seat ? "样本不足" : "无法计算：村庄图层没有城区（城乡分类代码111/112）的村")) +
               "\n  集体收入与人均耕地的秩相关系数：" +
               (rLand ? fmt(*rLand, 2) + "（" + std::to_string(incL.size()) + "个村）"
                      : std::string(hasLand ? "样本不足" : "无法计算：项目没有现状用地（landuse_plan）")) +
               "\n";
    if (!hasProjects) summary += "  项目没有产业项目图层（industry_projects）\n";
    if (unknownVillage) summary += "  " + std::to_string(unknownVillage) + " 个项目的所在村代码不在村庄图层中\n";
    if (unknownLinks) summary += "  联农带农表中 " + std::to_string(unknownLinks) + " 行的村代码不在村庄图层中，未计入\n";

    ResultTableBuilder pt("industry_pairs", "相邻村产业雷同", ResultGeometry::LineString,
                          {{"village_a", ResultFieldType::Text, "村代码甲"},
                           {"name_a", ResultFieldType::Text, "村名甲"},
                           {"village_b", ResultFieldType::Text, "村代码乙"},
                           {"name_b", ResultFieldType::Text, "村名乙"},
                           {"sector", ResultFieldType::Text, "产业"},
                           {"sector_title", ResultFieldType::Text, "产业名称"},
                           {"distance_km", ResultFieldType::Real, "距离（公里）", "0.00"}});
    for (const Pair& pr : pairs)
        pt.add({vs[pr.a].code, vs[pr.a].name, vs[pr.b].code, vs[pr.b].name, pr.sector, sectorTitle(pr.sector), round2(pr.km)},
               {vs[pr.a].at, vs[pr.b].at});

    AnalysisResult res;
    res.tables.push_back(std::move(vt).build());
    res.tables.back().style = "revitalization/industry.json";
    res.tables.push_back(std::move(at).build());
    res.tables.push_back(std::move(pt).build());
    res.tables.back().style = "revitalization/industry.json";
    res.summaryText = summary;
    auto optJson = [](std::optional<double> x) { return x ? fmt(*x, 4) : std::string("null"); };
    res.summaryJson = "{\"villages\": " + std::to_string(vs.size()) + ", \"projects\": " + std::to_string(active) +
                      ", \"same_sector_pairs\": " + std::to_string(pairs.size()) + ", \"spearman_income_distance\": " + optJson(rDist) +
                      ", \"spearman_income_land\": " + optJson(rLand) + ", \"radius_km\": " + fmt(radius / 1000.0, 3) + "}";
    feedback.setProgress(1.0, "完成");
    return res;
}

}  // namespace

std::unique_ptr<Analysis> makeIndustry() { return std::make_unique<Industry>(); }

}  // namespace ruralatlas::revitalization
