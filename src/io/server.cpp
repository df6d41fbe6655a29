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

namespace {
// Copies the features of `src` into `dst` (fields matched by name, bookkeeping columns left to
// the database), counting; DataError naming the feature that could not be written.
long long copyFeatures(OGRLayer& src, OGRLayer& dst, const std::string& where, const std::string& county, Feedback& feedback) {
    long long n = 0;
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
                Feedback& feedback) {
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
    const std::string dem = demFromServer(serverName(t));  // the DEM has no history: the current one

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
            report.features += copyFeatures(*in, *o, serverName(t), t.county, feedback);
            ++report.layers;
        }
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

SaveResult saveEdits(const std::string& server, const std::vector<FeatureEdit>& edits) {
    const Target t = parseTarget(server);
    PgConn c(t.conninfo, t.county);
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
            std::sort(list.begin(), list.end(), [](const FeatureEdit* a, const FeatureEdit* b) { return a->fid < b->fid; });
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
        for (const auto& [layer, list] : byLayer) {
            for (const FeatureEdit* e : list) {
                const std::string T = std::string(kSchema) + "." + layer;
                std::vector<std::optional<std::string>> params;
                if (e->remove) {
                    c.exec("DELETE FROM " + T + " WHERE fid = $1", {std::to_string(e->fid)});
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
                        vals += ", public.ST_GeomFromText($" + std::to_string(params.size()) + ")";
                    }
                    c.exec("INSERT INTO " + T + " (" + cols + ") VALUES (" + vals + ")", params);
                } else {
                    std::string sets;
                    params.push_back(std::to_string(e->fid));
                    for (const auto& [k, v] : e->fields) {
                        params.push_back(v);
                        sets += (sets.empty() ? "" : ", ") + pgIdent(k) + " = $" + std::to_string(params.size());
                    }
                    if (!e->wkt.empty()) {
                        params.push_back(e->wkt);
                        sets += (sets.empty() ? "" : ", ") + std::string("geom = public.ST_GeomFromText($") +
                                std::to_string(params.size()) + ")";
                    }
                    if (sets.empty()) continue;
                    c.exec("UPDATE " + T + " SET " + sets + " WHERE fid = $1", params);
                }
                ++result.rows;
            }
        }
        tx.commit();
        result.saved = true;
        return result;
    });
}

}  // namespace ruralatlas::io::server
