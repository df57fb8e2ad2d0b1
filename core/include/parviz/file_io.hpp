#pragma once
// Reading input files and writing output files safely.
//
// Reading: parviz reads only regular files, and at most a stated number of
// bytes. A FIFO, a device (/dev/zero), a socket or a directory is refused at
// once, without blocking and without reading from it, with the reason named.
//
// Writing: an output file is written to a temporary file in the same directory
// and renamed over the target only when every byte is written, so the target
// holds either its old content or the complete new one, never a torn or empty
// file (an interrupt, a full disk or a crash midway leaves the old file alone).
// A target that exists and is not a regular file (/dev/null, /dev/stdout on a
// terminal) is written in place: renaming over it would replace the device.
#include <cstddef>
#include <cstdio>
#include <ostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parviz {

// what(): "<path>: <reason>"; reason() alone lets callers put the path in
// their own format (the scenario loader's "<file>: <field>: <reason>").
class FileError : public std::runtime_error {
public:
    FileError(const std::string& path, const std::string& reason)
        : std::runtime_error(path + ": " + reason), m_reason(reason) {}
    const std::string& reason() const noexcept { return m_reason; }

private:
    std::string m_reason;
};

// The whole content of the regular file at path. Throws FileError when the
// path does not exist or cannot be opened, names something that is not a
// regular file ("is a FIFO (named pipe), not a regular file"), holds more than
// maxBytes bytes (checked before reading and again while reading, so a file
// that grows is still capped), or cannot be read.
std::string readRegularFile(const std::string& path, std::size_t maxBytes);

// Checks, without creating or changing anything, that writeFileAtomic(path)
// can be expected to succeed: the path is not empty, not a directory, its
// directory exists and is writable, and an existing target is writable.
// Throws FileError naming the reason. (Used before a long run, so that a typo
// fails in a second; the write itself can of course still fail.)
void checkWritableOutput(const std::string& path);

// An output file being written: bytes go to a temporary file next to the
// target ("<path>.tmp-XXXXXX"); commit() flushes, fsyncs and renames it over
// the target. Destroying an uncommitted AtomicFile removes the temporary file
// and leaves the target untouched. A new file gets mode 0666 & ~umask; an
// existing one keeps its mode. A symlink to a regular file is followed: the
// file it points to is replaced, the link stays. Not copyable or movable.
class AtomicFile {
public:
    explicit AtomicFile(const std::string& path);   // throws FileError
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // A stream onto the temporary file; write errors are found by commit().
    std::ostream& stream();
    void write(std::string_view bytes) { stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size())); }
    // Throws FileError (and removes the temporary file) when any write failed.
    void commit();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// writeFileAtomic(path, bytes): AtomicFile, write, commit.
void writeFileAtomic(const std::string& path, std::string_view bytes);

} // namespace parviz
