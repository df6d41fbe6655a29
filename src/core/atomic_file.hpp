// Files written whole or not at all, and file-name helpers. Plain C++ (std::filesystem).
#pragma once
#include <string>

namespace ruralatlas {

// Lower-case file extension without the dot ("shp", "gpkg"); "" when none.
std::string extensionOf(const std::string& path);

// Writes to `tempPath()` (a hidden file beside the final one) and renames onto the final path only
// when the work succeeded (`commit()`); removes the temporary file (and SQLite's side files)
// otherwise, so a failed or cancelled write never leaves a half-written file.
class AtomicFile {
public:
    explicit AtomicFile(std::string finalPath);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    const std::string& tempPath() const { return m_tmp; }
    void commit();  // rename tmp -> final

private:
    std::string m_final;
    std::string m_tmp;
    bool m_done = false;
};

}  // namespace ruralatlas
