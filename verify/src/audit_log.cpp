#include "crypto.h"
#include "safe_text.h"

#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/verdict.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace veridicor::verify {

namespace {

constexpr std::size_t kMaxLine = std::size_t{1} << 20;
const std::string kZeroHash(64, '0');
constexpr std::string_view kHashKey = R"(,"hash":")";
constexpr std::string_view kHeadFormat = "veridicor-audit-head-v1";
constexpr std::size_t kMaxHead = 4096;
constexpr std::size_t kMaxKeyFile = std::size_t{16} * 1024;

Unexpected<Error> ioError(const std::string& what) {
    return Unexpected{Error{ErrorCode::Io, what + ": " + std::strerror(errno)}};
}

/// Owns a file descriptor.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&&) = delete;
    Fd& operator=(Fd&&) = delete;
    [[nodiscard]] int get() const { return m_fd; }

private:
    int m_fd;
};

bool writeAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool fsyncDir(const std::filesystem::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

/// The line with its `hash` member: body is the compact JSON object without it.
std::string sealLine(const std::string& body) {
    std::string line = body.substr(0, body.size() - 1);
    line += kHashKey;
    line += sha256Hex(body);
    line += "\"}";
    return line;
}

/// Splits a sealed line into body (as it was hashed) and its hash; false when it is not sealed.
bool unsealLine(std::string_view line, std::string& body, std::string& hash) {
    // ...,"hash":"<64 hex>"}
    const std::size_t tail = kHashKey.size() + 64 + 2;
    if (line.size() < tail + 2 || line.substr(line.size() - 2) != "\"}") {
        return false;
    }
    const std::size_t at = line.size() - tail;
    if (line.substr(at, kHashKey.size()) != kHashKey) {
        return false;
    }
    hash = std::string(line.substr(at + kHashKey.size(), 64));
    body = std::string(line.substr(0, at)) + "}";
    return isSha256Hex(hash);
}

/// A head record as read (nothing of it is trusted before its signature is checked).
struct Head {
    std::size_t lines = 0;
    std::string lastLineSha256;
    bool isSigned = false; ///< carries the signed members (a head before revision 2 has none)
    std::string firstLineSha256;
    std::string time;
    std::string keySha256;
    std::string signature; ///< the decoded 64 bytes
};

/// The message a head signature covers (see the header comment).
std::string headMessage(std::size_t lines, std::string_view lastLineSha256, std::string_view time,
                        std::string_view firstLineSha256) {
    std::string m(kHeadFormat);
    m += '\n';
    m += std::to_string(lines);
    m += '\n';
    m += lastLineSha256;
    m += '\n';
    m += time;
    m += '\n';
    m += firstLineSha256;
    return m;
}

/// A head record's text, strictly: either the two members of a head before revision 2, or all seven of
/// revision 2, each well-formed (so the hex digests and the time can be named in messages). nullopt: not a
/// head record.
std::optional<Head> parseHead(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc || !doc->isObject()) {
        return std::nullopt;
    }
    for (const auto& member : doc->asObject()) {
        static constexpr std::array<std::string_view, 7> kKnown{
            "format", "lines", "lastLineSha256", "firstLineSha256", "time", "keySha256", "signature"};
        if (std::find(kKnown.begin(), kKnown.end(), member.key) == kKnown.end()) {
            return std::nullopt;
        }
    }
    const json::Value* lines = doc->find("lines");
    const json::Value* last = doc->find("lastLineSha256");
    if (lines == nullptr || last == nullptr || !lines->asInteger() || *lines->asInteger() < 0 ||
        !last->isString() || !isSha256Hex(last->asString())) {
        return std::nullopt;
    }
    Head h;
    h.lines = static_cast<std::size_t>(*lines->asInteger());
    h.lastLineSha256 = last->asString();
    const json::Value* format = doc->find("format");
    const json::Value* first = doc->find("firstLineSha256");
    const json::Value* time = doc->find("time");
    const json::Value* key = doc->find("keySha256");
    const json::Value* sig = doc->find("signature");
    if (format == nullptr && first == nullptr && time == nullptr && key == nullptr && sig == nullptr) {
        return h; // unsigned
    }
    if (format == nullptr || first == nullptr || time == nullptr || key == nullptr || sig == nullptr ||
        !format->isString() || format->asString() != kHeadFormat || !first->isString() ||
        !isSha256Hex(first->asString()) || !time->isString() || !parseRfc3339(time->asString()) ||
        !key->isString() || !isSha256Hex(key->asString()) || !sig->isString()) {
        return std::nullopt;
    }
    auto bytes = base64Decode(sig->asString());
    if (!bytes || bytes->size() != 64) {
        return std::nullopt;
    }
    h.isSigned = true;
    h.firstLineSha256 = first->asString();
    h.time = time->asString();
    h.keySha256 = key->asString();
    h.signature = std::move(*bytes);
    return h;
}

std::optional<Head> readHead(const std::filesystem::path& path, bool& present) {
    std::error_code ec;
    present = std::filesystem::exists(path, ec);
    if (!present) {
        return std::nullopt;
    }
    auto text = readFileBounded(path, kMaxHead);
    if (!text) {
        return std::nullopt;
    }
    return parseHead(*text);
}

enum class HeadSignature { Valid, Unsigned, OtherKey, Invalid };

