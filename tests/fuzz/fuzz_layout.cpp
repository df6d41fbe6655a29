// Atlas layout templates (atlas/layout.cpp) for each page kind: load or throw DataError naming
// file and line. The first byte picks the page kind.
#include "atlas/layout.hpp"
#include "core/error.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    using ruralatlas::atlas::PageKind;
    const PageKind kinds[] = {PageKind::Townships, PageKind::Villages, PageKind::ResettlementSites};
    const PageKind kind = kinds[data[0] % 3];
    const std::string path = fuzz::writeScratch("layout.json", fuzz::asText(data + 1, size - 1));
    try {
        const auto layout = ruralatlas::atlas::loadLayout(path, kind, {"services", "summary"});
        for (const auto& f : layout.frames) (void)ruralatlas::atlas::placeholders(f.text);
    } catch (const ruralatlas::DataError&) {
    } catch (const ruralatlas::UsageError&) {
    }
    return 0;
}
