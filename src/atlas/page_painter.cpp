#include "atlas/page_painter.hpp"

#include <QDate>
#include <QFontMetricsF>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <map>

#include "atlas/page_blocks.hpp"
#include "core/error.hpp"
#include "core/schema.hpp"
#include "render/fonts.hpp"
#include "render/furniture.hpp"
#include "render/gui_session.hpp"

namespace ruralatlas::atlas {

using render::Box;
using render::Fonts;
using render::MapView;

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QPainterPath ringsPath(const std::vector<std::vector<QPointF>>& rings, const MapView& v) {
    QPainterPath path;
    path.setFillRule(Qt::OddEvenFill);
    for (const auto& ring : rings) {
        if (ring.size() < 3) continue;
        QPolygonF poly;
        poly.reserve(qsizetype(ring.size()));
        for (const auto& pt : ring) poly << v.toDevice(pt.x(), pt.y());
        path.addPolygon(poly);
        path.closeSubpath();
    }
    return path;
}

// Whether `name` matches `pattern`, where each '*' stands for any run of characters; `starred`
// gets how many characters the stars took.
bool globMatch(const std::string& pattern, const std::string& name, std::size_t& starred) {
    std::size_t p = 0, n = 0, starP = std::string::npos, starN = 0;
    starred = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starN = n;
        } else if (p < pattern.size() && pattern[p] == name[n]) {
            ++p;
            ++n;
        } else if (starP != std::string::npos) {
            p = starP + 1;
            n = ++starN;
        } else
            return false;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    if (p != pattern.size()) return false;
    std::size_t literal = 0;
    for (char c : pattern)
        if (c != '*') ++literal;
    starred = name.size() - literal;
    return true;
}

// The result layer a wildcard style source draws: of the names it matches, the one its stars
// stretch least over ("coverage_*" is the main layer, "coverage_*_links" its lines).
const std::string* bestGlobMatch(const std::string& pattern, const std::vector<std::string>& names) {
    const std::string* best = nullptr;
    std::size_t bestStarred = 0;
    for (const std::string& n : names) {
        std::size_t starred = 0;
        if (globMatch(pattern, n, starred) && (!best || starred < bestStarred)) {
            best = &n;
            bestStarred = starred;
        }
    }
    return best;
}

}  // namespace

FrameStyles loadFrameStyles(const Layout& layout, const std::map<std::string, std::vector<std::string>>& frameResults) {
    FrameStyles fs;
    for (const auto& f : layout.frames) {
        if (f.type != FrameType::Map && f.type != FrameType::Overview) {
            fs.styles.push_back(nullptr);
            continue;
        }
        auto style = std::make_unique<render::Style>(render::loadStyles(f.styles));
        const auto results = f.coverage.empty() ? frameResults.end() : frameResults.find(f.coverage);
        if (results != frameResults.end())
            for (auto& l : style->layers)
                if (l.source.find('*') != std::string::npos)
                    if (const std::string* bound = bestGlobMatch(l.source, results->second)) l.source = *bound;
        fs.styles.push_back(std::move(style));
    }
    fs.cover = std::make_unique<render::Style>(render::loadStyle(render::stylesDir() + "/atlas/overview.json"));
    return fs;
}

std::vector<render::LayerRequest> frameRequests(const FrameStyles& styles) {
    std::vector<render::LayerRequest> all;
    for (const auto& s : styles.styles)
        if (s)
            for (auto& r : render::layerRequests(*s)) all.push_back(std::move(r));
    for (auto& r : render::layerRequests(*styles.cover)) all.push_back(std::move(r));
    // What the pages themselves look up: village territories and what each village owns.
    all.push_back({"village_boundaries", {"code"}, false, "", 0});
    all.push_back({"landuse_plan", {"village_code"}, false, "", 0});
    all.push_back({"facilities", {"village_code"}, false, "", 0});
    all.push_back({"county", {}, false, "", 0});
    return all;
}

void bindFrameStyles(const FrameStyles& styles, const render::MapData& data) {
    for (const auto& s : styles.styles)
        if (s) render::bindStyle(*s, data);
    render::bindStyle(*styles.cover, data);
}

struct PagePainter::Impl {
    const Layout& layout;
    const FrameStyles& styles;
    std::shared_ptr<const render::MapData> data;
    const AtlasData& atlas;
    std::vector<std::unique_ptr<render::MapRenderer>> renderers;  // per frame
    std::unique_ptr<render::MapRenderer> coverRenderer;
    std::map<std::string, Box> villageOwn;        // village code -> box of its parcels and facilities
    std::map<std::string, size_t> boundaryIndex;  // village code -> feature in village_boundaries
    std::map<int, double> northCache;             // not used across pages: angle per page is cheap enough

