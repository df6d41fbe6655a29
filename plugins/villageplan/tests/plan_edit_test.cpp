// Drafting a village plan with the editor's engine (PlanEditor): every edit on a synthetic village
// of 20 m cells whose areas are known exactly; shared boundaries stay shared (the parcels' areas
// always sum to the territory, no overlap or gap appears); undo returns the exact start; save
// writes one transaction that GDAL reads back; a killed editor leaves the project as saved and
// its journal gives the edits back; the live check after random edits equals a full check of
// the same parcels and plan-check's findings on the saved plan.
#include "plan_edit.hpp"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "io/gdal_util.hpp"
#include "io/gpkg_source.hpp"
#include "plan_fixture.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;
using namespace ruralatlas::villageplan;

namespace {

double areaOf(const Polygons& shape) {
    OGRMultiPolygon m;
    for (const Polygon& p : shape) {
        OGRPolygon poly;
        for (const Ring& r : p.rings) {
            OGRLinearRing ring;
            for (const XY& q : r) ring.addPoint(q.x, q.y);
            poly.addRing(&ring);
        }
        m.addGeometry(&poly);
    }
    return m.get_Area();
}

double total(const PlanEditor& e) {
    double a = 0;
    for (const auto& [fid, p] : e.parcels()) a += areaOf(p.shape);
    return a;
}

// A village of 15 x 15 cells: farmland (0103 旱地) in rows 0-4 on permanent basic farmland,
// forest (0301) in rows 5-9, homesteads (0703) in rows 10-14 inside the construction boundary.
Project village(TempDir& dir) {
    Project p(dir);
    p.territory(0);
    for (int j = 0; j < kGrid; ++j)
        for (int i = 0; i < kGrid; ++i) p.add(0, j < 5 ? "0103" : j < 10 ? "0301" : "0703", "current", Project::cell(0, i, j));
    p.zone("basic_farmland", rect(kX0, kY0, kX0 + kCell * kGrid, kY0 + kCell * 5));
    p.zone("construction_boundary", rect(kX0, kY0 + kCell * 10, kX0 + kCell * kGrid, kY0 + kCell * kGrid));
    p.write();
    return p;
}

PlanRules rules() { return readPlanRules(RURALATLAS_SOURCE_TREE "/data/plan_rules.json"); }

std::map<std::string, int> byCheck(const std::vector<Finding>& fs) {
    std::map<std::string, int> out;
    for (const Finding& f : fs) ++out[f.check];
    return out;
}

using Key = std::tuple<std::string, long long, long long, long long>;  // check, fid, other, area in cm²
std::multiset<Key> keys(const std::vector<Finding>& fs) {
    std::multiset<Key> out;
    for (const Finding& f : fs) out.insert({f.check, f.fid, f.otherFid, std::isnan(f.area) ? -1 : std::llround(f.area * 100)});
    return out;
}

long long plannedCount(const std::string& gpkg) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    OGRLayer* l = ds->GetLayerByName("landuse_plan");
    l->SetAttributeFilter("period = 'planned'");
    long long n = 0;
    for (auto& f : *l) {
        (void)f;
        ++n;
    }
    return n;
}

std::map<long long, Polygons> snapshot(const PlanEditor& e) {
    std::map<long long, Polygons> out;
    for (const auto& [fid, p] : e.parcels()) out[fid] = p.shape;
    return out;
}

bool sameState(const std::map<long long, Polygons>& a, const PlanEditor& e) {
    if (a.size() != e.parcels().size()) return false;
    for (const auto& [fid, p] : e.parcels()) {
        auto it = a.find(fid);
        if (it == a.end() || !samePolygons(it->second, p.shape)) return false;
    }
    return true;
}

const double X = kX0, Y = kY0;

}  // namespace

