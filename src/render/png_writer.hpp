// PNG output for large maps: an opaque image written as 8-bit RGB, its rows compressed in
// bands on several cores. Each band is an independent raw deflate stream ended on a byte
// boundary (a sync flush), so the bands join into one valid zlib stream; the Adler-32 sums are
// combined. Qt's writer compresses on one core and tries every row filter, which made writing
// a 4K national view or an A3 300 dpi page a third of the whole render.
#pragma once
#include <QImage>
#include <string>

namespace ruralatlas::render {

// Writes `image` (any format; drawn maps are Format_RGB32, others are converted, alpha
// dropped) to `path`, with its dots per metre as the pHYs chunk. Throws DataError naming the
// file when it cannot be written.
void writePng(const QImage& image, const std::string& path, int threads);

}  // namespace ruralatlas::render
