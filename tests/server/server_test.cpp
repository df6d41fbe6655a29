// The shared server against a real PostgreSQL 15 + PostGIS 3.3, started by run_server_tests.sh,
// which also pushes the demo county 433199 and makes one login per role:
//   a1 admin, p1 planner, r1 relocation (433199); v1 viewer of township 433199100; au auditor of
//   every county; pb planner of another county (433198).
// Environment: RA_PG (libpq keywords without user), RA_DEMO (the demo project file).
#include "io/server.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "core/schema.hpp"
#include "io/gdal_util.hpp"
#include "io/pg_conn.hpp"
#include "io/project.hpp"
#include "io/sources.hpp"
#include "plan_edit.hpp"
#include "plan_rules.hpp"
#include "test_util.hpp"

namespace srv = ruralatlas::io::server;
using srv::PgConn;
using srv::PgError;
using srv::PgResult;

namespace {
constexpr const char* kCounty = "433199";
constexpr const char* kTownship = "433199100";

std::string conninfo(const std::string& user) {
    const char* pg = std::getenv("RA_PG");
    return std::string(pg ? pg : "") + " user=" + user;
}
std::string serverName(const std::string& user, const std::string& county = kCounty) {
    return "PG:" + conninfo(user) + " county=" + county;
}
bool haveServer() { return std::getenv("RA_PG") != nullptr; }

long long affected(const PgResult& r) { return std::atoll(PQcmdTuples(r.get())); }

// The rights a county office asked for, written out as a table (not derived from the code).
const std::set<std::string> kPlanning = {"village_boundaries", "landuse_plan", "constraints", "plan_targets", "facilities"};
const std::set<std::string> kRelocation = {"resettlement_sites", "relocations", "households", "supervision_visits"};
bool expectRead(const std::string& role, const std::string& layer) {
    // Personal data: the households and the visit lists drawn from them.
    if (layer == "households" || layer == "supervision_visits") return role == "admin" || role == "relocation";
    return true;
}
bool expectEdit(const std::string& role, const std::string& layer) {
    if (role == "admin") return true;
    if (role == "planner") return kPlanning.count(layer) > 0;
    if (role == "relocation") return kRelocation.count(layer) > 0;
    return false;  // viewer, auditor
}

std::vector<std::string> layers() {
    std::vector<std::string> out;
    for (const auto& def : ruralatlas::projectLayers()) out.emplace_back(def.name);
    return out;
}

// A row of a layer as the owner reads it: column names and text values (geometry as EWKT).
struct Row {
    std::vector<std::string> columns;
    std::vector<std::optional<std::string>> values;
    long long fid = 0;
};
Row ownerRow(PgConn& owner, const std::string& layer, const std::string& where) {
    const auto* def = ruralatlas::findLayer(layer);
    std::string cols;
    Row row;
    for (const auto& f : def->fields) {
        row.columns.emplace_back(f.name);
        cols += std::string(cols.empty() ? "" : ", ") + std::string(f.name) + "::text";
    }
    if (def->geometry != ruralatlas::GeometryKind::None) {
        row.columns.push_back("geom");
        cols += ", ST_AsEWKT(geom)";
    }
    const PgResult r = owner.exec("SELECT fid, " + cols + " FROM ruralatlas." + layer + " WHERE " + where + " ORDER BY fid LIMIT 1");
    if (r.rows() == 0) return row;
    row.fid = r.integer(0, 0);
    for (int c = 1; c < r.columns(); ++c) row.values.push_back(r.optText(0, c));
    return row;
}

// A shape's area (shoelace; holes subtracted), independent of GEOS and PostGIS.
double shapeArea(const ruralatlas::Polygons& shape) {
    double total = 0;
    for (const auto& poly : shape)
        for (std::size_t k = 0; k < poly.rings.size(); ++k) {
            const auto& r = poly.rings[k];
            double a = 0;
            for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) a += (r[j].x - r[i].x) * (r[j].y + r[i].y);
            total += (k == 0 ? 1 : -1) * std::abs(a) / 2;
        }
    return total;
}

enum class Outcome { Allowed, Refused };
// Runs `sql` in a transaction that is rolled back; Allowed when it touched `expectRows` rows.
Outcome attempt(PgConn& c, const std::string& sql, const std::vector<std::optional<std::string>>& params = {}) {
    c.exec("BEGIN");
    Outcome out = Outcome::Refused;
    try {
        const PgResult r = c.exec(sql, params);
        out = affected(r) == 1 ? Outcome::Allowed : Outcome::Refused;
    } catch (const PgError& e) {
        EXPECT_EQ(e.state(), "42501") << sql << ": " << e.what();  // refused by a right, not another error
    }
    c.exec("ROLLBACK");
    return out;
}
}  // namespace

