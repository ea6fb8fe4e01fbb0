// The adjudication SR: writer and reader (reading/README.md, "The adjudication SR").
#include <veridicor/reading/adjudication_sr.h>

#include "signature_profile.h"
#include "signer_name.h"
#include "sr_building.h"
#include "sr_codes.h"
#include "sr_verification.h"

#include <veridicor/dicom/load.h>
#include <veridicor/reading/sr_reader.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsign/dcsignat.h>
#include <dcmtk/dcmsign/sicert.h>
#include <dcmtk/dcmsr/dsrcomvl.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <algorithm>

namespace veridicor::reading {

namespace {

Unexpected<Error> fail(ErrorCode code, std::string message) { return Unexpected{Error{code, std::move(message)}}; }
Unexpected<Error> malformed(std::string message) {
    return fail(ErrorCode::Malformed, "not an adjudication SR: " + std::move(message));
}

std::string str(const OFString& s) { return {s.c_str(), s.length()}; }

/// The certificate of the reading's (first) signature, which must verify: an adjudication settles a signed
/// reading, never a preliminary one.
Expected<verify::Certificate, Error> readingSignerCertificate(DcmDataset& ds) {
    initializeSigning();
    DcmSignature signature;
    signature.attach(&ds);
    const unsigned long n = signature.numberOfSignatures();
    if (n == 0 || n > 16) {
        signature.detach();
        return fail(ErrorCode::Malformed, n == 0 ? "the reading SR is not signed: a preliminary reading cannot be "
                                                   "adjudicated"
                                                 : "the reading SR carries more signatures than a reading has");
    }
    if (signature.selectSignature(0).bad() || signature.verifyCurrent().bad()) {
        signature.detach();
        return fail(ErrorCode::Malformed, "the reading SR's signature does not verify");
    }
    SiCertificate* cert = signature.getCurrentCertificate();
    if (cert == nullptr || cert->getRawCertificate() == nullptr) {
        signature.detach();
        return fail(ErrorCode::Malformed, "the reading SR's signature carries no certificate");
    }
    verify::Certificate out = verify::Certificate::fromNative(cert->getRawCertificate());
    signature.detach();
    return out;
}

std::vector<std::string> emailIdentities(const verify::CertificateInfo& info) {
    std::vector<std::string> out;
    for (const auto& id : info.identities) {
        if (id.find('@') != std::string::npos && out.size() < kMaxReadingSignerIdentities &&
            id.size() <= kMaxShortText) {
            out.push_back(id);
        }
    }
    return out;
}

bool buildContent(detail::TreeBuilder& b, const Adjudication& a, const ReadingDocument& r,
                  const std::string& observer, const verify::CertificateInfo& readingSigner) {
    if (!b.root(codes::adjudicationReport())) {
        return false;
    }
    if (DSRContentItem* o = b.add(DSRTypes::RT_hasObsContext, DSRTypes::VT_PName, codes::personObserverName());
        o == nullptr || o->setStringValue(observer.c_str()).bad()) {
        return false;
    }
    if (DSRContentItem* e = b.add(DSRTypes::RT_contains, DSRTypes::VT_Composite, codes::adjudicatedReading());
        e == nullptr ||
        e->setCompositeReference(DSRCompositeReferenceValue(UID_ComprehensiveSRStorage, a.reading.c_str())).bad()) {
        return false;
    }
    if (DSRContentItem* e = b.add(DSRTypes::RT_contains, DSRTypes::VT_Composite, codes::currentProcedureEvidence());
        e == nullptr || e->setCompositeReference(DSRCompositeReferenceValue(r.evidenceSopClassUID.c_str(),
                                                                            r.evidenceSopInstanceUID.c_str()))
                            .bad()) {
        return false;
    }
    if (!b.text(codes::evidenceDigest(), r.evidenceDigestMethod + ":" + r.evidenceDigest) ||
        !b.text(codes::readingSigner(), r.verifyingObserverName) ||
        !b.text(codes::readingSignerCert(), readingSigner.sha256Fingerprint)) {
        return false;
    }
    for (const auto& id : emailIdentities(readingSigner)) {
        if (!b.text(codes::readingSignerId(), id)) {
            return false;
        }
    }
    for (const auto& bundle : a.bundles) {
        if (!b.text(codes::bundleSha256(), bundle)) {
            return false;
        }
    }
    for (const auto& c : a.categories) {
        if (!b.open(codes::adjudicatedCategory()) || !b.text(codes::reviewCategory(), c.category) ||
            !b.code(codes::finalLabel(), c.positive ? codes::positive() : codes::negative())) {
            return false;
        }
        for (const auto& k : c.codes) {
            if (!b.codeWithModifier(codes::finding(),
                                    DSRCodedEntryValue(k.value.c_str(), k.scheme.c_str(), k.meaning.c_str()),
                                    codes::chosenFrom(),
                                    k.from == CodeSide::Ai ? codes::fromAi() : codes::fromClinician())) {
                return false;
            }
        }
        if (!b.text(codes::reason(), c.reason)) {
            return false;
        }
        b.close();
    }
    b.close();
    return true;
}

} // namespace

Expected<WrittenAdjudication, Error> writeAdjudicationSr(const Adjudication& input,
                                                         const std::filesystem::path& readingSr,
                                                         const AdjudicationWriteOptions& options,
                                                         const std::filesystem::path& out) {
    Adjudication a = input;
    if (auto ok = validateAdjudication(a); !ok) {
        return Unexpected{ok.error()};
    }
    std::error_code ec;
    if (std::filesystem::exists(out, ec)) {
        return fail(ErrorCode::Io, out.string() + " exists: an adjudication is never overwritten");
    }
    auto signer = detail::loadSigner(options.signer);
    if (!signer) {
        return Unexpected{signer.error()};
    }
    auto file = detail::loadSignedSr(readingSr);
    if (!file) {
        return Unexpected{file.error()};
    }
    auto reading = readReadingDataset(*file->dataset());
    if (!reading) {
        return fail(ErrorCode::Malformed, "the reading SR " + readingSr.string() + ": " + reading.error().message);
    }
    if (!reading->complete || !reading->verified) {
        return fail(ErrorCode::Malformed, "the reading SR is not final (COMPLETE, VERIFIED): only a signed reading "
                                          "is adjudicated");
    }
    auto readingCert = readingSignerCertificate(*file->dataset());
    if (!readingCert) {
        return Unexpected{readingCert.error()};
    }
    const verify::CertificateInfo readingSigner = readingCert->info();
    // A second reader settles the discordance: the clinician who signed the reading may not adjudicate it
    // (the same certificate, or another certificate with the same e-mail).
    if (detail::samePerson(signer->cert, readingSigner)) {
        return fail(ErrorCode::Invalid, "the adjudicator (" + signer->observer + ") signed the reading being "
                                        "adjudicated: a second reader must adjudicate it");
    }
    if (a.reading.empty()) {
        a.reading = reading->sopInstanceUID;
    } else if (a.reading != reading->sopInstanceUID) {
        return fail(ErrorCode::Invalid, "adjudication.reading names another SR than " + readingSr.string());
    }
    for (const auto& c : a.categories) {
        for (const auto& k : c.codes) {
            const auto& st = reading->reading.statements;
            if (k.from == CodeSide::Clinician &&
                std::none_of(st.begin(), st.end(), [&](const CodedStatement& s) {
                    return s.scheme == k.scheme && s.value == k.value;
                })) {
                return fail(ErrorCode::Invalid, "adjudication category \"" + c.category + "\": the code " + k.value +
                                                    " is given as the clinician's, but the reading does not state it");
            }
        }
    }
    if (auto ok = validateAdjudication(a, true); !ok) {
        return Unexpected{ok.error()};
    }
    if (reading->evidenceSopInstanceUID.empty() || reading->studyInstanceUID.empty()) {
        return fail(ErrorCode::Malformed, "the reading SR names no recording or study");
    }

    DSRDocument doc(DSRTypes::DT_ComprehensiveSR);
    doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
    if (doc.createNewSeriesInStudy(reading->studyInstanceUID.c_str()).bad()) {
        return fail(ErrorCode::Invalid, "the reading's Study Instance UID is not valid");
    }
    // The evidence: the reading SR and the recording it read, each a SOP instance of the study.
    if (doc.getCurrentRequestedProcedureEvidence()
            .addItem(reading->studyInstanceUID.c_str(), reading->seriesInstanceUID.c_str(),
                     UID_ComprehensiveSRStorage, reading->sopInstanceUID.c_str())
            .bad() ||
        doc.getCurrentRequestedProcedureEvidence()
            .addItem(reading->evidenceStudyUID.c_str(), reading->evidenceSeriesUID.c_str(),
                     reading->evidenceSopClassUID.c_str(), reading->evidenceSopInstanceUID.c_str())
            .bad()) {
        return fail(ErrorCode::Invalid, "the reading's or the recording's UIDs are not valid");
    }
    detail::TreeBuilder builder(doc.getTree());
    if (!buildContent(builder, a, *reading, signer->observer, readingSigner)) {
        return fail(ErrorCode::Invalid, "the SR content could not be built: " + builder.problem());
    }
    const std::string when = options.dateTime.empty() ? detail::nowDicom() : options.dateTime;
    doc.setContentDate(when.substr(0, 8).c_str());
    doc.setContentTime(when.substr(8).c_str());
    doc.setSeriesDescription("Signed adjudication");
    if (doc.completeDocument().bad() ||
        doc.verifyDocument(signer->observer.c_str(), signer->organization.c_str(), when.c_str()).bad()) {
        return fail(ErrorCode::Invalid, "the SR could not be marked complete and verified");
    }
    DcmFileFormat outFile;
    DcmDataset* ds = outFile.getDataset();
    if (OFCondition c = doc.write(*ds); c.bad()) {
        return fail(ErrorCode::Invalid, std::string("dcmsr could not write the SR: ") + c.text());
    }
    if (auto ok = detail::copyPatientAndStudy(*file->dataset(), *ds); !ok) {
        return Unexpected{ok.error()};
    }
    if (auto ok = detail::sign(*ds, options.signer); !ok) {
        return Unexpected{ok.error()};
    }
    WrittenAdjudication result;
    result.sopInstanceUID = dicom::getString(ds, DCM_SOPInstanceUID);
    result.seriesInstanceUID = dicom::getString(ds, DCM_SeriesInstanceUID);
    result.observerName = signer->observer;
    if (OFCondition c = outFile.saveFile(out.c_str(), EXS_LittleEndianExplicit); c.bad()) {
        std::filesystem::remove(out, ec);
        return fail(ErrorCode::Io, "writing " + out.string() + " failed: " + c.text());
    }
    return result;
}

namespace {

class ContentReader {
public:
    explicit ContentReader(AdjudicationDocument& out) : m_out(out) {}

