#include "io/server.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/schema.hpp"
#include "io/gdal_util.hpp"
#include "io/pg_conn.hpp"
#include "io/project.hpp"
#include "io/project_spec.hpp"
#include "io/result_files.hpp"

namespace ruralatlas::io::server {

namespace {
bool sixDigits(const std::string& s) {
    return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// libpq keyword=value tokens, values possibly single-quoted.
std::vector<std::string> tokens(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\' && quoted && i + 1 < s.size()) {
            cur += c;
            cur += s[++i];
        } else if (c == '\'') {
            quoted = !quoted;
            cur += c;
        } else if (c == ' ' && !quoted) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

std::string serverName(const Target& t) { return "PG:" + t.conninfo + (t.county.empty() ? "" : " county=" + t.county); }

// Runs `what`, turning PostgreSQL's refusals into DataErrors naming the server (and the layer).
template <class F>
auto guarded(const Target& t, const std::string& layer, F&& what) {
    try {
        return what();
    } catch (const PgError& e) {
        std::string msg = e.what();
        if (e.state() == "42501") msg = "permission denied (the server's rights): " + msg;
        throw DataError({serverName(t), layer}, msg);
    }
}

std::vector<const LayerDef*> tableLayers() {
    std::vector<const LayerDef*> out;
    for (const auto& def : projectLayers())
        if (def.geometry != GeometryKind::Raster) out.push_back(&def);
    return out;
}
}  // namespace

// What a checkout records of each feature it pulled (table ruralatlas_checkout in the file).
struct CheckoutRow {
    std::string layer;
    long long fid = 0, serverFid = 0, version = 0;
    std::string digest;
};
std::string fieldText(OGRFeature& f, int i);
std::string featureDigest(OGRFeature& f, const LayerDef& def);

namespace {
void execFile(GDALDataset& ds, const std::string& sql) {
    CPLErrorReset();
    OGRLayer* r = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (r) ds.ReleaseResultSet(r);
    if (CPLGetLastErrorType() == CE_Failure) throw DataError({ds.GetDescription(), "ruralatlas_checkout"}, lastGdalError());
}
std::string rowValues(const CheckoutRow& r) {
    return "(" + pgQuote(r.layer) + ", " + std::to_string(r.fid) + ", " + std::to_string(r.serverFid) + ", " + std::to_string(r.version) +
           ", " + pgQuote(r.digest) + ")";
}
void writeCheckout(GDALDataset& ds, const Target& t, const std::vector<std::string>& layers, const std::vector<CheckoutRow>& rows) {
    execFile(ds,
             "CREATE TABLE ruralatlas_checkout (layer TEXT NOT NULL, fid INTEGER NOT NULL, server_fid INTEGER NOT NULL, "
             "version INTEGER NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (layer, fid))");
    execFile(ds, "CREATE TABLE ruralatlas_checkout_info (key TEXT PRIMARY KEY, value TEXT)");
    std::string list;
    for (const auto& l : layers) list += (list.empty() ? "" : ",") + l;
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{{"county", t.county}, {"layers", list}})
        execFile(ds, "INSERT INTO ruralatlas_checkout_info VALUES (" + pgQuote(k) + ", " + pgQuote(v) + ")");
    for (std::size_t i = 0; i < rows.size(); i += 500) {
        std::string sql = "INSERT INTO ruralatlas_checkout VALUES ";
        for (std::size_t j = i; j < std::min(rows.size(), i + 500); ++j) sql += (j > i ? ", " : "") + rowValues(rows[j]);
        execFile(ds, sql);
    }
}
}  // namespace

bool isServer(const std::string& name) { return name.rfind("PG:", 0) == 0 || name.rfind("pg:", 0) == 0; }

Target parseTarget(const std::string& name) {
    if (!isServer(name)) throw DataError({name}, "not a server connection (it must start with PG:)");
    Target t;
    for (const auto& tok : tokens(name.substr(3))) {
        if (tok.rfind("county=", 0) == 0) {
            t.county = tok.substr(7);
            if (!sixDigits(t.county)) throw DataError({name}, "county=" + t.county + " is not a 6-digit county code");
        } else {
            t.conninfo += (t.conninfo.empty() ? "" : " ") + tok;
        }
    }
    return t;
}

std::string gdalConnection(const Target& target) {
    std::string s = "PG:" + target.conninfo + " schemas=" + kSchema;
    if (!target.county.empty()) s += " options='-c ruralatlas.county=" + target.county + "'";
    return s;
}

std::string resultsConnection(const Target& target) {
    std::string s = "PG:" + target.conninfo + " schemas=" + kResultSchema;
    if (!target.county.empty()) s += " options='-c ruralatlas.county=" + target.county + "'";
    return s;
}

std::vector<std::string> serverResultStyles(const std::string& server) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo, t.county);
    std::vector<std::string> out;
    guarded(t, std::string(kResultSchema), [&] {
        const PgResult r = c.exec("SELECT style FROM " + std::string(kResultSchema) +
                                      ".results WHERE ra_county = $1 AND style IS NOT NULL AND style <> '' ORDER BY table_name",
                                  {t.county});
        for (int i = 0; i < r.rows(); ++i)
            if (std::find(out.begin(), out.end(), r.text(i, 0)) == out.end()) out.push_back(r.text(i, 0));
        return 0;
    });
    return out;
}

void checkConnection(const Target& target) {
    PgConn c(target.conninfo, target.county);
    guarded(target, "", [&] {
        if (c.exec("SELECT 1 FROM pg_namespace WHERE nspname = '" + std::string(kSchema) + "'").rows() == 0)
            throw DataError({serverName(target)},
                            "not a RuralAtlas server: no schema " + std::string(kSchema) + " (create it with 'ruralatlas server init')");
        return 0;
    });
}

void init(const std::string& server, bool indexBoxesUnderRls) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo);
    guarded(t, "", [&] {
        if (c.exec("SELECT 1 FROM pg_namespace WHERE nspname = '" + std::string(kSchema) + "'").rows() > 0)
            throw DataError({serverName(t)}, "the server holds a RuralAtlas schema already (nothing changed)");
        PgTransaction tx(c);
        c.exec(schemaSql());
        if (indexBoxesUnderRls) c.exec("ALTER FUNCTION public.geometry_overlaps(public.geometry, public.geometry) LEAKPROOF");
        tx.commit();
        return 0;
    });
}

