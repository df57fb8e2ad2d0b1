#pragma once
// Plain-text tables for the terminal summaries (stats.cpp, sweep_report.cpp).
#include <algorithm>
#include <string>
#include <vector>

namespace parviz::detail {

// One line per row, each starting with `indent`; columns two spaces apart,
// widths from the content (in bytes), left-aligned except those marked in
// `rightAligned`; trailing spaces trimmed.
inline std::string formatTable(const std::vector<std::vector<std::string>>& rows,
                               const std::vector<bool>& rightAligned = {}, const std::string& indent = "  ") {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) {
            if (width.size() <= c) width.push_back(0);
            width[c] = std::max(width[c], r[c].size());
        }
    std::string out;
    for (const auto& r : rows) {
        std::string line = indent;
        for (std::size_t c = 0; c < r.size(); ++c) {
            const std::string pad(width[c] - r[c].size(), ' ');
            const bool right = c < rightAligned.size() && rightAligned[c];
            line += right ? pad + r[c] : r[c] + pad;
            if (c + 1 < r.size()) line += "  ";
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

} // namespace parviz::detail
