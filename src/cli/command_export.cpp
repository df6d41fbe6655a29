#include "cli/commands.hpp"
namespace ruralatlas::cli {
Command exportCommand() { return {CommandSpec{"export", "", "", "", 0, 0, {}}, [](const Args&) { return 1; }}; }
}
