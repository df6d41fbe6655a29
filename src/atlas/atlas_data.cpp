#include "atlas/atlas_data.hpp"

#include <algorithm>
#include <cstdio>

#include "core/error.hpp"
#include "core/schema.hpp"
#include "io/gdal_util.hpp"
#include "io/project.hpp"

namespace ruralatlas::atlas {

namespace {

std::string fieldText(OGRFeature& f, int i) {
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return {};
    return f.GetFieldAsString(i);
}
long long fieldInt(OGRFeature& f, int i, long long fallback = -1) {
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return fallback;
    return f.GetFieldAsInteger64(i);
}
double fieldReal(OGRFeature& f, int i) {
    if (i < 0 || !f.IsFieldSetAndNotNull(i)) return NAN;
    return f.GetFieldAsDouble(i);
}

void appendRings(const OGRGeometry& g, std::vector<std::vector<QPointF>>& rings) {
    const auto addRing = [&](const OGRLinearRing& r) {
        std::vector<QPointF> pts;
        pts.reserve(size_t(r.getNumPoints()));
        for (int i = 0; i < r.getNumPoints(); ++i) pts.emplace_back(r.getX(i), r.getY(i));
        rings.push_back(std::move(pts));
    };
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    if (t == wkbPolygon) {
        for (const auto* ring : *g.toPolygon()) addRing(*ring);
    } else if (t == wkbMultiPolygon) {
        for (const auto* poly : *g.toMultiPolygon())
            for (const auto* ring : *poly) addRing(*ring);
    } else if (g.hasCurveGeometry()) {
        std::unique_ptr<OGRGeometry> lin(g.getLinearGeometry());
        if (lin) appendRings(*lin, rings);
    }
}

// Every feature of a table or layer (attribute filter optional), as a callback.
template <class F>
void forEach(OGRLayer& layer, F&& fn) {
    layer.ResetReading();
    for (;;) {
        io::FeaturePtr f(layer.GetNextFeature());
        if (!f) break;
        fn(*f);
    }
}

std::string enumTitle(const LayerDef* def, const std::string& field, const std::string& value) {
    if (!def) return value;
    const FieldDef* fd = def->field(field);
    if (!fd || fd->enumeration.empty()) return value;
    if (const Enumeration* e = findEnumeration(fd->enumeration))
        for (const auto& ev : e->values)
            if (ev.code == value) return std::string(ev.titleZh);
    return value;
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
        if (v.townshipCode == townshipCode) out.push_back(&v);
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
    if (isHouseholdCount(field)) {
        if (raw.empty()) return "—";
        return householdsText(std::llround(std::strtod(raw.c_str(), nullptr)));
    }
    if (raw.empty()) return "—";
    if (!fd && kind == PageKind::Townships) return groupDigits(std::llround(std::strtod(raw.c_str(), nullptr)));
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

AtlasData AtlasData::load(io::Project& project, PageKind kind, const Layout& layout, const std::string& where, const std::string& sort,
                          const std::vector<std::string>& results) {
    AtlasData d;
    d.kind = kind;
    d.countyName = project.meta("county_name");
    d.countyCode = project.meta("county_code");
    d.dataDate = project.meta("data_date");
    d.synthetic = project.meta("synthetic") == "true";
    d.coverage = layout.coverage;

    if (OGRLayer* t = project.findLayer("townships")) {
        const int ic = t->GetLayerDefn()->GetFieldIndex("code"), in = t->GetLayerDefn()->GetFieldIndex("name");
        forEach(*t, [&](OGRFeature& f) {
            d.townshipNames[fieldText(f, ic)] = fieldText(f, in);
            if (const OGRGeometry* g = f.GetGeometryRef(); g && !g->IsEmpty()) {
                OGREnvelope env;
                g->getEnvelope(&env);
                d.townshipBoxes[fieldText(f, ic)] = {env.MinX, env.MinY, env.MaxX, env.MaxY};
            }
        });
    }
    if (OGRLayer* v = project.findLayer("villages")) {
        OGRFeatureDefn* defn = v->GetLayerDefn();
        const int ic = defn->GetFieldIndex("code"), in = defn->GetFieldIndex("name"), it = defn->GetFieldIndex("township_code"),
                  is = defn->GetFieldIndex("status"), ip = defn->GetFieldIndex("population"), ih = defn->GetFieldIndex("households"),
                  ipoor = defn->GetFieldIndex("poor_households"), imon = defn->GetFieldIndex("monitored_households");
        forEach(*v, [&](OGRFeature& f) {
            VillageInfo vi{fieldText(f, ic),
                           fieldText(f, in),
                           fieldText(f, it),
                           fieldText(f, is),
                           fieldInt(f, ip, 0),
                           fieldInt(f, ih, 0),
                           fieldInt(f, ipoor, 0),
                           fieldInt(f, imon, 0),
                           0,
                           0};
            if (const OGRGeometry* g = f.GetGeometryRef(); g && wkbFlatten(g->getGeometryType()) == wkbPoint) {
                vi.x = g->toPoint()->getX();
                vi.y = g->toPoint()->getY();
            }
            d.villages[vi.code] = vi;
        });
    }

    // The pages.
    const std::string layerName = pageKindLayer(kind);
    OGRLayer& pl = project.layer(layerName);
    OGRFeatureDefn* defn = pl.GetLayerDefn();
    if (!where.empty()) {
        CPLErrorReset();
        if (pl.SetAttributeFilter(where.c_str()) != OGRERR_NONE)
            throw UsageError("--where: \"" + where + "\" is not a valid filter on " + layerName + ": " + io::lastGdalError("syntax error"));
    }
    const int idCol = defn->GetFieldIndex(kind == PageKind::ResettlementSites ? "id" : "code");
    const int nameCol = defn->GetFieldIndex("name");
    CPLErrorReset();
    forEach(pl, [&](OGRFeature& f) {
        PageFeature p;
        p.fid = f.GetFID();
        for (int i = 0; i < defn->GetFieldCount(); ++i) p.fields[defn->GetFieldDefn(i)->GetNameRef()] = fieldText(f, i);
        p.code = fieldText(f, idCol);
        p.name = fieldText(f, nameCol);
        if (kind == PageKind::Townships)
            p.townshipCode = p.code;
        else if (kind == PageKind::Villages)
            p.townshipCode = p.fields["township_code"];
        else if (auto v = d.villages.find(p.fields["village_code"]); v != d.villages.end())
            p.townshipCode = v->second.townshipCode;
        if (auto t = d.townshipNames.find(p.townshipCode); t != d.townshipNames.end()) p.townshipName = t->second;
        const OGRGeometry* g = f.GetGeometryRef();
        if (!g || g->IsEmpty()) {
            // Real counties have villages whose seat was never surveyed: the page shows the
            // township they belong to and says so.
            auto tb = d.townshipBoxes.find(p.townshipCode);
            if (tb == d.townshipBoxes.end())
                throw DataError({project.path(), layerName, (p.code.empty() ? "fid " + std::to_string(p.fid) : p.code), "geom"},
                                "the feature has no geometry and its township has no outline: an atlas page needs to know where it is");
            p.located = false;
            p.bbox = tb->second;
            p.point = {(p.bbox.minx + p.bbox.maxx) / 2, (p.bbox.miny + p.bbox.maxy) / 2};
            d.unlocated.push_back(p.code.empty() ? "fid " + std::to_string(p.fid) : p.code);
            d.pages.push_back(std::move(p));
            return;
        }
        OGREnvelope env;
        g->getEnvelope(&env);
        p.bbox = {env.MinX, env.MinY, env.MaxX, env.MaxY};
        if (wkbFlatten(g->getGeometryType()) == wkbPoint) {
            p.point = {g->toPoint()->getX(), g->toPoint()->getY()};
        } else {
            appendRings(*g, p.rings);
            OGRGeometryH pos = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)));
            p.point = pos && !OGR_G_IsEmpty(pos) ? QPointF(OGR_G_GetX(pos, 0), OGR_G_GetY(pos, 0))
                                                 : QPointF((env.MinX + env.MaxX) / 2, (env.MinY + env.MaxY) / 2);
            if (pos) OGR_G_DestroyGeometry(pos);
        }
        d.pages.push_back(std::move(p));
    });
    // SQLite-backed drivers report a bad filter only when reading.
    if (!where.empty() && CPLGetLastErrorType() == CE_Failure) {
        const std::string msg = io::lastGdalError("syntax error");
        pl.SetAttributeFilter(nullptr);
        throw UsageError("--where: \"" + where + "\" is not a valid filter on " + layerName + ": " + msg);
    }
    pl.SetAttributeFilter(nullptr);
    if (kind == PageKind::Townships)
        for (auto& p : d.pages) {
            long long n = 0, poorVillages = 0, pop = 0, hh = 0, poor = 0, mon = 0;
            for (const auto& [code, v] : d.villages)
                if (v.townshipCode == p.code) {
                    ++n;
                    poorVillages += v.status == "former_poor";
                    pop += v.population;
                    hh += v.households;
                    poor += v.poorHouseholds;
                    mon += v.monitoredHouseholds;
                }
            p.fields["village_count"] = std::to_string(n);
            p.fields["former_poor_villages"] = std::to_string(poorVillages);
            p.fields["population"] = std::to_string(pop);
            p.fields["households"] = std::to_string(hh);
            p.fields["poor_households"] = std::to_string(poor);
            p.fields["monitored_households"] = std::to_string(mon);
        }

