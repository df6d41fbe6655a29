#include "io/demo/demo_county.hpp"

#include <cpl_conv.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "io/demo/generate.hpp"
#include "io/demo/names.hpp"
#include "io/proj_transform.hpp"
#include "io/project.hpp"

namespace ruralatlas::demo {

namespace {
// Where the synthetic county lies: the mountains of western Hunan (about 109.9°E, 29.0°N).
constexpr double kCentreLon = 109.9, kCentreLat = 29.0;
const int kProvinces[] = {43, 52, 53, 50, 51, 45, 36, 42, 61, 62, 35, 44, 41, 34, 14, 13,
                          21, 22, 23, 15, 32, 33, 37, 46, 54, 63, 64, 65, 11, 12, 31};

std::string countyCode(int index, int total) {
    if (total == 1) return "433199";  // an unassigned code in 湘西州, so it is never taken for a real county
    char buf[16];
    const int province = kProvinces[(index / 1900) % 31];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d", province, 1 + (index % 1900) / 50, 21 + index % 50);
    return buf;
}

OGRLineString* lineOf(const Line& l) {
    auto* g = new OGRLineString();
    g->setNumPoints(static_cast<int>(l.size()));
    for (std::size_t i = 0; i < l.size(); ++i) g->setPoint(static_cast<int>(i), l[i].x, l[i].y);
    return g;
}

class Writer {
public:
    Writer(GDALDataset& ds, DemoSummary& sum) : m_ds(ds), m_sum(sum) {}

