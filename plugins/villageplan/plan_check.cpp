// The `plan-check` analysis (村庄规划成果质检): every land-use parcel of `landuse_plan` checked,
// village by village and period by period, for
//   codes       - in the 2023 classification, at a permitted level, no GB/T 21010 (三调) codes mixed in;
//   topology    - invalid geometry (with the repair MakeValid makes), overlaps, gaps inside the
//                 village territory, slivers, parts outside the territory, areas summing to the territory;
//   conflicts   - planned construction land on the ecological red line or permanent basic farmland,
//                 new construction outside the village construction boundary or in flood and
//                 geohazard zones;
//   targets     - the control targets of plan_targets (耕地保有量 and 永久基本农田 not below,
//                 建设用地规模 not above, ...) and planned homestead land per household against a cap.
// Each finding carries the village, layer, feature id, the offending geometry, its area in m²,
// 公顷 and 亩 and a Chinese sentence. Thresholds come from data/plan_rules.json or --rules FILE.
// What cannot be checked (no territory, no current land use, no construction boundary) is said so
// in the village summary and never written as a finding.
#include "plan_check.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "analysis/analysis.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/install_paths.hpp"
#include "core/json.hpp"
#include "core/landuse.hpp"
#include "core/landuse_crosswalk.hpp"
#include "core/record_readers.hpp"
#include "core/schema.hpp"
#include "geos_shapes.hpp"
#include "plan_rules.hpp"

namespace ruralatlas::villageplan {

using namespace analysis;

namespace {

constexpr double kMuPerM2 = 15.0 / 10000.0;  // 1 亩 = 10000/15 m²

struct CheckKind {
    const char* code;
    const char* group;  // codes | topology | conflicts
    const char* titleZh;
};

const CheckKind kChecks[] = {
    {"code_missing", "codes", "缺少用地代码"},
    {"code_unknown", "codes", "用地代码不在2023分类中"},
    {"code_level", "codes", "用地代码层级不符"},
    {"code_legacy", "codes", "混用三调或2020试行版旧代码"},
    {"code_not_survey", "codes", "现状代码不能由三调地类转换得到"},
    {"invalid", "topology", "几何无效"},
    {"overlap", "topology", "图斑重叠"},
    {"gap", "topology", "图斑缝隙"},
    {"sliver", "topology", "碎小或狭长图斑"},
    {"outside", "topology", "超出村域范围"},
    {"area_sum", "topology", "图斑面积合计与村域面积不符"},
    {"conflict_ecological_redline", "conflicts", "建设用地占用生态保护红线"},
    {"conflict_basic_farmland", "conflicts", "建设用地占用永久基本农田"},
    {"conflict_urban_boundary", "conflicts", "建设用地与城镇开发边界冲突"},
    {"conflict_heritage", "conflicts", "建设用地占用历史文化保护区"},
    {"conflict_flood_zone", "conflicts", "新增建设用地位于洪涝风险区"},
    {"conflict_geohazard", "conflicts", "新增建设用地位于地质灾害隐患区"},
    {"outside_construction_boundary", "conflicts", "新增建设用地超出村庄建设边界"},
    {"target_below", "targets", "低于管控指标"},
    {"target_above", "targets", "超过管控指标"},
    {"homestead_cap", "targets", "户均宅基地超过标准"},
};

const CheckKind* checkKind(const std::string& code) {
    for (const CheckKind& k : kChecks)
        if (code == k.code) return &k;
    return nullptr;
}

std::string kindTitle(const std::string& kind) {
    if (const Enumeration* e = findEnumeration("constraint_kind"))
        for (const auto& v : e->values)
            if (v.code == kind) return std::string(v.titleZh);
    return kind;
}

std::string areaText(double m2) { return fmt(m2, 2) + "平方米（" + fmt(m2 / 10000.0, 4) + "公顷，" + fmt(m2 * kMuPerM2, 3) + "亩）"; }

std::string periodTitle(const std::string& p) { return p == "current" ? "现状" : p == "planned" ? "规划" : p; }

// The kind the allowed-gaps layer's polygons get among the zones (not a constraint_kind).
constexpr const char* kAllowedGapKind = "allowed_gap";

struct Zone {
    std::string kind, name;
    GeomPtr shape;
    const GEOSPreparedGeometry* prepared = nullptr;
};

struct Target {
    long long fid = 0;
    std::string indicator, bound, source;
    double valueHa = 0;
};

struct VillageInput {
    std::string code, name;
    std::vector<Target> targets;
    double households = NAN;  // villages.households; NaN when unknown
    bool hasTerritory = false;
    std::vector<Polygons> territoryParts;              // as read (one per feature)
    GeomPtr territory{nullptr, GeomDeleter{nullptr}};  // built by the worker checking the village
    std::vector<const LandUseParcel*> parcels;
};

struct Checked {
    const LandUseParcel* parcel;
    GeomPtr shape;  // repaired when invalid
    double area = 0;
};

class Checker {
public:
    Checker(Geos& geos, const PlanRules& rules, const std::vector<Zone>& zones, const LanduseCrosswalk& survey,
            const LanduseCrosswalk& trial, bool targetsLayer, std::vector<Finding>& out)
        : m_geos(geos), m_rules(rules), m_zones(zones), m_survey(survey), m_trial(trial), m_targetsLayer(targetsLayer), m_out(out) {}

    VillageSummary check(VillageInput& v);

    // The pieces of check(), for the live check of an edited village (LiveCheck).
    // Codes and geometry of one parcel: its GEOS shape (repaired when invalid), or none when it
    // has no usable geometry.
    std::optional<Checked> prepare(const VillageInput& v, const LandUseParcel* p);
    void checkSlivers(const VillageInput& v, const std::string& period, const std::vector<Checked*>& parcels);
    // Overlaps among `parcels`; with `only`, just the pairs where one side is in it. Returns how
    // many pairs' interiors meet.
    std::size_t checkOverlaps(const VillageInput& v, const std::string& period, const std::vector<Checked*>& parcels,
                              const std::set<long long>* only = nullptr);
    std::size_t checkOutside(const VillageInput& v, const std::string& period, const std::vector<Checked*>& parcels);
    // Gap polygons of `territory` (the village's or a window of it) less the union of `parcels`,
    // less what is allowed; adds the allowed area uncovered to *allowedUncovered.
    GeomPtr gapsOf(const GEOSGeometry* territory, const std::vector<Checked*>& parcels, const GEOSGeometry* allowedGaps,
                   double* allowedUncovered);
    void addGap(const VillageInput& v, const std::string& period, const GEOSGeometry* g);
    void checkAreaSum(const VillageInput& v, const std::string& period, double sum, double allowedUncovered, double ta);
    void checkConflictsOf(const VillageInput& v, const std::vector<Checked*>& built, const GEOSGeometry* nowBuilt,
                          const GEOSGeometry* boundary);
    void checkTargets(VillageInput& v, const std::vector<Checked*>& planned, VillageSummary& s);
    GeomPtr unionOf(const std::vector<const GEOSGeometry*>& parts);
    GeomPtr allowedGaps(const VillageInput& v, const std::string& period, const std::vector<Checked>* current);
    // The area of the village's zones of one kind (cached: a checker checks one village).
    double zoneArea(const VillageInput& v, const std::string& kind);
    TargetStatus targetStatus(const VillageInput& v, const Target& t, const std::vector<Checked*>& planned);

private:
    Finding& add(const VillageInput& v, const std::string& period, const std::string& check, const LandUseParcel* p,
                 const GEOSGeometry* where, double areaM2, std::string sentence);
    void checkCodes(const VillageInput& v, const LandUseParcel& p);
    void checkPeriod(VillageInput& v, const std::string& period, std::vector<Checked>& parcels, const GEOSGeometry* allowedGaps,
                     VillageSummary& s);
    void checkConflicts(VillageInput& v, std::vector<Checked>& current, std::vector<Checked>& planned, VillageSummary& s);

