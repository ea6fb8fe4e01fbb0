#include <veridicor/reading/sr_reader.h>

#include "sr_codes.h"

#include <veridicor/dicom/load.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrnumvl.h>

#include <vector>

namespace veridicor::reading {

namespace {

Unexpected<Error> malformed(std::string message) {
    return Unexpected{Error{ErrorCode::Malformed, "not a reading SR: " + std::move(message)}};
}

std::string str(const OFString& s) { return {s.c_str(), s.length()}; }

/// What a content item's container is, by the containers this format has.
enum class Scope { Root, Statement, Measurements, MeasurementGroup, DeviceReview, Assessment };

/// The one SOP instance of a reference list (the evidence, the predecessor), or an error.
struct Ref {
    std::string study, series, sopClass, sopInstance;
};
Expected<std::optional<Ref>, Error> onlyReference(DSRSOPInstanceReferenceList& list, const char* what) {
    if (list.isEmpty()) {
        return std::optional<Ref>();
    }
    if (list.getNumberOfInstances() != 1) {
        return malformed(std::string(what) + " must reference exactly one SOP instance");
    }
    if (list.gotoFirstItem().bad()) {
        return malformed(std::string(what) + " cannot be read");
    }
    OFString s;
    Ref r;
    r.study = str(list.getStudyInstanceUID(s));
    r.series = str(list.getSeriesInstanceUID(s));
    r.sopClass = str(list.getSOPClassUID(s));
    r.sopInstance = str(list.getSOPInstanceUID(s));
    return std::optional<Ref>(r);
}

class ContentReader {
public:
    explicit ContentReader(ReadingDocument& out) : m_out(out) {}

