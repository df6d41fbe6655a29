#include "core/value_text.hpp"

#include <cmath>
#include <cstdlib>

namespace ruralatlas {

namespace {
std::string_view trimmed(std::string_view s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string_view::npos) return {};
    const auto b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}
bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}
}  // namespace

std::optional<double> parseNumberText(std::string_view raw, bool allowPercent) {
    std::string_view s = trimmed(raw);
    bool percent = false;
    if (allowPercent) {
        static constexpr std::string_view kFullWidthPercent = "\xEF\xBC\x85";  // ％
        if (s.size() >= kFullWidthPercent.size() && s.substr(s.size() - kFullWidthPercent.size()) == kFullWidthPercent) {
            percent = true;
            s.remove_suffix(kFullWidthPercent.size());
        } else if (!s.empty() && s.back() == '%') {
            percent = true;
            s.remove_suffix(1);
        }
        if (percent) s = trimmed(s);
    }
    std::string t;
    t.reserve(s.size());
    for (char c : s)
        if (c != ',') t.push_back(c);
    if (t.empty()) return std::nullopt;
    // Decimal numbers only: strtod would also take "inf", "nan" and hexadecimal "0x1p3".
    for (char c : t)
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
    return percent ? v / 100.0 : v;
}

CodeText codeFromText(std::string_view raw) {
    CodeText out;
    const std::string_view s = trimmed(raw);
    if (allDigits(s)) {
        out.digits = std::string(s);
        return out;
    }
    // "433127100201.0", "433127100201.000000" (a DBF numeric field, a float cell).
    if (const auto dot = s.find('.'); dot != std::string_view::npos && dot > 0 && allDigits(s.substr(0, dot)) &&
                                      s.find_first_not_of('0', dot + 1) == std::string_view::npos) {
        out.wasNumber = true;
        out.digits = std::string(s.substr(0, dot));
        return out;
    }
    // Scientific notation: d[.ddd]e[+]NN.
    const auto e = s.find_first_of("eE");
    if (e != std::string_view::npos && e > 0) {
        const std::string_view mant = s.substr(0, e);
        std::string_view ex = s.substr(e + 1);
        if (!ex.empty() && ex[0] == '+') ex.remove_prefix(1);
        const auto dot = mant.find('.');
        const std::string_view whole = mant.substr(0, dot);
        const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : mant.substr(dot + 1);
        if (whole.size() == 1 && allDigits(whole) && whole[0] != '0' && (frac.empty() || allDigits(frac)) && allDigits(ex) &&
            ex.size() <= 2) {
            out.wasNumber = true;
            const int exponent = std::atoi(std::string(ex).c_str());
            std::string sig = std::string(whole) + std::string(frac);
            const std::size_t length = static_cast<std::size_t>(exponent) + 1;  // digits of the number
            while (sig.size() > length && sig.back() == '0') sig.pop_back();
            if (sig.size() > length) {
                out.problem = "'" + std::string(s) + "' is not a whole number";
                return out;
            }
            // Trailing zeros of the significand may be real digits or lost ones: without all
            // the digits written, the code cannot be trusted.
            std::string digitsWritten = std::string(whole) + std::string(frac);
            if (digitsWritten.size() < length) {
                out.problem = "'" + std::string(s) + "' is a code stored as a number in scientific notation: only " +
                              std::to_string(digitsWritten.size()) + " of its " + std::to_string(length) +
                              " digits survive; format the column as text in the source and export it again";
                return out;
            }
            sig.resize(length, '0');
            out.digits = sig;
            return out;
        }
    }
    out.digits = std::string(s);  // not a number form: the code check names what is wrong
    return out;
}

}  // namespace ruralatlas
