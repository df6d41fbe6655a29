// Values as ledgers and attribute tables hold them, read the way a planner wrote them: numbers
// with thousands separators or a percent sign, and administrative codes that a spreadsheet or a
// DBF stored as numbers ("433127100201.0", "4.33127100201e+11"). Pure functions, fuzzed
// (tests/fuzz/fuzz_values.cpp).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ruralatlas {

// "1,234.5" -> 1234.5; with `allowPercent`, "85%", "85 %" and "85％" -> 0.85. Surrounding
// blanks are ignored. nullopt for anything else (text, "", inf, nan, hex).
std::optional<double> parseNumberText(std::string_view raw, bool allowPercent);

// A code written as a number. `digits` holds the code when it could be recovered exactly;
// otherwise `problem` says why not (in English, for the message).
struct CodeText {
    std::optional<std::string> digits;
    std::string problem;
    bool wasNumber = false;  // the text was a number form ("...0", "e+11"), not plain digits
};
// Plain digits pass unchanged; "433127100201.0" and "4.33127100201E+11" give "433127100201";
// "4.3312710e+11" (8 significant digits of a 12-digit code) is refused: digits were lost.
// Other text passes unchanged (the code check that follows says what is wrong with it).
CodeText codeFromText(std::string_view raw);

}  // namespace ruralatlas