HeadSignature checkHeadSignature(const Head& h, const PublicKey& key, const std::string& keySha256) {
    if (!h.isSigned) {
        return HeadSignature::Unsigned;
    }
    if (h.keySha256 != keySha256) {
        return HeadSignature::OtherKey;
    }
    const std::string message = headMessage(h.lines, h.lastLineSha256, h.time, h.firstLineSha256);
    return detail::verifySignature(key.native(), message, h.signature) == detail::SignatureCheck::Valid
               ? HeadSignature::Valid
               : HeadSignature::Invalid;
}

/// The first 16 hex digits and an ellipsis: enough to tell digests apart in a message.
std::string shortHash(const std::string& hex) {
    return hex.substr(0, 16) + "…";
}

/// The signed head record's text (one line of compact JSON, '\n' included).
Expected<std::string, Error> signedHeadText(const AuditKey& key, std::size_t lines,
                                            const std::string& lastHash, const std::string& firstHash) {
    const std::string time = formatRfc3339(now());
    auto signature =
        detail::signMessage(key.privateKey().native(), headMessage(lines, lastHash, time, firstHash));
    if (!signature) {
        return Unexpected{
            Error{ErrorCode::Crypto, "the audit head could not be signed: " + signature.error().message}};
    }
    json::Value v = json::Value::object();
    v.set("format", json::Value::string(std::string(kHeadFormat)));
    v.set("lines", json::Value::integer(static_cast<std::int64_t>(lines)));
    v.set("lastLineSha256", json::Value::string(lastHash));
    v.set("firstLineSha256", json::Value::string(firstHash));
    v.set("time", json::Value::string(time));
    v.set("keySha256", json::Value::string(key.keySha256()));
    v.set("signature", json::Value::string(base64Encode(*signature)));
    return json::serialize(v) + "\n";
}

Expected<void, Error> writeHead(const std::filesystem::path& log, const std::string& text) {
    const auto head = AuditLog::headPath(log);
    auto tmp = head;
    tmp += ".tmp";
    {
        Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
        if (fd.get() < 0) {
            return ioError("cannot create '" + tmp.string() + "'");
        }
        if (!writeAll(fd.get(), text) || ::fsync(fd.get()) != 0) {
            return ioError("cannot write '" + tmp.string() + "'");
        }
    }
    if (::rename(tmp.c_str(), head.c_str()) != 0) {
        return ioError("cannot replace '" + head.string() + "'");
    }
    if (!fsyncDir(head.parent_path())) {
        return ioError("cannot sync the folder of '" + head.string() + "'");
    }
    return {};
}

