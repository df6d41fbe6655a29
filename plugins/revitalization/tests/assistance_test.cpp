// `ruralatlas assistance` on a project written here: teams active on the date (started, not
// ended), the villages that should have a team (former-poor, key-assisted, hosting a resettlement
// site) and have none, the inspection register with its overdue items and days worked out by
// hand, names printed only when asked, and a bad date named by layer, feature and field.
#include "assistance.hpp"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <map>
#include <string>

#include "io/gdal_util.hpp"
#include "result_rows.hpp"
#include "test_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::test;

namespace {

std::string build(const TempDir& dir, const std::string& unitsCsv) {
    const std::string project = dir.file("p.gpkg");
    EXPECT_EQ(runCli("init " + quote(project) + " --county-code 433127 --name 永顺县").status, 0);
    writeFile(dir.file("v.csv"),
              "code,name,township_code,status,lon,lat\n"
              "433127101201,甲村,433127101,former_poor,110.00,29.0\n"
              "433127101202,乙村,433127101,key_assisted,110.02,29.0\n"
              "433127101203,丙村,433127101,ordinary,110.04,29.0\n"
              "433127102201,丁村,433127102,ordinary,110.30,29.2\n"
              "433127102202,戊村,433127102,former_poor,110.33,29.2\n");
    auto r = runCli("import " + quote(project) + " " + quote(dir.file("v.csv")) + " --into villages --allow-outside");
    EXPECT_EQ(r.status, 0) << r.output;
    writeFile(dir.file("s.csv"), "id,name,village_code,status,lon,lat\nS1,丙村安置点,433127101203,existing,110.041,29.001\n");
    r = runCli("import " + quote(project) + " " + quote(dir.file("s.csv")) + " --into resettlement_sites --allow-outside");
    EXPECT_EQ(r.status, 0) << r.output;
    writeFile(dir.file("u.csv"), unitsCsv);
    r = runCli("import " + quote(project) + " " + quote(dir.file("u.csv")) + " --into assistance_units");
    EXPECT_EQ(r.status, 0) << r.output;
    writeFile(dir.file("i.csv"),
              "id,village_code,found_date,source,category,issue,deadline,status,closed_date,follow_up\n"
              "I1,433127101201,2025-03-01,省级督查,饮水安全,集中供水工程停水未修复,2025-05-31,open,,\n"
              "I2,433127101202,2025-04-01,县级督查,住房安全,一户危房未改造,2025-08-31,open,,\n"
              "I3,433127102201,2025-01-10,省级督查,产业帮扶,合作社分红未兑现,2025-03-10,rectified,2025-03-20,已兑现\n"
              "I4,433127101201,2025-05-01,县级督查,义务教育,控辍保学台账不全,2025-06-01,rectified,2025-07-15,\n"
              "I5,433127102202,2025-08-01,县级督查,医疗保障,参保未全覆盖,2025-09-30,open,,\n");
    r = runCli("import " + quote(project) + " " + quote(dir.file("i.csv")) + " --into inspection_issues");
    EXPECT_EQ(r.status, 0) << r.output;
    return project;
}

const char* kUnits =
    "village_code,kind,unit_name,unit_level,members,start_date,end_date,person_name\n"
    "433127101201,work_team,省教育厅,province,3,2024-01-01,,张三\n"
    "433127101201,first_secretary,省教育厅,province,,2024-01-01,,李四\n"
    "433127101202,work_team,县农业农村局,county,2,2021-06-01,2024-05-31,王五\n"
    "433127101203,partner_enterprise,湘茶集团,enterprise,,2023-01-01,,\n"
    "433127102202,work_team,市财政局,city,2,2025-09-01,,赵六\n"
    "433127102201,sponsor_unit,县财政局,county,,2022-01-01,,\n";

}  // namespace

TEST(Assistance, DatesParseAndCount) {
    using revitalization::parseDay;
    ASSERT_TRUE(parseDay("2025-06-30"));
    EXPECT_EQ(*parseDay("2025-06-30") - *parseDay("2025-05-31"), 30);
    EXPECT_EQ(*parseDay("2025-03-20") - *parseDay("2025-01-10"), 69);
    EXPECT_EQ(*parseDay("1970-01-01"), 0);
    EXPECT_EQ(parseDay("20240301"), parseDay("2024-03-01"));
    EXPECT_EQ(parseDay("2024/3/1"), parseDay("2024-03-01"));
    EXPECT_EQ(parseDay("2024-03-01T08:00:00"), parseDay("2024-03-01"));
    EXPECT_TRUE(parseDay("2024-02-29"));
    EXPECT_FALSE(parseDay("2023-02-29"));
    EXPECT_FALSE(parseDay("2024-13-01"));
    EXPECT_FALSE(parseDay("明年"));
    EXPECT_FALSE(parseDay("2024-03-01x"));
    EXPECT_EQ(revitalization::dayText(*parseDay("2024-02-29")), "2024-02-29");
}

