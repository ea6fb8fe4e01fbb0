// The audit log: every kind of tampering (edit, delete, reorder, insert, truncate) is detected and names the
// first bad line; crashes (torn last line, lagging head record) are told apart and never hidden by later
// appends.
#include <veridicor/verify/audit_log.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace veridicor::verify;

namespace {

std::string readAll(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
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

} // namespace

class TestAuditLog : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    int counter = 0;

    std::filesystem::path freshLog(int n) {
        const auto path =
            std::filesystem::path(tmp.path().toStdString()) / ("audit-" + std::to_string(++counter) + ".log");
        const AuditLog log(path);
        for (int i = 1; i <= n; ++i) {
            auto r = log.append(entry(i));
            if (!r) {
                qWarning("append: %s", r.error().message.c_str());
            }
        }
        return path;
    }

    static AuditReport check(const std::filesystem::path& p) { return *AuditLog::verify(p); }

    void expectBad(const std::filesystem::path& p, std::size_t line, const char* words) {
        const AuditReport r = check(p);
        QVERIFY2(!r.intact, "tampering was not detected");
        QCOMPARE(r.firstBadLine, line);
        QVERIFY2(r.problem.find(words) != std::string::npos, r.problem.c_str());
    }

private slots:
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
    }

    void emptyAndNewLogs() {
        const auto p = freshLog(0);
        writeAll(p, "");
        QVERIFY(check(p).intact);
        QVERIFY(!AuditLog::verify(std::filesystem::path(tmp.path().toStdString()) / "none.log").hasValue());
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
    }

    void crashBeforeTheHeadUpdateIsHarmless() {
        // The line was written and synced, the head record still names the previous state.
        const auto p = freshLog(3);
        const std::string oldHead = readAll(AuditLog::headPath(p));
        QVERIFY(AuditLog(p).append(entry(4)).hasValue());
        writeAll(AuditLog::headPath(p), oldHead);
        const AuditReport r = check(p);
        QVERIFY2(r.intact, r.problem.c_str());
        QCOMPARE(r.lines, std::size_t{4});
        QCOMPARE(r.notes.size(), std::size_t{1});
        // The next append catches up.
        QVERIFY(AuditLog(p).append(entry(5)).hasValue());
        QVERIFY(check(p).intact);
        QVERIFY(check(p).notes.empty());
    }

    void appendingAfterATornLineKeepsItVisible() {
        const auto p = freshLog(3);
        const std::string text = readAll(p);
        writeAll(p, text.substr(0, text.size() - 25)); // a crash in the middle of writing line 3
        QVERIFY(AuditLog(p).append(entry(4)).hasValue());
        QVERIFY(AuditLog(p).append(entry(5)).hasValue());
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
        QVERIFY(AuditLog(p).append(entry(6)).hasValue());
        const AuditReport r = check(p);
        QVERIFY(!r.intact);
        QCOMPARE(r.firstBadLine, std::size_t{4});
        QVERIFY2(r.problem.find("removed") != std::string::npos, r.problem.c_str());
    }

    void concurrentAppendsStayChained() {
        const auto p = freshLog(0);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&p, t] {
                const AuditLog log(p);
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
        const AuditLog log(p);
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

    void garbageIsNotALog() {
        const auto p = freshLog(1);
        writeAll(p, readAll(p) + std::string(2 << 20, 'x') + "\n");
        expectBad(p, 2, "longer than 1 MiB");
        // And appending to such a file is refused rather than chained to a line it cannot read.
        writeAll(p, std::string(3 << 20, 'y'));
        QVERIFY(!AuditLog(p).append(entry(1)).hasValue());
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_audit_log.moc"
