// Ledger values (core/value_text.cpp) and administrative codes (core/admin_code.cpp): numbers
// as planners type them, codes stored as numbers, and the code checks at every level.
// Invariants: a code recovered from a number form is digits and equals that number; a code
// that parses passes its check; shortening never lengthens.
#include <cmath>

#include "core/admin_code.hpp"
#include "core/value_text.hpp"
#include "fuzz_util.hpp"

using namespace ruralatlas;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::asText(data, size);
    const auto plain = parseNumberText(text, false);
    const auto rate = parseNumberText(text, true);
    if (plain && !std::isfinite(*plain)) fuzz::broken("a number that is not finite");
    if (plain && (!rate || *rate != *plain)) fuzz::broken("allowing a percent sign changed a plain number");

    const CodeText code = codeFromText(text);
    if (code.digits.has_value() == !code.problem.empty()) fuzz::broken("a code both recovered and refused, or neither");
    if (code.wasNumber && code.digits) {
        for (char c : *code.digits)
            if (c < '0' || c > '9') fuzz::broken("a code recovered from a number holds a non-digit");
        const auto asNumber = parseNumberText(text, false);
        const auto recovered = parseNumberText(*code.digits, false);
        if (asNumber && recovered && code.digits->size() <= 15 && *asNumber != *recovered)
            fuzz::broken("a recovered code differs from the number it was written as");
    }

    for (AdminLevel level : {AdminLevel::Province, AdminLevel::City, AdminLevel::County, AdminLevel::Township, AdminLevel::Village}) {
        const CodeProblem p = checkAdminCode(text, level);
        const auto parsed = parseAdminCode(text, level);
        if (parsed.has_value() != (p == CodeProblem::Ok)) fuzz::broken("parse and check disagree");
        if (parsed) {
            (void)parsed->county();
            (void)parsed->township();
            (void)parsed->province();
        }
        (void)describe(p, level);
        if (shortenAdminCode(text, level).size() > text.size()) fuzz::broken("shortening lengthened a code");
    }
    const std::size_t half = size / 2;
    (void)villageBelongsToTownship(text.substr(0, half), text.substr(half));
    (void)isUrbanRuralClass(text);
    (void)urbanRuralClassTitle(text);
    return 0;
}
