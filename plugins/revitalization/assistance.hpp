// The assistance and supervision analysis (帮扶力量与督查整改) as a library.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "analysis/analysis.hpp"

namespace ruralatlas::revitalization {

// Days since 1970-01-01 of "YYYY-MM-DD" (also "YYYY/MM/DD", "YYYY.MM.DD", "YYYYMMDD"); nullopt
// when the text is no valid date.
std::optional<long long> parseDay(const std::string& text);
std::string dayText(long long day);
std::unique_ptr<analysis::Analysis> makeAssistance();

}  // namespace ruralatlas::revitalization
