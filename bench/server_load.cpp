// Load test of the shared server: N editors on one county for S seconds (both bounded), each
// reading random planning targets, raising their value by one and saving with the version it
// read (io::server::saveEdits), and now and then trying what its rights forbid. At the end:
//   lost updates  = saved increments - (sum of values now - sum before)   (must be 0)
//   violations    = forbidden writes the server accepted                  (must be 0)
//   unreported    = refused saves that listed no conflict                 (must be 0)
// and the throughput and latency percentiles. Loopback only (a Unix socket).
// Usage: server_load "LIBPQ KEYWORDS" COUNTY USER_PREFIX EDITORS SECONDS [HOT_FEATURES] [connect]
//   the editors log in as USER_PREFIX01.. (planners of COUNTY), made by bench/server_load.sh.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "io/pg_conn.hpp"
#include "io/server.hpp"

namespace srv = ruralatlas::io::server;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: server_load CONNINFO COUNTY USER_PREFIX EDITORS SECONDS [HOT_FEATURES]\n");
        return 2;
    }
    const std::string conninfo = argv[1], county = argv[2], prefix = argv[3];
    const int editors = std::clamp(std::atoi(argv[4]), 1, 200);
    const int seconds = std::clamp(std::atoi(argv[5]), 1, 600);
    const int hot = argc > 6 ? std::clamp(std::atoi(argv[6]), 2, 100000) : 60;
    // "connect": a connection per save (as a one-off client); default: each editor keeps one.
    const bool keep = !(argc > 7 && std::string(argv[7]) == "connect");
    const auto user = [&](int i) {
        char b[16];
        std::snprintf(b, sizeof b, "%02d", i + 1);
        return prefix + b;
    };

    // The features edited: the first `hot` planning targets of the county (few, so editors collide).
    srv::PgConn owner(conninfo + " user=postgres", county);
    const srv::PgResult ids = owner.exec(
        "SELECT fid FROM ruralatlas.plan_targets WHERE ra_county = $1 AND value IS NOT NULL ORDER BY fid LIMIT " + std::to_string(hot),
        {county});
    std::vector<long long> fids;
    for (int i = 0; i < ids.rows(); ++i) fids.push_back(ids.integer(i, 0));
    if (fids.size() < 2) {
        std::fprintf(stderr, "the county has too few planning targets to edit\n");
        return 1;
    }
    std::string list;
    for (long long f : fids) {
        if (!list.empty()) list += ',';
        list += std::to_string(f);
    }
    const double before = std::stod(owner.exec("SELECT sum(value) FROM ruralatlas.plan_targets WHERE fid IN (" + list + ")").text(0, 0));

    std::atomic<long long> increments{0}, saves{0}, refused{0}, unreported{0}, violations{0}, forbiddenTried{0}, errors{0};
    std::mutex latMutex;
    std::vector<double> latencies;  // ms per save (accepted or refused)
    const auto end = Clock::now() + std::chrono::seconds(seconds);
    std::vector<std::thread> threads;
    for (int e = 0; e < editors; ++e) {
        threads.emplace_back([&, e]() {
            std::mt19937_64 rng(1000 + e);
            const std::string server = "PG:" + conninfo + " user=" + user(e) + " county=" + county;
            srv::PgConn c(conninfo + " user=" + user(e), county);
            std::vector<double> mine;
            long long round = 0;
            while (Clock::now() < end) {
                ++round;
                // Read 1-3 random features with their versions; "think" a little; save +1 each.
                std::vector<long long> pick;
                const int k = 1 + static_cast<int>(rng() % 3);
                while (static_cast<int>(pick.size()) < k) {
                    const long long f = fids[rng() % fids.size()];
                    if (std::find(pick.begin(), pick.end(), f) == pick.end()) pick.push_back(f);
                }
                std::string in;
                for (long long f : pick) {
                    if (!in.empty()) in += ',';
                    in += std::to_string(f);
                }
                std::vector<srv::FeatureEdit> edits;
                try {
                    const srv::PgResult r =
                        c.exec("SELECT fid, ra_version, value FROM ruralatlas.plan_targets WHERE fid IN (" + in + ") ORDER BY fid");
                    for (int i = 0; i < r.rows(); ++i) {
                        char v[64];
                        std::snprintf(v, sizeof v, "%.17g", std::stod(r.text(i, 2)) + 1.0);
                        edits.push_back({"plan_targets", r.integer(i, 0), r.integer(i, 1), false, {{"value", std::string(v)}}, ""});
                    }
                } catch (const std::exception&) {
                    ++errors;
                    continue;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 20));
                const auto t0 = Clock::now();
                try {
                    const srv::SaveResult s = keep ? srv::saveEdits(c, county, edits) : srv::saveEdits(server, edits);
                    mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                    if (s.saved) {
                        ++saves;
                        increments += static_cast<long long>(edits.size());
                    } else {
                        ++refused;
                        if (s.conflicts.empty()) ++unreported;
                    }
                } catch (const std::exception&) {
                    ++errors;
                }
                // Every 10th round: what a planner may not do (households; another county's row).
                if (round % 10 == 0) {
                    for (const std::string& sql :
                         {std::string("UPDATE ruralatlas.households SET members = members WHERE fid IN (SELECT min(fid) FROM "
                                      "ruralatlas.households)"),
                          std::string("INSERT INTO ruralatlas.plan_targets (ra_county, village_code, indicator, bound, value) VALUES "
                                      "('000000', '000000000000', 'x', 'max', 1)")}) {
                        ++forbiddenTried;
                        try {
                            c.exec("BEGIN");
                            const srv::PgResult r = c.exec(sql);
                            if (std::atoll(PQcmdTuples(r.get())) > 0) ++violations;
                        } catch (const srv::PgError&) {
                        }
                        try {
                            c.exec("ROLLBACK");
                        } catch (...) {
                        }
                    }
                }
            }
            std::lock_guard<std::mutex> lock(latMutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
        });
    }
    for (auto& t : threads) t.join();

    const double after = std::stod(owner.exec("SELECT sum(value) FROM ruralatlas.plan_targets WHERE fid IN (" + list + ")").text(0, 0));
    const long long applied = std::llround(after - before);
    const long long lost = increments.load() - applied;
    std::sort(latencies.begin(), latencies.end());
    const auto pct = [&](double p) {
        return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(p * latencies.size()))];
    };
    const long long historyRows =
        owner.exec("SELECT count(*) FROM ruralatlas_history.plan_targets WHERE h_op = 'U' AND fid IN (" + list + ")").integer(0, 0);
    std::printf("editors %d, %d s, %zu features shared, %s\n", editors, seconds, fids.size(),
                keep ? "one connection per editor" : "a connection per save");
    std::printf("saves accepted %lld (%.1f/s), refused as conflicts %lld, errors %lld\n", saves.load(),
                static_cast<double>(saves.load()) / seconds, refused.load(), errors.load());
    std::printf("save latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", pct(0.5), pct(0.9), pct(0.99),
                latencies.empty() ? 0.0 : latencies.back());
    std::printf("feature updates saved %lld, found in the data %lld, in the history %lld\n", increments.load(), applied, historyRows);
    std::printf("lost updates %lld, refused saves without a listed conflict %lld, forbidden writes accepted %lld of %lld tried\n", lost,
                unreported.load(), violations.load(), forbiddenTried.load());
    const bool ok = lost == 0 && unreported == 0 && violations == 0 && errors == 0 && historyRows >= increments.load() && saves > 0;
    std::printf("%s\n", ok ? "load test: passed" : "load test: FAILED");
    return ok ? 0 : 1;
}
