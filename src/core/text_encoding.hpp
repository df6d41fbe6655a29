// Detecting and converting the encodings found in Chinese GIS files: UTF-8, and GBK/GB18030 in
// Shapefile DBFs written without a .cpg. Uses iconv from the C library.
#pragma once
#include <string>
#include <string_view>

namespace ruralatlas {

enum class TextEncoding { Ascii, Utf8, Gb18030, Latin1 };

bool isValidUtf8(std::string_view bytes);
// Structural check of GB18030 (a superset of GBK and GB2312): 1, 2 or 4 byte sequences.
bool isValidGb18030(std::string_view bytes);
// What the bytes are: ASCII when all bytes < 0x80; UTF-8 when valid UTF-8; GB18030 when valid
// GB18030 and not UTF-8; Latin1 when neither (a decoding that can never fail).
TextEncoding detectEncoding(std::string_view bytes);
const char* encodingName(TextEncoding encoding);  // iconv / GDAL name: "UTF-8", "GB18030", "ISO-8859-1"

// Converts to UTF-8; throws std::runtime_error on bytes invalid in `fromEncoding`.
std::string toUtf8(std::string_view bytes, const std::string& fromEncoding);
std::string fromUtf8(std::string_view utf8, const std::string& toEncoding);

// True when text looks like the usual mojibake of GBK read as Latin-1/UTF-8 (U+FFFD, or
// runs of Latin-1 letters with diacritics where Chinese was expected).
bool looksLikeMojibake(std::string_view utf8);

}  // namespace ruralatlas
