#include "core/admin_code.hpp"

#include <gtest/gtest.h>

using namespace ruralatlas;

TEST(AdminCode, AcceptsWellFormedCodesOfEachLevel) {
    EXPECT_EQ(checkAdminCode("433127", AdminLevel::County), CodeProblem::Ok);
    EXPECT_EQ(checkAdminCode("433127101", AdminLevel::Township), CodeProblem::Ok);
    EXPECT_EQ(checkAdminCode("433127101201", AdminLevel::Village), CodeProblem::Ok);
}

TEST(AdminCode, RejectsElevenDigits) { EXPECT_EQ(checkAdminCode("43312710120", AdminLevel::Village), CodeProblem::WrongLength); }

TEST(AdminCode, RejectsLettersAndEmpty) {
    EXPECT_EQ(checkAdminCode("43312710120X", AdminLevel::Village), CodeProblem::NotDigits);
    EXPECT_EQ(checkAdminCode("", AdminLevel::County), CodeProblem::NotDigits);
    EXPECT_EQ(checkAdminCode("4331 7", AdminLevel::County), CodeProblem::NotDigits);
}

TEST(AdminCode, RejectsParentWrittenLong) {
    // A township written with 000 as its village part is not a village.
    EXPECT_EQ(checkAdminCode("433127101000", AdminLevel::Village), CodeProblem::ZeroPart);
    EXPECT_EQ(checkAdminCode("433100", AdminLevel::County), CodeProblem::ZeroPart);
    EXPECT_EQ(checkAdminCode("433127000", AdminLevel::Township), CodeProblem::ZeroPart);
}

TEST(AdminCode, VillageBelongsToItsTownshipByPrefix) {
    EXPECT_TRUE(villageBelongsToTownship("433127101201", "433127101"));
    EXPECT_FALSE(villageBelongsToTownship("433127101201", "433127102"));
    EXPECT_FALSE(villageBelongsToTownship("43312710120", "433127101"));
}

TEST(AdminCode, PartsOfAVillageCode) {
    auto c = parseAdminCode("433127101201", AdminLevel::Village);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->county(), "433127");
    EXPECT_EQ(c->township(), "433127101");
    EXPECT_EQ(c->province(), "43");
    EXPECT_EQ(shortenAdminCode("433127101000", AdminLevel::Township), "433127101");
}

TEST(UrbanRuralClass, KnowsTheSevenClasses) {
    for (const char* c : {"111", "112", "121", "122", "123", "210", "220"}) EXPECT_TRUE(isUrbanRuralClass(c)) << c;
    EXPECT_FALSE(isUrbanRuralClass("221"));
    EXPECT_EQ(urbanRuralClassTitle("220"), "村庄");
}