    Expected<void, Error> item(std::size_t level, const DSRContentItem& item) {
        const DSRCodedEntryValue& conceptName = item.getConceptName();
        const DSRTypes::E_ValueType type = item.getValueType();
        auto is = [&](const DSRCodedEntryValue& c, DSRTypes::E_ValueType t) {
            return type == t && codes::same(conceptName, c);
        };
        Adjudication& a = m_out.adjudication;
        if (level == 1) {
            if (!is(codes::adjudicationReport(), DSRTypes::VT_Container)) {
                return malformed("its root is not an Adjudication report");
            }
            m_root = true;
            return {};
        }
        if (level == 2) {
            m_inCategory = false;
            if (is(codes::personObserverName(), DSRTypes::VT_PName)) {
                m_out.observerName = str(item.getStringValue());
            } else if (is(codes::adjudicatedReading(), DSRTypes::VT_Composite)) {
                if (!a.reading.empty()) {
                    return malformed("it names two adjudicated readings");
                }
                a.reading = str(item.getCompositeReference().getSOPInstanceUID());
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
            } else if (is(codes::readingSigner(), DSRTypes::VT_Text)) {
                m_out.readingSignerName = str(item.getStringValue());
            } else if (is(codes::readingSignerCert(), DSRTypes::VT_Text)) {
                m_out.readingSignerCertSha256 = str(item.getStringValue());
            } else if (is(codes::readingSignerId(), DSRTypes::VT_Text)) {
                if (m_out.readingSignerIdentities.size() >= kMaxReadingSignerIdentities) {
                    return malformed("it records more identities of the reading's signer than an adjudication has");
                }
                m_out.readingSignerIdentities.push_back(str(item.getStringValue()));
            } else if (is(codes::bundleSha256(), DSRTypes::VT_Text)) {
                if (a.bundles.size() >= kMaxAdjudicationBundles) {
                    return malformed("it names more bundles than an adjudication may");
                }
                a.bundles.push_back(str(item.getStringValue()));
            } else if (is(codes::adjudicatedCategory(), DSRTypes::VT_Container)) {
                if (a.categories.size() >= kMaxAdjudicatedCategories) {
                    return malformed("it holds more categories than an adjudication may");
                }
                a.categories.emplace_back();
                m_labelSeen.push_back(false);
                m_inCategory = true;
            } else {
                return unknown(conceptName);
            }
            return {};
        }
        if (level == 3 && m_inCategory) {
            AdjudicatedCategory& c = a.categories.back();
            m_inCode = false;
            if (is(codes::reviewCategory(), DSRTypes::VT_Text)) {
                c.category = str(item.getStringValue());
            } else if (is(codes::finalLabel(), DSRTypes::VT_Code)) {
                const DSRCodedEntryValue& v = item.getCodeValue();
                if (m_labelSeen.back() || (!codes::same(v, codes::positive()) && !codes::same(v, codes::negative()))) {
                    return malformed("a category's final label is not one Positive or Negative");
                }
                m_labelSeen.back() = true;
                c.positive = codes::same(v, codes::positive());
            } else if (is(codes::finding(), DSRTypes::VT_Code)) {
                if (c.codes.size() >= kMaxAdjudicationCodes) {
                    return malformed("a category holds more codes than an adjudication may");
                }
                const DSRCodedEntryValue& v = item.getCodeValue();
                c.codes.push_back(ChosenCode{str(v.getCodingSchemeDesignator()), str(v.getCodeValue()),
                                             str(v.getCodeMeaning()), CodeSide::Ai});
                m_codeSideSeen.push_back(false);
                m_inCode = true;
            } else if (is(codes::reason(), DSRTypes::VT_Text)) {
                c.reason = str(item.getStringValue());
            } else {
                return unknown(conceptName);
            }
            return {};
        }
        if (level == 4 && m_inCode) {
            if (!is(codes::chosenFrom(), DSRTypes::VT_Code) ||
                item.getRelationshipType() != DSRTypes::RT_hasConceptMod || m_codeSideSeen.back()) {
                return unknown(conceptName);
            }
            const DSRCodedEntryValue& v = item.getCodeValue();
            if (!codes::same(v, codes::fromAi()) && !codes::same(v, codes::fromClinician())) {
                return malformed("a chosen code is from neither the AI nor the clinician");
            }
            m_out.adjudication.categories.back().codes.back().from =
                codes::same(v, codes::fromAi()) ? CodeSide::Ai : CodeSide::Clinician;
            m_codeSideSeen.back() = true;
            return {};
        }
        return malformed("it nests content where an adjudication does not");
    }

