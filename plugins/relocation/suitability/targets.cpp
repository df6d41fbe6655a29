#include "suitability/targets.hpp"

#include "core/record_readers.hpp"
#include "core/schema.hpp"

namespace ruralatlas::suitability {

namespace {

// A point of each township seat: villages classed 111 (主城区), 121 (镇中心区) or 210 (乡中心区).
std::vector<XY> townshipSeats(ProjectSource& project) {
    std::vector<XY> out;
    const auto info = project.layerInfo("villages");
    if (!info || info->fieldIndex("class_code") < 0) return out;
    FeatureQuery q;
    q.fields = {"class_code"};
    project.readFeatures("villages", q, [&](const Feature& f) {
        const std::string cls = valueAsText(f.values[0]);
        if ((cls == "111" || cls == "121" || cls == "210") && f.geometry.kind == ShapeKind::Point && f.geometry.xy.size() >= 2)
            out.push_back({f.geometry.xy[0], f.geometry.xy[1]});
    });
    return out;
}

}  // namespace

CriterionTargets criterionTargets(ProjectSource& project, const std::string& to) {
    CriterionTargets t;
    if (to == "roads") {
        t.what = "道路";
    } else if (to == "township_seats") {
        t.points = townshipSeats(project);
        t.what = "乡镇驻地（城乡分类代码111、121、210的村）";
    } else if (to == "jobs") {
        if (project.layerInfo("industry_projects"))
            for (const IndustryProject& pr : readIndustryProjects(project))
                if (pr.hasPoint && pr.jobs > 0 && pr.status != "planned") t.points.push_back(pr.at);
        t.what = "有就业岗位的产业项目";
    } else {
        for (const Facility& f : project.facilities(to, {"existing"})) t.points.push_back(f.at);
        for (const auto& v : findEnumeration("facility_kind")->values)
            if (v.code == to) t.what = std::string(v.titleZh);
    }
    return t;
}

}  // namespace ruralatlas::suitability
