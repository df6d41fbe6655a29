// Crosswalks into the 2023 land-use classification (core/landuse.hpp): from the 三调 working
// classification (the DLBM/DLMC of a survey's DLTB layer) and from the 2020 trial edition. The
// tables are data files (data/landuse_crosswalk/*.csv) a county can copy and correct.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ruralatlas {

struct CrosswalkRow {
    std::string fromCode, fromName, toCode, note;
    int line = 0;  // in the file, for messages
};

class LanduseCrosswalk {
public:
    // Reads FILE (CSV: from_code,from_name,to_code,note; '#' lines are comments). Throws
    // DataError naming the file, line and column for a malformed row or a to_code outside the 2023
    // classification.
    static LanduseCrosswalk load(const std::string& file);
    // The same from text already read; `file` names it in messages.
    static LanduseCrosswalk parse(std::string_view text, const std::string& file);
    // The shipped tables: "sandiao" (三调 -> 2023) and "trial2020" (2020 trial -> 2023).
    static LanduseCrosswalk shipped(const std::string& name);

    const CrosswalkRow* find(std::string_view fromCode) const;
    const std::vector<CrosswalkRow>& rows() const { return m_rows; }
    const std::string& file() const { return m_file; }
    // True when some row maps into the first-level class of `code2023`: a current (现状) parcel
    // with this code can have come from the survey, refined by supplementary survey.
    bool reaches(std::string_view code2023) const;

private:
    std::string m_file;
    std::vector<CrosswalkRow> m_rows;
};

// How one survey class (DLBM with its DLMC, the name may be empty) becomes a 2023 class.
struct SurveyClassMapping {
    enum class Kind {
        Survey,     // a 三调 class, through the survey crosswalk
        Current,    // already a 2023 class (code and name agree with the 2023 edition)
        Trial2020,  // a class of the 2020 trial edition, through its crosswalk (warn)
        Unmapped,   // no row: listed, never guessed
    };
    Kind kind = Kind::Unmapped;
    std::string toCode;
    std::string note;     // the crosswalk row's note
    bool refine = false;  // mapped to a parent class spanning several 2023 classes
    std::string reason;   // for Unmapped: why, in English
};

SurveyClassMapping mapSurveyClass(const LanduseCrosswalk& survey, const LanduseCrosswalk& trial, std::string_view code,
                                  std::string_view name);

}  // namespace ruralatlas