/// Appends one head line to the witness. A torn last line (a crash while writing it) is terminated first,
/// so that it stays one bad line instead of swallowing this head.
Expected<void, Error> appendToWitness(const std::filesystem::path& witness, const std::string& headText) {
    Fd fd(::open(witness.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (fd.get() < 0) {
        return ioError("cannot open the audit witness '" + witness.string() + "'");
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return ioError("cannot examine the audit witness '" + witness.string() + "'");
    }
    std::string text = headText;
    if (st.st_size > 0) {
        char last = '\n';
        if (::pread(fd.get(), &last, 1, st.st_size - 1) != 1) {
            return ioError("cannot read the audit witness '" + witness.string() + "'");
        }
        if (last != '\n') {
            text.insert(text.begin(), '\n');
        }
    }
    if (!writeAll(fd.get(), text) || ::fsync(fd.get()) != 0) {
        return ioError("cannot write the audit witness '" + witness.string() + "'");
    }
    if (st.st_size == 0 && !fsyncDir(witness.parent_path())) {
        return ioError("cannot sync the folder of the audit witness '" + witness.string() + "'");
    }
    return {};
}

/// What the end of the log looks like, read backwards from its end.
struct Tail {
    bool empty = true;
    bool torn = false;        ///< the file does not end with '\n'
    std::string tornFragment; ///< the bytes after the last '\n' (when torn)
    std::string lastLine;     ///< the last complete line (without '\n'), may be empty when there is none
    bool haveLastLine = false;
    bool tooLong = false;
};

Expected<Tail, Error> readTail(int fd, off_t size) {
    Tail t;
    if (size == 0) {
        return t;
    }
    t.empty = false;
    // Read up to 2 MiB + 2 from the end: enough for a torn fragment and a complete line of at most 1 MiB
    // each.
    const off_t want = std::min<off_t>(size, static_cast<off_t>(2 * kMaxLine + 2));
    std::string buf(static_cast<std::size_t>(want), '\0');
    if (::pread(fd, buf.data(), buf.size(), size - want) != static_cast<ssize_t>(want)) {
        return ioError("cannot read the end of the audit log");
    }
    const bool fromStart = want == size;
    std::size_t end = buf.size();
    if (buf.back() != '\n') {
        t.torn = true;
        const std::size_t nl = buf.rfind('\n');
        if (nl == std::string::npos && !fromStart) {
            t.tooLong = true;
            return t;
        }
        const std::size_t start = nl == std::string::npos ? 0 : nl + 1;
        t.tornFragment = buf.substr(start);
        end = start; // the complete part ends here ('\n' included)
        if (end == 0) {
            return t; // only a torn fragment
        }
    }
    // buf[0, end) ends with '\n'; find the line before it.
    const std::size_t lineEnd = end - 1;
    const std::size_t prevNl = lineEnd == 0 ? std::string::npos : buf.rfind('\n', lineEnd - 1);
    if (prevNl == std::string::npos && !fromStart) {
        t.tooLong = true;
        return t;
    }
    const std::size_t lineStart = prevNl == std::string::npos ? 0 : prevNl + 1;
    t.lastLine = buf.substr(lineStart, lineEnd - lineStart);
    t.haveLastLine = true;
    return t;
}

std::optional<std::int64_t> seqOf(const std::string& line) {
    auto doc = json::parse(line);
    if (!doc || !doc->isObject()) {
        return std::nullopt;
    }
    const json::Value* s = doc->find("seq");
    return s != nullptr ? s->asInteger() : std::nullopt;
}

Expected<std::size_t, Error> countLines(int fd) {
    std::size_t n = 0;
    std::vector<char> buf(1 << 16);
    off_t off = 0;
    while (true) {
        const ssize_t got = ::pread(fd, buf.data(), buf.size(), off);
        if (got < 0) {
            return ioError("cannot read the audit log");
        }
        if (got == 0) {
            break;
        }
        n += static_cast<std::size_t>(std::count(buf.begin(), buf.begin() + got, '\n'));
        off += got;
    }
    return n;
}

/// The log's first line (without '\n'). `found` is false when the file holds no '\n' yet (empty, or only a
/// torn fragment). Errors: Invalid (a first line longer than 1 MiB: not a log this program wrote), Io.
Expected<std::string, Error> readFirstLine(int fd, off_t size, bool& found) {
    found = false;
    const off_t want = std::min<off_t>(size, static_cast<off_t>(kMaxLine + 1));
    std::string buf(static_cast<std::size_t>(want), '\0');
    if (want > 0 && ::pread(fd, buf.data(), buf.size(), 0) != static_cast<ssize_t>(want)) {
        return ioError("cannot read the start of the audit log");
    }
    const std::size_t nl = buf.find('\n');
    if (nl == std::string::npos) {
        if (size > static_cast<off_t>(kMaxLine)) {
            return Unexpected{
                Error{ErrorCode::Invalid, "the audit log starts with a line longer than 1 MiB"}};
        }
        return std::string();
    }
    found = true;
    buf.resize(nl);
    return buf;
}

/// Reads a file line by line through a buffer, keeping at most kMaxLine + 1 bytes of a line (std::getline
/// would accept an unbounded one).
class LineReader {
public:
    explicit LineReader(std::istream& in) : m_in(in) {}

    /// The next line (without '\n'); false at the end of the file. `newline`: it ended in '\n' (else it is
    /// the torn end of the file); `tooLong`: it exceeded kMaxLine bytes and `line` holds only its start.
    bool next(std::string& line, bool& newline, bool& tooLong) {
        line.clear();
        newline = false;
        tooLong = false;
        bool any = false;
        while (true) {
            if (m_pos == m_end && !fill()) {
                return any;
            }
            any = true;
            const char* start = m_buf.data() + m_pos;
            const std::size_t avail = m_end - m_pos;
            const void* nl = std::memchr(start, '\n', avail);
            const std::size_t take =
                nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : avail;
            if (!tooLong) {
                const std::size_t room = kMaxLine + 1 - line.size();
                line.append(start, std::min(take, room));
                tooLong = line.size() > kMaxLine;
            }
            m_pos += take;
            if (nl != nullptr) {
                ++m_pos;
                newline = true;
                return true;
            }
        }
    }
    [[nodiscard]] bool bad() const { return m_in.bad(); }

private:
    bool fill() {
        m_in.read(m_buf.data(), static_cast<std::streamsize>(m_buf.size()));
        m_pos = 0;
        m_end = static_cast<std::size_t>(m_in.gcount());
        return m_end > 0;
    }

    std::istream& m_in;
    std::vector<char> m_buf = std::vector<char>(std::size_t{1} << 16);
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
};

// ---- the audit key

/// Reads a private key file that only its owner may read (ssh's rule for private keys: a key others can
/// read may have been copied, so its signatures prove nothing). nullopt: the file does not exist.
Expected<std::optional<std::string>, Error> readOwnerOnlyFile(const std::filesystem::path& path) {
    // O_NONBLOCK: a FIFO put in its place must not hang the program (it is then refused as not regular).
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            return std::optional<std::string>();
        }
        return Unexpected{Error{ErrorCode::Unreadable, "the audit key '" + path.string() +
                                                           "' cannot be read: " + std::strerror(errno)}};
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return Unexpected{Error{ErrorCode::Unreadable, "the audit key '" + path.string() +
                                                           "' cannot be examined: " + std::strerror(errno)}};
    }
    if (!S_ISREG(st.st_mode)) {
        return Unexpected{
            Error{ErrorCode::Invalid, "the audit key '" + path.string() + "' is not a regular file"}};
    }
    if (st.st_uid != ::geteuid()) {
        return Unexpected{
            Error{ErrorCode::Invalid, "the audit key '" + path.string() + "' belongs to user id " +
                                          std::to_string(st.st_uid) + ", not to this account (" +
                                          std::to_string(::geteuid()) + "): refusing to use it"}};
    }
    if ((st.st_mode & 077) != 0) {
        std::array<char, 8> mode{};
        const int modeLen =
            std::snprintf(mode.data(), mode.size(), "%04o", static_cast<unsigned>(st.st_mode & 07777));
        const std::string modeText = modeLen > 0 ? std::string(mode.data()) : std::string("?");
        return Unexpected{
            Error{ErrorCode::Invalid,
                  "permissions " + modeText + " for the audit key '" + path.string() +
                      "' are too open: a private key must be readable only by its owner. "
                      "Refusing to use it; if no one else can have copied it, run: chmod 600 '" +
                      path.string() + "'"}};
    }
    if (st.st_size > static_cast<off_t>(kMaxKeyFile)) {
        return Unexpected{Error{ErrorCode::TooLarge, "the audit key '" + path.string() + "' is larger than " +
                                                         std::to_string(kMaxKeyFile) + " bytes"}};
    }
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    if (::pread(fd.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        return Unexpected{Error{ErrorCode::Unreadable, "the audit key '" + path.string() +
                                                           "' cannot be read: " + std::strerror(errno)}};
    }
    return std::optional<std::string>(std::move(text));
}

/// Writes `text` to a fresh temporary file in the folder of `target` and links it to `target` without
/// replacing anything. Returns true when this call made `target`, false when it already existed.
Expected<bool, Error> createExclusively(const std::filesystem::path& target, std::string_view text,
                                        mode_t mode) {
    std::random_device random;
    const std::uint64_t nonce = (static_cast<std::uint64_t>(random()) << 32U) ^ random();
    auto tmp = target;
    tmp += ".tmp-" + std::to_string(::getpid()) + "-" + hexEncode(&nonce, sizeof nonce);
    {
        Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
        if (fd.get() < 0) {
            return ioError("cannot create '" + tmp.string() + "'");
        }
        // The umask can only take bits away; set exactly `mode` (a public key stays world-readable).
        if (::fchmod(fd.get(), mode) != 0 || !writeAll(fd.get(), text) || ::fsync(fd.get()) != 0) {
            const int saved = errno;
            ::unlink(tmp.c_str());
            errno = saved;
            return ioError("cannot write '" + tmp.string() + "'");
        }
    }
    // link() fails with EEXIST instead of replacing: of two processes creating the key at once, one wins.
    bool made = false;
    if (::link(tmp.c_str(), target.c_str()) == 0) {
        made = true;
    } else if (errno == EEXIST) {
        made = false;
    } else if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) {
        // A file system without hard links: rename without replacing does the same.
        if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) {
            made = true;
        } else if (errno != EEXIST) {
            const int saved = errno;
            ::unlink(tmp.c_str());
            errno = saved;
            return ioError("cannot create '" + target.string() + "'");
        }
    } else {
        const int saved = errno;
        ::unlink(tmp.c_str());
        errno = saved;
        return ioError("cannot create '" + target.string() + "'");
    }
    ::unlink(tmp.c_str());
    if (made && !fsyncDir(target.parent_path())) {
        return ioError("cannot sync the folder of '" + target.string() + "'");
    }
    return made;
}

