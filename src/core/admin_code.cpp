#include "admin_code.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace ruralatlas {

namespace {
std::size_t lengthOf(AdminLevel level) {
    switch (level) {
        case AdminLevel::Province:
            return 2;
        case AdminLevel::City:
            return 4;
        case AdminLevel::County:
            return 6;
        case AdminLevel::Township:
            return 9;
        case AdminLevel::Village:
            return 12;
    }
    return 0;
}
const char* levelName(AdminLevel level) {
    switch (level) {
        case AdminLevel::Province:
            return "province";
        case AdminLevel::City:
            return "city";
        case AdminLevel::County:
            return "county";
        case AdminLevel::Township:
            return "township";
        case AdminLevel::Village:
            return "village";
    }
    return "?";
}
}  // namespace

CodeProblem checkAdminCode(std::string_view code, AdminLevel expected) {
    if (code.empty() || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) return CodeProblem::NotDigits;
    if (code.size() != lengthOf(expected)) return CodeProblem::WrongLength;
    // Each level's own part must not be all zeros (that would be the parent written long).
    const std::size_t own = expected == AdminLevel::Province
                                ? 0
                                : lengthOf(expected) - (expected == AdminLevel::Township || expected == AdminLevel::Village ? 3 : 2);
    std::string_view part = code.substr(own);
    if (std::all_of(part.begin(), part.end(), [](char c) { return c == '0'; })) return CodeProblem::ZeroPart;
    if (code.substr(0, 2) == "00") return CodeProblem::ZeroPart;
    return CodeProblem::Ok;
}

std::optional<AdminCode> parseAdminCode(std::string_view code, AdminLevel expected) {
    if (checkAdminCode(code, expected) != CodeProblem::Ok) return std::nullopt;
    return AdminCode{expected, std::string(code)};
}

std::string describe(CodeProblem problem, AdminLevel expected) {
    const std::string n = std::to_string(lengthOf(expected));
    switch (problem) {
        case CodeProblem::Ok:
            return "ok";
        case CodeProblem::NotDigits:
            return std::string("a ") + levelName(expected) + " code must be " + n + " digits (0-9 only)";
        case CodeProblem::WrongLength:
            return std::string("a ") + levelName(expected) + " code has " + n + " digits";
        case CodeProblem::ZeroPart:
            return std::string("the ") + levelName(expected) + " part of the code is all zeros";
    }
    return "?";
}

std::string shortenAdminCode(std::string_view code12, AdminLevel level) {
    return std::string(code12.substr(0, std::min(code12.size(), lengthOf(level))));
}

bool villageBelongsToTownship(std::string_view villageCode, std::string_view townshipCode) {
    return townshipCode.size() == 9 && villageCode.size() == 12 && villageCode.substr(0, 9) == townshipCode;
}

namespace {
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kUrbanRural{{
    {"111", "主城区"},
    {"112", "城乡结合区"},
    {"121", "镇中心区"},
    {"122", "镇乡结合区"},
    {"123", "特殊区域"},
    {"210", "乡中心区"},
    {"220", "村庄"},
}};
}

bool isUrbanRuralClass(std::string_view classCode) { return !urbanRuralClassTitle(classCode).empty(); }

std::string urbanRuralClassTitle(std::string_view classCode) {
    for (const auto& [code, title] : kUrbanRural)
        if (code == classCode) return std::string(title);
    return {};
}

}  // namespace ruralatlas
