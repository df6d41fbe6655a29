#include "cli/commands.hpp"
namespace ruralatlas::cli {
Command validateCommand() { return {CommandSpec{"validate", "", "", "", 0, 0, {}}, [](const Args&) { return 1; }}; }
}