/// Creates the key's folder (mode 0700: it holds a private key) when it is missing.
Expected<void, Error> makeKeyFolder(const std::filesystem::path& dir) {
    if (dir.empty()) {
        return {};
    }
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) {
        return {};
    }
    if (dir.has_parent_path()) {
        std::filesystem::create_directories(dir.parent_path(), ec);
        if (ec) {
            return Unexpected{
                Error{ErrorCode::Io, "cannot create '" + dir.parent_path().string() + "': " + ec.message()}};
        }
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return ioError("cannot create the folder of the audit key '" + dir.string() + "'");
    }
    return {};
}

/// Makes sure `<key>.pub.pem` is the public key of `key`: written when missing, refused when different.
Expected<void, Error> ensurePublicKeyFile(const std::filesystem::path& pubPath, const PublicKey& pub,
                                          const std::string& keySha256) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::error_code ec;
        if (std::filesystem::exists(pubPath, ec)) {
            auto existing = PublicKey::load(pubPath);
            if (!existing) {
                return Unexpected{
                    Error{ErrorCode::Invalid, "the audit public key '" + pubPath.string() +
                                                  "' is not a public key: " + existing.error().message}};
            }
            if (publicKeySha256(*existing) != keySha256) {
                return Unexpected{
                    Error{ErrorCode::Invalid, "the audit public key '" + pubPath.string() +
                                                  "' is not the public key of the audit key beside it "
                                                  "(one of them was replaced)"}};
            }
            return {};
        }
        auto made = createExclusively(pubPath, pub.pem(), 0644);
        if (!made) {
            return Unexpected{made.error()};
        }
        if (*made) {
            return {};
        }
        // Another process wrote it at the same time: compare with what it wrote.
    }
    return {};
}

/// Every string of a line is valid UTF-8 without NUL: the values come from hostile input (DICOM UIDs, file
/// paths), and a line our own strict reader refuses would make the log look tampered from there on (and hide
/// a later edit behind that first "bad" line). Invalid bytes and NUL become U+FFFD.
json::Value str(const std::string& s) {
    return json::Value::string(detail::toValidUtf8(s, true));
}

} // namespace

Expected<std::filesystem::path, Error> defaultAuditKeyPath() {
    // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and to be ignored.
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
        return std::filesystem::path(xdg) / "veridicor" / "audit-key.pem";
    }
    std::string home;
    if (const char* h = std::getenv("HOME"); h != nullptr && *h == '/') {
        home = h;
    } else {
        passwd pw{};
        passwd* found = nullptr;
        std::vector<char> buf(16384);
        if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
            found->pw_dir != nullptr && found->pw_dir[0] == '/') {
            home = found->pw_dir;
        }
    }
    if (home.empty()) {
        return Unexpected{Error{ErrorCode::Unreadable,
                                "neither XDG_CONFIG_HOME nor a home folder is known, so "
                                "there is no default place for the audit key"}};
    }
    return std::filesystem::path(home) / ".config" / "veridicor" / "audit-key.pem";
}

std::string publicKeySha256(const PublicKey& key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key.native(), &der);
    if (len <= 0) {
        return {};
    }
    std::string hex =
        sha256Hex(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
    return hex;
}

std::filesystem::path AuditKey::publicKeyPath(const std::filesystem::path& keyFile) {
    auto p = keyFile;
    p += ".pub.pem";
    return p;
}

