// The adjudication of a discordant study: ADJUDICATION.json ↔ Adjudication, Adjudication → signed SR →
// verification and back, the conversion to review's adjudicated labels, the two CLI commands, and one
// sign-then-tamper test per attack, named after it.
#include "cli_run.h"
#include "reading_fixture.h"
#include "test_data.h"

#include <veridicor/reading/adjudication.h>
#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/review/adjudicated_labels.h>
#include <veridicor/verify/json.h>

#include <dcmtk/dcmsr/dsrdoc.h>

#include <QtTest>

#include <fstream>

using namespace veridicor;
using namespace veridicor::test;
using reading::ReadingReason;

namespace {

/// The issue's case: the AI says atrial fibrillation, the clinician sinus rhythm; the AI says nothing of the
/// ST elevation the clinician read. Rhythm is settled positive for the AI's code, repolarisation positive for
/// the clinician's.
const char* kAdjudicationJson = R"json({"bundles": ["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
  "categories": [
    {"category": "rhythm", "label": "positive",
     "codes": [{"scheme": "SCT", "value": "164889003", "meaning": "Atrial fibrillation", "from": "ai"}],
     "reason": "Irregularly irregular RR intervals, no P waves in II and V1."},
    {"category": "repolarisation", "label": "positive",
     "codes": [{"scheme": "SCT", "value": "164931005", "meaning": "ST elevation", "from": "clinician"}],
     "reason": "ST elevation of 2.5 mm in V2-V3; the AI missed it."},
    {"category": "conduction", "label": "negative", "codes": [], "reason": "PR 160 ms, QRS 90 ms."}]})json";

std::string fileBytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

QString reasonsOf(const reading::SignedSrVerdict& v) {
    QStringList out;
    for (const auto r : v.reasons) {
        out << QString::fromLatin1(reading::readingReasonName(r).data(),
                                   static_cast<qsizetype>(reading::readingReasonName(r).size()));
    }
    return out.join(QLatin1Char(','));
}

} // namespace

class TestAdjudication : public QObject {
    Q_OBJECT

    std::unique_ptr<ReadingFixture> m_f;
    std::optional<TrustStore> m_store;
    std::filesystem::path m_reading; ///< Ada's signed reading of PAT-001

    /// Adjudicates `readingSr` as `who`; empty path on failure (m_f->error set).
    std::filesystem::path adjudicate(const std::string& name, const ReaderFiles& who,
                                     const std::filesystem::path& readingSr, const std::string& json = kAdjudicationJson) {
        auto a = reading::parseAdjudicationJson(json);
        if (!a) {
            m_f->error = a.error().message;
            return {};
        }
        reading::AdjudicationWriteOptions o;
        o.signer = who.signer();
        auto w = reading::writeAdjudicationSr(*a, readingSr, o, m_f->out(name));
        if (!w) {
            m_f->error = w.error().message;
            return {};
        }
        return m_f->out(name);
    }

    reading::AdjudicationVerdict verifyShown(const std::filesystem::path& sr, const std::filesystem::path& shown = {},
                                             const std::filesystem::path* readingSr = nullptr) {
        const dicom::ContentIdentity d = ReadingFixture::displayed(shown.empty() ? m_f->recording : shown);
        auto v = reading::verifyAdjudicationFile(sr, *m_store, m_f->pki.now, &d, readingSr);
        if (!v) {
            qWarning("%s", v.error().message.c_str());
            return {};
        }
        return *v;
    }

    /// dcmsign --remove-all, then `edit` (dcmodify -m arguments, may be empty), then dcmsign --sign with `who`.
    std::filesystem::path resign(const std::filesystem::path& sr, const std::string& name, const ReaderFiles& who,
                                 const QString& edit = {}) {
        const auto stripped = m_f->out(name + "-stripped.dcm");
        auto out = m_f->out(name + ".dcm");
        if (runTool(QStringLiteral("dcmsign"), {QStringLiteral("--remove-all"), qpath(sr), qpath(stripped)}) != 0) {
            return {};
        }
        if (!edit.isEmpty() &&
            runTool(QStringLiteral("dcmodify"), {QStringLiteral("-nb"), QStringLiteral("-m"), edit, qpath(stripped)}) !=
                0) {
            return {};
        }
        if (runTool(QStringLiteral("dcmsign"), {QStringLiteral("--sign"), qpath(who.key), qpath(who.chain),
                                               QStringLiteral("+m2"), qpath(stripped), qpath(out)}) != 0) {
            return {};
        }
        return out;
    }

private slots:
    void initTestCase() {
        m_f = std::make_unique<ReadingFixture>(verify::now());
        QVERIFY2(m_f->setUp(), m_f->error.c_str());
        auto store = TrustStore::load(m_f->trust);
        QVERIFY2(store.hasValue(), store ? "" : store.error().message.c_str());
        m_store = std::move(*store);
        m_reading = m_f->sign("reading.dcm", m_f->readerFiles);
        QVERIFY2(!m_reading.empty(), m_f->error.c_str());
    }

