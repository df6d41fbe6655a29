#include "io/demo/generate.hpp"

#include <geos_c.h>

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <set>
#include <thread>

#include "io/demo/names.hpp"
#include "io/demo/plans.hpp"
#include "io/demo/shapes.hpp"

namespace ruralatlas::demo {

namespace {
std::string pad(long long v, int width) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*lld", width, v);
    return buf;
}

const std::vector<std::string> kSectors = {"photovoltaic", "edible_fungi", "tea",         "fruit",   "nuts",      "herbs",    "livestock",
                                           "poultry",      "beekeeping",   "aquaculture", "tourism", "ecommerce", "workshop", "processing"};
const std::vector<double> kSectorWeights = {8, 10, 12, 12, 4, 8, 10, 6, 4, 3, 8, 4, 10, 6};
const std::vector<std::string> kSectorZh = {"光伏电站",   "食用菌基地", "茶叶基地",   "精品水果基地", "坚果基地",
                                            "中药材基地", "生态养殖场", "家禽养殖场", "中蜂养殖",     "稻渔综合种养",
                                            "乡村旅游",   "电商服务站", "扶贫车间",   "农产品加工厂"};
const std::vector<std::string> kCauses = {"illness",     "disability",   "education", "lack_labor",
                                          "lack_skills", "lack_capital", "disaster",  "other"};
const std::vector<double> kCauseWeights = {35, 15, 10, 12, 10, 8, 5, 5};
}  // namespace

