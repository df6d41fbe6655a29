#include "analysis/coverage.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "analysis/nearest.hpp"
#include "analysis/walk_surface.hpp"
#include "core/error.hpp"
#include "core/schema.hpp"
#include "core/timing.hpp"

namespace ruralatlas::analysis {

double defaultDemandRatio(const std::string& kind) {
    if (kind == "primary_school") return 0.08;
    if (kind == "middle_school") return 0.04;
    if (kind == "kindergarten") return 0.04;
    return 1.0;
}

std::optional<Standard> standardFor(const std::vector<Standard>& standards, const std::string& kind, const std::string& mode) {
    const std::string measure = mode == "straight" ? "distance_m" : "minutes";
    for (const auto& s : standards)
        if (s.kind == kind && s.rule == "within" && s.measure == measure && s.mode == mode && s.threshold) return s;
    for (const auto& s : standards)
        if (s.kind == kind && s.rule == "within" && s.measure == measure && s.threshold) return s;
    return std::nullopt;
}

std::shared_ptr<const std::vector<VillageRec>> CoverageContext::villages() {
    if (!m_villages) m_villages = std::make_shared<const std::vector<VillageRec>>(m_source.villages(VillageFields::All));
    return m_villages;
}

bool CoverageContext::hasNetwork(const NetworkOptions& options) const {
    return m_network && m_networkOptions.walkKmh == options.walkKmh && m_networkOptions.maxWalkMetres == options.maxWalkMetres &&
           m_networkOptions.tolerance == options.tolerance;
}

const RoadNetwork& CoverageContext::network(const NetworkOptions& options, Feedback& feedback, std::vector<RoadRec>* given) {
    if (!hasNetwork(options)) {
        std::vector<RoadRec> roads;
        if (given) {
            roads = std::move(*given);
        } else {
            PhaseTimer t("read roads");
            roads = m_source.roads();
        }
        m_network = std::make_unique<RoadNetwork>(std::move(roads), options, &feedback);
        m_networkOptions = options;
    }
    return *m_network;
}

const WalkSurface& CoverageContext::surface(Feedback&) {
    if (!m_surface) {
        std::optional<Raster> dem = m_source.dem();
        if (!dem)
            throw DataError({m_source.name(), "dem"},
                            "the project has no DEM raster (needed for walking time): import one or use --mode straight|road");
        m_surface = std::make_unique<WalkSurface>(std::move(*dem), m_source.roads(), m_source.rivers());
    }
    return *m_surface;
}

// Long on purpose: one switch over the travel modes (straight, road, walk) and the capacity
// assignment, all filling the same per-village result.
CoverageResult computeCoverage(ProjectSource& source, const CoverageOptions& o, Feedback& feedback) {
    CoverageContext context(source);
    return computeCoverage(context, o, feedback);
}

void CoverageContext::prefetchWalk(const std::vector<std::string>& kinds, const std::string& status, Feedback& feedback) {
    const WalkSurface* s = nullptr;
    try {
        s = &surface(feedback);
    } catch (const DataError&) {
        return;  // no DEM: callers fall back to their other rules
    }
    std::vector<XY> targets;
    for (const auto& v : *villages())
        if (v.hasPoint) targets.push_back(v.at);
    struct Job {
        std::string key;
        std::vector<XY> sources;
        WalkRoutes found;
    };
    std::vector<Job> jobs;
    for (const auto& kind : kinds) {
        Job j{kind + "|" + status, {}, {}};
        j.found.facilities = m_source.facilities(kind, statusesFor(status));
        for (const auto& f : j.found.facilities) j.sources.push_back(f.at);
        if (!j.sources.empty() && !m_walkCache.count(j.key)) jobs.push_back(std::move(j));
    }
    if (jobs.empty()) return;
    std::atomic<std::size_t> next{0}, finished{0};
    std::exception_ptr error;
    std::mutex errorMutex;
    Feedback local;  // the searches report to no one; cancellation is forwarded below
    const auto work = [&]() {
        try {
            for (std::size_t j; (j = next.fetch_add(1)) < jobs.size();) jobs[j].found.routes = s->nearest(jobs[j].sources, targets, local);
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error) error = std::current_exception();
        }
        ++finished;
    };
    const std::size_t n = std::min<std::size_t>(jobs.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < n; ++t) threads.emplace_back(work);
    // Wait, passing a cancel from the caller on to the searches.
    while (finished.load() < threads.size()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (feedback.isCancelled()) local.cancel();
    }
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    feedback.checkCancelled();
    for (auto& j : jobs) m_walkCache[j.key] = std::move(j.found);
}

const CoverageContext::WalkRoutes* CoverageContext::cachedWalk(const std::string& kind, const std::string& status) const {
    auto it = m_walkCache.find(kind + "|" + status);
    return it == m_walkCache.end() ? nullptr : &it->second;
}

