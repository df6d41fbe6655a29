// National statistical division codes (统计用区划代码): 6 digits for a county, 9 for a
// township, 12 for a village committee or community (PPCCDDTTTVVV).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ruralatlas {

enum class AdminLevel { Province, City, County, Township, Village };

// What is wrong with a code, or Ok.
enum class CodeProblem { Ok, NotDigits, WrongLength, ZeroPart };

struct AdminCode {
    AdminLevel level;
    std::string digits;  // as given (6, 9 or 12 digits)

    std::string county() const { return digits.substr(0, 6); }
    std::string township() const { return digits.size() >= 9 ? digits.substr(0, 9) : std::string{}; }
    std::string province() const { return digits.substr(0, 2); }
};

// Checks a code that must be of `expected` level. A 12-digit village code whose village part
// is 000 is a township written long, and is rejected as ZeroPart.
CodeProblem checkAdminCode(std::string_view code, AdminLevel expected);
std::optional<AdminCode> parseAdminCode(std::string_view code, AdminLevel expected);
std::string describe(CodeProblem problem, AdminLevel expected);

// 12-digit long forms used by some sources ("433127101000") shortened to the level's length.
std::string shortenAdminCode(std::string_view code12, AdminLevel level);

// True when the village code starts with the township code (a mismatch is a data error).
bool villageBelongsToTownship(std::string_view villageCode, std::string_view townshipCode);

// Urban-rural class codes (城乡分类代码): 111 .. 220.
bool isUrbanRuralClass(std::string_view classCode);
std::string urbanRuralClassTitle(std::string_view classCode);  // Chinese title, empty if unknown

}  // namespace ruralatlas
