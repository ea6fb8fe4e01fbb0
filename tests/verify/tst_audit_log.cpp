// The audit log: every kind of tampering (edit, delete, reorder, insert, append, truncate) is detected and
// names the first bad line; crashes (torn last line, lagging head record) are damage that later appends keep
// visible; the head is signed by the audit key (R2.5), which is made at first use, once, readable only by its
// owner; attacks on the head and a rollback (with a witness) are found, each test named after its attack.
#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <thread>

#include <sys/stat.h>

// moc (Qt 6.4) stops reading this file at some raw string literals (one that ends in a quote or holds an odd
// number of them): the test class then has no moc output and the test does not link. Those stay escaped.
// NOLINTBEGIN(modernize-raw-string-literal)

using namespace veridicor::verify;

namespace {

std::string readAll(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeAll(const std::filesystem::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << s;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) {
            break;
        }
        start = nl + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& ls) {
    std::string s;
    for (const auto& l : ls) {
        s += l + "\n";
    }
    return s;
}

AuditEntry entry(int i) {
    AuditEntry e;
    e.inputName = "1.2.3." + std::to_string(i);
    e.digestMethod = "dicom-waveform-v1";
    e.inputDigest = sha256Hex(std::to_string(i));
    e.bundleSha256 = sha256Hex("bundle" + std::to_string(i));
    e.verdict = i % 2 == 0 ? "trusted" : "untrusted";
    if (i % 2 == 1) {
        e.reasons = {"DATA_MISMATCH"};
    }
    e.user = "dr.test";
    return e;
}

/// Recomputes a line's own hash after editing it (an editor who knows the format).
std::string reseal(const std::string& line) {
    const auto at = line.rfind(",\"hash\":\"");
    const std::string body = line.substr(0, at) + "}";
    return line.substr(0, at) + ",\"hash\":\"" + sha256Hex(body) + "\"}";
}

/// Re-chains lines[from…] to the lines before them and reseals each (an editor who knows the format and
/// recomputes every hash).
void rechain(std::vector<std::string>& ls, std::size_t from) {
    for (std::size_t i = from; i < ls.size(); ++i) {
        const auto at = ls[i].find("\"prev\":\"") + 8;
        ls[i].replace(at, 64, i == 0 ? std::string(64, '0') : sha256Hex(ls[i - 1]));
        ls[i] = reseal(ls[i]);
    }
}

/// A head record as it read before R2.5: counts, no signature.
std::string unsignedHead(std::size_t lines, const std::string& lastLineSha256) {
    return "{\"lines\":" + std::to_string(lines) + ",\"lastLineSha256\":\"" + lastLineSha256 + "\"}\n";
}

/// The message a head signature covers, written here from the documented format (not from our code).
std::string documentedHeadMessage(std::size_t lines, const std::string& last, const std::string& time,
                                  const std::string& first) {
    return "veridicor-audit-head-v1\n" + std::to_string(lines) + "\n" + last + "\n" + time + "\n" + first;
}

/// SHA-256 of a key's DER SubjectPublicKeyInfo, computed with OpenSSL directly.
std::string spkiSha256(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    std::string out =
        sha256Hex(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
    return out;
}

/// A signed head in the documented format, made with OpenSSL directly by whoever holds `signer` (which
/// need not be the audit key). `keySha256` is what the head claims to be signed by.
std::string signedHead(EVP_PKEY* signer, const std::string& keySha256, std::size_t lines,
                       const std::string& last, const std::string& first,
                       const std::string& time = "2026-11-28T10:15:00Z") {
    const std::string message = documentedHeadMessage(lines, last, time, first);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 64;
    std::string sig(64, '\0');
    const bool ok =
        EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, signer) == 1 &&
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        qWarning("signing failed");
    }
    return R"({"format":"veridicor-audit-head-v1","lines":)" + std::to_string(lines) +
           ",\"lastLineSha256\":\"" + last + "\",\"firstLineSha256\":\"" + first + "\",\"time\":\"" + time +
           "\",\"keySha256\":\"" + keySha256 + "\",\"signature\":\"" + base64Encode(sig) + "\"}\n";
}

mode_t modeOf(const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 07777) : 07777;
}

/// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name); old != nullptr) {
            m_old = old;
        }
        if (value != nullptr) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (m_old) {
            ::setenv(m_name, m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ScopedEnv(ScopedEnv&&) = delete;
    ScopedEnv& operator=(ScopedEnv&&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

} // namespace

class TestAuditLog : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    int counter = 0;
    std::optional<AuditKey> m_key; ///< the workstation's audit key of these tests

    [[nodiscard]] std::filesystem::path dir() const { return tmp.path().toStdString(); }

    [[nodiscard]] AuditLog logAt(const std::filesystem::path& path,
                                 const std::filesystem::path& witness = {}) const {
        return {path, *m_key, witness};
    }

    std::filesystem::path freshLog(int n, const std::filesystem::path& witness = {}) {
        auto path = dir() / ("audit-" + std::to_string(++counter) + ".log");
        const AuditLog log = logAt(path, witness);
        for (int i = 1; i <= n; ++i) {
            auto r = log.append(entry(i));
            if (!r) {
                qWarning("append: %s", r.error().message.c_str());
            }
        }
        return path;
    }

    /// With the audit key's public key: every R2.5 rule.
    [[nodiscard]] AuditReport check(const std::filesystem::path& p,
                                    const std::filesystem::path& witness = {}) const {
        AuditCheck c;
        c.key = m_key->publicKey();
        c.witness = witness;
        auto r = AuditLog::verify(p, c);
        if (!r) {
            qWarning("verify: %s", r.error().message.c_str());
            return {};
        }
        return *r;
    }
    /// Without a key: the chain and the head's counts, not its signature.
    static AuditReport checkWithoutKey(const std::filesystem::path& p) { return *AuditLog::verify(p); }

    void expectBad(const AuditReport& r, std::size_t line, const char* words) {
        QVERIFY2(!r.intact, "tampering was not detected");
        QVERIFY2(r.problem.find(words) != std::string::npos, r.problem.c_str());
        QCOMPARE(r.firstBadLine, line);
    }
    void expectBad(const std::filesystem::path& p, const std::filesystem::path& witness, std::size_t line,
                   const char* words) {
        expectBad(check(p, witness), line, words);
    }
    void expectBad(const std::filesystem::path& p, std::size_t line, const char* words) {
        expectBad(check(p), line, words);
    }

private slots:
    void initTestCase() {
        auto key = AuditKey::loadOrCreate(dir() / "config" / "audit-key.pem");
        QVERIFY2(key.hasValue(), key ? "" : key.error().message.c_str());
        m_key = std::move(*key);
    }

    void intactLogVerifies() {
        const auto p = freshLog(5);
        const AuditReport r = check(p);
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.lines, std::size_t{5});
        // Each line is JSON carrying the fields of the issue, and the SHA-256 of the line before it.
        const auto ls = lines(readAll(p));
        QCOMPARE(ls.size(), std::size_t{5});
        std::string prev(64, '0');
        for (std::size_t i = 0; i < ls.size(); ++i) {
            auto doc = json::parse(ls[i]);
            QVERIFY(doc.hasValue());
            QCOMPARE(doc->find("seq")->asInteger(),
                     std::optional<std::int64_t>(static_cast<std::int64_t>(i + 1)));
            QVERIFY(parseRfc3339(doc->find("time")->asString()).has_value());
            QCOMPARE(doc->find("user")->asString(), std::string("dr.test"));
            QCOMPARE(doc->find("input")->find("name")->asString(), "1.2.3." + std::to_string(i + 1));
            QCOMPARE(doc->find("bundle")->find("sha256")->asString(),
                     sha256Hex("bundle" + std::to_string(i + 1)));
            QVERIFY(doc->find("verdict")->isString());
            QVERIFY(doc->find("reasons")->isArray());
            QCOMPARE(doc->find("prev")->asString(), prev);
            prev = QCryptographicHash::hash(QByteArray::fromStdString(ls[i]), QCryptographicHash::Sha256)
                       .toHex()
                       .toStdString();
        }
        QVERIFY(std::filesystem::exists(AuditLog::headPath(p)));
        QVERIFY(r.headSignatureChecked);
        QVERIFY(r.notes.empty());
        // Without the key the chain and the head's counts are checked, and a note says the signature was not.
        const AuditReport unkeyed = checkWithoutKey(p);
        QVERIFY2(unkeyed.intact, unkeyed.problem.c_str());
        QVERIFY(!unkeyed.headSignatureChecked);
        QCOMPARE(unkeyed.notes.size(), std::size_t{1});
        QVERIFY(unkeyed.notes[0].find("signature was not checked") != std::string::npos);
    }

    void emptyAndNewLogs() {
        // An empty file without a head: nothing to check without the key; with it, nothing proves that the
        // log was not emptied together with its head, so it is damage.
        const auto p = freshLog(0);
        writeAll(p, "");
        QVERIFY(checkWithoutKey(p).intact);
        expectBad(p, 1, "empty");
        QVERIFY(!AuditLog::verify(dir() / "none.log").hasValue());
        // The first append to it is not damage (there was nothing to sign before).
        QVERIFY(logAt(p).append(entry(1)).hasValue());
        QVERIFY2(check(p).intact, check(p).problem.c_str());
    }

    void editedLineIsDetected() {
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        ls[2].replace(ls[2].find("untrusted"), 9, "trusted  ");
        writeAll(p, join(ls));
        expectBad(p, 3, "changed");
    }

    void editedLineWithRecomputedHashIsDetected() {
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        ls[2].replace(ls[2].find("\"untrusted\""), 11, "\"trusted\"");
        ls[2].replace(ls[2].find("[\"DATA_MISMATCH\"]"), 17, "[]");
        ls[2] = reseal(ls[2]);
        writeAll(p, join(ls));
        expectBad(p, 4, "line 3 was changed"); // line 4 no longer follows it
    }

    void editedLastLineIsDetected() {
        const auto p = freshLog(4);
        auto ls = lines(readAll(p));
        ls[3].replace(ls[3].find("\"trusted\""), 9, "\"untrust\"");
        ls[3] = reseal(ls[3]);
        writeAll(p, join(ls));
        expectBad(p, 4, "replaced");
    }

    void deletedLineIsDetected() {
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        ls.erase(ls.begin() + 2);
        writeAll(p, join(ls));
        expectBad(p, 3, "removed");
    }

    void deletedFirstLineIsDetected() {
        const auto p = freshLog(3);
        auto ls = lines(readAll(p));
        ls.erase(ls.begin());
        writeAll(p, join(ls));
        expectBad(p, 1, "carries number 2");
    }

    void reorderedLinesAreDetected() {
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        std::swap(ls[1], ls[3]);
        writeAll(p, join(ls));
        expectBad(p, 2, "reordered");
    }

    void insertedLineIsDetected() {
        const auto p = freshLog(4);
        auto ls = lines(readAll(p));
        ls.insert(ls.begin() + 2, ls[1]);
        writeAll(p, join(ls));
        expectBad(p, 3, "carries number 2");
    }

    void truncatedWholeLinesAreDetected() {
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        ls.resize(3);
        writeAll(p, join(ls));
        expectBad(p, 4, "truncated");
        // Also when everything was removed.
        writeAll(p, "");
        expectBad(p, 1, "truncated");
    }

    void truncatedMidLineIsDetected() {
        const auto p = freshLog(3);
        const std::string text = readAll(p);
        writeAll(p, text.substr(0, text.size() - 40));
        expectBad(p, 3, "incomplete");
    }

    void missingHeadRecordIsDetected() {
        const auto p = freshLog(3);
        std::filesystem::remove(AuditLog::headPath(p));
        expectBad(p, 4, "missing");
        expectBad(checkWithoutKey(p), 4, "missing");
    }

    void crashBeforeTheHeadUpdateIsDamage() {
        // The line was written and synced, the head record still names the previous state. Before R2.5 this
        // was "harmless"; it is damage now, because a line appended by someone without the key leaves exactly
        // this trace.
        const auto p = freshLog(3);
        const std::string oldHead = readAll(AuditLog::headPath(p));
        QVERIFY(logAt(p).append(entry(4)).hasValue());
        writeAll(AuditLog::headPath(p), oldHead);
        expectBad(p, 4, "added after the last head record");
        expectBad(checkWithoutKey(p), 4, "added after the last head record");
        // The next append does not hide it: it records the damage in its own line, and signs a new head.
        QVERIFY(logAt(p).append(entry(5)).hasValue());
        const AuditReport r = check(p);
        expectBad(r, 5, "line 4 was not covered by a signed head record");
        QCOMPARE(r.lines, std::size_t{5});
    }

    void appendingAfterATornLineKeepsItVisible() {
        const auto p = freshLog(3);
        const std::string text = readAll(p);
        writeAll(p, text.substr(0, text.size() - 25)); // a crash in the middle of writing line 3
        QVERIFY(logAt(p).append(entry(4)).hasValue());
        QVERIFY(logAt(p).append(entry(5)).hasValue());
        const AuditReport r = check(p);
        QVERIFY(!r.intact);
        QCOMPARE(r.firstBadLine, std::size_t{3});
        QCOMPARE(r.lines, std::size_t{5});
        // The new line records what it found.
        const auto ls = lines(readAll(p));
        QVERIFY(ls[3].find("torn write") != std::string::npos);
        QCOMPARE(json::parse(ls[4])->find("seq")->asInteger(), std::optional<std::int64_t>(5));
    }

    void appendingAfterTruncationKeepsItVisible() {
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        ls.resize(3);
        writeAll(p, join(ls));
        QVERIFY(logAt(p).append(entry(6)).hasValue());
        const AuditReport r = check(p);
        QVERIFY(!r.intact);
        QCOMPARE(r.firstBadLine, std::size_t{4});
        QVERIFY2(r.problem.find("removed") != std::string::npos, r.problem.c_str());
    }

    void concurrentAppendsStayChained() {
        const auto p = freshLog(0);
        std::vector<std::thread> threads;
        threads.reserve(4);
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([this, &p, t] {
                const AuditLog log = logAt(p);
                for (int i = 0; i < 25; ++i) {
                    (void)log.append(entry(t * 100 + i));
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        const AuditReport r = check(p);
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.lines, std::size_t{100});
    }

    void hostileBytesInUidsAndPathsKeepTheLogReadable() {
        // A DICOM file whose UIDs end in Latin-1 bytes (or hold a NUL), at a path that is not UTF-8: every
        // line written must still be JSON our strict reader accepts, or the log would look tampered from
        // there on and a later edit would hide behind that first "bad" line.
        const auto p = freshLog(2);
        const AuditLog log = logAt(p);
        AuditEntry hostile = entry(3);
        hostile.studyInstanceUID = "1.2.840.99\xE9";
        hostile.seriesInstanceUID = std::string("1.2.840.98\0\x80", 12);
        hostile.sopInstanceUID = "1.2.840.97\xC3";   // a truncated two-byte sequence
        hostile.inputName = "\xED\xA0\x80surrogate"; // an encoded UTF-16 surrogate
        hostile.inputPath = "/data/M\xFCller/ecg\xFF.dcm";
        hostile.bundlePath = "/data/M\xFCller/ecg.finding.json";
        hostile.detail = "overlong \xC0\xAF slash";
        QVERIFY(log.append(hostile).hasValue());
        QVERIFY(log.append(entry(4)).hasValue());
        AuditReport r = check(p);
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.lines, std::size_t{4});

        // Each invalid byte became U+FFFD; the valid part of each value is kept.
        const auto ls = lines(readAll(p));
        QVERIFY(json::isValidUtf8(readAll(p)));
        auto doc = json::parse(ls[2]);
        QVERIFY2(doc.hasValue(), ls[2].c_str());
        const json::Value* in = doc->find("input");
        const std::string fffd = "\xEF\xBF\xBD";
        QCOMPARE(in->find("studyInstanceUID")->asString(), "1.2.840.99" + fffd);
        QCOMPARE(in->find("seriesInstanceUID")->asString(), "1.2.840.98" + fffd + fffd);
        QCOMPARE(in->find("sopInstanceUID")->asString(), "1.2.840.97" + fffd);
        QCOMPARE(in->find("name")->asString(), fffd + fffd + fffd + "surrogate");
        QCOMPARE(in->find("path")->asString(), "/data/M" + fffd + "ller/ecg" + fffd + ".dcm");
        QCOMPARE(doc->find("detail")->asString(), "overlong " + fffd + fffd + " slash");

        // A real edit after the hostile line is still found, at its own line.
        auto edited = ls;
        edited[3].replace(edited[3].find("\"trusted\""), 9, "\"trustee\"");
        writeAll(p, join(edited));
        expectBad(p, 4, "changed");
        // And one of the hostile line itself.
        edited = ls;
        edited[2].replace(edited[2].find("1.2.840.99"), 10, "1.2.840.11");
        writeAll(p, join(edited));
        expectBad(p, 3, "changed");
    }

    // ---- R2.5: the signed head. Each attack below is one an attacker without the audit key can make.

    void headRecordIsSignedAsDocumented() {
        // Checked with OpenSSL directly against the format in the header comment and verify/README.md.
        const auto witness = dir() / "documented.witness";
        const auto p = freshLog(3, witness);
        const auto ls = lines(readAll(p));
        const std::string headText = readAll(AuditLog::headPath(p));
        auto head = json::parse(headText);
        QVERIFY(head.hasValue());
        std::vector<std::string> keys;
        for (const auto& m : head->asObject()) {
            keys.push_back(m.key);
        }
        QCOMPARE(keys, (std::vector<std::string>{"format", "lines", "lastLineSha256", "firstLineSha256",
                                                 "time", "keySha256", "signature"}));
        QCOMPARE(head->find("format")->asString(), std::string("veridicor-audit-head-v1"));
        QCOMPARE(head->find("lines")->asInteger(), std::optional<std::int64_t>(3));
        QCOMPARE(head->find("lastLineSha256")->asString(), sha256Hex(ls[2]));
        QCOMPARE(head->find("firstLineSha256")->asString(), sha256Hex(ls[0]));
        QVERIFY(parseRfc3339(head->find("time")->asString()).has_value());

        const std::string pubPem = readAll(AuditKey::publicKeyPath(m_key->file()));
        BIO* bio = BIO_new_mem_buf(pubPem.data(), static_cast<int>(pubPem.size()));
        EVP_PKEY* pub = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        QVERIFY(pub != nullptr);
        QCOMPARE(EVP_PKEY_get_base_id(pub), EVP_PKEY_ED25519);
        QCOMPARE(head->find("keySha256")->asString(), spkiSha256(pub));
        const std::string message =
            documentedHeadMessage(3, sha256Hex(ls[2]), head->find("time")->asString(), sha256Hex(ls[0]));
        const auto sig = base64Decode(head->find("signature")->asString());
        QVERIFY(sig.has_value());
        QCOMPARE(sig->size(), std::size_t{64});
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        const int ok =
            EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pub) == 1
                ? EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                                   reinterpret_cast<const unsigned char*>(message.data()), message.size())
                : 0;
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(pub);
        QCOMPARE(ok, 1);

        // The witness got every head, one line each, the same JSON as the head record; the last is the head.
        const auto ws = lines(readAll(witness));
        QCOMPARE(ws.size(), std::size_t{3});
        QCOMPARE(ws[2] + "\n", headText);
        for (std::size_t i = 0; i < ws.size(); ++i) {
            auto w = json::parse(ws[i]);
            QVERIFY(w.hasValue());
            QCOMPARE(w->find("lines")->asInteger(),
                     std::optional<std::int64_t>(static_cast<std::int64_t>(i + 1)));
            QCOMPARE(w->find("lastLineSha256")->asString(), sha256Hex(ls[i]));
        }
        const AuditReport r = check(p, witness);
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.witnessedHeads, std::size_t{3});
    }

    void attackCutTheTailAndRewriteTheHead() {
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        ls.resize(3);
        writeAll(p, join(ls));
        // An unsigned head that fits the shortened log.
        writeAll(AuditLog::headPath(p), unsignedHead(3, sha256Hex(ls[2])));
        expectBad(p, 4, "not signed");
        // The documented limit without the key: the counts fit, the signature is not checked (a note says
        // so).
        const AuditReport unkeyed = checkWithoutKey(p);
        QVERIFY(unkeyed.intact);
        QVERIFY(unkeyed.notes.at(0).find("signature was not checked") != std::string::npos);
        // A signed-looking head whose counts were changed: the signature no longer covers them.
        const std::string real = readAll(AuditLog::headPath(freshLog(5)));
        auto head = json::parse(real);
        std::string forged = real;
        forged.replace(forged.find("\"lines\":5"), 9, "\"lines\":3");
        const std::string oldLast = head->find("lastLineSha256")->asString();
        forged.replace(forged.find(oldLast), 64, sha256Hex(ls[2]));
        forged.replace(forged.find(head->find("firstLineSha256")->asString()), 64, sha256Hex(ls[0]));
        writeAll(AuditLog::headPath(p), forged);
        expectBad(p, 4, "does not verify");
    }

    void attackKeepOneLineAndDeleteTheHead() {
        const auto p = freshLog(4);
        auto ls = lines(readAll(p));
        ls.resize(1);
        writeAll(p, join(ls));
        std::filesystem::remove(AuditLog::headPath(p));
        // Before R2.5 a single line without a head was "harmless" (a crash after the first line).
        expectBad(p, 2, "missing");
        expectBad(checkWithoutKey(p), 2, "missing");
    }

    void attackEmptyTheLog() {
        const auto p = freshLog(4);
        writeAll(p, "");
        expectBad(p, 1, "truncated");
        // And with its head deleted too.
        std::filesystem::remove(AuditLog::headPath(p));
        expectBad(p, 1, "emptied");
        // The next append records that the log did not match its head.
        const auto q = freshLog(4);
        writeAll(q, "");
        QVERIFY(logAt(q).append(entry(5)).hasValue());
        expectBad(q, 1, "did not match its head record");
    }

    void attackEditAndRechain() {
        // Line 3 edited ("untrusted" → "trusted"), every later hash and `prev` recomputed, then a new head.
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        ls[2].replace(ls[2].find("\"untrusted\""), 11, "\"trusted\"");
        ls[2].replace(ls[2].find("[\"DATA_MISMATCH\"]"), 17, "[]");
        rechain(ls, 2);
        writeAll(p, join(ls));
        const std::string last = sha256Hex(ls[4]);
        const std::string first = sha256Hex(ls[0]);
        QVERIFY(checkWithoutKey(p).lines == 5);
        // The old head no longer fits the last line.
        expectBad(p, 5, "replaced");
        // An unsigned head.
        writeAll(AuditLog::headPath(p), unsignedHead(5, last));
        expectBad(p, 6, "not signed");
        // A head signed by the attacker's own key, claiming to be so.
        auto attacker = AuditKey::loadOrCreate(dir() / "attacker" / "key.pem");
        QVERIFY(attacker.hasValue());
        EVP_PKEY* theirs = attacker->privateKey().native();
        writeAll(AuditLog::headPath(p), signedHead(theirs, spkiSha256(theirs), 5, last, first));
        expectBad(p, 6, "signed by another key");
        // A head signed by the attacker's key, claiming the audit key's hash.
        writeAll(AuditLog::headPath(p), signedHead(theirs, m_key->keySha256(), 5, last, first));
        expectBad(p, 6, "does not verify");
    }

    void attackAppendAForgedChainedLine() {
        // A sixth line, correctly numbered, chained and sealed; the head (which cannot be signed) stays at 5.
        const auto p = freshLog(5);
        auto ls = lines(readAll(p));
        std::string forged = ls[4];
        forged.replace(forged.find("\"seq\":5"), 7, "\"seq\":6");
        ls.push_back(forged);
        rechain(ls, 5);
        writeAll(p, join(ls));
        expectBad(p, 6, "added after the last head record");
        expectBad(checkWithoutKey(p), 6, "added after the last head record");
        // A later legitimate append does not launder it: its line records the damage.
        QVERIFY(logAt(p).append(entry(7)).hasValue());
        expectBad(p, 7, "line 6 was not covered by a signed head record");
    }

    void attackRollBackToAnOlderValidCopy() {
        const auto witness = dir() / "rollback.witness";
        const auto p = freshLog(3, witness);
        const std::string oldLog = readAll(p);
        const std::string oldHead = readAll(AuditLog::headPath(p));
        QVERIFY(logAt(p, witness).append(entry(4)).hasValue());
        QVERIFY(logAt(p, witness).append(entry(5)).hasValue());
        QVERIFY(check(p, witness).intact);
        writeAll(p, oldLog);
        writeAll(AuditLog::headPath(p), oldHead);
        // The documented limit: without the witness an older copy that was valid once is valid still.
        const AuditReport withoutWitness = check(p);
        QVERIFY2(withoutWitness.intact, "a rollback cannot be seen without the witness; the test is wrong");
        // With it, the witness remembers that line 4 existed.
        const AuditReport r = check(p, witness);
        expectBad(r, 4, "rolled back or rewritten");
        QVERIFY2(r.problem.find("for 4 lines") != std::string::npos, r.problem.c_str());
        QCOMPARE(r.witnessedHeads, std::size_t{5});
    }

    void attackRewriteWithTheStolenKeyIsFoundByTheWitness() {
        // Whoever holds the private key can rewrite the log and sign a fitting head; the witness still has
        // the heads it saw before, so lines up to the last witnessed head cannot be changed unseen.
        const auto witness = dir() / "stolen.witness";
        const auto p = freshLog(4, witness);
        auto ls = lines(readAll(p));
        ls[1].replace(ls[1].find("\"trusted\""), 9, "\"untrust\"");
        rechain(ls, 1);
        writeAll(p, join(ls));
        writeAll(AuditLog::headPath(p), signedHead(m_key->privateKey().native(), m_key->keySha256(), 4,
                                                   sha256Hex(ls[3]), sha256Hex(ls[0])));
        QVERIFY(check(p).intact); // the head is genuine
        expectBad(p, witness, 2, "rolled back or rewritten");
    }

    void headSignedByAnotherKeyIsDamage() {
        // A log written by another workstation account (another key), checked with this audit key.
        auto other = AuditKey::loadOrCreate(dir() / "other" / "audit-key.pem");
        QVERIFY(other.hasValue());
        QVERIFY(other->keySha256() != m_key->keySha256());
        const auto p = dir() / "other.log";
        QVERIFY(AuditLog(p, *other).append(entry(1)).hasValue());
        QVERIFY(AuditLog(p, *other).append(entry(2)).hasValue());
        expectBad(p, 3, "signed by another key");
        // The next append with this key records it.
        QVERIFY(logAt(p).append(entry(3)).hasValue());
        expectBad(p, 3, "signed by another key");
    }

    void headCopiedFromAnotherLogDoesNotFit() {
        // Two logs signed by the same key (the GUI's and the command line's), of the same length: the head
        // of one beside the other does not fit it (its last line, and line 1, are another log's).
        const auto a = freshLog(3);
        const auto b = freshLog(3);
        writeAll(AuditLog::headPath(b), readAll(AuditLog::headPath(a)));
        expectBad(b, 3, "replaced");
    }

    void unsignedHeadBeforeRevision2IsDamageWithTheKey() {
        const auto p = freshLog(3);
        const auto ls = lines(readAll(p));
        writeAll(AuditLog::headPath(p), unsignedHead(3, sha256Hex(ls[2])));
        expectBad(p, 4, "not signed");
        const AuditReport unkeyed = checkWithoutKey(p);
        QVERIFY(unkeyed.intact);
        QVERIFY(unkeyed.notes.at(0).find("not signed") != std::string::npos);
        // The next append records it, then signs.
        QVERIFY(logAt(p).append(entry(4)).hasValue());
        expectBad(p, 4, "was not signed");
        QVERIFY(json::parse(readAll(AuditLog::headPath(p)))->find("signature") != nullptr);
    }

    void damagedHeadRecordIsDetected() {
        const auto p = freshLog(2);
        writeAll(AuditLog::headPath(p), R"({"lines":2,"lastLineSha256":"nope"})");
        expectBad(p, 3, "damaged");
        std::string head = readAll(AuditLog::headPath(freshLog(2)));
        head.insert(1, "\"extra\":1,");
        writeAll(AuditLog::headPath(p), head);
        expectBad(p, 3, "damaged");
    }

    void witnessIsCheckedOnlyWithItsKeyAndSkipsWhatIsNotAHead() {
        const auto witness = dir() / "mixed.witness";
        const auto p = freshLog(2, witness);
        // A torn line (a crash while writing the witness) and a head signed by another key.
        auto other = AuditKey::loadOrCreate(dir() / "other2" / "audit-key.pem");
        QVERIFY(other.hasValue());
        const std::string otherHead = signedHead(other->privateKey().native(), other->keySha256(), 9,
                                                 std::string(64, 'a'), std::string(64, 'b'));
        writeAll(witness, readAll(witness) + otherHead + "{\"lines\":");
        QVERIFY(logAt(p, witness).append(entry(3)).hasValue()); // terminates the torn witness line first
        AuditReport r = check(p, witness);
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.witnessedHeads, std::size_t{3});
        QCOMPARE(lines(readAll(witness)).size(), std::size_t{5});
        bool other1 = false;
        bool torn1 = false;
        for (const auto& n : r.notes) {
            other1 = other1 || n.find("not signed by the audit key") != std::string::npos;
            torn1 = torn1 || n.find("not a head record") != std::string::npos;
        }
        QVERIFY(other1 && torn1);
        // A witness needs the key; an unreadable witness is an error, not "intact".
        AuditCheck noKey;
        noKey.witness = witness;
        QVERIFY(!AuditLog::verify(p, noKey).hasValue());
        QVERIFY(!AuditLog::verify(p, AuditCheck{m_key->publicKey(), dir() / "no.witness"}).hasValue());
        // Two different heads signed by the key for the same count: the log was rewritten after the first
        // was witnessed (and later put back).
        const auto ls = lines(readAll(p));
        const std::string witnessed = readAll(witness);
        writeAll(witness, witnessed + signedHead(m_key->privateKey().native(), m_key->keySha256(), 2,
                                                 sha256Hex("another line 2"), sha256Hex(ls[0])));
        expectBad(p, witness, 2, "two different heads");
        writeAll(witness, witnessed);
        // An empty witness checks nothing, and says so.
        writeAll(dir() / "empty.witness", "");
        r = check(p, dir() / "empty.witness");
        QVERIFY(r.intact);
        QVERIFY(r.notes.back().find("no head signed by the audit key") != std::string::npos);
    }

    // ---- the audit key

    void keyIsCreatedAtFirstUseWithMode0600AndItsPublicKeyBeside() {
        const auto keyFile = dir() / "first-use" / "veridicor" / "audit-key.pem";
        QVERIFY(!std::filesystem::exists(keyFile));
        auto key = AuditKey::loadOrCreate(keyFile);
        QVERIFY2(key.hasValue(), key ? "" : key.error().message.c_str());
        QCOMPARE(modeOf(keyFile), mode_t{0600});
        QCOMPARE(modeOf(keyFile.parent_path()), mode_t{0700});
        const auto pubFile = dir() / "first-use" / "veridicor" / "audit-key.pem.pub.pem";
        QCOMPARE(AuditKey::publicKeyPath(keyFile), pubFile);
        QVERIFY(std::filesystem::exists(pubFile));
        QCOMPARE(modeOf(pubFile) & 077U, mode_t{044}); // public: readable by others
        auto pub = PublicKey::load(pubFile);
        QVERIFY(pub.hasValue());
        QCOMPARE(pub->description(), std::string("Ed25519"));
        QCOMPARE(publicKeySha256(*pub), key->keySha256());
        QVERIFY(readAll(keyFile).find("-----BEGIN PRIVATE KEY-----") == 0);
        // Later uses load the same key; no temporary file is left behind.
        auto again = AuditKey::loadOrCreate(keyFile);
        QVERIFY(again.hasValue());
        QCOMPARE(again->keySha256(), key->keySha256());
        QCOMPARE(std::distance(std::filesystem::directory_iterator(keyFile.parent_path()),
                               std::filesystem::directory_iterator()),
                 std::ptrdiff_t{2});
        // A missing public key is written again from the private key.
        std::filesystem::remove(pubFile);
        QVERIFY(AuditKey::loadOrCreate(keyFile).hasValue());
        QCOMPARE(publicKeySha256(*PublicKey::load(pubFile)), key->keySha256());
    }

    void keyReadableByGroupOrOthersIsRefused() {
        const auto keyFile = dir() / "open" / "audit-key.pem";
        QVERIFY(AuditKey::loadOrCreate(keyFile).hasValue());
        for (const mode_t mode : {0640, 0604, 0660, 0620}) {
            QCOMPARE(::chmod(keyFile.c_str(), mode), 0);
            auto key = AuditKey::loadOrCreate(keyFile);
            QVERIFY2(!key.hasValue(), "a key others can read was used");
            QCOMPARE(key.error().code, ErrorCode::Invalid);
            QVERIFY2(key.error().message.find("too open") != std::string::npos, key.error().message.c_str());
            QVERIFY(key.error().message.find("chmod 600") != std::string::npos);
            QVERIFY(key.error().message.find(keyFile.string()) != std::string::npos);
        }
        QCOMPARE(::chmod(keyFile.c_str(), 0400), 0); // read-only for its owner is fine
        QVERIFY(AuditKey::loadOrCreate(keyFile).hasValue());
    }

    void keyThatIsNotEd25519OrNotItsPublicKeyIsRefused() {
        const auto keyFile = dir() / "wrong" / "audit-key.pem";
        QVERIFY(AuditKey::loadOrCreate(keyFile).hasValue());
        // A public key beside it that belongs to another key.
        auto other = AuditKey::loadOrCreate(dir() / "wrong2" / "audit-key.pem");
        QVERIFY(other.hasValue());
        writeAll(AuditKey::publicKeyPath(keyFile), other->publicKey().pem());
        auto mismatch = AuditKey::loadOrCreate(keyFile);
        QVERIFY(!mismatch.hasValue());
        QVERIFY2(mismatch.error().message.find("not the public key") != std::string::npos,
                 mismatch.error().message.c_str());
        // A P-256 key.
        const auto ecFile = dir() / "wrong3" / "audit-key.pem";
        std::filesystem::create_directories(ecFile.parent_path());
        writeAll(ecFile, PrivateKey::generate(KeyType::EcP256)->pkcs8Pem());
        ::chmod(ecFile.c_str(), 0600);
        auto ec = AuditKey::loadOrCreate(ecFile);
        QVERIFY(!ec.hasValue());
        QVERIFY2(ec.error().message.find("not Ed25519") != std::string::npos, ec.error().message.c_str());
    }

    void concurrentFirstUseMakesOneKey() {
        // Eight threads create the same key at once: one wins, all use the winner.
        const auto keyFile = dir() / "race" / "audit-key.pem";
        constexpr int kThreads = 8;
        std::vector<std::string> ids(kThreads);
        std::vector<std::string> errors(kThreads);
        std::latch start(kThreads);
        std::vector<std::thread> threads;
        threads.reserve(kThreads);
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                start.arrive_and_wait();
                auto key = AuditKey::loadOrCreate(keyFile);
                if (key) {
                    ids[t] = key->keySha256();
                } else {
                    errors[t] = key.error().message;
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        for (int t = 0; t < kThreads; ++t) {
            QVERIFY2(errors[t].empty(), errors[t].c_str());
            QCOMPARE(ids[t], ids[0]);
        }
        QCOMPARE(publicKeySha256(*PublicKey::load(AuditKey::publicKeyPath(keyFile))), ids[0]);
        QCOMPARE(modeOf(keyFile), mode_t{0600});
        // Only the key and its public key: every temporary file is gone.
        QCOMPARE(std::distance(std::filesystem::directory_iterator(keyFile.parent_path()),
                               std::filesystem::directory_iterator()),
                 std::ptrdiff_t{2});
    }

    void defaultKeyPathIsInTheConfigFolder() {
        {
            const ScopedEnv xdg("XDG_CONFIG_HOME", "/srv/cfg");
            QCOMPARE(*defaultAuditKeyPath(), std::filesystem::path("/srv/cfg/veridicor/audit-key.pem"));
        }
        {
            const ScopedEnv xdg("XDG_CONFIG_HOME", "relative/cfg"); // invalid by the XDG rules: ignored
            const ScopedEnv home("HOME", "/home/dr.test");
            QCOMPARE(*defaultAuditKeyPath(),
                     std::filesystem::path("/home/dr.test/.config/veridicor/audit-key.pem"));
        }
        {
            const ScopedEnv xdg("XDG_CONFIG_HOME", nullptr);
            const ScopedEnv home("HOME", "/home/dr.test");
            QCOMPARE(*defaultAuditKeyPath(),
                     std::filesystem::path("/home/dr.test/.config/veridicor/audit-key.pem"));
        }
        // loadOrCreateDefault() makes it there.
        const ScopedEnv xdg("XDG_CONFIG_HOME", (dir() / "xdg").c_str());
        auto key = AuditKey::loadOrCreateDefault();
        QVERIFY2(key.hasValue(), key ? "" : key.error().message.c_str());
        QCOMPARE(key->file(), dir() / "xdg" / "veridicor" / "audit-key.pem");
        QCOMPARE(modeOf(key->file()), mode_t{0600});
    }

    void garbageIsNotALog() {
        const auto p = freshLog(1);
        writeAll(p, readAll(p) + std::string(2 << 20, 'x') + "\n");
        expectBad(p, 2, "longer than 1 MiB");
        // And appending to such a file is refused rather than chained to a line it cannot read.
        writeAll(p, std::string(3 << 20, 'y'));
        QVERIFY(!logAt(p).append(entry(1)).hasValue());
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
// NOLINTEND(modernize-raw-string-literal)
#include "tst_audit_log.moc"