Expected<AuditKey, Error> AuditKey::loadOrCreate(const std::filesystem::path& keyFile) {
    if (keyFile.empty()) {
        return Unexpected{Error{ErrorCode::Invalid, "no audit key file was given"}};
    }
    // At most: not there, create (another process may win), load the winner.
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto text = readOwnerOnlyFile(keyFile);
        if (!text) {
            return Unexpected{text.error()};
        }
        if (!*text) {
            if (auto dir = makeKeyFolder(keyFile.parent_path()); !dir) {
                return Unexpected{dir.error()};
            }
            auto fresh = PrivateKey::generate(KeyType::Ed25519);
            if (!fresh) {
                return Unexpected{fresh.error()};
            }
            auto made = createExclusively(keyFile, fresh->pkcs8Pem(), 0600);
            if (!made) {
                return Unexpected{made.error()};
            }
            continue; // load whichever key won
        }
        auto key = PrivateKey::fromPem(**text);
        if (!key) {
            return Unexpected{
                Error{ErrorCode::Invalid, "the audit key '" + keyFile.string() +
                                              "' is not a PEM private key: " + key.error().message}};
        }
        if (EVP_PKEY_get_base_id(key->native()) != EVP_PKEY_ED25519) {
            return Unexpected{Error{ErrorCode::Invalid, "the audit key '" + keyFile.string() + "' is " +
                                                            key->description() + ", not Ed25519"}};
        }
        auto pub = PublicKey::fromPem(key->publicKeyPem());
        if (!pub) {
            return Unexpected{pub.error()};
        }
        std::string id = publicKeySha256(*pub);
        if (auto r = ensurePublicKeyFile(publicKeyPath(keyFile), *pub, id); !r) {
            return Unexpected{r.error()};
        }
        return AuditKey(keyFile, std::move(*key), std::move(*pub), std::move(id));
    }
    return Unexpected{Error{ErrorCode::Io, "the audit key '" + keyFile.string() + "' could not be created"}};
}

Expected<AuditKey, Error> AuditKey::loadOrCreateDefault() {
    auto path = defaultAuditKeyPath();
    if (!path) {
        return Unexpected{path.error()};
    }
    return loadOrCreate(*path);
}

std::filesystem::path AuditLog::headPath(const std::filesystem::path& file) {
    auto p = file;
    p += ".head";
    return p;
}

std::string AuditLog::currentUser() {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
        found->pw_name != nullptr) {
        return found->pw_name;
    }
    if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') {
        return u;
    }
    return "uid " + std::to_string(::geteuid());
}

AuditEntry AuditEntry::fromVerdict(const Verdict& v, const std::filesystem::path& bundlePath,
                                   std::string event) {
    AuditEntry e;
    e.event = std::move(event);
    e.inputName = v.input.subjectName;
    e.inputPath = v.input.path.string();
    // The data as the finding is bound to it (its method's digest), else as the data is best bound.
    const DigestMethod method =
        v.boundMethod && v.input.digestFor(*v.boundMethod) != nullptr ? *v.boundMethod : v.input.method;
    e.digestMethod = std::string(digestMethodName(method));
    e.inputDigest = v.input.digestFor(method) != nullptr ? *v.input.digestFor(method) : v.input.digest;
    e.studyInstanceUID = v.input.studyInstanceUID;
    e.seriesInstanceUID = v.input.seriesInstanceUID;
    e.sopInstanceUID = v.input.sopInstanceUID;
    e.bundlePath = bundlePath.string();
    e.bundleSha256 = v.bundleSha256;
    e.verdict = std::string(trustName(v.trust));
    for (const Reason r : v.reasons) {
        e.reasons.emplace_back(reasonName(r));
    }
    return e;
}

