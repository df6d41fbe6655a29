#include "atlas/atlas.hpp"

#include <unistd.h>

#include <QImage>
#include <QImageWriter>
#include <QPageSize>
#include <QPdfWriter>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "atlas/atlas_data.hpp"
#include "atlas/page_painter.hpp"
#include "atlas/pdf_book.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/json_value.hpp"
#include "render/fonts.hpp"

namespace ruralatlas::atlas {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A private folder for the analysis results and PDF parts, removed afterwards.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        m_path = fs::temp_directory_path() / ("ruralatlas-atlas-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000));
        fs::create_directories(m_path);
    }
    ~TempDir() {
        if (std::getenv("RURALATLAS_KEEP_TEMP")) {
            std::fprintf(stderr, "ruralatlas: kept %s\n", m_path.c_str());
            return;
        }
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

std::string expandBookTitle(const std::string& t, const AtlasData& d) {
    std::string out = t;
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"{county_name}", d.countyName}, {"{data_date}", d.dataDate}}) {
        for (size_t pos; (pos = out.find(key)) != std::string::npos;) out.replace(pos, key.size(), value);
    }
    return out;
}

// A template's map title for the outline: its name without the set's prefix and the paper
// ("村庄规划图件：管控边界图（A3 横版）" -> "管控边界图").
QString mapTitle(const Layout& layout) {
    QString t = QString::fromStdString(layout.name.empty() ? fs::path(layout.file).stem().string() : layout.name);
    if (const auto colon = t.indexOf(QStringLiteral("：")); colon >= 0) t = t.mid(colon + 1);
    if (const auto paren = t.indexOf(QStringLiteral("（")); paren > 0) t = t.left(paren);
    return t;
}

struct Job {
    bool front = false;
    size_t first = 0, count = 0;  // feature pages [first, first + count)
    std::string part;
};

}  // namespace

// Long on purpose: pagination (contents, outline), the page jobs drawn on every core, and the
// binding share the page numbering; the pages themselves are PagePainter's.
AtlasReport printAtlas(const AtlasPlan& plan, const AtlasOptions& options, Feedback& feedback) {
    return printAtlas(std::vector<const AtlasPlan*>{&plan}, options, feedback);
}

std::vector<std::string> expandLayoutSet(const std::string& path, std::string* bookTitle) {
    const JsonValue root = readJsonFile(path);
    const JsonValue* list = root.isObject() ? root.find("templates") : nullptr;
    if (!list) return {path};
    if (!list->isArray() || list->array().empty())
        throw DataError({path, "", "", "templates"}, "\"templates\" must be a list of template files");
    std::vector<std::string> out;
    for (const JsonValue& t : list->array()) {
        if (!t.isString() || t.string().empty())
            throw DataError({path, "", "", "templates"}, "\"templates\" holds file names (line " + std::to_string(t.line()) + ")");
        fs::path f(t.string());
        if (f.is_relative()) f = fs::path(path).parent_path() / f;
        if (!fs::exists(f)) throw DataError({path, "", "", "templates"}, "template " + f.string() + " not found");
        out.push_back(f.string());
    }
    if (bookTitle)
        if (const JsonValue* b = root.find("book_title"); b && b->isString()) *bookTitle = b->string();
    return out;
}

