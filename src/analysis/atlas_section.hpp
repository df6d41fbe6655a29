// What a module prints in an atlas: a section a layout's table frame names by `source`. A
// section says which analyses it needs run before the pages are drawn, takes their results once,
// and then gives each page's rows as plain text (no Qt: the atlas lays them out, as a ruled table
// or as paragraphs). Plugins register section factories into the Registry; an atlas makes one
// section per run, so what a section keeps between prepare() and the pages is its own.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analysis.hpp"

namespace ruralatlas::analysis {

enum class SectionAlign { Left, Right, Center };

struct SectionTable {
    std::vector<std::string> header;  // empty: no header row
    std::vector<double> widths;       // relative column widths
    std::vector<SectionAlign> align;  // per column
    std::vector<std::vector<std::string>> rows;
    std::string empty = "无";  // printed when there are no rows
    bool paragraphs = false;   // print the first column of each row as a paragraph instead
};

// The page a section prints on.
struct SectionPage {
    std::string kind;  // townships | villages | resettlement_sites
    std::string code, name;
    std::string townshipCode;               // villages: their township
    std::vector<std::string> villageCodes;  // townships: their villages
};

// An analysis a section needs, with its parameters (no output file: results stay in memory).
struct SectionNeed {
    std::string analysis;
    std::map<std::string, std::string> params;
};

class AtlasSection {
public:
    virtual ~AtlasSection() = default;
    // Called once before any page, with one result per need, in the order of needs().
    virtual void prepare(const std::vector<AnalysisResult>& results) = 0;
    // The rows for one page. Called from several threads at once after prepare(): read only.
    virtual SectionTable table(const SectionPage& page) const = 0;
};

struct SectionSpec {
    std::string name;  // what a layout's table frame gives as "source"
    std::string titleZh;
    std::string titleEn;
    std::vector<std::string> pageKinds;  // townships | villages | resettlement_sites
    std::vector<SectionNeed> needs;
    std::function<std::unique_ptr<AtlasSection>()> make;
};

}  // namespace ruralatlas::analysis
