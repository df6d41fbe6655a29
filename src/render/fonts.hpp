// The CJK font every map and atlas draws with. WenQuanYi Zen Hei (Debian fonts-wqy-zenhei):
// with Qt 6.4, Noto CJK in a PDF maps many everyday characters to Kangxi radicals in the text
// layer (../shared/PITFALLS.md), WenQuanYi reads back as the same characters.
#pragma once
#include <QFont>
#include <QString>

namespace ruralatlas::render {

class Fonts {
public:
    // Loads the font (needs a QGuiApplication); throws DataError saying which package to
    // install when it is missing.
    static const Fonts& instance();

    const QString& family() const { return m_family; }
    // A font of `mm` millimetres em height at `dpi` dots per inch.
    QFont font(double mm, double dpi, bool bold = false) const;
    // The characters of `text` the font has no glyph for (empty when all are there).
    QString missingGlyphs(const QString& text) const;
    // `text` with every character the font lacks replaced by 〓 (the geta mark printers use
    // for a missing character), so no label ever shows a tofu box.
    QString printable(const QString& text) const;

private:
    Fonts();
    QString m_family;
    QFont m_probe;
};

}  // namespace ruralatlas::render
