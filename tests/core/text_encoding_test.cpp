#include "core/text_encoding.hpp"

#include <gtest/gtest.h>

using namespace ruralatlas;

namespace {
// "永顺县芙蓉镇" in GBK, written out byte by byte (independent of iconv).
const std::string kGbk = "\xD3\xC0\xCB\xB3\xCF\xD8\xDC\xBD\xC8\xD8\xD5\xF2";
const std::string kUtf8 = "永顺县芙蓉镇";
}  // namespace

TEST(TextEncoding, DetectsGbkBytes) {
    EXPECT_FALSE(isValidUtf8(kGbk));
    EXPECT_TRUE(isValidGb18030(kGbk));
    EXPECT_EQ(detectEncoding(kGbk), TextEncoding::Gb18030);
}

TEST(TextEncoding, DetectsUtf8AndAscii) {
    EXPECT_EQ(detectEncoding(kUtf8), TextEncoding::Utf8);
    EXPECT_EQ(detectEncoding("Yongshun 433127"), TextEncoding::Ascii);
}

TEST(TextEncoding, ConvertsGbkToUtf8) {
    EXPECT_EQ(toUtf8(kGbk, "GB18030"), kUtf8);
    EXPECT_EQ(fromUtf8(kUtf8, "GB18030"), kGbk);
}

TEST(TextEncoding, RejectsTruncatedSequences) {
    EXPECT_FALSE(isValidUtf8(kUtf8.substr(0, kUtf8.size() - 1)));
    EXPECT_FALSE(isValidGb18030(kGbk.substr(0, kGbk.size() - 1)));
    EXPECT_THROW(toUtf8(kGbk, "UTF-8"), std::runtime_error);
}

TEST(TextEncoding, RecognisesMojibake) {
    // GBK bytes read as Latin-1 and stored as UTF-8: the classic garbled village name.
    std::string latin;
    for (unsigned char c : kGbk) {
        latin += static_cast<char>(0xC0 | (c >> 6));
        latin += static_cast<char>(0x80 | (c & 0x3F));
    }
    EXPECT_TRUE(looksLikeMojibake(latin));
    EXPECT_TRUE(looksLikeMojibake("\xEF\xBF\xBD\xEF\xBF\xBD"));
    EXPECT_FALSE(looksLikeMojibake(kUtf8));
    EXPECT_FALSE(looksLikeMojibake("Café"));
}
