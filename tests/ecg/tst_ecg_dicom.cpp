// Reading DICOM ECGs: the real wave_dfl.dcm exactly as independent tools read it, and every class of bad input
// (made from that real file inside the test) named for what it is.
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/ecg/dicom_reader.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrobow.h>

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>

using namespace veridicor;

namespace {

// Ground truth from ../shared/data/README.md (read there with dcmdump and pydicom).
const std::vector<std::string> kLeadNames{"I", "II", "III", "aVR", "aVL", "aVF",
                                          "V1", "V2", "V3", "V4", "V5", "V6"};
const std::vector<std::vector<int>> kRawFirst5{
    {186, 186, 174, 168, 156},      {48, 48, 46, 42, 36},          {-138, -138, -128, -126, -120},
    {-117, -117, -110, -105, -96},  {162, 162, 151, 147, 138},     {-45, -45, -41, -42, -42},
    {-82, -78, -74, -70, -66},      {-176, -168, -160, -152, -140}, {98, 100, 88, 86, 82},
    {196, 194, 176, 166, 162},      {286, 290, 256, 246, 240},     {194, 194, 174, 166, 162}};

[[maybe_unused]] bool contains(const std::string& haystack, const char* needle) { return haystack.find(needle) != std::string::npos; }

} // namespace

