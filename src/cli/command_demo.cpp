#include "cli/commands.hpp"
namespace ruralatlas::cli {
Command demoCommand() { return {CommandSpec{"demo", "", "", "", 0, 0, {}}, [](const Args&) { return 1; }}; }
}
