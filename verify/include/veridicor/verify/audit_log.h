#pragma once
/// \file
/// A tamper-evident, crash-safe audit log of verifications and displays: JSON lines, hash-chained, with a
/// head record signed by the workstation's audit key (finding-bundle-v1, revision 2, R2.5).
///
/// Each line is one JSON object: `seq` (its line number from 1), `time`, `event`, `user`, `input` (name,
/// digest method, digest, UIDs), `bundle` (path, SHA-256), `verdict`, `reasons`, `detail`, `damage` (only
/// when the append found the log damaged), `prev` (the SHA-256 of the previous line's bytes; 64 zeros for the
/// first) and, last, `hash` (the SHA-256 of the line as it would read without its `hash` member).
///
/// The head record `<log>.head` is one line of compact JSON, members in this order:
///
///     {"format":"veridicor-audit-head-v1","lines":N,"lastLineSha256":"<hex>","firstLineSha256":"<hex>",
///      "time":"<RFC 3339>","keySha256":"<hex>","signature":"<base64>"}
///
/// `lines` is the number of lines in the log, `lastLineSha256` the SHA-256 of line N's bytes (without its
/// '\n'), `firstLineSha256` that of line 1 (it names the log the head belongs to, so that heads of several
/// logs signed by one key — the GUI's and the command line's — can be told apart without reading them),
/// `time` when it was signed, `keySha256` the SHA-256 of the audit public key's DER SubjectPublicKeyInfo, and
/// `signature` the Ed25519 signature (64 bytes, standard base64) over the UTF-8 message
///
///     "veridicor-audit-head-v1\n" + N (decimal) + "\n" + lastLineSha256 + "\n" + time + "\n" +
///     firstLineSha256
///
/// (the prefix keeps a head signature from being valid as anything else made with the key). When a witness
/// is configured, every signed head is also appended to it as one line, the same JSON as the head record.
///
/// Appending takes an exclusive lock, writes the line in one append, fsyncs it, then replaces the head record
/// atomically (write, fsync, rename, fsync the folder), then appends the head to the witness (fsync). A crash
/// leaves at worst a torn last line or a head one line behind; both are damage, because an attacker without
/// the key leaves exactly the same traces (a line appended without signing looks like a crash before the
/// head update). Damage is never overwritten or hidden: the next append terminates a torn line, records what
/// it found in its own line's `damage` member and signs the new head, so the log stays permanently marked.
///
/// With the audit key's public key, AuditLog::verify() detects edited, removed, reordered, inserted and
/// appended lines, a log cut short (also to nothing) and a head that is missing, unsigned, signed by
/// another key, forged or not equal to the log. What it cannot see without a witness is a log and head
/// replaced together by an older copy that was valid once (a rollback): both were signed with the right key.
/// A witness (a file the site's audit repository keeps, one per log, which the workstation can append to
/// but not rewrite) remembers every head; verify() with the witness then finds any log that no longer
/// extends every head the witness saw. Whoever holds the private key can still write any log and head; the
/// witness limits that to the lines after the last witnessed head.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/time.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::verify {

struct Verdict;

struct AuditEntry {
    std::string event = "verify";  ///< "verify", "display", "show-anyway", …
    std::string user;              ///< empty: the operating-system user running the program
    std::optional<TimePoint> time; ///< empty: now
    std::string inputName;         ///< SOP Instance UID or file name
    std::string inputPath;
    std::string digestMethod;
    std::string inputDigest;
    std::string studyInstanceUID;
    std::string seriesInstanceUID;
    std::string sopInstanceUID;
    std::string bundlePath;
    std::string bundleSha256;
    std::string verdict; ///< "trusted" / "untrusted"
    std::vector<std::string> reasons;
    std::string detail; ///< free text (e.g. which finding was shown)

    /// The entry for a verification: input, bundle digest, verdict and reasons from `verdict`.
    static AuditEntry fromVerdict(const Verdict& verdict, const std::filesystem::path& bundlePath,
                                  std::string event = "verify");
};

/// Where the workstation's audit key lives unless a key file is given:
/// `$XDG_CONFIG_HOME/veridicor/audit-key.pem` when XDG_CONFIG_HOME is an absolute path, else
/// `$HOME/.config/veridicor/audit-key.pem` (HOME, else the account's home folder). Errors: Unreadable (no
/// home folder is known).
Expected<std::filesystem::path, Error> defaultAuditKeyPath();

/// The SHA-256 (lowercase hex) of a public key's DER SubjectPublicKeyInfo: `keySha256` of a head record.
std::string publicKeySha256(const PublicKey& key);

