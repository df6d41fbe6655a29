// Walking time over terrain, as AccessMod and GRASS r.walk compute it: a multi-source
// cost-distance over the DEM grid with 16 neighbours (knight's moves keep straight-line
// error under 3 %), anisotropic slope-dependent speed (Tobler's hiking function,
// v = 6 exp(-3.5 |S + 0.05|) km/h with S = rise / run: 5.04 km/h on the flat, faster slightly
// downhill, slower uphill and steeply downhill), road cells travelled at the road's speed,
// roads walked at the speed of flat paved ground (no slope penalty: roads are graded), and
// rivers impassable except where a road crosses them (a bridge). WalkOptions can instead
// travel road cells at the road's vehicle speed (AccessMod's motorised scenario).
#pragma once
#include <vector>

#include "analysis/project_data.hpp"
#include "analysis/road_network.hpp"
#include "core/feedback.hpp"

namespace ruralatlas::analysis {

double toblerKmh(double slope);

struct WalkOptions {
    bool roadsAtVehicleSpeed = false;  // true: road cells at the road's speed_kmh
};

class WalkSurface {
public:
    WalkSurface(Raster dem, const std::vector<RoadRec>& roads, const std::vector<std::vector<XY>>& rivers, const WalkOptions& options = {});

    // For every target, the source nearest by walking time (from the target to it).
    std::vector<Route> nearest(const std::vector<XY>& sources, const std::vector<XY>& targets, Feedback& feedback) const;
    std::vector<Route> fromOne(const XY& source, const std::vector<XY>& targets, double maxMinutes) const;

    int width() const { return m_dem.width; }
    int height() const { return m_dem.height; }
    bool isBarrier(int col, int row) const { return m_cells[index(col, row)].barrier != 0; }
    float roadKmh(int col, int row) const { return m_cells[index(col, row)].roadKmh; }

private:
    struct Label {
        float minutes;
        float metres;
        int source;
    };
    struct Start {
        std::size_t cell;
        int source;
        double legMetres;  // from the point to its cell's centre
    };
    std::vector<Label> search(const std::vector<Start>& sources, double maxMinutes, const std::vector<std::size_t>& targets,
                              Feedback* feedback = nullptr) const;
    double legToCentre(const XY& p, int col, int row) const;
    std::size_t index(int col, int row) const { return static_cast<std::size_t>(row) * m_dem.width + col; }
    bool cellOf(const XY& p, int& col, int& row) const;

    Raster m_dem;
    WalkOptions m_opt;
    // What a step needs of a cell, kept together so a step reads one cache line per cell.
    struct Cell {
        float z;
        float roadKmh;  // 0 off road
        unsigned char barrier;
    };
    std::vector<Cell> m_cells;
};

}  // namespace ruralatlas::analysis