    Geos& m_geos;
    const PlanRules& m_rules;
    const std::vector<Zone>& m_zones;
    const LanduseCrosswalk& m_survey;
    const LanduseCrosswalk& m_trial;
    bool m_targetsLayer;
    std::vector<Finding>& m_out;
    std::map<std::string, double> m_zoneAreas;
};

Finding& Checker::add(const VillageInput& v, const std::string& period, const std::string& check, const LandUseParcel* p,
                      const GEOSGeometry* where, double areaM2, std::string sentence) {
    Finding f;
    f.villageCode = v.code;
    f.villageName = v.name;
    f.period = period;
    f.check = check;
    if (p) {
        f.fid = p->fid;
        f.landuseCode = p->landuseCode;
    }
    f.area = areaM2;
    if (where) {
        f.shape = fromGeos(m_geos, where);
        if (!GEOSisEmpty_r(m_geos.h, where)) {
            f.at = pointOn(m_geos, where);
            f.hasAt = true;
        }
    }
    f.sentence = std::move(sentence);
    m_out.push_back(std::move(f));
    return m_out.back();
}

void Checker::checkCodes(const VillageInput& v, const LandUseParcel& p) {
    const std::string who = v.name + periodTitle(p.period) + "图斑（要素" + std::to_string(p.fid) + "）";
    const std::string& c = p.landuseCode;
    if (c.empty()) {
        add(v, p.period, "code_missing", &p, nullptr, NAN, who + "缺少用地用海分类代码。");
    } else if (isLegacySurveyCode(c)) {
        add(v, p.period, "code_legacy", &p, nullptr, NAN,
            who + "代码“" + c + "”是三调（GB/T 21010-2017）工作分类代码，不是2023年用地用海分类代码：新旧分类混用。");
    } else if (const CrosswalkRow* t = m_trial.find(c); t && !isLanduseCode(c)) {
        add(v, p.period, "code_legacy", &p, nullptr, NAN,
            who + "代码“" + c + "”（" + t->fromName + "）是2020年试行版用地用海分类代码，2023年版为“" + t->toCode + "”（" +
                std::string(landuseTitle(t->toCode)) + "）：新旧分类混用。");
    } else if (!isLanduseCode(c)) {
        add(v, p.period, "code_unknown", &p, nullptr, NAN,
            who + "代码“" + c + "”不在《国土空间调查、规划、用途管制用地用海分类指南》（2023）中。");
    } else if (std::find(m_rules.levels.begin(), m_rules.levels.end(), static_cast<int>(c.size())) == m_rules.levels.end()) {
        add(
            v, p.period, "code_level", &p, nullptr, NAN,
            who + "代码“" + c + "”（" + std::string(landuseTitle(c)) + "）为" +
                (c.size() == 2   ? "一级类"
                 : c.size() == 4 ? "二级类"
                                 : "三级类") +
                "，质检规则只接受" +
                [&] {
                    std::string l;
                    for (int n : m_rules.levels) l += (l.empty() ? "" : "、") + std::to_string(n) + "位";
                    return l;
                }() +
                "代码。");
    } else if (p.period == "current" && !m_survey.reaches(c)) {
        add(v, p.period, "code_not_survey", &p, nullptr, NAN,
            who + "代码“" + c + "”（" + std::string(landuseTitle(c)) + "）不能由三调地类经转换表得到，不应作为现状用地。");
    }
}

GeomPtr Checker::unionOf(const std::vector<const GEOSGeometry*>& parts) {
    std::vector<GEOSGeometry*> copies;
    for (const GEOSGeometry* g : parts) copies.push_back(GEOSGeom_clone_r(m_geos.h, g));
    GeomPtr all =
        own(m_geos, GEOSGeom_createCollection_r(m_geos.h, GEOS_GEOMETRYCOLLECTION, copies.data(), static_cast<unsigned>(copies.size())));
    return own(m_geos, GEOSUnaryUnion_r(m_geos.h, all.get()));
}

// Long on purpose: one pass of the topology checks over the parcels of one period.
// Where a gap is allowed (rules: topology.allowed_gap_layer, topology.allowed_gap_classes): the
// polygons of the allowed-gaps layer, and for the planned period the current parcels of the
// allowed classes (a river left out of the plan). Null when nothing is allowed.
GeomPtr Checker::allowedGaps(const VillageInput& v, const std::string& period, const std::vector<Checked>* current) {
    std::vector<const GEOSGeometry*> parts;
    for (const Zone& z : m_zones)
        if (z.kind == kAllowedGapKind && (!v.hasTerritory || GEOSPreparedIntersects_r(m_geos.h, z.prepared, v.territory.get())))
            parts.push_back(z.shape.get());
    if (period == "planned" && current)
        for (const Checked& c : *current)
            if (PlanRules::matches(m_rules.allowedGapClasses, c.parcel->landuseCode)) parts.push_back(c.shape.get());
    if (parts.empty()) return GeomPtr(nullptr, GeomDeleter{m_geos.h});
    return unionOf(parts);
}

std::string whoOf(const VillageInput& v, const std::string& period, const LandUseParcel& p) {
    return v.name + periodTitle(period) + "图斑（要素" + std::to_string(p.fid) + "，" + p.landuseCode + "）";
}

void Checker::checkSlivers(const VillageInput& v, const std::string& period, const std::vector<Checked*>& parcels) {
    for (Checked* c : parcels) {
        const double a = c->area, per = perimeter(m_geos, c->shape.get());
        const double compact = per > 0 ? 4 * M_PI * a / (per * per) : 0;
        if (a < m_rules.sliverMaxArea) {
            add(v, period, "sliver", c->parcel, c->shape.get(), a,
                whoOf(v, period, *c->parcel) + "面积仅" + areaText(a) + "，小于" + fmt(m_rules.sliverMaxArea, 2) +
                    "平方米的碎小图斑下限。");
        } else if (compact < m_rules.sliverMinCompactness && a < m_rules.sliverThinMaxArea) {
            add(v, period, "sliver", c->parcel, c->shape.get(), a,
                whoOf(v, period, *c->parcel) + "为狭长图斑：面积" + areaText(a) + "，紧凑度4πA/P²=" + fmt(compact, 3) + "，低于" +
                    fmt(m_rules.sliverMinCompactness, 3) + "。");
        }
    }
}

std::size_t Checker::checkOverlaps(const VillageInput& v, const std::string& period, const std::vector<Checked*>& parcels,
                                   const std::set<long long>* only) {
    // Pair by pair through an STR tree of the parcels' envelopes.
    GEOSSTRtree* tree = GEOSSTRtree_create_r(m_geos.h, 10);
    for (std::size_t i = 0; i < parcels.size(); ++i)
        GEOSSTRtree_insert_r(m_geos.h, tree, parcels[i]->shape.get(), reinterpret_cast<void*>(i));
    struct Query {
        std::vector<std::size_t> hits;
    } q;
    std::size_t interiorsMeet = 0;
    for (std::size_t i = 0; i < parcels.size(); ++i) {
        const bool iOnly = only && only->count(parcels[i]->parcel->fid);
        if (only && !iOnly) continue;
        q.hits.clear();
        GEOSSTRtree_query_r(
            m_geos.h, tree, parcels[i]->shape.get(),
            [](void* item, void* user) { static_cast<Query*>(user)->hits.push_back(reinterpret_cast<std::size_t>(item)); }, &q);
        std::sort(q.hits.begin(), q.hits.end());
        const GEOSPreparedGeometry* prep = GEOSPrepare_r(m_geos.h, parcels[i]->shape.get());
        for (std::size_t j : q.hits) {
            if (j == i) continue;
            // Each pair once: by index, or (with `only`) skipping a pair both of whose sides are in it the second time.
            if (!only && j < i) continue;
            if (only && only->count(parcels[j]->parcel->fid) && j < i) continue;
            // Neighbours of a clean mosaic touch: only interiors that meet need the overlay.
            if (!GEOSPreparedIntersects_r(m_geos.h, prep, parcels[j]->shape.get())) continue;
            if (GEOSPreparedTouches_r(m_geos.h, prep, parcels[j]->shape.get()) == 1) continue;
            ++interiorsMeet;
            const Checked& a1 = *parcels[std::min(i, j)];
            const Checked& b1 = *parcels[std::max(i, j)];
            GeomPtr inter = own(m_geos, GEOSIntersection_r(m_geos.h, a1.shape.get(), b1.shape.get()));
            GeomPtr poly = polygonal(m_geos, inter.get());
            const double a = area(m_geos, poly.get());
            if (a <= m_rules.overlapMinArea) continue;
            Finding& f = add(v, period, "overlap", a1.parcel, poly.get(), a,
                             whoOf(v, period, *a1.parcel) + "与图斑（要素" + std::to_string(b1.parcel->fid) + "，" +
                                 b1.parcel->landuseCode + "）重叠" + areaText(a) + "。");
            f.otherFid = b1.parcel->fid;
        }
        GEOSPreparedGeom_destroy_r(m_geos.h, prep);
    }
    GEOSSTRtree_destroy_r(m_geos.h, tree);
    return interiorsMeet;
}

std::size_t Checker::checkOutside(const VillageInput& v, const std::string& period, const std::vector<Checked*>& parcels) {
    std::size_t partsOutside = 0;
    const GEOSPreparedGeometry* inside = GEOSPrepare_r(m_geos.h, v.territory.get());
    for (Checked* c : parcels) {
        if (GEOSPreparedContains_r(m_geos.h, inside, c->shape.get())) continue;
        GeomPtr out = polygonal(m_geos, own(m_geos, GEOSDifference_r(m_geos.h, c->shape.get(), v.territory.get())).get());
        const double a = area(m_geos, out.get());
        if (a > 0) ++partsOutside;
        if (a > m_rules.outsideMinArea)
            add(v, period, "outside", c->parcel, out.get(), a,
                whoOf(v, period, *c->parcel) + "有" + areaText(a) + "超出" + v.name + "村域范围。");
    }
    GEOSPreparedGeom_destroy_r(m_geos.h, inside);
    return partsOutside;
}

GeomPtr Checker::gapsOf(const GEOSGeometry* territory, const std::vector<Checked*>& parcels, const GEOSGeometry* allowedGaps,
                        double* allowedUncovered) {
    std::vector<const GEOSGeometry*> shapes;
    for (const Checked* c : parcels) shapes.push_back(c->shape.get());
    GeomPtr all = unionOf(shapes);
    GeomPtr gaps = polygonal(m_geos, own(m_geos, GEOSDifference_r(m_geos.h, territory, all.get())).get());
    if (allowedGaps && gaps && !GEOSisEmpty_r(m_geos.h, gaps.get())) {
        const double before = area(m_geos, gaps.get());
        gaps = polygonal(m_geos, own(m_geos, GEOSDifference_r(m_geos.h, gaps.get(), allowedGaps)).get());
        if (allowedUncovered) *allowedUncovered += before - area(m_geos, gaps.get());
    }
    return gaps;
}

void Checker::addGap(const VillageInput& v, const std::string& period, const GEOSGeometry* g) {
    const double a = area(m_geos, g);
    if (a <= m_rules.gapMinArea || a <= m_rules.allowedGapMaxArea) return;
    const double per = perimeter(m_geos, g);
    // Mean width of a long thin gap: about 2A/P.
    add(v, period, "gap", nullptr, g, a,
        v.name + periodTitle(period) + "图斑之间有未覆盖的缝隙" + areaText(a) +
            (per > 0 ? "，平均宽约" + fmt(2 * a / per, 2) + "米" : std::string()) + "。");
}

void Checker::checkAreaSum(const VillageInput& v, const std::string& period, double sum, double allowedUncovered, double ta) {
    if (ta > 0 && std::abs(sum + allowedUncovered - ta) > m_rules.areaSumTolerance * ta) {
        add(v, period, "area_sum", nullptr, nullptr, sum + allowedUncovered - ta,
            v.name + periodTitle(period) + "图斑面积合计" + fmt(sum / 10000.0, 4) + "公顷" +
                (allowedUncovered > 0 ? "（另有允许的缝隙" + fmt(allowedUncovered / 10000.0, 4) + "公顷）" : std::string()) + "，村域面积" +
                fmt(ta / 10000.0, 4) + "公顷，相差" + fmt((sum + allowedUncovered - ta) / 10000.0, 4) + "公顷（" +
                fmt(100.0 * (sum + allowedUncovered - ta) / ta, 3) + "%），超过允许的" + fmt(100.0 * m_rules.areaSumTolerance, 3) + "%。")
            .at = pointOn(m_geos, v.territory.get());
        m_out.back().hasAt = true;
    }
}

// One pass of the topology checks over the parcels of one period.
void Checker::checkPeriod(VillageInput& v, const std::string& period, std::vector<Checked>& parcels, const GEOSGeometry* allowedGaps,
                          VillageSummary& s) {
    std::vector<Checked*> all;
    for (Checked& c : parcels) all.push_back(&c);
    checkSlivers(v, period, all);
    const std::size_t interiorsMeet = checkOverlaps(v, period, all);
    double sum = 0;
    for (const Checked& c : parcels) sum += c.area;
    if (!v.hasTerritory) return;
    const std::size_t partsOutside = checkOutside(v, period, all);
    // Gaps: the territory less the union of the parcels. When no two parcels overlap and none
    // reaches outside, the gaps' total area is the territory's less the parcels' sum: below the
    // smallest gap reported, the union (the dearest step) is not needed.
    const double ta = area(m_geos, v.territory.get());
    const double gapLimit = std::max(m_rules.gapMinArea, m_rules.allowedGapMaxArea);
    double allowedUncovered = 0;  // area of the gaps that are allowed: left out of the area sum
    if (interiorsMeet > 0 || partsOutside > 0 || ta - sum > 0.5 * gapLimit) {
        GeomPtr gaps = gapsOf(v.territory.get(), all, allowedGaps, &allowedUncovered);
        const int n = gaps ? GEOSGetNumGeometries_r(m_geos.h, gaps.get()) : 0;
        for (int i = 0; i < n; ++i) addGap(v, period, GEOSGetGeometryN_r(m_geos.h, gaps.get(), i));
    }
    // The areas summed against the territory.
    s.territoryArea = ta;
    checkAreaSum(v, period, sum, allowedUncovered, ta);
}

// Long on purpose: the constraint conflicts of the planned parcels.
void Checker::checkConflicts(VillageInput& v, std::vector<Checked>& current, std::vector<Checked>& planned, VillageSummary& s) {
    std::vector<Checked*> built;
    for (Checked& c : planned)
        if (m_rules.isConstruction(c.parcel->landuseCode)) built.push_back(&c);
    if (built.empty()) return;
    if (current.empty()) {
        checkConflictsOf(v, built, nullptr, nullptr);
        s.notChecked.push_back("无现状用地，未检查新增建设用地");
        return;
    }
    std::vector<const GEOSGeometry*> now;
    for (const Checked& c : current)
        if (m_rules.isConstruction(c.parcel->landuseCode)) now.push_back(c.shape.get());
    GeomPtr nowBuilt = unionOf(now);
    std::vector<const GEOSGeometry*> boundaries;
    for (const Zone& z : m_zones)
        if (z.kind == "construction_boundary" && (!v.hasTerritory || GEOSPreparedIntersects_r(m_geos.h, z.prepared, v.territory.get())))
            boundaries.push_back(z.shape.get());
    GeomPtr boundary = boundaries.empty() ? GeomPtr(nullptr, GeomDeleter{m_geos.h}) : unionOf(boundaries);
    if (boundaries.empty()) s.notChecked.push_back("无村庄建设边界，未检查新增建设用地是否越界");
    checkConflictsOf(v, built, nowBuilt.get(), boundary.get());
}

// Long on purpose: the constraint conflicts of planned construction parcels. `nowBuilt` (the
// current construction land) null: no current land use, new construction not checked; `boundary`
// null: no construction boundary.
void Checker::checkConflictsOf(const VillageInput& v, const std::vector<Checked*>& built, const GEOSGeometry* nowBuilt,
                               const GEOSGeometry* boundary) {
    auto who = [&](const LandUseParcel& p) {
        const std::string_view title = landuseTitle(p.landuseCode);
        return v.name + "规划图斑（要素" + std::to_string(p.fid) + "，" + p.landuseCode + (title.empty() ? "" : " " + std::string(title)) +
               "）";
    };
    auto is = [](const std::vector<std::string>& list, const std::string& k) {
        return std::find(list.begin(), list.end(), k) != list.end();
    };
    // On forbidden zones, whether new or not.
    for (const Zone& z : m_zones) {
        if (!is(m_rules.forbidden, z.kind)) continue;
        for (Checked* c : built) {
            if (!GEOSPreparedIntersects_r(m_geos.h, z.prepared, c->shape.get())) continue;
            GeomPtr inter = polygonal(m_geos, own(m_geos, GEOSIntersection_r(m_geos.h, c->shape.get(), z.shape.get())).get());
            const double a = area(m_geos, inter.get());
            if (a < m_rules.conflictMinArea) continue;
            add(v, "planned", checkKind("conflict_" + z.kind) ? "conflict_" + z.kind : "conflict_ecological_redline", c->parcel,
                inter.get(), a,
                who(*c->parcel) + "占用" + kindTitle(z.kind) + (z.name.empty() ? "" : "（" + z.name + "）") + areaText(a) + "。");
        }
    }
    // New construction: planned construction where the current land is not construction.
    if (!nowBuilt) return;
    for (Checked* c : built) {
        GeomPtr fresh = polygonal(m_geos, own(m_geos, GEOSDifference_r(m_geos.h, c->shape.get(), nowBuilt)).get());
        if (area(m_geos, fresh.get()) < m_rules.conflictMinArea) continue;
        if (boundary) {
            GeomPtr out = polygonal(m_geos, own(m_geos, GEOSDifference_r(m_geos.h, fresh.get(), boundary)).get());
            const double a = area(m_geos, out.get());
            if (a >= m_rules.conflictMinArea)
                add(v, "planned", "outside_construction_boundary", c->parcel, out.get(), a,
                    who(*c->parcel) + "新增建设用地有" + areaText(a) + "位于村庄建设边界之外。");
        }
        for (const Zone& z : m_zones) {
            if (!is(m_rules.newConstructionForbidden, z.kind)) continue;
            if (!GEOSPreparedIntersects_r(m_geos.h, z.prepared, fresh.get())) continue;
            GeomPtr inter = polygonal(m_geos, own(m_geos, GEOSIntersection_r(m_geos.h, fresh.get(), z.shape.get())).get());
            const double a = area(m_geos, inter.get());
            if (a < m_rules.conflictMinArea) continue;
            const std::string check = checkKind("conflict_" + z.kind) ? "conflict_" + z.kind : "conflict_geohazard";
            add(v, "planned", check, c->parcel, inter.get(), a,
                who(*c->parcel) + "新增建设用地有" + areaText(a) + "位于" + kindTitle(z.kind) +
                    (z.name.empty() ? "" : "（" + z.name + "）") + "内。");
        }
    }
}

double Checker::zoneArea(const VillageInput& v, const std::string& kind) {
    if (auto it = m_zoneAreas.find(kind); it != m_zoneAreas.end()) return it->second;
    double& cached = m_zoneAreas[kind];
    std::vector<const GEOSGeometry*> parts;
    for (const Zone& z : m_zones)
        if (z.kind == kind && GEOSPreparedIntersects_r(m_geos.h, z.prepared, v.territory.get())) parts.push_back(z.shape.get());
    if (parts.empty()) return cached = 0.0;
    GeomPtr all = unionOf(parts);
    return cached = area(m_geos, polygonal(m_geos, own(m_geos, GEOSIntersection_r(m_geos.h, all.get(), v.territory.get())).get()).get());
}

// The control targets of the village against its planned land use, and planned homestead land
// per household against the cap.
TargetStatus Checker::targetStatus(const VillageInput& v, const Target& t, const std::vector<Checked*>& planned) {
    auto classArea = [&](auto&& isIn) {
        double a = 0;
        for (const Checked* c : planned)
            if (isIn(c->parcel->landuseCode)) a += c->area;
        return a;
    };
    double planM2 = NAN;
    if (t.indicator == "cultivated_land_ha")
        planM2 = classArea([&](std::string_view c) { return PlanRules::matches(m_rules.cultivatedClasses, c); });
    else if (t.indicator == "forest_ha")
        planM2 = classArea([&](std::string_view c) { return PlanRules::matches(m_rules.forestClasses, c); });
    else if (t.indicator == "construction_land_ha")
        planM2 = classArea([&](std::string_view c) { return m_rules.isConstruction(c); });
    else if ((t.indicator == "basic_farmland_ha" || t.indicator == "redline_ha") && v.hasTerritory)
        planM2 = zoneArea(v, t.indicator == "basic_farmland_ha" ? "basic_farmland" : "ecological_redline");
    TargetStatus out;
    out.indicator = out.title = t.indicator;
    if (const Enumeration* names = findEnumeration("plan_target_indicator"))
        for (const auto& e : names->values)
            if (e.code == t.indicator) out.title = std::string(e.titleZh);
    out.bound = t.bound;
    out.valueHa = t.valueHa;
    out.planM2 = planM2;
    out.planHa = planM2 / 10000.0;
    const double tol = m_rules.targetToleranceHa;
    out.met = std::isnan(planM2) ||
              !((t.bound == "floor" && out.planHa < t.valueHa - tol) || (t.bound == "ceiling" && out.planHa > t.valueHa + tol));
    return out;
}

void Checker::checkTargets(VillageInput& v, const std::vector<Checked*>& planned, VillageSummary& s) {
    auto classArea = [&](auto&& isIn) {
        double a = 0;
        for (const Checked* c : planned)
            if (isIn(c->parcel->landuseCode)) a += c->area;
        return a;
    };
    if (!m_targetsLayer) {
        s.notChecked.push_back("项目没有管控指标表（plan_targets，旧版项目请运行 ruralatlas upgrade），未检查管控指标");
    } else if (v.targets.empty()) {
        s.notChecked.push_back("管控指标表（plan_targets）中没有该村的指标，未检查管控指标");
    }
    for (const Target& t : v.targets) {
        const TargetStatus st = targetStatus(v, t, planned);
        const std::string& title = st.title;
        if (std::isnan(st.planHa)) {
            s.notChecked.push_back(title + "：无村域范围，未检查");
            continue;
        }
        if (st.met) continue;
        const double planHa = st.planHa, planM2 = st.planM2;
        const bool below = t.bound == "floor" && !st.met;
        const double diffM2 = std::abs(planM2 - t.valueHa * 10000.0);
        Finding& f = add(v, "planned", below ? "target_below" : "target_above", nullptr, nullptr, diffM2,
                         v.name + "规划" + title + fmt(planHa, 4) + "公顷，" + (below ? "低于" : "超过") + "下达指标" + fmt(t.valueHa, 4) +
                             "公顷（" + (below ? "不低于" : "不高于") + "），相差" + areaText(diffM2) +
                             (t.source.empty() ? "" : "。指标依据：" + t.source) + "。");
        f.layer = "plan_targets";
        f.fid = t.fid;
        if (v.hasTerritory) {
            f.at = pointOn(m_geos, v.territory.get());
            f.hasAt = true;
        }
    }
    if (m_rules.homesteadMaxM2PerHousehold > 0) {
        if (std::isnan(v.households) || v.households <= 0) {
            s.notChecked.push_back("村户数（villages.households）缺失，未检查户均宅基地");
        } else {
            const double homes = classArea([&](std::string_view c) { return PlanRules::matches(m_rules.homesteadClasses, c); });
            const double perHousehold = homes / v.households, cap = m_rules.homesteadMaxM2PerHousehold;
            if (perHousehold > cap) {
                Finding& f = add(v, "planned", "homestead_cap", nullptr, nullptr, homes - cap * v.households,
                                 v.name + "规划宅基地" + fmt(homes / 10000.0, 4) + "公顷，全村" + fmt(v.households, 0) + "户，户均" +
                                     fmt(perHousehold, 1) + "平方米，超过每户" + fmt(cap, 0) + "平方米的标准；超出合计" +
                                     areaText(homes - cap * v.households) + "。");
                if (v.hasTerritory) {
                    f.at = pointOn(m_geos, v.territory.get());
                    f.hasAt = true;
                }
            }
        }
    }
}

std::optional<Checked> Checker::prepare(const VillageInput& v, const LandUseParcel* p) {
    {
        checkCodes(v, *p);
        GeomPtr g = toGeos(m_geos, p->shape);
        const std::string who = v.name + periodTitle(p->period) + "图斑（要素" + std::to_string(p->fid) + "）";
        if (!g) {
            add(v, p->period, "invalid", p, nullptr, NAN, who + "的边界无法构成面（" + m_geos.lastError + "），未参与其余检查。");
            return std::nullopt;
        }
        if (GEOSisEmpty_r(m_geos.h, g.get())) {
            add(v, p->period, "invalid", p, nullptr, NAN, who + "没有几何图形，未参与其余检查。");
            return std::nullopt;
        }
        char* reason = nullptr;
        GEOSGeometry* location = nullptr;
        if (GEOSisValidDetail_r(m_geos.h, g.get(), 0, &reason, &location) == 0) {
            const double before = area(m_geos, g.get());
            GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(m_geos.h);
            GEOSMakeValidParams_setMethod_r(m_geos.h, params, GEOS_MAKE_VALID_STRUCTURE);
            GEOSMakeValidParams_setKeepCollapsed_r(m_geos.h, params, 0);
            GeomPtr fixed = polygonal(m_geos, own(m_geos, GEOSMakeValidWithParams_r(m_geos.h, g.get(), params)).get());
            GEOSMakeValidParams_destroy_r(m_geos.h, params);
            const double after = area(m_geos, fixed.get());
            XY at{NAN, NAN};
            if (location) {
                GEOSGeomGetX_r(m_geos.h, location, &at.x);
                GEOSGeomGetY_r(m_geos.h, location, &at.y);
            }
            Finding& f =
                add(v, p->period, "invalid", p, g.get(), after,
                    who + "几何无效（" + std::string(reason ? reason : "") +
                        (std::isnan(at.x) ? "" : "，位置 " + fmt(at.x, 2) + ", " + fmt(at.y, 2)) + "）。按GEOS MakeValid修复后面积" +
                        areaText(after) + "（修复前按原环计算" + fmt(before, 2) + "平方米），其余检查按修复后图形进行。");
            if (!std::isnan(at.x)) {
                f.at = at;
                f.hasAt = true;
            }
            g = std::move(fixed);
        }
        if (reason) GEOSFree_r(m_geos.h, reason);
        if (location) GEOSGeom_destroy_r(m_geos.h, location);
        Checked c{p, std::move(g), 0};
        c.area = area(m_geos, c.shape.get());
        return c;
    }
}

VillageSummary Checker::check(VillageInput& v) {
    VillageSummary s;
    s.code = v.code;
    s.name = v.name;
    s.hasTerritory = v.hasTerritory;
    if (!v.hasTerritory) s.notChecked.push_back("村界（village_boundaries）中没有该村，未检查缝隙、超界和面积合计");
    const std::size_t first = m_out.size();
    std::map<std::string, std::vector<Checked>> byPeriod;
    for (const LandUseParcel* p : v.parcels) {
        if (p->period == "current")
            ++s.parcelsCurrent;
        else if (p->period == "planned")
            ++s.parcelsPlanned;
        if (std::optional<Checked> c = prepare(v, p)) byPeriod[p->period].push_back(std::move(*c));
    }
    const auto currentParcels = byPeriod.find("current");
    for (auto& [period, parcels] : byPeriod) {
        GeomPtr allowed = allowedGaps(v, period, currentParcels == byPeriod.end() ? nullptr : &currentParcels->second);
        checkPeriod(v, period, parcels, allowed.get(), s);
    }
    std::vector<Checked> none;
    auto cur = byPeriod.find("current");
    auto plan = byPeriod.find("planned");
    if (plan != byPeriod.end()) checkConflicts(v, cur == byPeriod.end() ? none : cur->second, plan->second, s);
    if (plan != byPeriod.end()) {
        std::vector<Checked*> ptrs;
        for (Checked& c : plan->second) ptrs.push_back(&c);
        checkTargets(v, ptrs, s);
    }
    for (std::size_t i = first; i < m_out.size(); ++i) ++s.byCheck[m_out[i].check];
    s.findings = m_out.size() - first;
    return s;
}

Polygons readShape(const Feature& f) { return polygonsOf(f.geometry); }

}  // namespace

std::string checkTitle(const std::string& check) {
    const CheckKind* k = checkKind(check);
    return k ? k->titleZh : check;
}

std::string checkGroup(const std::string& check) {
    const CheckKind* k = checkKind(check);
    return k ? k->group : "";
}

std::string checkGroupTitle(const std::string& g) {
    return g == "codes" ? "代码" : g == "topology" ? "拓扑" : g == "conflicts" ? "管控冲突" : g == "targets" ? "管控指标" : g;
}

std::map<std::string, std::string> villageNames(ProjectSource& project) {
    std::map<std::string, std::string> names;
    if (const auto info = project.layerInfo("villages"); info && info->fieldIndex("name") >= 0) {
        FeatureQuery q;
        q.fields = {"code", "name"};
        q.geometry = false;
        q.asText = true;
        project.readFeatures("villages", q, [&](const Feature& f) { names[valueAsText(f.values[0])] = valueAsText(f.values[1]); });
    }
    return names;
}

void checkScopeCodes(const std::string& village, const std::string& township) {
    if (!village.empty() && (village.size() != 12 || village.find_first_not_of("0123456789") != std::string::npos))
        throw UsageError("--village " + village + ": a village code has 12 digits");
    if (!township.empty() && (township.size() != 9 || township.find_first_not_of("0123456789") != std::string::npos))
        throw UsageError("--township " + township + ": a township code has 9 digits");
}

std::vector<std::string> checkCodes() {
    std::vector<std::string> out;
    for (const CheckKind& k : kChecks) out.push_back(k.code);
    return out;
}

namespace {

// What the check reads from the project: the parcels grouped by village, with territory, name,
// targets and households, the constraint zones (and the allowed gaps), and the crosswalks.
struct CheckInputs {
    std::vector<LandUseParcel> parcels;
    std::map<std::string, VillageInput> villages;
    std::vector<Constraint> constraints;
    bool targetsLayer = false;
    LanduseCrosswalk survey, trial;
};

// Long on purpose: read the project. `period` narrows the parcels read; `keepVillage` keeps
// `village` even when it has no parcel (a plan being drafted).
void readCheckInputs(CheckInputs& in, ProjectSource& project, const PlanRules& rules, const std::string& village,
                     const std::string& township, const std::string& period, bool keepVillage) {
    if (!project.layerInfo("landuse_plan"))
        throw DataError({project.name(), "landuse_plan"}, "the project has no landuse_plan layer: there is no village plan to check");
    in.parcels = readLandUseParcels(project, village, period);
    std::vector<LandUseParcel>& parcels = in.parcels;
    const std::map<std::string, std::string> names = villageNames(project);
    Geos geos;
    std::map<std::string, VillageInput>& villages = in.villages;
    if (keepVillage && !village.empty()) villages[village].code = village;
    auto wanted = [&](const std::string& code) {
        return (village.empty() || code == village) && (township.empty() || code.compare(0, township.size(), township) == 0);
    };
    for (const LandUseParcel& p : parcels)
        if (wanted(p.villageCode)) {
            VillageInput& v = villages[p.villageCode];
            v.code = p.villageCode;
            v.parcels.push_back(&p);
        }
    if (project.layerInfo("village_boundaries")) {
        FeatureQuery q;
        q.fields = {"code", "name"};
        q.asText = true;
        if (!village.empty()) q.where = "code = '" + village + "'";
        project.readFeatures("village_boundaries", q, [&](const Feature& f) {
            const std::string code = valueAsText(f.values[0]);
            auto it = villages.find(code);
            if (it == villages.end()) return;
            Polygons shape = readShape(f);
            if (!toGeos(geos, shape))
                throw DataError({project.name(), "village_boundaries", std::to_string(f.fid), "geometry"},
                                "the village territory of " + code + " is not a polygon: " + geos.lastError);
            it->second.territoryParts.push_back(std::move(shape));
            it->second.hasTerritory = true;
            if (it->second.name.empty() && f.values.size() > 1) it->second.name = valueAsText(f.values[1]);
        });
    }
    if (!village.empty() && villages.empty())
        throw DataError({project.name(), "landuse_plan", "", "village_code"},
                        "no land-use parcel has village_code " + village + ": nothing to check");
    if (villages.empty() && !township.empty())
        throw DataError({project.name(), "landuse_plan", "", "village_code"},
                        "no land-use parcel lies in township " + township + ": nothing to check");
    if (!village.empty() && !villages.begin()->second.hasTerritory)
        throw DataError({project.name(), "village_boundaries", "", "code"},
                        "no village territory has code " + village +
                            ": the plan's extent is unknown, so gaps, parts outside and the area "
                            "sum cannot be checked (import the 村界 into village_boundaries)");
    for (auto& [code, v] : villages) {
        if (auto n = names.find(code); n != names.end() && !n->second.empty()) v.name = n->second;
        if (v.name.empty()) v.name = code;
    }

    std::vector<Constraint>& constraints = in.constraints;
    if (project.layerInfo("constraints")) constraints = readConstraints(project);
    if (!rules.allowedGapLayer.empty()) {
        const auto info = project.layerInfo(rules.allowedGapLayer);
        if (!info)
            throw DataError({rules.file, "", "", "topology.allowed_gap_layer"},
                            "the allowed-gaps layer '" + rules.allowedGapLayer + "' is not in the project " + project.name());
        FeatureQuery q;
        q.geometry = true;
        project.readFeatures(rules.allowedGapLayer, q, [&](const Feature& f) {
            Polygons shape = readShape(f);
            if (!shape.empty()) constraints.push_back({f.fid, kAllowedGapKind, "", std::move(shape)});
        });
    }
    // Control targets and household counts.
    const bool targetsLayer = in.targetsLayer = project.layerInfo("plan_targets").has_value();
    if (targetsLayer) {
        FeatureQuery q;
        q.fields = {"village_code", "indicator", "bound", "value", "source"};
        q.geometry = false;
        q.asText = true;
        project.readFeatures("plan_targets", q, [&](const Feature& f) {
            auto it = villages.find(valueAsText(f.values[0]));
            if (it == villages.end()) return;
            Target t;
            t.fid = f.fid;
            t.indicator = valueAsText(f.values[1]);
            t.bound = valueAsText(f.values[2]);
            t.source = valueAsText(f.values[4]);
            const std::string value = valueAsText(f.values[3]);
            char* end = nullptr;
            t.valueHa = std::strtod(value.c_str(), &end);
            if (value.empty() || end == value.c_str() || *end != '\0' || !std::isfinite(t.valueHa) || t.valueHa < 0)
                throw DataError({project.name(), "plan_targets", std::to_string(f.fid), "value"},
                                "the target value '" + value + "' is not a number of 公顷 (ha)");
            if (t.bound != "floor" && t.bound != "ceiling")
                throw DataError({project.name(), "plan_targets", std::to_string(f.fid), "bound"},
                                "bound '" + t.bound + "' is neither floor (不低于) nor ceiling (不高于)");
            it->second.targets.push_back(std::move(t));
        });
    }
    if (const auto info = project.layerInfo("villages"); info && info->fieldIndex("households") >= 0) {
        FeatureQuery q;
        q.fields = {"code", "households"};
        q.geometry = false;
        q.asText = true;
        project.readFeatures("villages", q, [&](const Feature& f) {
            auto it = villages.find(valueAsText(f.values[0]));
            const std::string h = valueAsText(f.values[1]);
            if (it != villages.end() && !h.empty()) it->second.households = std::strtod(h.c_str(), nullptr);
        });
    }
    in.survey = rules.currentCrosswalk.empty() ? LanduseCrosswalk::shipped("sandiao") : LanduseCrosswalk::load(rules.currentCrosswalk);
    in.trial = LanduseCrosswalk::shipped("trial2020");
}

std::vector<Zone> buildZones(Geos& g, const std::vector<Constraint>& constraints) {
    std::vector<Zone> zones;
    for (const Constraint& c : constraints) {
        Zone z{c.kind, c.name, toGeos(g, c.shape)};
        if (!z.shape) continue;
        if (GEOSisValid_r(g.h, z.shape.get()) != 1) z.shape = polygonal(g, own(g, GEOSMakeValid_r(g.h, z.shape.get())).get());
        z.prepared = GEOSPrepare_r(g.h, z.shape.get());
        zones.push_back(std::move(z));
    }
    return zones;
}

// The village's territory as one valid multi-polygon (its parts repaired and unioned).
void buildTerritory(Geos& g, VillageInput& v) {
    if (!v.hasTerritory) return;
    std::vector<const GEOSGeometry*> parts;
    std::vector<GeomPtr> owned;
    for (const Polygons& part : v.territoryParts) {
        GeomPtr t = toGeos(g, part);
        if (GEOSisValid_r(g.h, t.get()) != 1) t = polygonal(g, own(g, GEOSMakeValid_r(g.h, t.get())).get());
        parts.push_back(t.get());
        owned.push_back(std::move(t));
    }
    if (owned.size() == 1) {
        v.territory = std::move(owned[0]);
    } else {
        std::vector<GEOSGeometry*> copies;
        for (const GEOSGeometry* x : parts) copies.push_back(GEOSGeom_clone_r(g.h, x));
        GeomPtr all = own(g, GEOSGeom_createCollection_r(g.h, GEOS_GEOMETRYCOLLECTION, copies.data(), unsigned(copies.size())));
        v.territory = polygonal(g, own(g, GEOSUnaryUnion_r(g.h, all.get())).get());
    }
}

}  // namespace

// Long on purpose: read the project, group the parcels by village, check each, tabulate.
PlanCheckOutcome runPlanCheck(ProjectSource& project, const PlanRules& rules, const std::string& village, const std::string& township,
                              Feedback& feedback) {
    feedback.setProgress(0.02, "读取村庄规划用地");
    CheckInputs in;
    readCheckInputs(in, project, rules, village, township, {}, false);
    std::map<std::string, VillageInput>& villages = in.villages;
    const std::vector<Constraint>& constraints = in.constraints;
    const bool targetsLayer = in.targetsLayer;
    const LanduseCrosswalk& survey = in.survey;
    const LanduseCrosswalk& trial = in.trial;

    // Villages on worker threads (one GEOS context each, its own prepared zones); this thread is
    // one of them and reports progress. Findings keep the villages' order.
    std::vector<VillageInput*> order;
    for (auto& [code, v] : villages) order.push_back(&v);
    const std::size_t n = order.size();
    std::vector<VillageSummary> summaries(n);
    std::vector<std::vector<Finding>> found(n);
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&](bool reports) {
        Geos g;
        std::vector<Zone> zones;
        try {
            zones = buildZones(g, constraints);
            for (;;) {
                if (stop) break;
                const std::size_t i = next++;
                if (i >= n) break;
                VillageInput& v = *order[i];
                buildTerritory(g, v);
                Checker checker(g, rules, zones, survey, trial, targetsLayer, found[i]);
                summaries[i] = checker.check(v);
                v.territory.reset();
                const std::size_t d = ++done;
                if (reports) {
                    feedback.checkCancelled();
                    feedback.setProgress(0.05 + 0.9 * double(d) / double(n), v.name);
                }
            }
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
        for (Zone& z : zones) GEOSPreparedGeom_destroy_r(g.h, z.prepared);
    };
    const unsigned helpers = n > 1 ? std::min(7u, std::max(1u, std::thread::hardware_concurrency()) - 1) : 0;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < helpers; ++t) pool.emplace_back(work, false);
    work(true);
    for (std::thread& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    PlanCheckOutcome out;
    for (std::size_t i = 0; i < n; ++i) {
        out.villages.push_back(std::move(summaries[i]));
        for (Finding& f : found[i]) out.findings.push_back(std::move(f));
    }
    return out;
}

namespace {

class PlanCheck final : public Analysis {
public:
    PlanCheck() {
        m_spec = {
            "plan-check",
            "村庄规划成果质检",
            "Village-plan check: land-use codes, coverage topology and constraint conflicts, each finding located",
            {{"village", ParamType::Text, "只检查此村（12位代码）", "Only this village (12-digit code)"},
             {"township", ParamType::Text, "只检查此乡镇的村（9位代码）", "Only the villages of this township (9-digit code)"},
             {"rules", ParamType::Text, "质检规则文件（JSON；默认 data/plan_rules.json）",
              "Rules file (JSON; default data/plan_rules.json)"},
             {"out", ParamType::OutputPath, "输出文件（.gpkg 或 .csv）", "Output file (.gpkg or .csv)", std::nullopt, {}, {}, {}, false}},
            {{"plan_check", "村庄规划质检问题", "Village-plan findings"},
             {"plan_check_villages", "村庄规划质检汇总", "Village-plan check by village"}}};
    }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const override;

private:
    AnalysisSpec m_spec;
};

AnalysisResult PlanCheck::run(ProjectSource& project, const ParamValues& p, Feedback& feedback) const {
    const std::string rulesFile = p.has("rules") ? p.text("rules") : shippedDir("data") + "/plan_rules.json";
    const PlanRules rules = readPlanRules(rulesFile);
    const std::string village = p.has("village") ? p.text("village") : "";
    const std::string township = p.has("township") ? p.text("township") : "";
    checkScopeCodes(village, township);
    auto outcome = std::make_shared<PlanCheckOutcome>(runPlanCheck(project, rules, village, township, feedback));

    ResultTable t;
    t.name = "plan_check";
    t.titleZh = "村庄规划质检问题";
    t.geometry = ResultGeometry::MultiPolygon;
    t.columns = {{"village_code", ResultFieldType::Text, "村代码"},
                 {"village_name", ResultFieldType::Text, "村名"},
                 {"period", ResultFieldType::Text, "现状/规划"},
                 {"check", ResultFieldType::Text, "检查项代码"},
                 {"check_title", ResultFieldType::Text, "问题类型"},
                 {"check_group", ResultFieldType::Text, "检查类别"},
                 {"layer", ResultFieldType::Text, "图层"},
                 {"feature_id", ResultFieldType::Integer64, "要素编号"},
                 {"other_feature_id", ResultFieldType::Integer64, "相关要素编号"},
                 {"landuse_code", ResultFieldType::Text, "用地代码"},
                 {"area_m2", ResultFieldType::Real, "面积（平方米）"},
                 {"area_ha", ResultFieldType::Real, "面积（公顷）"},
                 {"area_mu", ResultFieldType::Real, "面积（亩）"},
                 {"x", ResultFieldType::Real, "位置X"},
                 {"y", ResultFieldType::Real, "位置Y"},
                 {"sentence", ResultFieldType::Text, "说明"}};
    t.rows = outcome->findings.size();
    t.row = [outcome](std::size_t i, RowSink& s) {
        const Finding& f = outcome->findings[i];
        s.text(f.villageCode);
        s.text(f.villageName);
        s.text(f.period);
        s.text(f.check);
        s.text(checkTitle(f.check));
        const std::string g = checkGroup(f.check);
        s.text(checkGroupTitle(g));
        s.text(f.layer);
        f.fid >= 0 ? s.integer(f.fid) : s.null();
        f.otherFid >= 0 ? s.integer(f.otherFid) : s.null();
        f.landuseCode.empty() ? s.null() : s.text(f.landuseCode);
        if (std::isnan(f.area)) {
            s.null();
            s.null();
            s.null();
        } else {
            s.real(std::round(f.area * 10000) / 10000);
            s.real(std::round(f.area / 10000.0 * 1e6) / 1e6);
            s.real(std::round(f.area * kMuPerM2 * 1e4) / 1e4);
        }
        f.hasAt ? s.real(std::round(f.at.x * 100) / 100) : s.null();
        f.hasAt ? s.real(std::round(f.at.y * 100) / 100) : s.null();
        s.text(f.sentence);
    };
    t.shape = [outcome](std::size_t i, std::vector<XY>& out) {
        const Finding& f = outcome->findings[i];
        if (!f.shape.empty()) {
            appendPolygons(f.shape, out);
            return !out.empty();
        }
        return false;
    };
    t.style = "villageplan/plan_check.json";

    std::vector<ResultColumn> vc = {{"village_code", ResultFieldType::Text, "村代码"},
                                    {"village_name", ResultFieldType::Text, "村名"},
                                    {"parcels_current", ResultFieldType::Integer, "现状图斑数"},
                                    {"parcels_planned", ResultFieldType::Integer, "规划图斑数"},
                                    {"territory_ha", ResultFieldType::Real, "村域面积（公顷）"},
                                    {"findings", ResultFieldType::Integer, "问题数"},
                                    {"codes", ResultFieldType::Integer, "代码问题"},
                                    {"topology", ResultFieldType::Integer, "拓扑问题"},
                                    {"conflicts", ResultFieldType::Integer, "管控冲突"},
                                    {"targets", ResultFieldType::Integer, "管控指标问题"},
                                    {"not_checked", ResultFieldType::Text, "未检查项"}};
    ResultTableBuilder vt("plan_check_villages", "村庄规划质检汇总", ResultGeometry::None, vc);
    std::map<std::string, long long> total;
    long long withFindings = 0;
    std::string listText, notCheckedJson;
    long long totals[4] = {0, 0, 0, 0}, parcelsCurrent = 0, parcelsPlanned = 0, villagesNotChecked = 0;
    double territory = 0;
    for (const VillageSummary& s : outcome->villages) {
        long long groups[4] = {0, 0, 0, 0};
        for (const auto& [check, n] : s.byCheck) {
            const std::string g = checkGroup(check);
            groups[g == "codes" ? 0 : g == "topology" ? 1 : g == "conflicts" ? 2 : 3] += n;
            total[check] += n;
        }
        for (int k = 0; k < 4; ++k) totals[k] += groups[k];
        parcelsCurrent += (long long)s.parcelsCurrent;
        parcelsPlanned += (long long)s.parcelsPlanned;
        territory += s.territoryArea;
        if (!s.notChecked.empty()) ++villagesNotChecked;
        std::string nc;
        for (const std::string& x : s.notChecked) nc += (nc.empty() ? "" : "；") + x;
        vt.add({s.code, s.name, (long long)s.parcelsCurrent, (long long)s.parcelsPlanned,
                s.hasTerritory ? ResultValue(std::round(s.territoryArea / 100.0) / 100.0) : ResultValue(), (long long)s.findings, groups[0],
                groups[1], groups[2], groups[3], nc.empty() ? ResultValue() : ResultValue(nc)});
        if (s.findings) {
            ++withFindings;
            std::string parts;
            for (const auto& [check, n] : s.byCheck) parts += (parts.empty() ? "" : "，") + checkTitle(check) + std::to_string(n);
            listText += "  - " + s.name + "（" + s.code + "）：" + std::to_string(s.findings) + " 处（" + parts + "）\n";
        }
        if (!nc.empty()) {
            listText += "  - " + s.name + "（" + s.code + "）未检查：" + nc + "\n";
            notCheckedJson += std::string(notCheckedJson.empty() ? "" : ", ") + "{\"village\": " + jsonQuote(s.code) +
                              ", \"未检查\": " + jsonQuote(nc) + "}";
        }
    }

    // The total for the scope checked (the county, a township): the last row.
    if (outcome->villages.size() > 1)
        vt.add({ResultValue(), "合计（" + std::to_string(outcome->villages.size()) + "个村）", parcelsCurrent, parcelsPlanned,
                std::round(territory / 100.0) / 100.0, (long long)outcome->findings.size(), totals[0], totals[1], totals[2], totals[3],
                villagesNotChecked ? ResultValue(std::to_string(villagesNotChecked) + "个村有未检查项") : ResultValue()});
    AnalysisResult r;
    r.tables.push_back(std::move(t));
    r.tables.push_back(std::move(vt).build());
    std::string byCheck;
    for (const std::string& c : checkCodes()) byCheck += (byCheck.empty() ? "" : ", ") + jsonQuote(c) + ": " + std::to_string(total[c]);
    r.summaryJson = "{\"villages\": " + std::to_string(outcome->villages.size()) +
                    ", \"villages_with_findings\": " + std::to_string(withFindings) +
                    ", \"findings\": " + std::to_string(outcome->findings.size()) + ", \"by_check\": {" + byCheck +
                    "}, \"not_checked\": [" + notCheckedJson + "], \"rules\": " + jsonQuote(rulesFile) + "}";
    std::string text = "村庄规划成果质检：" + std::to_string(outcome->villages.size()) + " 个村，" + std::to_string(withFindings) +
                       " 个村有问题，共 " + std::to_string(outcome->findings.size()) + " 处\n";
    for (const std::string& c : checkCodes())
        if (total[c]) text += "  " + checkTitle(c) + "：" + std::to_string(total[c]) + "\n";
    r.summaryText = text + listText;
    return r;
}

}  // namespace

std::unique_ptr<Analysis> makePlanCheck() { return std::make_unique<PlanCheck>(); }

// ---------------------------------------------------------------------------------------------
// The live check of a village being edited.

namespace {

struct Box2 {
    double minx = 1, miny = 1, maxx = 0, maxy = 0;
    bool empty() const { return minx > maxx; }
    void add(const Box2& b) {
        if (b.empty()) return;
        if (empty()) {
            *this = b;
            return;
        }
        minx = std::min(minx, b.minx), miny = std::min(miny, b.miny), maxx = std::max(maxx, b.maxx), maxy = std::max(maxy, b.maxy);
    }
    bool meets(const Box2& b) const {
        return !empty() && !b.empty() && minx <= b.maxx && b.minx <= maxx && miny <= b.maxy && b.miny <= maxy;
    }
};

Box2 boxOf(Geos& g, const GEOSGeometry* geom) {
    Box2 b;
    if (!geom || GEOSisEmpty_r(g.h, geom)) return b;
    GEOSGeom_getXMin_r(g.h, geom, &b.minx);
    GEOSGeom_getYMin_r(g.h, geom, &b.miny);
    GEOSGeom_getXMax_r(g.h, geom, &b.maxx);
    GEOSGeom_getYMax_r(g.h, geom, &b.maxy);
    return b;
}

Box2 boxOf(const Polygons& shape) {
    Box2 b;
    for (const Polygon& p : shape)
        for (const Ring& r : p.rings)
            for (const XY& q : r) b.add({q.x, q.y, q.x, q.y});
    return b;
}

}  // namespace

struct LiveCheck::Impl {
    Geos geos;
    PlanRules rules;
    CheckInputs in;
    VillageInput* v = nullptr;
    std::vector<Zone> zones;
    std::vector<Finding> scratch;
    std::unique_ptr<Checker> checker;
    GeomPtr nowBuilt{nullptr, GeomDeleter{nullptr}}, boundary{nullptr, GeomDeleter{nullptr}}, allowed{nullptr, GeomDeleter{nullptr}};
    double territoryArea = 0, allowedInTerritory = 0;
    std::map<std::string, double> currentAreas;
    Polygons territoryShape;
    struct Entry {
        LandUseParcel parcel;
        std::optional<Checked> checked;
        Box2 box;
        double allowedArea = 0;  // of the parcel inside the allowed gaps
        std::vector<Finding> own;
    };
    std::map<long long, Entry> parcels;
    std::vector<Finding> overlaps, gaps, village;
    VillageSummary summary;
    bool first = true;

