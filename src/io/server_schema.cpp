// The server schema generated from the one data model (core/schema.hpp): the same layers and
// fields as a GeoPackage project, plus three bookkeeping columns on every table:
//   ra_county   the county (6 digits) the row belongs to: the key of every right;
//   ra_township the township (9 digits) it lies in, derived from its codes (NULL = county-wide);
//   ra_version  the row version, raised by the database on every update.
#include <set>
#include <sstream>

#include "core/schema.hpp"
#include "io/pg_conn.hpp"
#include "io/server.hpp"

namespace ruralatlas::io::server {

const std::vector<std::string>& roles() {
    static const std::vector<std::string> r = {"admin", "planner", "relocation", "viewer", "auditor"};
    return r;
}

// Every group role, as a GRANT lists them: "ra_admin, ra_planner, ...".
std::string groupRoles() {
    std::string out;
    for (const auto& r : roles()) out += (out.empty() ? "" : ", ") + std::string("ra_") + r;
    return out;
}

std::string editGroup(const std::string& layer) {
    static const std::set<std::string> planning = {"village_boundaries", "landuse_plan", "constraints", "plan_targets", "facilities"};
    static const std::set<std::string> relocation = {"resettlement_sites", "relocations", "households", "supervision_visits"};
    static const std::set<std::string> monitoring = {"industry_projects", "project_links", "village_indicators", "assistance_units",
                                                     "inspection_issues"};
    if (planning.count(layer)) return "planning";
    if (relocation.count(layer)) return "relocation";
    if (monitoring.count(layer)) return "monitoring";
    return "base";
}

bool roleMayEdit(const std::string& role, const std::string& layer) {
    const std::string g = editGroup(layer);
    return role == "admin" || (role == "planner" && g == "planning") || (role == "relocation" && g == "relocation");
}

bool roleMayRead(const std::string& role, const std::string& layer) {
    if (const LayerDef* def = findLayer(layer); def && def->personal) return role == "admin" || role == "relocation";
    return true;
}

namespace {
std::string columnType(const FieldDef& f) {
    if (!f.enumeration.empty()) return std::string(kSchema) + "." + std::string(f.enumeration);
    switch (f.type) {
        case FieldType::Integer:
            return "bigint";
        case FieldType::Real:
            return "double precision";
        case FieldType::Text:
            return f.width > 0 ? "varchar(" + std::to_string(f.width) + ")" : "text";
    }
    return "text";
}

std::string geometryType(GeometryKind k) {
    switch (k) {
        case GeometryKind::Point:
            return "geometry(Point)";
        case GeometryKind::LineString:
            return "geometry(LineString)";
        case GeometryKind::MultiPolygon:
            return "geometry(MultiPolygon)";
        default:
            return "";
    }
}

// Where a row's township comes from: a township code, or the first 9 digits of a village code.
std::string townshipSource(const LayerDef& def) {
    if (def.name == "townships" || def.name == "village_boundaries") return "NEW.code";
    if (def.name == "villages") return "NEW.township_code";
    if (def.name == "relocations") return "NEW.source_village_code";
    if (def.field("village_code")) return "NEW.village_code";
    return "";
}

std::string number(double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    return s.str();
}

// What the policies share: the session's county and the read rule.
struct Rules {
    std::string S = kSchema;
    std::string in(const std::string& call) const { return "ANY ((SELECT " + S + "." + call + ")::text[])"; }
    // Every session works on one county (ruralatlas.county, set on connecting): the first term is
    // what the (ra_county, ra_township) index answers, so a county is found without reading the
    // others; the rest are the rights.
    std::string here = "ra_county = " + S + ".session_county()";
    std::string readRule = "(" + here + " AND (ra_county = " + in("read_counties()") + " OR ra_township = " + in("viewer_townships()") +
                           " OR (ra_township IS NULL AND ra_county = " + in("viewer_counties()") + ")))";
};

}  // namespace

std::string columnSql(const FieldDef& f, bool constraints) {
    std::string out = std::string(f.name) + " " + columnType(f);
    if (!constraints) return out;
    if (f.required) out += " NOT NULL";
    if (f.min || f.max)
        out +=
            " CHECK (" + std::string(f.name) + " BETWEEN " + number(f.min.value_or(-1e300)) + " AND " + number(f.max.value_or(1e300)) + ")";
    return out;
}

std::string indexColumns(const std::vector<std::string_view>& columns) {
    std::string out = "ra_county";
    for (const auto& c : columns) out += ", " + std::string(c);
    return out;
}

std::string domainCheck(const Enumeration& e) {
    std::string out = "CHECK (VALUE IN (";
    for (std::size_t i = 0; i < e.values.size(); ++i) out += (i ? ", " : "") + pgQuote(std::string(e.values[i].code));
    return out + "))";
}

std::string enumerationSql(const Enumeration& e) {
    const std::string S = kSchema;
    std::string titles;
    for (const auto& v : e.values) titles += (titles.empty() ? "" : "；") + std::string(v.code) + "=" + std::string(v.titleZh);
    return "CREATE DOMAIN " + S + "." + std::string(e.name) + " AS text " + domainCheck(e) + ";\nCOMMENT ON DOMAIN " + S + "." +
           std::string(e.name) + " IS " + pgQuote(titles) + ";\n";
}

std::string layerSql(const LayerDef& def) {
    const std::string S = kSchema, H = kHistorySchema;
    const Rules rules;
    const std::string& here = rules.here;
    const std::string& readRule = rules.readRule;
    const auto in = [&](const std::string& call) { return rules.in(call); };
    std::ostringstream q;
    const std::string name(def.name), T = S + "." + name;
    q << "CREATE TABLE " << T << " (fid bigserial PRIMARY KEY, ra_county varchar(6) NOT NULL REFERENCES " << S
      << ".counties(code), ra_township varchar(9), ra_version bigint NOT NULL DEFAULT 1";
    for (const auto& f : def.fields) q << ",\n  " << columnSql(f, true);
    const std::string geom = geometryType(def.geometry);
    if (!geom.empty()) q << ",\n  geom " << geom;
    if (name == "project_meta") q << ",\n  UNIQUE (ra_county, key)";
    q << ");\n";
    q << "COMMENT ON TABLE " << T << " IS " << pgQuote(std::string(def.titleZh) + " / " + std::string(def.titleEn)) << ";\n";
    for (const auto& f : def.fields) q << "COMMENT ON COLUMN " << T << "." << f.name << " IS " << pgQuote(std::string(f.titleZh)) << ";\n";
    q << "COMMENT ON COLUMN " << T << ".ra_county IS '所属县代码（权限分隔）';\n"
      << "COMMENT ON COLUMN " << T << ".ra_township IS '所属乡镇代码（乡镇查看权限）';\n"
      << "COMMENT ON COLUMN " << T << ".ra_version IS '行版本（并发编辑检查）';\n";
    q << "CREATE INDEX ON " << T << " (ra_county, ra_township);\n";
    for (const auto& columns : def.indexes) q << "CREATE INDEX ON " << T << " (" << indexColumns(columns) << ");\n";
    if (!geom.empty()) q << "CREATE INDEX ON " << T << " USING gist (geom);\n";

    // Scope: the county of the session when not given, the township from the row's codes,
    // the county's CRS on the geometry.
    q << "CREATE FUNCTION " << S << ".scope_" << name
      << "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
         "  IF NEW.ra_county IS NULL THEN NEW.ra_county := "
      << S << ".session_county(); END IF;\n";
    if (const std::string src = townshipSource(def); !src.empty()) q << "  NEW.ra_township := left(" << src << ", 9);\n";
    if (!geom.empty())
        q << "  IF NEW.geom IS NOT NULL THEN NEW.geom := public.ST_SetSRID(NEW.geom, (SELECT epsg FROM " << S
          << ".counties WHERE code = NEW.ra_county)); END IF;\n";
    q << "  RETURN NEW;\nEND $$;\n";
    q << "CREATE TRIGGER a_scope BEFORE INSERT OR UPDATE ON " << T << " FOR EACH ROW EXECUTE FUNCTION " << S << ".scope_" << name << "();\n"
      << "CREATE TRIGGER b_version BEFORE UPDATE ON " << T << " FOR EACH ROW EXECUTE FUNCTION " << S << ".versioned();\n"
      << "CREATE TRIGGER z_audit AFTER INSERT OR UPDATE OR DELETE ON " << T << " FOR EACH ROW EXECUTE FUNCTION " << S << ".audit();\n";

    // History table: h_* then the columns of the layer, in its order.
    const std::string HT = H + "." + name;
    q << "CREATE TABLE " << HT << " (h_id bigserial PRIMARY KEY, h_at timestamptz NOT NULL, h_user name NOT NULL, h_op char(1) NOT "
      << "NULL, LIKE " << T << ");\n"
      << "CREATE INDEX ON " << HT << " (ra_county, fid, h_id);\n"
      << "COMMENT ON TABLE " << HT << " IS " << pgQuote(std::string(def.titleZh) + "修改历史") << ";\n";

    // Rights: table privileges first (what a role may do at all), then row-level security
    // (which counties and townships), forced also for the tables' owner.
    const std::string group = editGroup(name);
    for (const auto& r : roles()) {
        if (roleMayRead(r, name)) q << "GRANT SELECT ON " << T << ", " << HT << " TO ra_" << r << ";\n";
        if (roleMayEdit(r, name))
            q << "GRANT INSERT, UPDATE, DELETE ON " << T << " TO ra_" << r << ";\nGRANT USAGE ON SEQUENCE " << T << "_fid_seq TO ra_" << r
              << ";\n";
    }
    for (const std::string& t : {T, HT}) {
        q << "ALTER TABLE " << t << " ENABLE ROW LEVEL SECURITY;\nALTER TABLE " << t << " FORCE ROW LEVEL SECURITY;\n"
          << "CREATE POLICY read ON " << t << " FOR SELECT USING " << readRule << ";\n";
    }
    const std::string editRule = "(" + here + " AND ra_county = " + in("edit_counties('" + group + "')") + ")";
    q << "CREATE POLICY add ON " << T << " FOR INSERT WITH CHECK " << editRule << ";\n"
      << "CREATE POLICY change ON " << T << " FOR UPDATE USING " << editRule << " WITH CHECK " << editRule << ";\n"
      << "CREATE POLICY remove ON " << T << " FOR DELETE USING " << editRule << ";\n";
    return q.str();
}

std::string schemaSql() {
    const std::string S = kSchema, H = kHistorySchema;
    std::ostringstream q;
    q << "CREATE EXTENSION IF NOT EXISTS postgis;\n"
      << "CREATE SCHEMA " << S << ";\nCREATE SCHEMA " << H << ";\n"
      << "COMMENT ON SCHEMA " << S << " IS 'RuralAtlas 共享项目库（按县分隔） / shared projects, one county per ra_county';\n"
      << "COMMENT ON SCHEMA " << H << " IS 'RuralAtlas 修改历史 / history of every change';\n";
    // Group roles (cluster-wide: created once, kept when a database is dropped).
    q << "DO $$ BEGIN\n";
    for (const auto& r : roles())
        q << "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ra_" << r << "') THEN CREATE ROLE ra_" << r << " NOLOGIN; END IF;\n";
    q << "END $$;\n";

    q << "CREATE TABLE " << S
      << ".counties (code varchar(6) PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'), name text NOT NULL, "
         "epsg integer NOT NULL CHECK (epsg BETWEEN 4534 AND 4554), added timestamptz NOT NULL DEFAULT now());\n"
      << "COMMENT ON TABLE " << S << ".counties IS '服务器上的县 / counties held';\n"
      << "CREATE TABLE " << S
      << ".user_rights (username name NOT NULL, role text NOT NULL CHECK (role IN ('admin','planner','relocation','viewer','auditor')), "
         "county_code varchar(6) NOT NULL CHECK (county_code = '*' OR county_code ~ '^[0-9]{6}$'), "
         "township_code varchar(9) NOT NULL DEFAULT '', PRIMARY KEY (username, county_code), "
         "CHECK (role <> 'viewer' OR township_code ~ '^[0-9]{9}$'), CHECK (county_code <> '*' OR role = 'auditor'));\n"
      << "COMMENT ON TABLE " << S << ".user_rights IS '用户权限：角色与县、乡镇 / who works on which county as what';\n";

    // The session's county, and the counties and townships the session user may read or edit:
    // each evaluated once per statement (called as a sub-select in the policies).
    q << "CREATE FUNCTION " << S
      << ".session_county() RETURNS text LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('ruralatlas.county', true), '') "
         "$$;\n"
      << "CREATE FUNCTION " << S
      << ".read_counties() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$\n"
         "  SELECT coalesce(array_agg(c.code), '{}') FROM "
      << S << ".counties c WHERE (" << S << ".session_county() IS NULL OR c.code = " << S
      << ".session_county())\n"
         "    AND EXISTS (SELECT 1 FROM "
      << S
      << ".user_rights r WHERE r.username = session_user AND r.role <> 'viewer' AND (r.county_code = c.code OR r.county_code = "
         "'*')) $$;\n"
      << "CREATE FUNCTION " << S
      << ".viewer_townships() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$\n"
         "  SELECT coalesce(array_agg(r.township_code), '{}') FROM "
      << S << ".user_rights r WHERE r.username = session_user AND r.role = 'viewer' AND (" << S
      << ".session_county() IS NULL OR r.county_code = " << S << ".session_county()) $$;\n"
      << "CREATE FUNCTION " << S
      << ".viewer_counties() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$\n"
         "  SELECT coalesce(array_agg(r.county_code), '{}') FROM "
      << S << ".user_rights r WHERE r.username = session_user AND r.role = 'viewer' AND (" << S
      << ".session_county() IS NULL OR r.county_code = " << S << ".session_county()) $$;\n"
      << "CREATE FUNCTION " << S
      << ".edit_counties(grp text) RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$\n"
         "  SELECT coalesce(array_agg(r.county_code), '{}') FROM "
      << S
      << ".user_rights r WHERE r.username = session_user AND r.county_code <> '*'\n"
         "    AND (r.role = 'admin' OR (r.role = 'planner' AND grp = 'planning') OR (r.role = 'relocation' AND grp = 'relocation')\n"
         "         OR (r.role IN ('planner', 'relocation') AND grp = 'results'))\n"
         "    AND ("
      << S << ".session_county() IS NULL OR r.county_code = " << S << ".session_county()) $$;\n";
    const auto in = [&](const std::string& call) { return "ANY ((SELECT " + S + "." + call + ")::text[])"; };
    // Every session works on one county (ruralatlas.county, set on connecting): the first term is
    // what the (ra_county, ra_township) index answers, so a county is found without reading the
    // others; the rest are the rights.
    const std::string here = "ra_county = " + S + ".session_county()";
    const std::string readRule = "(" + here + " AND (ra_county = " + in("read_counties()") +
                                 " OR ra_township = " + in("viewer_townships()") +
                                 " OR (ra_township IS NULL AND ra_county = " + in("viewer_counties()") + ")))";

    // The row version: a save that carries a version other than the stored one was read before
    // someone else's save, and is refused (SQLSTATE 40001) instead of overwriting it.
    q << "CREATE FUNCTION " << S
      << ".versioned() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
         "  IF NEW.ra_version IS DISTINCT FROM OLD.ra_version THEN\n"
         "    RAISE EXCEPTION 'conflict: %.% was changed by another user since it was read (version % now, % read)', TG_TABLE_NAME, "
         "OLD.fid, OLD.ra_version, NEW.ra_version USING ERRCODE = '40001';\n"
         "  END IF;\n"
         "  IF NEW.ra_county IS DISTINCT FROM OLD.ra_county THEN\n"
         "    RAISE EXCEPTION 'a feature cannot move to another county (%.%)', TG_TABLE_NAME, OLD.fid USING ERRCODE = '42501';\n"
         "  END IF;\n"
         "  NEW.ra_version := OLD.ra_version + 1;\n  RETURN NEW;\nEND $$;\n";
    // The history: every row as inserted, updated (its new state) or deleted (its last state),
    // with when (the transaction's time) and who (the login).
    q << "CREATE FUNCTION " << S
      << ".audit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$\nBEGIN\n"
         "  IF TG_OP = 'DELETE' THEN\n"
         "    EXECUTE format('INSERT INTO "
      << H << ".%I SELECT nextval(%L), now(), session_user, ''D'', ($1).*', TG_TABLE_NAME, '" << H
      << ".' || TG_TABLE_NAME || '_h_id_seq') USING OLD;\n"
         "    RETURN OLD;\n  END IF;\n"
         "  EXECUTE format('INSERT INTO "
      << H << ".%I SELECT nextval(%L), now(), session_user, %L, ($1).*', TG_TABLE_NAME, '" << H
      << ".' || TG_TABLE_NAME || '_h_id_seq', left(TG_OP, 1)) USING NEW;\n"
         "  RETURN NEW;\nEND $$;\n";

    // Enumerations as checked domains.
    for (const auto& e : enumerations()) q << enumerationSql(e);

    const std::string allRoles = groupRoles();
    q << "GRANT USAGE ON SCHEMA " << S << ", " << H << " TO " << allRoles << ";\n"
      << "GRANT SELECT ON " << S << ".counties TO " << allRoles << ";\n";

    for (const auto& def : projectLayers())
        if (def.geometry != GeometryKind::Raster) q << layerSql(def);

    // The DEM of each county (a GeoTIFF as stored in the file form).
    q << "CREATE TABLE " << S << ".dem (ra_county varchar(6) PRIMARY KEY REFERENCES " << S
      << ".counties(code), tiff bytea NOT NULL, updated timestamptz NOT NULL DEFAULT now());\n"
      << "COMMENT ON TABLE " << S << ".dem IS '数字高程模型（GeoTIFF）';\n"
      << "ALTER TABLE " << S << ".dem ENABLE ROW LEVEL SECURITY;\nALTER TABLE " << S << ".dem FORCE ROW LEVEL SECURITY;\n"
      << "CREATE POLICY read ON " << S << ".dem FOR SELECT USING (" << here << " AND (ra_county = " << in("read_counties()")
      << " OR ra_county = " << in("viewer_counties()") << "));\n"
      << "CREATE POLICY edit ON " << S << ".dem FOR ALL USING (ra_county = " << in("edit_counties('base')")
      << ") WITH CHECK (ra_county = " << in("edit_counties('base')") << ");\n"
      << "GRANT SELECT ON " << S << ".dem TO " << allRoles << ";\nGRANT INSERT, UPDATE, DELETE ON " << S << ".dem TO ra_admin;\n"
      << demHistorySql();

    // Analysis results written back by the county's staff: one table per result (created on first
    // write by a checked SECURITY DEFINER function, with the same rights), one county's rows
    // replaced in one transaction.
    const std::string R = kResultSchema;
    q << "CREATE SCHEMA " << R << ";\nGRANT USAGE ON SCHEMA " << R << " TO " << allRoles << ";\n"
      << "COMMENT ON SCHEMA " << R << " IS 'RuralAtlas 分析结果（按县）/ analysis results, by county';\n"
      << "CREATE TABLE " << R << ".results (ra_county varchar(6) NOT NULL REFERENCES " << S
      << ".counties(code), table_name text NOT NULL, title text, style text, rows bigint, written timestamptz NOT NULL DEFAULT now(), "
         "written_by name NOT NULL DEFAULT session_user, PRIMARY KEY (ra_county, table_name));\n"
      << "ALTER TABLE " << R << ".results ENABLE ROW LEVEL SECURITY;\nALTER TABLE " << R << ".results FORCE ROW LEVEL SECURITY;\n"
      << "CREATE POLICY read ON " << R << ".results FOR SELECT USING (" << here << " AND (ra_county = " << in("read_counties()")
      << " OR ra_county = " << in("viewer_counties()") << "));\n"
      << "CREATE POLICY edit ON " << R << ".results FOR ALL USING (" << here << " AND ra_county = " << in("edit_counties('results')")
      << ") WITH CHECK (" << here << " AND ra_county = " << in("edit_counties('results')") << ");\n"
      << "GRANT SELECT ON " << R << ".results TO " << allRoles << ";\nGRANT INSERT, UPDATE, DELETE ON " << R
      << ".results TO ra_admin, ra_planner, ra_relocation;\n"
      << "CREATE FUNCTION " << S
      << ".result_srid() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
         "  IF NEW.ra_county IS NULL THEN NEW.ra_county := "
      << S
      << ".session_county(); END IF;\n"
         "  IF NEW.geom IS NOT NULL THEN NEW.geom := public.ST_SetSRID(NEW.geom, (SELECT epsg FROM "
      << S << ".counties WHERE code = NEW.ra_county)); END IF;\n  RETURN NEW;\nEND $$;\n"
      << "CREATE FUNCTION " << S
      << ".prepare_result(tname text, cols text[], types text[], titles text[], table_title text) RETURNS void\n"
         "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$\n"
         "DECLARE i int; t text := '"
      << R
      << ".' || quote_ident(tname);\nBEGIN\n"
         "  IF tname !~ '^[a-z][a-z0-9_]{0,62}$' OR tname = 'results' THEN RAISE EXCEPTION 'not a result table name: %', tname; END IF;\n"
         "  IF NOT coalesce("
      << S << ".session_county() = ANY (" << S
      << ".edit_counties('results')), false) THEN\n"
         "    RAISE EXCEPTION 'no right to write results of county %', "
      << S
      << ".session_county() USING ERRCODE = '42501';\n"
         "  END IF;\n"
         "  IF NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = '"
      << R
      << "' AND tablename = tname) THEN\n"
         "    EXECUTE format('CREATE TABLE %s (fid bigserial PRIMARY KEY, ra_county varchar(6) NOT NULL REFERENCES "
      << S
      << ".counties(code), ra_township varchar(9), geom public.geometry)', t);\n"
         "    EXECUTE format('CREATE INDEX ON %s (ra_county)', t);\n"
         "    EXECUTE format('CREATE INDEX ON %s USING gist (geom)', t);\n"
         "    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);\n"
         "    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);\n"
         "    EXECUTE format('CREATE POLICY read ON %s FOR SELECT USING "
      <<
        [&] {
            std::string r = readRule;
            std::string out;
            for (char c : r) out += c == '\'' ? std::string("''") : std::string(1, c);
            return out;
        }()
      << "', t);\n"
         "    EXECUTE format('CREATE POLICY edit ON %s FOR ALL USING ("
      << here << " AND ra_county = ANY ((SELECT " << S << ".edit_counties(''results''))::text[])) WITH CHECK (" << here
      << " AND ra_county = ANY ((SELECT " << S
      << ".edit_counties(''results''))::text[]))', t);\n"
         "    EXECUTE format('GRANT SELECT ON %s TO "
      << allRoles
      << "', t);\n"
         "    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO ra_admin, ra_planner, ra_relocation', t);\n"
         "    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ra_admin, ra_planner, ra_relocation', t || '_fid_seq');\n"
         "    EXECUTE format('CREATE TRIGGER a_scope BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION "
      << S
      << ".result_srid()', t);\n"
         "  END IF;\n"
         "  FOR i IN 1 .. coalesce(array_length(cols, 1), 0) LOOP\n"
         "    IF cols[i] !~ '^[a-z_][a-z0-9_]{0,62}$' OR cols[i] IN ('fid', 'ra_county', 'ra_township', 'geom') THEN RAISE EXCEPTION 'not "
         "a "
         "result column name: %', cols[i]; END IF;\n"
         "    IF types[i] NOT IN ('text', 'bigint', 'double precision') THEN RAISE EXCEPTION 'not a result column type: %', types[i]; END "
         "IF;\n"
         "    EXECUTE format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS %I ' || types[i], t, cols[i]);\n"
         "    IF titles[i] <> '' THEN EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', t, cols[i], titles[i]); END IF;\n"
         "  END LOOP;\n"
         "  EXECUTE format('COMMENT ON TABLE %s IS %L', t, table_title);\n"
         "END $$;\n"
      << "REVOKE ALL ON FUNCTION " << S << ".prepare_result(text, text[], text[], text[], text) FROM PUBLIC;\n"
      << "GRANT EXECUTE ON FUNCTION " << S
      << ".prepare_result(text, text[], text[], text[], text) TO ra_admin, ra_planner, ra_relocation;\n";

    // Households for everyone else: counts by village, none under 5 households shown.
    q << "CREATE VIEW " << S
      << ".household_counts WITH (security_barrier) AS\n"
         "  SELECT ra_county, ra_township, village_code,\n"
         "    CASE WHEN count(*) >= 5 THEN count(*) END AS households,\n"
         "    CASE WHEN count(*) >= 5 THEN sum(members) END AS members,\n"
         "    CASE WHEN count(*) >= 5 AND count(*) FILTER (WHERE monitored = 1) >= 5 THEN count(*) FILTER (WHERE monitored = 1) END "
         "AS monitored_households\n"
         "  FROM "
      << S << ".households WHERE " << readRule << " GROUP BY ra_county, ra_township, village_code;\n"
      << "COMMENT ON VIEW " << S << ".household_counts IS '按村汇总的户数（少于5户不显示）';\n"
      << "GRANT SELECT ON " << S << ".household_counts TO " << allRoles << ";\n"
      << householdCausesSql();
    return q.str();
}

std::string demHistorySql() {
    const Rules rules;
    const std::string& S = rules.S;
    const std::string H = kHistorySchema;
    const std::string allRoles = groupRoles();
    // Every DEM a county had, with the time it held (a DEM replaced or deleted goes here), so that
    // a pull as of a past date takes the DEM of that date.
    return "CREATE TABLE " + H +
           ".dem (h_id bigserial PRIMARY KEY, ra_county varchar(6) NOT NULL, tiff bytea NOT NULL, valid_from timestamptz NOT NULL, "
           "valid_to timestamptz NOT NULL, h_user name NOT NULL);\n"
           "CREATE INDEX ON " +
           H + ".dem (ra_county, valid_to);\n" + "COMMENT ON TABLE " + H + ".dem IS '数字高程模型的历史版本';\n" + "ALTER TABLE " + H +
           ".dem ENABLE ROW LEVEL SECURITY;\nALTER TABLE " + H + ".dem FORCE ROW LEVEL SECURITY;\n" + "CREATE POLICY read ON " + H +
           ".dem FOR SELECT USING (" + rules.here + " AND (ra_county = " + rules.in("read_counties()") +
           " OR ra_county = " + rules.in("viewer_counties()") + "));\n" + "GRANT SELECT ON " + H + ".dem TO " + allRoles + ";\n" +
           "CREATE OR REPLACE FUNCTION " + S +
           ".dem_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$\n"
           "BEGIN\n"
           "  INSERT INTO " +
           H +
           ".dem (ra_county, tiff, valid_from, valid_to, h_user) VALUES (OLD.ra_county, OLD.tiff, OLD.updated, now(), session_user);\n"
           "  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n"
           "  NEW.updated := now();\n  RETURN NEW;\nEND $$;\n"
           "REVOKE ALL ON FUNCTION " +
           S + ".dem_history() FROM PUBLIC;\n" + "CREATE OR REPLACE TRIGGER history BEFORE UPDATE OR DELETE ON " + S +
           ".dem FOR EACH ROW EXECUTE FUNCTION " + S + ".dem_history();\n";
}

std::string householdCausesSql() {
    const Rules rules;
    const std::string& S = rules.S;
    const std::string allRoles = groupRoles();
    // Households by village and main cause (the atlases' 致贫风险 charts), for everyone: a group
    // under 5 households shows no count. One level only (villages), so that no difference of two
    // published counts gives a group under 5.
    return "CREATE VIEW " + S +
           ".household_causes WITH (security_barrier) AS\n"
           "  SELECT ra_county, ra_township, village_code, cause, CASE WHEN count(*) >= 5 THEN count(*) END AS households\n"
           "  FROM " +
           S + ".households WHERE " + rules.readRule + " GROUP BY ra_county, ra_township, village_code, cause;\n" + "COMMENT ON VIEW " + S +
           ".household_causes IS '按村和主要致贫风险汇总的户数（少于5户不显示）';\n" + "GRANT SELECT ON " + S + ".household_causes TO " +
           allRoles + ";\n";
}

}  // namespace ruralatlas::io::server