    void jsonRoundTrip() {
        auto a = reading::parseAdjudicationJson(kAdjudicationJson);
        QVERIFY2(a.hasValue(), a ? "" : a.error().message.c_str());
        QCOMPARE(a->categories.size(), std::size_t{3});
        QVERIFY(a->categories[0].positive);
        QCOMPARE(a->categories[0].codes.front().from, reading::CodeSide::Ai);
        QCOMPARE(a->categories[1].codes.front().from, reading::CodeSide::Clinician);
        QVERIFY(!a->categories[2].positive);
        auto again = reading::parseAdjudicationJson(reading::adjudicationToJson(*a));
        QVERIFY2(again.hasValue(), again ? "" : again.error().message.c_str());
        QVERIFY(*again == *a);
    }

    void jsonRejectsBadInput_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("names");
        const QString b = QStringLiteral(R"("bundles": ["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"])");
        QTest::newRow("reason missing")
            << QStringLiteral(R"({%1, "categories": [{"category": "rhythm", "label": "negative", "codes": []}]})").arg(b)
            << QStringLiteral("categories[0].reason");
        QTest::newRow("reason empty")
            << QStringLiteral(R"({%1, "categories": [{"category": "rhythm", "label": "negative", "reason": ""}]})").arg(b)
            << QStringLiteral("categories[0].reason must not be empty");
        QTest::newRow("reason too long")
            << QStringLiteral(R"({%1, "categories": [{"category": "rhythm", "label": "negative", "reason": "%2"}]})")
                   .arg(b, QString(1025, QLatin1Char('x')))
            << QStringLiteral("longer than 1024");
        QTest::newRow("positive without a code")
            << QStringLiteral(R"({%1, "categories": [{"category": "rhythm", "label": "positive", "reason": "r"}]})").arg(b)
            << QStringLiteral("categories[0].codes");
        QTest::newRow("label unknown")
            << QStringLiteral(R"({%1, "categories": [{"category": "rhythm", "label": "maybe", "reason": "r"}]})").arg(b)
            << QStringLiteral("categories[0].label");
        QTest::newRow("member unknown")
            << QStringLiteral(R"({%1, "categories": [], "verdict": "x"})").arg(b)
            << QStringLiteral("not part of an adjudication");
        QTest::newRow("category twice")
            << QStringLiteral(R"({%1, "categories": [{"category": "rhythm", "label": "negative", "reason": "r"},)"
                              R"({"category": "rhythm", "label": "negative", "reason": "r"}]})")
                   .arg(b)
            << QStringLiteral("second time");
        QTest::newRow("bundle not a digest")
            << QStringLiteral(R"({"bundles": ["abc"], "categories": [{"category": "rhythm", "label": "negative", "reason": "r"}]})")
            << QStringLiteral("bundles[0]");
        QTest::newRow("no categories") << QStringLiteral(R"({%1, "categories": []})").arg(b)
                                       << QStringLiteral("at least one");
        QTest::newRow("code not SNOMED CT")
            << QStringLiteral(R"({%1, "categories": [{"category": "rhythm", "label": "positive", "reason": "r",)"
                              R"("codes": [{"scheme": "LN", "value": "1-8", "meaning": "m", "from": "ai"}]}]})")
                   .arg(b)
            << QStringLiteral("codes[0].scheme");
    }
    void jsonRejectsBadInput() {
        QFETCH(QString, json);
        QFETCH(QString, names);
        auto a = reading::parseAdjudicationJson(json.toStdString());
        QVERIFY(!a.hasValue());
        QVERIFY2(QString::fromStdString(a.error().message).contains(names), a.error().message.c_str());
    }

    void signedRoundTripIsTrustedAndTheSame() {
        const auto sr = adjudicate("round-trip.dcm", m_f->rsaReaderFiles, m_reading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr, {}, &m_reading);
        QVERIFY2(v.trusted(), qPrintable(reasonsOf(v)));
        QVERIFY(v.bound);
        const reading::AdjudicationDocument& d = *v.document;
        auto expected = *reading::parseAdjudicationJson(kAdjudicationJson);
        const auto readingDoc = *reading::readReadingSr(m_reading);
        expected.reading = readingDoc.sopInstanceUID; // set by the writer
        QVERIFY(d.adjudication == expected);
        QCOMPARE(d.patientId, std::string("PAT-001"));
        QCOMPARE(d.studyInstanceUID, readingDoc.studyInstanceUID);
        QCOMPARE(d.readingSeriesUID, readingDoc.seriesInstanceUID);
        QCOMPARE(d.readingSopClassUID, std::string(UID_ComprehensiveSRStorage));
        QCOMPARE(d.readingSignerName, std::string("Ada Reader"));
        QCOMPARE(d.readingSignerCertSha256, m_f->reader.cert.info().sha256Fingerprint);
        QCOMPARE(d.readingSignerIdentities, std::vector<std::string>{kReaderEmail});
        QCOMPARE(d.evidenceSopInstanceUID, readingDoc.evidenceSopInstanceUID);
        QCOMPARE(d.evidenceDigest, readingDoc.evidenceDigest);
        QCOMPARE(d.verifyingObserverName, std::string("Rsa Reader"));
        QVERIFY(d.complete && d.verified);
        QCOMPARE(v.signer->authorizedAs, std::string("email:") + kRsaReaderEmail);
        // The reading is referenced in the evidence sequence (by DCMTK's own reading of the dataset).
        DcmFileFormat ff;
        QVERIFY(ff.loadFile(sr.c_str()).good());
        DSRDocument doc;
        QVERIFY(doc.read(*ff.getDataset()).good());
        DSRSOPInstanceReferenceList& evidence = doc.getCurrentRequestedProcedureEvidence();
        QCOMPARE(evidence.getNumberOfInstances(), std::size_t{2});
        QVERIFY(evidence.gotoItem(readingDoc.studyInstanceUID.c_str(), readingDoc.seriesInstanceUID.c_str(),
                                  readingDoc.sopInstanceUID.c_str())
                    .good());
        QVERIFY(evidence.gotoItem(readingDoc.evidenceSopClassUID.c_str(), readingDoc.evidenceSopInstanceUID.c_str())
                    .good());
        const std::string json = reading::adjudicationVerdictToJson(v);
        QVERIFY(json.find("\"adjudication\"") != std::string::npos);
        QVERIFY(json.find("\"verdict\": \"trusted\"") != std::string::npos);
    }

    void dcmsignAndDsrdumpAcceptIt() {
        const auto sr = adjudicate("for-tools.dcm", m_f->rsaReaderFiles, m_reading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        QByteArray log;
        QByteArray err;
        QCOMPARE(runTool(QStringLiteral("dcmsign"),
                         {QStringLiteral("--verify"), QStringLiteral("+cf"), qpath(m_f->trust / "anchors" / "root.pem"),
                          QStringLiteral("+uf"), qpath(m_f->trust / "cas" / "signing-ca.pem"), qpath(sr)},
                         &log, &err),
                 0);
        QCOMPARE(runTool(QStringLiteral("dsrdump"), {qpath(sr)}, &log), 0);
        QVERIFY2(log.contains("Adjudication report"), log.constData());
        QVERIFY(log.contains("Irregularly irregular"));
    }

    void labelsConvertToReviewLabels() {
        const auto sr = adjudicate("labels.dcm", m_f->rsaReaderFiles, m_reading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr);
        QVERIFY(v.trusted());
        auto labels = review::adjudicatedLabels(v.document->adjudication);
        QVERIFY2(labels.hasValue(), labels ? "" : labels.error().c_str());
        QCOMPARE(labels->size(), std::size_t{3});
        QCOMPARE((*labels)[0].category, review::Category::EcgRhythm);
        QVERIFY((*labels)[0].positive);
        QCOMPARE((*labels)[1].category, review::Category::EcgRepolarisation);
        QCOMPARE((*labels)[2].category, review::Category::EcgConduction);
        QVERIFY(!(*labels)[2].positive);
        QCOMPARE((*labels)[2].reason, std::string("PR 160 ms, QRS 90 ms."));
        review::ReviewedStudy study;
        study.readingUid = v.document->adjudication.reading;
        QVERIFY(review::applyAdjudication(study, v).hasValue());
        QCOMPARE(study.adjudicator, std::string("Rsa Reader"));
        QCOMPARE(study.adjudicationUid, v.document->sopInstanceUID);
        QCOMPARE(study.adjudicated.size(), std::size_t{3});
        // Another reading in force: not applied.
        review::ReviewedStudy other;
        other.readingUid = "1.2.3";
        QVERIFY(!review::applyAdjudication(other, v).hasValue());
        QVERIFY(other.adjudicated.empty());
        // An unknown category id is refused, never guessed.
        auto a = *reading::parseAdjudicationJson(kAdjudicationJson);
        a.categories[0].category = "heart-sounds";
        QVERIFY(!review::adjudicatedLabels(a).hasValue());
    }

    void editedLabelIsBadSignature() {
        const auto sr = adjudicate("edited-label.dcm", m_f->rsaReaderFiles, m_reading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        // The first category's final label, POSITIVE → NEGATIVE (its chosen code left: no longer a valid label).
        std::string bytes = fileBytes(sr);
        const auto at = bytes.find("POSITIVE");
        QVERIFY(at != std::string::npos);
        bytes.replace(at, 8, "NEGATIVE");
        const auto tampered = m_f->out("edited-label-tampered.dcm");
        writeBytes(tampered, bytes);
        const auto v = verifyShown(tampered);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::BadSignature), qPrintable(reasonsOf(v)));
        QVERIFY(reading::adjudicationVerdictToJson(v).find("\"adjudication\"") == std::string::npos);
        // What the label is positive for, atrial fibrillation → atrial flutter (164889003 → 164890007): still a
        // well-formed adjudication, and the signature says it was changed.
        std::string bytes2 = fileBytes(sr);
        const auto code = bytes2.find("164889003");
        QVERIFY(code != std::string::npos);
        bytes2.replace(code, 9, "164890007");
        const auto tampered2 = m_f->out("edited-code-tampered.dcm");
        writeBytes(tampered2, bytes2);
        auto read = reading::readAdjudicationSr(tampered2);
        QVERIFY2(read.hasValue(), read ? "" : read.error().message.c_str());
        QCOMPARE(read->adjudication.categories[0].codes[0].value, std::string("164890007")); // the edit took
        const auto w = verifyShown(tampered2);
        QVERIFY(!w.trusted());
        QVERIFY2(w.has(ReadingReason::BadSignature), qPrintable(reasonsOf(w)));
        QVERIFY(!w.has(ReadingReason::Malformed));
    }

    void editedReasonIsBadSignature() {
        const auto sr = adjudicate("edited-reason.dcm", m_f->rsaReaderFiles, m_reading);
        std::string bytes = fileBytes(sr);
        const auto at = bytes.find("the AI missed it");
        QVERIFY(at != std::string::npos);
        bytes.replace(at, 16, "the AI was right");
        writeBytes(m_f->out("edited-reason-tampered.dcm"), bytes);
        QVERIFY(verifyShown(m_f->out("edited-reason-tampered.dcm")).has(ReadingReason::BadSignature));
    }

    void anotherPatientsReadingIsPatientMismatch() {
        // A reading of PAT-999, adjudicated and shown beside PAT-001's recording.
        const auto otherReading = m_f->sign("other-patient-reading.dcm", m_f->readerFiles, kReadingJson,
                                            m_f->otherPatient);
        QVERIFY2(!otherReading.empty(), m_f->error.c_str());
        const auto sr = adjudicate("other-patient.dcm", m_f->rsaReaderFiles, otherReading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::PatientMismatch), qPrintable(reasonsOf(v)));
        // PAT-001's adjudication given PAT-999's reading as the one it settles.
        const auto own = adjudicate("own-patient.dcm", m_f->rsaReaderFiles, m_reading);
        const auto w = verifyShown(own, {}, &otherReading);
        QVERIFY(!w.trusted());
        QVERIFY2(w.has(ReadingReason::PatientMismatch), qPrintable(reasonsOf(w)));
        QVERIFY(w.has(ReadingReason::DataMismatch)); // and not the reading it references
    }

    void unauthorisedAdjudicatorIsNotAuthorized() {
        const auto sr = adjudicate("unauthorised.dcm", m_f->otherFiles, m_reading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::SignerNotAuthorized), qPrintable(reasonsOf(v)));
        QCOMPARE(v.reasons.size(), std::size_t{1});
    }

    void expiredAdjudicatorIsExpired() {
        // Ada's expired certificate adjudicating Rsa's reading (Ada may not adjudicate her own).
        const auto rsaReading = m_f->sign("rsa-reading.dcm", m_f->rsaReaderFiles);
        const auto sr = adjudicate("expired.dcm", m_f->expiredFiles, rsaReading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr);
        QVERIFY2(v.has(ReadingReason::CertExpired), qPrintable(reasonsOf(v)));
        QVERIFY(!v.trusted());
    }

    void revokedAdjudicatorIsRevoked() {
        const auto rsaReading = m_f->sign("rsa-reading-2.dcm", m_f->rsaReaderFiles);
        const auto sr = adjudicate("revoked.dcm", m_f->revokedFiles, rsaReading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto v = verifyShown(sr);
        QVERIFY2(v.has(ReadingReason::CertRevoked), qPrintable(reasonsOf(v)));
        QVERIFY(!v.trusted());
    }

    void signaturesRemovedIsUnsigned() {
        const auto sr = adjudicate("to-strip.dcm", m_f->rsaReaderFiles, m_reading);
        QCOMPARE(runTool(QStringLiteral("dcmsign"),
                         {QStringLiteral("--remove-all"), qpath(sr), qpath(m_f->out("stripped.dcm"))}),
                 0);
        const auto v = verifyShown(m_f->out("stripped.dcm"));
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::Unsigned), qPrintable(reasonsOf(v)));
    }

    void readerAdjudicatingOwnReadingIsRefused() {
        const auto sr = adjudicate("self.dcm", m_f->readerFiles, m_reading);
        QVERIFY(sr.empty());
        QVERIFY2(QString::fromStdString(m_f->error).contains(QStringLiteral("second reader")), m_f->error.c_str());
        QVERIFY(!std::filesystem::exists(m_f->out("self.dcm")));
        // Another certificate of the same person (Ada's second certificate, same e-mail): refused too.
        QVERIFY(adjudicate("self-2.dcm", m_f->revokedFiles, m_reading).empty());
        QVERIFY2(QString::fromStdString(m_f->error).contains(QStringLiteral("second reader")), m_f->error.c_str());
    }

    void selfAdjudicationSignedOutsideIsAdjudicatorIsReader() {
        // Made outside the workstation: Rsa's adjudication of Ada's reading, stripped, its Verifying Observer
        // renamed to Ada and re-signed with Ada's key. Signature, chain and policy all pass; the adjudicator is
        // the reader.
        const auto sr = adjudicate("self-outside-src.dcm", m_f->rsaReaderFiles, m_reading);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const auto forged = resign(sr, "self-outside", m_f->readerFiles,
                                   QStringLiteral("(0040,a073)[0].(0040,a075)=Ada Reader"));
        QVERIFY(!forged.empty());
        const auto v = verifyShown(forged);
        QVERIFY(!v.trusted());
        QVERIFY2(v.has(ReadingReason::AdjudicatorIsReader), qPrintable(reasonsOf(v)));
        QVERIFY(v.check(reading::ReadingCheckId::Signature).ok());
        QVERIFY(v.check(reading::ReadingCheckId::Chain).ok());
        QVERIFY(!v.check(reading::ReadingCheckId::Signer).ok());
        // And against the reading itself.
        const auto w = verifyShown(forged, {}, &m_reading);
        QVERIFY(w.has(ReadingReason::AdjudicatorIsReader));
    }

    void preliminaryReadingIsNotAdjudicated() {
        auto r = reading::parseReadingJson(kReadingJson);
        reading::SrWriteOptions o;
        o.observerName = "Ada Reader";
        QVERIFY(reading::writeReadingSr(*r, m_f->recording, o, m_f->out("preliminary.dcm")).hasValue());
        QVERIFY(adjudicate("of-preliminary.dcm", m_f->rsaReaderFiles, m_f->out("preliminary.dcm")).empty());
        QVERIFY2(QString::fromStdString(m_f->error).contains(QStringLiteral("not final")) ||
                     QString::fromStdString(m_f->error).contains(QStringLiteral("not signed")),
                 m_f->error.c_str());
    }

    void clinicianCodeTheReadingDoesNotStateIsRefused() {
        std::string json = kAdjudicationJson;
        const std::string from = R"("value": "164931005", "meaning": "ST elevation", "from": "clinician")";
        json.replace(json.find(from), from.size(),
                     R"("value": "164865005", "meaning": "Myocardial infarction", "from": "clinician")");
        QVERIFY(adjudicate("wrong-side.dcm", m_f->rsaReaderFiles, m_reading, json).empty());
        QVERIFY2(QString::fromStdString(m_f->error).contains(QStringLiteral("does not state")), m_f->error.c_str());
    }

    void readingUidOfAnotherSrIsRefused() {
        std::string json = kAdjudicationJson;
        json.insert(1, R"("reading": "1.2.3.4",)");
        QVERIFY(adjudicate("wrong-uid.dcm", m_f->rsaReaderFiles, m_reading, json).empty());
        QVERIFY2(QString::fromStdString(m_f->error).contains(QStringLiteral("another SR")), m_f->error.c_str());
    }

    void aReadingIsNotAnAdjudication() {
        auto v = reading::verifyAdjudicationFile(m_reading, *m_store, m_f->pki.now);
        QVERIFY(v.hasValue());
        QVERIFY(!v->trusted());
        QVERIFY(v->has(ReadingReason::Malformed));
        QVERIFY(!v->document.has_value());
        // and the other way round
        const auto sr = adjudicate("not-a-reading.dcm", m_f->rsaReaderFiles, m_reading);
        auto r = reading::verifyReadingFile(sr, *m_store, m_f->pki.now);
        QVERIFY(r.hasValue());
        QVERIFY(r->has(ReadingReason::Malformed));
    }

    void cliSignsAndVerifies() {
        const QString cli = buildDir() + QStringLiteral("/bin/veridicor-cli");
        QVERIFY2(QFileInfo::exists(cli), qPrintable(cli));
        std::ofstream(m_f->root / "ADJUDICATION.json") << kAdjudicationJson;
        const QString out = qpath(m_f->out("cli.dcm"));
        CliRun s = runProgram(cli, {QStringLiteral("adjudication-sign"), QStringLiteral("--key"),
                                    qpath(m_f->rsaReaderFiles.key), QStringLiteral("--chain"),
                                    qpath(m_f->rsaReaderFiles.chain), QStringLiteral("--reading-sr"), qpath(m_reading),
                                    QStringLiteral("--adjudication"), qpath(m_f->root / "ADJUDICATION.json"),
                                    QStringLiteral("-o"), out});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        CliRun v = runProgram(cli, {QStringLiteral("adjudication-verify"), QStringLiteral("--trust"),
                                    qpath(m_f->trust), QStringLiteral("--reading-sr"), qpath(m_reading), out});
        QVERIFY2(v.exitCode == 0, (v.out + v.err).constData());
        auto parsed = verify::json::parse(v.out.toStdString());
        QVERIFY(parsed.hasValue());
        QCOMPARE(parsed->find("verdict")->asString(), std::string("trusted"));
        QVERIFY(parsed->find("adjudication") != nullptr);
        // The reader's own key: refused (exit 2), nothing written.
        CliRun self = runProgram(cli, {QStringLiteral("adjudication-sign"), QStringLiteral("--key"),
                                       qpath(m_f->readerFiles.key), QStringLiteral("--chain"),
                                       qpath(m_f->readerFiles.chain), QStringLiteral("--reading-sr"), qpath(m_reading),
                                       QStringLiteral("--adjudication"), qpath(m_f->root / "ADJUDICATION.json"),
                                       QStringLiteral("-o"), qpath(m_f->out("cli-self.dcm"))});
        QCOMPARE(self.exitCode, 2);
        QVERIFY(!std::filesystem::exists(m_f->out("cli-self.dcm")));
        // Untrusted: exit 1, no content.
        CliRun u = runProgram(cli, {QStringLiteral("adjudication-verify"), QStringLiteral("--trust"),
                                    qpath(m_f->trust), qpath(m_f->out("stripped.dcm"))});
        QCOMPARE(u.exitCode, 1);
        QVERIFY(!u.out.contains("\"adjudication\""));
    }
};

QTEST_GUILESS_MAIN(TestAdjudication)
#include "tst_adjudication.moc"