class Server : public ::testing::Test {
protected:
    void SetUp() override {
        if (!haveServer()) GTEST_SKIP() << "run through tests/server/run_server_tests.sh (it starts the server)";
    }
};

// Every role tried on every layer for read, insert, update and delete: 5 x 21 x 4 cells.
TEST_F(Server, EveryRoleOnEveryLayerAsTheTableOfRightsSays) {
    PgConn owner(conninfo("postgres"), kCounty);
    const std::map<std::string, std::string> users = {
        {"a1", "admin"}, {"p1", "planner"}, {"r1", "relocation"}, {"v1", "viewer"}, {"au", "auditor"}};
    int cells = 0;
    for (const auto& layer : layers()) {
        const long long total = owner.exec("SELECT count(*) FROM ruralatlas." + layer + " WHERE ra_county = '433199'").integer(0, 0);
        const long long inTownship = owner
                                         .exec("SELECT count(*) FROM ruralatlas." + layer +
                                               " WHERE ra_county = '433199' AND (ra_township = '" + kTownship + "' OR ra_township IS NULL)")
                                         .integer(0, 0);
        ASSERT_GT(total, 0) << layer << ": the demo county should fill every layer";
        // A row the viewer can see (its township, or county-wide), used for every role's update and delete.
        Row row = ownerRow(owner, layer, "ra_township = '" + std::string(kTownship) + "' OR ra_township IS NULL");
        if (row.fid == 0) row = ownerRow(owner, layer, "true");
        for (const auto& [user, role] : users) {
            PgConn c(conninfo(user), kCounty);
            SCOPED_TRACE(user + " (" + role + ") on " + layer);
            // Read.
            bool read = false;
            long long seen = -1;
            try {
                seen = c.exec("SELECT count(*) FROM ruralatlas." + layer).integer(0, 0);
                read = true;
            } catch (const PgError& e) {
                EXPECT_EQ(e.state(), "42501") << e.what();
            }
            EXPECT_EQ(read, expectRead(role, layer));
            if (read) {
                EXPECT_EQ(seen, role == "viewer" ? inTownship : total);
            }
            // Update and delete of one row.
            const bool edit = expectEdit(role, layer);
            EXPECT_EQ(attempt(c, "UPDATE ruralatlas." + layer + " SET ra_version = ra_version WHERE fid = " + std::to_string(row.fid)) ==
                          Outcome::Allowed,
                      edit)
                << "update";
            EXPECT_EQ(attempt(c, "DELETE FROM ruralatlas." + layer + " WHERE fid = " + std::to_string(row.fid)) == Outcome::Allowed, edit)
                << "delete";
            // Insert a copy (project_meta keys are unique per county: another key).
            std::string cols, vals;
            std::vector<std::optional<std::string>> params;
            for (std::size_t i = 0; i < row.columns.size(); ++i) {
                auto v = row.values[i];
                if (layer == "project_meta" && row.columns[i] == "key") v = *v + "_copy";
                params.push_back(v);
                cols += (cols.empty() ? "" : ", ") + row.columns[i];
                vals += (vals.empty() ? "$" : ", $") + std::to_string(params.size());
            }
            EXPECT_EQ(attempt(c, "INSERT INTO ruralatlas." + layer + " (" + cols + ") VALUES (" + vals + ")", params) == Outcome::Allowed,
                      edit)
                << "insert";
            cells += 4;
        }
    }
    EXPECT_EQ(cells, 5 * 21 * 4);
}

// County A's planner cannot read or change county B: plain SQL, the command line, the app's path.
TEST_F(Server, APlannerOfAnotherCountySeesAndChangesNothingOfThisOne) {
    PgConn owner(conninfo("postgres"), kCounty);
    const long long fid = owner.exec("SELECT min(fid) FROM ruralatlas.landuse_plan").integer(0, 0);
    for (const std::string county : {"433199", "433198"}) {
        PgConn pb(conninfo("pb"), county);
        EXPECT_EQ(pb.exec("SELECT count(*) FROM ruralatlas.landuse_plan").integer(0, 0), 0);
        EXPECT_EQ(pb.exec("SELECT count(*) FROM ruralatlas.villages").integer(0, 0), 0);
        EXPECT_EQ(attempt(pb, "UPDATE ruralatlas.landuse_plan SET landuse_code = '0101' WHERE fid = " + std::to_string(fid)),
                  Outcome::Refused);
        EXPECT_EQ(attempt(pb, "DELETE FROM ruralatlas.landuse_plan WHERE fid = " + std::to_string(fid)), Outcome::Refused);
        // Writing a row into county 433199 by naming it.
        EXPECT_EQ(attempt(pb,
                          "INSERT INTO ruralatlas.landuse_plan (ra_county, village_code, landuse_code, period) VALUES ('433199', "
                          "'433199100201', '0101', 'planned')"),
                  Outcome::Refused);
        // Setting the session's county again inside the session changes nothing.
        pb.exec("SELECT set_config('ruralatlas.county', '433199', false)");
        EXPECT_EQ(pb.exec("SELECT count(*) FROM ruralatlas.landuse_plan").integer(0, 0), 0);
    }
    // The command line and the app open projects through the same port.
    const auto r = ruralatlas::test::runCli("coverage " + ruralatlas::test::quote(serverName("pb")) +
                                            " --kind village_clinic --out /tmp/ruralatlas-pb-never.csv");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("no county 433199 you may read"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists("/tmp/ruralatlas-pb-never.csv"));
    EXPECT_THROW(ruralatlas::io::openProjectSource(serverName("pb")), ruralatlas::DataError);
    // Its own planner reads the project through the same path.
    auto mine = ruralatlas::io::openProjectSource(serverName("p1"));
    EXPECT_EQ(mine->villages().size(), 300u);
}

