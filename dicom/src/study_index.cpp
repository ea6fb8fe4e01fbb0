#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sniff.h>
#include <veridicor/dicom/study_index.h>
#include <veridicor/dicom/text.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>

namespace veridicor::dicom {

namespace {

int toInt(const std::string& s) {
    try {
        return s.empty() ? 0 : std::stoi(s);
    } catch (...) {
        return 0;
    }
}

} // namespace

Expected<InstanceHeader, Error> readInstanceHeader(const std::filesystem::path& path) {
    LoadOptions opts;
    opts.lazyValueBytes = 4096; // bulk data (pixels, waveforms) stays on disk
    auto loaded = loadFile(path, opts);
    if (!loaded) {
        return Unexpected{loaded.error()};
    }
    DcmDataset* ds = loaded->dataset();
    DcmMetaInfo* meta = loaded->file->getMetaInfo();
    InstanceHeader h;
    h.path = path;
    h.sopClassUID = getString(ds, DCM_SOPClassUID);
    if (h.sopClassUID.empty()) {
        h.sopClassUID = getString(meta, DCM_MediaStorageSOPClassUID);
    }
    h.sopInstanceUID = getString(ds, DCM_SOPInstanceUID);
    if (h.sopInstanceUID.empty()) {
        h.sopInstanceUID = getString(meta, DCM_MediaStorageSOPInstanceUID);
    }
    if (h.sopClassUID.empty() || h.sopInstanceUID.empty()) {
        return Unexpected{
            Error{ErrorCode::Malformed, "'" + path.string() + "' has no SOP Class UID or SOP Instance UID"}};
    }
    h.transferSyntaxUID = loaded->transferSyntaxUID;
    h.instanceNumber = toInt(getString(ds, DCM_InstanceNumber));
    h.numberOfFrames = toInt(getString(ds, DCM_NumberOfFrames));
    h.patientID = getText(ds, DCM_PatientID);
    h.patientName = getPersonName(ds, DCM_PatientName);
    h.patientBirthDate = getString(ds, DCM_PatientBirthDate);
    h.patientSex = getString(ds, DCM_PatientSex);
    h.studyInstanceUID = getString(ds, DCM_StudyInstanceUID);
    h.studyDate = getString(ds, DCM_StudyDate);
    h.studyTime = getString(ds, DCM_StudyTime);
    h.studyDescription = getText(ds, DCM_StudyDescription);
    h.accessionNumber = getText(ds, DCM_AccessionNumber);
    h.seriesInstanceUID = getString(ds, DCM_SeriesInstanceUID);
    h.seriesDescription = getText(ds, DCM_SeriesDescription);
    h.modality = getString(ds, DCM_Modality);
    h.seriesNumber = toInt(getString(ds, DCM_SeriesNumber));
    return h;
}

const InstanceHeader* StudyIndex::find(const std::filesystem::path& path) const {
    for (const auto& p : patients)
        for (const auto& st : p.studies)
            for (const auto& se : st.series)
                for (const auto& in : se.instances)
                    if (in.path == path)
                        return &in;
    return nullptr;
}

std::vector<const InstanceHeader*> StudyIndex::allInstances() const {
    std::vector<const InstanceHeader*> out;
    for (const auto& p : patients)
        for (const auto& st : p.studies)
            for (const auto& se : st.series)
                for (const auto& in : se.instances)
                    out.push_back(&in);
    return out;
}

StudyIndex scanPaths(const std::vector<std::filesystem::path>& paths, const ScanOptions& options) {
    StudyIndex index;
    std::vector<InstanceHeader> headers;
    std::map<std::string, std::size_t> seenSop; // SOP Instance UID → first index (duplicates are reported)

    auto examine = [&](const std::filesystem::path& file) {
        ++index.filesExamined;
        if (options.progress) {
            options.progress(index.filesExamined, file);
        }
        if (!looksLikeDicomFile(file)) {
            std::ifstream probe(file, std::ios::binary);
            index.skipped.push_back(
                {file, probe.good()
                           ? Error{ErrorCode::NotDicom, "'" + file.string() + "' is not a DICOM file"}
                           : Error{ErrorCode::Unreadable, "'" + file.string() + "' could not be read"}});
            return;
        }
        auto h = readInstanceHeader(file);
        if (!h) {
            index.problems.push_back({file, h.error()});
            return;
        }
        if (auto it = seenSop.find(h->sopInstanceUID); it != seenSop.end()) {
            index.problems.push_back(
                {file, Error{ErrorCode::Malformed,
                             "'" + file.string() + "' repeats SOP Instance UID " + h->sopInstanceUID +
                                 " of '" + headers[it->second].path.string() + "'; not indexed twice"}});
            return;
        }
        seenSop.emplace(h->sopInstanceUID, headers.size());
        headers.push_back(std::move(*h));
    };

    auto cancelled = [&] {
        return options.cancel != nullptr && options.cancel->load();
    };

    for (const auto& root : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(root, ec)) {
            std::filesystem::recursive_directory_iterator it(
                root, std::filesystem::directory_options::skip_permission_denied, ec);
            if (ec) {
                index.problems.push_back(
                    {root, Error{ErrorCode::Unreadable,
                                 "'" + root.string() + "' could not be listed: " + ec.message()}});
                continue;
            }
            for (auto end = std::filesystem::recursive_directory_iterator(); it != end; it.increment(ec)) {
                if (ec || cancelled() || index.filesExamined >= options.maxFiles) {
                    break;
                }
                if (it->is_regular_file(ec)) {
                    examine(it->path());
                }
            }
        } else if (std::filesystem::is_regular_file(root, ec)) {
            examine(root);
        } else {
            index.problems.push_back(
                {root, Error{ErrorCode::Unreadable, "'" + root.string() + "' does not exist"}});
        }
        if (cancelled()) {
            index.cancelled = true;
            break;
        }
    }

    // Group: patient (ID + name) → study → series → instance.
    std::stable_sort(headers.begin(), headers.end(), [](const InstanceHeader& a, const InstanceHeader& b) {
        return std::tie(a.patientID, a.patientName, a.studyDate, a.studyTime, a.studyInstanceUID,
                        a.seriesNumber, a.seriesInstanceUID, a.instanceNumber, a.path) <
               std::tie(b.patientID, b.patientName, b.studyDate, b.studyTime, b.studyInstanceUID,
                        b.seriesNumber, b.seriesInstanceUID, b.instanceNumber, b.path);
    });
    for (auto& h : headers) {
        if (index.patients.empty() || index.patients.back().patientID != h.patientID ||
            index.patients.back().name != h.patientName) {
            index.patients.push_back({h.patientID, h.patientName, h.patientBirthDate, h.patientSex, {}});
        }
        auto& patient = index.patients.back();
        if (patient.studies.empty() || patient.studies.back().studyInstanceUID != h.studyInstanceUID) {
            patient.studies.push_back(
                {h.studyInstanceUID, h.studyDate, h.studyTime, h.studyDescription, h.accessionNumber, {}});
        }
        auto& study = patient.studies.back();
        if (study.series.empty() || study.series.back().seriesInstanceUID != h.seriesInstanceUID) {
            study.series.push_back(
                {h.seriesInstanceUID, h.modality, h.seriesDescription, h.seriesNumber, {}});
        }
        study.series.back().instances.push_back(std::move(h));
        ++index.instances;
    }
    return index;
}

} // namespace veridicor::dicom