    ~Impl() {
        checker.reset();
        for (Zone& z : zones) GEOSPreparedGeom_destroy_r(geos.h, z.prepared);
    }

    std::vector<Finding> take() {
        std::vector<Finding> out;
        out.swap(scratch);
        return out;
    }

    void enter(long long fid, const LandUseParcel& p) {
        Entry& e = parcels[fid];
        e.parcel = p;
        e.parcel.fid = fid;
        e.parcel.period = "planned";
        scratch.clear();
        e.checked = checker->prepare(*v, &e.parcel);
        if (e.checked) {
            e.box = boxOf(geos, e.checked->shape.get());
            if (allowed)
                e.allowedArea =
                    area(geos, polygonal(geos, own(geos, GEOSIntersection_r(geos.h, e.checked->shape.get(), allowed.get())).get()).get());
        } else {
            e.box = boxOf(p.shape);
        }
        e.own = take();
    }

    // Slivers, parts outside and conflicts of the parcels entered: each finding to its parcel.
    void checkParcels(const std::set<long long>& fids) {
        std::vector<Checked*> these, built;
        for (long long fid : fids)
            if (auto it = parcels.find(fid); it != parcels.end() && it->second.checked) {
                these.push_back(&*it->second.checked);
                if (rules.isConstruction(it->second.parcel.landuseCode)) built.push_back(&*it->second.checked);
            }
        if (these.empty()) return;
        scratch.clear();
        checker->checkSlivers(*v, "planned", these);
        if (v->hasTerritory) checker->checkOutside(*v, "planned", these);
        if (!built.empty()) checker->checkConflictsOf(*v, built, nowBuilt.get(), boundary.get());
        for (Finding& f : take()) parcels[f.fid].own.push_back(std::move(f));
    }

