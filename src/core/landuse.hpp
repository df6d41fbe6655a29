// Land-use classes of 国土空间调查、规划、用途管制用地用海分类指南 (Ministry of Natural Resources,
// 2023 edition): first- and second-level codes used in village plans. Display colours live in
// styles/, not here.
#pragma once
#include <string_view>

namespace ruralatlas {

// Chinese title of a 2- or 4-digit code; empty when the code is not in the classification.
std::string_view landuseTitle(std::string_view code);
bool isLanduseCode(std::string_view code);

}  // namespace ruralatlas