    struct MapDone {
        MapView view;
        render::RenderReport report;
        const render::MapRenderer* renderer = nullptr;
    };

    // Where a page's map looks and what it highlights (world coordinates).
    struct Focus {
        Box box;
        std::vector<std::vector<QPointF>> rings;  // polygon to highlight
        double radius = 0;                        // or a circle around `centre`
        QPointF centre;
    };

    Focus focusOf(const PageFeature& page, const Frame& frame) const {
        Focus f;
        f.centre = page.point;
        if (!page.located) {  // the township instead; nothing to highlight
            f.box = page.bbox;
            return f;
        }
        if (!page.rings.empty()) {
            f.rings = page.rings;
            f.box = page.bbox;
            return f;
        }
        if (atlas.kind == PageKind::Villages) {
            if (auto it = boundaryIndex.find(page.code); it != boundaryIndex.end()) {
                const render::FeatureLayer* b = data->find("village_boundaries");
                const size_t i = it->second;
                for (size_t part = b->partBegin(i); part < b->partEnd(i); ++part) {
                    std::vector<QPointF> ring;
                    for (size_t k = b->pointBegin(part); k < b->pointEnd(part); ++k) ring.emplace_back(b->xy()[2 * k], b->xy()[2 * k + 1]);
                    f.rings.push_back(std::move(ring));
                }
                f.box = b->bbox(i);
                return f;
            }
        }
        double r = frame.radiusM;
        if (r <= 0) {
            r = atlas.kind == PageKind::Villages ? 1200 : 1000;
            if (auto it = villageOwn.find(page.code); it != villageOwn.end() && it->second.valid()) {
                const Box& o = it->second;
                double far = 0;
                for (double x : {o.minx, o.maxx})
                    for (double y : {o.miny, o.maxy}) far = std::max(far, std::hypot(x - page.point.x(), y - page.point.y()));
                r = std::clamp(far * 1.1, 600.0, 3000.0);
            }
        }
        f.radius = r;
        f.box = {page.point.x() - r, page.point.y() - r, page.point.x() + r, page.point.y() + r};
        return f;
    }

