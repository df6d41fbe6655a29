// A minimal JSON writer for --json summaries (no dependency; output only).
#pragma once
#include <string>
#include <string_view>

namespace ruralatlas {

std::string jsonQuote(std::string_view text);  // "..." with escapes; UTF-8 passes through

}  // namespace ruralatlas
