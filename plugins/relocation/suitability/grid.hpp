// Grid arithmetic of the county-wide suitability surface, on the DEM's cells (row 0 at the top):
// slope (Horn), relative elevation (a circular minimum filter), the exact Euclidean distance
// transform with the nearest seed of every cell, polygons and lines burnt into cells, 4-connected
// components, the best fully suitable window of a given size, and regions traced back into
// polygons. Plain arrays in, plain arrays out; each function is checked against a direct
// computation in tests/suitability_grid_test.cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/records.hpp"

namespace ruralatlas::suitability {

// The grid's geometry: `width` x `height` square cells of `cell` metres, top-left corner (x0, y1).
struct GridFrame {
    int width = 0, height = 0;
    double x0 = 0, y1 = 0, cell = 1;
    std::size_t size() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
    std::size_t index(int col, int row) const { return static_cast<std::size_t>(row) * static_cast<std::size_t>(width) + col; }
    XY centre(int col, int row) const { return {x0 + (col + 0.5) * cell, y1 - (row + 0.5) * cell}; }
    XY centre(std::size_t i) const { return centre(static_cast<int>(i % width), static_cast<int>(i / width)); }
    static GridFrame of(const Raster& dem) { return {dem.width, dem.height, dem.x0, dem.y1, dem.cell}; }
};

// Slope in degrees of every cell by Horn's 3x3 method (NaN on the border and next to nodata).
std::vector<float> slopeGrid(const Raster& dem, int threads = 2);

// Height of every cell above the lowest cell whose centre lies within `radius` metres of its own
// (NaN on nodata): a circular minimum filter, built row by row from running minima of every
// half-width.
std::vector<float> reliefGrid(const Raster& dem, double radius, int threads = 2);

// The exact Euclidean distance transform (Felzenszwalb and Huttenlocher): for every cell, the
// squared distance in cells to the nearest seed cell and that seed's index (-1 when there is no
// seed at all).
struct DistanceField {
    std::vector<float> squared;  // in cells squared
    std::vector<std::int32_t> nearest;
};
DistanceField distanceTransform(const GridFrame& g, const std::vector<std::uint8_t>& seed, int threads = 2);

// Cells a set of lines passes through (sampled every quarter cell).
void burnLines(const GridFrame& g, const std::vector<std::vector<XY>>& lines, std::vector<std::uint8_t>& out, std::uint8_t value = 1);
// Calls `mark(cell)` for every cell whose centre lies within `buffer` metres of one of `lines`.
void cellsNearLines(const GridFrame& g, const std::vector<std::vector<XY>>& lines, double buffer,
                    const std::function<void(std::size_t)>& mark);
// Calls `mark(cell)` for every cell whose centre lies inside `shape` (even-odd over its rings,
// as relocation::inside judges a point).
void cellsInside(const GridFrame& g, const Polygons& shape, const std::function<void(std::size_t)>& mark);

// 4-connected components of the cells with a nonzero `key` (cells of equal key join): a label
// 1..n per cell (0 where key is 0), and n.
std::vector<std::int32_t> components(const GridFrame& g, const std::vector<std::uint32_t>& key, std::int32_t& count);

// The outline of every labelled region as polygons in map coordinates: one outer ring
// (counter-clockwise) and its holes (clockwise), straight runs merged. Regions are 4-connected.
// `wanted(label)` picks the labels to trace; the result is indexed by label.
std::vector<Polygons> tracePolygons(const GridFrame& g, const std::vector<std::int32_t>& label, std::int32_t count,
                                    const std::function<bool(std::int32_t)>& wanted);

// The mean of `value` over every side x side window whose cells are all `eligible`, by the
// window's top-left cell, in a (width - side + 1) x (height - side + 1) grid; NaN where a cell of
// the window is not eligible (empty when the window does not fit).
std::vector<float> windowMeans(const GridFrame& g, const std::vector<std::uint8_t>& eligible, const std::vector<float>& value, int side);

}  // namespace ruralatlas::suitability