    std::vector<Checked*> checkedIn(const Box2& window) {
        std::vector<Checked*> out;
        for (auto& [fid, e] : parcels)
            if (e.checked && e.box.meets(window)) out.push_back(&*e.checked);
        return out;
    }

    std::vector<Checked*> allChecked() {
        std::vector<Checked*> out;
        for (auto& [fid, e] : parcels)
            if (e.checked) out.push_back(&*e.checked);
        return out;
    }

    GeomPtr rectangle(const Box2& b) { return own(geos, GEOSGeom_createRectangle_r(geos.h, b.minx, b.miny, b.maxx, b.maxy)); }

    // Long on purpose: the gap findings after an edit whose parcels (before and after) lie in `dirty`.
    void updateGaps(const Box2& dirty, bool full, double sum, std::size_t partsOutside) {
        const double gapLimit = std::max(rules.gapMinArea, rules.allowedGapMaxArea);
        // A clean mosaic (no overlap, nothing outside, the sum equal to the territory): no gap at all.
        if (overlaps.empty() && partsOutside == 0 && territoryArea - (sum - 0) <= 0.5 * gapLimit) {
            gaps.clear();
            return;
        }
        if (full) {
            gaps.clear();
            scratch.clear();
            GeomPtr g = checker->gapsOf(v->territory.get(), allChecked(), allowed.get(), nullptr);
            const int n = g ? GEOSGetNumGeometries_r(geos.h, g.get()) : 0;
            for (int i = 0; i < n; ++i) checker->addGap(*v, "planned", GEOSGetGeometryN_r(geos.h, g.get(), i));
            gaps = take();
            return;
        }
        if (dirty.empty()) return;
        // The window: the edit's box and every gap found before that meets it (a gap the edit
        // changed, or joined, lies whole inside).
        Box2 window = dirty;
        std::vector<Finding> kept;
        for (Finding& f : gaps) {
            if (boxOf(f.shape).meets(dirty))
                window.add(boxOf(f.shape));
            else
                kept.push_back(std::move(f));
        }
        // A little margin, so a gap's edge on the window's is not cut.
        const double m = 1e-6 * std::max(window.maxx - window.minx, window.maxy - window.miny) + 1e-3;
        window.minx -= m, window.miny -= m, window.maxx += m, window.maxy += m;
        GeomPtr rect = rectangle(window);
        GeomPtr local = polygonal(geos, own(geos, GEOSIntersection_r(geos.h, v->territory.get(), rect.get())).get());
        scratch.clear();
        GeomPtr g = checker->gapsOf(local.get(), checkedIn(window), allowed.get(), nullptr);
        const int n = g ? GEOSGetNumGeometries_r(geos.h, g.get()) : 0;
        for (int i = 0; i < n; ++i) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(geos.h, g.get(), i);
            if (boxOf(geos, part).meets(dirty)) checker->addGap(*v, "planned", part);
        }
        for (Finding& f : take()) kept.push_back(std::move(f));
        gaps = std::move(kept);
    }