class TestEcgDicom : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    /// Loads wave_dfl.dcm, lets `edit` change its dataset, writes it (explicit VR LE) and returns the path.
    QString brokenCopy(const QString& source, const QString& name, const std::function<void(DcmDataset&)>& edit) {
        auto loaded = dicom::loadFile(source.toStdString());
        if (!loaded) {
            return {};
        }
        edit(*loaded->dataset());
        const QString path = m_dir.filePath(name);
        const OFCondition c =
            loaded->file->saveFile(path.toStdString().c_str(), EXS_LittleEndianExplicit);
        return c.good() ? path : QString();
    }

    static DcmItem* firstGroup(DcmDataset& ds) {
        DcmSequenceOfItems* seq = nullptr;
        ds.findAndGetSequence(DCM_WaveformSequence, seq);
        return seq != nullptr ? seq->getItem(0) : nullptr;
    }

    static ecg::Recording readOk(const QString& path) {
        auto r = ecg::readEcg(path.toStdString());
        if (!r) {
            qFatal("read failed: %s", r.error().message.c_str());
        }
        return std::move(r).value();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY2(dicom::initializeDicom().hasValue(), "DCMTK environment");
    }

    // --- wave_dfl.dcm, as ../shared/data/README.md says --------------------------------------------------------

    void waveDflStructure() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto rec = readOk(path);
        QCOMPARE(rec.sopClassUID, std::string(dicom::sop::HemodynamicWaveform));
        QCOMPARE(rec.transferSyntaxUID, std::string("1.2.840.10008.1.2.1.99")); // Deflated Explicit VR LE
        QCOMPARE(rec.modality, std::string("ECG"));
        QCOMPARE(rec.groups.size(), std::size_t{1});
        const auto& g = rec.groups[0];
        QCOMPARE(g.samplingHz, 240.0);
        QCOMPARE(g.samples, std::size_t{2400});
        QCOMPARE(g.durationSeconds(), 10.0);
        QCOMPARE(g.bitsAllocated, 16);
        QCOMPARE(g.sampleInterpretation, std::string("SS"));
        QCOMPARE(g.originality, std::string("ORIGINAL"));
        QCOMPARE(g.channels.size(), std::size_t{12});
        for (std::size_t c = 0; c < 12; ++c) {
            QCOMPARE(g.channels[c].label, kLeadNames[c]);
            QCOMPARE(g.channels[c].raw.size(), std::size_t{2400});
            QCOMPARE(g.channels[c].sensitivity, 0.00122);
            QCOMPARE(g.channels[c].correction, 1.0);
            QCOMPARE(g.channels[c].baseline, 0.0);
            QCOMPARE(g.channels[c].units, std::string("mV"));
            QCOMPARE(g.channels[c].unitsToMicrovolts, 1000.0);
            QVERIFY(g.channels[c].calibrated);
            QCOMPARE(g.channels[c].sourceCodingScheme, std::string("SCPECG"));
            QCOMPARE(*g.channels[c].filters.lowFrequencyHz, 0.05);
            QCOMPARE(*g.channels[c].filters.highFrequencyHz, 100.0);
            QVERIFY(!g.channels[c].filters.notchHz.has_value());
        }
        QCOMPARE(g.channels[0].sourceCodeValue, std::string("5.6.3-9-1"));
        QCOMPARE(g.channels[0].sourceCodeMeaning, std::string("Lead I"));
        QCOMPARE(g.paddingValue.value_or(0), -32768); // (5400,100A) OW 8000 as SS
        QVERIFY(rec.rhythm() == &rec.groups[0]);
        QVERIFY(rec.medianBeat() == nullptr);
    }

    void waveDflRawSamples() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto rec = readOk(path);
        const auto& g = rec.groups[0];
        for (std::size_t c = 0; c < 12; ++c) {
            for (std::size_t i = 0; i < 5; ++i) {
                QCOMPARE(g.channels[c].raw[i], kRawFirst5[c][i]);
            }
        }
        const auto& lead1 = g.channels[0].raw;
        QCOMPARE(*std::min_element(lead1.begin(), lead1.end()), -392);
        QCOMPARE(*std::max_element(lead1.begin(), lead1.end()), 1264);
        QCOMPARE(std::accumulate(lead1.begin(), lead1.end(), std::int64_t{0}), std::int64_t{105800});
    }

    void waveDflScaledLeadI() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto rec = readOk(path);
        const auto& lead1 = rec.groups[0].channels[0];
        const double expectedMv[] = {0.2269, 0.2269, 0.2123, 0.205, 0.1903}; // README, 4 decimals
        for (std::size_t i = 0; i < 5; ++i) {
            QVERIFY2(std::abs(lead1.physical(i) - expectedMv[i]) < 0.00005, qPrintable(QString::number(i)));
            QVERIFY(std::abs(lead1.microvolts(i) - lead1.raw[i] * 1.22) < 1e-9);
        }
    }

    void waveDflAnnotationAndDemographics() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto rec = readOk(path);
        QCOMPARE(rec.annotations.size(), std::size_t{1});
        const auto& a = rec.annotations[0];
        QCOMPARE(a.conceptName, std::string("Heart rate"));
        QCOMPARE(a.conceptCode, std::string("8867-4"));
        QCOMPARE(a.codingScheme, std::string("LN"));
        QCOMPARE(a.numericValue.value_or(0), 69.0);
        QCOMPARE(a.units, std::string("{H.B.}/min"));
        QCOMPARE(a.group.value_or(99), std::size_t{0}); // Referenced Waveform Channels 1\1
        QCOMPARE(a.channels, std::vector<std::size_t>{0});
        QCOMPARE(a.displayText(), std::string("Heart rate: 69 /min"));
        QCOMPARE(rec.patient.name, std::string("Patient^Test"));
        QCOMPARE(rec.patient.id, std::string("123-654"));
        QCOMPARE(rec.patient.birthDate, std::string("19440102"));
        QCOMPARE(rec.patient.sex, std::string("M"));
        QCOMPARE(rec.patient.age, std::string("055Y"));
        QCOMPARE(rec.acquisition.dateTime, std::string("19991223100709"));
        QCOMPARE(rec.acquisition.manufacturer, std::string("GE Marquette"));
        QCOMPARE(rec.acquisition.modelName, std::string("MACLB"));
        QCOMPARE(rec.acquisition.institution, std::string("Test Hospital"));
        QVERIFY2(rec.warnings.empty(), rec.warnings.empty() ? "" : rec.warnings.front().c_str());
    }

    /// Every stored sample against DCMTK's own command-line dump of Waveform Data (an independent reader).
    void waveDflMatchesDcmdump() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString dcmdump = QStandardPaths::findExecutable(QStringLiteral("dcmdump"));
        if (dcmdump.isEmpty()) {
            QSKIP("dcmdump (Debian package dcmtk) is not installed");
        }
        QProcess p;
        p.start(dcmdump, {QStringLiteral("+L"), QStringLiteral("+P"), QStringLiteral("5400,1010"), path});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromLatin1(p.readAllStandardOutput());
        const QRegularExpression re(QStringLiteral("OW ([0-9a-f\\\\]+)"));
        const auto m = re.match(out);
        QVERIFY(m.hasMatch());
        const QStringList words = m.captured(1).split(QLatin1Char('\\'));
        QCOMPARE(words.size(), 12 * 2400);
        const auto rec = readOk(path);
        const auto& g = rec.groups[0];
        for (int k = 0; k < words.size(); ++k) {
            bool ok = false;
            const auto value = static_cast<std::int16_t>(words[k].toUShort(&ok, 16));
            QVERIFY(ok);
            const std::size_t sample = static_cast<std::size_t>(k) / 12;
            const std::size_t channel = static_cast<std::size_t>(k) % 12;
            if (g.channels[channel].raw[sample] != value) {
                QFAIL(qPrintable(QStringLiteral("sample %1 of channel %2: %3, dcmdump says %4")
                                     .arg(sample).arg(channel).arg(g.channels[channel].raw[sample]).arg(value)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestEcgDicom)
#include "tst_ecg_dicom.moc"