    /// One content item at tree level `level` (1 = root).
    Expected<void, Error> item(std::size_t level, const DSRContentItem& item) {
        const DSRCodedEntryValue& conceptName = item.getConceptName();
        const DSRTypes::E_ValueType type = item.getValueType();
        if (level == 1) {
            if (type != DSRTypes::VT_Container) {
                return malformed("its root is not a container");
            }
            if (codes::same(conceptName, codes::ecgReport())) {
                m_out.kind = "ecg";
            } else if (codes::same(conceptName, codes::echoReport())) {
                m_out.kind = "echo";
            } else {
                return malformed("its root is neither an ECG Report (TID 3700) nor an Adult Echocardiography "
                                 "Procedure Report (TID 5200)");
            }
            m_scopes.assign(1, Scope::Root);
            return {};
        }
        if (level > 4 || m_scopes.size() < level - 1) {
            return malformed("it nests content deeper than a reading does");
        }
        m_scopes.resize(level - 1);
        const Scope parent = m_scopes.back();
        auto is = [&](const DSRCodedEntryValue& c, DSRTypes::E_ValueType t) {
            return type == t && codes::same(conceptName, c);
        };
        Reading& r = m_out.reading;
        switch (parent) {
        case Scope::Root:
            if (is(codes::personObserverName(), DSRTypes::VT_PName)) {
                m_out.observerName = str(item.getStringValue());
            } else if (is(codes::currentProcedureEvidence(), DSRTypes::VT_Composite)) {
                m_evidenceItem = str(item.getCompositeReference().getSOPInstanceUID());
            } else if (is(codes::evidenceDigest(), DSRTypes::VT_Text)) {
                const std::string v = str(item.getStringValue());
                const auto colon = v.find(':');
                if (colon == std::string::npos || !m_out.evidenceDigest.empty()) {
                    return malformed("its evidence digest is not one \"method:hex\" value");
                }
                m_out.evidenceDigestMethod = v.substr(0, colon);
                m_out.evidenceDigest = v.substr(colon + 1);
            } else if (is(codes::blindRead(), DSRTypes::VT_Code)) {
                const DSRCodedEntryValue& v = item.getCodeValue();
                if (m_blindSeen || (!codes::same(v, codes::yes()) && !codes::same(v, codes::no()))) {
                    return malformed("its blind read flag is not one Yes or No");
                }
                m_blindSeen = true;
                r.blind = codes::same(v, codes::yes());
            } else if (is(codes::amends(), DSRTypes::VT_Text)) {
                r.amends = str(item.getStringValue());
            } else if (is(codes::finding(), DSRTypes::VT_Code)) {
                if (r.statements.size() >= kMaxStatements) {
                    return malformed("it holds more statements than a reading may");
                }
                const DSRCodedEntryValue& v = item.getCodeValue();
                r.statements.push_back(CodedStatement{str(v.getCodingSchemeDesignator()), str(v.getCodeValue()),
                                                      str(v.getCodeMeaning())});
                m_scopes.push_back(Scope::Statement); // its Finding Site, if it has one

            } else if (is(codes::comment(), DSRTypes::VT_Text)) {
                if (!r.text.empty()) {
                    return malformed("it holds more than one free text");
                }
                r.text = str(item.getStringValue());
            } else if (is(codes::quantitativeAnalysis(), DSRTypes::VT_Container)) {
                m_scopes.push_back(Scope::Measurements);
            } else if (is(codes::deviceStatementReview(), DSRTypes::VT_Container)) {
                if (r.deviceStatements.size() >= kMaxDeviceStatements) {
                    return malformed("it holds more device statements than a reading may");
                }
                r.deviceStatements.emplace_back();
                m_deviceReviewSeen.push_back(false);
                m_scopes.push_back(Scope::DeviceReview);
            } else if (is(codes::aiAssessment(), DSRTypes::VT_Container)) {
                if (r.assessments.size() >= kMaxAssessments) {
                    return malformed("it holds more assessments than a reading may");
                }
                r.assessments.emplace_back();
                m_assessmentSeen.push_back(false);
                m_scopes.push_back(Scope::Assessment);
            } else {
                return unknown(conceptName);
            }
            return {};
        case Scope::Statement: {
            CodedStatement& s = r.statements.back();
            if (!is(codes::findingSite(), DSRTypes::VT_Code) ||
                item.getRelationshipType() != DSRTypes::RT_hasConceptMod) {
                return unknown(conceptName);
            }
            if (s.site) {
                return malformed("a statement has two finding sites");
            }
            const DSRCodedEntryValue& v = item.getCodeValue();
            s.site = CodedConcept{str(v.getCodingSchemeDesignator()), str(v.getCodeValue()), str(v.getCodeMeaning())};
            return {};
        }
        case Scope::Measurements:
            if (!is(codes::measurementGroup(), DSRTypes::VT_Container)) {
                return unknown(conceptName);
            }
            if (r.measurements.size() >= kMaxMeasurements) {
                return malformed("it holds more measurements than a reading may");
            }
            r.measurements.emplace_back();
            m_scopes.push_back(Scope::MeasurementGroup);
            return {};
        case Scope::MeasurementGroup: {
            Measurement& m = r.measurements.back();
            if (type == DSRTypes::VT_Num && str(conceptName.getCodeValue()) == "MEASUREMENT" &&
                str(conceptName.getCodingSchemeDesignator()) == codes::kPrivateScheme) {
                if (!m.name.empty()) {
                    return malformed("a measurement group holds two measurements");
                }
                m.name = str(conceptName.getCodeMeaning());
                m.value = str(item.getNumericValue().getNumericValue());
                m.unit = str(item.getNumericValue().getMeasurementUnit().getCodeValue());
            } else if (is(codes::lead(), DSRTypes::VT_Text)) {
                m.lead = str(item.getStringValue());
            } else if (is(codes::startTime(), DSRTypes::VT_Num)) {
                m.start = str(item.getNumericValue().getNumericValue());
            } else if (is(codes::endTime(), DSRTypes::VT_Num)) {
                m.end = str(item.getNumericValue().getNumericValue());
            } else {
                return unknown(conceptName);
            }
            return {};
        }
        case Scope::DeviceReview: {
            DeviceStatement& d = r.deviceStatements.back();
            if (is(codes::deviceStatement(), DSRTypes::VT_Text)) {
                d.text = str(item.getStringValue());
            } else if (is(codes::review(), DSRTypes::VT_Code)) {
                const DSRCodedEntryValue& v = item.getCodeValue();
                if (!codes::same(v, codes::confirmed()) && !codes::same(v, codes::rejected())) {
                    return malformed("a device statement's review is neither Confirmed nor Rejected");
                }
                d.confirmed = codes::same(v, codes::confirmed());
                m_deviceReviewSeen.back() = true;
            } else {
                return unknown(conceptName);
            }
            return {};
        }
        case Scope::Assessment: {
            FindingAssessment& a = r.assessments.back();
            if (is(codes::bundleSha256(), DSRTypes::VT_Text)) {
                a.bundleSha256 = str(item.getStringValue());
            } else if (is(codes::findingId(), DSRTypes::VT_Text)) {
                a.findingId = str(item.getStringValue());
            } else if (is(codes::verdictAtReading(), DSRTypes::VT_Text)) {
                a.verdict = str(item.getStringValue());
            } else if (is(codes::reason(), DSRTypes::VT_Text)) {
                a.reason = str(item.getStringValue());
            } else if (is(codes::assessment(), DSRTypes::VT_Code)) {
                const DSRCodedEntryValue& v = item.getCodeValue();
                if (codes::same(v, codes::agree())) {
                    a.assessment = Assessment::Agree;
                } else if (codes::same(v, codes::disagree())) {
                    a.assessment = Assessment::Disagree;
                } else if (codes::same(v, codes::modified())) {
                    a.assessment = Assessment::Modified;
                } else {
                    return malformed("an assessment is neither Agree, Disagree nor Modified");
                }
                m_assessmentSeen.back() = true;
            } else {
                return unknown(conceptName);
            }
            return {};
        }
        }
        return unknown(conceptName);
    }