    Expected<void, Error> finish() {
        if (!m_root) {
            return malformed("it has no content");
        }
        if (m_out.adjudication.reading.empty() || m_evidenceItem.empty() || m_out.evidenceDigest.empty()) {
            return malformed("it names no adjudicated reading, or no recording and its content digest");
        }
        if (m_out.readingSignerCertSha256.empty()) {
            return malformed("it does not record who signed the adjudicated reading");
        }
        if (std::find(m_labelSeen.begin(), m_labelSeen.end(), false) != m_labelSeen.end()) {
            return malformed("an adjudicated category has no final label");
        }
        if (std::find(m_codeSideSeen.begin(), m_codeSideSeen.end(), false) != m_codeSideSeen.end()) {
            return malformed("a chosen code does not say which side it was taken from");
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
        return malformed("it holds an item (" + code + ") that an adjudication does not have there");
    }
    AdjudicationDocument& m_out;
    std::vector<bool> m_labelSeen;
    std::vector<bool> m_codeSideSeen;
    bool m_root = false;
    bool m_inCategory = false;
    bool m_inCode = false;
    std::string m_evidenceItem;
};

} // namespace

Expected<AdjudicationDocument, Error> readAdjudicationDataset(DcmItem& dataset) {
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
    AdjudicationDocument out;
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
        }
    }
    // The evidence list holds exactly the reading SR and the recording, the two the content items name.
    DSRSOPInstanceReferenceList& list = doc.getCurrentRequestedProcedureEvidence();
    if (list.getNumberOfInstances() != 2 || list.gotoFirstItem().bad()) {
        return malformed("its Current Requested Procedure Evidence is not the reading and the recording");
    }
    bool readingListed = false;
    bool recordingListed = false;
    do {
        OFString s;
        const std::string instance = str(list.getSOPInstanceUID(s));
        if (instance == out.adjudication.reading && !readingListed) {
            readingListed = true;
            out.readingStudyUID = str(list.getStudyInstanceUID(s));
            out.readingSeriesUID = str(list.getSeriesInstanceUID(s));
            out.readingSopClassUID = str(list.getSOPClassUID(s));
        } else if (instance == reader.evidenceItem() && !recordingListed) {
            recordingListed = true;
            out.evidenceSopClassUID = str(list.getSOPClassUID(s));
            out.evidenceSopInstanceUID = instance;
        }
    } while (list.gotoNextItem().good());
    if (!readingListed || !recordingListed) {
        return malformed("its Current Requested Procedure Evidence and its content name different instances");
    }
    if (auto ok = validateAdjudication(out.adjudication, true); !ok) {
        return malformed(ok.error().message);
    }
    return out;
}

Expected<AdjudicationDocument, Error> readAdjudicationSr(const std::filesystem::path& path) {
    auto file = detail::loadSignedSr(path);
    if (!file) {
        return Unexpected{file.error()};
    }
    return readAdjudicationDataset(*file->dataset());
}

} // namespace veridicor::reading