// Long on purpose: one planner's session, edit by edit.
TEST(PlanEdit, EditsKeepSharedBoundariesAndUndoReturnsTheStart) {
    TempDir dir;
    Project p = village(dir);
    const std::string code = Project::code(0);
    PlanEditor e(p.path, code, rules());
    const double territory = kCell * kCell * kGrid * kGrid;
    EXPECT_TRUE(e.parcels().empty());
    e.startFromCurrent();
    ASSERT_EQ(e.parcels().size(), 225u);
    EXPECT_NEAR(total(e), territory, 1e-6);
    EXPECT_EQ(e.check().findingCount(), 0u) << "a copy of a clean current state is clean";
    EXPECT_THROW(e.startFromCurrent(), EditRefused);
    const auto start = snapshot(e);

    // Split cell (0,0) down the middle: two 200 m² parcels of its code.
    const long long c00 = e.parcelAt({X + 5, Y + 5});
    ASSERT_NE(c00, 0);
    const auto pieces = e.split(c00, {{X + 10, Y - 5}, {X + 10, Y + 25}});
    ASSERT_EQ(pieces.size(), 2u);
    EXPECT_NEAR(areaOf(e.parcel(pieces[0])->shape), 200, 1e-6);
    EXPECT_NEAR(areaOf(e.parcel(pieces[1])->shape), 200, 1e-6);
    EXPECT_EQ(e.parcel(pieces[1])->landuseCode, "0103");
    EXPECT_EQ(e.parcels().size(), 226u);
    // A line that does not cross the parcel is refused and changes nothing.
    EXPECT_THROW(e.split(c00, {{X + 1, Y + 1}, {X + 2, Y + 2}}), EditRefused);
    EXPECT_EQ(e.historyIndex(), 2u);
    // Merged back: one parcel of 400 m²; two parcels apart cannot be merged.
    const long long merged = e.merge(pieces);
    EXPECT_NEAR(areaOf(e.parcel(merged)->shape), 400, 1e-6);
    EXPECT_THROW(e.merge({merged, e.parcelAt({X + 105, Y + 105})}), EditRefused);

    // A homestead drawn across four farmland cells: cut out of them, on basic farmland.
    const long long drawn =
        e.addParcel({Polygon{{{{X + 50, Y + 50}, {X + 90, Y + 50}, {X + 90, Y + 90}, {X + 50, Y + 90}, {X + 50, Y + 50}}}}}, "0703");
    EXPECT_NEAR(areaOf(e.parcel(drawn)->shape), 1600, 1e-6);
    EXPECT_NEAR(total(e), territory, 1e-6) << "the parcels under it gave up what it covers";
    auto found = byCheck(e.check().findings());
    EXPECT_EQ(found["conflict_basic_farmland"], 1);
    EXPECT_EQ(found["overlap"] + found["gap"] + found["area_sum"], 0);
    for (const Finding& f : e.check().findings())
        if (f.check == "conflict_basic_farmland") {
            EXPECT_EQ(f.fid, drawn);
            EXPECT_NEAR(f.area, 1600, 1e-6);
        }
    // Undo: the conflict goes, the cells are whole again.
    e.undo();
    EXPECT_EQ(e.check().findingCount(), 0u);
    EXPECT_EQ(e.parcel(drawn), nullptr);
    e.redo();
    EXPECT_EQ(byCheck(e.check().findings())["conflict_basic_farmland"], 1);
    e.undo();

    // Reshape outward: cell (5,5) takes a 5 x 10 m bite of cell (5,6) above it.
    const long long c55 = e.parcelAt({X + 105, Y + 105}), c56 = e.parcelAt({X + 105, Y + 125});
    e.reshape(c55, {{X + 110, Y + 120}, {X + 110, Y + 130}, {X + 115, Y + 130}, {X + 115, Y + 120}});
    EXPECT_NEAR(areaOf(e.parcel(c55)->shape), 450, 1e-6);
    EXPECT_NEAR(areaOf(e.parcel(c56)->shape), 350, 1e-6);
    // Reshape inward: cell (7,7) gives a 5 x 6 m piece to its left neighbour (6,7).
    const long long c77 = e.parcelAt({X + 145, Y + 145}), c67 = e.parcelAt({X + 125, Y + 145});
    e.reshape(c77, {{X + 140, Y + 142}, {X + 145, Y + 142}, {X + 145, Y + 148}, {X + 140, Y + 148}});
    EXPECT_NEAR(areaOf(e.parcel(c77)->shape), 370, 1e-6);
    EXPECT_NEAR(areaOf(e.parcel(c67)->shape), 430, 1e-6);
    // The corner four cells share, moved: every one of them moves it.
    e.moveVertex({X + 200, Y + 200}, {X + 203, Y + 201}, 0.01);
    EXPECT_NEAR(areaOf(e.parcel(e.parcelAt({X + 190, Y + 190}))->shape), 400 + 0.5 * (3 * 20 + 1 * 20), 1e-6);
    // A vertex added on a shared edge and moved: still no gap.
    e.insertVertex({X + 60, Y + 150}, 0.01);
    e.moveVertex({X + 60, Y + 150}, {X + 62, Y + 150}, 0.01);
    EXPECT_NEAR(total(e), territory, 1e-6);
    EXPECT_EQ(e.check().findingCount(), 0u) << "the tool itself makes no overlap, gap or sliver";
    // Recoded: forest to 0101 水田.
    e.setCode({c55}, "0101");
    EXPECT_THROW(e.setCode({c55}, "0199"), EditRefused);
    EXPECT_NEAR(e.check().plannedAreas().at("0101"), 450, 1e-6);

    // Undo everything but the copy: the exact start, vertex for vertex.
    while (e.historyIndex() > 1) e.undo();
    EXPECT_TRUE(sameState(start, e));
    EXPECT_EQ(e.check().findingCount(), 0u);
    while (e.canRedo()) e.redo();

    // Saved in one transaction and read back with GDAL.
    const auto before = e.parcels();
    EXPECT_EQ(plannedCount(p.path), 0);
    e.save();
    EXPECT_FALSE(e.modified());
    EXPECT_EQ(plannedCount(p.path), static_cast<long long>(before.size()));
    io::DatasetPtr ds = io::openVector(p.path, false);
    OGRLayer* l = ds->GetLayerByName("landuse_plan");
    l->SetAttributeFilter("period = 'planned'");
    double sum = 0;
    std::map<std::string, double> byCode;
    for (auto& f : *l) {
        const double a = f->GetGeometryRef()->toMultiPolygon()->get_Area();
        sum += a;
        byCode[f->GetFieldAsString("landuse_code")] += a;
        EXPECT_STREQ(f->GetFieldAsString("village_code"), code.c_str());
    }
    EXPECT_NEAR(sum, territory, 1e-6);
    EXPECT_NEAR(byCode["0101"], 450, 1e-6);
    // Reopened: the same parcels, nothing to recover.
    PlanEditor again(p.path, code, rules());
    EXPECT_EQ(again.parcels().size(), before.size());
    EXPECT_EQ(again.recoverable(), 0u);
}