std::vector<std::string> upgrade(const std::string& server) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo);
    std::vector<std::string> done;
    guarded(t, "", [&] {
        const std::string S = kSchema, H = kHistorySchema;
        if (c.exec("SELECT 1 FROM pg_namespace WHERE nspname = '" + S + "'").rows() == 0)
            throw DataError({serverName(t)}, "not a RuralAtlas server: no schema " + S + " (create it with 'ruralatlas server init')");
        PgTransaction tx(c);
        // Enumerations: a domain each, its check naming every value.
        std::map<std::string, std::string> domains;
        const PgResult d = c.exec(
            "SELECT t.typname, coalesce(string_agg(pg_get_constraintdef(k.oid), ' '), '') FROM pg_type t JOIN pg_namespace n ON n.oid = "
            "t.typnamespace LEFT JOIN pg_constraint k ON k.contypid = t.oid WHERE n.nspname = '" +
            S + "' AND t.typtype = 'd' GROUP BY t.typname");
        for (int i = 0; i < d.rows(); ++i) domains[d.text(i, 0)] = d.text(i, 1);
        for (const auto& e : enumerations()) {
            const std::string name(e.name);
            const auto it = domains.find(name);
            if (it == domains.end()) {
                c.exec(enumerationSql(e));
                done.push_back("domain " + name);
                continue;
            }
            std::string added;
            for (const auto& v : e.values)
                if (it->second.find("'" + std::string(v.code) + "'") == std::string::npos)
                    added += (added.empty() ? "" : ", ") + std::string(v.code);
            if (added.empty()) continue;
            const PgResult checks = c.exec(
                "SELECT k.conname FROM pg_constraint k JOIN pg_type t ON t.oid = k.contypid JOIN pg_namespace n "
                "ON n.oid = t.typnamespace WHERE n.nspname = '" +
                S + "' AND t.typname = " + pgQuote(name));
            for (int i = 0; i < checks.rows(); ++i)
                c.exec("ALTER DOMAIN " + S + "." + name + " DROP CONSTRAINT " + pgIdent(checks.text(i, 0)));
            c.exec("ALTER DOMAIN " + S + "." + name + " ADD " + domainCheck(e));
            done.push_back("domain " + name + ": values " + added);
        }
        // Layers, their columns and their extra indexes.
        std::map<std::string, std::set<std::string>> columns;
        const PgResult cols = c.exec("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = '" + S + "'");
        for (int i = 0; i < cols.rows(); ++i) columns[cols.text(i, 0)].insert(cols.text(i, 1));
        for (const auto& def : projectLayers()) {
            if (def.geometry == GeometryKind::Raster) continue;
            const std::string name(def.name), T = S + "." + name, HT = H + "." + name;
            if (!columns.count(name)) {
                c.exec(layerSql(def));
                done.push_back("layer " + name);
                continue;
            }
            for (const auto& f : def.fields) {
                if (columns[name].count(std::string(f.name))) continue;
                // NOT NULL only on an empty table (rows there have no value for it).
                const bool empty = c.exec("SELECT NOT EXISTS (SELECT 1 FROM " + T + ")").text(0, 0) == "t";
                FieldDef added = f;
                if (!empty) added.required = false;
                c.exec("ALTER TABLE " + T + " ADD COLUMN " + columnSql(added, true));
                c.exec("ALTER TABLE " + HT + " ADD COLUMN " + columnSql(f, false));
                c.exec("COMMENT ON COLUMN " + T + "." + std::string(f.name) + " IS " + pgQuote(std::string(f.titleZh)));
                done.push_back("column " + name + "." + std::string(f.name) +
                               (f.required && !empty ? " (without NOT NULL: the table has rows without a value)" : ""));
            }
            const PgResult idx = c.exec("SELECT indexdef FROM pg_indexes WHERE schemaname = '" + S + "' AND tablename = " + pgQuote(name));
            for (const auto& ic : def.indexes) {
                const std::string want = "(" + indexColumns(ic) + ")";
                bool have = false;
                for (int i = 0; i < idx.rows() && !have; ++i) have = idx.text(i, 0).find(want) != std::string::npos;
                if (have) continue;
                c.exec("CREATE INDEX ON " + T + " " + want);
                done.push_back("index " + name + " " + want);
            }
        }
        if (c.exec("SELECT 1 FROM pg_tables WHERE schemaname = '" + H + "' AND tablename = 'dem'").rows() == 0) {
            c.exec(demHistorySql());
            done.push_back("history dem");
        }
        if (c.exec("SELECT 1 FROM pg_views WHERE schemaname = '" + S + "' AND viewname = 'household_causes'").rows() == 0) {
            c.exec(householdCausesSql());
            done.push_back("view household_causes");
        }
        tx.commit();
        return 0;
    });
    return done;
}

void addCounty(const std::string& server, const std::string& code, const std::string& name, int epsg) {
    const Target t = parseTarget(server);
    if (!sixDigits(code)) throw DataError({serverName(t), "counties", code}, "a county code has 6 digits");
    if (epsg < 4534 || epsg > 4554)
        throw DataError({serverName(t), "counties", code}, "the CRS must be a CGCS2000 3-degree Gauss-Kruger zone, EPSG:4534-4554");
    PgConn c(t.conninfo);
    guarded(t, "counties", [&] {
        c.exec("INSERT INTO " + std::string(kSchema) +
                   ".counties (code, name, epsg) VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name",
               {code, name, std::to_string(epsg)});
        return 0;
    });
}

