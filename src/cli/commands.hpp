// One subcommand per file (command_*.cpp): each parses in its spec and calls the library.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "analysis/analysis.hpp"
#include "cli/args.hpp"

namespace ruralatlas::cli {

struct Command {
    CommandSpec spec;
    std::function<int(const Args&)> run;  // returns the exit status
};

Command initCommand();
Command upgradeCommand();
Command infoCommand();
Command demoCommand();
Command importCommand();
Command exportCommand();
Command validateCommand();
Command countyFromCodesCommand();
Command renderCommand();
Command qgisStylesCommand();
Command serverCommand();
Command pushCommand();
Command pullCommand();
Command syncCommand();
Command atlasCommand(const analysis::Registry& registry);
Command pluginsCommand(const analysis::Registry& registry);
Command analysisCommand(const analysis::Analysis& analysis);

}  // namespace ruralatlas::cli