    // Long on purpose: every layer of the demo county written in the order of the data model, inside
    // the caller's transaction.
    void write(County& c) {
        {
            auto f = make("county");
            f->SetField("code", c.code.c_str());
            f->SetField("name", c.name.c_str());
            if (c.boundary) f->SetGeometryDirectly(c.boundary.release());
            create("county", f);
            ++m_sum.counties;
        }
        for (auto& t : c.townships) {
            auto f = make("townships");
            f->SetField("code", t.code.c_str());
            f->SetField("name", t.name.c_str());
            if (t.area) f->SetGeometryDirectly(t.area.release());
            create("townships", f);
            ++m_sum.townships;
        }
        for (const auto& v : c.villages) {
            auto f = make("villages");
            f->SetField("code", v.code.c_str());
            f->SetField("name", v.name.c_str());
            f->SetField("township_code", v.townshipCode.c_str());
            f->SetField("class_code", v.classCode.c_str());
            f->SetField("population", static_cast<GIntBig>(v.population));
            f->SetField("households", static_cast<GIntBig>(v.households));
            f->SetField("status", v.status.c_str());
            f->SetField("plan_type", v.planType.c_str());
            f->SetField("terrain", v.terrain.c_str());
            f->SetField("poor_households", static_cast<GIntBig>(v.poorHouseholds));
            f->SetField("monitored_households", static_cast<GIntBig>(v.monitoredHouseholds));
            f->SetField("collective_income", v.collectiveIncome);
            f->SetField("has_village_plan", v.hasVillagePlan);
            f->SetField("tap_water_rate", v.tapWaterRate);
            f->SetField("hardened_road", v.hardenedRoad);
            f->SetField("sanitary_toilet_rate", v.sanitaryToiletRate);
            f->SetField("elevation_m", std::round(v.elevation));
            f->SetGeometryDirectly(new OGRPoint(v.at.x, v.at.y));
            create("villages", f);
            ++m_sum.villages;
        }
        writeLedger(c);
        for (const auto& fa : c.facilities) {
            auto f = make("facilities");
            char id[32];
            std::snprintf(id, sizeof id, "F%s%06lld", c.code.c_str(), ++m_facilityNo[c.index]);
            f->SetField("id", id);
            f->SetField("kind", fa.kind.c_str());
            f->SetField("name", fa.name.c_str());
            f->SetField("status", fa.status.c_str());
            if (fa.capacity > 0) f->SetField("capacity", static_cast<GIntBig>(fa.capacity));
            f->SetField("village_code", fa.villageCode.c_str());
            f->SetGeometryDirectly(new OGRPoint(fa.at.x, fa.at.y));
            create("facilities", f);
            ++m_sum.facilities;
        }
        long long roadNo = 0;
        for (const auto& r : c.roads) {
            auto f = make("roads");
            f->SetField("id", ("R" + c.code + std::to_string(++roadNo)).c_str());
            if (!r.name.empty()) f->SetField("name", r.name.c_str());
            f->SetField("class", r.cls.c_str());
            f->SetField("surface", r.surface.c_str());
            f->SetField("speed_kmh", r.speed);
            f->SetField("oneway", 0);
            f->SetGeometryDirectly(lineOf(r.line));
            create("roads", f);
            ++m_sum.roads;
        }
        long long riverNo = 0;
        for (const auto& r : c.rivers) {
            auto f = make("rivers");
            f->SetField("id", ("W" + c.code + std::to_string(++riverNo)).c_str());
            f->SetField("name", r.name.c_str());
            f->SetField("class", r.cls.c_str());
            f->SetGeometryDirectly(lineOf(r.line));
            create("rivers", f);
            ++m_sum.rivers;
        }
        for (const auto& s : c.sites) {
            auto f = make("resettlement_sites");
            f->SetField("id", s.id.c_str());
            f->SetField("name", s.name.c_str());
            f->SetField("village_code", s.villageCode.c_str());
            f->SetField("planned_households", static_cast<GIntBig>(s.planned));
            f->SetField("moved_in_households", static_cast<GIntBig>(s.movedIn));
            f->SetField("capacity_people", static_cast<GIntBig>(s.capacityPeople));
            f->SetField("jobs_nearby", static_cast<GIntBig>(s.jobs));
            f->SetField("old_homes_total", static_cast<GIntBig>(s.oldHomes));
            f->SetField("old_homes_demolished", static_cast<GIntBig>(s.demolished));
            f->SetField("reclaimed_area_mu", s.reclaimedMu);
            f->SetField("status", s.status.c_str());
            f->SetGeometryDirectly(new OGRPoint(s.at.x, s.at.y));
            create("resettlement_sites", f);
            ++m_sum.sites;
        }
        for (const auto& r : c.relocations) {
            auto f = make("relocations");
            f->SetField("source_village_code", r.sourceVillage.c_str());
            f->SetField("site_id", r.siteId.c_str());
            f->SetField("households", static_cast<GIntBig>(r.households));
            f->SetField("people", static_cast<GIntBig>(r.people));
            f->SetField("year", r.year);
            create("relocations", f);
            ++m_sum.relocations;
        }
        for (const auto& p : c.projects) {
            auto f = make("industry_projects");
            f->SetField("id", p.id.c_str());
            f->SetField("name", p.name.c_str());
            f->SetField("sector", p.sector.c_str());
            f->SetField("status", p.status.c_str());
            f->SetField("investment", p.investment);
            f->SetField("jobs", static_cast<GIntBig>(p.jobs));
            f->SetField("beneficiary_households", static_cast<GIntBig>(p.beneficiaries));
            f->SetField("start_year", p.startYear);
            f->SetField("village_code", p.villageCode.c_str());
            f->SetGeometryDirectly(new OGRPoint(p.at.x, p.at.y));
            create("industry_projects", f);
            ++m_sum.projects;
        }
        for (const auto& l : c.links) {
            auto f = make("project_links");
            f->SetField("project_id", l.projectId.c_str());
            f->SetField("village_code", l.villageCode.c_str());
            f->SetField("households", static_cast<GIntBig>(l.households));
            create("project_links", f);
        }
        for (std::size_t i = 0; i < c.territories.size() && i < c.villages.size(); ++i) {
            if (!c.territories[i]) continue;
            auto f = make("village_boundaries");
            f->SetField("code", c.villages[i].code.c_str());
            f->SetField("name", c.villages[i].name.c_str());
            f->SetGeometryDirectly(c.territories[i].release());
            create("village_boundaries", f);
            ++m_sum.villageBoundaries;
        }
        if (!c.notes.empty()) {
            std::string text;
            for (const std::string& n : c.notes) text += (text.empty() ? "" : "；") + n;
            auto f = make("project_meta");
            f->SetField("key", (c.index == 0 ? std::string("demo_plan_mistakes") : "demo_plan_mistakes_" + c.code).c_str());
            f->SetField("value", text.c_str());
            create("project_meta", f);
            m_sum.notes.insert(m_sum.notes.end(), c.notes.begin(), c.notes.end());
        }
        for (const auto& t : c.targets) {
            auto f = make("plan_targets");
            f->SetField("village_code", t.villageCode.c_str());
            f->SetField("indicator", t.indicator.c_str());
            f->SetField("bound", t.bound.c_str());
            f->SetField("value", t.valueHa);
            f->SetField("source", t.source.c_str());
            create("plan_targets", f);
        }
        for (auto& p : c.parcels) {
            auto f = make("landuse_plan");
            f->SetField("village_code", p.villageCode.c_str());
            f->SetField("landuse_code", p.landuseCode.c_str());
            f->SetField("period", p.period.c_str());
            f->SetGeometryDirectly(p.area.release());
            create("landuse_plan", f);
            ++m_sum.landuseParcels;
        }
        for (auto& k : c.constraints) {
            auto f = make("constraints");
            f->SetField("kind", k.kind.c_str());
            f->SetField("name", k.name.c_str());
            f->SetGeometryDirectly(k.area.release());
            create("constraints", f);
            ++m_sum.constraints;
        }
        const int dataYear = std::stoi(io::todayIso().substr(0, 4));
        for (const auto& h : c.households) {
            auto f = make("households");
            f->SetField("id", h.id.c_str());
            f->SetField("village_code", h.villageCode.c_str());
            f->SetField("members", h.members);
            f->SetField("status", h.status.c_str());
            f->SetField("cause", h.cause.c_str());
            f->SetField("monitored", h.monitored);
            if (h.identifiedAgo >= 0) f->SetField("identified_year", dataYear - h.identifiedAgo);
            if (h.eliminatedAgo >= 0) f->SetField("eliminated_year", dataYear - h.eliminatedAgo);
            f->SetGeometryDirectly(new OGRPoint(h.at.x, h.at.y));
            create("households", f);
            ++m_sum.households;
        }
        // Dates of the assistance units and the register, days before the data date.
        const auto dayOf = [&](int ago) {
            using namespace std::chrono;
            const std::string t = io::todayIso();
            const sys_days today = year_month_day{year{std::stoi(t.substr(0, 4))}, month{unsigned(std::stoi(t.substr(5, 2)))},
                                                  day{unsigned(std::stoi(t.substr(8, 2)))}};
            const year_month_day d{today - days{ago}};
            char buf[16];
            std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
            return std::string(buf);
        };
        for (const auto& u : c.units) {
            auto f = make("assistance_units");
            f->SetField("village_code", u.villageCode.c_str());
            f->SetField("kind", u.kind.c_str());
            f->SetField("unit_name", u.unitName.c_str());
            f->SetField("unit_level", u.unitLevel.c_str());
            if (u.members > 0) f->SetField("members", u.members);
            f->SetField("start_date", dayOf(u.startAgo).c_str());
            if (u.endAgo != -100000) f->SetField("end_date", dayOf(u.endAgo).c_str());
            create("assistance_units", f);
        }
        for (const auto& x : c.issues) {
            auto f = make("inspection_issues");
            f->SetField("id", x.id.c_str());
            f->SetField("village_code", x.villageCode.c_str());
            f->SetField("found_date", dayOf(x.foundAgo).c_str());
            f->SetField("source", x.source.c_str());
            f->SetField("category", x.category.c_str());
            f->SetField("issue", x.issue.c_str());
            f->SetField("deadline", dayOf(x.deadlineAgo).c_str());
            f->SetField("status", x.status.c_str());
            if (x.closedAgo != -100000) f->SetField("closed_date", dayOf(x.closedAgo).c_str());
            if (!x.followUp.empty()) f->SetField("follow_up", x.followUp.c_str());
            create("inspection_issues", f);
        }
    }

