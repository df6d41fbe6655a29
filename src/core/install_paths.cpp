#include "core/install_paths.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/error.hpp"

namespace ruralatlas {

namespace fs = std::filesystem;

namespace {
// Whether `inner` lies inside the folder `outer` (both absolute and normalised).
bool inside(const fs::path& inner, const fs::path& outer) {
    auto o = outer.begin();
    auto i = inner.begin();
    for (; o != outer.end(); ++o, ++i)
        if (i == inner.end() || *i != *o) return false;
    return true;
}
}  // namespace

std::string shippedDir(const std::string& what) {
    const std::string env = what == "data" ? "RURALATLAS_DATA_DIR" : what == "styles" ? "RURALATLAS_STYLES_DIR" : "RURALATLAS_PLUGINS_DIR";
    if (const char* v = std::getenv(env.c_str()); v && *v) return v;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    const fs::path build = fs::weakly_canonical(RURALATLAS_BUILD_TREE, ec);
    if (exe.empty() || inside(exe.lexically_normal(), build.lexically_normal())) return std::string(RURALATLAS_SOURCE_TREE) + "/" + what;
    const fs::path installed = exe.parent_path().parent_path() / "share" / "ruralatlas" / what;
    if (!fs::is_directory(installed, ec))
        throw DataError({installed.string()}, "RuralAtlas's " + what + " folder is not where the program (" + exe.string() +
                                                  ") expects it: install with `cmake --install BUILD --prefix PREFIX`, or set " + env +
                                                  " to the folder");
    return installed.string();
}

std::string pluginStylePath(const std::string& ref) {
    const auto slash = ref.find('/');
    if (slash == std::string::npos || slash == 0 || ref.find('/', slash + 1) != std::string::npos || ref.find("..") != std::string::npos)
        return {};
    return shippedDir("plugins") + "/" + ref.substr(0, slash) + "/styles/" + ref.substr(slash + 1);
}

std::vector<std::string> pluginStyleRefs() {
    std::vector<std::string> refs;
    std::error_code ec;
    const fs::path root = shippedDir("plugins");
    for (const auto& plugin : fs::directory_iterator(root, ec)) {
        std::error_code ec2;
        for (const auto& file : fs::directory_iterator(plugin.path() / "styles", ec2))
            if (file.path().extension() == ".json")
                refs.push_back(plugin.path().filename().string() + "/" + file.path().filename().string());
    }
    std::sort(refs.begin(), refs.end());
    return refs;
}

}  // namespace ruralatlas
