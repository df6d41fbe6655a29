// The bad-file corpus (tests/data/bad/expected.tsv): each file imported into a fresh copy of a
// real county as a user would, with the exit status, the message and the resulting data the
// table names. A refusal is one line naming the file and leaves the project unchanged.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas::test;

namespace {
struct Case {
    int line = 0;
    std::string file, options, expected, check;
    int status = 0;
};

std::vector<Case> cases() {
    std::vector<Case> out;
    std::ifstream in(std::string(RURALATLAS_SOURCE_TREE) + "/tests/data/bad/expected.tsv");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, '\t')) cells.push_back(cell);
        cells.resize(5);
        out.push_back({n, cells[0], cells[1], cells[3], cells[4], std::stoi(cells[2])});
    }
    return out;
}

// Every table of the project as text (features as their fields and geometry in WKT).
std::string contents(const std::string& project) {
    ruralatlas::io::DatasetPtr ds = ruralatlas::io::openVector(project, false);
    std::string out;
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* l = ds->GetLayer(i);
        out += std::string("# ") + l->GetName() + "\n";
        for (auto& f : *l) {
            for (int k = 0; k < f->GetFieldCount(); ++k) out += std::string(f->GetFieldAsString(k)) + "|";
            if (const OGRGeometry* g = f->GetGeometryRef()) out += g->exportToWkt();
            out += "\n";
        }
    }
    return out;
}

std::string valueOf(const std::string& project, const std::string& layer, const std::string& where, const std::string& field) {
    ruralatlas::io::DatasetPtr ds = ruralatlas::io::openVector(project, false);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    if (!l) return "(no layer)";
    l->SetAttributeFilter(where.c_str());
    ruralatlas::io::FeaturePtr f(l->GetNextFeature());
    return f ? f->GetFieldAsString(field.c_str()) : "(no feature)";
}
}  // namespace

TEST(BadFiles, EachGetsItsAnswer) {
    TempDir dir;
    const auto base = dir.file("base.gpkg");
    auto r = runCli("county-from-codes --county 433127 --data " + quote(std::string(RURALATLAS_SOURCE_DATA) + "/real") + " --out " +
                    quote(base));
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string before = contents(base);
    const auto all = cases();
    ASSERT_GE(all.size(), 20u);
    for (const auto& c : all) {
        SCOPED_TRACE("expected.tsv line " + std::to_string(c.line) + ": " + c.file + " " + c.options);
        const auto p = dir.file("p.gpkg");
        std::filesystem::copy_file(base, p, std::filesystem::copy_options::overwrite_existing);
        const std::string file = std::string(RURALATLAS_SOURCE_TREE) + "/tests/data/bad/" + c.file;
        r = runCli("import " + quote(p) + " " + quote(file) + " " + c.options);
        EXPECT_EQ(r.status, c.status) << r.output;
        EXPECT_NE(r.output.find(c.expected), std::string::npos) << r.output;
        if (c.status != 0) {
            // One line, naming the file; the project as it was.
            const auto at = r.output.find("error: ");
            ASSERT_NE(at, std::string::npos) << r.output;
            const std::string message = r.output.substr(at);
            EXPECT_EQ(message.find('\n'), message.size() - 1) << "not one line: " << message;
            EXPECT_NE(message.find(c.file), std::string::npos) << message;
            EXPECT_EQ(contents(p), before);
        } else if (!c.check.empty()) {
            std::vector<std::string> k;
            std::stringstream ss(c.check);
            std::string part;
            while (std::getline(ss, part, '|')) k.push_back(part);
            ASSERT_EQ(k.size(), 4u) << c.check;
            EXPECT_EQ(valueOf(p, k[0], k[1], k[2]), k[3]);
        }
    }
}
