#include "core/schema.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/landuse.hpp"
#include "core/standards.hpp"

using namespace ruralatlas;

TEST(Schema, HoldsEveryLayerOfTheDataModel) {
    for (const char* name :
         {"county", "townships", "villages", "village_boundaries", "facilities", "resettlement_sites", "relocations", "industry_projects",
          "project_links", "roads", "rivers", "landuse_plan", "constraints", "households", "standards", "project_meta"})
        EXPECT_NE(findLayer(name), nullptr) << name;
}

TEST(Schema, EveryFieldHasAChineseTitleAndKnownEnumeration) {
    for (const auto& l : projectLayers()) {
        EXPECT_FALSE(l.titleZh.empty()) << l.name;
        std::set<std::string_view> names;
        for (const auto& f : l.fields) {
            EXPECT_FALSE(f.titleZh.empty()) << l.name << "." << f.name;
            EXPECT_TRUE(names.insert(f.name).second) << "duplicate " << l.name << "." << f.name;
            if (!f.enumeration.empty()) {
                EXPECT_NE(findEnumeration(f.enumeration), nullptr) << f.enumeration;
            }
        }
    }
}

TEST(Schema, EnumerationsResolveCodesAndChineseTitles) {
    const Enumeration* status = findEnumeration("village_status");
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(status->resolve("former_poor"), "former_poor");
    EXPECT_EQ(status->resolve("脱贫村"), "former_poor");
    EXPECT_FALSE(status->resolve("poorish"));
    EXPECT_EQ(findEnumeration("facility_kind")->values.size(), 12u);
    EXPECT_EQ(findEnumeration("sector")->values.size(), 14u);
}

TEST(Schema, HouseholdsArePersonalData) {
    EXPECT_TRUE(findLayer("households")->personal);
    EXPECT_FALSE(findLayer("villages")->personal);
    EXPECT_EQ(kMinHouseholdsShown, 5);
}

TEST(Standards, DefaultsCiteTheirSourcesAndUseKnownRules) {
    const Enumeration* rules = findEnumeration("standard_rule");
    std::set<std::string> ids;
    for (const auto& s : defaultStandards()) {
        EXPECT_TRUE(ids.insert(s.id).second) << s.id;
        EXPECT_FALSE(s.source.empty()) << s.id;
        EXPECT_TRUE(rules->resolve(s.rule)) << s.rule;
    }
    // The figures of DATA-MODEL.md.
    auto find = [](const std::string& id) {
        for (const auto& s : defaultStandards())
            if (s.id == id) return s;
        return Standard{};
    };
    EXPECT_EQ(find("primary_school_distance").threshold, 3000.0);
    EXPECT_EQ(find("kindergarten_distance").threshold, 1500.0);
    EXPECT_EQ(find("clinic_walk").threshold, 30.0);
    EXPECT_EQ(find("tap_water_rate").threshold, 0.85);
}

TEST(Landuse, KnowsThe2023ClassificationCodes) {
    EXPECT_EQ(landuseTitle("0703"), "农村宅基地");
    EXPECT_EQ(landuseTitle("01"), "耕地");
    EXPECT_EQ(landuseTitle("0101"), "水田");
    EXPECT_EQ(landuseTitle("08"), "公共管理与公共服务用地");
    EXPECT_FALSE(isLanduseCode("0199"));
    EXPECT_FALSE(isLanduseCode("7"));
}
