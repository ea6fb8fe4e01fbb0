#pragma once
/// \file
/// What a DICOM object holds, as a digest: the one implementation of the finding-bundle-v1 input digests of
/// DICOM data, shared by verify/ (which checks findings against it) and the viewers (which say what they
/// draw), so that "the data that was verified" and "the data on screen" are compared with the same ruler.
///
///   dicom-waveform-v1   SHA-256 over the Waveform Data (5400,1010) value bytes of every Waveform Sequence
///                       item, in item order, 16-bit words little-endian;
///   dicom-pixeldata-v1  SHA-256 over the Pixel Data (7FE0,0010) value: native → the value bytes (16-bit
///                       words little-endian); encapsulated → every fragment after the Basic Offset Table, in
///                       order, without item headers.
///
/// "The value bytes" are all of them: an odd-length OW value contributes its last byte too. Pixel Data is
/// always taken in the representation it had in the file (its original transfer syntax), never in one DCMTK
/// converted it to in memory. Values are streamed (DcmElement::getPartialValue, in bounded pieces), so a
/// value left on disk by lazy loading is hashed without being held in memory.

#include <veridicor/base/expected.h>
#include <veridicor/dicom/error.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

class DcmItem;
class DcmFileCache;

namespace veridicor::dicom {

using Sha256Digest = std::array<std::uint8_t, 32>;

/// Incremental SHA-256 (OpenSSL EVP).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, std::size_t size);
    /// Finishes and returns the digest; the object is then reset for reuse.
    Sha256Digest finish();

private:
    struct Context;
    std::unique_ptr<Context> m_context;
};

/// SHA-256 of a byte string.
Sha256Digest sha256(const void* data, std::size_t size);
/// Lowercase hexadecimal.
std::string toHex(const Sha256Digest& digest);

enum class ContentMethod {
    WaveformV1,  ///< "dicom-waveform-v1"
    PixelDataV1, ///< "dicom-pixeldata-v1"
};

/// "dicom-waveform-v1" / "dicom-pixeldata-v1" (the names of finding-bundle-v1's `input.digestMethod`).
std::string_view contentMethodName(ContentMethod method);

struct ContentDigest {
    ContentMethod method = ContentMethod::WaveformV1;
    std::string sha256;            ///< lowercase hex
    std::uint64_t hashedBytes = 0; ///< how many bytes went into it
};

/// Exactly which data a DICOM object holds: its content digest and the identifiers and modality a finding is
/// bound to. Two objects with equal identities hold the same samples or pixels under the same UIDs.
struct ContentIdentity {
    ContentMethod method = ContentMethod::WaveformV1;
    std::string sha256;
    std::uint64_t hashedBytes = 0;
    std::string sopClassUID;
    std::string sopInstanceUID;
    std::string studyInstanceUID;
    std::string seriesInstanceUID;
    std::string modality;

    /// Same method, digest, SOP Instance, Study and Series UIDs and Modality.
    [[nodiscard]] bool sameContent(const ContentIdentity& other) const;
};

/// One piece of a hashed value, in order. `part` is the fragment index (0 = the first fragment after the
/// Basic Offset Table) for encapsulated Pixel Data, 0 for a native value; `offset` counts bytes from the
/// start of that part. The bytes are those that went into the digest.
struct ValuePiece {
    std::size_t part = 0;
    std::uint64_t offset = 0;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};
using ValueObserver = std::function<void(const ValuePiece&)>;

/// How a value is streamed.
struct DigestOptions {
    /// Values are read in pieces of at most this many bytes (at least 1); a native Pixel Data value whose
    /// frames are read one by one later may be read in pieces of one frame, so each piece is a whole frame.
    std::size_t pieceBytes = std::size_t{1} << 20;
    /// Sees every piece as it is hashed (e.g. to keep a digest per frame or fragment). May be empty.
    ValueObserver observer;
    /// Keeps the file open between pieces of values left on disk (may be null).
    DcmFileCache* cache = nullptr;
};

/// The dicom-waveform-v1 digest of a dataset.
/// Errors: Malformed (no or an empty Waveform Sequence, an item without Waveform Data), Truncated (a value
/// left on disk could not be read to its end).
Expected<ContentDigest, Error> waveformDigest(DcmItem& dataset, const DigestOptions& options = {});

/// The dicom-pixeldata-v1 digest of a dataset.
/// Errors: Malformed (no Pixel Data, encapsulated Pixel Data without its offset table item, a native value of
/// undefined length, or Pixel Data converted in memory away from the representation the file holds — e.g.
/// decompressed with its fragments dropped),
/// Truncated (a value or fragment could not be read to its end: pieces before it were still observed).
Expected<ContentDigest, Error> pixelDataDigest(DcmItem& dataset, const DigestOptions& options = {});

/// The identity of a dataset's content: a Waveform Sequence → dicom-waveform-v1, else Pixel Data →
/// dicom-pixeldata-v1; the UIDs and Modality as stored (trimmed, not converted).
/// Errors: those of the digest functions; Unsupported (neither waveforms nor pixel data); Malformed (no SOP
/// Instance UID).
Expected<ContentIdentity, Error> contentIdentity(DcmItem& dataset, const DigestOptions& options = {});

/// The identity of a dataset's content whose digest is already computed (e.g. a reader that streamed the
/// Pixel Data itself through pixelDataDigest()). Errors: Malformed (no SOP Instance UID).
Expected<ContentIdentity, Error> contentIdentity(DcmItem& dataset, ContentDigest digest);

} // namespace veridicor::dicom
