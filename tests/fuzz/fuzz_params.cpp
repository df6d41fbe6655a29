// Analysis parameters as the command line and the app pass them (analysis/analysis.cpp,
// ParamValues::validate) for every analysis of every plugin: any names and values are accepted
// with typed values in range, or refused with a UsageError.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>

#include "analysis/analysis.hpp"
#include "core/error.hpp"
#include "fuzz_util.hpp"

using namespace ruralatlas;
using namespace ruralatlas::analysis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Registry registry = [] {
        Registry r;
        registerAllPlugins(r);
        return r;
    }();
    static const std::vector<const Analysis*> all = registry.all();
    FuzzedDataProvider in(data, size);
    const Analysis* a = all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)];
    const AnalysisSpec& spec = a->spec();
    std::map<std::string, std::string> raw;
    const int n = in.ConsumeIntegralInRange(0, 6);
    for (int i = 0; i < n; ++i) {
        // Mostly real parameter names, sometimes any.
        std::string name = in.ConsumeBool() && !spec.params.empty()
                               ? spec.params[in.ConsumeIntegralInRange<std::size_t>(0, spec.params.size() - 1)].name
                               : in.ConsumeRandomLengthString(16);
        raw[name] = in.ConsumeRandomLengthString(24);
    }
    const auto output = in.ConsumeBool() ? ParamValues::Output::ToFile : ParamValues::Output::InMemory;
    try {
        const ParamValues v = ParamValues::validate(spec, raw, output);
        for (const auto& p : spec.params) {
            if (!v.has(p.name)) continue;
            if (p.type == ParamType::Integer) {
                const long long x = v.integer(p.name);
                if ((p.min && x < *p.min) || (p.max && x > *p.max)) fuzz::broken("an integer accepted outside its range");
            } else if (p.type == ParamType::Real) {
                const double x = v.real(p.name);
                if (!std::isfinite(x) || (p.min && x < *p.min) || (p.max && x > *p.max)) fuzz::broken("a real accepted outside its range");
            } else if (p.type == ParamType::Choice) {
                const std::string t = v.text(p.name);
                if (std::find(p.choices.begin(), p.choices.end(), t) == p.choices.end()) fuzz::broken("a choice accepted that is not one");
            } else {
                (void)v.text(p.name);
            }
        }
        (void)a->outputNames(v);
    } catch (const UsageError&) {
    } catch (const DataError&) {
    }
    return 0;
}
