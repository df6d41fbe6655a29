#include "analysis/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "analysis/atlas_section.hpp"
#include "core/error.hpp"

namespace ruralatlas::analysis {

namespace {
std::optional<double> parseDouble(const std::string& s) {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (*end != '\0' || !std::isfinite(v)) return std::nullopt;
    return v;
}
}  // namespace

ParamValues ParamValues::validate(const AnalysisSpec& spec, const std::map<std::string, std::string>& raw, Output output) {
    ParamValues out;
    for (const auto& entry : raw) {
        const std::string& name = entry.first;  // a plain reference: clang 14 cannot capture a structured binding
        const bool known = std::any_of(spec.params.begin(), spec.params.end(), [&](const ParamSpec& p) { return p.name == name; });
        if (!known) throw UsageError("unknown parameter --" + name + " for " + spec.name);
    }
    for (const auto& p : spec.params) {
        auto it = raw.find(p.name);
        std::optional<std::string> v = it != raw.end() ? std::optional<std::string>(it->second) : p.defaultValue;
        if (!v) {
            if (p.required && !(output == Output::InMemory && p.type == ParamType::OutputPath))
                throw UsageError("--" + p.name + " is required (" + p.titleZh + " / " + p.titleEn + ")");
            continue;
        }
        switch (p.type) {
            case ParamType::Integer:
            case ParamType::Real: {
                auto d = parseDouble(*v);
                if (!d || (p.type == ParamType::Integer && std::fabs(*d - std::round(*d)) > 0))
                    throw UsageError("--" + p.name + " must be " + (p.type == ParamType::Integer ? "a whole number" : "a number") +
                                     ", not '" + *v + "'");
                if ((p.min && *d < *p.min) || (p.max && *d > *p.max)) {
                    char buf[128];
                    std::snprintf(buf, sizeof buf, " must be between %g and %g", p.min.value_or(-1e300), p.max.value_or(1e300));
                    throw UsageError("--" + p.name + buf);
                }
                break;
            }
            case ParamType::Choice:
                if (std::find(p.choices.begin(), p.choices.end(), *v) == p.choices.end()) {
                    std::string list;
                    for (const auto& c : p.choices) list += (list.empty() ? "" : "|") + c;
                    throw UsageError("--" + p.name + " must be one of " + list + ", not '" + *v + "'");
                }
                break;
            default:
                break;
        }
        out.m_values[p.name] = *v;
    }
    return out;
}

std::vector<std::string> Analysis::outputNames(const ParamValues&) const {
    std::vector<std::string> names;
    for (const OutputSpec& o : spec().outputs) names.push_back(o.name);
    return names;
}

AnalysisResult Analysis::runStandalone(const ParamValues&, Feedback&) const { throw UsageError(spec().name + " needs a PROJECT"); }

std::string ParamValues::text(const std::string& name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::string() : it->second;
}

long long ParamValues::integer(const std::string& name) const { return std::llround(real(name)); }

double ParamValues::real(const std::string& name) const {
    auto v = optionalReal(name);
    if (!v) throw UsageError("--" + name + " is required");
    return *v;
}

std::optional<double> ParamValues::optionalReal(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return parseDouble(it->second);
}

void Registry::add(std::unique_ptr<Analysis> analysis) {
    if (find(analysis->spec().name)) throw std::logic_error("analysis registered twice: " + analysis->spec().name);
    m_analyses.push_back(std::move(analysis));
}

const Analysis* Registry::find(const std::string& name) const {
    for (const auto& a : m_analyses)
        if (a->spec().name == name) return a.get();
    return nullptr;
}

const PluginInfo* Registry::pluginOf(const std::string& analysis) const {
    for (const auto& p : m_plugins)
        if (std::find(p.analyses.begin(), p.analyses.end(), analysis) != p.analyses.end()) return &p;
    return nullptr;
}

void Registry::checkPlugin(const PluginInfo& info, std::size_t firstAnalysis, std::size_t firstSection) const {
    const auto check = [&](std::vector<std::string> added, std::vector<std::string> declared, const char* what) {
        std::sort(added.begin(), added.end());
        std::sort(declared.begin(), declared.end());
        if (added == declared) return;
        std::string a, d;
        for (const auto& x : added) a += " " + x;
        for (const auto& x : declared) d += " " + x;
        throw std::logic_error("plugin " + info.name + " registers the " + what + a + " but its plugin.json declares" + d);
    };
    std::vector<std::string> analyses, sections;
    for (std::size_t i = firstAnalysis; i < m_analyses.size(); ++i) analyses.push_back(m_analyses[i]->spec().name);
    for (std::size_t i = firstSection; i < m_sections.size(); ++i) sections.push_back(m_sections[i]->name);
    check(analyses, info.analyses, "analyses");
    check(sections, info.sections, "atlas sections");
}

void Registry::addSection(SectionSpec spec) {
    if (section(spec.name)) throw std::logic_error("atlas section registered twice: " + spec.name);
    if (!spec.make) throw std::logic_error("atlas section " + spec.name + " has no factory");
    m_sections.push_back(std::make_shared<const SectionSpec>(std::move(spec)));
}

const SectionSpec* Registry::section(const std::string& name) const {
    for (const auto& s : m_sections)
        if (s->name == name) return s.get();
    return nullptr;
}

std::vector<const SectionSpec*> Registry::sections() const {
    std::vector<const SectionSpec*> out;
    for (const auto& s : m_sections) out.push_back(s.get());
    return out;
}

std::vector<const Analysis*> Registry::all() const {
    std::vector<const Analysis*> out;
    for (const auto& a : m_analyses) out.push_back(a.get());
    return out;
}

}  // namespace ruralatlas::analysis