    // The yearly ledger (village_indicators) the county office keeps: the four years before the
    // data year for the rates and the collective income (the layer holds the data year), and
    // the per-capita income for all five years. Values move the way the campaign moved them:
    // toilets and tap water up every year, collective income growing from little, incomes up
    // about 7 % a year, lower in former-poor and mountain villages.
    void writeLedger(const County& c) {
        const int year = std::stoi(io::todayIso().substr(0, 4));
        auto unit = [](std::uint64_t x) {  // splitmix64 to [0, 1)
            x += 0x9e3779b97f4a7c15ULL;
            x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
            x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
            return double((x ^ (x >> 31)) >> 11) / 9007199254740992.0;
        };
        auto row = [&](const std::string& code, int y, const char* indicator, double value) {
            auto f = make("village_indicators");
            f->SetField("village_code", code.c_str());
            f->SetField("year", y);
            f->SetField("indicator", indicator);
            f->SetField("value", value);
            f->SetField("source", "乡村振兴监测台账（演示数据）");
            create("village_indicators", f);
        };
        for (std::size_t i = 0; i < c.villages.size(); ++i) {
            const Village& v = c.villages[i];
            const std::uint64_t seed = (std::uint64_t(c.index) << 32) ^ (std::uint64_t(i) * 131);
            const double base = (v.status == "former_poor" ? 11200.0 : 13600.0) - (v.terrain == "mountain" ? 1400.0 : 0.0);
            for (int k = 4; k >= 0; --k) {
                const int y = year - k;
                const double noise = 0.92 + 0.16 * unit(seed + 17 * std::uint64_t(k) + 1);
                row(v.code, y, "per_capita_income", std::round(base * std::pow(1.07, -k) * noise / 10.0) * 10.0);
                if (k == 0) continue;
                const double tap = std::max(0.0, 100.0 * v.tapWaterRate - k * (1.5 + 2.5 * unit(seed + 17 * std::uint64_t(k) + 2)));
                const double toilet =
                    std::max(0.0, 100.0 * v.sanitaryToiletRate - k * (3.0 + 4.0 * unit(seed + 17 * std::uint64_t(k) + 3)));
                const double income = std::max(0.0, v.collectiveIncome * (1.0 - 0.15 * k) + (unit(seed + 17 * std::uint64_t(k) + 4) - 0.5));
                row(v.code, y, "tap_water_rate", std::round(tap * 10.0) / 10.0);
                row(v.code, y, "sanitary_toilet_rate", std::round(toilet * 10.0) / 10.0);
                row(v.code, y, "collective_income", std::round(income * 100.0) / 100.0);
            }
        }
    }

