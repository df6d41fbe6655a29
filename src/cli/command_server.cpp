// ruralatlas server init|add-county|users, push and pull: the shared server form of projects.
#include <cstdio>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "host/qgis_styles.hpp"
#include "io/server.hpp"

namespace ruralatlas::cli {

Command serverCommand() {
    CommandSpec spec{
        "server",
        "共享服务器管理（PostgreSQL/PostGIS）：建库、升级、添加县、用户与权限",
        "Administer the shared server: init, upgrade, add-county, users",
        "init|upgrade|add-county|users SERVER [CODE]",
        2,
        3,
        {{"name", true, false, "add-county: the county's name", "NAME"},
         {"index-boxes", false, false, "init: mark PostGIS's && leakproof so the spatial index serves row-level-secured reads"},
         {"epsg", true, false, "add-county: its CGCS2000 3-degree GK zone (4534-4554)", "CODE"},
         {"add", true, false, "users: add or change a login", "USER"},
         {"remove", true, false, "users: remove a login", "USER"},
         {"role", true, false, "users --add: admin, planner, relocation, viewer or auditor", "ROLE"},
         {"county", true, true, "users --add: a county it works on (repeatable; * = every county, auditors)", "CODE"},
         {"township", true, false, "users --add: the township of a viewer (9 digits)", "CODE"},
         {"password", true, false, "users --add: a password (for TCP logins)", "TEXT"}}};
    return {spec, [](const Args& a) {
                const std::string action = a.positional()[0], server = a.positional()[1];
                if (action == "init") {
                    io::server::init(server, a.has("index-boxes"));
                    std::printf("服务器已建库 / server initialised: schemas %s and %s, roles", io::server::kSchema,
                                io::server::kHistorySchema);
                    for (const auto& r : io::server::roles()) std::printf(" ra_%s", r.c_str());
                    std::printf("\n");
                    return 0;
                }
                if (action == "upgrade") {
                    const std::vector<std::string> done = io::server::upgrade(server);
                    if (done.empty()) {
                        std::printf("服务器已是最新 / the server's schema is up to date (nothing changed)\n");
                        return 0;
                    }
                    std::printf("服务器已升级 / server upgraded (one transaction), %zu changes:\n", done.size());
                    for (const auto& line : done) std::printf("  %s\n", line.c_str());
                    return 0;
                }
                if (action == "add-county") {
                    if (a.positional().size() < 3) throw UsageError("server add-county SERVER CODE --name NAME --epsg CODE");
                    const int epsg = static_cast<int>(a.integer("epsg", 0, 4534, 4554));
                    if (!epsg) throw UsageError("server add-county needs --epsg (the county's CGCS2000 3-degree GK zone, 4534-4554)");
                    io::server::addCounty(server, a.positional()[2], a.require("name"), epsg);
                    std::printf("已添加县 / county added: %s %s (EPSG:%d)\n", a.positional()[2].c_str(), a.require("name").c_str(), epsg);
                    return 0;
                }
                if (action == "users") {
                    if (auto u = a.value("add")) {
                        io::server::addUser(server, *u, a.require("role"), a.values("county"), a.value("township").value_or(""),
                                            a.value("password").value_or(""));
                        std::printf("用户 / user %s: %s\n", u->c_str(), a.require("role").c_str());
                        return 0;
                    }
                    if (auto u = a.value("remove")) {
                        io::server::removeUser(server, *u);
                        std::printf("已删除用户 / user removed: %s\n", u->c_str());
                        return 0;
                    }
                    std::printf("用户\t角色\t县\t乡镇\nuser\trole\tcounty\ttownship\n");
                    for (const auto& r : io::server::listUsers(server))
                        std::printf("%s\t%s\t%s\t%s\n", r.user.c_str(), r.role.c_str(), r.county.c_str(), r.township.c_str());
                    return 0;
                }
                throw UsageError("unknown server action " + action + " (init, upgrade, add-county, users)");
            }};
}

Command pushCommand() {
    CommandSpec spec{"push",
                     "把项目文件（GeoPackage）上传到共享服务器（按县，一个事务）",
                     "Move a county from a GeoPackage project into the server, in one transaction",
                     "FILE.gpkg SERVER",
                     2,
                     2,
                     {{"replace", false, false, "replace the county's data on the server"}}};
    return {spec, [](const Args& a) {
                ProgressBar bar("push");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
                const auto r = io::server::push(a.positional()[0], a.positional()[1], a.has("replace"), fb);
                std::printf("已上传 / pushed county %s: %lld features in %d layers%s\n", r.county.c_str(), r.features, r.layers,
                            r.replaced ? " (replacing what the server held)" : "");
                return 0;
            }};
}

Command pullCommand() {
    CommandSpec spec{"pull",
                     "从共享服务器下载一个县为项目文件（可取某日状态）",
                     "Take a county from the server into a new GeoPackage project (optionally as of a past date)",
                     "SERVER",
                     1,
                     1,
                     {{"county", true, false, "the county (6 digits), unless the server name has county=", "CODE"},
                      {"out", true, false, "the new project file", "FILE.gpkg"},
                      {"as-of", true, false, "the county as it was at the end of that day (or at that time)", "YYYY-MM-DD"},
                      {"checkout", false, false, "record what was pulled, to work offline and `sync` back"},
                      {"overwrite", false, false, "replace the output file"}}};
    return {spec, [](const Args& a) {
                ProgressBar bar("pull");
                Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
                const auto r = io::server::pull(a.positional()[0], a.value("county").value_or(""), a.require("out"),
                                                a.value("as-of").value_or(""), a.has("overwrite"), fb, a.has("checkout"));
                host::writeQgisStyles(a.require("out"));
                for (const auto& l : r.unreadable)
                    std::printf("  %s: 无权读取，文件中为空 / not readable with your rights, left empty\n", l.c_str());
                std::printf("已下载 / pulled %lld features in %d layers to %s%s\n", r.features, r.layers, a.require("out").c_str(),
                            a.has("as-of") ? (" as of " + a.require("as-of")).c_str() : "");
                return 0;
            }};
}

Command syncCommand() {
    CommandSpec spec{"sync",
                     "把离线修改（pull --checkout 的文件）同步回共享服务器，检测冲突",
                     "Send a checked-out file's offline edits back to the server, detecting conflicts",
                     "FILE.gpkg SERVER",
                     2,
                     2,
                     {{"dry-run", false, false, "list what would be sent, send nothing"},
                      {"keep-mine", false, false, "every conflict: keep the file's version (overwrite theirs)"},
                      {"take-theirs", false, false, "every conflict: take the server's version into the file"},
                      {"mine", true, true, "one conflict: keep the file's version", "LAYER:FID"},
                      {"theirs", true, true, "one conflict: take the server's version", "LAYER:FID"}}};
    return {spec, [](const Args& a) {
                if (a.has("keep-mine") && a.has("take-theirs")) throw UsageError("--keep-mine or --take-theirs, not both");
                const auto all = a.has("keep-mine")     ? io::server::Resolve::Mine
                                 : a.has("take-theirs") ? io::server::Resolve::Theirs
                                                        : io::server::Resolve::Ask;
                const auto r =
                    io::server::sync(a.positional()[0], a.positional()[1], all, a.values("mine"), a.values("theirs"), a.has("dry-run"));
                if (a.has("dry-run")) {
                    std::printf("%zu 处修改待同步 / edits to send:\n", r.pending.size());
                    for (const auto& line : r.pending) std::printf("  %s\n", line.c_str());
                    return 0;
                }
                if (!r.saved) {
                    std::printf(
                        "冲突：以下要素在你检出后已被他人修改，未写入任何内容 / conflicts: changed by others since your checkout; nothing "
                        "was written\n");
                    for (const auto& k : r.conflicts)
                        std::printf("  %s:%lld  %s %s  (version %lld, yours %lld)\n", k.layer.c_str(), k.fid,
                                    k.changedBy.empty() ? "(deleted)" : k.changedBy.c_str(), k.changedAt.c_str(), k.theirVersion,
                                    k.yourVersion);
                    std::printf("resolve: --mine LAYER:FID / --theirs LAYER:FID per feature, or --keep-mine / --take-theirs\n");
                    return 1;
                }
                std::printf("已同步 / synced: %d changed, %d new, %d deleted; conflicts: %d kept mine, %d took theirs\n", r.updated,
                            r.inserted, r.deleted, r.keptMine, r.tookTheirs);
                return 0;
            }};
}

}  // namespace ruralatlas::cli
