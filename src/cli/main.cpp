// ruralatlas: the command line. Exit status 0 success, 1 data or analysis error, 2 usage error.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/error.hpp"

using namespace ruralatlas;

namespace {
std::vector<cli::Command> allCommands(const analysis::Registry& registry) {
    std::vector<cli::Command> out = {cli::initCommand(),
                                     cli::upgradeCommand(),
                                     cli::infoCommand(),
                                     cli::validateCommand(),
                                     cli::demoCommand(),
                                     cli::importCommand(),
                                     cli::exportCommand(),
                                     cli::countyFromCodesCommand(),
                                     cli::renderCommand(),
                                     cli::atlasCommand(registry),
                                     cli::pluginsCommand(registry),
                                     cli::qgisStylesCommand(),
                                     cli::serverCommand(),
                                     cli::pushCommand(),
                                     cli::pullCommand(),
                                     cli::syncCommand()};
    for (const auto* a : registry.all()) out.push_back(cli::analysisCommand(*a));
    return out;
}

void printUsage(const std::vector<cli::Command>& commands) {
    std::printf("RuralAtlas 乡村规划图集工具\n\n用法 / usage: ruralatlas COMMAND [args] [--help]\n\n");
    for (const auto& c : commands)
        std::printf("  %-18s %s / %s\n", c.spec.name.c_str(), c.spec.summaryZh.c_str(), c.spec.summaryEn.c_str());
}
}  // namespace

int main(int argc, char** argv) {
    analysis::Registry registry;
    analysis::registerAllPlugins(registry);
    const auto commands = allCommands(registry);
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        printUsage(commands);
        return argc < 2 ? 2 : 0;
    }
    const std::string name = argv[1];
    const cli::Command* cmd = nullptr;
    for (const auto& c : commands)
        if (c.spec.name == name) cmd = &c;
    if (!cmd) {
        std::fprintf(stderr, "ruralatlas: error: unknown command '%s' (run 'ruralatlas --help')\n", name.c_str());
        return 2;
    }
    try {
        cli::Args args(cmd->spec, std::vector<std::string>(argv + 2, argv + argc));
        if (args.helpRequested()) {
            std::printf("%s", cmd->spec.help().c_str());
            return 0;
        }
        return cmd->run(args);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "ruralatlas %s: usage error: %s\n", name.c_str(), e.what());
        return 2;
    } catch (const DataError& e) {
        std::fprintf(stderr, "ruralatlas %s: error: %s\n", name.c_str(), e.what());
        return 1;
    } catch (const Cancelled&) {
        std::fprintf(stderr, "ruralatlas %s: cancelled\n", name.c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ruralatlas %s: error: %s\n", name.c_str(), e.what());
        return 1;
    }
}
