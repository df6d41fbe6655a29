#include "png_writer.hpp"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace ruralatlas::render {

namespace {

// PNG file structure: ISO/IEC 15948 (W3C PNG specification, 2nd edition), sections 5 and 11.
void put32(std::vector<unsigned char>& out, uint32_t v) {
    out.push_back(static_cast<unsigned char>(v >> 24));
    out.push_back(static_cast<unsigned char>(v >> 16));
    out.push_back(static_cast<unsigned char>(v >> 8));
    out.push_back(static_cast<unsigned char>(v));
}

class PngFile {
public:
    explicit PngFile(const std::string& path) : m_path(path), m_f(std::fopen(path.c_str(), "wb")) {
        if (!m_f) fail();
    }
    ~PngFile() {
        if (m_f) std::fclose(m_f);
    }
    void write(const void* data, size_t n) {
        if (n && std::fwrite(data, 1, n, m_f) != n) fail();
    }
    void chunk(const char type[4], const unsigned char* data, size_t n) {
        std::vector<unsigned char> head;
        put32(head, static_cast<uint32_t>(n));
        head.insert(head.end(), type, type + 4);
        write(head.data(), head.size());
        write(data, n);
        uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(type), 4);
        // crc32 takes a uInt length: feed big chunks in pieces.
        for (size_t off = 0; off < n;) {
            const size_t step = std::min<size_t>(n - off, 1u << 30);
            crc = crc32(crc, data + off, static_cast<uInt>(step));
            off += step;
        }
        std::vector<unsigned char> tail;
        put32(tail, static_cast<uint32_t>(crc));
        write(tail.data(), tail.size());
    }
    void close() {
        const int rc = std::fclose(m_f);
        m_f = nullptr;
        if (rc != 0) fail();
    }

private:
    [[noreturn]] void fail() {
        const int e = errno;
        throw DataError({m_path, "", "", ""}, std::string("cannot write the PNG: ") + std::strerror(e));
    }
    std::string m_path;
    std::FILE* m_f;
};

struct Band {
    int y0 = 0, y1 = 0;
    std::vector<unsigned char> deflated;
    uLong adler = 1;
    size_t rawBytes = 0;
};

// Filters rows [y0, y1) with the Sub filter (type 1: each byte minus the byte of the pixel to
// its left), which turns runs of one colour into zeros, and deflates them at level 1.
void compressBand(const QImage& img, Band& band, bool last) {
    const int w = img.width();
    const size_t rowBytes = 1 + size_t(w) * 3;
    std::vector<unsigned char> raw(rowBytes * size_t(band.y1 - band.y0));
    for (int y = band.y0; y < band.y1; ++y) {
        const auto* px = reinterpret_cast<const QRgb*>(img.constScanLine(y));
        unsigned char* row = raw.data() + rowBytes * size_t(y - band.y0);
        row[0] = 1;
        unsigned char pr = 0, pg = 0, pb = 0;
        for (int x = 0; x < w; ++x) {
            const unsigned char r = static_cast<unsigned char>(qRed(px[x])), g = static_cast<unsigned char>(qGreen(px[x])),
                                b = static_cast<unsigned char>(qBlue(px[x]));
            row[1 + 3 * x] = static_cast<unsigned char>(r - pr);
            row[2 + 3 * x] = static_cast<unsigned char>(g - pg);
            row[3 + 3 * x] = static_cast<unsigned char>(b - pb);
            pr = r;
            pg = g;
            pb = b;
        }
    }
    band.rawBytes = raw.size();
    band.adler = adler32(1L, raw.data(), static_cast<uInt>(raw.size()));
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::bad_alloc();
    band.deflated.resize(deflateBound(&z, static_cast<uLong>(raw.size())) + 64);
    z.next_in = raw.data();
    z.avail_in = static_cast<uInt>(raw.size());
    z.next_out = band.deflated.data();
    z.avail_out = static_cast<uInt>(band.deflated.size());
    // Every band but the last ends with a sync flush (an empty stored block: byte aligned, not
    // final); the last one finishes the stream.
    const int rc = deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH);
    const bool ok = last ? rc == Z_STREAM_END : rc == Z_OK && z.avail_in == 0;
    band.deflated.resize(band.deflated.size() - z.avail_out);
    deflateEnd(&z);
    if (!ok) throw std::runtime_error("deflate failed");
}

}  // namespace

void writePng(const QImage& image, const std::string& path, int threads) {
    const QImage img = image.format() == QImage::Format_RGB32 ? image : image.convertToFormat(QImage::Format_RGB32);
    if (img.isNull() || img.width() <= 0 || img.height() <= 0) throw DataError({path, "", "", ""}, "cannot write an empty image");
    // Bands of about 128 rows (a few hundred kilobytes each), handed out to the threads in order.
    const int rowsPerBand = std::max(16, std::min(256, int((size_t(1) << 21) / (size_t(img.width()) * 3 + 1))));
    std::vector<Band> bands;
    for (int y = 0; y < img.height(); y += rowsPerBand) bands.push_back({y, std::min(img.height(), y + rowsPerBand), {}, 1, 0});
    std::atomic<size_t> next{0};
    std::vector<std::exception_ptr> errors(static_cast<size_t>(std::max(1, threads)));
    const auto run = [&](size_t worker) {
        try {
            for (size_t b; (b = next.fetch_add(1)) < bands.size();) compressBand(img, bands[b], b + 1 == bands.size());
        } catch (...) {
            errors[worker] = std::current_exception();
            next = bands.size();
        }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < errors.size() && t < bands.size(); ++t) pool.emplace_back(run, t);
    run(0);
    for (auto& t : pool) t.join();
    for (const auto& e : errors)
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                throw DataError({path, "", "", ""}, std::string("cannot compress the PNG: ") + x.what());
            }
        }

    PngFile f(path);
    static const unsigned char signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    f.write(signature, sizeof signature);
    std::vector<unsigned char> ihdr;
    put32(ihdr, static_cast<uint32_t>(img.width()));
    put32(ihdr, static_cast<uint32_t>(img.height()));
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8 bits, truecolour, deflate, adaptive filtering, no interlace
    f.chunk("IHDR", ihdr.data(), ihdr.size());
    if (img.dotsPerMeterX() > 0 && img.dotsPerMeterY() > 0) {
        std::vector<unsigned char> phys;
        put32(phys, static_cast<uint32_t>(img.dotsPerMeterX()));
        put32(phys, static_cast<uint32_t>(img.dotsPerMeterY()));
        phys.push_back(1);  // unit: metre
        f.chunk("pHYs", phys.data(), phys.size());
    }
    // The zlib stream: header (deflate, 32 KB window, fastest), the bands, the Adler-32 of all.
    const unsigned char zhead[2] = {0x78, 0x01};
    f.chunk("IDAT", zhead, 2);
    uLong adler = 1;
    for (const Band& b : bands) {
        f.chunk("IDAT", b.deflated.data(), b.deflated.size());
        adler = adler32_combine(adler, b.adler, static_cast<z_off_t>(b.rawBytes));
    }
    std::vector<unsigned char> ztail;
    put32(ztail, static_cast<uint32_t>(adler));
    f.chunk("IDAT", ztail.data(), ztail.size());
    f.chunk("IEND", nullptr, 0);
    f.close();
}

}  // namespace ruralatlas::render