TEST(Assistance, TeamsGapsAndTheRegisterByHand) {
    TempDir dir;
    const std::string project = build(dir, kUnits);
    const std::string out = dir.file("a.gpkg");
    auto r = runCli("assistance " + quote(project) + " --date 2025-06-30 --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    const ResultRows v = readRows(out, "assistance_villages"), a = readRows(out, "assistance_areas"),
                     reg = readRows(out, "inspection_register");
    const auto &jia = findRow(v, "village_name", "甲村"), &yi = findRow(v, "village_name", "乙村"),
               &bing = findRow(v, "village_name", "丙村"), &ding = findRow(v, "village_name", "丁村"),
               &wu = findRow(v, "village_name", "戊村");
    EXPECT_EQ(jia.at("work_teams"), "1");
    EXPECT_EQ(jia.at("team_members"), "3");
    EXPECT_EQ(jia.at("first_secretaries"), "1");
    EXPECT_EQ(jia.at("missing_team"), "0");
    EXPECT_EQ(jia.at("sponsor_units"), "省教育厅");
    EXPECT_EQ(yi.at("missing_team"), "1") << "its team left on 2024-05-31";
    EXPECT_EQ(yi.at("should_have_reason"), "乡村振兴重点帮扶村");
    EXPECT_EQ(bing.at("missing_team"), "1") << "hosts a resettlement site; an enterprise is no team";
    EXPECT_EQ(bing.at("should_have_reason"), "易地搬迁集中安置村");
    EXPECT_EQ(bing.at("enterprises"), "湘茶集团");
    EXPECT_EQ(ding.at("should_have_team"), "0");
    EXPECT_EQ(ding.at("missing_team"), "0");
    EXPECT_EQ(wu.at("missing_team"), "1") << "its team starts on 2025-09-01";
    EXPECT_EQ(jia.at("issues_open"), "2") << "I4 was closed after the date";
    EXPECT_EQ(jia.at("issues_overdue"), "2");
    EXPECT_EQ(ding.at("issues_rectified"), "1");
    EXPECT_EQ(jia.count("persons"), 0u) << "no names unless asked";

    const auto& county = findRow(a, "level", "county");
    EXPECT_EQ(county.at("villages_should_have"), "4");
    EXPECT_EQ(county.at("villages_with_team"), "1");
    EXPECT_EQ(county.at("villages_missing_team"), "3");
    EXPECT_EQ(county.at("work_teams"), "1");
    EXPECT_EQ(county.at("first_secretaries"), "1");
    EXPECT_EQ(county.at("issues"), "4") << "I5 was found after the date";
    EXPECT_EQ(county.at("issues_open"), "3");
    EXPECT_EQ(county.at("issues_overdue"), "2");
    EXPECT_EQ(county.at("issues_rectified"), "1");
    const auto& t101 = findRow(a, "code", "433127101");
    EXPECT_EQ(t101.at("villages_missing_team"), "2");
    EXPECT_NE(t101.at("finding").find("乙村"), std::string::npos) << t101.at("finding");

    ASSERT_EQ(reg.size(), 4u);
    EXPECT_EQ(findRow(reg, "id", "I1").at("days_overdue"), "30");
    EXPECT_EQ(findRow(reg, "id", "I1").at("overdue"), "逾期");
    EXPECT_EQ(findRow(reg, "id", "I4").at("days_overdue"), "29");
    EXPECT_EQ(findRow(reg, "id", "I4").at("status"), "整改中");
    EXPECT_EQ(findRow(reg, "id", "I2").at("overdue"), "未到期");
    EXPECT_EQ(findRow(reg, "id", "I3").at("overdue"), "逾期整改");
    EXPECT_EQ(findRow(reg, "id", "I3").at("days_to_close"), "69");
    EXPECT_EQ(findRow(reg, "id", "I3").at("status"), "已整改");

    // No name anywhere in the file without --with-names; with it, the persons column.
    EXPECT_EQ(readFile(out).find("张三"), std::string::npos);
    const std::string named = dir.file("named.gpkg");
    r = runCli("assistance " + quote(project) + " --date 2025-06-30 --with-names --out " + quote(named));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(findRow(readRows(named, "assistance_villages"), "village_name", "甲村").at("persons").find("张三（驻村工作队）"),
              std::string::npos);
    // A later date: 戊村's team has come, and I4's closing counts.
    r = runCli("assistance " + quote(project) + " --date 2025-09-15 --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"villages_missing_team\": 2"), std::string::npos) << r.output;
}

TEST(Assistance, ABadDateIsNamed) {
    TempDir dir;
    std::string units = kUnits;
    units.replace(units.find("2024-01-01,,张三"), 10, "2024-13-01");
    const std::string project = build(dir, units);
    const auto r = runCli("assistance " + quote(project) + " --date 2025-06-30");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("assistance_units"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("start_date"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("2024-13-01"), std::string::npos) << r.output;
    const auto bad = runCli("assistance " + quote(project) + " --date 2025-02-30");
    EXPECT_EQ(bad.status, 2) << bad.output;
}