    Expected<void, Error> finish() {
        if (m_out.kind.empty()) {
            return malformed("it has no content");
        }
        if (m_out.evidenceDigest.empty() || m_evidenceItem.empty()) {
            return malformed("it names no evidence (the recording read and its content digest)");
        }
        if (!m_blindSeen) {
            return malformed("it does not say whether the reading was blind");
        }
        for (const bool seen : m_assessmentSeen) {
            if (!seen) {
                return malformed("an assessment of an AI finding has no Agree / Disagree / Modified");
            }
        }
        for (const bool seen : m_deviceReviewSeen) {
            if (!seen) {
                return malformed("a device statement is neither confirmed nor rejected");
            }
        }
        for (const auto& m : m_out.reading.measurements) {
            if (m.name.empty()) {
                return malformed("a measurement group holds no measurement");
            }
        }
        return {};
    }
    [[nodiscard]] const std::string& evidenceItem() const { return m_evidenceItem; }

private:
    static Unexpected<Error> unknown(const DSRCodedEntryValue& conceptName) {
        std::string code = str(conceptName.getCodeValue()).substr(0, 32) + ", " +
                           str(conceptName.getCodingSchemeDesignator()).substr(0, 16);
        for (char& c : code) {
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
                c = '?';
            }
        }
        return malformed("it holds an item (" + code + ") that a reading does not have there");
    }
    ReadingDocument& m_out;
    std::vector<Scope> m_scopes;
    std::vector<bool> m_assessmentSeen;
    std::vector<bool> m_deviceReviewSeen;
    bool m_blindSeen = false;
    std::string m_evidenceItem;
};

} // namespace

Expected<ReadingDocument, Error> readReadingDataset(DcmItem& dataset) {
    DSRDocument doc;
    if (OFCondition c = doc.read(dataset); c.bad()) {
        return malformed(std::string("DCMTK could not read it as a structured report (") + c.text() + ")");
    }
    if (doc.getDocumentType() != DSRTypes::DT_ComprehensiveSR) {
        return malformed("it is not a Comprehensive SR");
    }
    DSRDocumentTree& tree = doc.getTree();
    if (tree.countNodes() > kMaxContentItems) {
        return malformed("it holds more than " + std::to_string(kMaxContentItems) + " content items");
    }
    ReadingDocument out;
    ContentReader reader(out);
    if (tree.gotoRoot() == 0) {
        return malformed("it has no content");
    }
    do {
        if (auto ok = reader.item(tree.getLevel(), tree.getCurrentContentItem()); !ok) {
            return Unexpected{ok.error()};
        }
    } while (tree.iterate() != 0);
    if (auto ok = reader.finish(); !ok) {
        return Unexpected{ok.error()};
    }
    out.sopInstanceUID = dicom::getString(&dataset, DCM_SOPInstanceUID);
    out.seriesInstanceUID = dicom::getString(&dataset, DCM_SeriesInstanceUID);
    out.studyInstanceUID = dicom::getString(&dataset, DCM_StudyInstanceUID);
    out.patientId = dicom::getString(&dataset, DCM_PatientID);
    out.issuerOfPatientId = dicom::getString(&dataset, DCM_IssuerOfPatientID);
    out.patientName = dicom::getString(&dataset, DCM_PatientName);
    out.complete = doc.getCompletionFlag() == DSRTypes::CF_Complete;
    out.verified = doc.getVerificationFlag() == DSRTypes::VF_Verified;
    if (doc.getNumberOfVerifyingObservers() > 0) {
        OFString dateTime;
        OFString name;
        OFString organization;
        if (doc.getVerifyingObserver(1, dateTime, name, organization).good()) {
            out.verifyingObserverName = str(name);
            out.verificationDateTime = str(dateTime);
        }
    }
    auto evidence = onlyReference(doc.getCurrentRequestedProcedureEvidence(), "the evidence");
    if (!evidence) {
        return Unexpected{evidence.error()};
    }
    if (!*evidence) {
        return malformed("it has no Current Requested Procedure Evidence");
    }
    const Ref& e = **evidence;
    if (e.sopInstance != reader.evidenceItem()) {
        return malformed("its evidence item and its Current Requested Procedure Evidence name different "
                         "recordings");
    }
    out.evidenceStudyUID = e.study;
    out.evidenceSeriesUID = e.series;
    out.evidenceSopClassUID = e.sopClass;
    out.evidenceSopInstanceUID = e.sopInstance;
    auto predecessor = onlyReference(doc.getPredecessorDocuments(), "the Predecessor Documents Sequence");
    if (!predecessor) {
        return Unexpected{predecessor.error()};
    }
    if (*predecessor) {
        out.predecessorSopInstanceUID = (*predecessor)->sopInstance;
    }
    if (auto ok = validateReading(out.reading); !ok) {
        return malformed(ok.error().message);
    }
    return out;
}

Expected<ReadingDocument, Error> readReadingSr(const std::filesystem::path& path) {
    dicom::LoadOptions options;
    options.maxFileBytes = kMaxSrFileBytes;
    auto file = dicom::loadFile(path, options);
    if (!file) {
        return Unexpected{Error{file.error().code == dicom::ErrorCode::TooLarge ? ErrorCode::TooLarge
                                                                                : ErrorCode::Unreadable,
                                path.string() + ": " + file.error().message}};
    }
    return readReadingDataset(*file->dataset());
}

} // namespace veridicor::reading
