// Regular-file reading with a size cap, and atomic output files (file_io.hpp).
#include "parviz/file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <streambuf>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace parviz {

namespace {

std::string errnoText(int err) { return std::strerror(err); }

// Why a file of this type is not read: "is a FIFO (named pipe)".
std::string notRegular(mode_t mode) {
    const char* what = "is not a regular file";
    if (S_ISDIR(mode)) what = "is a directory";
    else if (S_ISFIFO(mode)) what = "is a FIFO (named pipe)";
    else if (S_ISCHR(mode)) what = "is a character device";
    else if (S_ISBLK(mode)) what = "is a block device";
    else if (S_ISSOCK(mode)) what = "is a socket";
    return std::string(what) + ", not a regular file (parviz reads only regular files)";
}

std::string tooLarge(std::size_t maxBytes, const std::string& size) {
    return "file too large: " + size + " bytes, at most " + std::to_string(maxBytes);
}

// Closes an fd on every path out of a function.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string dirOf(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

mode_t defaultMode() {
    // umask can only be read by setting it; nothing else in parviz changes it.
    mode_t old = ::umask(022);
    ::umask(old);
    return 0666 & ~old;
}

// A streambuf writing to a file descriptor; remembers the first error.
class FdBuf : public std::streambuf {
public:
    explicit FdBuf(int fd) : m_fd(fd), m_buf(1 << 16) { setp(m_buf.data(), m_buf.data() + m_buf.size()); }
    int error() const noexcept { return m_err; }

protected:
    int overflow(int c) override {
        if (!flushBuf()) return traits_type::eof();
        if (c != traits_type::eof()) {
            *pptr() = static_cast<char>(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return flushBuf() ? 0 : -1; }

private:
    bool flushBuf() {
        const char* p = pbase();
        std::size_t n = static_cast<std::size_t>(pptr() - pbase());
        while (n > 0 && m_err == 0) {
            ssize_t w = ::write(m_fd, p, n);
            if (w < 0 && errno == EINTR) continue;   // a signal (Ctrl-C) must not lose the write
            if (w <= 0) {
                m_err = w < 0 ? errno : EIO;
                break;
            }
            p += w;
            n -= static_cast<std::size_t>(w);
        }
        setp(m_buf.data(), m_buf.data() + m_buf.size());
        return m_err == 0;
    }
    int m_fd;
    std::vector<char> m_buf;
    int m_err = 0;
};

} // namespace

std::string readRegularFile(const std::string& path, std::size_t maxBytes) {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer. It is
    // cleared again before reading (a regular file ignores it anyway).
    Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0) {
        int err = errno;
        if (err == ENOENT) throw FileError(path, "no such file");
        throw FileError(path, "cannot open the file: " + errnoText(err));
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) throw FileError(path, "cannot read the file: " + errnoText(errno));
    if (!S_ISREG(st.st_mode)) throw FileError(path, notRegular(st.st_mode));
    if (static_cast<std::uint64_t>(st.st_size) > maxBytes)
        throw FileError(path, tooLarge(maxBytes, std::to_string(st.st_size)));
    ::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);

    std::string out;
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t have = 0;
    for (;;) {
        if (have == out.size()) {
            // The file may have grown since fstat: read on, but never past the cap.
            if (out.size() > maxBytes) throw FileError(path, tooLarge(maxBytes, "more than " + std::to_string(maxBytes)));
            out.resize(std::min(maxBytes + 1, std::max<std::size_t>(out.size() * 2, 4096)));
        }
        ssize_t r = ::read(f.fd, out.data() + have, out.size() - have);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) throw FileError(path, "cannot read the file: " + errnoText(errno));
        if (r == 0) break;
        have += static_cast<std::size_t>(r);
    }
    if (have > maxBytes) throw FileError(path, tooLarge(maxBytes, "more than " + std::to_string(maxBytes)));
    out.resize(have);
    return out;
}