// Households: never readable in detail by a viewer or a planner; their aggregate view shows no
// count under 5, and what it shows is right.
TEST_F(Server, HouseholdsOnlyAsAggregatesOfFiveOrMoreForOthers) {
    PgConn owner(conninfo("postgres"), kCounty);
    for (const std::string user : {"v1", "p1", "au", "pb"}) {
        PgConn c(conninfo(user), kCounty);
        EXPECT_THROW(c.exec("SELECT id FROM ruralatlas.households LIMIT 1"), PgError) << user;
        const PgResult agg = c.exec("SELECT village_code, households, members FROM ruralatlas.household_counts ORDER BY village_code");
        for (int i = 0; i < agg.rows(); ++i) {
            if (agg.isNull(i, 1)) {
                EXPECT_TRUE(agg.isNull(i, 2));
                continue;
            }
            EXPECT_GE(agg.integer(i, 1), 5) << user;
            const PgResult truth =
                owner.exec("SELECT count(*), sum(members) FROM ruralatlas.households WHERE village_code = $1", {agg.text(i, 0)});
            EXPECT_EQ(agg.integer(i, 1), truth.integer(0, 0));
            EXPECT_EQ(agg.integer(i, 2), truth.integer(0, 1));
        }
        if (user == "v1") {
            for (int i = 0; i < agg.rows(); ++i) EXPECT_EQ(agg.text(i, 0).substr(0, 9), kTownship);
        }
        if (user == "pb") {
            EXPECT_EQ(agg.rows(), 0);
        }
        // By village and cause (the atlases' charts): every group the login may see, counted
        // from the households by the owner; a group under 5 shows no count.
        const PgResult causes =
            c.exec("SELECT village_code, coalesce(cause, ''), households FROM ruralatlas.household_causes ORDER BY 1, 2");
        const PgResult truth =
            owner.exec("SELECT village_code, coalesce(cause, ''), count(*) FROM ruralatlas.households WHERE ra_county = '433199' " +
                       std::string(user == "v1" ? "AND ra_township = '433199100' " : "") + "GROUP BY 1, 2 ORDER BY 1, 2");
        if (user == "pb") {
            EXPECT_EQ(causes.rows(), 0);
            continue;
        }
        ASSERT_EQ(causes.rows(), truth.rows()) << user;
        int withheld = 0;
        for (int i = 0; i < causes.rows(); ++i) {
            EXPECT_EQ(causes.text(i, 0), truth.text(i, 0));
            EXPECT_EQ(causes.text(i, 1), truth.text(i, 1));
            if (truth.integer(i, 2) >= 5) {
                EXPECT_EQ(causes.integer(i, 2), truth.integer(i, 2)) << user << " " << causes.text(i, 0) << " " << causes.text(i, 1);
            } else {
                EXPECT_TRUE(causes.isNull(i, 2)) << user << " " << causes.text(i, 0) << " " << causes.text(i, 1);
                ++withheld;
            }
        }
        EXPECT_GT(withheld, 0) << "the demo county has small groups: the test must see one withheld";
    }
    // The aggregate of a village with fewer than 5 households shows no count (the administrator
    // removes all but 3 households of a village, then rolls back).
    PgConn a1(conninfo("a1"), kCounty);
    a1.exec("BEGIN");
    a1.exec(
        "DELETE FROM ruralatlas.households WHERE village_code = (SELECT village_code FROM ruralatlas.households GROUP BY "
        "village_code HAVING count(*) >= 5 ORDER BY village_code LIMIT 1) AND fid NOT IN (SELECT fid FROM ruralatlas.households "
        "WHERE village_code = (SELECT village_code FROM ruralatlas.households GROUP BY village_code HAVING count(*) >= 5 ORDER BY "
        "village_code LIMIT 1) ORDER BY fid LIMIT 3)");
    const PgResult small = a1.exec(
        "SELECT count(*) FROM ruralatlas.household_counts WHERE households IS NULL AND village_code IN (SELECT village_code FROM "
        "ruralatlas.households GROUP BY village_code HAVING count(*) = 3)");
    a1.exec("ROLLBACK");
    EXPECT_GE(small.integer(0, 0), 1);
}

