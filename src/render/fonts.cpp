#include "fonts.hpp"

#include <QFile>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QRawFont>

#include "core/error.hpp"

namespace ruralatlas::render {

namespace {
constexpr const char* kFamily = "WenQuanYi Zen Hei";
constexpr const char* kFiles[] = {"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"};
}  // namespace

Fonts::Fonts() {
    if (!QGuiApplication::instance()) throw std::logic_error("Fonts need a QGuiApplication");
    if (!QFontDatabase::families().contains(kFamily)) {
        for (const char* f : kFiles)
            if (QFile::exists(f)) QFontDatabase::addApplicationFont(f);
    }
    if (!QFontDatabase::families().contains(kFamily))
        throw DataError({"", "", "", ""}, std::string("the CJK font \"") + kFamily +
                                              "\" is not installed; install it with: apt-get install fonts-wqy-zenhei");
    m_family = kFamily;
    m_probe = QFont(m_family);
    m_probe.setPixelSize(64);
    m_probe.setStyleStrategy(QFont::NoFontMerging);
}

const Fonts& Fonts::instance() {
    static const Fonts fonts;
    return fonts;
}

QFont Fonts::font(double mm, double dpi, bool bold) const {
    QFont f(m_family);
    // Qt resolves point sizes against the paint device's logical DPI, which we set to `dpi`
    // on every device; 1 pt = 1/72 inch.
    (void)dpi;
    f.setPointSizeF(std::max(0.5, mm / 25.4 * 72.0));
    f.setBold(bold);
    f.setStyleStrategy(QFont::StyleStrategy(QFont::NoFontMerging | QFont::PreferAntialias));
    f.setHintingPreference(QFont::PreferNoHinting);
    return f;
}

QString Fonts::missingGlyphs(const QString& text) const {
    const QFontMetricsF fm(m_probe);
    QString missing;
    for (const char32_t cp : text.toUcs4()) {
        if (cp < 0x20 || cp == 0x20 || cp == 0x3000) continue;
        if (!fm.inFontUcs4(cp)) missing += QString::fromUcs4(&cp, 1);
    }
    return missing;
}

QString Fonts::printable(const QString& text) const {
    const QFontMetricsF fm(m_probe);
    QString out;
    for (const char32_t cp : text.toUcs4()) {
        if (cp > 0x20 && cp != 0x3000 && !fm.inFontUcs4(cp))
            out += QChar(0x3013);
        else
            out += QString::fromUcs4(&cp, 1);
    }
    return out;
}

}  // namespace ruralatlas::render
