// Plausible Chinese place names for the synthetic county (made up from common place-name
// characters of western Hunan; any match with a real place is chance).
#pragma once
#include <string>

#include "io/demo/random.hpp"

namespace ruralatlas::demo {

std::string villageStem(Rng& rng);   // two characters, e.g. 石坪
std::string townshipStem(Rng& rng);  // two characters
std::string riverName(Rng& rng, bool main);
std::string countyStem(Rng& rng);

}  // namespace ruralatlas::demo
