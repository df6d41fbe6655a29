// Writing an analysis result as GeoPackage layers or one CSV table, chosen by extension. A new
// file is written to a temp file and renamed; an existing GeoPackage gets its result layers
// replaced inside one transaction.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "io/gdal_util.hpp"

namespace ruralatlas::services {

using Value = std::variant<std::monostate, long long, double, std::string>;

struct ColumnDef {
    std::string name;
    OGRFieldType type;
    std::string titleZh;
};

class ResultWriter {
public:
    ResultWriter(const std::string& out, int epsg);
    ~ResultWriter();
    bool isCsv() const { return m_csv; }
    // Returns the layer index; with CSV only the first layer is written (later ones return -1).
    int addLayer(const std::string& name, OGRwkbGeometryType geometry, const std::vector<ColumnDef>& columns, const std::string& titleZh);
    void addRow(int layer, const std::vector<Value>& values, std::unique_ptr<OGRGeometry> geometry = nullptr);
    // CSV only: rows formatted by formatCsvRow (so they can be formatted on several threads),
    // appended in the order given.
    void addCsvText(const std::string& rows);
    static void formatCsvRow(std::string& out, const std::vector<Value>& values);
    // One CSV field (quoted when it must be), without building a Value: for hot loops.
    static void csvField(std::string& out, std::string_view text);
    static void csvField(std::string& out, double number);
    static void csvField(std::string& out, long long number);
    void commit();

private:
    std::string m_out;
    bool m_csv = false;
    bool m_existing = false;
    std::unique_ptr<io::AtomicFile> m_atomic;
    io::DatasetPtr m_ds;
    std::vector<OGRLayer*> m_layers;
    OGRSpatialReference m_srs;
    std::vector<std::pair<std::string, std::vector<ColumnDef>>> m_titles;
    std::string m_csvText;  // CSV is written by hand: GDAL's CSV writer formats every value through printf
};

}  // namespace ruralatlas::services
