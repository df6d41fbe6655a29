// The WKB decoding of the Arrow batch reader (io/arrow_reader.cpp), differentially against
// GDAL's own parser: any bytes are decoded or refused without reading past the end; when ours
// decodes a point or lines, GDAL reads the same geometry type with the same coordinates.
#include <ogr_geometry.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "fuzz_util.hpp"
#include "io/arrow_reader.hpp"

namespace {
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A copy of exactly `size` bytes, so ASan sees any read past the end.
    std::vector<std::uint8_t> bytes(data, data + size);
    const std::span<const std::uint8_t> wkb(bytes.data(), bytes.size());

    double x = 0, y = 0;
    const bool point = ruralatlas::io::wkbPoint(wkb, x, y);
    std::vector<std::vector<double>> lines;
    const bool linesOk = ruralatlas::io::wkbLines(wkb, [&](const double* xy, std::size_t n) { lines.emplace_back(xy, xy + 2 * n); });
    if (!point && !linesOk) return 0;

    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(bytes.data(), nullptr, &g, bytes.size()) != OGRERR_NONE || !g)
        fuzz::broken("decoded WKB that GDAL refuses");
    std::unique_ptr<OGRGeometry> owned(g);
    const OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
    if (point) {
        if (t != wkbPoint) fuzz::broken("decoded a point from WKB GDAL reads as another type");
        const OGRPoint* p = g->toPoint();
        if (!p->IsEmpty() && (!same(p->getX(), x) || !same(p->getY(), y))) fuzz::broken("point coordinates differ from GDAL's");
    }
    if (linesOk) {
        std::vector<const OGRLineString*> parts;
        if (t == wkbLineString)
            parts.push_back(g->toLineString());
        else if (t == wkbMultiLineString)
            for (const auto* part : *g->toMultiLineString()) parts.push_back(part);
        else
            fuzz::broken("decoded lines from WKB GDAL reads as another type");
        if (parts.size() != lines.size()) fuzz::broken("a different number of lines than GDAL's");
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (static_cast<std::size_t>(parts[i]->getNumPoints()) * 2 != lines[i].size()) fuzz::broken("a line of another length");
            for (int k = 0; k < parts[i]->getNumPoints(); ++k)
                if (!same(parts[i]->getX(k), lines[i][2 * static_cast<std::size_t>(k)]) ||
                    !same(parts[i]->getY(k), lines[i][2 * static_cast<std::size_t>(k) + 1]))
                    fuzz::broken("line coordinates differ from GDAL's");
        }
    }
    return 0;
}
