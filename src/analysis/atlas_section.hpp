// What a module prints in an atlas: a section a layout's table frame names by `source`. A
// section says which analyses it needs before the pages are drawn; the atlas makes sure their
// result layers are among the atlas' result layers (given as files with --result, else run in
// memory), hands them over once (prepare), and then asks for each page's rows as plain text (no
// Qt: the atlas lays them out, as a ruled table or as paragraphs). Plugins register section
// factories into the Registry; an atlas makes one section per run, so what a section keeps
// between prepare() and the pages is its own.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analysis.hpp"
#include "core/feature_source.hpp"
#include "core/standards.hpp"

namespace ruralatlas::analysis {

enum class SectionAlign { Left, Right, Center };

// A chart a section gives for a layout's chart frame: one value per category (the x axis, e.g.
// years) per series, all in one unit. Lines join the values of a series (a gap where a value is
// NaN); bars stand side by side per category.
struct SectionChart {
    enum class Kind { Lines, Bars };
    Kind kind = Kind::Lines;
    std::vector<std::string> categories;
    struct Series {
        std::string name;
        std::vector<double> values;  // one per category; NaN: no value
    };
    std::vector<Series> series;
    std::string unit;  // printed on the value axis
};

struct SectionTable {
    std::vector<std::string> header;  // empty: no header row
    std::vector<double> widths;       // relative column widths
    std::vector<SectionAlign> align;  // per column
    std::vector<std::vector<std::string>> rows;
    std::string empty = "无";  // printed when there are no rows
    bool paragraphs = false;   // print the first column of each row as a paragraph instead
    SectionChart chart;        // what a chart frame naming the section draws (no series: `empty`)
};

// The page a section prints on.
struct SectionPage {
    std::string kind;  // townships | villages | resettlement_sites
    std::string code, name;
    std::string townshipCode;               // villages: their township
    std::vector<std::string> villageCodes;  // townships: their villages
};

// An analysis a section needs, with its parameters (no output file: results stay in memory). It
// is not run when every output of the analysis (AnalysisSpec::outputs) is already among the
// result layers (a --result file).
struct SectionNeed {
    std::string analysis;
    std::map<std::string, std::string> params;
    // A book of one village may run the analysis for that village alone (params["village"]):
    // the section reads the same result layers either way. Falls back to the whole county when
    // the analysis refuses the village.
    bool oneVillage = false;
};

// A village as the atlas knows it (every village of the project).
struct SectionVillage {
    std::string code, name, townshipCode, status;
    long long population = 0;
    bool populationKnown = true;  // false: the villages layer leaves it empty (0 above)
};

// What a section is given once, before any page.
struct SectionInputs {
    // The atlas' result layers: the given result files, then what the layout and the sections'
    // needs ran in memory. A layer name is looked up in this order (findResultLayer).
    std::vector<FeatureSource*> layers;
    // The coverage the layout asks for ("analyses": {"coverage": [...]}), as (kind, mode), in order.
    std::vector<std::pair<std::string, std::string>> coverage;
    std::vector<SectionVillage> villages;
    // The project's standards table: sections judge "met" by these and print which rule.
    std::vector<Standard> standards;
    std::string layoutFile;  // for messages
};

// The first source of `layers` that has `layer`, or nullptr.
inline FeatureSource* findResultLayer(const std::vector<FeatureSource*>& layers, const std::string& layer) {
    for (FeatureSource* s : layers)
        if (s->layerInfo(layer)) return s;
    return nullptr;
}

class AtlasSection {
public:
    virtual ~AtlasSection() = default;
    // Called once before any page. Throws DataError naming the source when a result layer it
    // reads lacks a field it needs.
    virtual void prepare(const SectionInputs& inputs) = 0;
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
