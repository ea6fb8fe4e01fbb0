#include "safe_text.h"

#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/verdict.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace veridicor::verify {

namespace {

constexpr std::size_t kMaxLine = std::size_t{1} << 20;
const std::string kZeroHash(64, '0');
constexpr std::string_view kHashKey = ",\"hash\":\"";

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

struct Head {
    std::size_t lines = 0;
    std::string lastLineSha256;
};

std::optional<Head> readHead(const std::filesystem::path& path, bool& present) {
    std::error_code ec;
    present = std::filesystem::exists(path, ec);
    if (!present) {
        return std::nullopt;
    }
    auto text = readFileBounded(path, 4096);
    if (!text) {
        return std::nullopt;
    }
    auto doc = json::parse(*text);
    if (!doc || !doc->isObject()) {
        return std::nullopt;
    }
    const json::Value* lines = doc->find("lines");
    const json::Value* last = doc->find("lastLineSha256");
    if (lines == nullptr || last == nullptr || !lines->asInteger() || *lines->asInteger() < 0 ||
        !last->isString()) {
        return std::nullopt;
    }
    return Head{static_cast<std::size_t>(*lines->asInteger()), last->asString()};
}

Expected<void, Error> writeHead(const std::filesystem::path& log, std::size_t lines,
                                const std::string& lastHash) {
    const auto head = AuditLog::headPath(log);
    auto tmp = head;
    tmp += ".tmp";
    json::Value v = json::Value::object();
    v.set("lines", json::Value::integer(static_cast<std::int64_t>(lines)));
    v.set("lastLineSha256", json::Value::string(lastHash));
    const std::string text = json::serialize(v) + "\n";
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

/// Every string of a line is valid UTF-8 without NUL: the values come from hostile input (DICOM UIDs, file
/// paths), and a line our own strict reader refuses would make the log look tampered from there on (and hide
/// a later edit behind that first "bad" line). Invalid bytes and NUL become U+FFFD.
json::Value str(const std::string& s) {
    return json::Value::string(detail::toValidUtf8(s, true));
}

} // namespace

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
    e.digestMethod = std::string(digestMethodName(v.input.method));
    e.inputDigest = v.input.digest;
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
    bool headPresent = false;
    const auto head = readHead(headPath(m_file), headPresent);
    const std::string lastHash = tail->haveLastLine ? sha256Hex(tail->lastLine) : kZeroHash;
    if (headPresent && !head) {
        damage += "the head record was damaged; ";
    } else if (head) {
        const bool current =
            head->lines == completeLines && (completeLines == 0 || head->lastLineSha256 == lastHash);
        const bool lagging =
            head->lines + 1 == completeLines; // a crash between the append and the head update
        if (!current && !lagging) {
            damage += "the log did not match its head record (head: " + std::to_string(head->lines) +
                      " lines, last " + head->lastLineSha256.substr(0, 16) +
                      "…; log: " + std::to_string(completeLines) + " lines): lines were removed or changed; ";
        }
    } else if (completeLines > 1) {
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
    // The head record is replaced while the lock is still held.
    return writeHead(m_file, seq, sha256Hex(line));
}

Expected<AuditReport, Error> AuditLog::verify(const std::filesystem::path& file) {
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
    std::string beforeLastHash = kZeroHash;
    std::size_t n = 0;
    std::string line;
    bool torn = false;
    while (report.firstBadLine == 0) {
        line.clear();
        // std::getline would accept an unbounded line; read with a bound instead.
        char c = 0;
        bool newline = false;
        while (in.get(c)) {
            if (c == '\n') {
                newline = true;
                break;
            }
            if (line.size() >= kMaxLine) {
                break;
            }
            line.push_back(c);
        }
        if (!newline && line.empty() && !in) {
            break; // clean end of file
        }
        ++n;
        if (line.size() >= kMaxLine) {
            bad(n, "line " + std::to_string(n) + " is longer than 1 MiB: it is not an audit entry");
            break;
        }
        if (!newline) {
            torn = true;
            bad(n, "line " + std::to_string(n) +
                       " is incomplete: the log was cut off in the middle of a line (a torn write or "
                       "truncation)");
            break;
        }
        const std::string where = "line " + std::to_string(n);
        std::string body;
        std::string hash;
        if (!unsealLine(line, body, hash)) {
            bad(n, where + " is not a sealed audit entry (it was changed, or is not from this log)");
            break;
        }
        if (sha256Hex(body) != hash) {
            bad(n, where + " was changed after it was written (its content does not match its own hash)");
            break;
        }
        auto doc = json::parse(line);
        if (!doc || !doc->isObject()) {
            bad(n, where + " is not valid JSON");
            break;
        }
        const json::Value* seq = doc->find("seq");
        const json::Value* prev = doc->find("prev");
        if (seq == nullptr || !seq->asInteger() || prev == nullptr || !prev->isString()) {
            bad(n, where + " lacks its sequence number or previous-line hash");
            break;
        }
        if (*seq->asInteger() != static_cast<std::int64_t>(n)) {
            bad(n, where + " carries number " + std::to_string(*seq->asInteger()) +
                       ": lines before it were removed, inserted or reordered");
            break;
        }
        if (prev->asString() != prevHash) {
            bad(n, where + " does not follow the line before it: line " + std::to_string(n - 1) +
                       " was changed, or lines were removed or reordered");
            break;
        }
        if (const json::Value* damage = doc->find("damage"); damage != nullptr) {
            bad(n, where + " records damage found when it was written: " +
                       (damage->isString() ? damage->asString() : std::string("(unreadable)")));
            break;
        }
        beforeLastHash = prevHash;
        prevHash = sha256Hex(line);
        lastHash = prevHash;
    }
    if (in.bad()) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "the audit log '" + file.string() + "' could not be read"}};
    }
    if (report.firstBadLine == 0) {
        // Count every line, also past a problem, for the report.
        report.lines = n;
    } else {
        report.lines = n;
        std::string rest;
        while (std::getline(in, rest)) {
            ++report.lines;
        }
    }
    if (report.firstBadLine == 0 && !torn) {
        bool headPresent = false;
        const auto head = readHead(headPath(file), headPresent);
        if (headPresent && !head) {
            bad(n + 1, "the head record '" + headPath(file).string() + "' is damaged");
        } else if (!head) {
            if (n > 1) {
                bad(n + 1, "the head record '" + headPath(file).string() +
                               "' is missing, so lines removed from the end cannot be ruled out");
            } else if (n == 1) {
                report.notes.push_back(
                    "the head record was not written after the first line (a crash); harmless");
            }
        } else if (head->lines > n) {
            bad(n + 1, "the log ends after line " + std::to_string(n) + ", but " +
                           std::to_string(head->lines) + " lines were written: lines " +
                           std::to_string(n + 1) + "–" + std::to_string(head->lines) +
                           " were removed (truncated)");
        } else if (head->lines == n) {
            if (n > 0 && head->lastLineSha256 != lastHash) {
                bad(n,
                    "line " + std::to_string(n) + " is not the last line that was written (it was replaced)");
            }
        } else if (head->lines + 1 == n && head->lastLineSha256 == beforeLastHash) {
            report.notes.push_back(
                "the head record is one line behind (a crash after the last append); harmless");
        } else {
            bad(head->lines + 1, "lines after line " + std::to_string(head->lines) +
                                     " were added without updating the head record");
        }
    }
    report.intact = report.firstBadLine == 0;
    return report;
}

} // namespace veridicor::verify
