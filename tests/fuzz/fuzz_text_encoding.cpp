// Text-encoding detection and conversion (core/text_encoding.cpp) on any bytes: GBK/GB18030,
// UTF-8, NUL padding, replacement characters, truncated sequences. Invariants: what is detected
// as UTF-8 is valid UTF-8; valid UTF-8 survives a round trip through GB18030 (which encodes
// every code point); conversion from the detected encoding gives valid UTF-8.
#include <stdexcept>

#include "core/text_encoding.hpp"
#include "fuzz_util.hpp"

using namespace ruralatlas;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes = fuzz::asText(data, size);
    const bool utf8 = isValidUtf8(bytes);
    (void)isValidGb18030(bytes);
    const TextEncoding detected = detectEncoding(bytes);
    if ((detected == TextEncoding::Utf8 || detected == TextEncoding::Ascii) && !utf8) fuzz::broken("detected UTF-8 is not valid UTF-8");
    try {
        const std::string converted = toUtf8(bytes, encodingName(detected));
        if (!isValidUtf8(converted)) fuzz::broken("conversion gave invalid UTF-8");
        (void)looksLikeMojibake(converted);
    } catch (const std::runtime_error&) {
        // Refusing text that does not convert is the documented behaviour.
    }
    if (utf8) {
        (void)looksLikeMojibake(bytes);
        try {
            const std::string gb = fromUtf8(bytes, "GB18030");
            if (toUtf8(gb, "GB18030") != bytes) fuzz::broken("UTF-8 -> GB18030 -> UTF-8 changed the text");
        } catch (const std::runtime_error&) {
            fuzz::broken("valid UTF-8 could not be written as GB18030");
        }
    }
    return 0;
}