// Two users edit the same feature: the second save is refused with the conflict listed, nothing
// of the first is lost, and the history holds both the old and the new value.
TEST_F(Server, TheSecondSaveOfAFeatureIsRefusedAndNothingIsLost) {
    PgConn owner(conninfo("postgres"), kCounty);
    const PgResult pick =
        owner.exec("SELECT fid, ra_version, landuse_code FROM ruralatlas.landuse_plan WHERE period = 'planned' ORDER BY fid DESC LIMIT 3");
    ASSERT_EQ(pick.rows(), 3);
    const long long f1 = pick.integer(0, 0), v1 = pick.integer(0, 1), f2 = pick.integer(1, 0), v2 = pick.integer(1, 1),
                    f3 = pick.integer(2, 0), v3 = pick.integer(2, 1);
    const std::string before3 = pick.text(2, 2);
    const std::string beforeEdit = owner.exec("SELECT clock_timestamp()::text").text(0, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

    // a1 saves f1 and f2; p1, who read all three before, saves f1, f2 and f3.
    const auto first = srv::saveEdits(serverName("a1"), {{"landuse_plan", f1, v1, false, {{"landuse_code", "0301"}}, ""},
                                                         {"landuse_plan", f2, v2, false, {{"landuse_code", "0302"}}, ""}});
    ASSERT_TRUE(first.saved);
    EXPECT_EQ(first.rows, 2);
    const auto second = srv::saveEdits(serverName("p1"), {{"landuse_plan", f1, v1, false, {{"landuse_code", "0101"}}, ""},
                                                          {"landuse_plan", f2, v2, false, {{"landuse_code", "0101"}}, ""},
                                                          {"landuse_plan", f3, v3, false, {{"landuse_code", "0101"}}, ""}});
    EXPECT_FALSE(second.saved);
    ASSERT_EQ(second.conflicts.size(), 2u);
    EXPECT_EQ(second.conflicts[0].fid, std::min(f1, f2));
    EXPECT_EQ(second.conflicts[0].changedBy, "a1");
    EXPECT_EQ(second.conflicts[0].theirVersion, second.conflicts[0].yourVersion + 1);
    // Nothing of p1's save was written (not even f3), a1's values stand.
    EXPECT_EQ(owner.exec("SELECT landuse_code FROM ruralatlas.landuse_plan WHERE fid = " + std::to_string(f1)).text(0, 0), "0301");
    EXPECT_EQ(owner.exec("SELECT landuse_code FROM ruralatlas.landuse_plan WHERE fid = " + std::to_string(f3)).text(0, 0), before3);
    // p1 takes theirs for f1 and f2 (re-reads) and saves f3: accepted.
    const auto third = srv::saveEdits(serverName("p1"), {{"landuse_plan", f3, v3, false, {{"landuse_code", "0101"}}, ""}});
    EXPECT_TRUE(third.saved);

    // The same protection for a client writing through GDAL: a feature saved with the version it
    // was read at, after another save, is refused by the database.
    {
        using namespace ruralatlas::io;
        ruralatlas::io::initGdal();
        DatasetPtr mine = openVector(srv::gdalConnection(srv::parseTarget(serverName("p1"))), true);
        DatasetPtr theirs = openVector(srv::gdalConnection(srv::parseTarget(serverName("a1"))), true);
        FeaturePtr a(mine->GetLayerByName("landuse_plan")->GetFeature(f3));
        FeaturePtr b(theirs->GetLayerByName("landuse_plan")->GetFeature(f3));
        ASSERT_TRUE(a && b);
        b->SetField("landuse_code", "0303");
        EXPECT_EQ(theirs->GetLayerByName("landuse_plan")->SetFeature(b.get()), OGRERR_NONE);
        a->SetField("landuse_code", "0102");
        EXPECT_NE(mine->GetLayerByName("landuse_plan")->SetFeature(a.get()), OGRERR_NONE);
        EXPECT_NE(std::string(CPLGetLastErrorMsg()).find("conflict"), std::string::npos) << CPLGetLastErrorMsg();
    }
    EXPECT_EQ(owner.exec("SELECT landuse_code FROM ruralatlas.landuse_plan WHERE fid = " + std::to_string(f3)).text(0, 0), "0303");

    // The history: f1 pushed (I, postgres), then changed by a1 (U) with the new value; f3 by p1 then a1.
    const PgResult h = owner.exec(
        "SELECT h_op, h_user, landuse_code FROM ruralatlas_history.landuse_plan WHERE fid = " + std::to_string(f1) + " ORDER BY h_id");
    ASSERT_EQ(h.rows(), 2);
    EXPECT_EQ(h.text(0, 0), "I");
    EXPECT_EQ(h.text(1, 0), "U");
    EXPECT_EQ(h.text(1, 1), "a1");
    EXPECT_EQ(h.text(1, 2), "0301");
    const PgResult h3 = owner.exec("SELECT h_user, landuse_code FROM ruralatlas_history.landuse_plan WHERE fid = " + std::to_string(f3) +
                                   " AND h_op = 'U' ORDER BY h_id");
    ASSERT_EQ(h3.rows(), 2);
    EXPECT_EQ(h3.text(0, 0), "p1");
    EXPECT_EQ(h3.text(1, 0), "a1");

    // As of a time before the edits, the county is as pushed; now it has the edits.
    ruralatlas::test::TempDir tmp;
    ruralatlas::Feedback fb;
    srv::pull(serverName("au"), kCounty, tmp.file("then.gpkg"), beforeEdit, false, fb);
    srv::pull(serverName("au"), kCounty, tmp.file("now.gpkg"), "", false, fb);
    auto codeOf = [&](const std::string& file, long long fid) {
        const long long rank =
            owner.exec("SELECT count(*) FROM ruralatlas.landuse_plan WHERE ra_county = '433199' AND fid <= " + std::to_string(fid))
                .integer(0, 0);
        ruralatlas::io::Project p = ruralatlas::io::Project::open(file, false);
        ruralatlas::io::FeaturePtr f(p.layer("landuse_plan").GetFeature(rank));
        return f ? std::string(f->GetFieldAsString("landuse_code")) : std::string("(none)");
    };
    EXPECT_EQ(codeOf(tmp.file("then.gpkg"), f1), pick.text(0, 2));
    EXPECT_EQ(codeOf(tmp.file("now.gpkg"), f1), "0301");
    EXPECT_EQ(codeOf(tmp.file("then.gpkg"), f3), before3);
    EXPECT_EQ(codeOf(tmp.file("now.gpkg"), f3), "0303");
}

// Two people drafting one village's plan live on the server (the app's plan editor, no
// checkout): the second save of a parcel is refused with the parcel listed and nothing written;
// taking theirs and keeping mine both save; new parcels get server ids and versions, so a parcel
// saved twice needs no re-read; the history holds every save.
TEST_F(Server, TwoPeopleDraftingOneVillagePlanLiveLoseNothing) {
    namespace vp = ruralatlas::villageplan;
    PgConn owner(conninfo("postgres"), kCounty);
    // The village of the lowest planned parcel (the other conflict test edits the highest ones).
    const std::string village =
        owner.exec("SELECT village_code FROM ruralatlas.landuse_plan WHERE period = 'planned' ORDER BY fid LIMIT 1").text(0, 0);
    ruralatlas::test::TempDir home;
    setenv("XDG_DATA_HOME", home.path().c_str(), 1);  // the editors' journals
    const vp::PlanRules rules = vp::readPlanRules(RURALATLAS_SOURCE_DIR "/data/plan_rules.json");
    auto codeOnServer = [&](long long fid) {
        const PgResult r = owner.exec("SELECT landuse_code FROM ruralatlas.landuse_plan WHERE fid = " + std::to_string(fid));
        return r.rows() ? r.text(0, 0) : std::string("(deleted)");
    };
    const std::string countBefore =
        owner.exec("SELECT count(*) FROM ruralatlas.landuse_plan WHERE village_code = '" + village + "' AND period = 'planned'").text(0, 0);

    vp::PlanEditor mine(serverName("p1"), village, rules), theirs(serverName("a1"), village, rules);
    ASSERT_TRUE(mine.onServer());
    ASSERT_GE(mine.parcels().size(), 5u);
    EXPECT_EQ(std::to_string(mine.parcels().size()), countBefore);
    for (const auto& f : mine.otherFields()) EXPECT_NE(f.name.rfind("ra_", 0), 0u) << f.name << " is the server's, not the planner's";
    std::vector<long long> ids;
    for (const auto& [fid, p] : mine.parcels()) ids.push_back(fid);
    const long long x = ids[0], z = ids[1], w = ids[2];
    const std::string zBefore = codeOnServer(z);
    // Codes unlike the parcels' own (a recode to the same code is refused as no change).
    const auto unlike = [&](long long fid, std::initializer_list<const char*> codes) {
        for (const char* c : codes)
            if (codeOnServer(fid) != c) return std::string(c);
        return std::string();
    };
    const std::string theirX = unlike(x, {"0301", "0302"}), myX = unlike(x, {"0101", "0102"}), myZ = unlike(z, {"0103", "0104"}),
                      theirZ = unlike(z, {"0201", "0202"}), later = unlike(w, {"0703", "0704"});
    ASSERT_NE(theirX, myX);
    ASSERT_NE(myZ, theirZ);
    EXPECT_NE(mine.journalPath().find(home.path().string()), std::string::npos);
    EXPECT_EQ(mine.journalPath().find("password"), std::string::npos);

    // a1 recodes x and saves; p1, who read x before, recodes x and z: refused, x listed, nothing written.
    theirs.setCode({x}, theirX);
    theirs.save();
    EXPECT_EQ(codeOnServer(x), theirX);
    mine.setCode({x}, myX);
    mine.setCode({z}, myZ);
    try {
        mine.save();
        FAIL() << "the stale save was accepted";
    } catch (const vp::SaveConflicts& e) {
        ASSERT_EQ(e.conflicts().size(), 1u);
        EXPECT_EQ(e.conflicts()[0].fid, x);
        EXPECT_EQ(e.conflicts()[0].changedBy, "a1");
        EXPECT_EQ(e.conflicts()[0].theirVersion, e.conflicts()[0].yourVersion + 1);
    }
    EXPECT_EQ(codeOnServer(z), zBefore);
    EXPECT_TRUE(mine.modified());  // my edits are all still there
    EXPECT_EQ(mine.parcel(x)->landuseCode, myX);

    // Take theirs for x: the editor shows a1's parcel (an edit that can be undone); z saves.
    mine.takeTheirs({x});
    EXPECT_EQ(mine.parcel(x)->landuseCode, theirX);
    mine.save();
    EXPECT_EQ(codeOnServer(x), theirX);
    EXPECT_EQ(codeOnServer(z), myZ);

    // Keep mine: a1 (who read z before p1 saved it) recodes z: refused; kept, it overwrites.
    theirs.setCode({z}, theirZ);
    EXPECT_THROW(theirs.save(), vp::SaveConflicts);
    EXPECT_EQ(codeOnServer(z), myZ);
    theirs.keepMine({z});
    theirs.save();
    EXPECT_EQ(codeOnServer(z), theirZ);

    // A split on the server: the new piece gets a server id, the shapes are stored exactly.
    const vp::PlanEditor& view = mine;
    const auto& shape = view.parcel(w)->shape;
    double minx = 1e300, maxx = -1e300, miny = 1e300, maxy = -1e300;
    for (const auto& q : shape[0].rings[0])
        minx = std::min(minx, q.x), maxx = std::max(maxx, q.x), miny = std::min(miny, q.y), maxy = std::max(maxy, q.y);
    const double mid = (minx + maxx) / 2;
    const std::vector<long long> pieces = mine.split(w, {{mid, miny - 1}, {mid, maxy + 1}});
    ASSERT_GE(pieces.size(), 2u);
    std::map<long long, double> areas;  // editor's id -> area
    for (long long id : pieces) areas[id] = shapeArea(mine.parcel(id)->shape);
    mine.save();
    for (const auto& [fid, p] : mine.parcels()) EXPECT_GT(fid, 0);
    double piecesOnServer = 0;
    for (const auto& [fid, p] : mine.parcels()) {
        const PgResult r = owner.exec("SELECT ST_Area(geom), ra_version, village_code, period FROM ruralatlas.landuse_plan WHERE fid = " +
                                      std::to_string(fid));
        ASSERT_EQ(r.rows(), 1) << fid;
        EXPECT_NEAR(std::stod(r.text(0, 0)), shapeArea(p.shape), 1e-6) << fid;
        EXPECT_EQ(r.text(0, 2), village);
        EXPECT_EQ(r.text(0, 3), "planned");
        if (fid == w || fid > ids.back()) piecesOnServer += std::stod(r.text(0, 0));
    }
    double areaSum = 0;
    for (const auto& [id, a] : areas) areaSum += a;
    EXPECT_NEAR(piecesOnServer, areaSum, 1e-6);
    // Saved again without a re-read: the editor knows the versions its save made.
    long long newest = 0;
    for (const auto& [fid, p] : mine.parcels()) newest = std::max(newest, fid);
    ASSERT_GT(newest, ids.back());
    mine.setCode({newest, w}, later);
    mine.save();
    EXPECT_EQ(codeOnServer(newest), later);
    EXPECT_EQ(codeOnServer(w), later);
    // A deletion saves too.
    mine.remove({newest});
    mine.save();
    EXPECT_EQ(codeOnServer(newest), "(deleted)");

    // The history holds every save: x by a1; z by p1 then a1; the new piece inserted, updated, deleted.
    const PgResult hz = owner.exec("SELECT h_user, landuse_code FROM ruralatlas_history.landuse_plan WHERE fid = " + std::to_string(z) +
                                   " AND h_op = 'U' ORDER BY h_id");
    ASSERT_EQ(hz.rows(), 2);
    EXPECT_EQ(hz.text(0, 0), "p1");
    EXPECT_EQ(hz.text(0, 1), myZ);
    EXPECT_EQ(hz.text(1, 0), "a1");
    EXPECT_EQ(hz.text(1, 1), theirZ);
    const PgResult hn =
        owner.exec("SELECT string_agg(h_op, '' ORDER BY h_id) FROM ruralatlas_history.landuse_plan WHERE fid = " + std::to_string(newest));
    EXPECT_EQ(hn.text(0, 0), "IUD");
}

// The server refuses what the data model refuses: values outside an enumeration or a range.
TEST_F(Server, TheDatabaseChecksEnumerationsAndRanges) {
    PgConn a1(conninfo("a1"), kCounty);
    const long long fid = a1.exec("SELECT min(fid) FROM ruralatlas.villages").integer(0, 0);
    for (const std::string set : {"status = 'rich'", "population = -5", "terrain = 'sea'"}) {
        a1.exec("BEGIN");
        try {
            a1.exec("UPDATE ruralatlas.villages SET " + set + " WHERE fid = " + std::to_string(fid));
            ADD_FAILURE() << set << " was accepted";
        } catch (const PgError& e) {
            EXPECT_EQ(e.state(), "23514") << set << ": " << e.what();  // check_violation
        }
        a1.exec("ROLLBACK");
    }
}

// Offline work: a checkout edited in the field syncs back; a feature someone changed meanwhile
// is a conflict (nothing written until resolved), then taken from the server or kept.
TEST_F(Server, ACheckoutSyncsBackAndConflictsAreResolvedPerFeature) {
    using namespace ruralatlas;
    ruralatlas::test::TempDir tmp;
    Feedback fb;
    const std::string file = tmp.file("field.gpkg");
    const auto pulled = srv::pull(serverName("p1"), kCounty, file, "", false, fb, true);
    EXPECT_EQ(pulled.unreadable, (std::vector<std::string>{"households", "supervision_visits"}));
    EXPECT_TRUE(srv::sync(file, serverName("p1"), srv::Resolve::Ask, {}, {}, true).pending.empty());

    io::initGdal();
    const auto exec = [&](const std::string& sql) {
        io::DatasetPtr ds = io::openVector(file, true);
        if (OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr)) ds->ReleaseResultSet(r);
    };
    const auto serverFid = [&](long long fileFid) {
        io::DatasetPtr ds = io::openVector(file, false);
        OGRLayer* r = ds->ExecuteSQL(
            ("SELECT server_fid FROM ruralatlas_checkout WHERE layer = 'plan_targets' AND fid = " + std::to_string(fileFid)).c_str(),
            nullptr, nullptr);
        io::FeaturePtr f(r->GetNextFeature());
        const long long id = f->GetFieldAsInteger64(0);
        ds->ReleaseResultSet(r);
        return id;
    };
    // In the field: two targets changed, one deleted, one added.
    exec("UPDATE plan_targets SET value = 111 WHERE fid = 10");
    exec("UPDATE plan_targets SET value = 222 WHERE fid = 11");
    exec("DELETE FROM plan_targets WHERE fid = 12");
    exec(
        "INSERT INTO plan_targets (village_code, indicator, bound, value, source) SELECT village_code, indicator, bound, 333, 'field' "
        "FROM plan_targets WHERE fid = 13");
    const long long s10 = serverFid(10), s11 = serverFid(11), s12 = serverFid(12);
    EXPECT_EQ(srv::sync(file, serverName("p1"), srv::Resolve::Ask, {}, {}, true).pending.size(), 4u);
    // Meanwhile at the office: the administrator changes targets 10 and 11.
    PgConn a1(conninfo("a1"), kCounty);
    a1.exec("UPDATE ruralatlas.plan_targets SET value = 5 WHERE fid IN (" + std::to_string(s10) + ", " + std::to_string(s11) + ")");

    PgConn owner(conninfo("postgres"), kCounty);
    const auto value = [&](long long fid) {
        const PgResult r = owner.exec("SELECT value FROM ruralatlas.plan_targets WHERE fid = " + std::to_string(fid));
        return r.rows() ? r.text(0, 0) : std::string("(deleted)");
    };
    const auto r1 = srv::sync(file, serverName("p1"), srv::Resolve::Ask, {}, {});
    EXPECT_FALSE(r1.saved);
    ASSERT_EQ(r1.conflicts.size(), 2u);
    EXPECT_EQ(r1.conflicts[0].changedBy, "a1");
    EXPECT_EQ(r1.conflicts[0].fid, 10);  // named by the file's id
    // Nothing written: not the deletion, not the new target either.
    EXPECT_NE(value(s12), "(deleted)");
    EXPECT_EQ(owner.exec("SELECT count(*) FROM ruralatlas.plan_targets WHERE source = 'field'").integer(0, 0), 0);

    // Theirs for 10, mine for 11.
    const auto r2 = srv::sync(file, serverName("p1"), srv::Resolve::Ask, {"plan_targets:11"}, {"plan_targets:10"});
    ASSERT_TRUE(r2.saved);
    EXPECT_EQ(r2.tookTheirs, 1);
    EXPECT_EQ(r2.keptMine, 1);
    EXPECT_EQ(value(s10), "5");
    EXPECT_EQ(value(s11), "222");
    EXPECT_EQ(value(s12), "(deleted)");
    EXPECT_EQ(owner.exec("SELECT count(*) FROM ruralatlas.plan_targets WHERE source = 'field' AND value = 333").integer(0, 0), 1);
    {
        io::Project p = io::Project::open(file, false);
        io::FeaturePtr f(p.layer("plan_targets").GetFeature(10));
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("value"), 5.0);  // theirs, in the file
    }
    // In step: nothing left to send, and a further edit goes through without conflict.
    EXPECT_TRUE(srv::sync(file, serverName("p1"), srv::Resolve::Ask, {}, {}, true).pending.empty());
    exec("UPDATE plan_targets SET value = 444 WHERE fid = 11");
    EXPECT_TRUE(srv::sync(file, serverName("p1"), srv::Resolve::Ask, {}, {}).saved);
    EXPECT_EQ(value(s11), "444");
}