Expected<void, Error> AuditLog::append(const AuditEntry& entry) const {
    Fd fd(::open(m_file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (fd.get() < 0) {
        return ioError("cannot open the audit log '" + m_file.string() + "'");
    }
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) {
            return ioError("cannot lock the audit log '" + m_file.string() + "'");
        }
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return ioError("cannot examine the audit log");
    }
    auto tail = readTail(fd.get(), st.st_size);
    if (!tail) {
        return Unexpected{tail.error()};
    }
    if (tail->tooLong) {
        return Unexpected{
            Error{ErrorCode::Invalid, "the audit log '" + m_file.string() +
                                          "' ends in a line longer than 1 MiB: it is not an audit log "
                                          "this program wrote; refusing to append"}};
    }

    // Which line number comes next, and what it chains to.
    std::string damage;
    std::size_t completeLines = 0;
    if (tail->haveLastLine) {
        if (auto s = seqOf(tail->lastLine); s && *s > 0) {
            completeLines = static_cast<std::size_t>(*s);
        } else {
            auto n = countLines(fd.get());
            if (!n) {
                return Unexpected{n.error()};
            }
            completeLines = *n;
        }
    }
    bool firstFound = false;
    auto firstLine = readFirstLine(fd.get(), st.st_size, firstFound);
    if (!firstLine) {
        return Unexpected{Error{firstLine.error().code, firstLine.error().message + " ('" + m_file.string() +
                                                            "'); refusing to append"}};
    }
    bool headPresent = false;
    const auto head = readHead(headPath(m_file), headPresent);
    const std::string lastHash = tail->haveLastLine ? sha256Hex(tail->lastLine) : kZeroHash;
    const std::string firstHash = firstFound ? sha256Hex(*firstLine) : std::string();
    if (headPresent && !head) {
        damage += "the head record was damaged; ";
    } else if (head) {
        // The head must be this key's signature over exactly this log: a head one line behind is damage
        // too (a line appended without the key looks exactly like a crash before the head update).
        switch (checkHeadSignature(*head, m_key.publicKey(), m_key.keySha256())) {
        case HeadSignature::Valid:
            break;
        case HeadSignature::Unsigned:
            damage += "the head record was not signed (written before signed heads, or replaced); ";
            break;
        case HeadSignature::OtherKey:
            damage += "the head record was signed by another key (SHA-256 " + shortHash(head->keySha256) +
                      "), not by this audit key (" + shortHash(m_key.keySha256()) + "); ";
            break;
        case HeadSignature::Invalid:
            damage += "the head record's signature did not verify (it was forged or changed); ";
            break;
        }
        const bool current = head->lines == completeLines &&
                             (completeLines == 0 || head->lastLineSha256 == lastHash) &&
                             (!head->isSigned || completeLines == 0 || head->firstLineSha256 == firstHash);
        if (!current && head->lines + 1 == completeLines) {
            damage += "line " + std::to_string(completeLines) +
                      " was not covered by a signed head record (head: " + std::to_string(head->lines) +
                      " lines): it was added without the audit key, or the program stopped before signing; ";
        } else if (!current) {
            damage += "the log did not match its head record (head: " + std::to_string(head->lines) +
                      " lines, last " + shortHash(head->lastLineSha256) +
                      "; log: " + std::to_string(completeLines) + " lines): lines were removed or changed; ";
        }
    } else if (completeLines > 0 || tail->torn) {
        damage += "the head record was missing; ";
    }
    std::string prev = lastHash;
    std::size_t seq = completeLines + 1;
    std::string prefix;
    if (tail->torn) {
        damage += "line " + std::to_string(seq) + " was incomplete (a torn write) and is kept as it was; ";
        prefix = "\n"; // terminate the torn fragment: it stays in the log as a visible bad line
        prev = sha256Hex(tail->tornFragment);
        ++seq;
    }
    if (!damage.empty()) {
        damage.resize(damage.size() - 2);
    }

    json::Value input = json::Value::object();
    input.set("name", str(entry.inputName));
    input.set("path", str(entry.inputPath));
    input.set("digestMethod", str(entry.digestMethod));
    input.set("digest", str(entry.inputDigest));
    input.set("studyInstanceUID", str(entry.studyInstanceUID));
    input.set("seriesInstanceUID", str(entry.seriesInstanceUID));
    input.set("sopInstanceUID", str(entry.sopInstanceUID));
    json::Value bundle = json::Value::object();
    bundle.set("path", str(entry.bundlePath));
    bundle.set("sha256", str(entry.bundleSha256));
    json::Value reasons = json::Value::array();
    for (const auto& r : entry.reasons) {
        reasons.push(str(r));
    }
    json::Value v = json::Value::object();
    v.set("seq", json::Value::integer(static_cast<std::int64_t>(seq)));
    v.set("time", str(formatRfc3339(entry.time.value_or(now()))));
    v.set("event", str(entry.event));
    v.set("user", str(entry.user.empty() ? currentUser() : entry.user));
    v.set("input", std::move(input));
    v.set("bundle", std::move(bundle));
    v.set("verdict", str(entry.verdict));
    v.set("reasons", std::move(reasons));
    v.set("detail", str(entry.detail));
    if (!damage.empty()) {
        v.set("damage", str(damage));
    }
    v.set("prev", str(prev));
    const std::string line = sealLine(json::serialize(v));
    if (line.size() > kMaxLine) {
        return Unexpected{Error{ErrorCode::Invalid, "the audit entry is longer than 1 MiB"}};
    }
    if (!writeAll(fd.get(), prefix + line + "\n")) {
        return ioError("cannot write to the audit log '" + m_file.string() + "'");
    }
    if (::fsync(fd.get()) != 0) {
        return ioError("cannot make the audit log '" + m_file.string() + "' durable (fsync)");
    }
    if (st.st_size == 0 && !fsyncDir(m_file.parent_path())) {
        return ioError("cannot sync the folder of the audit log");
    }
    // The head record is signed and replaced while the lock is still held, then witnessed, so that the
    // witness sees the heads of this log in order.
    const std::string newFirstHash =
        firstFound ? firstHash : sha256Hex(tail->torn ? tail->tornFragment : line);
    auto headText = signedHeadText(m_key, seq, sha256Hex(line), newFirstHash);
    if (!headText) {
        return Unexpected{headText.error()};
    }
    if (auto r = writeHead(m_file, *headText); !r) {
        return r;
    }
    if (!m_witness.empty()) {
        if (auto r = appendToWitness(m_witness, *headText); !r) {
            return Unexpected{
                Error{r.error().code,
                      r.error().message + " (the entry is in the audit log and its head is signed)"}};
        }
    }
    return {};
}

