// Result tables as an Office Open XML workbook (.xlsx) that Excel and WPS open: one sheet per
// table, named after its Chinese title; a caption row and headings over column groups as merged
// cells above the Chinese column titles; numbers as numbers with the columns' formats; the header
// frozen. Written to a temporary file and renamed into place, so a failure leaves no half file.
#pragma once
#include <string>
#include <vector>

#include "core/result_table.hpp"

namespace ruralatlas::io {

void writeXlsx(const std::string& path, const std::vector<ResultTable>& tables);

// "A", "B", ... "Z", "AA", ...: the letters of a 0-based column.
std::string xlsxColumn(std::size_t index);

}  // namespace ruralatlas::io
