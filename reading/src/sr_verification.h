#pragma once
// The checks every signed SR of reading/ goes through — the reading (reading_verifier.cpp) and the
// adjudication (adjudication_verifier.cpp): the file loads cleanly and within its bound, every dcmsign
// signature verifies and covers the whole dataset under the reading signature profile, the SR is final and
// names its signer, the signer's chain and revocation (the trust store's rules), the policy's readingSigners,
// and the patient and evidence binding to the recording on screen. One place, so that both documents are
// trusted for the same reasons.

#include <veridicor/base/expected.h>
#include <veridicor/dicom/load.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/trust_store.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

class DcmDataset;

namespace veridicor::dicom {
struct ContentIdentity;
}

namespace veridicor::reading::detail {

ReadingCheck& at(SignedSrVerdict& v, ReadingCheckId id);
void pass(SignedSrVerdict& v, ReadingCheckId id, std::string detail);
void failCheck(SignedSrVerdict& v, ReadingCheckId id, ReadingReason reason, const std::string& detail);
void notChecked(SignedSrVerdict& v, ReadingCheckId id, std::string detail);

/// Loads an SR file within kMaxSrFileBytes. Errors: TooLarge, Unreadable.
Expected<dicom::LoadedFile, Error> loadSignedSr(const std::filesystem::path& path);

/// A verdict with every check named and not checked, at `when`.
void startVerdict(SignedSrVerdict& v, verify::TimePoint when);

/// Structure: the file read without DCMTK having to repair its encoding (a signature is computed over
/// DCMTK's re-encoding, so it may verify over changed bytes).
void checkCleanEncoding(const dicom::LoadedFile& file, SignedSrVerdict& v);

/// Signature: every dcmsign signature verifies, covers every attribute, meets the profile, SHA-256 or
/// stronger; the certificates of the signatures that verify go to `signers`.
void checkSignatures(DcmDataset& ds, SignedSrVerdict& v, std::vector<verify::Certificate>& signers);

/// Structure: a signed SR is final (COMPLETE, VERIFIED) and its Verifying Observer is the signer.
void checkFinalAndSigner(bool complete, bool verified, const std::string& verifyingObserverName,
                         const std::vector<verify::Certificate>& signers, SignedSrVerdict& v);

/// Chain (trust store, revocation) and signer (policy readingSigners) of every signature.
void checkChainAndSigner(const std::vector<verify::Certificate>& signers, const verify::TrustStore& store,
                         verify::TimePoint when, SignedSrVerdict& v);

/// Binding: the SR's study and Patient ID / Issuer are the displayed recording's (PATIENT_MISMATCH).
/// `what` names the document in the detail ("reading", "adjudication").
void checkPatientBinding(const std::string& studyUid, const std::string& patientId, const std::string& issuer,
                         const dicom::ContentIdentity& d, SignedSrVerdict& v, std::string_view what);

/// Binding: the SR's evidence is the displayed recording's SOP instance and content digest (DATA_MISMATCH).
void checkEvidenceBinding(const std::string& sopInstanceUID, const std::string& digestMethod,
                          const std::string& digest, const dicom::ContentIdentity& d, SignedSrVerdict& v,
                          std::string_view what);

/// Reasons collected from the checks (sorted, unique), trust decided: every check passed, but binding may be
/// not checked when nothing was displayed.
void finishVerdict(SignedSrVerdict& v, bool displayedGiven);

/// The verdict JSON common to every signed SR: verdict, reasons, explanations, signer, checks, verifiedAt.
verify::json::Value verdictJson(const SignedSrVerdict& v);

/// Whether two certificates are the same person's: the same certificate, or an e-mail identity in common
/// (a reader's renewed certificate keeps the e-mail).
bool samePerson(const verify::Certificate& a, const verify::CertificateInfo& b);

} // namespace veridicor::reading::detail