    void update(const std::map<long long, LandUseParcel>& planned, const std::set<long long>& changedIn) {
        const bool full = first;
        first = false;
        std::set<long long> changed;
        Box2 dirty;
        if (full) {
            parcels.clear();
            for (const auto& [fid, p] : planned) changed.insert(fid);
        } else {
            changed = changedIn;
        }
        for (long long fid : changed) {
            if (auto it = parcels.find(fid); it != parcels.end()) {
                dirty.add(it->second.box);
                parcels.erase(it);
            }
            if (auto it = planned.find(fid); it != planned.end()) {
                enter(fid, it->second);
                dirty.add(parcels[fid].box);
            }
        }
        checkParcels(changed);
        // Overlaps: the pairs with a changed parcel on one side.
        if (full) {
            overlaps.clear();
            scratch.clear();
            checker->checkOverlaps(*v, "planned", allChecked());
            overlaps = take();
        } else {
            std::vector<Finding> kept;
            for (Finding& f : overlaps)
                if (!changed.count(f.fid) && !changed.count(f.otherFid)) kept.push_back(std::move(f));
            Box2 after;
            for (long long fid : changed)
                if (auto it = parcels.find(fid); it != parcels.end()) after.add(it->second.box);
            if (!after.empty()) {
                scratch.clear();
                checker->checkOverlaps(*v, "planned", checkedIn(after), &changed);
                for (Finding& f : take()) kept.push_back(std::move(f));
            }
            overlaps = std::move(kept);
        }
        double sum = 0, allowedCovered = 0;
        std::size_t partsOutside = 0;
        for (const auto& [fid, e] : parcels) {
            if (!e.checked) continue;
            sum += e.checked->area;
            allowedCovered += e.allowedArea;
            for (const Finding& f : e.own)
                if (f.check == "outside") ++partsOutside;
        }
        if (v->hasTerritory) updateGaps(dirty, full, sum, partsOutside);
        // The village's own findings: the area sum and the targets.
        scratch.clear();
        summary = VillageSummary{};
        summary.code = v->code;
        summary.name = v->name;
        summary.hasTerritory = v->hasTerritory;
        summary.territoryArea = territoryArea;
        summary.parcelsPlanned = parcels.size();
        if (v->hasTerritory)
            checker->checkAreaSum(*v, "planned", sum, allowed ? std::max(0.0, allowedInTerritory - allowedCovered) : 0.0, territoryArea);
        std::vector<Checked*> all = allChecked();
        checker->checkTargets(*v, all, summary);
        village = take();
    }
};

