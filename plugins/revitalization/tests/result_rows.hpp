// Result layers of a GeoPackage read back as text rows (null as "<null>"), for the plugin's tests.
#pragma once
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "io/gdal_util.hpp"

namespace ruralatlas::test {

using ResultRow = std::map<std::string, std::string>;
using ResultRows = std::vector<ResultRow>;

inline ResultRows readRows(const std::string& gpkg, const std::string& layer) {
    io::DatasetPtr ds = io::openVector(gpkg, false);
    ResultRows out;
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    EXPECT_NE(l, nullptr) << layer;
    if (!l) return out;
    for (auto& f : *l) {
        ResultRow row;
        for (int i = 0; i < f->GetFieldCount(); ++i)
            row[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "<null>";
        out.push_back(row);
    }
    return out;
}

// The first row whose fields have all the given values (a failure, and an empty row, when none).
inline const ResultRow& findRow(const ResultRows& rows, const std::map<std::string, std::string>& key) {
    for (const auto& r : rows) {
        bool all = true;
        for (const auto& [k, v] : key) all = all && r.count(k) && r.at(k) == v;
        if (all) return r;
    }
    static const ResultRow none;
    ADD_FAILURE() << "no row with " << key.begin()->first << " = " << key.begin()->second;
    return none;
}
inline const ResultRow& findRow(const ResultRows& rows, const std::string& field, const std::string& value) {
    return findRow(rows, {{field, value}});
}

// A field as a number (NaN when null or absent).
inline double number(const ResultRow& r, const std::string& k) {
    if (!r.count(k) || r.at(k) == "<null>") return NAN;
    return std::stod(r.at(k));
}

}  // namespace ruralatlas::test