void addUser(const std::string& server, const std::string& user, const std::string& role, const std::vector<std::string>& counties,
             const std::string& township, const std::string& password) {
    const Target t = parseTarget(server);
    if (std::find(roles().begin(), roles().end(), role) == roles().end())
        throw DataError({serverName(t), "user_rights", user}, "unknown role " + role + " (admin, planner, relocation, viewer, auditor)");
    if (!std::regex_match(user, std::regex("[a-z_][a-z0-9_]{0,62}")))
        throw DataError({serverName(t), "user_rights", user}, "a user name is lower-case letters, digits and _");
    if (counties.empty()) throw DataError({serverName(t), "user_rights", user}, "name at least one county (--county)");
    if (role == "viewer" && (township.size() != 9 || township.substr(0, 6) != counties.front() || counties.size() != 1))
        throw DataError({serverName(t), "user_rights", user}, "a township viewer needs one county and a 9-digit township of it");
    PgConn c(t.conninfo);
    guarded(t, "user_rights", [&] {
        PgTransaction tx(c);
        const bool exists = c.exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {user}).rows() > 0;
        if (!exists) c.exec("CREATE ROLE " + pgIdent(user) + " LOGIN" + (password.empty() ? "" : " PASSWORD " + pgQuote(password)));
        for (const auto& r : roles()) c.exec("REVOKE ra_" + r + " FROM " + pgIdent(user));
        c.exec("GRANT ra_" + role + " TO " + pgIdent(user));
        c.exec("DELETE FROM " + std::string(kSchema) + ".user_rights WHERE username = $1", {user});
        for (const auto& county : counties) {
            if (county != "*" && c.exec("SELECT 1 FROM " + std::string(kSchema) + ".counties WHERE code = $1", {county}).rows() == 0)
                throw DataError({serverName(t), "counties", county}, "the server holds no such county (server add-county first)");
            c.exec(
                "INSERT INTO " + std::string(kSchema) + ".user_rights (username, role, county_code, township_code) VALUES ($1, $2, $3, $4)",
                {user, role, county, township});
        }
        tx.commit();
        return 0;
    });
}

void removeUser(const std::string& server, const std::string& user) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo);
    guarded(t, "user_rights", [&] {
        PgTransaction tx(c);
        c.exec("DELETE FROM " + std::string(kSchema) + ".user_rights WHERE username = $1", {user});
        if (c.exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {user}).rows() > 0) c.exec("DROP ROLE " + pgIdent(user));
        tx.commit();
        return 0;
    });
}

std::vector<UserRight> listUsers(const std::string& server) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo);
    return guarded(t, "user_rights", [&] {
        std::vector<UserRight> out;
        const PgResult r = c.exec("SELECT username, role, county_code, township_code FROM " + std::string(kSchema) +
                                  ".user_rights ORDER BY username, county_code");
        for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
        return out;
    });
}

// ---------------------------------------------------------------------------------------------
// push and pull: the file form and the server form of one county.

