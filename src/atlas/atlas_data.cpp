#include "atlas/atlas_data.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "core/error.hpp"
#include "core/project_source.hpp"
#include "core/schema.hpp"

namespace ruralatlas::atlas {

namespace {

std::string text(const ResultValue& v) { return valueAsText(v); }
long long integer(const ResultValue& v, long long fallback = -1) { return valueAsInteger(v).value_or(fallback); }
double real(const ResultValue& v) { return valueAsReal(v).value_or(NAN); }

// Typed values of `fields` (missing ones null); geometry only when asked for.
void forEach(FeatureSource& source, const std::string& layer, const std::vector<std::string>& fields, bool geometry,
             const std::function<void(const Feature&, const std::vector<ResultValue>&)>& fn) {
    FeatureQuery q;
    q.geometry = geometry;
    readFields(source, layer, fields, q, fn);
}

std::string enumTitle(const LayerDef* def, const std::string& field, const std::string& value) {
    if (!def) return value;
    const FieldDef* fd = def->field(field);
    if (!fd || fd->enumeration.empty()) return value;
    const auto t = codeTitle(fd->enumeration, value);
    return t ? std::string(*t) : value;
}

}  // namespace

std::string groupDigits(long long n) {
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
    return n < 0 ? "-" + s : s;
}

bool isHouseholdCount(const std::string& field) { return field.find("households") != std::string::npos; }

std::string householdsText(long long n) {
    if (n < 0) return "—";
    if (n < kMinHouseholdsShown) return "<" + std::to_string(kMinHouseholdsShown);
    return groupDigits(n);
}

std::vector<const VillageInfo*> AtlasData::villagesOf(const std::string& townshipCode) const {
    std::vector<const VillageInfo*> out;
    for (const auto& [code, v] : villages)
        if (kind == PageKind::County || v.townshipCode == townshipCode) out.push_back(&v);
    return out;
}

std::string AtlasData::format(const PageFeature& page, const std::string& field) const {
    if (field == "county_name") return countyName;
    if (field == "data_date") return dataDate;
    if (field == "township_name") return page.townshipName;
    if (field == "township_code") return page.townshipCode;
    if (field == "host_village_name") {
        auto it = villages.find(page.fields.count("village_code") ? page.fields.at("village_code") : "");
        return it == villages.end() ? "" : it->second.name;
    }
    auto it = page.fields.find(field);
    if (it == page.fields.end()) return {};
    const std::string& raw = it->second;
    const LayerDef* def = findLayer(pageKindLayer(kind));
    const FieldDef* fd = def ? def->field(field) : nullptr;
    // Empty is not recorded, never 0; a township total that leaves villages out says so after
    // its number ("1200（3个村未录入）").
    if (raw.empty()) return "未录入";
    if (isHouseholdCount(field) || (!fd && (kind == PageKind::Townships || kind == PageKind::County))) {
        char* end = nullptr;
        const double number = std::strtod(raw.c_str(), &end);
        if (end == raw.c_str()) return raw;
        const long long n = std::llround(number);
        return (isHouseholdCount(field) ? householdsText(n) : groupDigits(n)) + std::string(end);
    }
    if (fd && !fd->enumeration.empty()) return enumTitle(def, field, raw);
    if (field.ends_with("_rate")) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f%%", std::strtod(raw.c_str(), nullptr) * 100);
        return buf;
    }
    if (field == "has_village_plan" || field == "hardened_road") return std::strtod(raw.c_str(), nullptr) != 0 ? "是" : "否";
    if (fd && fd->type == FieldType::Integer) {
        const long long n = std::llround(std::strtod(raw.c_str(), nullptr));
        return field.ends_with("year") ? std::to_string(n) : groupDigits(n);
    }
    if (fd && fd->type == FieldType::Real) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%.1f", std::strtod(raw.c_str(), nullptr));
        return buf;
    }
    return raw;
}