// Long on purpose: the demo county's recipe (seats, villages, roads, facilities, sites, projects,
// plans, zones, households), each step drawing from one random stream in this order, which fixes
// the county every seed gives (the golden outputs are recorded on seed 1). Splitting it into steps
// over a shared state is possible without reordering the draws; not done yet.
void populateCounty(County& c, const Dem& dem, std::uint64_t seed, int nVillages, int parcelsPerVillage) {
    Rng rng(mix(seed, 5000 + c.index));
    Geos geos;

    // River vertices: where valleys are, and distance to water.
    std::vector<Pt> riverPts;
    std::vector<double> riverWeight;
    for (const auto& r : c.rivers)
        for (const auto& p : r.line) {
            riverPts.push_back(p);
            riverWeight.push_back(r.cls == "river" ? 3.0 : 1.0);
        }
    PointTree riverTree;
    {
        std::vector<Indexed> items;
        for (std::size_t i = 0; i < riverPts.size(); ++i) items.emplace_back(BPoint(riverPts[i].x, riverPts[i].y), i);
        riverTree = PointTree(items.begin(), items.end());
    }
    auto riverDistance = [&](Pt p) {
        std::vector<Indexed> hit;
        riverTree.query(bgi::nearest(BPoint(p.x, p.y), 1), std::back_inserter(hit));
        return hit.empty() ? 1e9 : dist(p, riverPts[hit[0].second]);
    };

    // Township seats: the county seat, then farthest-point sampling along the rivers.
    const int nTownships = std::max(3, static_cast<int>(std::lround(nVillages / 13.0)));
    std::vector<Pt> seats{c.seatHint};
    std::vector<double> nearestSeat(riverPts.size());
    for (std::size_t i = 0; i < riverPts.size(); ++i) nearestSeat[i] = dist(riverPts[i], c.seatHint);
    while (static_cast<int>(seats.size()) < nTownships) {
        std::size_t best = 0;
        double bestScore = -1;
        for (std::size_t i = 0; i < riverPts.size(); ++i) {
            const double score = nearestSeat[i] * rng.uniform(0.8, 1.0);
            if (score > bestScore && c.inside(riverPts[i], 0.92)) {
                bestScore = score;
                best = i;
            }
        }
        // Few rivers in a small county: fall back on random points inside.
        Pt s = riverPts[best];
        if (bestScore < 2000) {
            do {
                s = {c.centre.x + rng.uniform(-1, 1) * c.radius, c.centre.y + rng.uniform(-1, 1) * c.radius};
            } while (!c.inside(s, 0.85));
        }
        seats.push_back(s);
        for (std::size_t i = 0; i < riverPts.size(); ++i) nearestSeat[i] = std::min(nearestSeat[i], dist(riverPts[i], s));
    }
    PointTree seatTree;
    {
        std::vector<Indexed> items;
        for (std::size_t i = 0; i < seats.size(); ++i) items.emplace_back(BPoint(seats[i].x, seats[i].y), i);
        seatTree = PointTree(items.begin(), items.end());
    }
    auto nearestSeatIndex = [&](Pt p) {
        std::vector<Indexed> hit;
        seatTree.query(bgi::nearest(BPoint(p.x, p.y), 1), std::back_inserter(hit));
        return static_cast<int>(hit[0].second);
    };

    // Township codes and names: towns (镇) 1xx, townships (乡) 2xx; the county seat is a town.
    std::set<std::string> usedStems;
    int nextTown = 100, nextXiang = 200;
    for (std::size_t i = 0; i < seats.size(); ++i) {
        Township t;
        t.seat = seats[i];
        t.isTown = i == 0 || rng.chance(0.6);
        std::string stem;
        do stem = townshipStem(rng);
        while (!usedStems.insert(stem).second && usedStems.size() < 380);
        t.name = stem + (t.isTown ? "镇" : "乡");
        t.code = c.code + pad(t.isTown ? nextTown++ : nextXiang++, 3);
        c.townships.push_back(std::move(t));
    }
    // Township areas: Voronoi cells of the seats clipped to the county.
    GEOSGeometry* countyPoly = geos.ring(c.outline);
    {
        std::vector<GEOSGeometry*> pts;
        for (const auto& s : seats) pts.push_back(geos.point(s));
        GEOSGeometry* mp = GEOSGeom_createCollection_r(geos.h, GEOS_MULTIPOINT, pts.data(), static_cast<unsigned>(pts.size()));
        GEOSGeometry* cells = GEOSVoronoiDiagram_r(geos.h, mp, countyPoly, 0.0, 0);
        const int nCells = GEOSGetNumGeometries_r(geos.h, cells);
        for (int k = 0; k < nCells; ++k) {
            const GEOSGeometry* cell = GEOSGetGeometryN_r(geos.h, cells, k);
            for (std::size_t i = 0; i < seats.size(); ++i) {
                GEOSGeometry* p = geos.point(seats[i]);
                const bool has = GEOSContains_r(geos.h, cell, p) == 1;
                GEOSGeom_destroy_r(geos.h, p);
                if (has) {
                    c.townships[i].area = geos.toOgrMulti(GEOSIntersection_r(geos.h, cell, countyPoly));
                    break;
                }
            }
        }
        GEOSGeom_destroy_r(geos.h, cells);
        GEOSGeom_destroy_r(geos.h, mp);
    }
    c.boundary = geos.toOgrMulti(GEOSGeom_clone_r(geos.h, countyPoly));

    // Villages: one at every seat, most along the valleys, some high on the slopes.
    PointTree villageTree;
    std::vector<Pt> placed;
    auto farEnough = [&](Pt p, double spacing) {
        std::vector<Indexed> hit;
        villageTree.query(bgi::nearest(BPoint(p.x, p.y), 1), std::back_inserter(hit));
        return hit.empty() || dist(p, placed[hit[0].second]) >= spacing;
    };
    auto place = [&](Pt p) {
        villageTree.insert({BPoint(p.x, p.y), placed.size()});
        placed.push_back(p);
    };
    std::vector<bool> isSeat;
    for (const auto& s : seats) {
        place({s.x + rng.uniform(-120, 120), s.y + rng.uniform(-120, 120)});
        isSeat.push_back(true);
    }
    // Communities of the county seat (城区社区).
    const int communities = std::min(3, std::max(0, nVillages / 100));
    for (int k = 0; k < communities; ++k) {
        const double a = rng.uniform(0, 2 * kPi);
        place({seats[0].x + 900 * std::cos(a), seats[0].y + 900 * std::sin(a)});
        isSeat.push_back(false);
    }
    const double valleySpacing = 900, mountainSpacing = 1300;
    int guard = 0;
    while (static_cast<int>(placed.size()) < nVillages && guard++ < nVillages * 400) {
        Pt p;
        const bool valley = rng.chance(0.68);
        if (valley) {
            const Pt r = riverPts[rng.weighted(riverWeight)];
            const double a = rng.uniform(0, 2 * kPi), off = rng.uniform(150, 900);
            p = {r.x + off * std::cos(a), r.y + off * std::sin(a)};
        } else {
            p = {c.centre.x + rng.uniform(-1, 1) * c.radius * 1.3, c.centre.y + rng.uniform(-1, 1) * c.radius * 1.3};
            if (riverDistance(p) < 1500) continue;
        }
        if (!c.inside(p, 0.97)) continue;
        if (!farEnough(p, valley ? valleySpacing : mountainSpacing)) continue;
        place(p);
        isSeat.push_back(false);
    }
    // If the county is too small for the spacing, relax it.
    while (static_cast<int>(placed.size()) < nVillages) {
        Pt p{c.centre.x + rng.uniform(-1, 1) * c.radius, c.centre.y + rng.uniform(-1, 1) * c.radius};
        if (!c.inside(p, 0.97) || !farEnough(p, 300)) continue;
        place(p);
        isSeat.push_back(false);
    }

    // Codes, names and attributes.
    std::vector<int> communityNo(seats.size(), 0), villageNo(seats.size(), 200);
    std::vector<std::set<std::string>> namesUsed(seats.size());
    for (std::size_t i = 0; i < placed.size(); ++i) {
        Village v;
        v.at = placed[i];
        v.township = nearestSeatIndex(v.at);
        const Township& t = c.townships[static_cast<std::size_t>(v.township)];
        v.townshipCode = t.code;
        v.seat = isSeat[i];
        v.elevation = dem.at(v.at.x, v.at.y);
        v.riverDistance = riverDistance(v.at);
        const double seatDistance = dist(v.at, t.seat);
        const bool countySeatArea = v.township == 0 && dist(v.at, seats[0]) < 1500;
        std::string stem;
        int tries = 0;
        do stem = villageStem(rng);
        while (!namesUsed[static_cast<std::size_t>(v.township)].insert(stem).second && ++tries < 200);
        if (v.seat || countySeatArea) {
            v.code = t.code + pad(++communityNo[static_cast<std::size_t>(v.township)], 3);
            v.name = stem + "社区";
            v.classCode = v.township == 0 ? (v.seat ? "111" : "112") : (t.isTown ? "121" : "210");
        } else {
            v.code = t.code + pad(++villageNo[static_cast<std::size_t>(v.township)], 3);
            v.name = stem + "村";
            v.classCode = seatDistance < 2000 ? "122" : "220";
        }
        v.terrain =
            v.riverDistance > 1500 || v.elevation > 800 ? "mountain" : (v.riverDistance > 500 || v.elevation > 450 ? "hill" : "plain");
        const bool mountain = v.terrain == "mountain";
        v.population = std::max<long long>(180, std::llround(std::exp(rng.normal() * 0.45 + (mountain ? 6.9 : 7.35))));
        if (v.seat) v.population *= 2;
        v.households = std::max<long long>(40, std::llround(v.population / rng.uniform(3.0, 3.8)));
        const double poorP = mountain ? 0.55 : 0.25;
        v.status = rng.chance(poorP) ? "former_poor" : (rng.chance(0.08) ? "key_assisted" : "ordinary");
        if (v.classCode == "111" || v.classCode == "112") v.status = "ordinary";
        v.poorHouseholds = std::llround(v.households * (v.status == "former_poor" ? rng.uniform(0.15, 0.32) : rng.uniform(0.02, 0.10)));
        // Monitored households concentrate where the land is poor: mountain villages about three
        // times the plain's share (the clusters the risk analysis must find).
        v.monitoredHouseholds = std::llround(v.households * rng.uniform(0.0, 0.03) * (mountain ? 1.9 : v.terrain == "hill" ? 1.0 : 0.6));
        // Collective income (万元/年) as surveys after the campaign find it: about 8 % of villages
        // with none (空壳村), a quarter under 5万元, the rest up to 30 (mountain) or 90.
        const double u = rng.uniform(0, 1);
        v.collectiveIncome = std::round((u < 0.08   ? 0.0
                                         : u < 0.33 ? 5.0 * (u - 0.08) / 0.25
                                                    : 5.0 + (u - 0.33) / 0.67 * (mountain ? 25.0 : 85.0)) *
                                        10) /
                             10;
        v.hasVillagePlan = rng.chance(0.82) ? 1 : 0;
        v.tapWaterRate = std::round(std::min(1.0, rng.uniform(mountain ? 0.55 : 0.8, 1.05)) * 100) / 100;
        v.sanitaryToiletRate = std::round(std::min(1.0, rng.uniform(mountain ? 0.5 : 0.72, 1.02)) * 100) / 100;
        if (v.classCode[0] == '1')
            v.planType = seatDistance < 3000 ? "suburban_integration" : "agglomerate_upgrade";
        else if (mountain && v.population < 700)
            v.planType = "relocate_merge";
        else if (rng.chance(0.08))
            v.planType = "characteristic_protection";
        else if (rng.chance(0.1))
            v.planType = "undetermined";
        else
            v.planType = "agglomerate_upgrade";
        c.villages.push_back(std::move(v));
    }

    // Roads: a provincial road through the county seat, a county road up the main valley,
    // township roads to every seat and village roads to every village, each ending on a vertex
    // of the network it joins, so the network is connected by construction.
    std::vector<Pt> roadPts;
    PointTree roadTree;
    auto addRoad = [&](Line line, const std::string& cls, const std::string& surface, double speed, const std::string& name) {
        for (const auto& p : line) {
            roadTree.insert({BPoint(p.x, p.y), roadPts.size()});
            roadPts.push_back(p);
        }
        c.roads.push_back({std::move(line), cls, surface, name, speed});
    };
    auto nearestRoad = [&](Pt p) {
        std::vector<Indexed> hit;
        roadTree.query(bgi::nearest(BPoint(p.x, p.y), 1), std::back_inserter(hit));
        return roadPts[hit[0].second];
    };
    const double roadStep = 250;
    {
        const double a = rng.uniform(0, kPi);
        const double r1 = c.outlineRadius(a) * 0.98, r2 = c.outlineRadius(a + kPi) * 0.98;
        const Pt e1{c.centre.x + r1 * std::cos(a), c.centre.y + r1 * std::sin(a)};
        const Pt e2{c.centre.x + r2 * std::cos(a + kPi), c.centre.y + r2 * std::sin(a + kPi)};
        Line s = meander(rng, e1, seats[0], roadStep, 0.06);
        Line s2 = meander(rng, seats[0], e2, roadStep, 0.06);
        s.insert(s.end(), s2.begin() + 1, s2.end());
        addRoad(std::move(s), "provincial", "hardened", 60, "S" + pad(200 + c.index % 800, 3));
    }
    {
        const Line& main = c.rivers[0].line;
        Line road;
        for (std::size_t i = 0; i < main.size(); i += 1) {
            const std::size_t a = i == 0 ? 0 : i - 1, b = std::min(main.size() - 1, i + 1);
            const double h = std::atan2(main[b].y - main[a].y, main[b].x - main[a].x);
            road.push_back({main[i].x - 160 * std::sin(h), main[i].y + 160 * std::cos(h)});
        }
        // Joined to the provincial road at the vertex nearest to the county seat.
        std::size_t k = 0;
        for (std::size_t i = 0; i < road.size(); ++i)
            if (dist(road[i], seats[0]) < dist(road[k], seats[0])) k = i;
        const Pt join = nearestRoad(road[k]);
        road[k] = join;
        if (road.size() >= 2) addRoad(std::move(road), "county", "hardened", 40, "X" + pad(1 + c.index % 999, 3));
    }
    std::vector<std::size_t> order(seats.size() - 1);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i + 1;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return dist(seats[a], seats[0]) < dist(seats[b], seats[0]); });
    int yNo = 1;
    for (std::size_t i : order) {
        const Pt to = nearestRoad(seats[i]);
        if (dist(to, seats[i]) < 1) continue;
        addRoad(meander(rng, seats[i], to, roadStep, 0.12), "township", "hardened", 30, "Y" + pad(yNo++, 3));
    }
    std::vector<std::size_t> vOrder(c.villages.size());
    for (std::size_t i = 0; i < vOrder.size(); ++i) vOrder[i] = i;
    std::sort(vOrder.begin(), vOrder.end(),
              [&](std::size_t a, std::size_t b) { return dist(c.villages[a].at, seats[0]) < dist(c.villages[b].at, seats[0]); });
    int cNo = 1;
    for (std::size_t i : vOrder) {
        Village& v = c.villages[i];
        const Pt to = nearestRoad(v.at);
        const double len = dist(to, v.at);
        if (len < 5) continue;
        const bool remote = v.terrain == "mountain" && len > 1800 && !v.seat;
        if (remote && rng.chance(0.45)) {
            addRoad(meander(rng, v.at, to, roadStep, 0.2), "track", "earth", 10, "");
            v.hardenedRoad = 0;
        } else {
            const bool gravel = v.terrain == "mountain" && rng.chance(0.12);
            addRoad(meander(rng, v.at, to, roadStep, 0.15), "village", gravel ? "gravel" : "hardened", gravel ? 15 : 25,
                    "C" + pad(cNo++, 3));
            v.hardenedRoad = gravel ? 0 : 1;
        }
    }

    // Facilities, with the gaps a real county has.
    // A point within r of p, inside the county (features near the border stay in it).
    auto near = [&](Pt p, double r) {
        for (int tries = 0; tries < 12; ++tries) {
            const double a = rng.uniform(0, 2 * kPi), d = rng.uniform(r * 0.2, r);
            const Pt q{p.x + d * std::cos(a), p.y + d * std::sin(a)};
            if (c.inside(q, 0.995)) return q;
        }
        return p;
    };
    auto stem = [](const std::string& name) {
        for (const char* suffix : {"社区", "村"}) {
            const std::string s(suffix);
            if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0)
                return name.substr(0, name.size() - s.size());
        }
        return name;
    };
    auto add = [&](const std::string& kind, const std::string& name, Pt at, const std::string& villageCode, long long capacity,
                   const std::string& status = "existing") {
        c.facilities.push_back({kind, name, status, villageCode, at, capacity});
    };
    std::vector<int> seatVillage(seats.size(), -1);
    for (std::size_t i = 0; i < c.villages.size(); ++i)
        if (c.villages[i].seat && seatVillage[static_cast<std::size_t>(c.villages[i].township)] < 0)
            seatVillage[static_cast<std::size_t>(c.villages[i].township)] = static_cast<int>(i);
    for (std::size_t t = 0; t < seats.size(); ++t) {
        if (seatVillage[t] >= 0) continue;  // two seats so close that one's village went to the other
        std::vector<Indexed> hit;
        villageTree.query(bgi::nearest(BPoint(seats[t].x, seats[t].y), 1), std::back_inserter(hit));
        seatVillage[t] = static_cast<int>(hit[0].second);
    }
    add("county_hospital", c.name + "人民医院", near(seats[0], 400), c.villages[static_cast<std::size_t>(seatVillage[0])].code, 450);
    add("middle_school", c.name + "第一中学", near(seats[0], 600), c.villages[static_cast<std::size_t>(seatVillage[0])].code, 2400);
    for (std::size_t t = 0; t < c.townships.size(); ++t) {
        const Township& ts = c.townships[t];
        const Village& sv = c.villages[static_cast<std::size_t>(seatVillage[t])];
        add("township_health_center", ts.name + "卫生院", near(ts.seat, 300), sv.code, rng.integer(20, 60));
        add("middle_school", ts.name + "中学", near(ts.seat, 500), sv.code, rng.integer(300, 1200));
        add("primary_school", ts.name + "中心小学", near(ts.seat, 400), sv.code, rng.integer(300, 900));
        add("kindergarten", ts.name + "中心幼儿园", near(ts.seat, 300), sv.code, rng.integer(90, 300));
        add("market", ts.name + "集贸市场", near(ts.seat, 250), sv.code, 0);
        add("elderly_care", ts.name + "敬老院", near(ts.seat, 500), sv.code, rng.integer(20, 80));
        add("waste_station", ts.name + "垃圾转运站", near(ts.seat, 800), sv.code, 0);
        add("water_works", ts.name + "集中供水厂", near(ts.seat, 700), sv.code, rng.integer(2000, 12000));
    }
    for (const Village& v : c.villages) {
        const std::string s = stem(v.name);
        const bool mountain = v.terrain == "mountain";
        // About one village in eight has no clinic (smaller and remote villages more often).
        if (!rng.chance(mountain && v.population < 900 ? 0.30 : 0.06))
            add("village_clinic", s + "村卫生室", near(v.at, 150), v.code, rng.integer(1, 3), rng.chance(0.03) ? "planned" : "existing");
        if (!v.seat && v.population > 1300 && !mountain && rng.chance(0.55))
            add("primary_school", s + "小学", near(v.at, 300), v.code, rng.integer(60, 400), rng.chance(0.05) ? "planned" : "existing");
        if (!v.seat && v.population > 1100 && rng.chance(0.3))
            add("kindergarten", s + "幼儿园", near(v.at, 200), v.code, rng.integer(30, 120), rng.chance(0.1) ? "planned" : "existing");
        if (!v.seat && v.riverDistance < 900 && rng.chance(0.25))
            add("water_works", s + "集中供水工程", near(v.at, 400), v.code, rng.integer(300, 3000),
                rng.chance(0.06) ? "under_construction" : "existing");
        if (!v.seat && rng.chance(0.06)) add("elderly_care", s + "互助养老点", near(v.at, 200), v.code, rng.integer(8, 30));
        if (rng.chance(0.2)) add("cultural_center", s + "综合文化服务中心", near(v.at, 120), v.code, 0);
        if (v.hardenedRoad && rng.chance(0.5)) add("bus_stop", s + "招呼站", near(v.at, 200), v.code, 0);
        if (!v.seat && rng.chance(0.04)) add("waste_station", s + "垃圾收集点", near(v.at, 400), v.code, 0);
    }

    // Resettlement sites near town seats, filled mostly from mountain villages.
    const int nSites = std::max(2, nVillages / 30);
    std::vector<std::size_t> mountainVillages;
    for (std::size_t i = 0; i < c.villages.size(); ++i)
        if (!c.villages[i].seat && (c.villages[i].terrain == "mountain" || (c.villages[i].terrain == "hill" && rng.chance(0.15))))
            mountainVillages.push_back(i);
    for (int s = 0; s < nSites; ++s) {
        const std::size_t t = s == 0 ? 0 : static_cast<std::size_t>(rng.integer(0, static_cast<int>(seats.size()) - 1));
        Village& host = c.villages[static_cast<std::size_t>(seatVillage[t])];
        Site site;
        site.id = "S" + c.code + pad(s + 1, 3);
        site.name = c.townships[t].name + (s == 0 ? "城区" : "") + "易地扶贫搬迁安置点" + (s > 0 ? std::to_string(s) : "");
        if (s == 0) site.name = c.name + "县城易地扶贫搬迁集中安置区";
        site.at = near(host.at, 700);
        site.villageCode = host.code;
        host.status = host.classCode[0] == '1' ? host.status : "relocation_site_village";
        const int sources = rng.integer(2, 7);
        long long total = 0;
        for (int k = 0; k < sources && !mountainVillages.empty(); ++k) {
            const Village& src = c.villages[rng.pick(mountainVillages)];
            Relocation r;
            r.sourceVillage = src.code;
            r.siteId = site.id;
            r.households = std::max<long long>(5, std::llround(src.households * rng.uniform(0.05, 0.3)));
            r.people = std::llround(r.households * rng.uniform(3.2, 4.1));
            r.year = rng.integer(2016, 2020);
            total += r.households;
            c.relocations.push_back(r);
        }
        site.planned = std::max<long long>(total, 30);
        const bool underFilled = rng.chance(0.2);
        site.movedIn = std::llround(site.planned * (underFilled ? rng.uniform(0.55, 0.8) : rng.uniform(0.9, 1.0)));
        site.capacityPeople = std::llround(site.planned * 3.8);
        site.jobs = std::llround(site.planned * rng.uniform(0.2, 1.2));
        site.oldHomes = site.planned;
        site.demolished = std::llround(site.oldHomes * rng.uniform(0.6, 1.0));
        site.reclaimedMu = std::round(site.demolished * rng.uniform(0.25, 0.45) * 10) / 10;
        site.status = rng.chance(0.9) ? "existing" : "under_construction";
        // The register records the families who moved in: its moves are scaled down to the
        // site's moved-in households (largest remainders; people in proportion), so register
        // and site agree. No random draw here: the rest of the county stays as it was.
        const std::size_t first = c.relocations.size() - static_cast<std::size_t>(std::min<long long>(sources, c.relocations.size()));
        std::vector<std::pair<double, std::size_t>> remainders;
        long long placed = 0;
        for (std::size_t k = first; k < c.relocations.size(); ++k) {
            Relocation& r = c.relocations[k];
            if (r.siteId != site.id || total <= 0) continue;
            const double exact = double(r.households) * double(site.movedIn) / double(total);
            const long long whole = static_cast<long long>(std::floor(exact));
            remainders.emplace_back(exact - double(whole), k);
            const double perHousehold = double(r.people) / double(r.households);
            r.households = whole;
            r.people = std::llround(double(whole) * perHousehold);
            placed += whole;
        }
        std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (std::size_t k = 0; k < remainders.size() && placed < site.movedIn; ++k, ++placed) {
            Relocation& r = c.relocations[remainders[k].second];
            const double perHousehold = r.households > 0 ? double(r.people) / double(r.households) : 3.6;
            ++r.households;
            r.people = std::llround(double(r.households) * perHousehold);
        }
        c.sites.push_back(site);
    }

    // Industry projects and the villages they benefit (`imitate`: the sector of the nearest
    // earlier project within 5 km, as neighbours copy a project that works — 产业雷同).
    auto addProject = [&](int k, bool imitate) {
        const std::size_t vi = static_cast<std::size_t>(rng.integer(0, static_cast<int>(c.villages.size()) - 1));
        const Village& v = c.villages[vi];
        std::size_t sec = rng.weighted(kSectorWeights);
        if (imitate) {
            double best = 5000;
            for (const Project& q : c.projects)
                if (dist(q.at, v.at) < best) {
                    best = dist(q.at, v.at);
                    sec = static_cast<std::size_t>(std::find(kSectors.begin(), kSectors.end(), q.sector) - kSectors.begin());
                }
        }
        Project p;
        p.id = "P" + c.code + pad(k + 1, 4);
        p.sector = kSectors[sec];
        p.name = stem(v.name) + kSectorZh[sec];
        p.status = rng.chance(0.75) ? "existing" : (rng.chance(0.5) ? "under_construction" : (rng.chance(0.8) ? "planned" : "closed"));
        p.villageCode = v.code;
        p.at = near(v.at, 1200);
        p.investment = std::round(std::exp(rng.normal() * 0.9 + 5.5));
        p.jobs = std::max<long long>(3, std::llround(p.investment / rng.uniform(8, 25)));
        p.beneficiaries = std::max<long long>(10, std::llround(p.jobs * rng.uniform(1.5, 5)));
        p.startYear = rng.integer(2015, 2025);
        std::vector<Indexed> hits;
        villageTree.query(bgi::nearest(BPoint(v.at.x, v.at.y), rng.integer(1, 4)), std::back_inserter(hits));
        long long left = p.beneficiaries;
        for (std::size_t h = 0; h < hits.size(); ++h) {
            const long long share = h + 1 == hits.size() ? left : left / 2;
            left -= share;
            c.links.push_back({p.id, c.villages[hits[h].second].code, share});
        }
        c.projects.push_back(p);
    };
    const int nProjects = std::max(3, nVillages / 6);
    for (int k = 0; k < nProjects; ++k) addProject(k, false);

    // Constraint zones.
    auto clipped = [&](const Line& ring) {
        GEOSGeometry* g = geos.ring(ring);
        GeomPtr out = geos.toOgrMulti(GEOSIntersection_r(geos.h, g, countyPoly));
        GEOSGeom_destroy_r(geos.h, g);
        return out;
    };
    {
        std::vector<std::pair<double, Pt>> high;
        for (int k = 0; k < 300; ++k) {
            Pt p{c.centre.x + rng.uniform(-1, 1) * c.radius, c.centre.y + rng.uniform(-1, 1) * c.radius};
            if (c.inside(p, 0.9)) high.push_back({dem.at(p.x, p.y), p});
        }
        std::sort(high.begin(), high.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::vector<Pt> chosen;
        for (const auto& [z, p] : high) {
            if (chosen.size() >= 3) break;
            bool ok = true;
            for (const auto& q : chosen) ok = ok && dist(p, q) > c.radius * 0.5;
            if (!ok) continue;
            chosen.push_back(p);
            if (auto g = clipped(blob(rng, p, rng.uniform(0.06, 0.14) * c.radius, 64)))
                c.constraints.push_back({"ecological_redline", "生态保护红线（" + std::to_string(chosen.size()) + "）", std::move(g)});
        }
    }
    for (const Village& v : c.villages) {
        if (v.terrain != "mountain" && rng.chance(0.12)) {
            const double a = rng.uniform(0, 2 * kPi);
            if (auto g = clipped(blob(rng, {v.at.x + 600 * std::cos(a), v.at.y + 600 * std::sin(a)}, rng.uniform(300, 700))))
                c.constraints.push_back({"basic_farmland", stem(v.name) + "永久基本农田", std::move(g)});
        }
        if (v.terrain == "mountain" && rng.chance(0.05)) {
            const double a = rng.uniform(0, 2 * kPi), off = rng.uniform(0, 300);
            if (auto g = clipped(blob(rng, {v.at.x + off * std::cos(a), v.at.y + off * std::sin(a)}, rng.uniform(150, 400))))
                c.constraints.push_back({"geohazard", stem(v.name) + "滑坡隐患点", std::move(g)});
        }
        if (v.planType == "characteristic_protection" && rng.chance(0.3)) {
            if (auto g = clipped(blob(rng, v.at, 300)))
                c.constraints.push_back({"heritage", stem(v.name) + "传统村落保护区", std::move(g)});
        }
    }
    {
        GEOSGeometry* river = geos.line(c.rivers[0].line);
        GEOSGeometry* buf = GEOSBuffer_r(geos.h, river, 250, 8);
        if (auto g = geos.toOgrMulti(GEOSIntersection_r(geos.h, buf, countyPoly)))
            c.constraints.push_back({"flood_zone", c.rivers[0].name + "洪水淹没区", std::move(g)});
        GEOSGeom_destroy_r(geos.h, buf);
        GEOSGeom_destroy_r(geos.h, river);
        if (auto g = clipped(blob(rng, seats[0], std::min(2800.0, 0.1 * c.radius), 64)))
            c.constraints.push_back({"urban_boundary", c.name + "县城城镇开发边界", std::move(g)});
    }
    GEOSGeom_destroy_r(geos.h, countyPoly);

    // Village territories, land use and plans (after the zones: plans keep out of them).
    if (parcelsPerVillage >= 0) planVillages(c, dem, seed, parcelsPerVillage, riverDistance);

    // Pseudonymous households of the poverty and monitoring ledger, for some villages: an id,
    // a point near the village and the family's size, drawn in this order.
    auto household = [&](const Village& v) {
        Household hh;
        char buf[24];
        std::snprintf(buf, sizeof buf, "H%012llx", static_cast<unsigned long long>(rng.next() & 0xFFFFFFFFFFFFULL));
        hh.id = buf;
        hh.villageCode = v.code;
        hh.at = near(v.at, 600);
        hh.members = rng.integer(1, 6);
        return hh;
    };
    for (std::size_t i = 0; i < c.villages.size(); ++i) {
        const Village& v = c.villages[i];
        if (i % static_cast<std::size_t>(c.householdEvery) != 0 || v.classCode[0] == '1') continue;
        const long long n = v.poorHouseholds + v.monitoredHouseholds;
        for (long long h = 0; h < n; ++h) {
            Household hh = household(v);
            hh.monitored = h >= v.poorHouseholds ? 1 : 0;
            hh.status = hh.monitored
                            ? (rng.chance(0.5) ? "monitored_unstable" : (rng.chance(0.6) ? "monitored_edge" : "monitored_sudden_hardship"))
                            : "lifted";
            hh.cause = kCauses[rng.weighted(kCauseWeights)];
            // Monitoring began in 2021 (防止返贫动态监测和帮扶机制): the monitored ones were
            // identified in the last five years.
            if (hh.monitored) hh.identifiedAgo = rng.integer(0, 4);
            c.households.push_back(hh);
        }
        // Households whose risk was eliminated (风险消除), about as many again as are monitored
        // now: identified some years ago, out of monitoring since, lifted or ordinary again.
        const long long eliminated = std::llround(double(v.monitoredHouseholds) * rng.uniform(0.8, 1.6));
        for (long long h = 0; h < eliminated; ++h) {
            Household hh = household(v);
            hh.status = rng.chance(0.4) ? "lifted" : "ordinary";
            hh.cause = kCauses[rng.weighted(kCauseWeights)];
            hh.identifiedAgo = rng.integer(1, 5);
            hh.eliminatedAgo = rng.integer(0, hh.identifiedAgo - 1);
            c.households.push_back(hh);
        }
    }

    // More projects, drawn last so that everything above stays as it was: the cooperatives,
    // workshops and collective projects most villages have after the campaign, half of them
    // copying the sector of a nearby project.
    const int more = nVillages / 3;
    for (int k = 0; k < more; ++k) addProject(nProjects + k, rng.chance(0.5));

    // Assistance units (drawn last too): a village work team and a first secretary from a
    // province, city or county unit for nearly every village that should have one (former-poor,
    // key-assisted, hosting a resettlement site); a few whose team left last year and was not
    // replaced; sponsor units and partner enterprises here and there.
    static const std::vector<std::pair<std::string, std::string>> kUnits = {
        {"省农业农村厅", "province"}, {"省教育厅", "province"}, {"省卫生健康委员会", "province"}, {"市发展和改革委员会", "city"},
        {"市财政局", "city"},         {"市交通运输局", "city"}, {"县农业农村局", "county"},       {"县水利局", "county"},
        {"县人民医院", "county"},     {"县教育局", "county"},   {"县自然资源局", "county"},       {"县乡村振兴局", "county"}};
    static const std::vector<std::string> kEnterprises = {"国网县供电公司", "县农村商业银行", "湘茶农业开发有限公司",
                                                          "县电商产业园有限公司", "县供销合作社"};
    std::set<std::string> hosts;
    for (const Site& s : c.sites)
        if (s.status != "planned" && s.status != "closed") hosts.insert(s.villageCode);
    for (const Village& v : c.villages) {
        const bool should = v.status == "former_poor" || v.status == "key_assisted" || hosts.count(v.code);
        if (should) {
            const auto& u = kUnits[std::size_t(rng.integer(0, int(kUnits.size()) - 1))];
            const int start = rng.integer(300, 900);
            if (rng.chance(0.06)) {
                // The team left and nobody came: 应派未派.
                c.units.push_back({v.code, "work_team", u.first, u.second, rng.integer(2, 4), start + 1095, rng.integer(30, 300)});
            } else {
                c.units.push_back({v.code, "work_team", u.first, u.second, rng.integer(2, 4), start});
                if (rng.chance(0.9)) c.units.push_back({v.code, "first_secretary", u.first, u.second, 1, start});
            }
            if (rng.chance(0.6)) {
                const auto& sp = kUnits[std::size_t(rng.integer(0, int(kUnits.size()) - 1))];
                c.units.push_back({v.code, "sponsor_unit", sp.first, sp.second, 0, rng.integer(400, 1500)});
            }
        }
        if (rng.chance(0.15))
            c.units.push_back({v.code, "partner_enterprise", kEnterprises[std::size_t(rng.integer(0, int(kEnterprises.size()) - 1))],
                               "enterprise", 0, rng.integer(100, 1200)});
    }
    // The inspection register: about one issue for twenty villages over the last ten months,
    // most rectified in time, some overdue.
    static const std::vector<std::pair<std::string, std::string>> kIssues = {{"饮水安全", "集中供水工程季节性缺水，部分农户取水困难"},
                                                                             {"住房安全", "一户农户住房经鉴定为C级危房，尚未改造"},
                                                                             {"义务教育", "控辍保学台账与学籍信息不一致"},
                                                                             {"医疗保障", "监测户中有人未参加城乡居民医保"},
                                                                             {"产业帮扶", "合作社对脱贫户的分红未按协议兑现"},
                                                                             {"就业帮扶", "公益性岗位人员未按规定考勤与发放补贴"},
                                                                             {"易地搬迁后续扶持", "安置点配套的幼儿园尚未投入使用"},
                                                                             {"防返贫监测", "突发严重困难户未在规定时限内纳入监测"}};
    static const std::vector<std::string> kSources = {"省级督查", "市级督查", "县级督查", "国家考核反馈"};
    const int nIssues = std::max(3, nVillages / 20);
    for (int k = 0; k < nIssues; ++k) {
        const Village& v = c.villages[std::size_t(rng.integer(0, int(c.villages.size()) - 1))];
        const auto& is = kIssues[std::size_t(rng.integer(0, int(kIssues.size()) - 1))];
        InspectionIssue x;
        x.id = "DC" + c.code + pad(k + 1, 3);
        x.villageCode = v.code;
        x.source = kSources[std::size_t(rng.integer(0, int(kSources.size()) - 1))];
        x.category = is.first;
        x.issue = is.second;
        x.foundAgo = rng.integer(10, 300);
        x.deadlineAgo = x.foundAgo - rng.integer(30, 90);
        if (x.deadlineAgo > 0 && rng.chance(0.75)) {
            x.status = rng.chance(0.5) ? "verified" : "rectified";
            x.closedAgo = std::max(0, x.deadlineAgo + rng.integer(-20, 10));
            x.followUp = "已整改到位";
        } else {
            x.status = "open";
            if (x.deadlineAgo > 0) x.followUp = "已督促乡镇限期整改";
        }
        c.issues.push_back(x);
    }
}

}  // namespace ruralatlas::demo