/// The workstation's audit key: an Ed25519 private key in a PEM file readable only by its owner, with its
/// public key beside it as `<file>.pub.pem` (what `audit-verify --key` is given).
class AuditKey {
public:
    /// Loads the key, or creates it at first use: a fresh Ed25519 key is written to a temporary file of mode
    /// 0600 in the same folder and linked to `keyFile` without replacing anything, so of processes that
    /// create it at once exactly one wins and every one of them loads the winner. The folder is created
    /// (mode 0700) when missing, and `<file>.pub.pem` is written when missing. Errors: Invalid (the key file
    /// is readable or writable by group or others, belongs to another user, is not a regular file or not
    /// an Ed25519 private key, or the `.pub.pem` beside it is not its public key), Unreadable, TooLarge,
    /// Io, Crypto.
    static Expected<AuditKey, Error> loadOrCreate(const std::filesystem::path& keyFile);
    /// loadOrCreate(defaultAuditKeyPath()).
    static Expected<AuditKey, Error> loadOrCreateDefault();

    /// `<keyFile>.pub.pem`
    static std::filesystem::path publicKeyPath(const std::filesystem::path& keyFile);

    [[nodiscard]] const PrivateKey& privateKey() const { return m_private; }
    [[nodiscard]] const PublicKey& publicKey() const { return m_public; }
    /// publicKeySha256(publicKey())
    [[nodiscard]] const std::string& keySha256() const { return m_keySha256; }
    [[nodiscard]] const std::filesystem::path& file() const { return m_file; }

private:
    AuditKey(std::filesystem::path file, PrivateKey key, PublicKey pub, std::string keySha256)
        : m_file(std::move(file)), m_private(std::move(key)), m_public(std::move(pub)),
          m_keySha256(std::move(keySha256)) {}
    std::filesystem::path m_file;
    PrivateKey m_private;
    PublicKey m_public;
    std::string m_keySha256;
};

/// What AuditLog::verify() checks beyond the chain.
struct AuditCheck {
    /// The audit key's public half. Empty: the head record is compared with the log but its signature is not
    /// checked (a note says so), so a log cut short or rewritten together with its head goes unnoticed.
    std::optional<PublicKey> key;
    /// The witness file (needs `key`); empty: none. Every witnessed head whose signature verifies with `key`
    /// must be a state the log still extends; heads signed by other keys and lines that are no head are
    /// skipped with a note.
    std::filesystem::path witness;
};

/// The outcome of checking a log.
struct AuditReport {
    bool intact = false;
    std::size_t lines = 0;        ///< lines in the file (a torn last line included)
    std::size_t firstBadLine = 0; ///< 1-based (one past the last line for a problem of the head); 0 if intact
    std::string problem;          ///< what is wrong with that line, in plain words
    std::vector<std::string> notes;    ///< what was and was not checked (never damage: that is `problem`)
    bool headSignatureChecked = false; ///< the head's signature was verified with AuditCheck::key
    std::size_t witnessedHeads = 0;    ///< heads of the witness signed by the key (all checked)
};

class AuditLog {
public:
    /// `witness` empty: no witness.
    AuditLog(std::filesystem::path file, AuditKey key, std::filesystem::path witness = {})
        : m_file(std::move(file)), m_key(std::move(key)), m_witness(std::move(witness)) {}

    /// Appends one line durably and signs the new head (see the file comment). Errors: Io (cannot open, lock,
    /// write or fsync the log, its head or the witness; the message says which — when only the witness
    /// failed, the line and head were written), Invalid (the log's first or last line is longer than 1 MiB
    /// and cannot be chained to), Crypto (signing failed).
    [[nodiscard]] Expected<void, Error> append(const AuditEntry& entry) const;

    /// Checks the whole chain, the head record and (when given) the witness. Errors: Unreadable (the log or
    /// the witness cannot be read), Invalid (a witness without a key).
    static Expected<AuditReport, Error> verify(const std::filesystem::path& file,
                                               const AuditCheck& check = {});

    /// `<file>.head`
    static std::filesystem::path headPath(const std::filesystem::path& file);

    /// The user name of this process (login name, else $USER, else the numeric uid).
    static std::string currentUser();

    [[nodiscard]] const std::filesystem::path& file() const { return m_file; }
    [[nodiscard]] const AuditKey& key() const { return m_key; }
    [[nodiscard]] const std::filesystem::path& witness() const { return m_witness; }

private:
    std::filesystem::path m_file;
    AuditKey m_key;
    std::filesystem::path m_witness;
};

} // namespace veridicor::verify