std::string featureDigest(OGRFeature& f, const LayerDef& def) {
    // FNV-1a over the model fields (as stored) and the geometry's WKB: what a sync compares.
    std::uint64_t h = 1469598103934665603ULL;
    const auto mix = [&h](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
    };
    for (const auto& fd : def.fields) {
        const int i = f.GetFieldIndex(std::string(fd.name).c_str());
        const std::string v = i >= 0 && f.IsFieldSetAndNotNull(i) ? "=" + fieldText(f, i) : std::string("null");
        mix(v.data(), v.size());
        mix("|", 1);
    }
    if (const OGRGeometry* g = f.GetGeometryRef()) {
        std::vector<unsigned char> wkb(g->WkbSize());
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        mix(wkb.data(), wkb.size());
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

std::string fieldText(OGRFeature& f, int i) {
    switch (f.GetFieldDefnRef(i)->GetType()) {
        case OFTInteger:
        case OFTInteger64:
            return std::to_string(f.GetFieldAsInteger64(i));
        case OFTReal: {
            char b[40];
            std::snprintf(b, sizeof b, "%.17g", f.GetFieldAsDouble(i));
            return b;
        }
        default:
            return f.GetFieldAsString(i);
    }
}

namespace {
// Copies the features of `src` into `dst` (fields matched by name, bookkeeping columns left to
// the database), counting; DataError naming the feature that could not be written.
long long copyFeatures(OGRLayer& src, OGRLayer& dst, const std::string& where, const std::string& county, Feedback& feedback,
                       std::vector<CheckoutRow>* checkout = nullptr) {
    long long n = 0;
    const LayerDef* def = findLayer(dst.GetName());
    OGRFeatureDefn* dd = dst.GetLayerDefn();
    const int iCounty = dd->GetFieldIndex("ra_county");
    src.ResetReading();
    for (auto& f : src) {
        FeaturePtr out(OGRFeature::CreateFeature(dd));
        out->SetFrom(f.get(), TRUE);
        out->SetFID(OGRNullFID);
        if (iCounty >= 0) out->SetField(iCounty, county.c_str());
        for (const char* skip : {"ra_township", "ra_version"})
            if (const int i = dd->GetFieldIndex(skip); i >= 0) out->UnsetField(i);
        if (dst.CreateFeature(out.get()) != OGRERR_NONE)
            throw DataError({where, src.GetName(), std::to_string(f->GetFID())}, "cannot write the feature: " + lastGdalError());
        if (checkout && def) {
            const int iFid = f->GetFieldIndex("fid"), iVersion = f->GetFieldIndex("ra_version");
            checkout->push_back({dst.GetName(), out->GetFID(), iFid >= 0 ? f->GetFieldAsInteger64(iFid) : f->GetFID(),
                                 iVersion >= 0 ? f->GetFieldAsInteger64(iVersion) : 0, featureDigest(*out, *def)});
        }
        if (++n % 5000 == 0) feedback.checkCancelled();
    }
    return n;
}

std::string demTiffFromFile(const std::string& gpkg) {
    GDALDatasetH ds = GDALOpenEx(("GPKG:" + gpkg + ":dem").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!ds) return {};
    const std::string mem = "/vsimem/ruralatlas_push_dem_" + std::to_string(reinterpret_cast<std::uintptr_t>(ds)) + ".tif";
    const char* co[] = {"COMPRESS=DEFLATE", "TILED=YES", nullptr};
    GDALDatasetH out = GDALCreateCopy(GDALGetDriverByName("GTiff"), mem.c_str(), ds, FALSE, const_cast<char**>(co), nullptr, nullptr);
    GDALClose(ds);
    if (!out) throw DataError({gpkg, "dem"}, "cannot read the DEM: " + lastGdalError());
    GDALClose(out);
    vsi_l_offset size = 0;
    GByte* data = VSIGetMemFileBuffer(mem.c_str(), &size, FALSE);
    std::string bytes(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
    VSIUnlink(mem.c_str());
    return bytes;
}
}  // namespace

PushReport push(const std::string& gpkg, const std::string& server, bool replace, Feedback& feedback) {
    initGdal();
    Target t = parseTarget(server);
    Project src = Project::open(gpkg, false);
    const std::string county = src.meta("county_code");
    if (!sixDigits(county)) throw DataError({gpkg, "project_meta", "county_code"}, "the project has no 6-digit county code");
    if (!t.county.empty() && t.county != county)
        throw DataError({gpkg, "project_meta", "county_code"}, "the project is county " + county + ", the server name says " + t.county);
    t.county = county;
    PushReport report;
    report.county = county;

    PgConn c(t.conninfo, county);
    guarded(t, "counties", [&] {
        if (c.exec("SELECT 1 FROM " + std::string(kSchema) + ".counties WHERE code = $1", {county}).rows() == 0) {
            // A superuser (the server's owner) adds the county on first push; others must ask.
            c.exec("INSERT INTO " + std::string(kSchema) + ".counties (code, name, epsg) VALUES ($1, $2, $3)",
                   {county, src.meta("county_name"), std::to_string(src.epsg())});
        }
        return 0;
    });

    // The DEM first, read before the transaction (it is the slow part of a county).
    feedback.setProgress(0.02, "DEM");
    const std::string dem = demTiffFromFile(gpkg);

    DatasetPtr dst = openVector(gdalConnection(t), true);
    const auto layers = tableLayers();
    CPLSetThreadLocalConfigOption("PG_USE_COPY", "YES");
    struct ResetCopy {
        ~ResetCopy() { CPLSetThreadLocalConfigOption("PG_USE_COPY", nullptr); }
    } resetCopy;
    if (dst->StartTransaction() != OGRERR_NONE) throw DataError({serverName(t)}, "cannot start a transaction: " + lastGdalError());
    try {
        // Whether the county is there already: then only with --replace, all of it in this transaction.
        long long existing = 0;
        {
            OGRLayer* res =
                dst->ExecuteSQL(("SELECT count(*) FROM " + std::string(kSchema) + ".villages WHERE ra_county = '" + county + "'").c_str(),
                                nullptr, nullptr);
            if (res) {
                if (FeaturePtr f{res->GetNextFeature()}) existing = f->GetFieldAsInteger64(0);
                dst->ReleaseResultSet(res);
            }
        }
        if (existing > 0 && !replace)
            throw DataError({serverName(t), "villages"}, "the server holds county " + county + " already (" + std::to_string(existing) +
                                                             " villages); push --replace replaces it, or pull it to work on it");
        if (existing > 0 || replace) {
            for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
                const std::string sql =
                    "DELETE FROM " + std::string(kSchema) + "." + std::string((*it)->name) + " WHERE ra_county = '" + county + "'";
                CPLErrorReset();
                OGRLayer* res = dst->ExecuteSQL(sql.c_str(), nullptr, nullptr);
                if (res) dst->ReleaseResultSet(res);
                if (CPLGetLastErrorType() == CE_Failure)
                    throw DataError({serverName(t), std::string((*it)->name)}, "cannot replace the county's rows: " + lastGdalError());
            }
            report.replaced = existing > 0;
        }
        std::size_t k = 0;
        for (const LayerDef* def : layers) {
            feedback.setProgress(0.05 + 0.9 * static_cast<double>(k++) / static_cast<double>(layers.size()), std::string(def->name));
            OGRLayer* in = src.findLayer(std::string(def->name));
            if (!in) continue;  // an older project lacks the layer: nothing to push
            OGRLayer* out = dst->GetLayerByName(std::string(def->name).c_str());
            if (!out)
                throw DataError({serverName(t), std::string(def->name)},
                                "the server lacks the layer (server init made by an older release?)");
            report.features += copyFeatures(*in, *out, gpkg, county, feedback);
            ++report.layers;
        }
        if (dst->CommitTransaction() != OGRERR_NONE) throw DataError({serverName(t)}, "the server refused the push: " + lastGdalError());
    } catch (...) {
        dst->RollbackTransaction();
        throw;
    }
    dst.reset();
    if (!dem.empty()) {
        guarded(t, "dem", [&] {
            c.execWithBytes(
                "INSERT INTO " + std::string(kSchema) +
                    ".dem (ra_county, tiff) VALUES ($1, $2) ON CONFLICT (ra_county) DO UPDATE SET tiff = EXCLUDED.tiff, updated = now()",
                {county}, dem);
            return 0;
        });
    }
    feedback.setProgress(1.0, "done");
    return report;
}

std::string demFromServer(const std::string& server) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo, t.county);
    const PgResult r = guarded(
        t, "dem", [&] { return c.exec("SELECT tiff FROM " + std::string(kSchema) + ".dem WHERE ra_county = $1", {t.county}, true); });
    if (r.rows() == 0) return {};
    return r.bytes(0, 0);
}

