#include "io/arrow_reader.hpp"

#include <cpl_conv.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "io/gdal_util.hpp"

namespace ruralatlas::io {

namespace {
bool isString(const std::string& f) { return f == "u" || f == "U"; }
bool isBinary(const std::string& f) { return f == "z" || f == "Z" || f == "u" || f == "U"; }
bool isNumber(const std::string& f) { return f.size() == 1 && std::strchr("cCsSiIlLfgb", f[0]); }
}  // namespace

ArrowLayerReader::ArrowLayerReader(OGRLayer& layer, const std::vector<std::string>& fields, bool withFid) : m_layer(layer) {
    // GDAL's GeoPackage reader may start worker threads of its own for a layer without filters;
    // keep it on this thread (the caller already reads slices on every core). Restored at the end.
    if (const char* before = CPLGetThreadLocalConfigOption("GDAL_NUM_THREADS", nullptr)) m_threadsBefore = before;
    CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", "1");
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    // Remember what was ignored, then ignore every field not asked for (GDAL leaves them out of
    // the stream entirely).
    std::vector<const char*> ignore;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        OGRFieldDefn* fd = defn->GetFieldDefn(i);
        if (fd->IsIgnored()) m_ignoredBefore.emplace_back(fd->GetNameRef());
        if (std::find(fields.begin(), fields.end(), fd->GetNameRef()) == fields.end()) ignore.push_back(fd->GetNameRef());
    }
    for (int i = 0; i < defn->GetGeomFieldCount(); ++i)
        if (defn->GetGeomFieldDefn(i)->IsIgnored()) m_ignoredBefore.emplace_back(defn->GetGeomFieldDefn(i)->GetNameRef());
    if (defn->IsStyleIgnored()) m_ignoredBefore.emplace_back("OGR_STYLE");
    ignore.push_back(nullptr);
    if (layer.SetIgnoredFields(ignore.data()) != OGRERR_NONE) {
        m_why = "cannot select the layer's columns";
        return;
    }
    m_restoreIgnored = true;

    char includeFid[] = "INCLUDE_FID=YES", noFid[] = "INCLUDE_FID=NO", batch[] = "MAX_FEATURES_IN_BATCH=65536";
    char* options[] = {withFid ? includeFid : noFid, batch, nullptr};
    if (!layer.GetArrowStream(&m_stream, options)) {
        m_stream.release = nullptr;
        m_why = "the driver offers no Arrow stream";
        return;
    }
    if (m_stream.get_schema(&m_stream, &m_schema) != 0) {
        m_schema.release = nullptr;
        m_why = "the stream gave no schema";
        return;
    }
    const char* fidName = layer.GetFIDColumn();
    const std::string fidColumn = fidName && *fidName ? fidName : "OGC_FID";
    const char* geomName = layer.GetGeometryColumn();
    const std::string geomColumn = geomName && *geomName ? geomName : "wkb_geometry";
    m_columns.reserve(fields.size());
    for (const auto& f : fields) m_columns.push_back({f, "", -1});
    for (int64_t c = 0; c < m_schema.n_children; ++c) {
        const ArrowSchema* s = m_schema.children[c];
        const std::string name = s->name ? s->name : "", format = s->format ? s->format : "";
        if (s->dictionary) {
            m_why = "column " + name + " is dictionary-encoded";
            return;
        }
        if (withFid && m_fid.child < 0 && name == fidColumn) {
            m_fid = {name, format, static_cast<int>(c)};
        } else if (m_geom.child < 0 && name == geomColumn) {
            m_geom = {name, format, static_cast<int>(c)};
        } else {
            for (auto& col : m_columns)
                if (col.child < 0 && col.name == name) col = {name, format, static_cast<int>(c)};
        }
    }
    for (const auto& col : m_columns)
        if (col.child >= 0 && !isNumber(col.format) && !isString(col.format)) {
            m_why = "column " + col.name + " has Arrow type " + col.format;
            return;
        }
    if (m_geom.child >= 0 && !isBinary(m_geom.format)) {
        m_why = "the geometry column has Arrow type " + m_geom.format;
        return;
    }
    if (withFid && (m_fid.child < 0 || !isNumber(m_fid.format))) {
        m_why = "the stream has no feature id column";
        return;
    }
    m_ok = true;
}

ArrowLayerReader::~ArrowLayerReader() {
    if (m_batch.release) m_batch.release(&m_batch);
    if (m_schema.release) m_schema.release(&m_schema);
    if (m_stream.release) m_stream.release(&m_stream);
    CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", m_threadsBefore ? m_threadsBefore->c_str() : nullptr);
    if (m_restoreIgnored) {
        std::vector<const char*> names;
        for (const auto& n : m_ignoredBefore) names.push_back(n.c_str());
        names.push_back(nullptr);
        m_layer.SetIgnoredFields(names.size() > 1 ? names.data() : nullptr);
    }
}

