#include "schema.hpp"

#include "core/landuse.hpp"

namespace ruralatlas {

std::optional<std::string_view> Enumeration::resolve(std::string_view codeOrTitle) const {
    for (const auto& v : values)
        if (v.code == codeOrTitle || v.titleZh == codeOrTitle) return v.code;
    return std::nullopt;
}

const FieldDef* LayerDef::field(std::string_view fieldName) const {
    for (const auto& f : fields)
        if (f.name == fieldName) return &f;
    return nullptr;
}

const std::vector<Enumeration>& enumerations() {
    static const std::vector<Enumeration> kEnums = {
        {"village_status",
         {{"former_poor", "脱贫村"},
          {"relocation_site_village", "易地搬迁安置村"},
          {"key_assisted", "乡村振兴重点帮扶村"},
          {"ordinary", "一般村"}}},
        {"terrain", {{"mountain", "山区"}, {"hill", "丘陵"}, {"plain", "平原"}, {"lake", "水网"}}},
        {"plan_type",
         {{"agglomerate_upgrade", "集聚提升类"},
          {"suburban_integration", "城郊融合类"},
          {"characteristic_protection", "特色保护类"},
          {"relocate_merge", "搬迁撤并类"},
          {"undetermined", "待定"}}},
        {"facility_kind",
         {{"kindergarten", "幼儿园"},
          {"primary_school", "小学"},
          {"middle_school", "初中"},
          {"village_clinic", "村卫生室"},
          {"township_health_center", "乡镇卫生院"},
          {"county_hospital", "县医院"},
          {"water_works", "集中供水工程"},
          {"elderly_care", "养老服务设施"},
          {"cultural_center", "文化活动中心"},
          {"market", "集贸市场"},
          {"bus_stop", "公交站点"},
          {"waste_station", "垃圾转运站"}}},
        {"build_status", {{"existing", "已建"}, {"under_construction", "在建"}, {"planned", "规划"}, {"closed", "关停"}}},
        {"sector",
         {{"photovoltaic", "光伏"},
          {"edible_fungi", "食用菌"},
          {"tea", "茶叶"},
          {"fruit", "水果"},
          {"nuts", "坚果"},
          {"herbs", "中药材"},
          {"livestock", "畜牧"},
          {"poultry", "家禽"},
          {"beekeeping", "养蜂"},
          {"aquaculture", "水产"},
          {"tourism", "乡村旅游"},
          {"ecommerce", "电商"},
          {"workshop", "扶贫车间"},
          {"processing", "农产品加工"}}},
        {"road_class",
         {{"national", "国道"},
          {"provincial", "省道"},
          {"county", "县道"},
          {"township", "乡道"},
          {"village", "村道"},
          {"track", "机耕道"}}},
        {"road_surface", {{"hardened", "硬化"}, {"gravel", "砂石"}, {"earth", "土路"}}},
        {"river_class", {{"river", "河流"}, {"stream", "溪流"}, {"canal", "渠道"}}},
        {"constraint_kind",
         {{"ecological_redline", "生态保护红线"},
          {"basic_farmland", "永久基本农田"},
          {"urban_boundary", "城镇开发边界"},
          {"flood_zone", "洪涝风险区"},
          {"geohazard", "地质灾害隐患区"},
          {"heritage", "历史文化保护区"},
          {"construction_boundary", "村庄建设边界"}}},
        {"household_cause",
         {{"illness", "因病"},
          {"disability", "因残"},
          {"education", "因学"},
          {"lack_labor", "缺劳力"},
          {"lack_skills", "缺技术"},
          {"lack_capital", "缺资金"},
          {"disaster", "因灾"},
          {"other", "其他"}}},
        {"household_status",
         {{"lifted", "脱贫户"},
          {"monitored_unstable", "脱贫不稳定户"},
          {"monitored_edge", "边缘易致贫户"},
          {"monitored_sudden_hardship", "突发严重困难户"},
          {"ordinary", "一般农户"}}},
        {"visit_group", {{"monitored", "监测户"}, {"other", "其他农户"}}},
        {"assistance_kind",
         {{"work_team", "驻村工作队"},
          {"first_secretary", "驻村第一书记"},
          {"sponsor_unit", "定点帮扶单位"},
          {"partner_enterprise", "结对帮扶企业"},
          {"east_west", "东西部协作"}}},
        {"unit_level",
         {{"central", "中央单位"},
          {"province", "省级"},
          {"city", "市级"},
          {"county", "县级"},
          {"township", "乡镇"},
          {"enterprise", "企业"},
          {"other", "其他"}}},
        {"issue_status", {{"open", "整改中"}, {"rectified", "已整改"}, {"verified", "已验收销号"}}},
        {"site_status", {{"existing", "已建"}, {"under_construction", "在建"}, {"planned", "规划"}, {"closed", "关停"}}},
        {"landuse_period", {{"current", "现状"}, {"planned", "规划"}}},
        {"plan_target_indicator",
         {{"cultivated_land_ha", "耕地保有量"},
          {"basic_farmland_ha", "永久基本农田保护面积"},
          {"redline_ha", "生态保护红线面积"},
          {"construction_land_ha", "村庄建设用地规模"},
          {"forest_ha", "林地保有量"}}},
        {"target_bound", {{"floor", "不低于"}, {"ceiling", "不高于"}}},
        {"standard_rule", {{"present_in_village", "村内具备"}, {"within", "可达范围内"}, {"rate_at_least", "比率不低于"}}},
        {"standard_measure", {{"distance_m", "距离（米）"}, {"minutes", "时间（分钟）"}, {"rate", "比率"}, {"count", "数量"}}},
        {"standard_mode", {{"straight", "直线"}, {"road", "道路"}, {"walk", "步行"}, {"none", "不适用"}}},
        {"urban_rural_class",
         {{"111", "主城区"},
          {"112", "城乡结合区"},
          {"121", "镇中心区"},
          {"122", "镇乡结合区"},
          {"123", "特殊区域"},
          {"210", "乡中心区"},
          {"220", "村庄"}}},
    };
    return kEnums;
}

const Enumeration* findEnumeration(std::string_view name) {
    for (const auto& e : enumerations())
        if (e.name == name) return &e;
    return nullptr;
}

std::optional<std::string_view> codeTitle(std::string_view enumeration, std::string_view code) {
    if (const Enumeration* e = findEnumeration(enumeration))
        for (const auto& v : e->values)
            if (v.code == code) return v.titleZh;
    return std::nullopt;
}

std::optional<std::string_view> fieldValueTitle(const LayerDef* layer, std::string_view field, std::string_view value) {
    if (!layer) return std::nullopt;
    const FieldDef* f = layer->field(field);
    if (!f) return std::nullopt;
    if (!f->enumeration.empty()) return codeTitle(f->enumeration, value);
    if (field == "landuse_code") {
        const std::string_view t = landuseTitle(value);
        if (!t.empty()) return t;
    }
    return std::nullopt;
}

std::optional<std::string_view> fieldValueTitle(std::string_view layer, std::string_view field, std::string_view value) {
    return fieldValueTitle(findLayer(layer), field, value);
}

namespace {
using FT = FieldType;
using GK = GeometryKind;
constexpr double kBig = 1e12;

// Long on purpose: the data model of DATA-MODEL.md as one table (layers, fields, titles, ranges),
// data rather than logic.
std::vector<LayerDef> buildLayers() {
    return {
        {"county",
         GK::MultiPolygon,
         "县域",
         "County",
         {
             {"code", FT::Text, "县级行政区划代码", "County code", true, {}, {}, {}, 6},
             {"name", FT::Text, "县名", "Name", true},
         }},
        {"townships",
         GK::MultiPolygon,
         "乡镇",
         "Townships",
         {
             {"code", FT::Text, "乡级行政区划代码", "Township code", true, {}, {}, {}, 9},
             {"name", FT::Text, "乡镇名称", "Name", true},
         }},
        {"villages",
         GK::Point,
         "行政村",
         "Villages",
         {
             {"code", FT::Text, "村级行政区划代码", "Village code", true, {}, {}, {}, 12},
             {"name", FT::Text, "村名", "Name", true},
             {"township_code", FT::Text, "所属乡镇代码", "Township code", true, {}, {}, {}, 9},
             {"class_code", FT::Text, "城乡分类代码", "Urban-rural class", false, "urban_rural_class", {}, {}, 3},
             {"population", FT::Integer, "户籍人口", "Population", false, {}, 0.0, kBig},
             {"households", FT::Integer, "户数", "Households", false, {}, 0.0, kBig},
             {"status", FT::Text, "村类别", "Status", false, "village_status"},
             {"plan_type", FT::Text, "村庄分类", "Village type", false, "plan_type"},
             {"terrain", FT::Text, "地形", "Terrain", false, "terrain"},
             {"poor_households", FT::Integer, "脱贫户数", "Lifted households", false, {}, 0.0, kBig},
             {"monitored_households", FT::Integer, "监测户数", "Monitored households", false, {}, 0.0, kBig},
             {"collective_income", FT::Real, "村集体经济收入（万元/年）", "Collective income (10k yuan/yr)", false, {}, 0.0, kBig},
             {"has_village_plan", FT::Integer, "已编制村庄规划", "Has village plan", false, {}, 0.0, 1.0},
             {"tap_water_rate", FT::Real, "自来水普及率", "Tap water rate", false, {}, 0.0, 1.0},
             {"hardened_road", FT::Integer, "通硬化路", "Hardened road", false, {}, 0.0, 1.0},
             {"sanitary_toilet_rate", FT::Real, "卫生厕所普及率", "Sanitary toilet rate", false, {}, 0.0, 1.0},
             {"elevation_m", FT::Real, "海拔（米）", "Elevation (m)", false, {}, -500.0, 9000.0},
         }},
        {"village_boundaries",
         GK::MultiPolygon,
         "村界",
         "Village boundaries",
         {
             {"code", FT::Text, "村级行政区划代码", "Village code", true, {}, {}, {}, 12},
             {"name", FT::Text, "村名", "Name", false},
         }},
        {"facilities",
         GK::Point,
         "公共服务设施",
         "Facilities",
         {
             {"id", FT::Text, "设施编号", "Facility id", true},
             {"kind", FT::Text, "设施类型", "Kind", true, "facility_kind"},
             {"name", FT::Text, "设施名称", "Name", false},
             {"status", FT::Text, "建设状态", "Status", false, "build_status"},
             {"capacity", FT::Integer, "服务能力（学位/床位）", "Capacity", false, {}, 0.0, kBig},
             {"village_code", FT::Text, "所在村代码", "Village code", false, {}, {}, {}, 12},
         }},
        {"resettlement_sites",
         GK::Point,
         "易地扶贫搬迁安置点",
         "Resettlement sites",
         {
             {"id", FT::Text, "安置点编号", "Site id", true},
             {"name", FT::Text, "安置点名称", "Name", true},
             {"village_code", FT::Text, "所在村代码", "Host village code", false, {}, {}, {}, 12},
             {"planned_households", FT::Integer, "计划安置户数", "Planned households", false, {}, 0.0, kBig},
             {"moved_in_households", FT::Integer, "已入住户数", "Moved-in households", false, {}, 0.0, kBig},
             {"capacity_people", FT::Integer, "安置人口容量", "Capacity (people)", false, {}, 0.0, kBig},
             {"jobs_nearby", FT::Integer, "周边就业岗位", "Jobs nearby", false, {}, 0.0, kBig},
             {"old_homes_total", FT::Integer, "旧房总数", "Old homes", false, {}, 0.0, kBig},
             {"old_homes_demolished", FT::Integer, "已拆除旧房", "Old homes demolished", false, {}, 0.0, kBig},
             {"reclaimed_area_mu", FT::Real, "复垦面积（亩）", "Reclaimed area (mu)", false, {}, 0.0, kBig},
             {"status", FT::Text, "建设状态", "Status", false, "site_status"},
         }},
        {"relocations",
         GK::None,
         "搬迁对象来源",
         "Relocations",
         {
             {"source_village_code", FT::Text, "迁出村代码", "Source village code", true, {}, {}, {}, 12},
             {"site_id", FT::Text, "安置点编号", "Site id", true},
             {"households", FT::Integer, "搬迁户数", "Households", false, {}, 0.0, kBig},
             {"people", FT::Integer, "搬迁人数", "People", false, {}, 0.0, kBig},
             {"year", FT::Integer, "搬迁年份", "Year", false, {}, 1980.0, 2100.0},
         }},
        {"industry_projects",
         GK::Point,
         "产业项目",
         "Industry projects",
         {
             {"id", FT::Text, "项目编号", "Project id", true},
             {"name", FT::Text, "项目名称", "Name", true},
             {"sector", FT::Text, "产业类型", "Sector", true, "sector"},
             {"status", FT::Text, "建设状态", "Status", false, "build_status"},
             {"investment", FT::Real, "投资（万元）", "Investment (10k yuan)", false, {}, 0.0, kBig},
             {"jobs", FT::Integer, "带动就业", "Jobs", false, {}, 0.0, kBig},
             {"beneficiary_households", FT::Integer, "受益户数", "Beneficiary households", false, {}, 0.0, kBig},
             {"start_year", FT::Integer, "开工年份", "Start year", false, {}, 1980.0, 2100.0},
             {"village_code", FT::Text, "所在村代码", "Village code", false, {}, {}, {}, 12},
         }},
        {"project_links",
         GK::None,
         "项目联农带农",
         "Project beneficiaries",
         {
             {"project_id", FT::Text, "项目编号", "Project id", true},
             {"village_code", FT::Text, "受益村代码", "Village code", true, {}, {}, {}, 12},
             {"households", FT::Integer, "受益户数", "Households", false, {}, 0.0, kBig},
         }},
        {"roads",
         GK::LineString,
         "道路",
         "Roads",
         {
             {"id", FT::Text, "道路编号", "Road id", true},
             {"name", FT::Text, "道路名称", "Name", false},
             {"class", FT::Text, "道路等级", "Class", true, "road_class"},
             {"surface", FT::Text, "路面类型", "Surface", false, "road_surface"},
             {"speed_kmh", FT::Real, "设计车速（公里/小时）", "Speed (km/h)", false, {}, 0.0, 200.0},
             {"oneway", FT::Integer, "单行", "One way", false, {}, 0.0, 1.0},
         }},
        {"rivers",
         GK::LineString,
         "河流水系",
         "Rivers",
         {
             {"id", FT::Text, "河流编号", "River id", true},
             {"name", FT::Text, "河流名称", "Name", false},
             {"class", FT::Text, "河流等级", "Class", false, "river_class"},
         }},
        {"landuse_plan",
         GK::MultiPolygon,
         "村庄规划用地",
         "Village land-use plan",
         {
             {"village_code", FT::Text, "村代码", "Village code", true, {}, {}, {}, 12},
             {"landuse_code", FT::Text, "用地用海分类代码", "Land-use code", true},
             {"period", FT::Text, "现状/规划", "Period", true, "landuse_period"},
         }},
        {"constraints",
         GK::MultiPolygon,
         "管控区",
         "Planning constraints",
         {
             {"kind", FT::Text, "管控类型", "Kind", true, "constraint_kind"},
             {"name", FT::Text, "名称", "Name", false},
         }},
        {"plan_targets",
         GK::None,
         "村庄规划管控指标",
         "Village-plan control targets",
         {
             {"village_code", FT::Text, "村代码", "Village code", true, {}, {}, {}, 12},
             {"indicator", FT::Text, "指标", "Indicator", true, "plan_target_indicator"},
             {"bound", FT::Text, "约束方向", "Bound", true, "target_bound"},
             {"value", FT::Real, "指标值（公顷）", "Value (ha)", true, {}, 0.0, kBig},
             {"source", FT::Text, "下达依据", "Source", false},
         },
         false,
         2},
        {"village_indicators",
         GK::None,
         "村级指标台账",
         "Village indicators by year",
         {
             {"village_code", FT::Text, "村代码", "Village code", true, {}, {}, {}, 12},
             {"year", FT::Integer, "年度", "Year", true, {}, 1980.0, 2100.0},
             {"indicator", FT::Text, "指标", "Indicator", true},
             {"value", FT::Real, "指标值", "Value", false, {}, -kBig, kBig},
             {"source", FT::Text, "数据来源", "Source", false},
         },
         false,
         2,
         // The report reads one or two years of a pack's indicators out of millions of rows:
         // covering, so SQLite answers from the index alone.
         {{"year", "indicator", "village_code", "value"}}},
        {"assistance_units",
         GK::None,
         "帮扶力量",
         "Assistance units",
         {
             {"village_code", FT::Text, "帮扶村代码", "Village code", true, {}, {}, {}, 12},
             {"kind", FT::Text, "帮扶类型", "Kind", true, "assistance_kind"},
             {"unit_name", FT::Text, "派出或帮扶单位", "Unit", true},
             {"unit_level", FT::Text, "单位层级", "Unit level", false, "unit_level"},
             {"members", FT::Integer, "队员人数", "Members", false, {}, 0.0, 100.0},
             {"start_date", FT::Text, "开始日期", "Start date", false},
             {"end_date", FT::Text, "结束日期", "End date", false},
             {"person_name", FT::Text, "负责人姓名（个人信息，默认不输出）", "Person (personal data, not printed by default)", false},
         },
         false,
         3},
        {"inspection_issues",
         GK::None,
         "督查整改台账",
         "Inspection issues and their rectification",
         {
             {"id", FT::Text, "问题编号", "Issue id", true},
             {"village_code", FT::Text, "村代码", "Village code", true, {}, {}, {}, 12},
             {"found_date", FT::Text, "发现日期", "Date found", true},
             {"source", FT::Text, "问题来源", "Source", false},
             {"category", FT::Text, "问题类别", "Category", false},
             {"issue", FT::Text, "问题描述", "Issue", true},
             {"deadline", FT::Text, "整改时限", "Deadline", false},
             {"status", FT::Text, "整改状态", "Status", true, "issue_status"},
             {"closed_date", FT::Text, "整改完成日期", "Date closed", false},
             {"follow_up", FT::Text, "跟踪情况", "Follow-up", false},
         },
         false,
         3},
        {"households",
         GK::Point,
         "农户（个人信息）",
         "Households (personal data)",
         {
             {"id", FT::Text, "农户编号（化名）", "Pseudonymous id", true},
             {"village_code", FT::Text, "所在村代码", "Village code", true, {}, {}, {}, 12},
             {"members", FT::Integer, "家庭人口", "Members", false, {}, 1.0, 50.0},
             {"status", FT::Text, "农户类别", "Status", false, "household_status"},
             {"cause", FT::Text, "主要致贫风险", "Main cause", false, "household_cause"},
             {"monitored", FT::Integer, "纳入监测", "Monitored", false, {}, 0.0, 1.0},
             {"identified_year", FT::Integer, "识别为监测对象年份", "Year identified for monitoring", false, {}, 1980.0, 2100.0},
             {"eliminated_year", FT::Integer, "风险消除年份", "Year the risk was eliminated", false, {}, 1980.0, 2100.0},
         },
         true},
        // The households a supervision sample visits (supervision-sample --visit-list): personal
        // data like the households it names, so it stays in the project.
        {"supervision_visits",
         GK::None,
         "督查走访农户名单（个人信息）",
         "Supervision visit list (personal data)",
         {
             {"list_name", FT::Text, "名单名称", "List name", true},
             {"seed", FT::Integer, "随机种子", "Seed", true, {}, 0.0, 2147483647.0},
             {"created", FT::Text, "生成日期", "Created", true},
             {"village_code", FT::Text, "村代码", "Village code", true, {}, {}, {}, 12},
             {"village_order", FT::Integer, "走访村顺序", "Village visiting order", true, {}, 1.0, kBig},
             {"household_id", FT::Text, "农户编号（化名）", "Pseudonymous household id", true},
             {"visit_order", FT::Integer, "村内走访顺序", "Order in the village", true, {}, 1.0, kBig},
             {"visit_group", FT::Text, "农户类别", "Group", true, "visit_group"},
             {"visited_on", FT::Text, "走访日期", "Visited on", false},
             {"note", FT::Text, "走访情况", "Note", false},
         },
         true,
         4},
        {"standards",
         GK::None,
         "服务标准",
         "Service standards",
         {
             {"id", FT::Text, "标准编号", "Standard id", true},
             {"kind", FT::Text, "对象", "Kind", true},
             {"rule", FT::Text, "规则", "Rule", true, "standard_rule"},
             {"measure", FT::Text, "度量", "Measure", false, "standard_measure"},
             {"mode", FT::Text, "方式", "Mode", false, "standard_mode"},
             {"threshold", FT::Real, "阈值", "Threshold", false, {}, 0.0, kBig},
             {"title", FT::Text, "标准说明", "Title", false},
             {"source", FT::Text, "依据", "Source", false},
         }},
        {"project_meta",
         GK::None,
         "项目信息",
         "Project metadata",
         {
             {"key", FT::Text, "键", "Key", true},
             {"value", FT::Text, "值", "Value", false},
         }},
    };
}
}  // namespace

const std::vector<LayerDef>& projectLayers() {
    static const std::vector<LayerDef> kLayers = buildLayers();
    return kLayers;
}

const LayerDef* findLayer(std::string_view name) {
    for (const auto& l : projectLayers())
        if (l.name == name) return &l;
    return nullptr;
}

const char* geometryKindName(GeometryKind kind) {
    switch (kind) {
        case GeometryKind::None:
            return "none";
        case GeometryKind::Point:
            return "Point";
        case GeometryKind::LineString:
            return "LineString";
        case GeometryKind::MultiPolygon:
            return "MultiPolygon";
        case GeometryKind::Raster:
            return "raster";
    }
    return "?";
}

}  // namespace ruralatlas
