#include "cli/commands.hpp"
namespace ruralatlas::cli {
Command countyFromCodesCommand() { return {CommandSpec{"county_from_codes", "", "", "", 0, 0, {}}, [](const Args&) { return 1; }}; }
}
