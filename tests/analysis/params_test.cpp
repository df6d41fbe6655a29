#include <gtest/gtest.h>

#include "analysis/analysis.hpp"
#include "core/error.hpp"

using namespace ruralatlas;
using namespace ruralatlas::analysis;

namespace {
AnalysisSpec spec() {
    return {"t",
            "测试",
            "Test",
            {{"mode", ParamType::Choice, "方式", "Mode", std::string("straight"), {}, {}, {"straight", "road"}},
             {"threshold", ParamType::Real, "阈值", "Threshold", std::nullopt, 0.0, 100.0},
             {"n", ParamType::Integer, "数量", "Count", std::string("3"), 1.0, 9.0},
             {"out", ParamType::OutputPath, "输出", "Output", std::nullopt, {}, {}, {}, true}},
            {}};
}
}  // namespace

TEST(ParamValues, AppliesDefaultsAndChecksTypesRangesAndChoices) {
    const auto v = ParamValues::validate(spec(), {{"out", "x.csv"}});
    EXPECT_EQ(v.text("mode"), "straight");
    EXPECT_EQ(v.integer("n"), 3);
    EXPECT_FALSE(v.optionalReal("threshold"));
    EXPECT_THROW(ParamValues::validate(spec(), {}), UsageError);                                    // out required
    EXPECT_THROW(ParamValues::validate(spec(), {{"out", "x"}, {"mode", "walk"}}), UsageError);      // not a choice
    EXPECT_THROW(ParamValues::validate(spec(), {{"out", "x"}, {"threshold", "101"}}), UsageError);  // out of range
    EXPECT_THROW(ParamValues::validate(spec(), {{"out", "x"}, {"threshold", "3km"}}), UsageError);  // not a number
    EXPECT_THROW(ParamValues::validate(spec(), {{"out", "x"}, {"n", "2.5"}}), UsageError);          // not whole
    EXPECT_THROW(ParamValues::validate(spec(), {{"out", "x"}, {"colour", "red"}}), UsageError);     // unknown
}

TEST(Registry, ServicesPluginRegistersCoverageAndGaps) {
    Registry r;
    registerAllPlugins(r);
    ASSERT_NE(r.find("coverage"), nullptr);
    ASSERT_NE(r.find("gaps"), nullptr);
    EXPECT_EQ(r.find("coverage")->spec().titleZh, "公共服务覆盖分析");
    EXPECT_THROW(registerAllPlugins(r), std::logic_error);  // twice is a programming error
}

namespace {
class Fixed final : public Analysis {
public:
    explicit Fixed(std::string name) { m_spec.name = std::move(name); }
    const AnalysisSpec& spec() const override { return m_spec; }
    AnalysisResult run(ProjectSource&, const ParamValues&, Feedback&) const override { return {}; }

private:
    AnalysisSpec m_spec;
};
}  // namespace

TEST(Registry, PluginsKeepTheirPluginJsonAndMustRegisterWhatItDeclares) {
    Registry r;
    registerAllPlugins(r);
    ASSERT_GE(r.plugins().size(), 2u);
    ASSERT_NE(r.pluginOf("coverage"), nullptr);
    EXPECT_EQ(r.pluginOf("coverage")->name, "services");
    EXPECT_EQ(r.pluginOf("coverage")->titleZh, "公共服务覆盖与短板分析");
    EXPECT_FALSE(r.pluginOf("coverage")->version.empty());
    for (const auto* a : r.all()) EXPECT_NE(r.pluginOf(a->spec().name), nullptr) << a->spec().name << " belongs to no plugin";

    Registry fresh;
    const auto addOne = [](Registry& reg) { reg.add(std::make_unique<Fixed>("one")); };
    EXPECT_NO_THROW(fresh.addPlugin({"p", "甲", "P", "1", {"one"}}, addOne));
    EXPECT_THROW(fresh.addPlugin({"q", "乙", "Q", "1", {"two"}}, [](Registry& reg) { reg.add(std::make_unique<Fixed>("three")); }),
                 std::logic_error);  // declares two, registers three
    EXPECT_THROW(fresh.addPlugin({"s", "丙", "S", "1", {"four", "five"}}, [](Registry& reg) { reg.add(std::make_unique<Fixed>("four")); }),
                 std::logic_error);  // declares one more than it registers
    EXPECT_EQ(fresh.plugins().size(), 1u);
}