LiveCheck::LiveCheck(ProjectSource& project, const PlanRules& rules, const std::string& village) : m(std::make_unique<Impl>()) {
    m->rules = rules;
    readCheckInputs(m->in, project, rules, village, {}, "current", true);
    auto it = m->in.villages.find(village);
    if (it == m->in.villages.end() || !it->second.hasTerritory)
        throw DataError({project.name(), "village_boundaries", "", "code"},
                        "no village territory has code " + village +
                            ": a plan is drafted inside the village's territory (import the 村界 into village_boundaries)");
    m->v = &it->second;
    for (const Polygons& part : m->v->territoryParts)
        for (const Polygon& p : part) m->territoryShape.push_back(p);
    m->zones = buildZones(m->geos, m->in.constraints);
    buildTerritory(m->geos, *m->v);
    m->territoryArea = area(m->geos, m->v->territory.get());
    m->checker = std::make_unique<Checker>(m->geos, m->rules, m->zones, m->in.survey, m->in.trial, m->in.targetsLayer, m->scratch);
    // The current parcels: the construction land now (what is new), the allowed gaps and the
    // current areas of the balance table.
    std::vector<Checked> current;
    for (const LandUseParcel& p : m->in.parcels) {
        if (p.villageCode != village || p.period != "current") continue;
        m->scratch.clear();
        if (std::optional<Checked> c = m->checker->prepare(*m->v, &p)) {
            m->currentAreas[p.landuseCode] += c->area;
            current.push_back(std::move(*c));
        }
    }
    m->scratch.clear();
    if (!current.empty()) {
        std::vector<const GEOSGeometry*> now;
        for (const Checked& c : current)
            if (rules.isConstruction(c.parcel->landuseCode)) now.push_back(c.shape.get());
        m->nowBuilt = m->checker->unionOf(now);
        std::vector<const GEOSGeometry*> boundaries;
        for (const Zone& z : m->zones)
            if (z.kind == "construction_boundary" && GEOSPreparedIntersects_r(m->geos.h, z.prepared, m->v->territory.get()))
                boundaries.push_back(z.shape.get());
        if (!boundaries.empty()) m->boundary = m->checker->unionOf(boundaries);
    }
    m->allowed = m->checker->allowedGaps(*m->v, "planned", &current);
    if (m->allowed)
        m->allowedInTerritory = area(
            m->geos, polygonal(m->geos, own(m->geos, GEOSIntersection_r(m->geos.h, m->allowed.get(), m->v->territory.get())).get()).get());
}