// A server table comes in its storage order, which edits and the planner's choice of plan
// change from one read to the next; analyses get facilities and roads in feature-id order, as
// from a file (an analysis that reads them twice, as gaps does, then names the right facility).
TEST_F(Server, FacilitiesAndRoadsComeInIdOrderWhateverTheStorageOrder) {
    PgConn owner(conninfo("postgres"), kCounty);
    // Every row stored again in reverse id order (one transaction: no vacuum frees the old rows'
    // room in between, so the new ones are appended in that order).
    owner.exec("BEGIN");
    for (const std::string layer : {"facilities", "roads"}) {
        owner.exec("CREATE TEMP TABLE copy_" + layer + " AS SELECT * FROM ruralatlas." + layer);
        owner.exec("DELETE FROM ruralatlas." + layer);
        owner.exec("INSERT INTO ruralatlas." + layer + " SELECT * FROM copy_" + layer + " ORDER BY fid DESC");
    }
    owner.exec("COMMIT");
    const PgResult stored = owner.exec("SELECT array_agg(fid) = array_agg(fid ORDER BY fid) FROM ruralatlas.facilities");
    ASSERT_EQ(stored.text(0, 0), "f") << "the storage order should differ from the id order for this test";

    auto source = ruralatlas::io::openProjectSource(serverName("a1"));
    const PgResult ids = owner.exec("SELECT id FROM ruralatlas.facilities WHERE geom IS NOT NULL ORDER BY fid");
    const auto facilities = source->facilities("", {});
    ASSERT_EQ(facilities.size(), static_cast<std::size_t>(ids.rows()));
    for (int i = 0; i < ids.rows(); ++i) ASSERT_EQ(facilities[i].id, ids.text(i, 0)) << "facility " << i;

    const PgResult parts = owner.exec(
        "SELECT class, ST_X(ST_StartPoint((d).geom)), ST_Y(ST_StartPoint((d).geom)) FROM "
        "(SELECT fid, class, ST_Dump(geom) AS d FROM ruralatlas.roads) s ORDER BY fid, (d).path");
    const auto roads = source->roads();
    ASSERT_EQ(roads.size(), static_cast<std::size_t>(parts.rows()));
    for (int i = 0; i < parts.rows(); ++i) {
        ASSERT_EQ(roads[i].cls, parts.text(i, 0)) << "road part " << i;
        ASSERT_NEAR(roads[i].line.front().x, std::stod(parts.text(i, 1)), 1e-6) << "road part " << i;
        ASSERT_NEAR(roads[i].line.front().y, std::stod(parts.text(i, 2)), 1e-6) << "road part " << i;
    }
}
