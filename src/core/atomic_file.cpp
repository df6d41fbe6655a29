#include "core/atomic_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace ruralatlas {

std::string extensionOf(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    if (!ext.empty() && ext[0] == '.') ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

AtomicFile::AtomicFile(std::string finalPath) : m_final(std::move(finalPath)) {
    const std::filesystem::path p(m_final);
    m_tmp = (p.parent_path() / ("." + p.stem().string() + ".tmp" + std::to_string(::getpid()) + p.extension().string())).string();
    std::error_code ec;
    std::filesystem::remove(m_tmp, ec);
}

namespace {
void removeWithSideFiles(const std::string& path) {
    std::error_code ec;
    for (const char* side : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path + side, ec);
}
}  // namespace

AtomicFile::~AtomicFile() {
    if (!m_done) removeWithSideFiles(m_tmp);
}

ScratchFile::ScratchFile(std::string path) : m_path(std::move(path)) { removeWithSideFiles(m_path); }
ScratchFile::~ScratchFile() { removeWithSideFiles(m_path); }
void ScratchFile::remove() const { removeWithSideFiles(m_path); }

void AtomicFile::commit() {
    std::filesystem::rename(m_tmp, m_final);
    m_done = true;
}

}  // namespace ruralatlas
