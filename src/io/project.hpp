// A RuralAtlas project: one county's planning database in a GeoPackage (DATA-MODEL.md).
// Links GDAL.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/schema.hpp"
#include "io/gdal_util.hpp"
#include "io/project_spec.hpp"

namespace ruralatlas::io {

// Creates every layer and table of the data model in an open, empty GeoPackage, with Chinese
// titles in gpkg_data_columns, enumerations as coded field domains, the default standards and
// the project metadata. Runs inside one transaction.
void createProjectSchema(GDALDataset& ds, const ProjectSpec& spec);

// The schema's attribute indexes of `def` that a GeoPackage lacks (CREATE INDEX IF NOT EXISTS);
// writers of a layer call it in their transaction so older projects get them too.
void ensureSchemaIndexes(GDALDataset& ds, const LayerDef& def);

// Creates a fresh GeoPackage at `path` (which must not exist) with the project schema: for
// builders (demo, county-from-codes) that fill it before renaming it into place.
DatasetPtr createProjectDataset(const std::string& path, const ProjectSpec& spec);
// Brings a project made by an older release up to this schema: the layers (and their domains
// and Chinese titles) it lacks are added and schema_version set, in one transaction. Returns the
// layers added; nothing else changes.
std::vector<std::string> upgradeProject(const std::string& path);

class Project {
public:
    // Opens an existing project; throws DataError naming the file when it is not a GeoPackage
    // or lacks project_meta.
    static Project open(const std::string& path, bool update);

    GDALDataset& dataset() { return *m_ds; }
    // The server form (io/server.hpp) rather than a GeoPackage file.
    bool isServer() const { return std::string(m_ds->GetDriverName()) == "PostgreSQL"; }
    const std::string& path() const { return m_path; }
    // The layer, or DataError naming file and layer when the project lacks it.
    OGRLayer& layer(const std::string& name);
    OGRLayer* findLayer(const std::string& name);
    std::map<std::string, std::string> meta();
    std::string meta(const std::string& key);
    int epsg();
    const OGRSpatialReference& crs();
    void setMeta(const std::string& key, const std::string& value);
    // The county outline (union of county features) in the project CRS, or nullptr.
    std::unique_ptr<OGRGeometry> countyOutline();

private:
    Project(std::string path, DatasetPtr ds) : m_path(std::move(path)), m_ds(std::move(ds)) {}
    std::string m_path;
    DatasetPtr m_ds;
    OGRSpatialReference m_crs;
    bool m_crsLoaded = false;
};

OGRwkbGeometryType ogrGeometryType(GeometryKind kind);
OGRFieldType ogrFieldType(FieldType type);

}  // namespace ruralatlas::io