namespace {

/// A head the witness saw, signed by the key being checked.
struct WitnessedHead {
    std::string lastLineSha256;
    std::string time;
    std::string logLineSha256; ///< filled while reading the log: the hash of its line at that count
    bool logHasLine = false;
};

struct Witness {
    std::map<std::size_t, WitnessedHead> heads; ///< by line count
    std::size_t otherKey = 0;                   ///< heads not signed by the key
    std::size_t notHeads = 0;                   ///< lines that are no head record
    std::size_t conflictAt = 0; ///< a count for which two different signed heads were witnessed
    std::string conflictFirst, conflictSecond;
};

Expected<Witness, Error> readWitness(const std::filesystem::path& path, const PublicKey& key,
                                     const std::string& keySha256) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "the audit witness '" + path.string() + "' cannot be read"}};
    }
    Witness w;
    LineReader reader(in);
    std::string line;
    bool newline = false;
    bool tooLong = false;
    while (reader.next(line, newline, tooLong)) {
        const auto head = tooLong || line.size() > kMaxHead ? std::nullopt : parseHead(line);
        if (!head) {
            ++w.notHeads;
            continue;
        }
        if (checkHeadSignature(*head, key, keySha256) != HeadSignature::Valid) {
            ++w.otherKey;
            continue;
        }
        auto [it, inserted] =
            w.heads.try_emplace(head->lines, WitnessedHead{head->lastLineSha256, head->time, {}, false});
        if (!inserted && it->second.lastLineSha256 != head->lastLineSha256 && w.conflictAt == 0) {
            w.conflictAt = head->lines;
            w.conflictFirst = shortHash(it->second.lastLineSha256) + " (signed " + it->second.time + ")";
            w.conflictSecond = shortHash(head->lastLineSha256) + " (signed " + head->time + ")";
        }
    }
    if (reader.bad()) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "the audit witness '" + path.string() + "' could not be read"}};
    }
    return w;
}

} // namespace

