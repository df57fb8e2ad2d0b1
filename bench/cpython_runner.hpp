#pragma once
// Runs one of the CPython counterparts in bench/ and returns the number it
// printed after `key ` (or its first number when key is empty); -1 on failure.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

inline double runCpythonBench(const std::string& scriptAndArgs, const char* key) {
    const std::string cmd = "/usr/bin/python3 " PARVIZ_SOURCE_DIR "/bench/" + scriptAndArgs;
    FILE* f = popen(cmd.c_str(), "r");
    if (!f) return -1;
    char line[256] = {};
    double v = -1;
    const std::size_t klen = std::strlen(key);
    while (std::fgets(line, sizeof line, f)) {
        if (klen == 0) { v = std::atof(line); break; }
        if (std::strncmp(line, key, klen) == 0 && line[klen] == ' ') v = std::atof(line + klen + 1);
    }
    pclose(f);
    return v;
}