PullReport pull(const std::string& server, const std::string& county, const std::string& out, const std::string& asOf, bool overwrite,
                Feedback& feedback, bool checkout) {
    if (checkout && !asOf.empty()) throw DataError({server}, "a checkout is of the current state (no --as-of)");
    initGdal();
    Target t = parseTarget(server);
    if (!county.empty()) t.county = county;
    if (!sixDigits(t.county)) throw DataError({server}, "name the county to pull (--county, 6 digits)");
    if (std::filesystem::exists(out) && !overwrite) throw DataError({out}, "the file exists already (use --overwrite to replace it)");
    std::string until;
    if (!asOf.empty()) {
        if (std::regex_match(asOf, std::regex(R"(\d{4}-\d{2}-\d{2})")))
            until = "('" + asOf + "'::date + 1)::timestamptz";  // the end of that day
        else if (std::regex_match(asOf, std::regex(R"(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}(:?\d{2})?|Z)?)")))
            until = "'" + asOf + "'::timestamptz";
        else
            throw DataError({server}, "--as-of " + asOf + " is not a date (YYYY-MM-DD) or a time (YYYY-MM-DD HH:MM)");
    }

    PgConn c(t.conninfo, t.county);
    ProjectSpec spec;
    spec.countyCode = t.county;
    guarded(t, "counties", [&] {
        const PgResult r = c.exec("SELECT name, epsg FROM " + std::string(kSchema) + ".counties WHERE code = $1", {t.county});
        if (r.rows() == 0)
            throw DataError({serverName(t), "counties", t.county}, "the server holds no such county (or you have no right to it)");
        spec.countyName = r.text(0, 0);
        spec.epsg = std::stoi(r.text(0, 1));
        if (c.exec("SELECT 1 FROM " + std::string(kSchema) + ".project_meta LIMIT 1").rows() == 0)
            throw DataError({serverName(t), "project_meta"},
                            "you may not read county " + t.county + " (no right on the server), or it is empty");
        return 0;
    });
    // The DEM: the current one, or as of the date, the one the county had then (none if none).
    std::string dem;
    if (until.empty()) {
        dem = demFromServer(serverName(t));
    } else {
        const PgResult r = guarded(t, "dem", [&] {
            return c.exec("SELECT tiff FROM " + std::string(kSchema) + ".dem WHERE ra_county = $1 AND updated < " + until +
                              " UNION ALL (SELECT tiff FROM " + std::string(kHistorySchema) +
                              ".dem WHERE ra_county = $1 AND valid_from < " + until + " AND valid_to >= " + until +
                              " ORDER BY h_id DESC LIMIT 1) LIMIT 1",
                          {t.county}, true);
        });
        if (r.rows() > 0) dem = r.bytes(0, 0);
    }

    DatasetPtr srcDs = openVector(gdalConnection(t), false);
    AtomicFile file(out);
    PullReport report;
    {
        DatasetPtr dst = createProjectDataset(file.tempPath(), spec);
        if (startWriteTransaction(*dst) != OGRERR_NONE) throw DataError({out}, "cannot start a transaction");
        // The project's own metadata and standards come from the server, not the defaults.
        // (and the ids restart at 1, as in the file that was pushed).
        for (const char* reset : {"project_meta", "standards"})
            for (const std::string& sql :
                 {std::string("DELETE FROM ") + reset, std::string("DELETE FROM sqlite_sequence WHERE name = '") + reset + "'"}) {
                OGRLayer* res = dst->ExecuteSQL(sql.c_str(), nullptr, nullptr);
                if (res) dst->ReleaseResultSet(res);
            }
        const auto layers = tableLayers();
        std::vector<CheckoutRow> rows;
        std::vector<std::string> pulledLayers;
        std::size_t k = 0;
        for (const LayerDef* def : layers) {
            const std::string name(def->name);
            feedback.setProgress(0.05 + 0.85 * static_cast<double>(k++) / static_cast<double>(layers.size()), name);
            const std::string table = std::string(until.empty() ? kSchema : kHistorySchema) + "." + name;
            if (c.exec("SELECT has_table_privilege($1, 'SELECT')", {table}).text(0, 0) != "t") {
                report.unreadable.push_back(name);  // e.g. households for a planner: left empty, and said
                continue;
            }
            std::string sql;
            if (until.empty())
                sql = "SELECT * FROM " + std::string(kSchema) + "." + name + " ORDER BY fid";
            else
                sql = "SELECT * FROM (SELECT DISTINCT ON (fid) * FROM " + std::string(kHistorySchema) + "." + name +
                      " WHERE ra_county = '" + t.county + "' AND h_at < " + until +
                      " ORDER BY fid, h_id DESC) s WHERE h_op <> 'D' ORDER BY fid";
            OGRLayer* in = srcDs->ExecuteSQL(sql.c_str(), nullptr, nullptr);
            if (!in) throw DataError({serverName(t), name}, "cannot read the layer: " + lastGdalError());
            struct Release {
                GDALDataset* ds;
                OGRLayer* l;
                ~Release() { ds->ReleaseResultSet(l); }
            } release{srcDs.get(), in};
            OGRLayer* o = dst->GetLayerByName(name.c_str());
            report.features += copyFeatures(*in, *o, serverName(t), t.county, feedback, checkout ? &rows : nullptr);
            ++report.layers;
            pulledLayers.push_back(name);
        }
        if (checkout) writeCheckout(*dst, t, pulledLayers, rows);
        if (dst->CommitTransaction() != OGRERR_NONE) throw DataError({out}, commitFailure());
        if (!dem.empty()) {
            const std::string mem = "/vsimem/ruralatlas_pull_dem_" + t.county + ".tif";
            VSILFILE* fp = VSIFileFromMemBuffer(mem.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(dem.data())), dem.size(), FALSE);
            VSIFCloseL(fp);
            GDALDatasetH demDs = GDALOpenEx(mem.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
            if (!demDs) throw DataError({serverName(t), "dem"}, "the server's DEM cannot be read: " + lastGdalError());
            dst.reset();
            CPLStringList co;
            co.SetNameValue("RASTER_TABLE", "dem");
            co.SetNameValue("RASTER_IDENTIFIER", "数字高程模型");
            co.SetNameValue("TILE_FORMAT", "TIFF");
            co.SetNameValue("APPEND_SUBDATASET", "YES");
            GDALDatasetH o =
                GDALCreateCopy(GDALGetDriverByName("GPKG"), file.tempPath().c_str(), demDs, FALSE, co.List(), nullptr, nullptr);
            GDALClose(demDs);
            VSIUnlink(mem.c_str());
            if (!o) throw DataError({out, "dem"}, "cannot write the DEM: " + lastGdalError());
            GDALClose(o);
        }
    }
    file.commit();
    feedback.setProgress(1.0, "done");
    return report;
}

// ---------------------------------------------------------------------------------------------
// Saving edits: every feature checked against the version it was read at, all at once.

namespace {
// A geometry parameter: WKT, or WKB in hex (exact, what a sync sends).
std::string geometryFrom(const std::string& text, std::size_t param) {
    const bool hex =
        !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    return hex ? "public.ST_GeomFromWKB(decode($" + std::to_string(param) + ", 'hex'))"
               : "public.ST_GeomFromText($" + std::to_string(param) + ")";
}
}  // namespace

SaveResult saveEdits(const std::string& server, const std::vector<FeatureEdit>& edits) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo, t.county);
    return saveEdits(c, t.county, edits);
}