// Long on purpose: see the single-plan overload above.
AtlasReport printAtlas(const std::vector<const AtlasPlan*>& plans, const AtlasOptions& options, Feedback& feedback) {
    const auto t0 = Clock::now();
    if (plans.empty()) throw UsageError("an atlas needs a template");
    const AtlasPlan& plan = *plans.front();
    const int L = int(plans.size());
    for (const AtlasPlan* q : plans)
        if (q->atlas.pages.size() != plan.atlas.pages.size() || q->layout.pageMm != plan.layout.pageMm)
            throw DataError({q->layout.file, "", "", "paper"},
                            "the templates of a map set must print the same pages on the same paper as " + plan.layout.file);
    AtlasReport report;
    if (extensionOf(options.out) != "pdf") throw UsageError("--out: an atlas is written as .pdf");
    render::Fonts::instance();  // before any worker thread: loads the font once
    TempDir tmp;
    const Layout& layout = plan.layout;
    const FrameStyles& styles = plan.styles;
    const std::shared_ptr<const render::MapData>& data = plan.data;
    const AtlasData& atlas = plan.atlas;
    if (!atlas.unlocated.empty()) {
        QString list;
        for (size_t i = 0; i < atlas.unlocated.size() && i < 10; ++i) list += (i ? ", " : "") + QString::fromStdString(atlas.unlocated[i]);
        if (atlas.unlocated.size() > 10) list += QStringLiteral(" …");
        report.warnings << QStringLiteral("%1 %2 have no location; their pages show their township: %3")
                               .arg(atlas.unlocated.size())
                               .arg(QString::fromStdString(pageKindLayer(options.by)), list);
    }
    if (atlas.pages.empty())
        throw DataError({options.project, pageKindLayer(options.by), "", ""}, options.where.empty()
                                                                                  ? "the layer has no features: nothing to print"
                                                                                  : "no feature matches --where \"" + options.where + "\"");

    // Pagination: cover, contents, then one page per feature.
    const QString kindWord = options.by == PageKind::Villages    ? QStringLiteral("村")
                             : options.by == PageKind::Townships ? QStringLiteral("乡镇")
                             : options.by == PageKind::County    ? QStringLiteral("县")
                                                                 : QStringLiteral("安置点");
    const std::string& bookTitle = options.bookTitle.empty() ? layout.bookTitle : options.bookTitle;
    QString title = QString::fromStdString(bookTitle.empty() ? "" : expandBookTitle(bookTitle, atlas));
    if (title.isEmpty())
        title =
            QString::fromStdString(atlas.countyName) +
            (options.by == PageKind::ResettlementSites ? QStringLiteral("易地扶贫搬迁安置点图集") : kindWord + QStringLiteral("级图集"));
    const bool grouped = options.by == PageKind::Villages && options.sort.empty();
    std::vector<ContentsLine> lines;
    std::vector<OutlineEntry> outline;
    const int features = int(atlas.pages.size());
    const int n = features * L;  // feature pages: every template's page of each feature in turn
    QStringList mapTitles;
    if (L > 1)
        for (const AtlasPlan* q : plans) mapTitles << mapTitle(q->layout);
    // Contents size depends only on the lines, so page numbers are known before drawing.
    for (int pass = 0; pass < 1; ++pass) {
        std::string lastTownship = "\x01";
        for (const auto& pg : atlas.pages) {
            if (grouped && pg.townshipCode != lastTownship) {
                lines.push_back({QString::fromStdString(pg.townshipName + "（" + pg.townshipCode + "）"), 0, true});
                lastTownship = pg.townshipCode;
            }
            lines.push_back({QString::fromStdString(pg.name + "  " + pg.code), 0, false});
        }
    }
    int contentsPages = 0;
    {
        // Lines per page, measured by a painter-free helper on the first worker's painter type.
        PagePainter probe(layout, styles, data, atlas);
        const int perPage = probe.contentsLinesPerPage();
        contentsPages = options.frontMatter ? int((lines.size() + size_t(perPage) - 1) / size_t(perPage)) : 0;
        report.frontPages = options.frontMatter ? 1 + contentsPages : 0;
    }
    const int firstFeaturePage = report.frontPages;  // 0-based page of the first feature
    {
        size_t li = 0;
        OutlineEntry* group = nullptr;
        if (options.frontMatter) {
            outline.push_back({QStringLiteral("封面"), 0, {}});
            outline.push_back({QStringLiteral("目录"), 1, {}});
        }
        for (int f = 0; f < features; ++f) {
            const int i = f * L;  // the feature's first page
            const auto& pg = atlas.pages[size_t(f)];
            while (li < lines.size() && lines[li].heading) {
                outline.push_back({lines[li].text, firstFeaturePage + i, {}});
                group = &outline.back();
                ++li;
            }
            lines[li].page = firstFeaturePage + i + 1;
            OutlineEntry e{QString::fromStdString(pg.name + " " + pg.code), firstFeaturePage + i, {}};
            if (L > 1)
                for (int k = 0; k < L; ++k) e.children.push_back({mapTitle(plans[size_t(k)]->layout), firstFeaturePage + i + k, {}});
            if (grouped && group)
                group->children.push_back(e);
            else
                outline.push_back(e);
            ++li;
        }
    }

    // Jobs: the front matter, then chunks of feature pages; both cores pull from the queue.
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const int workers = std::max(1, std::min(options.threads > 0 ? options.threads : int(hw), n));
    report.threads = workers;
    const size_t chunk = size_t(std::max(4, (n + workers * 4 - 1) / (workers * 4)));
    std::vector<Job> jobs;
    if (options.frontMatter) jobs.push_back({true, 0, 0, tmp.file("part-front.pdf")});
    for (size_t s = 0; s < size_t(n); s += chunk)
        jobs.push_back({false, s, std::min(chunk, size_t(n) - s), tmp.file("part-" + std::to_string(s) + ".pdf")});
    if (!options.pngDir.empty()) {
        std::error_code ec;
        fs::create_directories(options.pngDir, ec);
        if (ec) throw DataError({options.pngDir, "", "", ""}, "cannot create the folder for page images: " + ec.message());
    }
    const double dpi = 300;
    const QSizeF pageMm = layout.pageMm;
    std::atomic<size_t> nextJob{0};
    std::atomic<int> pagesDone{0};
    std::atomic<bool> stop{false};
    std::mutex errorMutex;
    std::exception_ptr error;
    QStringList warnings;
    std::vector<PageLink> contentsLinks;
    std::vector<std::string> pngs(size_t(firstFeaturePage + n));

    const auto savePng = [&](int bookPage, const std::function<void(QPainter&, QSizeF, double)>& draw) {
        const double pdpi = options.pngDpi;
        const QSize px(int(std::lround(pageMm.width() / 25.4 * pdpi)), int(std::lround(pageMm.height() / 25.4 * pdpi)));
        QImage img(px, QImage::Format_RGB32);
        img.setDotsPerMeterX(int(std::lround(pdpi / 0.0254)));
        img.setDotsPerMeterY(int(std::lround(pdpi / 0.0254)));
        img.fill(Qt::white);
        {
            QPainter p(&img);
            p.setRenderHint(QPainter::Antialiasing, true);
            draw(p, QSizeF(px), pdpi);
        }
        char name[32];
        std::snprintf(name, sizeof name, "page-%03d.png", bookPage + 1);
        const std::string path = (fs::path(options.pngDir) / name).string();
        AtomicFile file(path);
        QImageWriter w(QString::fromStdString(file.tempPath()), "png");
        w.setQuality(80);
        if (!w.write(img)) throw DataError({path, "", "", ""}, "cannot write the page image: " + w.errorString().toStdString());
        file.commit();
        pngs[size_t(bookPage)] = path;
    };

    const auto worker = [&]() {
        try {
            PagePainter painter(layout, styles, data, atlas);
            std::vector<std::unique_ptr<PagePainter>> more;  // the set's other templates
            for (int k = 1; k < L; ++k) {
                const AtlasPlan& q = *plans[size_t(k)];
                more.push_back(std::make_unique<PagePainter>(q.layout, q.styles, q.data, q.atlas));
            }
            auto painterOf = [&](size_t page) -> PagePainter& { return page % size_t(L) == 0 ? painter : *more[page % size_t(L) - 1]; };
            QStringList local;
            std::vector<PageLink> frontLinks;
            for (;;) {
                const size_t j = nextJob.fetch_add(1);
                if (j >= jobs.size() || stop.load()) break;
                const Job& job = jobs[j];
                QPdfWriter pdf(QString::fromStdString(job.part));
                pdf.setResolution(int(dpi));
                pdf.setPageSize(QPageSize(pageMm, QPageSize::Millimeter));
                pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
                QPainter p;
                if (!p.begin(&pdf)) throw DataError({job.part, "", "", ""}, "cannot write a PDF part");
                const QSizeF dev(pdf.width(), pdf.height());
                if (job.front) {
                    painter.drawCover(p, title, features, dev, dpi, true, mapTitles);
                    if (!options.pngDir.empty())
                        savePng(0,
                                [&](QPainter& ip, QSizeF s, double d) { painter.drawCover(ip, title, features, s, d, false, mapTitles); });
                    const size_t per = size_t(painter.contentsLinesPerPage());
                    for (int c = 0; c < contentsPages; ++c) {
                        pdf.newPage();
                        const size_t a = size_t(c) * per, b = std::min(lines.size(), a + per);
                        for (const auto& [rect, target] : painter.drawContents(p, lines, a, b, c + 1, contentsPages, dev, dpi))
                            frontLinks.push_back({1 + c, rect, target});
                        if (!options.pngDir.empty())
                            savePng(1 + c, [&](QPainter& ip, QSizeF s, double d) {
                                painter.drawContents(ip, lines, a, b, c + 1, contentsPages, s, d);
                            });
                    }
                    pagesDone += 1 + contentsPages;
                } else {
                    for (size_t k = 0; k < job.count; ++k) {
                        if (stop.load()) break;
                        if (k > 0) pdf.newPage();
                        const size_t page = job.first + k, index = page / size_t(L);
                        PagePainter& pp = painterOf(page);
                        const int bookPage = firstFeaturePage + int(page);
                        local << pp.drawFeaturePage(p, index, bookPage + 1, dev, dpi, true);
                        if (!options.pngDir.empty())
                            savePng(bookPage,
                                    [&](QPainter& ip, QSizeF s, double d) { pp.drawFeaturePage(ip, index, bookPage + 1, s, d, false); });
                        ++pagesDone;
                    }
                }
                p.end();
            }
            std::lock_guard lock(errorMutex);
            warnings << local;
            for (auto& l : frontLinks) contentsLinks.push_back(l);
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error) error = std::current_exception();
            stop = true;
        }
    };
    const auto tDraw = Clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back(worker);
    const int total = firstFeaturePage + n;
    while (pagesDone.load() < total && !stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        feedback.setProgress(0.12 + 0.83 * double(pagesDone.load()) / double(total),
                             "绘制页面 " + std::to_string(pagesDone.load()) + "/" + std::to_string(total));
        if (feedback.isCancelled()) stop = true;
    }
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    feedback.checkCancelled();
    report.drawSeconds = since(tDraw);

    feedback.setProgress(0.96, "装订");
    BookInfo info;
    info.title = title;
    info.subject = QStringLiteral("RuralAtlas 图集：%1 页").arg(total);
    info.outline = std::move(outline);
    info.links = std::move(contentsLinks);
    std::vector<std::string> parts;
    for (const auto& j : jobs) parts.push_back(j.part);
    AtomicFile file(options.out);
    bindPdf(parts, file.tempPath(), info);
    file.commit();
    report.pages = total;
    report.featurePages = n;
    for (auto& p : pngs)
        if (!p.empty()) report.pngs.push_back(p);
    warnings.removeDuplicates();
    report.warnings << warnings;
    report.totalSeconds = since(t0);
    feedback.setProgress(1.0, "完成");
    return report;
}

}  // namespace ruralatlas::atlas
