#pragma once

#include <veridicor/base/expected.h>
#include <veridicor/dicom/error.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace veridicor::dicom {

/// What the browser needs to know of one file, read from its header only (bulk values stay on disk). The
/// texts a reader sees (patient ID and name, descriptions, accession number) are decoded by text.h: UTF-8,
/// the patient name already in the display format of formatPersonName().
struct InstanceHeader {
    std::filesystem::path path;
    std::string sopClassUID;
    std::string sopInstanceUID;
    std::string transferSyntaxUID;
    int instanceNumber = 0;
    int numberOfFrames = 0;
    std::string patientID;
    std::string patientName; ///< display form (getPersonName())
    std::string patientBirthDate;
    std::string patientSex;
    std::string studyInstanceUID;
    std::string studyDate;
    std::string studyTime;
    std::string studyDescription;
    std::string accessionNumber;
    std::string seriesInstanceUID;
    std::string seriesDescription;
    std::string modality;
    int seriesNumber = 0;
};

/// Reads the header of one DICOM file. Errors as loadFile(); Malformed when the SOP Class or Instance UID
/// is missing.
Expected<InstanceHeader, Error> readInstanceHeader(const std::filesystem::path& path);

struct SeriesNode {
    std::string seriesInstanceUID;
    std::string modality;
    std::string description;
    int number = 0;
    std::vector<InstanceHeader> instances; ///< sorted by instance number, then path
};

struct StudyNode {
    std::string studyInstanceUID;
    std::string date;
    std::string time;
    std::string description;
    std::string accessionNumber;
    std::vector<SeriesNode> series; ///< sorted by series number
};

struct PatientNode {
    std::string patientID;
    std::string name; ///< display form, as InstanceHeader::patientName
    std::string birthDate;
    std::string sex;
    std::vector<StudyNode> studies; ///< sorted by date, then time
};

/// A file that looked like DICOM but could not be indexed, and why.
struct ScanProblem {
    std::filesystem::path path;
    Error error;
};

struct StudyIndex {
    std::vector<PatientNode> patients;
    std::vector<ScanProblem> problems;
    /// Files examined that are not DICOM (ErrorCode::NotDicom, or Unreadable when they could not be read to
    /// tell): not indexed, each with its reason, so that a caller can say which files were not opened.
    std::vector<ScanProblem> skipped;
    std::size_t filesExamined = 0;
    std::size_t instances = 0;
    bool cancelled = false;

    /// The header of the instance stored at `path`, or nullptr.
    [[nodiscard]] const InstanceHeader* find(const std::filesystem::path& path) const;
    /// Every instance, patients/studies/series in display order.
    [[nodiscard]] std::vector<const InstanceHeader*> allInstances() const;
};

struct ScanOptions {
    /// Called after each file with (files examined so far, current path); may be empty.
    std::function<void(std::size_t, const std::filesystem::path&)> progress;
    /// Scanning stops early when this becomes true; may be null.
    const std::atomic<bool>* cancel = nullptr;
    /// Safety bound for a runaway folder (symlink loops are never followed).
    std::size_t maxFiles = 200000;
};

/// Indexes files and folders (recursively). Every regular file is examined by content (not extension);
/// non-DICOM files are listed in `skipped`, DICOM files that fail to read in `problems`.
StudyIndex scanPaths(const std::vector<std::filesystem::path>& paths, const ScanOptions& options = {});

} // namespace veridicor::dicom