    // Order: --sort FIELD (leading '-' = descending), else by township then code.
    if (!sort.empty()) {
        const bool desc = sort[0] == '-';
        const std::string field = desc ? sort.substr(1) : sort;
        const int fi = defn->GetFieldIndex(field.c_str());
        if (fi < 0) {
            std::string list;
            for (int i = 0; i < defn->GetFieldCount(); ++i) list += std::string(i ? ", " : "") + defn->GetFieldDefn(i)->GetNameRef();
            throw UsageError("--sort: " + layerName + " has no field \"" + field + "\" (fields: " + list + ")");
        }
        const OGRFieldType ft = defn->GetFieldDefn(fi)->GetType();
        const bool numeric = ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal;
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

    // Households: only counts per village and cause leave this function.
    if (OGRLayer* h = project.findLayer("households")) {
        const int iv = h->GetLayerDefn()->GetFieldIndex("village_code"), ic = h->GetLayerDefn()->GetFieldIndex("cause");
        const char* ignored[] = {"id", "members", "status", "monitored", nullptr};
        h->SetIgnoredFields(ignored);
        h->SetSpatialFilter(nullptr);
        forEach(*h, [&](OGRFeature& f) {
            const std::string cause = fieldText(f, ic);
            ++d.hardship[fieldText(f, iv)][cause.empty() ? "other" : cause];
        });
        h->SetIgnoredFields(nullptr);
    }

    // Industry projects per beneficiary village (project_links; else the project's own village).
    if (OGRLayer* ip = project.findLayer("industry_projects")) {
        std::map<std::string, IndustryRow> byId;
        std::map<std::string, std::string> ownVillage;
        OGRFeatureDefn* pd = ip->GetLayerDefn();
        const int ii = pd->GetFieldIndex("id"), in = pd->GetFieldIndex("name"), is = pd->GetFieldIndex("sector"),
                  ist = pd->GetFieldIndex("status"), iinv = pd->GetFieldIndex("investment"), ij = pd->GetFieldIndex("jobs"),
                  iv = pd->GetFieldIndex("village_code");
        const LayerDef* def = findLayer("industry_projects");
        forEach(*ip, [&](OGRFeature& f) {
            IndustryRow r;
            r.id = fieldText(f, ii);
            r.name = fieldText(f, in);
            r.sector = enumTitle(def, "sector", fieldText(f, is));
            r.status = enumTitle(def, "status", fieldText(f, ist));
            r.investment = fieldReal(f, iinv);
            r.jobs = fieldInt(f, ij);
            byId[r.id] = r;
            ownVillage[r.id] = fieldText(f, iv);
        });
        bool anyLink = false;
        if (OGRLayer* links = project.findLayer("project_links")) {
            OGRFeatureDefn* ld = links->GetLayerDefn();
            const int lp = ld->GetFieldIndex("project_id"), lv = ld->GetFieldIndex("village_code"), lh = ld->GetFieldIndex("households");
            forEach(*links, [&](OGRFeature& f) {
                auto it = byId.find(fieldText(f, lp));
                if (it == byId.end()) return;
                IndustryRow r = it->second;
                r.households = fieldInt(f, lh);
                d.industry[fieldText(f, lv)].push_back(r);
                anyLink = true;
            });
        }
        if (!anyLink)
            for (const auto& [id, r] : byId)
                if (!ownVillage[id].empty()) d.industry[ownVillage[id]].push_back(r);
    }

    // Relocations per site.
    if (OGRLayer* rl = project.findLayer("relocations")) {
        OGRFeatureDefn* rd = rl->GetLayerDefn();
        const int iv = rd->GetFieldIndex("source_village_code"), is = rd->GetFieldIndex("site_id"), ih = rd->GetFieldIndex("households"),
                  ipp = rd->GetFieldIndex("people"), iy = rd->GetFieldIndex("year");
        forEach(*rl, [&](OGRFeature& f) {
            RelocationRow r;
            r.villageCode = fieldText(f, iv);
            if (auto v = d.villages.find(r.villageCode); v != d.villages.end()) {
                r.villageName = v->second.name;
                if (auto t = d.townshipNames.find(v->second.townshipCode); t != d.townshipNames.end()) r.townshipName = t->second;
            }
            r.households = fieldInt(f, ih);
            r.people = fieldInt(f, ipp);
            r.year = fieldInt(f, iy);
            d.relocations[fieldText(f, is)].push_back(r);
        });
        for (auto& [site, rows] : d.relocations)
            std::stable_sort(rows.begin(), rows.end(),
                             [](const RelocationRow& a, const RelocationRow& b) { return a.households > b.households; });
    }

    // Analysis results, found by layer name in the result files.
    std::vector<io::DatasetPtr> opened;
    for (const auto& r : results) opened.push_back(io::openVector(r, false));
    const auto findResult = [&](const std::string& name) -> std::pair<OGRLayer*, std::string> {
        for (size_t i = 0; i < opened.size(); ++i)
            if (OGRLayer* l = opened[i]->GetLayerByName(name.c_str())) return {l, results[i]};
        return {nullptr, ""};
    };
    for (const auto& c : layout.coverage) {
        const std::string name = "coverage_" + c.kind + "_" + c.mode;
        auto [l, file] = findResult(name);
        if (!l)
            throw DataError({results.empty() ? project.path() : results.front(), name, "", ""},
                            "no coverage result layer " + name + " among the results");
        OGRFeatureDefn* cd = l->GetLayerDefn();
        const int iv = cd->GetFieldIndex("village_code"), ifn = cd->GetFieldIndex("facility_name"), idm = cd->GetFieldIndex("distance_m"),
                  imin = cd->GetFieldIndex("minutes"), icov = cd->GetFieldIndex("covered"), ir = cd->GetFieldIndex("reachable");
        if (iv < 0 || icov < 0)
            throw DataError({file, name, "", iv < 0 ? "village_code" : "covered"}, "not a coverage result: the field is missing");
        forEach(*l, [&](OGRFeature& f) {
            ServiceRow s;
            s.kind = c.kind;
            s.mode = c.mode;
            s.facilityName = fieldText(f, ifn);
            s.distanceM = fieldReal(f, idm);
            s.minutes = fieldReal(f, imin);
            s.covered = fieldInt(f, icov, 0) != 0;
            s.reachable = fieldInt(f, ir, 1) != 0;
            d.services[fieldText(f, iv)].push_back(s);
        });
    }
    if (layout.gaps) {
        auto [l, file] = findResult("gaps");
        if (!l)
            throw DataError({results.empty() ? project.path() : results.front(), "gaps", "", ""}, "no gaps result layer among the results");
        OGRFeatureDefn* gd = l->GetLayerDefn();
        const int iv = gd->GetFieldIndex("village_code"), ivn = gd->GetFieldIndex("village_name"), ik = gd->GetFieldIndex("kind"),
                  im = gd->GetFieldIndex("missing"), is = gd->GetFieldIndex("shortfall"), iu = gd->GetFieldIndex("shortfall_unit"),
                  ip = gd->GetFieldIndex("population_affected"), isent = gd->GetFieldIndex("sentence");
        if (iv < 0 || im < 0)
            throw DataError({file, "gaps", "", iv < 0 ? "village_code" : "missing"}, "not a gaps result: the field is missing");
        forEach(*l, [&](OGRFeature& f) {
            GapRow g;
            g.villageCode = fieldText(f, iv);
            g.villageName = fieldText(f, ivn);
            g.kind = fieldText(f, ik);
            g.missing = fieldText(f, im);
            g.shortfall = fieldReal(f, is);
            g.unit = fieldText(f, iu);
            g.population = fieldInt(f, ip, 0);
            g.sentence = fieldText(f, isent);
            d.gaps[g.villageCode].push_back(g);
        });
    }
    return d;
}

}  // namespace ruralatlas::atlas
