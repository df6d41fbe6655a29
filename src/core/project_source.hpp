// The data-access port: what analyses (and the hosts that run them) read from a project,
// whatever stores it. The GeoPackage adapter lives in src/io (io::openProjectSource); a PostGIS
// adapter implements the same interface. Nothing here names a file, a driver or an SQL dialect:
// layers are named as in the data model, slices are feature-id ranges, filters are typed.
//
// A ProjectSource is one connection: use it from one thread at a time. `connect()` gives another
// connection to the same project for another thread.
#pragma once
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/feature_source.hpp"
#include "core/records.hpp"
#include "core/standards.hpp"

namespace ruralatlas {

// Which village fields to read: all that analyses use, or only what coverage writes (code, name,
// township, population, point): fewer columns is a third less time on 600,000 villages.
enum class VillageFields { All, Coverage };

// A project is also a FeatureSource: maps and atlas pages read its layers as features.
class ProjectSource : public FeatureSource {
public:
    // The projected CRS of every layer (EPSG code).
    virtual int epsg() = 0;
    // Another connection to the same project (for another thread).
    virtual std::unique_ptr<ProjectSource> connect() const = 0;
    std::unique_ptr<FeatureSource> reopen() const override { return connect(); }

    // Whether the project has the layer, and about how many features it holds (0 when it lacks it).
    virtual bool hasLayer(const std::string& layer) = 0;
    virtual long long featureCount(const std::string& layer) = 0;
    // `parts` slices of a layer by feature id covering all of it; empty when the layer is too small
    // to be worth cutting (under 1,000 features) or cannot be cut.
    virtual std::vector<FidRange> slices(const std::string& layer, int parts) = 0;

    std::vector<Village> villages(VillageFields fields = VillageFields::All, const FidRange* range = nullptr) {
        return readVillages(fields, range);
    }
    // Facilities with a point, of `kind` (every kind when empty) whose status is in `statuses`
    // (every status when empty; an empty status counts as existing).
    std::vector<Facility> facilities(const std::string& kind, const std::vector<std::string>& statuses, const FidRange* range = nullptr) {
        return readFacilities(kind, statuses, range);
    }
    std::vector<Road> roads(const FidRange* range = nullptr) { return readRoads(range); }
    virtual std::vector<std::vector<XY>> rivers() = 0;
    // The DEM, or nullopt when the project has none.
    virtual std::optional<Raster> dem() = 0;
    virtual std::vector<Standard> standards() = 0;
    virtual std::vector<Township> townships() = 0;

protected:
    // What an adapter implements for the readers above (kept apart so callers get the defaults).
    virtual std::vector<Village> readVillages(VillageFields fields, const FidRange* range) = 0;
    virtual std::vector<Facility> readFacilities(const std::string& kind, const std::vector<std::string>& statuses,
                                                 const FidRange* range) = 0;
    virtual std::vector<Road> readRoads(const FidRange* range) = 0;
};

// Which statuses a --status choice means: existing = in service; planned = the planned
// scenario (existing + under construction + planned); all = every status.
std::vector<std::string> statusesFor(const std::string& choice);

}  // namespace ruralatlas