Expected<AuditReport, Error> AuditLog::verify(const std::filesystem::path& file, const AuditCheck& check) {
    if (!check.witness.empty() && !check.key) {
        return Unexpected{
            Error{ErrorCode::Invalid,
                  "a witness can only be checked with the audit key's public key: the witness's "
                  "heads count only when their signatures verify"}};
    }
    const std::string keySha256 = check.key ? publicKeySha256(*check.key) : std::string();
    std::optional<Witness> witness;
    if (!check.witness.empty()) {
        auto w = readWitness(check.witness, *check.key, keySha256);
        if (!w) {
            return Unexpected{w.error()};
        }
        witness = std::move(*w);
    }

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "the audit log '" + file.string() + "' cannot be read"}};
    }
    AuditReport report;
    auto bad = [&](std::size_t line, std::string problem) {
        if (report.firstBadLine == 0) {
            report.firstBadLine = line;
            report.problem = std::move(problem);
        }
    };
    std::string prevHash = kZeroHash;
    std::string lastHash;
    std::string firstHash;
    std::size_t n = 0;
    bool torn = false;
    LineReader reader(in);
    std::string line;
    bool newline = false;
    bool tooLong = false;
    // Every line is read (and counted, and hashed where the witness needs it); the chain is checked up to
    // the first bad line.
    while (reader.next(line, newline, tooLong)) {
        ++n;
        const std::string hash = tooLong ? std::string() : sha256Hex(line);
        if (n == 1) {
            firstHash = hash;
        }
        if (witness) {
            if (auto it = witness->heads.find(n); it != witness->heads.end()) {
                it->second.logLineSha256 = hash;
                it->second.logHasLine = true;
            }
        }
        if (report.firstBadLine != 0) {
            continue;
        }
        const std::string where = "line " + std::to_string(n);
        if (tooLong) {
            bad(n, where + " is longer than 1 MiB: it is not an audit entry");
            continue;
        }
        if (!newline) {
            torn = true;
            bad(n, where + " is incomplete: the log was cut off in the middle of a line (a torn write or "
                           "truncation)");
            continue;
        }
        std::string body;
        std::string sealed;
        if (!unsealLine(line, body, sealed)) {
            bad(n, where + " is not a sealed audit entry (it was changed, or is not from this log)");
            continue;
        }
        if (sha256Hex(body) != sealed) {
            bad(n, where + " was changed after it was written (its content does not match its own hash)");
            continue;
        }
        auto doc = json::parse(line);
        if (!doc || !doc->isObject()) {
            bad(n, where + " is not valid JSON");
            continue;
        }
        const json::Value* seq = doc->find("seq");
        const json::Value* prev = doc->find("prev");
        if (seq == nullptr || !seq->asInteger() || prev == nullptr || !prev->isString()) {
            bad(n, where + " lacks its sequence number or previous-line hash");
            continue;
        }
        if (*seq->asInteger() != static_cast<std::int64_t>(n)) {
            bad(n, where + " carries number " + std::to_string(*seq->asInteger()) +
                       ": lines before it were removed, inserted or reordered");
            continue;
        }
        if (prev->asString() != prevHash) {
            bad(n, where + " does not follow the line before it: line " + std::to_string(n - 1) +
                       " was changed, or lines were removed or reordered");
            continue;
        }
        if (const json::Value* damage = doc->find("damage"); damage != nullptr) {
            bad(n, where + " records damage found when it was written: " +
                       (damage->isString() ? damage->asString() : std::string("(unreadable)")));
            continue;
        }
        prevHash = hash;
        lastHash = hash;
    }
    if (reader.bad()) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "the audit log '" + file.string() + "' could not be read"}};
    }
    report.lines = n;

    // The head record: present, signed by the key, and equal to the log. Only a chain that is intact is
    // compared with it (a bad line is the first problem to name).
    if (report.firstBadLine == 0 && !torn) {
        const auto hp = headPath(file);
        bool headPresent = false;
        const auto head = readHead(hp, headPresent);
        if (headPresent && !head) {
            bad(n + 1, "the head record '" + hp.string() + "' is damaged (it is not a head record)");
        } else if (!head) {
            if (n > 0) {
                bad(n + 1,
                    "the head record '" + hp.string() +
                        "' is missing, so lines removed from the end or a rewritten log cannot be ruled out");
            } else if (check.key) {
                bad(1, "the log is empty and its head record '" + hp.string() +
                           "' is missing: the log was emptied together with its head, or was never written");
            }
        } else {
            if (check.key) {
                report.headSignatureChecked = true;
                switch (checkHeadSignature(*head, *check.key, keySha256)) {
                case HeadSignature::Valid:
                    break;
                case HeadSignature::Unsigned:
                    bad(n + 1,
                        "the head record '" + hp.string() +
                            "' is not signed: nothing shows that the log was not cut short or rewritten "
                            "together with it");
                    break;
                case HeadSignature::OtherKey:
                    bad(n + 1, "the head record '" + hp.string() + "' was signed by another key (SHA-256 " +
                                   shortHash(head->keySha256) + "), not by the audit key given (" +
                                   shortHash(keySha256) + ")");
                    break;
                case HeadSignature::Invalid:
                    bad(n + 1, "the signature of the head record '" + hp.string() +
                                   "' does not verify with the audit key: the head was forged or changed");
                    break;
                }
            } else {
                report.notes.push_back(
                    std::string(
                        "the head record's signature was not checked (no audit public key was given): "
                        "a log cut short or rewritten together with its head would look intact") +
                    (head->isSigned ? "" : "; the head record is not signed"));
            }
            if (report.firstBadLine != 0) {
                // already named
            } else if (head->lines > n) {
                bad(n + 1, (n == 0 ? std::string("the log is empty")
                                   : "the log ends after line " + std::to_string(n)) +
                               ", but " + std::to_string(head->lines) + " lines were written: lines " +
                               std::to_string(n + 1) + "–" + std::to_string(head->lines) +
                               " were removed (truncated)");
            } else if (head->lines < n) {
                bad(head->lines + 1,
                    "lines " + std::to_string(head->lines + 1) + "–" + std::to_string(n) +
                        " were added after the last head record, which covers " +
                        std::to_string(head->lines) +
                        " lines: they were appended without the audit key, or the program stopped between "
                        "writing a line and signing its head");
            } else if (n > 0 && head->lastLineSha256 != lastHash) {
                bad(n,
                    "line " + std::to_string(n) + " is not the last line that was written (it was replaced)");
            } else if (n > 0 && head->isSigned && head->firstLineSha256 != firstHash) {
                bad(1, "line 1 is not the first line of the log the head record was signed for: the log was "
                       "replaced, or the head belongs to another log");
            }
        }
    }

    // The witness: every head it saw signed by the key must be a state this log still extends. The chain
    // being intact, a matching hash at line k means lines 1–k are exactly what the witness saw.
    if (witness) {
        report.witnessedHeads = witness->heads.size();
        if (report.firstBadLine == 0) {
            for (const auto& [count, w] : witness->heads) {
                const std::string saw = "the witness saw a head signed " + w.time + " for " +
                                        std::to_string(count) + " lines, line " + std::to_string(count) +
                                        " with SHA-256 " + shortHash(w.lastLineSha256);
                if (!w.logHasLine) {
                    bad(n + 1, "rolled back or rewritten: " + saw + ", but the log has only " +
                                   std::to_string(n) + " line" + (n == 1 ? "" : "s") +
                                   " (an earlier state of the log and its head was put back, or lines were "
                                   "removed and the head signed again)");
                    break;
                }
                if (w.logLineSha256 != w.lastLineSha256) {
                    bad(count,
                        "rolled back or rewritten: " + saw + ", but the log's line " + std::to_string(count) +
                            " has SHA-256 " +
                            (w.logLineSha256.empty() ? std::string("(none)") : shortHash(w.logLineSha256)) +
                            ": lines up to " + std::to_string(count) +
                            " were rewritten, or the log was replaced");
                    break;
                }
            }
        }
        if (report.firstBadLine == 0 && witness->conflictAt != 0) {
            bad(witness->conflictAt, "rolled back or rewritten: the witness holds two different heads signed "
                                     "by the audit key for " +
                                         std::to_string(witness->conflictAt) + " lines (line " +
                                         std::to_string(witness->conflictAt) + " with SHA-256 " +
                                         witness->conflictFirst + ", and " + witness->conflictSecond +
                                         "): the log was rewritten after the first");
        }
        if (witness->heads.empty()) {
            report.notes.emplace_back(
                "the witness holds no head signed by the audit key: nothing was checked against it");
        } else {
            const auto& [lastCount, lastSeen] = *witness->heads.rbegin();
            report.notes.push_back("the witness holds " + std::to_string(witness->heads.size()) + " head" +
                                   (witness->heads.size() == 1 ? "" : "s") +
                                   " signed by the audit key, the latest for " + std::to_string(lastCount) +
                                   " lines (signed " + lastSeen.time + ")" +
                                   (lastCount < n ? "; lines " + std::to_string(lastCount + 1) + "–" +
                                                        std::to_string(n) + " were not witnessed"
                                                  : std::string()));
        }
        if (witness->otherKey > 0) {
            report.notes.push_back(std::to_string(witness->otherKey) + " line" +
                                   (witness->otherKey == 1 ? "" : "s") + " of the witness " +
                                   (witness->otherKey == 1 ? "is a head" : "are heads") +
                                   " not signed by the audit key, and were not used");
        }
        if (witness->notHeads > 0) {
            report.notes.push_back(std::to_string(witness->notHeads) + " line" +
                                   (witness->notHeads == 1 ? "" : "s") + " of the witness " +
                                   (witness->notHeads == 1 ? "is" : "are") +
                                   " not a head record, and were not used");
        }
    }
    report.intact = report.firstBadLine == 0;
    return report;
}

} // namespace veridicor::verify
