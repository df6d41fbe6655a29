#include "standards.hpp"

namespace ruralatlas {

// Sources as cited in DATA-MODEL.md ("Service standards").
const std::vector<Standard>& defaultStandards() {
    static const std::vector<Standard> kDefaults = {
        {"clinic_present", "village_clinic", "present_in_village", "count", "none", 1.0, "每个行政村设一个村卫生室（设乡镇卫生院的村除外）",
         "村卫生室管理办法（试行）2014 第十三条；脱贫攻坚“基本医疗有保障”验收口径"},
        {"clinic_walk", "village_clinic", "within", "minutes", "walk", 30.0, "无村卫生室的村步行30分钟内可达村卫生室",
         "脱贫攻坚“基本医疗有保障”验收口径"},
        {"health_center_present", "township_health_center", "present_in_village", "count", "none", 1.0,
         "每个乡镇设一所乡镇卫生院（按乡镇判定）", "脱贫攻坚“基本医疗有保障”验收口径"},
        {"health_center_road", "township_health_center", "within", "minutes", "road", 30.0, "各村30分钟车程内可达乡镇卫生院",
         "脱贫攻坚“基本医疗有保障”验收口径"},
        {"water_distance", "water_works", "within", "distance_m", "straight", 400.0,
         "集中供水覆盖，或取水水平距离不超过400米（基本：800米）", "T/CHES 18-2018 农村饮水安全评价准则（用水方便程度）"},
        {"water_walk", "water_works", "within", "minutes", "walk", 10.0, "人力取水往返时间不超过10分钟（基本：20分钟）",
         "T/CHES 18-2018 农村饮水安全评价准则（用水方便程度）"},
        {"primary_school_distance", "primary_school", "within", "distance_m", "straight", 3000.0,
         "小学服务半径3公里（各省标准不同，可修改）", "各省农村学校布局规划指引；国家无统一数值"},
        {"primary_school_walk", "primary_school", "within", "minutes", "walk", 30.0, "小学步行30分钟可达（可修改）",
         "各省农村学校布局规划指引；国家无统一数值"},
        {"kindergarten_distance", "kindergarten", "within", "distance_m", "straight", 1500.0, "幼儿园服务半径1.5公里（可修改）",
         "各省农村学前教育布局指引"},
        {"bus_stop_present", "bus_stop", "present_in_village", "count", "none", 1.0, "具备条件的建制村通客车",
         "乡村振兴战略规划（2018－2022年）"},
        {"hardened_road", "hardened_road", "rate_at_least", "rate", "none", 1.0, "具备条件的建制村通硬化路比例100%",
         "乡村振兴战略规划（2018－2022年）"},
        {"tap_water_rate", "tap_water_rate", "rate_at_least", "rate", "none", 0.85, "农村自来水普及率达到85%",
         "乡村振兴战略规划（2018－2022年）2022年目标"},
        {"sanitary_toilet_rate", "sanitary_toilet_rate", "rate_at_least", "rate", "none", 0.85, "农村卫生厕所普及率85%以上",
         "乡村振兴战略规划（2018－2022年）2022年目标"},
        {"village_plan_coverage", "has_village_plan", "rate_at_least", "rate", "none", 0.90, "村庄规划覆盖率（全县）90%",
         "乡村振兴战略规划（2018－2022年）2022年目标"},
    };
    return kDefaults;
}

}  // namespace ruralatlas