// Long on purpose: one read of every project layer the built-in page blocks print, each block a
// separate layer read through the port into its own map; the blocks share only the village and
// township lookups built first.
AtlasData AtlasData::load(ProjectSource& project, PageKind kind, const std::string& where, const std::string& sort) {
    AtlasData d;
    d.kind = kind;
    d.countyName = project.meta("county_name");
    d.countyCode = project.meta("county_code");
    d.dataDate = project.meta("data_date");
    d.synthetic = project.meta("synthetic") == "true";

    forEach(project, "townships", {"code", "name"}, true, [&](const Feature& f, const std::vector<ResultValue>& v) {
        d.townshipNames[text(v[0])] = text(v[1]);
        if (f.geometry.kind != ShapeKind::None) {
            const Bounds& b = f.geometry.bounds;
            d.townshipBoxes[text(v[0])] = {b.minx, b.miny, b.maxx, b.maxy};
        }
    });
    forEach(project, "villages",
            {"code", "name", "township_code", "status", "population", "households", "poor_households", "monitored_households"}, true,
            [&](const Feature& f, const std::vector<ResultValue>& v) {
                VillageInfo vi{text(v[0]),       text(v[1]),       text(v[2]),       text(v[3]), integer(v[4], 0),
                               integer(v[5], 0), integer(v[6], 0), integer(v[7], 0), 0,          0};
                vi.populationKnown = valueAsInteger(v[4]).has_value();
                vi.householdsKnown = valueAsInteger(v[5]).has_value();
                vi.poorKnown = valueAsInteger(v[6]).has_value();
                vi.monitoredKnown = valueAsInteger(v[7]).has_value();
                if (f.geometry.kind == ShapeKind::Point && f.geometry.parts.size() == 1) {
                    vi.x = f.geometry.xy[0];
                    vi.y = f.geometry.xy[1];
                }
                d.villages[vi.code] = vi;
            });

    // The pages.
    const std::string layerName = pageKindLayer(kind);
    const std::optional<LayerInfo> pageInfo = project.layerInfo(layerName);
    if (!pageInfo) throw DataError({project.name(), layerName, "", ""}, "the project has no such layer");
    const std::string idField = kind == PageKind::ResettlementSites ? "id" : "code";
    FeatureQuery pageQuery;
    pageQuery.allFields = true;
    pageQuery.asText = true;
    pageQuery.anchors = true;
    pageQuery.where = where;
    const auto readPage = [&](const Feature& f) {
        PageFeature p;
        p.fid = f.fid;
        for (size_t i = 0; i < pageInfo->fields.size(); ++i) p.fields[pageInfo->fields[i].name] = text(f.values[i]);
        if (auto it = p.fields.find(idField); it != p.fields.end()) p.code = it->second;
        if (auto it = p.fields.find("name"); it != p.fields.end()) p.name = it->second;
        if (kind == PageKind::Townships)
            p.townshipCode = p.code;
        else if (kind == PageKind::County)
            p.townshipCode.clear();
        else if (kind == PageKind::Villages)
            p.townshipCode = p.fields["township_code"];
        else if (auto v = d.villages.find(p.fields["village_code"]); v != d.villages.end())
            p.townshipCode = v->second.townshipCode;
        if (auto t = d.townshipNames.find(p.townshipCode); t != d.townshipNames.end()) p.townshipName = t->second;
        const FeatureGeometry& g = f.geometry;
        if (g.kind == ShapeKind::None) {
            // Real counties have villages whose seat was never surveyed: the page shows the
            // township they belong to and says so.
            auto tb = d.townshipBoxes.find(p.townshipCode);
            if (tb == d.townshipBoxes.end())
                throw DataError({project.name(), layerName, (p.code.empty() ? "fid " + std::to_string(p.fid) : p.code), "geom"},
                                "the feature has no geometry and its township has no outline: an atlas page needs to know where it is");
            p.located = false;
            p.bbox = tb->second;
            p.point = {(p.bbox.minx + p.bbox.maxx) / 2, (p.bbox.miny + p.bbox.maxy) / 2};
            d.unlocated.push_back(p.code.empty() ? "fid " + std::to_string(p.fid) : p.code);
            d.pages.push_back(std::move(p));
            return;
        }
        p.bbox = {g.bounds.minx, g.bounds.miny, g.bounds.maxx, g.bounds.maxy};
        if (g.kind == ShapeKind::Point && g.parts.size() == 1) {
            p.point = {g.xy[0], g.xy[1]};
        } else {
            if (g.kind == ShapeKind::Polygon)
                for (size_t part = 0; part < g.parts.size(); ++part) {
                    const size_t a = part == 0 ? 0 : g.parts[part - 1], b = g.parts[part];
                    std::vector<QPointF> pts;
                    pts.reserve(b - a);
                    for (size_t i = a; i < b; ++i) pts.emplace_back(g.xy[i * 2], g.xy[i * 2 + 1]);
                    p.rings.push_back(std::move(pts));
                }
            p.point = g.hasAnchor ? QPointF(g.anchor.x, g.anchor.y)
                                  : QPointF((g.bounds.minx + g.bounds.maxx) / 2, (g.bounds.miny + g.bounds.maxy) / 2);
        }
        d.pages.push_back(std::move(p));
    };
    try {
        project.readFeatures(layerName, pageQuery, readPage);
    } catch (const UsageError& e) {
        throw UsageError(std::string("--where: ") + e.what());
    }
    if (kind == PageKind::Townships || kind == PageKind::County)
        for (auto& p : d.pages) {
            long long n = 0, poorVillages = 0, pop = 0, hh = 0, poor = 0, mon = 0, popUnknown = 0, hhUnknown = 0, poorUnknown = 0,
                      monUnknown = 0, statusUnknown = 0;
            for (const auto& [code, v] : d.villages)
                if (kind == PageKind::County || v.townshipCode == p.code) {
                    ++n;
                    poorVillages += v.status == "former_poor";
                    statusUnknown += v.status.empty() ? 1 : 0;
                    pop += v.population;
                    hh += v.households;
                    popUnknown += v.populationKnown ? 0 : 1;
                    hhUnknown += v.householdsKnown ? 0 : 1;
                    poorUnknown += v.poorKnown ? 0 : 1;
                    monUnknown += v.monitoredKnown ? 0 : 1;
                    poor += v.poorHouseholds;
                    mon += v.monitoredHouseholds;
                }
            p.fields["village_count"] = std::to_string(n);
            // A sum over villages of which some record nothing says so; over none it is unknown.
            const auto total = [n](long long sum, long long unknown) {
                if (unknown == 0) return std::to_string(sum);
                if (unknown == n) return std::string("未录入");
                return std::to_string(sum) + "（" + std::to_string(unknown) + "个村未录入）";
            };
            p.fields["former_poor_villages"] = total(poorVillages, statusUnknown);
            p.fields["population"] = total(pop, popUnknown);
            p.fields["households"] = total(hh, hhUnknown);
            p.fields["poor_households"] = total(poor, poorUnknown);
            p.fields["monitored_households"] = total(mon, monUnknown);
        }

    // Order: --sort FIELD (leading '-' = descending), else by township then code.
    if (!sort.empty()) {
        const bool desc = sort[0] == '-';
        const std::string field = desc ? sort.substr(1) : sort;
        const int fi = pageInfo->fieldIndex(field);
        if (fi < 0) throw UsageError("--sort: " + layerName + " has no field \"" + field + "\" (fields: " + pageInfo->fieldList() + ")");
        const FieldKind fk = pageInfo->fields[size_t(fi)].kind;
        const bool numeric = fk == FieldKind::Integer || fk == FieldKind::Real;
        std::stable_sort(d.pages.begin(), d.pages.end(), [&](const PageFeature& a, const PageFeature& b) {
            const std::string& va = a.fields.at(field);
            const std::string& vb = b.fields.at(field);
            if (va.empty() != vb.empty()) return vb.empty();  // nulls last
            if (numeric) {
                const double x = std::strtod(va.c_str(), nullptr), y = std::strtod(vb.c_str(), nullptr);
                return desc ? x > y : x < y;
            }
            return desc ? va > vb : va < vb;
        });
    } else {
        std::stable_sort(d.pages.begin(), d.pages.end(), [](const PageFeature& a, const PageFeature& b) {
            return std::tie(a.townshipCode, a.code) < std::tie(b.townshipCode, b.code);
        });
    }

    // Households: only counts per village and cause leave this function. A login that may not
    // read them (the shared server) reads the server's counts by village and cause instead.
    if (project.mayRead("households")) {
        forEach(project, "households", {"village_code", "cause"}, false, [&](const Feature&, const std::vector<ResultValue>& v) {
            const std::string cause = text(v[1]);
            ++d.hardship[text(v[0])][cause.empty() ? "other" : cause];
        });
    } else if (project.layerInfo("household_causes") && project.mayRead("household_causes")) {
        forEach(project, "household_causes", {"village_code", "cause", "households"}, false,
                [&](const Feature&, const std::vector<ResultValue>& v) {
                    const std::string village = text(v[0]), cause = text(v[1]).empty() ? "other" : text(v[1]);
                    if (std::holds_alternative<std::monostate>(v[2]))
                        d.hardshipWithheld[village].insert(cause);
                    else
                        d.hardship[village][cause] += integer(v[2]);
                });
    } else {
        throw DataError({project.name(), "households"},
                        "无权读取农户，服务器也没有按致贫风险汇总的视图（请运行 ruralatlas server upgrade） / your login may not read the "
                        "households and the server has no household_causes view: run 'ruralatlas server upgrade'");
    }

    // Industry projects per beneficiary village (project_links; else the project's own village).
    if (project.layerInfo("industry_projects")) {
        std::map<std::string, IndustryRow> byId;
        std::map<std::string, std::string> ownVillage;
        const LayerDef* def = findLayer("industry_projects");
        forEach(project, "industry_projects", {"id", "name", "sector", "status", "investment", "jobs", "village_code"}, false,
                [&](const Feature&, const std::vector<ResultValue>& v) {
                    IndustryRow r;
                    r.id = text(v[0]);
                    r.name = text(v[1]);
                    r.sector = enumTitle(def, "sector", text(v[2]));
                    r.status = enumTitle(def, "status", text(v[3]));
                    r.investment = real(v[4]);
                    r.jobs = integer(v[5]);
                    byId[r.id] = r;
                    ownVillage[r.id] = text(v[6]);
                });
        bool anyLink = false;
        forEach(project, "project_links", {"project_id", "village_code", "households"}, false,
                [&](const Feature&, const std::vector<ResultValue>& v) {
                    auto it = byId.find(text(v[0]));
                    if (it == byId.end()) return;
                    IndustryRow r = it->second;
                    r.households = integer(v[2]);
                    d.industry[text(v[1])].push_back(r);
                    anyLink = true;
                });
        if (!anyLink)
            for (const auto& [id, r] : byId)
                if (!ownVillage[id].empty()) d.industry[ownVillage[id]].push_back(r);
    }

    // Relocations per site.
    forEach(project, "relocations", {"source_village_code", "site_id", "households", "people", "year"}, false,
            [&](const Feature&, const std::vector<ResultValue>& v) {
                RelocationRow r;
                r.villageCode = text(v[0]);
                if (auto vi = d.villages.find(r.villageCode); vi != d.villages.end()) {
                    r.villageName = vi->second.name;
                    if (auto t = d.townshipNames.find(vi->second.townshipCode); t != d.townshipNames.end()) r.townshipName = t->second;
                }
                r.households = integer(v[2]);
                r.people = integer(v[3]);
                r.year = integer(v[4]);
                d.relocations[text(v[1])].push_back(r);
            });
    for (auto& [site, rows] : d.relocations)
        std::stable_sort(rows.begin(), rows.end(),
                         [](const RelocationRow& a, const RelocationRow& b) { return a.households > b.households; });

    return d;
}

}  // namespace ruralatlas::atlas
