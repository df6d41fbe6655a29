// ruralatlas county-from-codes: a real county's project from the public code lists.
#include <cstdio>

#include "cli/commands.hpp"
#include "core/json.hpp"
#include "host/qgis_styles.hpp"
#include "io/county_builder.hpp"

namespace ruralatlas::cli {

namespace {
void list(const char* title, const std::vector<std::string>& items) {
    std::printf("%s: %zu\n", title, items.size());
    for (const auto& s : items) std::printf("  %s\n", s.c_str());
}
std::string jsonList(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + jsonQuote(items[i]);
    return out + "]";
}
}  // namespace

Command countyFromCodesCommand() {
    CommandSpec spec{"county-from-codes",
                     "由公开区划代码生成真实县项目",
                     "Build a real county's project from the public code lists",
                     "--county 6DIGITS --data DIR --out FILE.gpkg",
                     0,
                     0,
                     {{"county", true, false, "county code (6 digits)", "CODE"},
                      {"data", true, false, "folder with the layout of shared/data/real (china-division/, vonng-adcode/)", "DIR"},
                      {"out", true, false, "output GeoPackage", "FILE"},
                      {"json", false, false, "print the report as JSON"}}};
    return {
        spec, [](const Args& a) {
            ProgressBar bar("county");
            Feedback fb([&bar](double f, const std::string& s) { bar.update(f, s); });
            const auto r = io::buildCountyFromCodes(a.require("county"), a.require("data"), a.require("out"), fb,
                                                    [&](const std::string& file) { host::writeQgisStyles(file, {}, a.require("out")); });
            if (a.has("json")) {
                std::printf(
                    "{\"county\": %s, \"name\": %s, \"epsg\": %d, \"townships\": %lld, \"villages\": %lld, \"villages_with_point\": %lld, "
                    "\"without_point\": %s, \"code_changed\": %s, \"renamed\": %s, \"new_since_2016\": %s, \"gone_since_2016\": %s, "
                    "\"outside_outline\": %s}\n",
                    jsonQuote(a.require("county")).c_str(), jsonQuote(r.countyName).c_str(), r.epsg, r.townships, r.villages,
                    r.villagesWithPoint, jsonList(r.withoutPoint).c_str(), jsonList(r.codeChanged).c_str(), jsonList(r.renamed).c_str(),
                    jsonList(r.newSince2016).c_str(), jsonList(r.goneSince2016).c_str(), jsonList(r.outsideOutline).c_str());
                return 0;
            }
            std::printf(
                "wrote %s: %s (%s), EPSG:%d, %lld townships (%lld with a seat point), %lld villages (%lld with a point), outline %s\n",
                a.require("out").c_str(), r.countyName.c_str(), a.require("county").c_str(), r.epsg, r.townships, r.townshipsWithSeat,
                r.villages, r.villagesWithPoint, r.hasOutline ? "yes" : "no");
            list("villages without a point (无坐标)", r.withoutPoint);
            list("codes changed 2016 -> 2023 (代码变更)", r.codeChanged);
            list("renamed, same code (更名)", r.renamed);
            list("new since 2016, no 2016 record (新增)", r.newSince2016);
            list("in 2016, not in 2023 (撤并或撤销)", r.goneSince2016);
            list("points outside the county outline (县界外)", r.outsideOutline);
            for (const auto& n : r.notes) std::printf("note: %s\n", n.c_str());
            return 0;
        }};
}

}  // namespace ruralatlas::cli
