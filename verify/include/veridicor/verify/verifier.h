#pragma once
/// \file
/// Verifies finding bundles against a trust store, in the seven steps of finding-bundle-v1, in order.
///
/// \code
///   auto store = verify::TrustStore::load("/etc/veridicor/trust");          // Expected<TrustStore, Error>
///   auto input = verify::openInput("ecg.dcm");                              // Expected<InputData, Error>
///   verify::Verifier verifier(*store);
///   auto verdict = verifier.verifyFile("ecg.finding.json", *input, verify::now());
///   if (verdict && verdict->trusted()) { /* show verdict->statement, verdict->attachments */ }
/// \endcode

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/verify/verdict.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace veridicor::verify {

/// Supplies the bytes of an attachment by name (a name already checked against [A-Za-z0-9._-]{1,64}).
/// `maxBytes` is the size its signed description declares: a reader reads at most one byte more and refuses a
/// larger attachment with ErrorCode::TooLarge (so a huge file is refused early, not read whole).
using AttachmentReader =
    std::function<Expected<std::string, Error>(const std::string& name, std::size_t maxBytes)>;

/// Reads attachments from `dir` (the bundle's folder), refusing files over the declared size or over
/// `maxBytes`, whichever is smaller.
AttachmentReader attachmentsFromFolder(std::filesystem::path dir,
                                       std::size_t maxBytes = std::size_t{256} << 20);

/// A finding bundle after steps 1–3 (envelope, chain, signature) and, when they passed, with its statement
/// read: what Verifier::authenticate() makes and Verifier::verify() finishes. A caller that needs to know the
/// authenticated subject before choosing what to verify a bundle against (routing rule b of
/// finding_discovery.h) thus authenticates the bundle once. Opaque; it holds the decoded payload, not the
/// bundle's bytes.
class AuthenticatedBundle {
public:
    AuthenticatedBundle(AuthenticatedBundle&&) noexcept;
    AuthenticatedBundle& operator=(AuthenticatedBundle&&) noexcept;
    AuthenticatedBundle(const AuthenticatedBundle&) = delete;
    AuthenticatedBundle& operator=(const AuthenticatedBundle&) = delete;
    ~AuthenticatedBundle();

    /// Steps 1–3 passed and the payload is a finding statement of the expected form.
    [[nodiscard]] bool authentic() const;
    /// The signed subject name when authentic(), else nullptr. Authenticated but not yet trusted: compare
    /// it, or quote it (safe text) before showing it.
    [[nodiscard]] const std::string* subjectName() const;
    /// The verification time it was authenticated at; verify() judges steps 4–7 at the same time.
    [[nodiscard]] TimePoint at() const;

private:
    friend class Verifier;
    struct State;
    explicit AuthenticatedBundle(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

class Verifier {
public:
    explicit Verifier(TrustStore store);

    /// Verifies `bundle` against the opened `input` at time `at`. Never fails: every problem is a reason in
    /// the verdict. Steps 4–7 run only when steps 2 and 3 passed and the payload is a well-formed statement.
    /// The same as verify(authenticate(bundle, at), input, attachments).
    [[nodiscard]] Verdict verify(std::string_view bundle, const InputData& input, TimePoint at,
                                 const AttachmentReader& attachments) const;

    /// Steps 1–3 of `bundle` at time `at`, and its statement read when they pass. Never fails.
    [[nodiscard]] AuthenticatedBundle authenticate(std::string_view bundle, TimePoint at) const;

    /// Steps 4–7 of a bundle this Verifier (or a copy of it) authenticated, at the time it was authenticated
    /// at: the verdict verify(bytes, input, at, attachments) gives for its bytes, byte for byte. Consumes the
    /// bundle (its verified payload and statement move into the verdict). A bundle authenticated by another
    /// Verifier, against another trust store, is not trusted (UNTRUSTED_CHAIN).
    [[nodiscard]] Verdict verify(AuthenticatedBundle bundle, const InputData& input,
                                 const AttachmentReader& attachments) const;

    /// Reads the bundle file (at most 64 MiB; a larger one is MALFORMED) and verifies it, reading attachments
    /// from its folder. Errors: Unreadable (the bundle file cannot be read).
    [[nodiscard]] Expected<Verdict, Error> verifyFile(const std::filesystem::path& bundle,
                                                      const InputData& input, TimePoint at) const;

    [[nodiscard]] const TrustStore& trustStore() const { return m_store; }

    /// Verified model signatures (models/*.sig) are remembered with the period over which their verdict
    /// cannot change (every certificate of their chain and every CRL current); within it, step 5 does not
    /// verify them again. Shared by copies of this Verifier; thread-safe.
    struct ProvenanceCache;

private:
    TrustStore m_store;
    std::shared_ptr<ProvenanceCache> m_cache;
};

} // namespace veridicor::verify
