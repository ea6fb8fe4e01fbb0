#pragma once

#include <cstddef>
#include <filesystem>

namespace veridicor::dicom {

/// True when the bytes look like DICOM: a Part 10 preamble ("DICM" at offset 128) or a bare dataset whose
/// first element is a plausible group 0002/0008 tag in implicit or explicit VR little endian. Decides by
/// content, never by file name or extension.
bool looksLikeDicom(const unsigned char* bytes, std::size_t size);

/// Reads at most the first 256 bytes of `path` and applies looksLikeDicom(). False for unreadable files.
bool looksLikeDicomFile(const std::filesystem::path& path);

} // namespace veridicor::dicom
