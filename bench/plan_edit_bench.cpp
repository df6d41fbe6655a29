// Drafting a village plan, timed (issue 17's speed targets): in a village of a few thousand
// parcels, each edit with its live check (target: 90th percentile under 50 ms), the balance table
// and the control targets (under 100 ms), and a snapping search (under 2 ms per mouse move).
// Prints figures; asserts nothing. Usage: plan_edit_bench PROJECT.gpkg VILLAGE [EDITS]
// (bench/plan_edit_bench.sh makes the project with `ruralatlas demo --parcels-per-village`).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/install_paths.hpp"
#include "plan_edit.hpp"
#include "plan_tables.hpp"

using namespace ruralatlas;
using namespace ruralatlas::villageplan;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a) { return std::chrono::duration<double, std::milli>(Clock::now() - a).count(); }

void report(const char* what, std::vector<double> v) {
    if (v.empty()) return;
    std::sort(v.begin(), v.end());
    auto q = [&](double p) { return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))]; };
    std::printf("%-44s n=%4zu  median %8.3f ms  p90 %8.3f ms  max %8.3f ms\n", what, v.size(), q(0.5), q(0.9), v.back());
}

}  // namespace

// Long on purpose: one scripted drafting session.
int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: plan_edit_bench PROJECT.gpkg VILLAGE [EDITS]\n");
        return 2;
    }
    const std::string project = argv[1], village = argv[2];
    const int edits = argc > 3 ? std::atoi(argv[3]) : 300;
    const PlanRules rules = readPlanRules(shippedDir("data") + "/plan_rules.json");
    auto t0 = Clock::now();
    PlanEditor e(project, village, rules);
    std::printf("open (read, index, full check of %zu planned parcels): %.1f ms\n", e.parcels().size(), ms(t0));
    if (e.parcels().empty()) {
        t0 = Clock::now();
        e.startFromCurrent();
        std::printf("start from the current parcels (%zu): %.1f ms\n", e.parcels().size(), ms(t0));
    }
    std::printf("parcels: %zu, findings: %zu\n", e.parcels().size(), e.check().findingCount());
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    for (const Polygon& p : e.check().territory())
        for (const Ring& r : p.rings)
            for (const XY& q : r)
                minx = std::min(minx, q.x), miny = std::min(miny, q.y), maxx = std::max(maxx, q.x), maxy = std::max(maxy, q.y);
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> ux(minx, maxx), uy(miny, maxy);
    auto randomParcel = [&](XY& at) {
        for (int i = 0; i < 200; ++i) {
            at = {ux(rng), uy(rng)};
            if (const long long fid = e.parcelAt(at)) return fid;
        }
        return 0LL;
    };
    const char* codes[] = {"0103", "0301", "0703", "1207", "0101", "0801"};
    std::vector<double> byKind[6], all, checks;
    const char* names[] = {"set code", "split", "draw a parcel (cut from those under it)", "move a shared vertex", "merge two neighbours",
                           "undo"};
    int refused = 0;
    for (int i = 0; i < edits; ++i) {
        const int kind = i % 6;
        XY at{};
        const long long fid = randomParcel(at);
        if (!fid) continue;
        const LandUseParcel* p = e.parcel(fid);
        double bx0 = 1e300, bx1 = -1e300;
        for (const Polygon& poly : p->shape)
            for (const XY& q : poly.rings[0]) bx0 = std::min(bx0, q.x), bx1 = std::max(bx1, q.x);
        const auto s = Clock::now();
        try {
            switch (kind) {
                case 0:
                    e.setCode({fid}, codes[rng() % 6]);
                    break;
                case 1:
                    e.split(fid, {{bx0 - 5, at.y - 1}, {bx1 + 5, at.y + 1}});
                    break;
                case 2:
                    e.addParcel({Polygon{{{{at.x, at.y}, {at.x + 12, at.y}, {at.x + 12, at.y + 9}, {at.x, at.y + 9}, {at.x, at.y}}}}},
                                codes[rng() % 6]);
                    break;
                case 3: {
                    const XY v = p->shape[0].rings[0][0];
                    e.moveVertex(v, {v.x + 0.5, v.y + 0.3}, 1e-6);
                    break;
                }
                case 4: {
                    const long long other = e.parcelAt({bx1 + 1, at.y});
                    if (!other || other == fid) continue;
                    e.merge({fid, other});
                    break;
                }
                default:
                    e.undo();
            }
        } catch (const EditRefused&) {
            ++refused;
            continue;
        }
        const double t = ms(s);
        byKind[kind].push_back(t);
        all.push_back(t);
        checks.push_back(e.lastTimings().checkMs);
    }
    std::printf("\nedits, each with its live check (%d refused by the editor):\n", refused);
    for (int k = 0; k < 6; ++k) report(names[k], byKind[k]);
    report("every edit", all);
    report("  of which the live check", checks);

    const TableLayout layout = readTableLayout(layoutPath("national"));
    std::vector<double> balance;
    for (int i = 0; i < 50; ++i) {
        const auto s = Clock::now();
        const auto lines = tabulate(layout, e.check().currentAreas(), e.check().plannedAreas(), true, true);
        const auto targets = e.check().targets();
        balance.push_back(ms(s));
        if (lines.empty()) std::printf("?");
        (void)targets;
    }
    report("balance table and control targets", balance);

    std::vector<double> snaps;
    int hits = 0;
    for (int i = 0; i < 20000; ++i) {
        const XY q{ux(rng), uy(rng)};
        const auto s = Clock::now();
        hits += e.snap(q, 5.0).has_value();  // 10 pixels at 0.5 m per pixel (1:2,000)
        snaps.push_back(ms(s));
    }
    report("snapping search (5 m)", snaps);
    std::printf("(snapped %d of %zu)\n", hits, snaps.size());
    e.discard();  // nothing saved, no journal left
    return 0;
}
