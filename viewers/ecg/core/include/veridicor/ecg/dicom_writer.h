#pragma once
/// \file
/// Writes a `Recording` as a DICOM waveform object (by default 12-Lead ECG Waveform Storage), Explicit VR
/// Little Endian: every group as a Waveform Sequence item with 16-bit signed samples (SS) in Waveform Data
/// created explicitly as OW, a Channel Definition Sequence with each channel's source code (an SCP-ECG code
/// is added for standard leads that have none), label, sensitivity with its UCUM units, correction factor,
/// baseline and recorded filters; patient, study, series, equipment and acquisition attributes; and the
/// annotations as a Waveform Annotation Sequence. Missing UIDs are generated.

#include <veridicor/base/expected.h>
#include <veridicor/dicom/error.h>
#include <veridicor/ecg/recording.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace veridicor::ecg {

/// Writes `recording` to `path`.
/// Errors: Malformed — the recording cannot be represented (no group, a group without channels or samples, a
/// channel whose sample count differs from its group's, a sampling rate that is not positive, a sample
/// outside the 16-bit range, more than 64 channels in a group); Environment — DCMTK is not usable; Unreadable
/// — the file cannot be written (the message says why).
Expected<void, dicom::Error> writeDicomEcg(const Recording& recording, const std::filesystem::path& path);

/// A UID under the 2.25 root (ITU-T X.667: the decimal form of a UUID) derived from `seed` and `purpose`, so
/// a generated study gets the same UIDs every time it is generated. The UUID is a version-4 (random) one
/// whose randomness is SplitMix64 seeded with seed and purpose.
std::string deterministicUid(std::uint64_t seed, std::string_view purpose);

} // namespace veridicor::ecg
