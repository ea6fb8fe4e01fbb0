#pragma once

#include <veridicor/base/expected.h>
#include <veridicor/dicom/error.h>

#include <dcmtk/dcmdata/dcfilefo.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace veridicor::dicom {

struct LoadOptions {
    /// Files larger than this are refused before anything is read (TooLarge).
    std::uint64_t maxFileBytes = std::uint64_t{8} << 30;
    /// Values longer than this stay on disk until asked for (DCMTK's lazy loading); 0 loads everything.
    std::uint32_t lazyValueBytes = 0;
};

/// A loaded DICOM file. The dataset is owned; `transferSyntaxUID` is the one the file was read in.
struct LoadedFile {
    std::unique_ptr<DcmFileFormat> file;
    std::filesystem::path path;
    std::uint64_t fileBytes = 0;
    std::string transferSyntaxUID;
    /// What DCMTK warned about while reading (e.g. odd lengths it repaired); the file was still read
    /// completely.
    std::vector<std::string> warnings;

    [[nodiscard]] DcmDataset* dataset() const { return file ? file->getDataset() : nullptr; }
};

/// Reads a DICOM file (Part 10, or a bare dataset recognised by content) with DCMTK.
/// Errors: Unreadable (missing, not a regular file), TooLarge, NotDicom, Truncated (the file ends inside an
/// element or sequence), Malformed (DCMTK rejected the encoding), Environment (initializeDicom() failed).
Expected<LoadedFile, Error> loadFile(const std::filesystem::path& path, const LoadOptions& options = {});

/// Reads a DICOM dataset from memory (e.g. a Part 10 byte string). Same errors as loadFile.
Expected<LoadedFile, Error> loadBuffer(const void* data, std::size_t size, const LoadOptions& options = {});

/// A string attribute of `item` as stored (not decoded), trimmed; empty when absent. For UIDs, codes, numbers
/// and dates; text a reader sees is taken through text.h (getText(), getPersonName()) instead.
std::string getString(DcmItem* item, const DcmTagKey& tag);

} // namespace veridicor::dicom

namespace veridicor::dicom {

/// A dcmdump-style text listing of the file's meta header and dataset, its string values in UTF-8 as text.h
/// decodes them (convertForDisplay()); bulk values are not loaded.
Expected<std::string, Error> dumpHeader(const std::filesystem::path& path);

} // namespace veridicor::dicom
