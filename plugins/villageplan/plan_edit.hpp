// Drafting one village's plan (村庄规划编制): the planned parcels of `landuse_plan` edited in
// memory - drawn, split, merged, reshaped, vertices moved, added and deleted, parcels deleted and
// coded - with undo and redo, a journal that survives a killed program, snapping, and the live
// check after every edit. Nothing reaches the project until save(), which writes every change in
// one transaction. Shared boundaries stay shared: a drawn parcel is cut out of the parcels under
// it, a reshape gives the area it takes from a neighbour back to it, a moved vertex moves in every
// parcel that has it.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/feature_source.hpp"
#include "core/records.hpp"
#include "plan_check.hpp"
#include "plan_rules.hpp"

namespace ruralatlas::villageplan {

// An edit the editor refuses (the sentence is for the planner, in Chinese); nothing changed.
class EditRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct EditChange {
    long long fid = 0;
    std::optional<LandUseParcel> before, after;
    long long originBefore = 0, originAfter = 0;  // the saved feature whose other fields a new parcel copies
};

struct Edit {
    std::string title;  // Chinese: 绘制图斑, 分割图斑 ...
    std::vector<EditChange> changes;
};

// A parcel someone else saved (or deleted) on the shared server since this editor read it.
struct SaveConflict {
    long long fid = 0;
    long long yourVersion = 0, theirVersion = 0;  // theirVersion -1: deleted there
    std::string changedBy, changedAt;
};
// A save to the shared server refused because of such parcels: nothing was written. Resolve each
// with keepMine() or takeTheirs(), then save again.
class SaveConflicts : public std::runtime_error {
public:
    explicit SaveConflicts(std::vector<SaveConflict> conflicts);
    const std::vector<SaveConflict>& conflicts() const { return m_conflicts; }

private:
    std::vector<SaveConflict> m_conflicts;
};

struct SnapHit {
    XY at;
    bool vertex = false;
    std::string what;  // 图斑 | 村界 | 道路 | 管控区
};

struct EditTimings {
    double checkMs = 0;  // the live check of the last edit
};

class PlanEditor {
public:
    // Opens the village's plan in the project `projectPath`: a GeoPackage, or a project on the
    // shared server ("PG:... county=C"), edited live with each parcel's row version. Reads the
    // planned parcels, the live-check inputs and the snapping layers. Throws DataError naming the
    // file, layer and field when it cannot.
    PlanEditor(const std::string& projectPath, const std::string& village, const PlanRules& rules);
    ~PlanEditor();
    PlanEditor(const PlanEditor&) = delete;
    PlanEditor& operator=(const PlanEditor&) = delete;

    const std::string& village() const { return m_village; }
    const std::string& projectPath() const { return m_path; }
    const std::map<long long, LandUseParcel>& parcels() const { return m_parcels; }
    const LandUseParcel* parcel(long long fid) const;
    LiveCheck& check() { return *m_check; }
    const LiveCheck& check() const { return *m_check; }

    // The planned layer started as a copy of the current parcels (现状), one edit. Refused when
    // the village already has planned parcels.
    void startFromCurrent();
    // A new parcel clipped to the territory; its id. It is cut out of the parcels under it, or
    // with `avoidExisting` takes only the area no parcel covers (drawn around a pond, it gets a
    // hole there).
    long long addParcel(const Polygons& shape, const std::string& code, bool avoidExisting = false);
    // The parcel cut by a line drawn across it; the ids of the pieces (the first keeps its id).
    std::vector<long long> split(long long fid, const std::vector<XY>& line);
    // Neighbours joined into one parcel (the largest's id and code); its id.
    long long merge(const std::vector<long long>& fids);
    // A boundary redrawn by a line that leaves and rejoins it: area outside the parcel enclosed by
    // the line is added (and taken from the parcels there), area cut off inside is removed (and
    // given to the neighbour sharing most of its boundary).
    void reshape(long long fid, const std::vector<XY>& line);
    // Every vertex within `tolerance` of `from`, in every parcel, moved to `to`.
    void moveVertex(XY from, XY to, double tolerance);
    // A vertex added at `at` in every parcel edge that passes within `tolerance`.
    void insertVertex(XY at, double tolerance);
    // The vertex at `at` removed from every parcel that has it (rings keep at least 3 corners).
    void deleteVertex(XY at, double tolerance);
    void remove(const std::vector<long long>& fids);
    // Codes of the 2023 classification only.
    void setCode(const std::vector<long long>& fids, const std::string& code);
    // The layer's other fields (not village_code, landuse_code, period), editable as text; an
    // empty value is null. A value the field's type cannot hold is refused.
    const std::vector<FieldInfo>& otherFields() const { return m_fieldDefs; }
    void setField(const std::vector<long long>& fids, const std::string& field, const std::string& value);

