#include "cli/commands.hpp"
namespace ruralatlas::cli {
Command importCommand() { return {CommandSpec{"import", "", "", "", 0, 0, {}}, [](const Args&) { return 1; }}; }
}
