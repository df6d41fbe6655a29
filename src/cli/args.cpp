#include "cli/args.hpp"

#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "core/error.hpp"

namespace ruralatlas::cli {

std::string CommandSpec::help() const {
    std::ostringstream out;
    out << "用法 / usage: ruralatlas " << name << " " << usage << " [options]\n\n"
        << summaryZh << "\n"
        << summaryEn << "\n\n选项 / options:\n";
    for (const auto& o : options) {
        std::string left = "  --" + o.name + (o.takesValue ? " " + o.metavar : "");
        if (left.size() < 30)
            left.resize(30, ' ');
        else
            left += "  ";
        out << left << o.help << (o.repeatable ? " (repeatable)" : "") << "\n";
    }
    out << "  --help                      this help\n";
    return out.str();
}

Args::Args(const CommandSpec& spec, const std::vector<std::string>& tokens) : m_spec(spec) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string& t = tokens[i];
        if (t == "--help" || t == "-h") {
            m_help = true;
            return;
        }
        if (t.rfind("--", 0) == 0 && t.size() > 2) {
            std::string name = t.substr(2), value;
            bool inlineValue = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inlineValue = true;
            }
            const OptionSpec* o = nullptr;
            for (const auto& cand : spec.options)
                if (cand.name == name) o = &cand;
            if (!o) throw UsageError("unknown option --" + name + " (see 'ruralatlas " + spec.name + " --help')");
            if (o->takesValue && !inlineValue) {
                if (i + 1 >= tokens.size()) throw UsageError("--" + name + " needs a value");
                value = tokens[++i];
            }
            if (!o->takesValue && inlineValue) throw UsageError("--" + name + " takes no value");
            if (!o->repeatable && m_values.count(name)) throw UsageError("--" + name + " given twice");
            m_values.emplace(name, value);
        } else {
            m_positional.push_back(t);
        }
    }
    if (static_cast<int>(m_positional.size()) < spec.minPositional)
        throw UsageError("missing argument: ruralatlas " + spec.name + " " + spec.usage);
    if (static_cast<int>(m_positional.size()) > spec.maxPositional)
        throw UsageError("unexpected argument '" + m_positional[spec.maxPositional] + "' (usage: ruralatlas " + spec.name + " " +
                         spec.usage + ")");
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

std::string Args::require(const std::string& name) const {
    auto v = value(name);
    if (!v || v->empty()) throw UsageError("--" + name + " is required (usage: ruralatlas " + m_spec.name + " " + m_spec.usage + ")");
    return *v;
}

std::vector<std::string> Args::values(const std::string& name) const {
    std::vector<std::string> out;
    auto [a, b] = m_values.equal_range(name);
    for (auto it = a; it != b; ++it) out.push_back(it->second);
    return out;
}

long long Args::integer(const std::string& name, long long fallback, long long min, long long max) const {
    auto v = value(name);
    if (!v) return fallback;
    long long n = 0;
    std::size_t used = 0;
    try {
        n = std::stoll(*v, &used);
    } catch (...) {
        used = 0;
    }
    if (used == 0 || used != v->size()) throw UsageError("--" + name + " must be a whole number, not '" + *v + "'");
    if (n < min || n > max) throw UsageError("--" + name + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return n;
}

ProgressBar::ProgressBar(std::string label) : m_label(std::move(label)), m_tty(::isatty(2) != 0) {}

ProgressBar::~ProgressBar() {
    if (m_tty && m_last >= 0) std::fprintf(stderr, "\n");
}

void ProgressBar::update(double fraction, const std::string& stage) {
    if (!m_tty) return;
    const int pct = static_cast<int>(fraction * 100.0 + 0.5);
    if (pct == m_last && stage == m_lastStage) return;
    m_last = pct;
    m_lastStage = stage;
    const int width = 30, filled = pct * width / 100;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %3d%% %-40s", m_label.c_str(), bar.c_str(), pct, stage.c_str());
    std::fflush(stderr);
}

}  // namespace ruralatlas::cli
