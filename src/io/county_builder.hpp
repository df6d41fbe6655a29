// Builds a county project from the public code lists (layout of shared/data/real): the 2023
// division codes (china-division), the 2016 codes with urban-rural class and GCJ-02 points
// (Vonng/adcode), and the county outline (AMap fence, GCJ-02). Links GDAL, PROJ and GEOS.
#pragma once
#include <string>
#include <vector>

#include "core/feedback.hpp"
#include "io/project_spec.hpp"

namespace ruralatlas::io {

struct CountyBuildReport {
    std::string countyName;
    int epsg = 0;
    long long townships = 0, townshipsWithSeat = 0;
    long long villages = 0, villagesWithPoint = 0;
    bool hasOutline = false;
    std::vector<std::string> withoutPoint;    // "code name"
    std::vector<std::string> codeChanged;     // "2016 code -> 2023 code name"
    std::vector<std::string> renamed;         // same code, other name
    std::vector<std::string> newSince2016;    // in 2023, nowhere in 2016
    std::vector<std::string> goneSince2016;   // in 2016, not in 2023
    std::vector<std::string> outsideOutline;  // points outside the county after conversion
    std::vector<std::string> notes;
};

CountyBuildReport buildCountyFromCodes(const std::string& countyCode, const std::string& dataDir, const std::string& out,
                                       Feedback& feedback, const FinishFile& finish = {});

}  // namespace ruralatlas::io
