#include "text_encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

namespace ruralatlas {

bool isValidUtf8(std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra;
        unsigned min;
        unsigned cp;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            min = 0x80;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            min = 0x800;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            min = 0x10000;
            cp = c & 0x07;
        } else
            return false;
        for (int k = 1; k <= extra; ++k) {
            if (i + k >= n) return false;
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

bool isValidGb18030(std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c == 0x80 || c == 0xFF || i + 1 >= n) return false;
        const auto d = static_cast<unsigned char>(s[i + 1]);
        if ((d >= 0x40 && d <= 0x7E) || (d >= 0x80 && d <= 0xFE)) {
            i += 2;
            continue;
        }
        if (d >= 0x30 && d <= 0x39) {
            if (i + 3 >= n) return false;
            const auto e = static_cast<unsigned char>(s[i + 2]);
            const auto f = static_cast<unsigned char>(s[i + 3]);
            if (e < 0x81 || e > 0xFE || f < 0x30 || f > 0x39) return false;
            i += 4;
            continue;
        }
        return false;
    }
    return true;
}

TextEncoding detectEncoding(std::string_view bytes) {
    bool ascii = true;
    for (char c : bytes)
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    if (ascii) return TextEncoding::Ascii;
    if (isValidUtf8(bytes)) return TextEncoding::Utf8;
    if (isValidGb18030(bytes)) return TextEncoding::Gb18030;
    return TextEncoding::Latin1;
}

const char* encodingName(TextEncoding encoding) {
    switch (encoding) {
        case TextEncoding::Ascii:
        case TextEncoding::Utf8:
            return "UTF-8";
        case TextEncoding::Gb18030:
            return "GB18030";
        case TextEncoding::Latin1:
            return "ISO-8859-1";
    }
    return "UTF-8";
}

namespace {
std::string convert(std::string_view bytes, const std::string& from, const std::string& to) {
    iconv_t cd = iconv_open(to.c_str(), from.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("unknown text encoding " + from + " or " + to);
    std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
    std::string out;
    out.resize(bytes.size() * 4 + 16);
    char* in = const_cast<char*>(bytes.data());
    std::size_t inLeft = bytes.size();
    char* outPtr = out.data();
    std::size_t outLeft = out.size();
    while (inLeft > 0) {
        if (iconv(cd, &in, &inLeft, &outPtr, &outLeft) == static_cast<std::size_t>(-1)) {
            if (errno == E2BIG) {
                const std::size_t used = out.size() - outLeft;
                out.resize(out.size() * 2);
                outPtr = out.data() + used;
                outLeft = out.size() - used;
                continue;
            }
            throw std::runtime_error("text is not valid " + from + " (byte " + std::to_string(bytes.size() - inLeft) + ")");
        }
    }
    out.resize(out.size() - outLeft);
    return out;
}
}  // namespace

std::string toUtf8(std::string_view bytes, const std::string& fromEncoding) {
    if (fromEncoding == "UTF-8") {
        if (!isValidUtf8(bytes)) throw std::runtime_error("text is not valid UTF-8");
        return std::string(bytes);
    }
    return convert(bytes, fromEncoding, "UTF-8");
}

std::string fromUtf8(std::string_view utf8, const std::string& toEncoding) { return convert(utf8, "UTF-8", toEncoding); }

bool looksLikeMojibake(std::string_view utf8) {
    if (utf8.find("\xEF\xBF\xBD") != std::string_view::npos) return true;  // U+FFFD
    // GBK bytes read as Latin-1 become U+0080..U+00FF: in UTF-8 that is lead byte C2 or C3.
    int latin = 0, cjk = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c == 0xC2 || c == 0xC3)
            ++latin;
        else if (c >= 0xE3 && c <= 0xE9)
            ++cjk;
    }
    return latin >= 2 && latin > cjk;
}

}  // namespace ruralatlas