SaveResult saveEdits(PgConn& c, const std::string& county, const std::vector<FeatureEdit>& edits) {
    const Target t{c.conninfo(), county};
    SaveResult result;
    std::map<std::string, std::vector<const FeatureEdit*>> byLayer;
    for (const auto& e : edits) {
        if (!findLayer(e.layer) || e.layer == "project_meta") throw DataError({serverName(t), e.layer}, "not an editable layer");
        byLayer[e.layer].push_back(&e);
    }
    return guarded(t, "", [&] {
        PgTransaction tx(c);
        // Lock the edited rows in one order (layer, fid): concurrent saves never deadlock.
        for (auto& [layer, list] : byLayer) {
            // Stable: the new features (fid 0) keep the order given, which `inserted` follows.
            std::stable_sort(list.begin(), list.end(), [](const FeatureEdit* a, const FeatureEdit* b) { return a->fid < b->fid; });
            std::string ids;
            for (const FeatureEdit* e : list)
                if (e->fid > 0) ids += (ids.empty() ? "" : ",") + std::to_string(e->fid);
            if (ids.empty()) continue;
            const PgResult r = c.exec("SELECT fid, ra_version FROM " + std::string(kSchema) + "." + layer + " WHERE fid IN (" + ids +
                                      ") ORDER BY fid FOR UPDATE");
            std::map<long long, long long> current;
            for (int i = 0; i < r.rows(); ++i) current[r.integer(i, 0)] = r.integer(i, 1);
            for (const FeatureEdit* e : list) {
                if (e->fid <= 0) continue;
                auto it = current.find(e->fid);
                const long long now = it == current.end() ? -1 : it->second;  // -1: deleted by someone else
                if (now == e->version) continue;
                Conflict k{layer, e->fid, e->version, now, "", ""};
                const PgResult who = c.exec("SELECT h_user, to_char(h_at, 'YYYY-MM-DD HH24:MI:SS') FROM " + std::string(kHistorySchema) +
                                                "." + layer + " WHERE fid = $1 ORDER BY h_id DESC LIMIT 1",
                                            {std::to_string(e->fid)});
                if (who.rows() > 0) {
                    k.changedBy = who.text(0, 0);
                    k.changedAt = who.text(0, 1);
                }
                result.conflicts.push_back(k);
            }
        }
        if (!result.conflicts.empty()) return result;  // rolled back: nothing written
        result.fids.assign(edits.size(), 0);
        result.versions.assign(edits.size(), 0);
        for (const auto& [layer, list] : byLayer) {
            for (const FeatureEdit* e : list) {
                const std::size_t index = static_cast<std::size_t>(e - edits.data());
                result.fids[index] = e->fid;
                result.versions[index] = e->version;
                const std::string T = std::string(kSchema) + "." + layer;
                std::vector<std::optional<std::string>> params;
                if (e->remove) {
                    c.exec("DELETE FROM " + T + " WHERE fid = $1", {std::to_string(e->fid)});
                    result.versions[index] = 0;
                } else if (e->fid <= 0) {
                    std::string cols = "ra_county", vals = "$1";
                    params.push_back(t.county);
                    for (const auto& [k, v] : e->fields) {
                        params.push_back(v);
                        cols += ", " + pgIdent(k);
                        vals += ", $" + std::to_string(params.size());
                    }
                    if (!e->wkt.empty()) {
                        params.push_back(e->wkt);
                        cols += ", geom";
                        vals += ", " + geometryFrom(e->wkt, params.size());
                    }
                    const PgResult r =
                        c.exec("INSERT INTO " + T + " (" + cols + ") VALUES (" + vals + ") RETURNING fid, ra_version", params);
                    result.inserted.push_back(r.integer(0, 0));
                    result.fids[index] = r.integer(0, 0);
                    result.versions[index] = r.integer(0, 1);
                } else {
                    std::string sets;
                    params.push_back(std::to_string(e->fid));
                    for (const auto& [k, v] : e->fields) {
                        params.push_back(v);
                        sets += (sets.empty() ? "" : ", ") + pgIdent(k) + " = $" + std::to_string(params.size());
                    }
                    if (!e->wkt.empty()) {
                        params.push_back(e->wkt);
                        sets += (sets.empty() ? "" : ", ") + std::string("geom = ") + geometryFrom(e->wkt, params.size());
                    }
                    if (sets.empty()) continue;
                    const PgResult r = c.exec("UPDATE " + T + " SET " + sets + " WHERE fid = $1 RETURNING ra_version", params);
                    result.versions[index] = r.integer(0, 0);
                }
                ++result.rows;
            }
        }
        tx.commit();
        result.saved = true;
        return result;
    });
}

// ---------------------------------------------------------------------------------------------
// Results written back.

