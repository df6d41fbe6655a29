// Land-use classes of 国土空间调查、规划、用途管制用地用海分类指南 (Ministry of Natural Resources,
// 2023 edition, 自然资发〔2023〕234号): every class, land and sea, first to third level. Display
// colours live in styles/, not here.
#pragma once
#include <span>
#include <string_view>
#include <utility>

namespace ruralatlas {

// Chinese title of a 2- or 4-digit code; empty when the code is not in the classification.
std::string_view landuseTitle(std::string_view code);
bool isLanduseCode(std::string_view code);
// Every class, code and Chinese title, in the classification's order.
std::span<const std::pair<std::string_view, std::string_view>> landuseClasses();

}  // namespace ruralatlas