    MapDone drawMapFrame(QPainter& p, const Frame& frame, size_t frameIndex, const PageFeature& page, double dpi, bool vector) {
        const double mm = dpi / 25.4;
        const QRectF rect(frame.rectMm.x() * mm, frame.rectMm.y() * mm, frame.rectMm.width() * mm, frame.rectMm.height() * mm);
        MapDone done;
        done.renderer = renderers[frameIndex].get();
        const Focus focus = focusOf(page, frame);
        done.view.target = rect;
        done.view.dpi = dpi;
        done.view.vector = vector;
        done.view.extent = render::fitExtent(focus.box, rect, frame.margin);
        // Labels keep clear of the furniture placed over this map.
        for (const auto& f : layout.frames)
            if ((f.type == FrameType::ScaleBar || f.type == FrameType::North || f.type == FrameType::Legend ||
                 f.type == FrameType::Overview) &&
                (f.map == frame.id || f.type == FrameType::Overview)) {
                const QRectF r(f.rectMm.x() * mm, f.rectMm.y() * mm, f.rectMm.width() * mm, f.rectMm.height() * mm);
                if (r.intersects(rect)) done.view.keepClear.push_back(r);
            }
        // What the project says is approximated about what this map draws, under the page's
        // own note (no location, no territory) when it has one.
        const bool pageNote = !page.located || (frame.highlight && focus.rings.empty() && atlas.kind == PageKind::Villages);
        const double notesTop = rect.top() + (pageNote ? 7 * mm : 0);
        // (Not in small frames: the page's main map says it, and a small map would be covered.)
        const QStringList notes = frame.rectMm.width() >= 70 ? done.renderer->dataNotes(done.view) : QStringList();
        if (!notes.isEmpty()) done.view.keepClear.push_back(render::drawDataNotes(p, rect, notes, dpi, notesTop, true));
        p.save();
        p.setClipRect(rect);
        p.fillRect(rect, Qt::white);
        done.report = done.renderer->render(p, done.view);
        done.report.notes = notes;
        if (!page.located) {
            const QString note = QStringLiteral("未采集位置：图示为所在乡镇%1").arg(qs(page.townshipName));
            drawTextBox(p, QRectF(rect.left() + 2 * mm, rect.top() + 2 * mm, rect.width() - 4 * mm, 6 * mm), note, 3, true,
                        Qt::AlignLeft | Qt::AlignVCenter, QColor(0xc6, 0x28, 0x28), dpi, false);
        } else if (frame.highlight && focus.rings.empty() && atlas.kind == PageKind::Villages) {
            // No surveyed territory: the surroundings at the usual scale and nothing drawn that
            // could pass for a boundary; the page says so.
            const QString note = QStringLiteral("村界未录入：图示为村委会驻地周边");
            drawTextBox(p, QRectF(rect.left() + 2 * mm, rect.top() + 2 * mm, rect.width() - 4 * mm, 6 * mm), note, 3, true,
                        Qt::AlignLeft | Qt::AlignVCenter, QColor(0x45, 0x5a, 0x64), dpi, false);
        } else if (frame.highlight) {
            QPainterPath hole;
            if (!focus.rings.empty())
                hole = ringsPath(focus.rings, done.view);
            else {
                const QPointF c = done.view.toDevice(focus.centre.x(), focus.centre.y());
                const double rp = focus.radius * done.view.pxPerMetre();
                hole.addEllipse(c, rp, rp);
            }
            if (frame.dim > 0) {
                QPainterPath veil;
                veil.setFillRule(Qt::OddEvenFill);
                veil.addRect(rect.adjusted(-2, -2, 2, 2));
                veil.addPath(hole);
                p.setPen(Qt::NoPen);
                p.setBrush(QColor(255, 255, 255, int(std::lround(frame.dim * 255))));
                p.drawPath(veil);
            }
            p.setBrush(Qt::NoBrush);
            p.setRenderHint(QPainter::Antialiasing, true);
            p.setPen(QPen(QColor(255, 255, 255, 220), 1.3 * mm, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.drawPath(hole);
            QPen pen(QColor(0xd8, 0x1b, 0x60), 0.6 * mm, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
            if (focus.rings.empty()) pen.setDashPattern({4, 2});
            p.setPen(pen);
            p.drawPath(hole);
        }
        render::drawDataNotes(p, rect, notes, dpi, notesTop);
        p.restore();
        if (frame.frameBorder) {
            p.save();
            p.setPen(QPen(Qt::black, std::max(1.0, 0.25 * mm)));
            p.setBrush(Qt::NoBrush);
            p.drawRect(rect);
            p.restore();
        }
        return done;
    }

    void drawOverview(QPainter& p, const render::MapRenderer& r, const QRectF& rect, double margin, const PageFeature* page,
                      const MapView* mainView, double dpi, bool vector, bool border) {
        const double mm = dpi / 25.4;
        MapView v;
        v.target = rect;
        v.dpi = dpi;
        v.vector = vector;
        Box county = data->extent();
        v.extent = render::fitExtent(county, rect, margin);
        p.save();
        p.setClipRect(rect);
        p.fillRect(rect, Qt::white);
        r.render(p, v);
        p.setRenderHint(QPainter::Antialiasing, true);
        const QColor accent(0xd8, 0x1b, 0x60);
        if (page && page->located) {
            if (!page->rings.empty()) {
                p.setPen(QPen(accent, 0.3 * mm));
                p.setBrush(QColor(0xd8, 0x1b, 0x60, 140));
                p.drawPath(ringsPath(page->rings, v));
            } else {
                p.setPen(QPen(Qt::white, 0.3 * mm));
                p.setBrush(accent);
                p.drawEllipse(v.toDevice(page->point.x(), page->point.y()), 1.3 * mm, 1.3 * mm);
            }
        }
        if (mainView) {
            const QPointF a = v.toDevice(mainView->extent.minx, mainView->extent.maxy),
                          b = v.toDevice(mainView->extent.maxx, mainView->extent.miny);
            QRectF box(a, b);
            if (box.width() < 2 * mm) box = QRectF(box.center() - QPointF(mm, mm), QSizeF(2 * mm, 2 * mm));
            p.setPen(QPen(accent, 0.35 * mm));
            p.setBrush(Qt::NoBrush);
            p.drawRect(box);
        }
        p.restore();
        if (border) {
            p.save();
            p.setPen(QPen(Qt::black, std::max(1.0, 0.2 * mm)));
            p.drawRect(rect);
            p.restore();
        }
    }

    QString expand(const std::string& text, const PageFeature& page, int pageNumber) const {
        std::string out;
        size_t pos = 0;
        while (pos < text.size()) {
            const size_t open = text.find('{', pos);
            if (open == std::string::npos) {
                out += text.substr(pos);
                break;
            }
            const size_t close = text.find('}', open);
            if (close == std::string::npos) {
                out += text.substr(pos);
                break;
            }
            out += text.substr(pos, open - pos);
            const std::string field = text.substr(open + 1, close - open - 1);
            out += field == "page" ? std::to_string(pageNumber) : atlas.format(page, field);
            pos = close + 1;
        }
        return qs(out);
    }

    QString footerText(const Frame& f, const PageFeature* page, int pageNumber) const {
        QString t;
        if (!f.text.empty() && page)
            t = expand(f.text, *page, pageNumber);
        else
            t = QStringLiteral("%1  数据日期：%2  坐标系：CGCS2000 / 3度带高斯-克吕格投影（EPSG:%3）  RuralAtlas 制图")
                    .arg(qs(atlas.countyName), qs(atlas.dataDate))
                    .arg(data->epsg());
        if (atlas.synthetic) t += QStringLiteral("  【合成演示数据，非真实数据】");
        return t;
    }

    analysis::SectionPage sectionPage(const PageFeature& page) const {
        analysis::SectionPage sp;
        sp.kind = pageKindName(atlas.kind);
        sp.code = page.code;
        sp.name = page.name;
        sp.townshipCode = page.townshipCode;
        if (atlas.kind == PageKind::Townships || atlas.kind == PageKind::County)
            for (const VillageInfo* v : atlas.villagesOf(page.code)) sp.villageCodes.push_back(v->code);
        return sp;
    }

    // What a plugin section gives for this page, as a chart to draw.
    std::pair<Chart, QString> sectionChart(const analysis::AtlasSection& section, const PageFeature& page) const {
        const analysis::SectionTable st = section.table(sectionPage(page));
        Chart c;
        c.bars = st.chart.kind == analysis::SectionChart::Kind::Bars;
        for (const auto& x : st.chart.categories) c.categories.push_back(qs(x));
        for (const auto& s : st.chart.series) c.series.emplace_back(qs(s.name), s.values);
        c.unit = qs(st.chart.unit);
        return {c, qs(st.empty)};
    }

    // What a plugin section gives for this page, as a table to draw.
    Table sectionTable(const analysis::AtlasSection& section, const Frame& f, const PageFeature& page) const {
        const analysis::SectionTable st = section.table(sectionPage(page));
        Table t;
        t.title = qs(f.title);
        for (const auto& h : st.header) t.header.push_back(qs(h));
        t.widths = st.widths;
        for (const auto a : st.align)
            t.align.push_back(a == analysis::SectionAlign::Right    ? int(Qt::AlignRight)
                              : a == analysis::SectionAlign::Center ? int(Qt::AlignHCenter)
                                                                    : int(Qt::AlignLeft));
        for (const auto& row : st.rows) {
            std::vector<QString> r;
            for (const auto& c : row) r.push_back(qs(c));
            t.rows.push_back(std::move(r));
        }
        t.empty = qs(st.empty);
        t.paragraphs = st.paragraphs;
        return t;
    }

    Table tableFor(const Frame& f, const PageFeature& page) const {
        if (auto it = atlas.sections.find(f.source); it != atlas.sections.end()) return sectionTable(*it->second, f, page);
        Table t;
        t.title = qs(f.title);
        const LayerDef* def = findLayer(pageKindLayer(atlas.kind));
        const int L = Qt::AlignLeft, R = Qt::AlignRight, C = Qt::AlignHCenter;
        if (f.source == "figures") {
            // Two field/value pairs per row when the frame is wide enough.
            const bool twoUp = f.rectMm.width() >= 110;
            t.header = {};
            t.widths = twoUp ? std::vector<double>{1.7, 0.8, 1.7, 0.8} : std::vector<double>{1.6, 1};
            t.align = twoUp ? std::vector<int>{L, R, L, R} : std::vector<int>{L, R};
            std::vector<QString> row;
            for (const auto& field : f.fields) {
                QString title = qs(field);
                if (def)
                    if (const FieldDef* fd = def->field(field)) title = qs(std::string(fd->titleZh));
                if (field == "township_name") title = QStringLiteral("所属乡镇");
                if (field == "county_name") title = QStringLiteral("县");
                if (field == "host_village_name") title = QStringLiteral("所在村");
                if (atlas.kind == PageKind::Townships || atlas.kind == PageKind::County) {
                    static const std::map<std::string, QString> totals = {
                        {"village_count", QStringLiteral("行政村数")},   {"former_poor_villages", QStringLiteral("脱贫村数")},
                        {"population", QStringLiteral("户籍人口")},      {"households", QStringLiteral("户数")},
                        {"poor_households", QStringLiteral("脱贫户数")}, {"monitored_households", QStringLiteral("监测户数")}};
                    if (auto it = totals.find(field); it != totals.end()) title = it->second;
                }
                row.push_back(title);
                row.push_back(qs(atlas.format(page, field)));
                if (row.size() == t.widths.size()) {
                    t.rows.push_back(row);
                    row.clear();
                }
            }
            if (!row.empty()) {
                row.resize(t.widths.size());
                t.rows.push_back(row);
            }
        } else if (f.source == "industry") {
            std::vector<IndustryRow> rows;
            if (atlas.kind == PageKind::Villages) {
                if (auto it = atlas.industry.find(page.code); it != atlas.industry.end()) rows = it->second;
                t.header = {QStringLiteral("项目名称"), QStringLiteral("产业"), QStringLiteral("状态"), QStringLiteral("投资(万元)"),
                            QStringLiteral("带动本村户数")};
            } else {
                std::map<std::string, IndustryRow> unique;
                for (const VillageInfo* v : atlas.villagesOf(page.code))
                    if (auto it = atlas.industry.find(v->code); it != atlas.industry.end())
                        for (const auto& r : it->second) {
                            auto [u, fresh] = unique.emplace(r.id, r);
                            if (!fresh && r.households >= 0)
                                u->second.households = std::max<long long>(0, u->second.households) + r.households;
                        }
                for (auto& [id, r] : unique) rows.push_back(r);
                t.header = {QStringLiteral("项目名称"), QStringLiteral("产业"), QStringLiteral("状态"), QStringLiteral("投资(万元)"),
                            atlas.kind == PageKind::County ? QStringLiteral("带动本县户数") : QStringLiteral("带动本乡镇户数")};
            }
            std::stable_sort(rows.begin(), rows.end(), [](const IndustryRow& a, const IndustryRow& b) {
                return (std::isnan(a.investment) ? -1 : a.investment) > (std::isnan(b.investment) ? -1 : b.investment);
            });
            t.widths = {2.4, 1, 0.8, 1, 1.2};
            t.align = {L, L, C, R, R};
            for (const auto& r : rows)
                t.rows.push_back({qs(r.name), qs(r.sector), qs(r.status), number(r.investment, 0), qs(householdsText(r.households))});
            t.empty = QStringLiteral("暂无带动项目");
        } else if (f.source == "relocations") {
            t.header = {QStringLiteral("迁出村"), QStringLiteral("乡镇"), QStringLiteral("户数"), QStringLiteral("人数"),
                        QStringLiteral("年份")};
            t.widths = {1.6, 1.4, 0.8, 0.8, 0.8};
            t.align = {L, L, R, R, C};
            if (auto it = atlas.relocations.find(page.code); it != atlas.relocations.end())
                for (const auto& r : it->second) {
                    // A group of fewer than 5 households: its people count would identify them too.
                    const bool small = r.households >= 0 && r.households < kMinHouseholdsShown;
                    t.rows.push_back({qs(r.villageName.empty() ? r.villageCode : r.villageName), qs(r.townshipName),
                                      qs(householdsText(r.households)),
                                      small          ? QStringLiteral("—")
                                      : r.people < 0 ? QStringLiteral("—")
                                                     : qs(groupDigits(r.people)),
                                      r.year < 0 ? QStringLiteral("—") : QString::number(r.year)});
                }
            t.empty = QStringLiteral("无搬迁来源记录");
        }
        return t;
    }
};

PagePainter::PagePainter(const Layout& layout, const FrameStyles& styles, std::shared_ptr<const render::MapData> data,
                         const AtlasData& atlas)
    : m(std::make_unique<Impl>(Impl{layout, styles, std::move(data), atlas, {}, nullptr, {}, {}, {}})) {
    for (const auto& s : styles.styles) m->renderers.push_back(s ? std::make_unique<render::MapRenderer>(*s, m->data) : nullptr);
    m->coverRenderer = std::make_unique<render::MapRenderer>(*styles.cover, m->data);
    if (atlas.kind == PageKind::Villages) {
        if (const render::FeatureLayer* b = m->data->find("village_boundaries")) {
            const int c = b->column("code");
            for (size_t i = 0; c >= 0 && i < b->size(); ++i) m->boundaryIndex[render::valueToString(b->row(i).get(c))] = i;
        }
        for (const char* src : {"landuse_plan", "facilities"})
            if (const render::FeatureLayer* l = m->data->find(src)) {
                const int c = l->column("village_code");
                for (size_t i = 0; c >= 0 && i < l->size(); ++i) {
                    const std::string code = render::valueToString(l->row(i).get(c));
                    if (code.empty()) continue;
                    auto [it, fresh] = m->villageOwn.emplace(code, l->bbox(i));
                    if (!fresh) it->second.include(l->bbox(i));
                }
            }
    }
}

PagePainter::~PagePainter() = default;

QStringList PagePainter::drawFeaturePage(QPainter& p, size_t index, int pageNumber, QSizeF pagePx, double dpi, bool vector) {
    const PageFeature& page = m->atlas.pages[index];
    const Layout& layout = m->layout;
    const double mm = dpi / 25.4;
    QStringList warnings;
    p.fillRect(QRectF(QPointF(0, 0), pagePx), Qt::white);
    std::map<std::string, Impl::MapDone> maps;
    const auto rectOf = [&](const Frame& f) {
        return QRectF(f.rectMm.x() * mm, f.rectMm.y() * mm, f.rectMm.width() * mm, f.rectMm.height() * mm);
    };
    // Boxes first (backgrounds), then maps, then everything drawn over or beside them.
    for (const auto& f : layout.frames)
        if (f.type == FrameType::Box) {
            p.save();
            p.setPen(f.frameBorder ? QPen(f.color, 0.3 * mm) : Qt::NoPen);
            p.setBrush(f.fill.isValid() ? QBrush(f.fill) : Qt::NoBrush);
            p.drawRect(rectOf(f));
            p.restore();
        }
    for (size_t i = 0; i < layout.frames.size(); ++i) {
        const Frame& f = layout.frames[i];
        if (f.type != FrameType::Map) continue;
        auto done = m->drawMapFrame(p, f, i, page, dpi, vector);
        for (const auto& w : done.report.warnings) warnings << w;
        maps.emplace(f.id, std::move(done));
    }
    const Impl::MapDone* firstMap = nullptr;
    for (const auto& f : layout.frames)
        if (f.type == FrameType::Map) {
            firstMap = &maps.at(f.id);
            break;
        }
    for (size_t i = 0; i < layout.frames.size(); ++i) {
        const Frame& f = layout.frames[i];
        const QRectF r = rectOf(f);
        switch (f.type) {
            case FrameType::Map:
            case FrameType::Box:
                break;
            case FrameType::Overview:
                m->drawOverview(p, *m->renderers[i], r, f.margin, f.highlight ? &page : nullptr, firstMap ? &firstMap->view : nullptr, dpi,
                                vector, f.frameBorder);
                break;
            case FrameType::Text:
                drawTextBox(p, r, m->expand(f.text, page, pageNumber), f.sizeMm, f.bold, f.align, f.color, dpi);
                break;
            case FrameType::PageNumber:
                drawTextBox(p, r, m->expand(f.text, page, pageNumber), f.sizeMm, f.bold, f.align, f.color, dpi, false);
                break;
            case FrameType::Footer:
                drawTextBox(p, r, m->footerText(f, &page, pageNumber), f.sizeMm, f.bold, f.align, f.color, dpi);
                break;
            case FrameType::Legend: {
                const auto& md = maps.at(f.map);
                drawFittedLegend(p, *md.renderer, md.report, r, dpi, vector);
                break;
            }
            case FrameType::ScaleBar: {
                const auto& md = maps.at(f.map);
                render::drawScaleBar(p, md.view, QPointF(r.left(), r.bottom() - 1 * mm), std::max(10.0, f.rectMm.width() - 12));
                break;
            }
            case FrameType::North: {
                const auto& md = maps.at(f.map);
                const double size = std::min(f.rectMm.width(), f.rectMm.height());
                render::drawNorthArrow(p, r.center(), size, dpi, render::trueNorthAngle(md.view, m->data->epsg()));
                break;
            }
            case FrameType::Table: {
                const Table t = m->tableFor(f, page);
                if (t.paragraphs) {
                    std::vector<QString> items;
                    for (const auto& row : t.rows)
                        if (!row.empty()) items.push_back(row.front());
                    drawParagraphs(p, r, t.title, items, t.empty, f.sizeMm, dpi);
                } else {
                    drawTable(p, r, t, f.sizeMm, dpi, f.maxRows);
                }
            } break;
            case FrameType::Chart: {
                if (auto it = m->atlas.sections.find(f.source); it != m->atlas.sections.end()) {
                    const auto [chart, empty] = m->sectionChart(*it->second, page);
                    drawChart(p, r, qs(f.title), chart, empty, f.sizeMm, dpi);
                    break;
                }
                std::map<std::string, long long> counts;
                bool withheld = false;  // a sum without some villages' groups under 5 households
                if (m->atlas.kind == PageKind::Villages) {
                    if (auto it = m->atlas.hardship.find(page.code); it != m->atlas.hardship.end()) counts = it->second;
                    // Groups the server withheld hold 1-4 households: shown as "<5".
                    if (auto it = m->atlas.hardshipWithheld.find(page.code); it != m->atlas.hardshipWithheld.end())
                        for (const std::string& c : it->second) counts[c] = 1;
                } else {
                    for (const VillageInfo* v : m->atlas.villagesOf(page.code)) {
                        if (auto it = m->atlas.hardship.find(v->code); it != m->atlas.hardship.end())
                            for (const auto& [c, n] : it->second) counts[c] += n;
                        if (auto it = m->atlas.hardshipWithheld.find(v->code); it != m->atlas.hardshipWithheld.end()) {
                            withheld = true;
                            for (const std::string& c : it->second) counts.emplace(c, 0);
                        }
                    }
                }
                std::vector<std::pair<QString, long long>> bars;
                if (!counts.empty())
                    if (const Enumeration* e = findEnumeration("household_cause"))
                        for (const auto& v : e->values)
                            bars.emplace_back(qs(std::string(v.titleZh)),
                                              counts.count(std::string(v.code)) ? counts[std::string(v.code)] : 0);
                drawHouseholdBars(p, r, qs(f.title), bars, f.sizeMm, dpi, withheld);
                break;
            }
        }
    }
    return warnings;
}

void PagePainter::drawCover(QPainter& p, const QString& title, int featurePages, QSizeF pagePx, double dpi, bool vector,
                            const QStringList& maps) {
    const double mm = dpi / 25.4;
    const Layout& L = m->layout;
    p.fillRect(QRectF(QPointF(0, 0), pagePx), Qt::white);
    const double left = L.marginsMm[3] * mm, right = pagePx.width() - L.marginsMm[1] * mm, top = L.marginsMm[0] * mm,
                 bottom = pagePx.height() - L.marginsMm[2] * mm;
    const double w = right - left;
    p.fillRect(QRectF(left, top, w, 2.5 * mm), QColor(0x1a, 0x3c, 0x6e));
    const double titleSize = L.landscape ? 13 : 10;
    drawTextBox(p, QRectF(left, top + 10 * mm, w, titleSize * 2.2 * mm), title, titleSize, true, Qt::AlignHCenter | Qt::AlignVCenter,
                QColor(0x1a, 0x3c, 0x6e), dpi);
    const double mapTop = top + 10 * mm + titleSize * 2.6 * mm;
    const double mapBottom = bottom - 42 * mm;
    const QRectF mapRect(left + w * 0.1, mapTop, w * 0.8, mapBottom - mapTop);
    m->drawOverview(p, *m->coverRenderer, mapRect, 0.04, nullptr, nullptr, dpi, vector, false);
    // Every page's feature on the county map.
    MapView v;
    v.target = mapRect;
    v.dpi = dpi;
    v.extent = render::fitExtent(m->data->extent(), mapRect, 0.04);
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setClipRect(mapRect);
    for (const auto& page : m->atlas.pages) {
        if (!page.located) continue;
        if (!page.rings.empty()) {
            p.setPen(QPen(QColor(0xd8, 0x1b, 0x60), 0.25 * mm));
            p.setBrush(QColor(0xd8, 0x1b, 0x60, 40));
            p.drawPath(ringsPath(page.rings, v));
        } else {
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0xd8, 0x1b, 0x60));
            p.drawEllipse(v.toDevice(page.point.x(), page.point.y()), 0.7 * mm, 0.7 * mm);
        }
    }
    render::drawDataNotes(p, mapRect, m->coverRenderer->dataNotes(v), dpi, mapRect.top());
    p.restore();
    const QString kindWord = m->atlas.kind == PageKind::Villages    ? QStringLiteral("村")
                             : m->atlas.kind == PageKind::Townships ? QStringLiteral("乡镇")
                             : m->atlas.kind == PageKind::County    ? QStringLiteral("县")
                                                                    : QStringLiteral("安置点");
    QStringList lines;
    if (maps.size() > 1)
        lines << QStringLiteral("共 %1 个%2，每%2 %3 幅图：%4")
                     .arg(featurePages)
                     .arg(kindWord)
                     .arg(maps.size())
                     .arg(maps.join(QStringLiteral("、")));
    else
        lines << QStringLiteral("共 %1 个%2，每%2一页").arg(featurePages).arg(kindWord);
    lines << QStringLiteral("数据日期：%1    坐标系：CGCS2000 / 3度带高斯-克吕格投影（EPSG:%2）")
                 .arg(qs(m->atlas.dataDate))
                 .arg(m->data->epsg());
    lines << QStringLiteral("制图：RuralAtlas    生成日期：%1").arg(QDate::currentDate().toString(QStringLiteral("yyyy年M月d日")));
    drawTextBox(p, QRectF(left, mapBottom + 6 * mm, w, 22 * mm), lines.join('\n'), 3.6, false, Qt::AlignHCenter | Qt::AlignTop, Qt::black,
                dpi);
    if (m->atlas.synthetic)
        drawTextBox(p, QRectF(left, bottom - 12 * mm, w, 8 * mm), QStringLiteral("【合成演示数据，非真实数据，不得用于实际决策】"), 4, true,
                    Qt::AlignHCenter | Qt::AlignVCenter, QColor(0xc6, 0x28, 0x28), dpi);
    p.fillRect(QRectF(left, bottom - 2.5 * mm, w, 2.5 * mm), QColor(0x1a, 0x3c, 0x6e));
}

int PagePainter::contentsLinesPerPage() const {
    const Layout& L = m->layout;
    const double usable = L.pageMm.height() - L.marginsMm[0] - L.marginsMm[2] - 22 /* heading */ - 10 /* footer */;
    return std::max(5, int(usable / 6.0));
}

std::vector<std::pair<QRectF, int>> PagePainter::drawContents(QPainter& p, const std::vector<ContentsLine>& lines, size_t first,
                                                              size_t last, int n, int total, QSizeF pagePx, double dpi) {
    const double mm = dpi / 25.4;
    const Layout& L = m->layout;
    p.fillRect(QRectF(QPointF(0, 0), pagePx), Qt::white);
    const double left = L.marginsMm[3], right = L.pageMm.width() - L.marginsMm[1], top = L.marginsMm[0];
    const double w = right - left;
    drawTextBox(p, QRectF(left * mm, top * mm, w * mm, 14 * mm),
                total > 1 ? QStringLiteral("目  录（%1/%2）").arg(n).arg(total) : QStringLiteral("目  录"), 7, true,
                Qt::AlignHCenter | Qt::AlignVCenter, QColor(0x1a, 0x3c, 0x6e), dpi);
    const Fonts& fonts = Fonts::instance();
    const QFont font = fonts.font(3.2, dpi), bold = fonts.font(3.4, dpi, true);
    const QFontMetricsF fm(font, p.device());
    std::vector<std::pair<QRectF, int>> links;
    double y = top + 22;
    p.save();
    for (size_t i = first; i < last && i < lines.size(); ++i) {
        const ContentsLine& line = lines[i];
        const QRectF r(left * mm, y * mm, w * mm, 6 * mm);
        if (line.heading) {
            p.setFont(bold);
            p.setPen(QColor(0x1a, 0x3c, 0x6e));
            p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, fonts.printable(line.text));
        } else {
            p.setFont(font);
            p.setPen(Qt::black);
            const QString text = fonts.printable(line.text);
            const QString num = QString::number(line.page);
            const double indent = 6 * mm;
            p.drawText(r.adjusted(indent, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
            p.drawText(r, Qt::AlignRight | Qt::AlignVCenter, num);
            // Dot leader between the name and the page number.
            const double x0 = r.left() + indent + fm.horizontalAdvance(text) + 2 * mm, x1 = r.right() - fm.horizontalAdvance(num) - 2 * mm;
            p.setPen(QPen(QColor(0x90, 0x90, 0x90), 0.25 * mm, Qt::DotLine));
            if (x1 > x0) p.drawLine(QPointF(x0, r.center().y() + fm.descent()), QPointF(x1, r.center().y() + fm.descent()));
            links.emplace_back(QRectF(left, y, w, 6), line.page - 1);
        }
        y += 6;
    }
    p.restore();
    Frame footer;
    footer.type = FrameType::Footer;
    drawTextBox(p, QRectF(left * mm, (L.pageMm.height() - L.marginsMm[2] - 6) * mm, w * mm, 6 * mm), m->footerText(footer, nullptr, 0), 2.4,
                false, Qt::AlignLeft | Qt::AlignVCenter, Qt::black, dpi);
    return links;
}

}  // namespace ruralatlas::atlas