namespace {
class TextRowSink : public RowSink {
public:
    explicit TextRowSink(std::vector<std::optional<std::string>>& out) : m_out(out) {}
    void text(std::string_view v) override { m_out.emplace_back(std::string(v)); }
    void real(double v) override {
        char b[40];
        std::snprintf(b, sizeof b, "%.17g", v);
        m_out.emplace_back(std::string(b));
    }
    void integer(long long v) override { m_out.emplace_back(std::to_string(v)); }
    void null() override { m_out.emplace_back(std::nullopt); }

private:
    std::vector<std::optional<std::string>>& m_out;
};
std::string pgArray(const std::vector<std::string>& v) {
    std::string out = "{";
    for (std::size_t i = 0; i < v.size(); ++i) {
        out += i ? ",\"" : "\"";
        for (char c : v[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}
}  // namespace

ServerResultSink::ServerResultSink(std::string server) : m_target(parseTarget(server)) {
    if (m_target.county.empty()) throw DataError({server}, "name the county the results are of: PG:... county=433127");
}

void ServerResultSink::write(const std::vector<ResultTable>& tables, int) {
    PgConn c(m_target.conninfo, m_target.county);
    guarded(m_target, std::string(kResultSchema), [&] {
        PgTransaction tx(c);
        for (const ResultTable& table : tables) {
            std::vector<std::string> cols, types, titles;
            for (const auto& col : table.columns) {
                cols.push_back(col.name);
                types.push_back(col.type == ResultFieldType::Real   ? "double precision"
                                : col.type == ResultFieldType::Text ? "text"
                                                                    : "bigint");
                titles.push_back(col.titleZh);
            }
            c.exec("SELECT " + std::string(kSchema) + ".prepare_result($1, $2, $3, $4, $5)",
                   {table.name, pgArray(cols), pgArray(types), pgArray(titles), table.titleZh});
            const std::string T = std::string(kResultSchema) + "." + pgIdent(table.name);
            c.exec("DELETE FROM " + T + " WHERE ra_county = $1", {m_target.county});
            // The township of a row (for township viewers): its township code, or its village code's first 9 digits.
            int townCol = -1;
            bool fromVillage = false;
            for (std::size_t i = 0; i < cols.size(); ++i)
                if (cols[i] == "township_code") townCol = static_cast<int>(i);
            if (townCol < 0)
                for (std::size_t i = 0; i < cols.size(); ++i)
                    if (cols[i] == "village_code") {
                        townCol = static_cast<int>(i);
                        fromVillage = true;
                    }
            std::string insert = "INSERT INTO " + T + " (";
            for (const auto& col : cols) insert += pgIdent(col) + ", ";
            insert += "geom, ra_township) VALUES (";
            for (std::size_t i = 0; i < cols.size(); ++i) insert += "$" + std::to_string(i + 1) + ", ";
            insert +=
                "public.ST_GeomFromWKB(decode($" + std::to_string(cols.size() + 1) + ", 'hex')), $" + std::to_string(cols.size() + 2) + ")";
            std::vector<std::optional<std::string>> row;
            std::vector<XY> shape;
            for (std::size_t i = 0; i < table.rows; ++i) {
                row.clear();
                TextRowSink sink(row);
                table.row(i, sink);
                row.resize(cols.size());
                shape.clear();
                std::string wkb;
                if (table.shape && table.shape(i, shape)) wkb = resultShapeWkbHex(table.geometry, shape);
                std::optional<std::string> town;
                if (townCol >= 0 && row[static_cast<std::size_t>(townCol)]) {
                    town = row[static_cast<std::size_t>(townCol)]->substr(0, 9);
                    if (fromVillage && town->size() < 9) town.reset();
                }
                row.push_back(wkb.empty() ? std::nullopt : std::optional<std::string>(wkb));
                row.push_back(town);
                c.exec(insert, row);
            }
            c.exec("INSERT INTO " + std::string(kResultSchema) +
                       ".results (ra_county, table_name, title, style, rows) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ra_county, "
                       "table_name) DO "
                       "UPDATE SET title = EXCLUDED.title, style = EXCLUDED.style, rows = EXCLUDED.rows, written = now(), written_by = "
                       "session_user",
                   {m_target.county, table.name, table.titleZh, table.style, std::to_string(table.rows)});
        }
        tx.commit();
        return 0;
    });
}

// ---------------------------------------------------------------------------------------------
// sync: a checked-out file back to the server.

std::string checkoutCounty(const std::string& file) {
    initGdal();
    if (isServer(file) || !std::filesystem::exists(file)) return {};
    DatasetPtr ds = openVector(file, false);
    std::string county;
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (OGRLayer* r = ds->ExecuteSQL("SELECT value FROM ruralatlas_checkout_info WHERE key = 'county'", nullptr, nullptr)) {
        if (FeaturePtr f{r->GetNextFeature()}) county = f->GetFieldAsString(0);
        ds->ReleaseResultSet(r);
    }
    CPLPopErrorHandler();
    return county;
}

bool isCheckout(const std::string& file) { return !checkoutCounty(file).empty(); }

SyncReport sync(const std::string& file, const std::string& server, Resolve all, const std::vector<std::string>& mine,
                const std::vector<std::string>& theirs, bool dryRun) {
    initGdal();
    Project p = Project::open(file, true);
    GDALDataset& ds = p.dataset();
    std::map<std::string, std::string> info;
    {
        OGRLayer* r = ds.ExecuteSQL("SELECT key, value FROM ruralatlas_checkout_info", nullptr, nullptr);
        if (!r) throw DataError({file}, "not a checkout: pull it with --checkout first");
        for (auto& f : *r) info[f->GetFieldAsString(0)] = f->GetFieldAsString(1);
        ds.ReleaseResultSet(r);
    }
    Target t = parseTarget(server);
    if (!t.county.empty() && t.county != info["county"])
        throw DataError({file}, "the file is a checkout of county " + info["county"] + ", the server name says " + t.county);
    t.county = info["county"];
    std::map<std::pair<std::string, long long>, CheckoutRow> rows;  // (layer, file fid)
    {
        OGRLayer* r =
            ds.ExecuteSQL("SELECT layer, fid + 0 AS file_fid, server_fid, version, digest FROM ruralatlas_checkout", nullptr, nullptr);
        if (!r) throw DataError({file, "ruralatlas_checkout"}, "the checkout record is missing");
        for (auto& f : *r)
            rows[{f->GetFieldAsString(0), f->GetFieldAsInteger64(1)}] = {f->GetFieldAsString(0), f->GetFieldAsInteger64(1),
                                                                         f->GetFieldAsInteger64(2), f->GetFieldAsInteger64(3),
                                                                         f->GetFieldAsString(4)};
        ds.ReleaseResultSet(r);
    }

    // What changed in the file since the checkout.
    struct Change {
        FeatureEdit edit;
        long long fileFid = 0;  // 0 for a deletion
        std::string digest;
        bool dropped = false;
    };
    std::vector<Change> changes;
    std::set<std::pair<std::string, long long>> seen;
    std::vector<std::string> layers;
    for (std::size_t i = 0, j; i < info["layers"].size(); i = j + 1) {
        j = info["layers"].find(',', i);
        if (j == std::string::npos) j = info["layers"].size();
        layers.push_back(info["layers"].substr(i, j - i));
    }
    for (const auto& name : layers) {
        const LayerDef* def = findLayer(name);
        if (!def || name == "project_meta") continue;
        OGRLayer& l = p.layer(name);
        l.ResetReading();
        for (auto& f : l) {
            const std::string digest = featureDigest(*f, *def);
            auto it = rows.find({name, f->GetFID()});
            if (it != rows.end()) seen.insert(it->first);
            if (it != rows.end() && it->second.digest == digest) continue;
            Change c;
            c.fileFid = f->GetFID();
            c.digest = digest;
            c.edit.layer = name;
            c.edit.fid = it == rows.end() ? 0 : it->second.serverFid;
            c.edit.version = it == rows.end() ? 0 : it->second.version;
            for (const auto& fd : def->fields) {
                const int i = f->GetFieldIndex(std::string(fd.name).c_str());
                c.edit.fields.emplace_back(std::string(fd.name), i >= 0 && f->IsFieldSetAndNotNull(i)
                                                                     ? std::optional<std::string>(fieldText(*f, i))
                                                                     : std::nullopt);
            }
            if (const OGRGeometry* g = f->GetGeometryRef()) c.edit.wkt = wkbHex(*g);
            changes.push_back(std::move(c));
        }
    }
    for (const auto& [key, row] : rows)
        if (!seen.count(key) && std::find(layers.begin(), layers.end(), key.first) != layers.end() && key.first != "project_meta") {
            Change c;
            c.edit.layer = key.first;
            c.edit.fid = row.serverFid;
            c.edit.version = row.version;
            c.edit.remove = true;
            c.fileFid = key.second;
            changes.push_back(std::move(c));
        }

    SyncReport report;
    if (dryRun) {
        for (const Change& c : changes)
            report.pending.push_back(c.edit.layer + ":" + std::to_string(c.fileFid) +
                                     (c.edit.remove     ? " deleted"
                                      : c.edit.fid == 0 ? " new"
                                                        : " changed"));
        return report;
    }
    PgConn conn(t.conninfo, t.county);
    const auto decided = [&](const Change& c) {
        const std::string key = c.edit.layer + ":" + std::to_string(c.fileFid);
        if (std::find(mine.begin(), mine.end(), key) != mine.end()) return Resolve::Mine;
        if (std::find(theirs.begin(), theirs.end(), key) != theirs.end()) return Resolve::Theirs;
        return all;
    };
    std::vector<std::size_t> tookTheirs;
    SaveResult saved;
    std::vector<std::size_t> index;  // the change of each edit sent
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::vector<FeatureEdit> edits;
        index.clear();
        for (std::size_t i = 0; i < changes.size(); ++i)
            if (!changes[i].dropped) {
                edits.push_back(changes[i].edit);
                index.push_back(i);
            }
        saved = saveEdits(conn, t.county, edits);
        if (saved.saved) break;
        std::vector<Conflict> open;
        for (const Conflict& k : saved.conflicts) {
            for (std::size_t i : index) {
                Change& c = changes[i];
                if (c.edit.layer != k.layer || c.edit.fid != k.fid) continue;
                const Resolve d = decided(c);
                if (d == Resolve::Mine) {
                    if (k.theirVersion < 0) {
                        c.edit.fid = 0;  // deleted on the server: mine comes back as a new feature
                        if (c.edit.remove) c.dropped = true;
                    } else {
                        c.edit.version = k.theirVersion;
                    }
                    ++report.keptMine;
                } else if (d == Resolve::Theirs) {
                    c.dropped = true;
                    tookTheirs.push_back(i);
                    ++report.tookTheirs;
                } else {
                    Conflict shown = k;
                    shown.fid = c.fileFid;
                    open.push_back(shown);
                }
            }
        }
        if (!open.empty()) {
            report.conflicts = std::move(open);
            return report;  // nothing written, on either side
        }
    }
    if (!saved.saved) throw DataError({serverName(t)}, "others keep changing the same features: sync again");

    // The file follows: new versions and ids in the checkout record, theirs where taken.
    if (startWriteTransaction(ds) != OGRERR_NONE) throw DataError({file}, "cannot start a transaction");
    try {
        for (std::size_t k = 0; k < index.size(); ++k) {
            const Change& c = changes[index[k]];
            const std::string where = "layer = " + pgQuote(c.edit.layer) + " AND fid = " + std::to_string(c.fileFid);
            if (c.edit.remove) {
                execFile(ds, "DELETE FROM ruralatlas_checkout WHERE " + where);
                ++report.deleted;
            } else if (c.edit.fid == 0) {
                execFile(ds, "INSERT OR REPLACE INTO ruralatlas_checkout VALUES " +
                                 rowValues({c.edit.layer, c.fileFid, saved.fids.at(k), saved.versions.at(k), c.digest}));
                ++report.inserted;
            } else {
                execFile(ds, "UPDATE ruralatlas_checkout SET version = " + std::to_string(saved.versions.at(k)) +
                                 ", digest = " + pgQuote(c.digest) + " WHERE " + where);
                ++report.updated;
            }
        }
        if (!tookTheirs.empty()) {
            DatasetPtr srv = openVector(gdalConnection(t), false);
            for (std::size_t i : tookTheirs) {
                const Change& c = changes[i];
                OGRLayer& l = p.layer(c.edit.layer);
                const std::string where = "layer = " + pgQuote(c.edit.layer) + " AND fid = " + std::to_string(c.fileFid);
                OGRLayer* r = srv->ExecuteSQL(("SELECT * FROM " + c.edit.layer + " WHERE fid = " + std::to_string(c.edit.fid)).c_str(),
                                              nullptr, nullptr);
                FeaturePtr theirsNow(r ? r->GetNextFeature() : nullptr);
                if (!theirsNow) {  // deleted on the server: deleted here
                    if (c.fileFid > 0) l.DeleteFeature(c.fileFid);
                    execFile(ds, "DELETE FROM ruralatlas_checkout WHERE " + where);
                } else {
                    FeaturePtr local(OGRFeature::CreateFeature(l.GetLayerDefn()));
                    local->SetFrom(theirsNow.get(), TRUE);
                    local->SetFID(c.fileFid);
                    const FeaturePtr present(c.fileFid > 0 ? l.GetFeature(c.fileFid) : nullptr);
                    if ((present ? l.SetFeature(local.get()) : l.CreateFeature(local.get())) != OGRERR_NONE)
                        throw DataError({file, c.edit.layer, std::to_string(c.fileFid)},
                                        "cannot take the server's feature: " + lastGdalError());
                    const int iVersion = theirsNow->GetFieldIndex("ra_version");
                    execFile(ds, "INSERT OR REPLACE INTO ruralatlas_checkout VALUES " +
                                     rowValues({c.edit.layer, local->GetFID(), c.edit.fid, theirsNow->GetFieldAsInteger64(iVersion),
                                                featureDigest(*local, *findLayer(c.edit.layer))}));
                }
                if (r) srv->ReleaseResultSet(r);
            }
        }
        if (ds.CommitTransaction() != OGRERR_NONE) throw DataError({file}, commitFailure());
    } catch (...) {
        ds.RollbackTransaction();
        throw;
    }
    report.saved = true;
    return report;
}

}  // namespace ruralatlas::io::server
