#pragma once

#include <string>
#include <string_view>

namespace veridicor::dicom::sop {

// Waveforms
inline constexpr std::string_view TwelveLeadEcg = "1.2.840.10008.5.1.4.1.1.9.1.1";
inline constexpr std::string_view GeneralEcg = "1.2.840.10008.5.1.4.1.1.9.1.2";
inline constexpr std::string_view AmbulatoryEcg = "1.2.840.10008.5.1.4.1.1.9.1.3";
inline constexpr std::string_view HemodynamicWaveform = "1.2.840.10008.5.1.4.1.1.9.2.1";
// Images
inline constexpr std::string_view UltrasoundMultiframe = "1.2.840.10008.5.1.4.1.1.3.1";
inline constexpr std::string_view UltrasoundImage = "1.2.840.10008.5.1.4.1.1.6.1";
inline constexpr std::string_view EnhancedUsVolume = "1.2.840.10008.5.1.4.1.1.6.2";
inline constexpr std::string_view SecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
inline constexpr std::string_view MultiframeTrueColorSc = "1.2.840.10008.5.1.4.1.1.7.4";
inline constexpr std::string_view MultiframeGrayscaleByteSc = "1.2.840.10008.5.1.4.1.1.7.2";
inline constexpr std::string_view MultiframeGrayscaleWordSc = "1.2.840.10008.5.1.4.1.1.7.3";
// Structured reports: the clinician's reading is stored as a Comprehensive SR (reading/README.md)
inline constexpr std::string_view ComprehensiveSr = "1.2.840.10008.5.1.4.1.1.88.33";

} // namespace veridicor::dicom::sop

namespace veridicor::dicom {

/// DCMTK's name of a UID ("TwelveLeadECGWaveformStorage"), or the UID itself when DCMTK does not know it.
std::string uidName(std::string_view uid);

/// uidName() split into words for people: "TwelveLeadECGWaveformStorage" → "Twelve Lead ECG Waveform
/// Storage".
std::string uidDisplayName(std::string_view uid);

} // namespace veridicor::dicom
