#pragma once
/// \file
/// Standard short names of ECG leads (I, II, III, aVR, aVL, aVF, V1–V6, V7–V9, V3R–V6R, X, Y, Z, …) from the
/// codes DICOM puts in a channel's Channel Source Sequence (DICOM PS3.16 CID 3001 "ECG Leads"):
///   - SCP-ECG (EN 1064) lead codes, coding scheme "SCPECG", values "5.6.3-9-<n>";
///   - ISO/IEEE 11073-10101 MDC codes, coding scheme "MDC", values "2:<n>" (partition 2, code n), the 32-bit
///     code 131072 + n, or the reference id "MDC_ECG_LEAD_<name>".
/// Both schemes number the leads the same way (n = 1 → I, 2 → II, 3…8 → V1…V6, 61 → III, 62 → aVR, …).
/// Naming rule (docs: ../shared/specs/finding-bundle-v1.md): the code first, then the Channel Label, then the
/// code meaning, when they spell a standard lead ("Lead I", "AVR", "V4R"); otherwise the Channel Label as
/// recorded, else the code meaning, else "Channel <k>".

#include <optional>
#include <string>
#include <string_view>

namespace veridicor::ecg {

/// The standard short name for lead number `n` of the SCP-ECG / MDC lead table, or nullopt when `n` is not a
/// lead this program names.
std::optional<std::string> leadNameForNumber(int n);

/// The standard short name for a coded lead, or nullopt when the scheme is not SCPECG/MDC or the code
/// unknown.
std::optional<std::string> leadNameFromCode(std::string_view codingScheme, std::string_view codeValue);

/// The standard short name spelled by free text ("Lead I", "lead avr", "V3R", "I (Einthoven)"), or nullopt.
std::optional<std::string> leadNameFromText(std::string_view text);

/// The display label of channel `index` (0-based) by the naming rule above.
std::string deriveLeadLabel(std::string_view codingScheme, std::string_view codeValue,
                            std::string_view channelLabel, std::string_view codeMeaning, std::size_t index);

/// The SCP-ECG code ("5.6.3-9-<n>") for a standard short name, or nullopt. Used by the DICOM writer.
std::optional<std::string> scpEcgCodeForLead(std::string_view leadName);

/// The factor from a UCUM voltage unit to microvolts ("uV" → 1, "mV" → 1000, "V" → 1e6, "nV" → 0.001; the
/// spellings "µV"/"μV" and the meanings "microvolt"/"millivolt"/"volt" too), or 0 when it is not a voltage.
double unitsToMicrovoltsFactor(std::string_view ucumCode, std::string_view codeMeaning = {});

} // namespace veridicor::ecg