CoverageResult computeCoverage(CoverageContext& context, const CoverageOptions& o, Feedback& feedback) {
    const std::string projectPath = context.source().name();
    const Enumeration* kinds = findEnumeration("facility_kind");
    if (!kinds->resolve(o.kind)) {
        std::string list;
        for (const auto& v : kinds->values) list += (list.empty() ? "" : ", ") + std::string(v.code);
        throw UsageError("--kind " + o.kind + " is not a facility kind (" + list + ")");
    }
    const std::string kind(*kinds->resolve(o.kind));
    ProjectSource& project = context.source();
    CoverageResult r;
    r.kind = kind;
    r.mode = o.mode;
    r.status = o.status;
    r.capacity = o.capacity;
    r.thresholdUnit = o.mode == "straight" ? "m" : "min";
    if (o.threshold) {
        r.threshold = *o.threshold;
    } else {
        auto s = standardFor(project.standards(), kind, o.mode);
        if (!s)
            throw DataError({projectPath, "standards", "", "threshold"},
                            "no standard gives a " + std::string(o.mode == "straight" ? "distance" : "time") + " threshold for " + kind +
                                " (add one to the standards table or give --threshold)");
        r.threshold = *s->threshold;
        r.standardId = s->id;
    }
    feedback.setProgress(0.05, "reading");
    NetworkOptions no;
    no.walkKmh = o.walkKmh;
    no.maxWalkMetres = o.maxWalkMetres;
    // What this run still needs, read on both cores at once: villages (unless a gaps run already
    // holds them all), the facilities, and the roads when the network is not built yet.
    LoadedData loaded;
    {
        PhaseTimer t("read (parallel)");
        LoadRequest want;
        want.villages = !context.hasVillages();
        want.villageFields = VillageFields::Coverage;
        want.facilities = true;
        want.facilityKind = kind;
        want.facilityStatuses = statusesFor(o.status);
        want.roads = o.mode == "road" && !context.hasNetwork(no);
        loaded = loadInParallel(project, want);
    }
    r.villages = context.hasVillages() ? context.villages() : std::make_shared<const std::vector<VillageRec>>(std::move(loaded.villages));
    r.facilities = std::move(loaded.facilities);
    const std::vector<VillageRec>& villages = *r.villages;
    std::vector<XY> targets, sources;
    std::vector<std::size_t> targetVillage;
    for (std::size_t i = 0; i < villages.size(); ++i)
        if (villages[i].hasPoint) {
            targets.push_back(villages[i].at);
            targetVillage.push_back(i);
        }
    for (const auto& f : r.facilities) sources.push_back(f.at);

    std::vector<Route> routes(targets.size());
    const RoadNetwork* network = nullptr;
    const WalkSurface* surface = nullptr;
    if (!sources.empty()) {
        if (o.mode == "straight") {
            feedback.setProgress(0.3, "nearest");
            PhaseTimer t("nearest (straight)");
            routes = nearestStraight(sources, targets, 2);
        } else if (o.mode == "road") {
            feedback.setProgress(0.2, "road network");
            {
                PhaseTimer t("road network");
                network = &context.network(no, feedback, loaded.roads.empty() ? nullptr : &loaded.roads);
            }
            feedback.setProgress(0.5, "shortest paths");
            PhaseTimer t("shortest paths");
            routes = network->nearest(sources, targets, feedback);
        } else if (o.mode == "walk") {
            feedback.setProgress(0.2, "terrain");
            surface = &context.surface(feedback);
            feedback.setProgress(0.4, "walking time");
            // The prefetch's own facility list goes with its routes (a server's table may have
            // changed since).
            if (const auto* cached = context.cachedWalk(kind, o.status)) {
                routes = cached->routes;
                r.facilities = cached->facilities;
                sources.clear();
                for (const auto& f : r.facilities) sources.push_back(f.at);
            } else {
                routes = surface->nearest(sources, targets, feedback);
            }
        } else {
            throw UsageError("--mode must be straight, road or walk");
        }
    }
    feedback.checkCancelled();
    r.rows.resize(villages.size());
    for (std::size_t i = 0; i < villages.size(); ++i) r.rows[i].village = &villages[i];
    for (std::size_t k = 0; k < targets.size(); ++k) {
        VillageCoverage& row = r.rows[targetVillage[k]];
        row.route = routes[k];
        row.facility = routes[k].source;
        const double measure = o.mode == "straight" ? routes[k].metres : routes[k].minutes;
        row.covered = routes[k].reachable() && measure <= r.threshold;
    }

    if (o.capacity) {
        // Capacity-aware coverage in the spirit of AccessMod's geographic coverage: every
        // (facility, village) pair within the threshold, nearest first; each facility serves
        // demand until its capacity is used up.
        feedback.setProgress(0.8, "capacity");
        const double ratio = o.demandRatio.value_or(defaultDemandRatio(kind));
        struct Pair {
            double cost;
            std::size_t facility, village;
        };
        std::vector<Pair> pairs;
        for (std::size_t f = 0; f < r.facilities.size(); ++f) {
            if (f % 64 == 0) feedback.checkCancelled();
            std::vector<Route> reach;
            if (o.mode == "straight")
                reach = withinStraight(sources[f], targets, r.threshold);
            else if (network)
                reach = network->fromOne(sources[f], targets, r.threshold);
            else if (surface)
                reach = surface->fromOne(sources[f], targets, r.threshold);
            for (std::size_t k = 0; k < reach.size(); ++k)
                if (reach[k].reachable()) pairs.push_back({o.mode == "straight" ? reach[k].metres : reach[k].minutes, f, targetVillage[k]});
        }
        std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.cost < b.cost; });
        std::vector<double> left(r.facilities.size());
        for (std::size_t f = 0; f < left.size(); ++f) left[f] = static_cast<double>(r.facilities[f].capacity);
        for (auto& row : r.rows) row.demand = static_cast<double>(row.village->population) * ratio;
        for (const Pair& p : pairs) {
            VillageCoverage& row = r.rows[p.village];
            const double take = std::min(row.demand - row.served, left[p.facility]);
            if (take <= 0) continue;
            row.served += take;
            left[p.facility] -= take;
        }
    }
    feedback.setProgress(0.9, "writing");
    return r;
}

}  // namespace ruralatlas::analysis
