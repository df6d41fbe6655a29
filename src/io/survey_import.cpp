// A land-use survey into the project's current land use (landuse_plan, period current): the 三调
// DLTB layer's DLBM (地类编码) and DLMC (地类名称) through the 三调 -> 2023 crosswalk
// (data/landuse_crosswalk/), its ZLDWDM (坐落单位代码, 19 digits) to the village code. Every class
// of the file is resolved before anything is written: a class with no crosswalk row is listed
// with its parcel count and the import refused; 2020 trial codes are mapped with a warning;
// survey classes spanning several 2023 classes keep their common parent, with a warning. The
// villages the file covers get their current land use replaced, in the import's transaction.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/landuse.hpp"
#include "core/landuse_crosswalk.hpp"
#include "io/gdal_util.hpp"
#include "io/importer.hpp"

namespace ruralatlas::io {

namespace {
std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// The source layer the importer will read: --layer, else a layer named DLTB (a survey
// geodatabase holds several), else the first.
OGRLayer* surveyLayer(GDALDataset& ds, const std::string& wanted) {
    if (!wanted.empty()) return ds.GetLayerByName(wanted.c_str());
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        if (upper(ds.GetLayer(i)->GetName()) == "DLTB") return ds.GetLayer(i);
    return ds.GetLayerCount() > 0 ? ds.GetLayer(0) : nullptr;
}

std::string columnNamed(OGRFeatureDefn& d, std::initializer_list<const char*> names) {
    for (const char* n : names)
        for (int i = 0; i < d.GetFieldCount(); ++i)
            if (upper(d.GetFieldDefn(i)->GetNameRef()) == n) return d.GetFieldDefn(i)->GetNameRef();
    return {};
}

std::string explicitField(const ImportOptions& o, const std::string& target) {
    for (const auto& [t, s] : o.fields)
        if (t == target) return s;
    return {};
}

bool hasConstant(const ImportOptions& o, const std::string& target) {
    return std::any_of(o.constants.begin(), o.constants.end(), [&](const auto& k) { return k.first == target; });
}

struct ClassUse {
    SurveyClassMapping mapping;
    long long parcels = 0;
};
}  // namespace

ImportReport importLandUse(ImportOptions o, const std::string& crosswalk, Feedback& feedback) {
    o.into = "landuse_plan";
    initGdal();
    std::string codeColumn, nameColumn, villageColumn, layerName;
    {
        DatasetPtr src = openVector(o.source, false);
        OGRLayer* layer = surveyLayer(*src, o.sourceLayer);
        if (!layer) throw DataError({o.source, o.sourceLayer}, "no such layer");
        layerName = layer->GetName();
        OGRFeatureDefn& d = *layer->GetLayerDefn();
        codeColumn = explicitField(o, "landuse_code");
        if (codeColumn.empty()) codeColumn = columnNamed(d, {"DLBM"});
        if (crosswalk.empty() && (codeColumn.empty() || !explicitField(o, "landuse_code").empty()))
            return importFile(o, feedback);  // an ordinary landuse_plan file with 2023 codes
        if (codeColumn.empty())
            throw DataError({o.source, layerName, "", "DLBM"},
                            "the layer has no DLBM (地类编码) column: a 三调 DLTB layer holds its class there; name the class "
                            "column with --field landuse_code=COLUMN");
        nameColumn = columnNamed(d, {"DLMC"});
        villageColumn = explicitField(o, "village_code");
        if (villageColumn.empty() && !hasConstant(o, "village_code")) {
            villageColumn = columnNamed(d, {"ZLDWDM", "QSDWDM"});
            if (villageColumn.empty())
                throw DataError({o.source, layerName, "", "ZLDWDM"},
                                "the layer has no ZLDWDM (坐落单位代码) or QSDWDM (权属单位代码) column to tell each parcel's village: "
                                "name it with --field village_code=COLUMN, or give one village with --set village_code=CODE");
        }
    }
    o.sourceLayer = layerName;
    if (explicitField(o, "landuse_code").empty()) o.fields.emplace_back("landuse_code", codeColumn);
    if (!villageColumn.empty() && explicitField(o, "village_code").empty()) o.fields.emplace_back("village_code", villageColumn);
    if (!hasConstant(o, "period")) o.constants.emplace_back("period", "current");

    const LanduseCrosswalk survey =
        crosswalk.empty() || crosswalk == "sandiao" ? LanduseCrosswalk::shipped("sandiao") : LanduseCrosswalk::load(crosswalk);
    const LanduseCrosswalk trial = LanduseCrosswalk::shipped("trial2020");

    std::map<std::pair<std::string, std::string>, ClassUse> classes;  // (DLBM, DLMC) -> what it became
    std::set<std::string> villages;
    int nameIndex = -2;
    o.rewrite = [&](std::string_view field, const OGRFeature& f, std::string& value) -> std::string {
        if (field == "village_code") {
            // ZLDWDM: the 12-digit village code and a 7-digit 村民小组/权属单位 suffix.
            if (value.size() == 19 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
                value.resize(12);
            villages.insert(value);
            return {};
        }
        if (field != "landuse_code") return {};
        if (nameIndex == -2) nameIndex = nameColumn.empty() ? -1 : f.GetDefnRef()->GetFieldIndex(nameColumn.c_str());
        const std::string name = nameIndex >= 0 && f.IsFieldSetAndNotNull(nameIndex) ? f.GetFieldAsString(nameIndex) : "";
        auto [it, fresh] = classes.try_emplace({value, name});
        if (fresh) it->second.mapping = mapSurveyClass(survey, trial, value, name);
        ++it->second.parcels;
        const SurveyClassMapping& m = it->second.mapping;
        if (m.kind == SurveyClassMapping::Kind::Unmapped) return "survey class " + value + " has no crosswalk row: " + m.reason;
        value = m.toCode;
        return {};
    };
    o.afterRead = [&](ImportReport& r) {
        std::string unmapped;
        long long unmappedParcels = 0;
        int unmappedClasses = 0;
        for (const auto& [key, use] : classes) {
            const auto& [code, name] = key;
            const SurveyClassMapping& m = use.mapping;
            const std::string from = code + (name.empty() ? "" : " " + name);
            const std::string to = m.toCode + " " + std::string(landuseTitle(m.toCode));
            const std::string n = std::to_string(use.parcels) + " 个图斑";
            switch (m.kind) {
                case SurveyClassMapping::Kind::Unmapped:
                    unmapped += (unmapped.empty() ? "" : "; ") + from + " (" + n + ")";
                    unmappedParcels += use.parcels;
                    ++unmappedClasses;
                    break;
                case SurveyClassMapping::Kind::Trial2020:
                    r.warnings.push_back("2020 试行版代码 / trial-edition code " + from + " → " + to + "（" + n + "）" +
                                         (m.note.empty() ? "" : ": " + m.note));
                    break;
                case SurveyClassMapping::Kind::Survey:
                    if (m.refine) r.warnings.push_back("三调 " + from + " → " + to + "（" + n + "），待细分 / to refine: " + m.note);
                    r.notes.push_back("三调 " + from + " → " + to + "（" + n + "）");
                    break;
                case SurveyClassMapping::Kind::Current:
                    r.notes.push_back(from + " 已是2023年分类 / already a 2023 class（" + n + "）");
                    break;
            }
        }
        if (unmappedClasses > 0)
            throw DataError({o.source, layerName, "", codeColumn},
                            std::to_string(unmappedClasses) + " land-use classes (" + std::to_string(unmappedParcels) +
                                " parcels) have no row in the crosswalk " + survey.file() + ": " + unmapped +
                                ". Nothing was guessed and nothing was imported: add their rows to a copy of the crosswalk and pass it "
                                "with --crosswalk FILE");
    };
    // The villages the file covers get their current land use replaced: the parcels there before
    // this import (fid up to the largest before it) go, in the same transaction.
    long long lastFidBefore = 0;
    {
        DatasetPtr p = openVector(o.project, false);
        if (OGRLayer* rs = p->ExecuteSQL("SELECT MAX(fid) FROM landuse_plan", nullptr, nullptr)) {
            if (FeaturePtr f{rs->GetNextFeature()}; f && f->IsFieldSetAndNotNull(0)) lastFidBefore = f->GetFieldAsInteger64(0);
            p->ReleaseResultSet(rs);
        }
    }
    long long replaced = 0;
    o.beforeCommit = [&](GDALDataset& ds) {
        if (villages.empty() || lastFidBefore == 0) return;
        std::string list;
        for (const auto& v : villages) list += (list.empty() ? "'" : ",'") + v + "'";  // digits only (checked on import)
        const std::string where = "period = 'current' AND fid <= " + std::to_string(lastFidBefore) + " AND village_code IN (" + list + ")";
        if (OGRLayer* rs = ds.ExecuteSQL(("SELECT COUNT(*) FROM landuse_plan WHERE " + where).c_str(), nullptr, nullptr)) {
            if (FeaturePtr f{rs->GetNextFeature()}) replaced = f->GetFieldAsInteger64(0);
            ds.ReleaseResultSet(rs);
        }
        if (replaced > 0) {
            CPLErrorReset();
            ds.ExecuteSQL(("DELETE FROM landuse_plan WHERE " + where).c_str(), nullptr, nullptr);
            if (CPLGetLastErrorType() >= CE_Failure)
                throw DataError({o.project, "landuse_plan"}, "cannot replace the current land use: " + lastGdalError());
        }
    };
    for (const auto& [field, value] : o.constants)
        if (field == "village_code") villages.insert(value);
    ImportReport r = importFile(o, feedback);
    r.notes.insert(r.notes.begin(), "三调地类转换表 / crosswalk: " + survey.file());
    if (replaced > 0)
        r.notes.push_back("替换现状图斑 / replaced current parcels: " + std::to_string(replaced) + " (villages " +
                          std::to_string(villages.size()) + ")");
    return r;
}

}  // namespace ruralatlas::io
