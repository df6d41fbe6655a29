// Colour tables a county can replace (render/expression.cpp loadPalette: code,name,colour CSV)
// and colour strings: any file loads or throws DataError; every colour written back as hex
// parses to itself.
#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "render/expression.hpp"

using namespace ruralatlas::render;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::asText(data, size);
    Rgba c;
    if (parseColor(std::string(text), c)) {
        Rgba back;
        if (!parseColor(colorToHex(c), back) || !(back == c)) fuzz::broken("a colour does not survive colorToHex");
    }
    const std::string path = fuzz::writeScratch("palette.csv", text);
    try {
        const auto table = loadPalette(path);
        if (!table) fuzz::broken("a palette loaded as null");
    } catch (const ruralatlas::DataError&) {
    }
    return 0;
}
