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

// A scratch file beside the data (a staging GeoPackage): any old copy is removed when this is
// made, and the file with SQLite's side files when it goes out of scope, whatever happened.
class ScratchFile {
public:
    explicit ScratchFile(std::string path);
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
    const std::string& path() const { return m_path; }
    void remove() const;  // now (before writing it again)

private:
    std::string m_path;
};

}  // namespace ruralatlas