LiveCheck::~LiveCheck() = default;

void LiveCheck::update(const std::map<long long, LandUseParcel>& planned, const std::set<long long>& changed, bool full) {
    if (full) m->first = true;
    m->update(planned, changed);
}

std::vector<Finding> LiveCheck::findings() const {
    std::vector<Finding> out;
    for (const auto& [fid, e] : m->parcels) out.insert(out.end(), e.own.begin(), e.own.end());
    out.insert(out.end(), m->overlaps.begin(), m->overlaps.end());
    out.insert(out.end(), m->gaps.begin(), m->gaps.end());
    out.insert(out.end(), m->village.begin(), m->village.end());
    return out;
}

std::size_t LiveCheck::findingCount() const {
    std::size_t n = m->overlaps.size() + m->gaps.size() + m->village.size();
    for (const auto& [fid, e] : m->parcels) n += e.own.size();
    return n;
}

const std::string& LiveCheck::villageName() const { return m->v->name; }
const Polygons& LiveCheck::territory() const { return m->territoryShape; }
double LiveCheck::territoryArea() const { return m->territoryArea; }
const std::map<std::string, double>& LiveCheck::currentAreas() const { return m->currentAreas; }

std::map<std::string, double> LiveCheck::plannedAreas() const {
    std::map<std::string, double> out;
    for (const auto& [fid, e] : m->parcels)
        if (e.checked) out[e.parcel.landuseCode] += e.checked->area;
    return out;
}

std::vector<TargetStatus> LiveCheck::targets() const {
    std::vector<Checked*> all = m->allChecked();
    std::vector<TargetStatus> out;
    for (const Target& t : m->v->targets) out.push_back(m->checker->targetStatus(*m->v, t, all));
    return out;
}

const std::vector<LandUseParcel>& LiveCheck::currentParcels() const { return m->in.parcels; }

}  // namespace ruralatlas::villageplan