void checkWritableOutput(const std::string& path) {
    if (path.empty()) throw FileError(path, "the file name is empty");
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw FileError(path, "is a directory");
        if (::access(path.c_str(), W_OK) != 0) throw FileError(path, "cannot write: " + errnoText(errno));
        if (!S_ISREG(st.st_mode)) return;   // a device is written in place
    }
    std::string dir = dirOf(path);
    struct stat ds {};
    if (::stat(dir.c_str(), &ds) != 0) throw FileError(path, "the directory " + dir + " does not exist");
    if (!S_ISDIR(ds.st_mode)) throw FileError(path, dir + " is not a directory");
    if (::access(dir.c_str(), W_OK) != 0)
        throw FileError(path, "cannot create files in " + dir + ": " + errnoText(errno));
}

struct AtomicFile::Impl {
    std::string target;      // what the caller named
    std::string finalPath;   // where the bytes land (a symlink's target)
    std::string tmpPath;     // empty when writing in place
    int fd = -1;
    std::unique_ptr<FdBuf> buf;
    std::unique_ptr<std::ostream> os;
    bool committed = false;

    void discard() {
        if (fd >= 0) ::close(fd);
        fd = -1;
        if (!tmpPath.empty()) ::unlink(tmpPath.c_str());
    }
};

AtomicFile::AtomicFile(const std::string& path) : m_impl(std::make_unique<Impl>()) {
    Impl& m = *m_impl;
    m.target = m.finalPath = path;
    if (path.empty()) throw FileError(path, "the file name is empty");
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) throw FileError(path, "is a directory");
    if (exists && !S_ISREG(st.st_mode)) {
        // A device or a pipe: write in place. O_NONBLOCK would make a FIFO
        // without a reader fail at once (ENXIO) instead of blocking; a FIFO
        // target is the user's explicit choice, so wait for its reader.
        m.fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (m.fd < 0) throw FileError(path, "cannot open for writing: " + errnoText(errno));
    } else {
        mode_t mode = defaultMode();
        if (exists) {
            mode = st.st_mode & 07777;
            char real[4096];
            if (::realpath(path.c_str(), real)) m.finalPath = real;
        }
        std::string tmpl = m.finalPath + ".tmp-XXXXXX";
        std::vector<char> name(tmpl.begin(), tmpl.end());
        name.push_back('\0');
        m.fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (m.fd < 0) throw FileError(path, "cannot create a file in " + dirOf(m.finalPath) + ": " + errnoText(errno));
        m.tmpPath = name.data();
        ::fchmod(m.fd, mode);
    }
    m.buf = std::make_unique<FdBuf>(m.fd);
    m.os = std::make_unique<std::ostream>(m.buf.get());
}

AtomicFile::~AtomicFile() {
    if (m_impl && !m_impl->committed) m_impl->discard();
}

std::ostream& AtomicFile::stream() { return *m_impl->os; }

void AtomicFile::commit() {
    Impl& m = *m_impl;
    m.os->flush();
    int err = m.buf->error();
    if (err == 0 && !*m.os) err = EIO;
    if (err == 0 && !m.tmpPath.empty() && ::fsync(m.fd) != 0) err = errno;
    if (err != 0) {
        m.discard();
        m.committed = true;   // nothing left to clean up
        throw FileError(m.target, "write failed: " + errnoText(err));
    }
    ::close(m.fd);
    m.fd = -1;
    if (!m.tmpPath.empty() && ::rename(m.tmpPath.c_str(), m.finalPath.c_str()) != 0) {
        err = errno;
        m.discard();
        m.committed = true;
        throw FileError(m.target, "cannot replace the file: " + errnoText(err));
    }
    m.committed = true;
}

void writeFileAtomic(const std::string& path, std::string_view bytes) {
    AtomicFile f(path);
    f.write(bytes);
    f.commit();
}

} // namespace parviz