TEST(PlanEdit, KilledEditorLeavesTheSavedProjectAndItsEditsRecover) {
    TempDir dir;
    Project p = village(dir);
    const std::string code = Project::code(0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The editing program, killed in the middle of its work.
        PlanEditor e(p.path, code, rules());
        e.startFromCurrent();
        e.split(e.parcelAt({X + 5, Y + 5}), {{X + 10, Y - 5}, {X + 10, Y + 25}});
        e.addParcel({Polygon{{{{X + 50, Y + 50}, {X + 90, Y + 50}, {X + 90, Y + 90}, {X + 50, Y + 90}, {X + 50, Y + 50}}}}}, "0703");
        e.undo();
        raise(SIGKILL);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(plannedCount(p.path), 0) << "nothing reached the project";
    PlanEditor e(p.path, code, rules());
    EXPECT_TRUE(e.parcels().empty());
    ASSERT_EQ(e.recoverable(), 2u) << "the copy and the split (the drawing was undone)";
    e.recover();
    EXPECT_EQ(e.parcels().size(), 226u);
    EXPECT_EQ(e.check().findingCount(), 0u);
    e.undo();
    EXPECT_TRUE(e.parcels().empty()) << "the recovery is one edit";
    e.redo();
    e.save();
    EXPECT_EQ(plannedCount(p.path), 226);
    PlanEditor after(p.path, code, rules());
    EXPECT_EQ(after.recoverable(), 0u);
}

// Long on purpose: 120 random edits; after each, the live (incremental) findings equal a full
// check of the same parcels; at the end, plan-check's on the saved plan.
TEST(PlanEdit, LiveCheckEqualsAFullCheckAfterRandomEdits) {
    TempDir dir;
    Project p = village(dir);
    const std::string code = Project::code(0);
    PlanEditor e(p.path, code, rules());
    e.startFromCurrent();
    io::GpkgSource source(p.path);
    LiveCheck reference(source, rules(), code);  // checks everything each time
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, kCell * kGrid);
    const char* codes[] = {"0103", "0301", "0703", "1207", "0101"};
    int done = 0, refused = 0;
    for (int step = 0; step < 120; ++step) {
        const int kind = static_cast<int>(rng() % 6);
        try {
            const double x = X + u(rng), y = Y + u(rng);
            if (kind == 0) {
                const long long fid = e.parcelAt({x, y});
                if (!fid) continue;
                e.split(fid, {{x - 30, y - 7}, {x + 30, y + 9}});
            } else if (kind == 1) {
                const double w = 5 + u(rng) / 10, h = 5 + u(rng) / 10;
                e.addParcel({Polygon{{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}}}, codes[rng() % 5]);
            } else if (kind == 2) {
                const long long fid = e.parcelAt({x, y});
                if (fid) e.setCode({fid}, codes[rng() % 5]);
            } else if (kind == 3) {
                const long long fid = e.parcelAt({x, y});
                if (fid && rng() % 3 == 0) e.remove({fid});
            } else if (kind == 4) {
                if (e.canUndo() && e.historyIndex() > 1) e.undo();
            } else {
                const long long a = e.parcelAt({x, y}), b = e.parcelAt({x + 20, y});
                if (a && b && a != b) e.merge({a, b});
            }
            ++done;
        } catch (const EditRefused&) {
            ++refused;
        }
        const auto live = keys(e.check().findings());
        reference.update(e.parcels(), {}, true);
        const auto full = keys(reference.findings());
        ASSERT_EQ(live, full) << "step " << step;
    }
    EXPECT_GT(done, 60);
    auto found = byCheck(e.check().findings());
    EXPECT_GT(found["conflict_basic_farmland"] + found["gap"] + found["outside_construction_boundary"], 0) << "the edits made findings";
    e.save();
    const std::string out = dir.file("check.gpkg");
    const auto r = runCli("plan-check " + quote(p.path) + " --village " + code + " --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    io::DatasetPtr ds = io::openVector(out, false);
    std::multiset<Key> cli;
    for (auto& f : *ds->GetLayerByName("plan_check")) {
        if (std::string(f->GetFieldAsString("period")) != "planned") continue;
        const int fi = f->GetFieldIndex("feature_id"), oi = f->GetFieldIndex("other_feature_id"), ai = f->GetFieldIndex("area_m2");
        const long long fid = f->IsFieldSetAndNotNull(fi) ? f->GetFieldAsInteger64(fi) : -1;
        const long long other = f->IsFieldSetAndNotNull(oi) ? f->GetFieldAsInteger64(oi) : -1;
        const double a = f->IsFieldSetAndNotNull(ai) ? f->GetFieldAsDouble(ai) : NAN;
        cli.insert({f->GetFieldAsString("check"), fid, other, std::isnan(a) ? -1 : std::llround(a * 100)});
    }
    EXPECT_EQ(keys(e.check().findings()), cli);
    (void)refused;
}

// A parcel drawn around another that stays (avoiding the existing parcels): a ring with a hole.
// The layer's other fields: copied from the current parcels, kept by a split, edited with their
// types checked, undone, saved.
TEST(PlanEdit, DrawnAroundAParcelAndOtherFieldsKept) {
    TempDir dir;
    Project p = village(dir);
    {
        io::DatasetPtr ds = io::openVector(p.path, true);
        OGRLayer* l = ds->GetLayerByName("landuse_plan");
        OGRFieldDefn remark("remark", OFTString), year("plan_year", OFTInteger);
        ASSERT_EQ(l->CreateField(&remark), OGRERR_NONE);
        ASSERT_EQ(l->CreateField(&year), OGRERR_NONE);
        OGRFeature* f = l->GetFeature(p.parcels[0].fid);  // cell (0, 0)
        f->SetField("remark", "老宅基地复垦");
        ASSERT_EQ(l->SetFeature(f), OGRERR_NONE);
        OGRFeature::DestroyFeature(f);
    }
    const std::string code = Project::code(0);
    PlanEditor e(p.path, code, rules());
    ASSERT_EQ(e.otherFields().size(), 2u);
    e.startFromCurrent();
    const long long c00 = e.parcelAt({X + 5, Y + 5});
    EXPECT_EQ(e.parcel(c00)->fields.at("remark"), "老宅基地复垦");
    const auto pieces = e.split(c00, {{X + 10, Y - 5}, {X + 10, Y + 25}});
    for (long long id : pieces) EXPECT_EQ(e.parcel(id)->fields.at("remark"), "老宅基地复垦");
    e.setField({pieces[1]}, "plan_year", "2030");
    EXPECT_THROW(e.setField({pieces[1]}, "plan_year", "二〇三〇"), EditRefused);
    EXPECT_THROW(e.setField({pieces[1]}, "no_such_field", "1"), EditRefused);
    e.undo();
    EXPECT_EQ(e.parcel(pieces[1])->fields.count("plan_year"), 0u);
    e.redo();

    // The eight cells around (7,7) deleted; a square drawn over all nine avoids (7,7).
    std::vector<long long> ring;
    for (int dj = -1; dj <= 1; ++dj)
        for (int di = -1; di <= 1; ++di)
            if (di || dj) ring.push_back(e.parcelAt({X + 150 + 20 * di, Y + 150 + 20 * dj}));
    const long long c77 = e.parcelAt({X + 150, Y + 150});
    e.remove(ring);
    EXPECT_EQ(byCheck(e.check().findings())["gap"], 1);
    const long long drawn = e.addParcel(
        {Polygon{{{{X + 120, Y + 120}, {X + 180, Y + 120}, {X + 180, Y + 180}, {X + 120, Y + 180}, {X + 120, Y + 120}}}}}, "0301", true);
    ASSERT_EQ(e.parcel(drawn)->shape.size(), 1u);
    EXPECT_EQ(e.parcel(drawn)->shape[0].rings.size(), 2u) << "a ring with a hole";
    EXPECT_NEAR(areaOf(e.parcel(drawn)->shape), 3600 - 400, 1e-6);
    EXPECT_NEAR(areaOf(e.parcel(c77)->shape), 400, 1e-6);
    EXPECT_EQ(e.check().findingCount(), 0u);
    // Drawn where parcels cover everything: refused.
    EXPECT_THROW(e.addParcel({Polygon{{{{X + 1, Y + 1}, {X + 9, Y + 1}, {X + 9, Y + 9}, {X + 1, Y + 1}}}}}, "0301", true), EditRefused);

    e.save();
    io::DatasetPtr ds = io::openVector(p.path, false);
    OGRLayer* l = ds->GetLayerByName("landuse_plan");
    l->SetAttributeFilter("period = 'planned' AND remark = '老宅基地复垦'");
    int withRemark = 0, withYear = 0;
    for (auto& f : *l) {
        ++withRemark;
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("plan_year"))) {
            ++withYear;
            EXPECT_EQ(f->GetFieldAsInteger("plan_year"), 2030);
        }
    }
    EXPECT_EQ(withRemark, 2);
    EXPECT_EQ(withYear, 1);
    // The current parcel kept its own value; the planned copies are new features.
    l->SetAttributeFilter("period = 'current' AND remark = '老宅基地复垦'");
    EXPECT_EQ(l->GetFeatureCount(), 1);
}