    void writeRoad(const Line& line, const std::string& id, const std::string& name) {
        auto f = make("roads");
        f->SetField("id", id.c_str());
        f->SetField("name", name.c_str());
        f->SetField("class", "provincial");
        f->SetField("surface", "hardened");
        f->SetField("speed_kmh", 60.0);
        f->SetField("oneway", 0);
        f->SetGeometryDirectly(lineOf(line));
        create("roads", f);
        ++m_sum.roads;
    }

private:
    io::FeaturePtr make(const char* layer) {
        OGRLayer* l = m_ds.GetLayerByName(layer);
        return io::FeaturePtr(OGRFeature::CreateFeature(l->GetLayerDefn()));
    }
    void create(const char* layer, io::FeaturePtr& f) {
        OGRLayer* l = m_ds.GetLayerByName(layer);
        if (l->CreateFeature(f.get()) != OGRERR_NONE)
            throw DataError({m_ds.GetDescription(), layer}, "cannot write feature: " + io::lastGdalError());
    }
    GDALDataset& m_ds;
    DemoSummary& m_sum;
    std::map<int, long long> m_facilityNo;
};

void writeDem(const std::string& path, const Dem& dem, int epsg) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    io::DatasetPtr src(mem->Create("", dem.width, dem.height, 1, GDT_Int16, nullptr));
    double gt[6] = {dem.x0, dem.cell, 0, dem.y1, 0, -dem.cell};
    src->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    src->SetSpatialRef(&srs);
    if (src->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, dem.width, dem.height, const_cast<std::int16_t*>(dem.z.data()), dem.width,
                                        dem.height, GDT_Int16, 0, 0) != CE_None)
        throw DataError({path, "dem"}, "cannot fill the DEM: " + io::lastGdalError());
    GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
    CPLStringList opts;
    opts.SetNameValue("APPEND_SUBDATASET", "YES");
    opts.SetNameValue("RASTER_TABLE", "dem");
    opts.SetNameValue("RASTER_IDENTIFIER", "数字高程模型");
    opts.SetNameValue("RASTER_DESCRIPTION", "Elevation in metres (synthetic)");
    opts.SetNameValue("TILE_FORMAT", "PNG");
    io::DatasetPtr out(gpkg->CreateCopy(path.c_str(), src.get(), FALSE, opts.List(), nullptr, nullptr));
    if (!out) throw DataError({path, "dem"}, "cannot write the DEM: " + io::lastGdalError());
}
}  // namespace

