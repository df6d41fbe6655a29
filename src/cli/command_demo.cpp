// ruralatlas demo: the synthetic demo county (or a national-sized file).
#include <chrono>
#include <cstdio>

#include "cli/commands.hpp"
#include "host/qgis_styles.hpp"
#include "io/demo/demo_county.hpp"

namespace ruralatlas::cli {

Command demoCommand() {
    CommandSpec spec{"demo",
                     "生成合成示范县数据",
                     "Write a deterministic synthetic demo county",
                     "--out FILE.gpkg",
                     0,
                     0,
                     {{"out", true, false, "output GeoPackage", "FILE"},
                      {"villages", true, false, "number of villages (default 300; 600000 for a nation-sized file)", "N"},
                      {"seed", true, false, "random seed (default 1)", "S"},
                      {"threads", true, false, "worker threads (default 2)", "N"},
                      {"no-dem", false, false, "skip the DEM raster"},
                      {"parcels-per-village", true, false,
                       "land-use parcels per village (default 48 for one county; 0: village boundaries only)", "N"}}};
    return {
        spec, [](const Args& a) {
            demo::DemoOptions o;
            o.villages = a.integer("villages", 300, 10, 2000000);
            o.seed = static_cast<std::uint64_t>(a.integer("seed", 1, 0, 1LL << 62));
            o.threads = static_cast<int>(a.integer("threads", 2, 1, 64));
            o.withDem = !a.has("no-dem");
            if (a.has("parcels-per-village")) o.parcelsPerVillage = static_cast<int>(a.integer("parcels-per-village", 48, 0, 100000));
            const std::string out = a.require("out");
            o.finish = [&out](const std::string& file) { host::writeQgisStyles(file, {}, out); };
            ProgressBar bar("demo");
            Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
            const auto t0 = std::chrono::steady_clock::now();
            const auto s = demo::writeDemoProject(out, o, fb);
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::printf(
                "wrote %s in %.1f s (synthetic, EPSG:%d): %lld counties, %lld townships, %lld villages, %lld facilities, "
                "%lld roads, %lld rivers, %lld resettlement sites, %lld relocations, %lld industry projects, "
                "%lld village boundaries, %lld land-use parcels, %lld constraint zones, %lld households; DEM %dx%d at %.0f m\n",
                out.c_str(), secs, s.epsg, s.counties, s.townships, s.villages, s.facilities, s.roads, s.rivers, s.sites, s.relocations,
                s.projects, s.villageBoundaries, s.landuseParcels, s.constraints, s.households, s.demWidth, s.demHeight, s.demCell);
            if (!s.notes.empty()) {
                std::printf(
                    "示范县村庄规划中故意设置的错误（ruralatlas plan-check 应全部找出；也记在 project_meta 的 demo_plan_mistakes 中）：\n");
                for (const std::string& n : s.notes) std::printf("  - %s\n", n.c_str());
            }
            return 0;
        }};
}

}  // namespace ruralatlas::cli
