// Two writers at once, a full disk, and kills: the project is never left half-written.
#include <gtest/gtest.h>

#include <fstream>

#include "io/gdal_util.hpp"
#include "test_util.hpp"

using namespace ruralatlas::test;

namespace {
void writeClinics(const std::string& path, char prefix, int n) {
    std::ofstream f(path);
    f << "id,name,kind,lon,lat\n";
    for (int i = 0; i < n; ++i)
        f << prefix << i << ",卫生室" << i << ",village_clinic," << 109.7 + i * 1e-5 << "," << 29.0 + i * 1e-5 << "\n";
}
long long count(const std::string& project, const char* layer) {
    ruralatlas::io::DatasetPtr ds = ruralatlas::io::openVector(project, false);
    return ds->GetLayerByName(layer)->GetFeatureCount();
}
std::string readAll(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}
// Runs a bash script (written to a file: the commands hold quotes of their own).
int bash(const TempDir& dir, const std::string& script) {
    const auto path = dir.file("script.sh");
    std::ofstream(path) << script << "\n";
    return std::system(("bash " + quote(path)).c_str());
}
}  // namespace

// Two imports into one project at the same moment: the second waits for the first (SQLite's
// busy timeout) and both land whole.
TEST(Reliability, TwoWritersAtOnceBothLandWhole) {
    TempDir dir;
    const auto p = dir.file("p.gpkg");
    ASSERT_EQ(runCli("init " + quote(p) + " --county-code 433127 --name 永顺县").status, 0);
    writeClinics(dir.file("a.csv"), 'A', 20000);
    writeClinics(dir.file("b.csv"), 'B', 20000);
    const std::string ra = RURALATLAS_CLI;
    const std::string cmd = "cd " + quote(dir.file("")) + "\n(" + quote(ra) +
                            " import p.gpkg a.csv --into facilities > a.out 2>&1; echo $? > a.rc) &\n(" + quote(ra) +
                            " import p.gpkg b.csv --into facilities > b.out 2>&1; echo $? > b.rc) &\nwait";
    ASSERT_EQ(bash(dir, cmd), 0);
    EXPECT_EQ(readAll(dir.file("a.rc")), "0\n") << readAll(dir.file("a.out"));
    EXPECT_EQ(readAll(dir.file("b.rc")), "0\n") << readAll(dir.file("b.out"));
    EXPECT_EQ(count(p, "facilities"), 40000);
    EXPECT_EQ(runCli("validate " + quote(p)).status, 0);
}

// A full disk (a file-size limit here, RLIMIT_FSIZE with SIGXFSZ ignored, so writes fail as on a
// full disk): one clear line naming the project, exit status 1, nothing imported, and the layer's
// cached feature count (which GDAL rewrote on close after SQLite had rolled back) right again.
TEST(Reliability, DiskFullLeavesTheProjectUnchanged) {
    TempDir dir;
    const auto p = dir.file("p.gpkg");
    ASSERT_EQ(runCli("init " + quote(p) + " --county-code 433127 --name 永顺县").status, 0);
    writeClinics(dir.file("a.csv"), 'A', 20000);
    const std::string cmd = "trap '' XFSZ; ulimit -f 1000; " + quote(RURALATLAS_CLI) + " import " + quote(p) + " " +
                            quote(dir.file("a.csv")) + " --into facilities > " + quote(dir.file("out")) + " 2>&1; echo $? > " +
                            quote(dir.file("rc"));
    ASSERT_EQ(bash(dir, cmd), 0);
    const std::string out = readAll(dir.file("out"));
    EXPECT_EQ(readAll(dir.file("rc")), "1\n") << out;
    EXPECT_NE(out.find("p.gpkg: the changes could not be saved (is the disk full"), std::string::npos) << out;
    EXPECT_EQ(count(p, "facilities"), 0);
    EXPECT_EQ(runCli("validate " + quote(p)).status, 0);
}

// SIGKILL at seeded moments, two per command (tests/reliability/kill_test.sh 50 is the long run).
TEST(Reliability, KilledCommandsLeaveBeforeOrAfter) {
    const std::string cmd = "BUILD_DIR=" + quote(std::string(RURALATLAS_CLI).substr(0, std::string(RURALATLAS_CLI).rfind("/src/cli/"))) +
                            " bash " + quote(std::string(RURALATLAS_SOURCE_TREE) + "/tests/reliability/kill_test.sh") + " 2 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    ASSERT_NE(f, nullptr);
    std::string out;
    char buf[512];
    while (fgets(buf, sizeof buf, f)) out += buf;
    const int status = pclose(f);
    EXPECT_EQ(status, 0) << out;
    EXPECT_NE(out.find("atlas"), std::string::npos) << out;  // every command ran, the last one too
}