// Long on purpose: the demo project's recipe (shape, DEM, population, write, DEM raster) with
// progress and the atomic file around it.
DemoSummary writeDemoProject(const std::string& path, const DemoOptions& opt, Feedback& feedback) {
    io::initGdal();
    if (opt.villages < 10) throw UsageError("--villages must be at least 10");
    const int perCounty = opt.villagesPerCounty;
    const long long nCounties = opt.villages <= perCounty * 3 / 2 ? 1 : (opt.villages + perCounty - 1) / perCounty;
    const int epsg = gaussKrugerEpsgForLongitude(kCentreLon);
    DemoSummary sum;
    sum.epsg = epsg;

    double cx = kCentreLon, cy = kCentreLat;
    io::CrsTransform toProject("EPSG:4490", epsg);
    toProject.transform(cx, cy);

    feedback.setProgress(0.0, "terrain and rivers");
    std::vector<County> counties(static_cast<std::size_t>(nCounties));
    const int grid = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(nCounties))));
    const double avg = static_cast<double>(opt.villages) / nCounties;
    const double spacing = 2.25 * std::sqrt(avg * 12.7e6 / 3.14159265);
    std::vector<int> villagesOf(counties.size());
    for (long long i = 0; i < nCounties; ++i) {
        County& c = counties[static_cast<std::size_t>(i)];
        c.index = static_cast<int>(i);
        c.code = countyCode(c.index, static_cast<int>(nCounties));
        Rng nameRng(mix(opt.seed, 77 + i));
        c.name = countyStem(nameRng) + "县";
        const int gx = static_cast<int>(i % grid), gy = static_cast<int>(i / grid);
        c.householdEvery = nCounties == 1 ? 5 : 25;
        c.centre = {cx + (gx - (grid - 1) / 2.0) * spacing, cy + (gy - (grid - 1) / 2.0) * spacing};
        villagesOf[static_cast<std::size_t>(i)] = static_cast<int>(opt.villages * (i + 1) / nCounties - opt.villages * i / nCounties);
        shapeCounty(c, opt.seed, villagesOf[static_cast<std::size_t>(i)]);
    }
    feedback.checkCancelled();
    feedback.setProgress(0.05, "DEM");
    const Dem dem = buildDem(counties, opt.seed, 30.0, 4096, opt.threads);
    sum.demWidth = dem.width;
    sum.demHeight = dem.height;
    sum.demCell = dem.cell;

    const int ppv = opt.parcelsPerVillage >= 0 ? opt.parcelsPerVillage : (nCounties == 1 ? 48 : -1);
    io::AtomicFile out(path);
    io::ProjectSpec spec;
    spec.countyCode = counties[0].code;
    spec.countyName = nCounties == 1 ? counties[0].name : "合成全国示范数据";
    spec.epsg = epsg;
    spec.synthetic = true;
    spec.extraMeta = {{"source", "ruralatlas demo --villages " + std::to_string(opt.villages) + " --seed " + std::to_string(opt.seed)},
                      {"note", "合成数据，仅供演示与测试 / synthetic data for demonstration and testing"},
                      {"counties", std::to_string(nCounties)}};
    CPLSetConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");  // a temp file: the rename is the commit
    {
        io::DatasetPtr ds = io::createProjectDataset(out.tempPath(), spec);
        Writer writer(*ds, sum);
        if (ds->StartTransaction() != OGRERR_NONE) throw DataError({path}, "cannot start a transaction");

        // Workers populate counties; this thread writes them in order, a few counties behind.
        std::mutex m;
        std::condition_variable cv;
        std::vector<char> ready(counties.size(), 0);
        std::atomic<std::size_t> next{0};
        std::size_t written = 0;
        const std::size_t lookahead = 8;
        std::exception_ptr failure;
        auto work = [&] {
            for (;;) {
                const std::size_t i = next++;
                if (i >= counties.size()) return;
                {
                    std::unique_lock lock(m);
                    cv.wait(lock, [&] { return i < written + lookahead || failure; });
                    if (failure) return;
                }
                try {
                    populateCounty(counties[i], dem, opt.seed, villagesOf[i], ppv);
                } catch (...) {
                    std::lock_guard lock(m);
                    failure = std::current_exception();
                }
                {
                    std::lock_guard lock(m);
                    ready[i] = 1;
                }
                cv.notify_all();
            }
        };
        std::vector<std::thread> pool;
        const int nThreads = nCounties == 1 ? 1 : std::max(1, opt.threads);
        for (int t = 0; t < nThreads; ++t) pool.emplace_back(work);
        try {
            for (std::size_t i = 0; i < counties.size(); ++i) {
                {
                    std::unique_lock lock(m);
                    cv.wait(lock, [&] { return ready[i] || failure; });
                    if (failure) break;
                }
                writer.write(counties[i]);
                County& c = counties[i];
                c.villages.clear();
                c.villages.shrink_to_fit();
                c.facilities.clear();
                c.facilities.shrink_to_fit();
                c.roads.clear();
                c.roads.shrink_to_fit();
                c.households.clear();
                c.households.shrink_to_fit();
                c.parcels.clear();
                c.constraints.clear();
                c.territories.clear();
                c.projects.clear();
                c.links.clear();
                {
                    std::lock_guard lock(m);
                    written = i + 1;
                }
                cv.notify_all();
                if (feedback.isCancelled()) {
                    std::lock_guard lock(m);
                    failure = std::make_exception_ptr(Cancelled());
                }
                feedback.setProgress(0.1 + 0.8 * (i + 1) / counties.size(), "counties");
            }
        } catch (...) {
            {
                std::lock_guard lock(m);
                failure = std::current_exception();
            }
            cv.notify_all();
        }
        cv.notify_all();
        for (auto& th : pool) th.join();
        if (failure) std::rethrow_exception(failure);

        // Provincial roads joining neighbouring county seats (a national network).
        int link = 0;
        for (std::size_t i = 0; i < counties.size(); ++i) {
            const int gx = static_cast<int>(i % grid);
            for (std::size_t j : {i + 1, i + static_cast<std::size_t>(grid)}) {
                if (j >= counties.size() || (j == i + 1 && gx == grid - 1)) continue;
                ++link;  // apart from the call: the order arguments are evaluated in is unspecified
                writer.writeRoad({counties[i].seatHint, counties[j].seatHint}, "RL" + std::to_string(link),
                                 "G" + std::to_string(100 + link % 900));
            }
        }
        feedback.setProgress(0.9, "spatial index");
        if (ds->CommitTransaction() != OGRERR_NONE) throw DataError({path}, "commit failed: " + io::lastGdalError());
    }
    if (opt.withDem) {
        feedback.setProgress(0.95, "DEM tiles");
        writeDem(out.tempPath(), dem, epsg);
    }
    CPLSetConfigOption("OGR_SQLITE_SYNCHRONOUS", nullptr);
    if (opt.finish) opt.finish(out.tempPath());
    out.commit();
    feedback.setProgress(1.0, "done");
    return sum;
}

}  // namespace ruralatlas::demo
