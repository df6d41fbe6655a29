// The shared server form of projects: the data model in PostgreSQL 15 + PostGIS 3.3, many
// counties in one schema kept apart by row-level security, roles enforced by the database, a row
// version on every feature (a save of a feature changed since it was read is refused by the
// database) and a trigger-written history of every change (what a past date looked like).
//
// A server project is named by a connection string: "PG:dbname=ruralatlas host=... county=433127"
// (libpq keywords plus `county`, the county the session works on). Project::open accepts it;
// this header is what `ruralatlas server`, `push` and `pull` need, with no GDAL or libpq type.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/feedback.hpp"
#include "core/result_table.hpp"
#include "core/schema.hpp"

namespace ruralatlas::io::server {

// The schema of the shared tables and of their history, and the group roles.
constexpr const char* kSchema = "ruralatlas";
constexpr const char* kHistorySchema = "ruralatlas_history";
constexpr const char* kResultSchema = "ruralatlas_results";

// The five roles of a county office, as group roles in the database ("ra_" + name).
// admin: edits every layer of their counties; planner: the planning layers; relocation: the
// relocation layers and households; viewer: reads their township; auditor: reads, edits nothing.
const std::vector<std::string>& roles();
// Which of the edit groups a layer belongs to: "base", "planning", "relocation" or "monitoring".
std::string editGroup(const std::string& layer);
// Whether `role` may edit `layer` (the table of rights the database enforces).
bool roleMayEdit(const std::string& role, const std::string& layer);
// Whether `role` may read `layer` in detail (households: admin and relocation only).
bool roleMayRead(const std::string& role, const std::string& layer);

struct Target {
    std::string conninfo;  // libpq keywords without the "PG:" prefix and without county/as_of
    std::string county;    // 6 digits, or empty
};
bool isServer(const std::string& name);
// Splits "PG:... county=433127" into its libpq part and the county; UsageError-like DataError
// when the county is not 6 digits.
Target parseTarget(const std::string& name);
// The GDAL connection string of a server project: only the shared schema is listed, and the
// session's county is set for row-level security (a libpq `options` GUC).
std::string gdalConnection(const Target& target);

// The GDAL connection string of the analysis results written back (ruralatlas_results): the
// session's county set, so row-level security gives that county's rows (a township viewer's
// township's).
std::string resultsConnection(const Target& target);
// The default styles ("PLUGIN/FILE.json") of the county's results on the server, by table name
// (as resultStyles gives them for a file).
std::vector<std::string> serverResultStyles(const std::string& server);

// Connects once: DataError with libpq's words (server missing, login refused, no schema).
void checkConnection(const Target& target);

// The whole DDL: schema, domains, tables with Chinese comments, indexes, triggers, policies,
// roles and grants. Idempotent where PostgreSQL allows (roles and schema are created if absent).
std::string schemaSql();
// Pieces of it, for `server upgrade`: one layer's table, history, triggers, indexes and rights;
// an enumeration's domain; a column's definition (with its NOT NULL and range check, or bare as
// in the history tables); the columns of a layer's extra index (after ra_county); a domain's check.
std::string layerSql(const LayerDef& def);
// The view of households by village and cause for every role (counts under 5 withheld).
std::string householdCausesSql();
// The history of each county's DEM (its table, the trigger that fills it, its rights).
std::string demHistorySql();
std::string enumerationSql(const Enumeration& e);
std::string columnSql(const FieldDef& f, bool constraints);
std::string indexColumns(const std::vector<std::string_view>& columns);
std::string domainCheck(const Enumeration& e);

// server upgrade: what the server's schema lacks of this version's data model, added in one
// transaction: domains of new enumerations (and new values of existing ones), new layers with
// their history, triggers and rights, new columns (on the layer and its history), new indexes.
// Returns one line per change (empty: nothing to do).
std::vector<std::string> upgrade(const std::string& server);

// server init: creates the schema in an empty database (refuses when it exists already).
// `indexBoxesUnderRls` marks PostGIS's bounding-box overlap (&&) leakproof, so the spatial index
// is used under row-level security (PostgreSQL ignores it for functions not leakproof).
void init(const std::string& server, bool indexBoxesUnderRls = false);
// server add-county: a county the server holds (its CRS from its longitude when epsg is 0).
void addCounty(const std::string& server, const std::string& code, const std::string& name, int epsg);
// server users: a login role with one role in the office and the counties (and optionally one
// township) it works on. county "*" for an auditor of every county.
void addUser(const std::string& server, const std::string& user, const std::string& role, const std::vector<std::string>& counties,
             const std::string& township, const std::string& password);
void removeUser(const std::string& server, const std::string& user);
struct UserRight {
    std::string user, role, county, township;
};
std::vector<UserRight> listUsers(const std::string& server);

struct PushReport {
    std::string county;
    long long features = 0;
    int layers = 0;
    bool replaced = false;
};
// push: every layer of a GeoPackage project into the server, for its county, in one transaction.
// Refuses when the server holds the county's data already unless `replace`.
PushReport push(const std::string& gpkg, const std::string& server, bool replace, Feedback& feedback);

struct PullReport {
    long long features = 0;
    int layers = 0;
    std::vector<std::string> unreadable;  // layers the login may not read: left empty in the file
};
// pull: a county from the server into a new GeoPackage project (atomically). `asOf` (YYYY-MM-DD
// or an ISO timestamp) takes the county as it was then, from the history.
// `checkout` also records, in the file, the server id and version of every feature pulled, so
// that `sync` can send back what was changed offline and detect what others changed meanwhile.
PullReport pull(const std::string& server, const std::string& county, const std::string& out, const std::string& asOf, bool overwrite,
                Feedback& feedback, bool checkout = false);

// The county's DEM as GeoTIFF bytes (empty when it has none), for the server's project source.
std::string demFromServer(const std::string& server);

struct Conflict {
    std::string layer;
    long long fid = 0;
    long long yourVersion = 0, theirVersion = 0;
    std::string changedBy, changedAt;
};
// One feature edit of a save: set fields (text values; empty optional = NULL) of a feature read
// at `version`; delete when `remove`.
struct FeatureEdit {
    std::string layer;
    long long fid = 0;
    long long version = 0;
    bool remove = false;
    std::vector<std::pair<std::string, std::optional<std::string>>> fields;
    std::string wkt;  // new geometry (project CRS) as WKT or hex WKB, empty = unchanged
};
struct SaveResult {
    bool saved = false;
    std::vector<Conflict> conflicts;  // when not saved: every feature changed since it was read
    int rows = 0;
    std::vector<long long> inserted;  // the server ids of the new features, in the order of the edits
    // When saved, per edit (in the order given): the feature's server id (new ones included) and
    // its row version now (0 for a deletion), so that the next save of it needs no re-read.
    std::vector<long long> fids, versions;
};

// sync: sends what was changed in a checked-out file (pull --checkout) back to the server in one
// save, all or nothing. Features others changed since the checkout are conflicts: listed, and
// nothing is written, unless resolved: `mine` (overwrite theirs) or `theirs` (take the server's
// into the file), for all conflicts or per feature ("layer:fid" of the file).
enum class Resolve { Ask, Mine, Theirs };
// Whether a file is a checkout (pull --checkout), and of which county.
bool isCheckout(const std::string& file);
std::string checkoutCounty(const std::string& file);
struct SyncReport {
    bool saved = false;
    int updated = 0, inserted = 0, deleted = 0, tookTheirs = 0, keptMine = 0;
    std::vector<Conflict> conflicts;   // unresolved (layer and the file's fid)
    std::vector<std::string> pending;  // dry run: what would be sent ("layer:fid changed|new|deleted")
};
SyncReport sync(const std::string& file, const std::string& server, Resolve all, const std::vector<std::string>& mine,
                const std::vector<std::string>& theirs, bool dryRun = false);
// Saves edits in one short transaction: every edited feature is checked against its current
// version first (all conflicts listed, nothing written when any); no lock is held before the save.
SaveResult saveEdits(const std::string& server, const std::vector<FeatureEdit>& edits);
// The same on a connection kept open (an editing session): no connection set-up per save.
class PgConn;
SaveResult saveEdits(PgConn& connection, const std::string& county, const std::vector<FeatureEdit>& edits);

// Analysis results written back into the server project (--out "PG:... county=C"): each table
// into ruralatlas_results.<name>, the county's earlier rows replaced, all tables in one
// transaction; the rights are the database's (administrators, planners, relocation officers).
class ServerResultSink : public ResultSink {
public:
    explicit ServerResultSink(std::string server);
    void write(const std::vector<ResultTable>& tables, int epsg) override;

private:
    Target m_target;
};

}  // namespace ruralatlas::io::server
