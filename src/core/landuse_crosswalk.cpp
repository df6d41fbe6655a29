#include "landuse_crosswalk.hpp"

#include <fstream>
#include <sstream>

#include "error.hpp"
#include "install_paths.hpp"
#include "landuse.hpp"

namespace ruralatlas {

namespace {
std::string trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    std::string out(s.substr(b, e - b + 1));
    // A byte-order mark at the start of the file.
    if (out.rfind("\xEF\xBB\xBF", 0) == 0) out.erase(0, 3);
    return out;
}

// One CSV line: fields split at commas outside double quotes ("" inside quotes is a quote).
std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    for (auto& f : out) f = trimmed(f);
    return out;
}
}  // namespace

LanduseCrosswalk LanduseCrosswalk::load(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw DataError({file}, "cannot read the land-use crosswalk");
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), file);
}

LanduseCrosswalk LanduseCrosswalk::parse(std::string_view whole, const std::string& file) {
    std::istringstream in{std::string(whole)};
    LanduseCrosswalk cw;
    cw.m_file = file;
    std::string line;
    int n = 0;
    bool header = false;
    while (std::getline(in, line)) {
        ++n;
        const std::string t = trimmed(line);
        if (t.empty() || t[0] == '#') continue;
        std::vector<std::string> f = splitCsv(t);
        const std::string row = "line " + std::to_string(n);
        if (!header) {
            if (f.size() < 3 || f[0] != "from_code" || f[1] != "from_name" || f[2] != "to_code")
                throw DataError({file, "", row}, "the first row must be the header from_code,from_name,to_code,note");
            header = true;
            continue;
        }
        if (f.size() < 3) throw DataError({file, "", row}, "a row needs from_code, from_name and to_code");
        if (f[0].empty()) throw DataError({file, "", row, "from_code"}, "from_code is empty");
        if (!isLanduseCode(f[2]))
            throw DataError({file, "", row, "to_code"},
                            "to_code '" + f[2] + "' is not a class of the 2023 用地用海分类 (自然资发〔2023〕234号)");
        if (cw.find(f[0])) throw DataError({file, "", row, "from_code"}, "from_code '" + f[0] + "' has a row already");
        CrosswalkRow r{f[0], f[1], f[2], f.size() > 3 ? f[3] : std::string{}, n};
        for (std::size_t i = 4; i < f.size(); ++i) r.note += "," + f[i];  // an unquoted comma in the note
        cw.m_rows.push_back(std::move(r));
    }
    if (!header) throw DataError({file}, "the crosswalk is empty (it needs the header from_code,from_name,to_code,note)");
    return cw;
}

LanduseCrosswalk LanduseCrosswalk::shipped(const std::string& name) {
    const std::string dir = shippedDir("data") + "/landuse_crosswalk/";
    if (name == "sandiao") return load(dir + "sandiao_to_2023.csv");
    if (name == "trial2020") return load(dir + "trial2020_to_2023.csv");
    throw UsageError("unknown shipped crosswalk '" + name + "' (sandiao, trial2020)");
}

const CrosswalkRow* LanduseCrosswalk::find(std::string_view fromCode) const {
    for (const auto& r : m_rows)
        if (r.fromCode == fromCode) return &r;
    return nullptr;
}

bool LanduseCrosswalk::reaches(std::string_view code) const {
    for (const auto& r : m_rows) {
        const std::string_view to = r.toCode;
        if (code.substr(0, to.size()) == to || to.substr(0, code.size()) == code) return true;
        // A current class may be refined past the crosswalk by supplementary survey (补充调查)
        // within the first-level class a survey class reaches (0704 农村社区服务设施用地 from a
        // village's 08H2): only a first-level class no survey class reaches (16 留白用地) cannot
        // be current land use.
        if (code.size() >= 2 && to.size() >= 2 && code.substr(0, 2) == to.substr(0, 2)) return true;
    }
    return false;
}

SurveyClassMapping mapSurveyClass(const LanduseCrosswalk& survey, const LanduseCrosswalk& trial, std::string_view rawCode,
                                  std::string_view rawName) {
    const std::string code = trimmed(rawCode), name = trimmed(rawName);
    SurveyClassMapping m;
    auto fromRow = [&](const CrosswalkRow& r, SurveyClassMapping::Kind kind) {
        m.kind = kind;
        m.toCode = r.toCode;
        m.note = r.note;
        m.refine = r.toCode.size() < 4 || r.note.rfind("refine", 0) == 0 || r.note.find("; refine") != std::string::npos;
        return m;
    };
    if (code.empty()) {
        m.reason = "the code is empty";
        return m;
    }
    const CrosswalkRow* s = survey.find(code);
    if (s && (name.empty() || name == s->fromName)) return fromRow(*s, SurveyClassMapping::Kind::Survey);
    if (!name.empty() && landuseTitle(code) == name) {
        m.kind = SurveyClassMapping::Kind::Current;
        m.toCode = code;
        return m;
    }
    if (const CrosswalkRow* t = trial.find(code); t && !name.empty() && name == t->fromName)
        return fromRow(*t, SurveyClassMapping::Kind::Trial2020);
    // A trial-only code (no 2023 class has it) needs no name to be recognised.
    if (const CrosswalkRow* t = trial.find(code); t && !isLanduseCode(code) && !s) return fromRow(*t, SurveyClassMapping::Kind::Trial2020);
    if (s)
        m.reason = "the name '" + name + "' is not the survey class " + code + " (" + s->fromName + ") of " + survey.file();
    else
        m.reason = "no row for " + code + (name.empty() ? "" : " (" + name + ")") + " in " + survey.file();
    return m;
}

}  // namespace ruralatlas