    // The parcel whose interior holds the point (the smallest when several), or 0.
    long long parcelAt(XY at) const;
    std::optional<SnapHit> snap(XY at, double tolerance) const;

    bool canUndo() const { return m_at > 0; }
    bool canRedo() const { return m_at < m_history.size(); }
    void undo();
    void redo();
    const std::vector<Edit>& history() const { return m_history; }
    std::size_t historyIndex() const { return m_at; }  // edits applied: history()[0, index)
    // Edits since the last save (or since opening).
    bool modified() const;
    std::size_t unsavedChanges() const;

    // Every change since the last save written to the project in one transaction (all or
    // nothing); the journal is cleared and the history starts again. On the server, a parcel
    // someone else saved since it was read refuses the whole save: SaveConflicts lists them all.
    void save();
    bool onServer() const { return m_path.rfind("PG:", 0) == 0; }
    // Conflicts of the last refused save, resolved per parcel: keep mine (my parcel, or my
    // deletion, overwrites theirs at the next save) or take theirs (the server's parcel now
    // replaces mine, as an edit that can be undone).
    void keepMine(const std::vector<long long>& fids);
    void takeTheirs(const std::vector<long long>& fids);
    // Back to the saved state (the history and the journal cleared).
    void discard();

    // The journal of unsaved edits a killed program left: how many edits it holds (0: none).
    std::size_t recoverable() const { return m_recoverable; }
    // Replays the journal's edits (as one edit).
    void recover();
    std::string journalPath() const;

    const EditTimings& lastTimings() const { return m_timings; }

private:
    struct Geom;
    void apply(Edit edit);
    void applyChanges(const Edit& e, bool forward);
    void afterChange(const std::set<long long>& changed);
    void journal(const std::string& line);
    void readJournal();
    long long newId() { return m_nextTemp--; }
    EditChange change(long long fid, std::optional<LandUseParcel> after, long long originAfter) const;
    long long originOf(long long fid) const;
    std::map<long long, long long> saveToFile();
    std::map<long long, long long> saveToServer();

    std::string m_path, m_village;
    PlanRules m_rules;
    std::map<long long, LandUseParcel> m_parcels, m_saved;
    std::map<long long, long long> m_origin;  // new parcel -> saved feature it copies fields from
    std::unique_ptr<LiveCheck> m_check;
    std::unique_ptr<Geom> m_geom;
    std::vector<Edit> m_history;
    std::size_t m_at = 0;
    long long m_nextTemp = -1;
    std::size_t m_recoverable = 0;
    std::vector<std::string> m_journalLines;
    bool m_journalStarted = false;
    EditTimings m_timings;
    std::vector<FieldInfo> m_fieldDefs;
    std::map<long long, std::map<std::string, std::string>> m_currentFields;  // of the current parcels
    std::map<long long, long long> m_versions;                                // server: saved parcel -> row version read
    std::map<long long, SaveConflict> m_conflicts;                            // of the last refused save
};

// Polygons equal vertex for vertex.
bool samePolygons(const Polygons& a, const Polygons& b);
// Code, other fields and shape equal.
bool sameParcel(const LandUseParcel& a, const LandUseParcel& b);

}  // namespace ruralatlas::villageplan