bool ArrowLayerReader::next() {
    if (!m_ok) return false;
    if (m_batch.release) m_batch.release(&m_batch);
    m_batch = {};
    m_rows = 0;
    if (m_stream.get_next(&m_stream, &m_batch) != 0) {
        const char* msg = m_stream.get_last_error ? m_stream.get_last_error(&m_stream) : nullptr;
        m_batch.release = nullptr;
        throw DataError({"", m_layer.GetName()}, std::string("cannot read the layer: ") + (msg && *msg ? msg : lastGdalError().c_str()));
    }
    if (!m_batch.release) return false;  // end of stream
    if (m_batch.n_children != m_schema.n_children)
        throw DataError({"", m_layer.GetName()}, "the Arrow stream's batch does not match its schema");
    m_rows = static_cast<std::size_t>(m_batch.length);
    return true;
}

int ArrowLayerReader::column(std::string_view name) const {
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].name == name) return m_columns[i].child >= 0 ? static_cast<int>(i) : -1;
    return -1;
}

const ArrowArray* ArrowLayerReader::child(int col) const {
    if (col < 0 || col >= static_cast<int>(m_columns.size()) || m_columns[col].child < 0) return nullptr;
    return m_batch.children[m_columns[col].child];
}

bool ArrowLayerReader::valid(const ArrowArray* a, std::size_t row) const {
    if (!a || row >= m_rows) return false;
    if (a->null_count == 0 || !a->buffers[0]) return true;
    const std::size_t i = row + static_cast<std::size_t>(m_batch.offset + a->offset);
    return (static_cast<const std::uint8_t*>(a->buffers[0])[i >> 3] >> (i & 7)) & 1;
}

bool ArrowLayerReader::isNull(int col, std::size_t row) const { return !valid(child(col), row); }

std::span<const std::uint8_t> ArrowLayerReader::bytes(const ArrowArray* a, const std::string& format, std::size_t row) const {
    if (!valid(a, row)) return {};
    const std::size_t i = row + static_cast<std::size_t>(m_batch.offset + a->offset);
    const auto* data = static_cast<const std::uint8_t*>(a->buffers[2]);
    if (format == "U" || format == "Z") {
        const auto* off = static_cast<const int64_t*>(a->buffers[1]);
        return {data + off[i], static_cast<std::size_t>(off[i + 1] - off[i])};
    }
    const auto* off = static_cast<const int32_t*>(a->buffers[1]);
    return {data + off[i], static_cast<std::size_t>(off[i + 1] - off[i])};
}

std::optional<double> ArrowLayerReader::number(int col, std::size_t row) const {
    const ArrowArray* a = child(col);
    if (!valid(a, row)) return std::nullopt;
    const std::string& f = m_columns[col].format;
    const std::size_t i = row + static_cast<std::size_t>(m_batch.offset + a->offset);
    const void* v = a->buffers[1];
    switch (f.size() == 1 ? f[0] : '?') {
        case 'c':
            return static_cast<const int8_t*>(v)[i];
        case 'C':
            return static_cast<const uint8_t*>(v)[i];
        case 's':
            return static_cast<const int16_t*>(v)[i];
        case 'S':
            return static_cast<const uint16_t*>(v)[i];
        case 'i':
            return static_cast<const int32_t*>(v)[i];
        case 'I':
            return static_cast<const uint32_t*>(v)[i];
        case 'l':
            return static_cast<double>(static_cast<const int64_t*>(v)[i]);
        case 'L':
            return static_cast<double>(static_cast<const uint64_t*>(v)[i]);
        case 'f':
            return static_cast<const float*>(v)[i];
        case 'g':
            return static_cast<const double*>(v)[i];
        case 'b':
            return (static_cast<const uint8_t*>(v)[i >> 3] >> (i & 7)) & 1;
        default:
            return std::nullopt;
    }
}

std::string ArrowLayerReader::text(int col, std::size_t row) const {
    const ArrowArray* a = child(col);
    if (!valid(a, row)) return {};
    const std::string& f = m_columns[col].format;
    if (isString(f)) {
        const auto b = bytes(a, f, row);
        return {reinterpret_cast<const char*>(b.data()), b.size()};
    }
    const auto n = number(col, row);
    if (!n) return {};
    if (f == "f" || f == "g") {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.15g", *n);
        return buf;
    }
    return std::to_string(static_cast<long long>(*n));
}

long long ArrowLayerReader::fid(std::size_t row) const {
    const ArrowArray* a = m_fid.child >= 0 ? m_batch.children[m_fid.child] : nullptr;
    if (!valid(a, row)) return OGRNullFID;
    const std::size_t i = row + static_cast<std::size_t>(m_batch.offset + a->offset);
    if (m_fid.format == "i") return static_cast<const int32_t*>(a->buffers[1])[i];
    return static_cast<const int64_t*>(a->buffers[1])[i];
}

std::span<const std::uint8_t> ArrowLayerReader::wkb(std::size_t row) const {
    if (m_geom.child < 0) return {};
    return bytes(m_batch.children[m_geom.child], m_geom.format, row);
}

namespace {
std::uint32_t byteswap(std::uint32_t v) { return __builtin_bswap32(v); }
std::uint64_t byteswap(std::uint64_t v) { return __builtin_bswap64(v); }

// Reads WKB with bounds checks.
class WkbCursor {
public:
    explicit WkbCursor(std::span<const std::uint8_t> b) : m_p(b.data()), m_end(b.data() + b.size()) {}
    bool ok() const { return m_ok; }
    bool header(std::uint32_t& type, int& dims) {
        if (!need(5)) return false;
        // Byte order 0 (big endian) or 1 (little); anything else is not WKB (GDAL agrees).
        if (*m_p > 1) return m_ok = false;
        m_little = *m_p++ == 1;
        std::uint32_t t = u32();
        // Extended WKB flags, then ISO thousands.
        const bool z = t & 0x80000000u, m = t & 0x40000000u;
        // PostGIS's SRID flag and the undefined 0x10000000: GDAL neither writes nor reads them, so
        // neither does this reader of GDAL's stream.
        if (t & 0x30000000u) return m_ok = false;
        t &= 0x0fffffffu;
        dims = 2 + (z ? 1 : 0) + (m ? 1 : 0);
        if ((z || m) && t >= 1000) return m_ok = false;  // both extended flags and ISO codes: GDAL refuses it
        if (t >= 1000 && t < 4000) {
            dims = 2 + (t / 1000 == 3 ? 2 : 1);
            t %= 1000;
        }
        type = t;
        return m_ok;
    }
    std::uint32_t u32() {
        if (!need(4)) return 0;
        std::uint32_t v;
        std::memcpy(&v, m_p, 4);
        m_p += 4;
        if (!m_little) v = byteswap(v);
        return v;
    }
    double f64() {
        if (!need(8)) return 0;
        std::uint64_t v;
        std::memcpy(&v, m_p, 8);
        m_p += 8;
        if (!m_little) v = byteswap(v);
        return std::bit_cast<double>(v);
    }
    void skip(std::size_t n) {
        if (need(n)) m_p += n;
    }
    std::size_t left() const { return static_cast<std::size_t>(m_end - m_p); }

private:
    bool need(std::size_t n) {
        if (!m_ok || left() < n) m_ok = false;
        return m_ok;
    }
    const std::uint8_t* m_p;
    const std::uint8_t* m_end;
    bool m_little = true;
    bool m_ok = true;
};

bool readLine(WkbCursor& c, int dims, std::vector<double>& xy) {
    const std::uint32_t n = c.u32();
    if (!c.ok() || n > c.left() / (8u * dims)) return false;
    xy.resize(2 * static_cast<std::size_t>(n));
    for (std::uint32_t i = 0; i < n; ++i) {
        xy[2 * i] = c.f64();
        xy[2 * i + 1] = c.f64();
        c.skip(8 * static_cast<std::size_t>(dims - 2));
    }
    return c.ok();
}
}  // namespace

bool wkbPoint(std::span<const std::uint8_t> wkb, double& x, double& y) {
    WkbCursor c(wkb);
    std::uint32_t type = 0;
    int dims = 2;
    if (!c.header(type, dims) || type != 1) return false;
    x = c.f64();
    y = c.f64();
    c.skip(8 * static_cast<std::size_t>(dims - 2));     // Z and M must be there too
    return c.ok() && !std::isnan(x) && !std::isnan(y);  // POINT EMPTY is NaN, NaN
}

bool wkbLines(std::span<const std::uint8_t> wkb, const std::function<void(const double*, std::size_t)>& part) {
    WkbCursor c(wkb);
    std::uint32_t type = 0;
    int dims = 2;
    if (!c.header(type, dims)) return false;
    thread_local std::vector<double> xy;
    if (type == 2) {
        if (!readLine(c, dims, xy)) return false;
        part(xy.data(), xy.size() / 2);
        return true;
    }
    if (type != 5) return false;
    const std::uint32_t parts = c.u32();
    if (!c.ok() || parts > c.left() / 9) return false;
    for (std::uint32_t k = 0; k < parts; ++k) {
        std::uint32_t t = 0;
        int d = 2;
        if (!c.header(t, d) || t != 2 || !readLine(c, d, xy)) return false;
        part(xy.data(), xy.size() / 2);
    }
    return true;
}

}  // namespace ruralatlas::io
