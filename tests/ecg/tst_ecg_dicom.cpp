// Reading DICOM ECGs: the real wave_dfl.dcm exactly as independent tools read it, and every class of bad
// input (made from that real file inside the test) named for what it is.
#include "../verify/independent_digest.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/ecg/dicom_reader.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>
#include <numeric>
#include <functional>

using namespace veridicor;

namespace {

// Ground truth from ../shared/data/README.md (read there with dcmdump and pydicom).
const std::vector<std::string> kLeadNames{"I",  "II", "III", "aVR", "aVL", "aVF",
                                          "V1", "V2", "V3",  "V4",  "V5",  "V6"};
const std::vector<std::vector<int>> kRawFirst5{
    {186, 186, 174, 168, 156},     {48, 48, 46, 42, 36},           {-138, -138, -128, -126, -120},
    {-117, -117, -110, -105, -96}, {162, 162, 151, 147, 138},      {-45, -45, -41, -42, -42},
    {-82, -78, -74, -70, -66},     {-176, -168, -160, -152, -140}, {98, 100, 88, 86, 82},
    {196, 194, 176, 166, 162},     {286, 290, 256, 246, 240},      {194, 194, 174, 166, 162}};

bool contains(const std::string& haystack, const char* needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

class TestEcgDicom : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    /// Loads wave_dfl.dcm, lets `edit` change its dataset, writes it (explicit VR LE) and returns the path.
    QString brokenCopy(const QString& source, const QString& name,
                       const std::function<void(DcmDataset&)>& edit) {
        auto loaded = dicom::loadFile(source.toStdString());
        if (!loaded) {
            return {};
        }
        edit(*loaded->dataset());
        const QString path = m_dir.filePath(name);
        const OFCondition c = loaded->file->saveFile(path.toStdString().c_str(), EXS_LittleEndianExplicit);
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

    void theRecordingSaysWhichSamplesItHolds() {
        // The reader digests the Waveform Data it decodes (dicom-waveform-v1): dcmconv cuts the values out of
        // the file, openssl hashes them.
        for (const char* tool : {"dcmconv", "openssl"}) {
            if (!test::haveTool(QString::fromLatin1(tool))) {
                QSKIP("dcmconv or openssl is missing");
            }
        }
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        auto rec = ecg::readEcg(path.toStdString());
        QVERIFY(rec.hasValue());
        QVERIFY(rec->content.has_value());
        QCOMPARE(rec->content->kind, dicom::ContentKind::Waveform);
        QCOMPARE(rec->content->sha256, *test::opensslSha256OfBytes(*test::waveformDataByDcmconv(path)));
        QCOMPARE(rec->content->hashedBytes, std::uint64_t{12} * 2400 * 2);
        QCOMPARE(rec->content->sopInstanceUID, rec->sopInstanceUID);
        QCOMPARE(rec->content->studyInstanceUID, rec->studyInstanceUID);
        QCOMPARE(rec->content->seriesInstanceUID, rec->seriesInstanceUID);
        QCOMPARE(rec->content->modality, std::string("ECG"));
    }

    // --- wave_dfl.dcm, as ../shared/data/README.md says
    // --------------------------------------------------------

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
        const std::array expectedMv = {0.2269, 0.2269, 0.2123, 0.205, 0.1903}; // README, 4 decimals
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

    // --- other encodings of the same samples
    // -----------------------------------------------------------------

    void everyTransferSyntaxReadsTheSameSamples() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto original = readOk(path);
        const auto syntaxes = std::to_array<std::pair<E_TransferSyntax, const char*>>({
            {EXS_LittleEndianImplicit, "implicit.dcm"},
            {EXS_LittleEndianExplicit, "explicit.dcm"},
            {EXS_BigEndianExplicit, "bigendian.dcm"},
            {EXS_DeflatedLittleEndianExplicit, "deflated.dcm"},
        });
        for (const auto& [xfer, name] : syntaxes) {
            auto loaded = dicom::loadFile(path.toStdString());
            QVERIFY(loaded.hasValue());
            const QString out = m_dir.filePath(QString::fromLatin1(name));
            QVERIFY(loaded->file->saveFile(out.toStdString().c_str(), xfer).good());
            const auto rec = readOk(out);
            QCOMPARE(rec.transferSyntaxUID, std::string(DcmXfer(xfer).getXferID()));
            QCOMPARE(rec.groups.size(), std::size_t{1});
            for (std::size_t c = 0; c < 12; ++c) {
                QCOMPARE(rec.groups[0].channels[c].label, kLeadNames[c]);
                QVERIFY2(rec.groups[0].channels[c].raw == original.groups[0].channels[c].raw, name);
            }
        }
    }

    void eightBitSignedSamples() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto original = readOk(path);
        // The same trace in 8 bits: every sample / 16 (fits in int8), stored as OB with interpretation SB.
        std::vector<Uint8> bytes;
        for (std::size_t s = 0; s < 2400; ++s) {
            for (std::size_t c = 0; c < 12; ++c) {
                bytes.push_back(
                    static_cast<Uint8>(static_cast<std::int8_t>(original.groups[0].channels[c].raw[s] / 16)));
            }
        }
        const QString copy = brokenCopy(path, QStringLiteral("8bit.dcm"), [&](DcmDataset& ds) {
            DcmItem* g = firstGroup(ds);
            g->putAndInsertUint16(DCM_WaveformBitsAllocated, 8);
            g->putAndInsertString(DCM_WaveformSampleInterpretation, "SB");
            g->findAndDeleteElement(DCM_WaveformPaddingValue);
            auto* data = new DcmOtherByteOtherWord(DcmTag(DCM_WaveformData, EVR_OB));
            data->putUint8Array(bytes.data(), static_cast<unsigned long>(bytes.size()));
            g->insert(data, true);
        });
        QVERIFY(!copy.isEmpty());
        const auto rec = readOk(copy);
        QCOMPARE(rec.groups[0].bitsAllocated, 8);
        for (std::size_t c = 0; c < 12; ++c) {
            for (std::size_t s = 0; s < 2400; ++s) {
                QCOMPARE(rec.groups[0].channels[c].raw[s], original.groups[0].channels[c].raw[s] / 16);
            }
        }
        QCOMPARE(rec.groups[0].channels[0].raw[0], 11); // 186 / 16
    }

    void eightBitUnsignedAndSixteenBitUnsigned() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto original = readOk(path);
        std::vector<Uint8> bytes;
        std::vector<Uint16> words;
        for (std::size_t s = 0; s < 2400; ++s) {
            for (std::size_t c = 0; c < 12; ++c) {
                const int v = original.groups[0].channels[c].raw[s];
                bytes.push_back(static_cast<Uint8>(v / 16 + 128));
                words.push_back(static_cast<Uint16>(v + 32768));
            }
        }
        const QString ub = brokenCopy(path, QStringLiteral("ub.dcm"), [&](DcmDataset& ds) {
            DcmItem* g = firstGroup(ds);
            g->putAndInsertUint16(DCM_WaveformBitsAllocated, 8);
            g->putAndInsertString(DCM_WaveformSampleInterpretation, "UB");
            g->findAndDeleteElement(DCM_WaveformPaddingValue);
            auto* data = new DcmOtherByteOtherWord(DcmTag(DCM_WaveformData, EVR_OB));
            data->putUint8Array(bytes.data(), static_cast<unsigned long>(bytes.size()));
            g->insert(data, true);
        });
        const QString us = brokenCopy(path, QStringLiteral("us.dcm"), [&](DcmDataset& ds) {
            DcmItem* g = firstGroup(ds);
            g->putAndInsertString(DCM_WaveformSampleInterpretation, "US");
            g->findAndDeleteElement(DCM_WaveformPaddingValue);
            auto* data = new DcmOtherByteOtherWord(DcmTag(DCM_WaveformData, EVR_OW));
            data->putUint16Array(words.data(), static_cast<unsigned long>(words.size()));
            g->insert(data, true);
        });
        const auto recUb = readOk(ub);
        const auto recUs = readOk(us);
        for (std::size_t c = 0; c < 12; ++c) {
            for (std::size_t s = 0; s < 2400; ++s) {
                const int v = original.groups[0].channels[c].raw[s];
                QCOMPARE(recUb.groups[0].channels[c].raw[s], v / 16 + 128);
                QCOMPARE(recUs.groups[0].channels[c].raw[s], v + 32768);
            }
        }
    }

    // --- bad input: one test per class, each on a broken copy of the real file
    // --------------------------------

    void truncatedFile() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        // Uncompressed copy cut inside Waveform Data, and the deflated original cut in half.
        const QString full = brokenCopy(path, QStringLiteral("full.dcm"), [](DcmDataset&) {});
        QFile f(full);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        f.close();
        for (const auto& [source, keep] :
             std::vector<std::pair<QByteArray, qsizetype>>{{bytes, bytes.size() - 20000}}) {
            const QString cut = m_dir.filePath(QStringLiteral("cut.dcm"));
            QFile out(cut);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(source.left(keep));
            out.close();
            auto r = ecg::readEcg(cut.toStdString());
            QVERIFY(!r.hasValue());
            QCOMPARE(r.error().code, dicom::ErrorCode::Truncated);
            QVERIFY2(contains(r.error().message, "truncated"), r.error().message.c_str());
        }
        QFile original(path);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray deflated = original.readAll();
        const QString cut = m_dir.filePath(QStringLiteral("cut_deflated.dcm"));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(deflated.left(deflated.size() / 2));
        out.close();
        auto r = ecg::readEcg(cut.toStdString());
        QVERIFY(!r.hasValue());
        QVERIFY2(r.error().code == dicom::ErrorCode::Truncated ||
                     r.error().code == dicom::ErrorCode::Malformed,
                 r.error().message.c_str());
    }

    void notDicom() {
        const QString text = m_dir.filePath(QStringLiteral("notes.dcm"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("12-lead ECG of Mr Smith: sinus rhythm, 70/min.\n");
        f.close();
        auto r = ecg::readEcg(text.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::NotDicom);
        QVERIFY2(contains(r.error().message, "not a DICOM file"), r.error().message.c_str());
    }

    void notAnEcgSopClass() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("sc.dcm"), [](DcmDataset& ds) {
            ds.putAndInsertString(DCM_SOPClassUID, std::string(dicom::sop::SecondaryCapture).c_str());
        });
        auto r = ecg::readEcg(copy.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Unsupported);
        QVERIFY2(contains(r.error().message, "not an ECG"), r.error().message.c_str());
        QVERIFY2(contains(r.error().message, "1.2.840.10008.5.1.4.1.1.7"), r.error().message.c_str());
    }

    void realUltrasoundImageIsNotAnEcg() {
        VERIDICOR_SHARED_FILE(path, "us/US1_UNCR.dcm");
        auto r = ecg::readEcg(path.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Unsupported);
        QVERIFY2(contains(r.error().message, "not an ECG"), r.error().message.c_str());
    }

    void noWaveformSequence() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("nowave.dcm"), [](DcmDataset& ds) {
            ds.findAndDeleteElement(DCM_WaveformSequence);
        });
        auto r = ecg::readEcg(copy.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
        QVERIFY2(contains(r.error().message, "no Waveform Sequence"), r.error().message.c_str());
    }

    void sampleCountDisagreesWithDataLength() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("count.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertUint32(DCM_NumberOfWaveformSamples, 2500);
        });
        auto r = ecg::readEcg(copy.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
        QVERIFY2(contains(r.error().message, "Waveform Data holds 57600 bytes"), r.error().message.c_str());
        QVERIFY2(contains(r.error().message, "12 channels × 2500 samples × 2 bytes = 60000"),
                 r.error().message.c_str());
    }

    void samplingRateZeroNegativeOrAbsurd() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const auto cases =
            std::to_array<std::pair<const char*, const char*>>({{"0", "it must be positive"},
                                                                {"-240", "it must be positive"},
                                                                {"1e9", "implausible"},
                                                                {"fast", "not a number"}});
        for (const auto& c : cases) {
            const char* const value = c.first; // a named variable: clang 14 cannot capture a structured binding
            const char* const expected = c.second;
            const QString copy = brokenCopy(path, QStringLiteral("fs.dcm"), [&](DcmDataset& ds) {
                firstGroup(ds)->putAndInsertString(DCM_SamplingFrequency, value);
            });
            auto r = ecg::readEcg(copy.toStdString());
            QVERIFY2(!r.hasValue(), value);
            QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
            QVERIFY2(contains(r.error().message, expected), r.error().message.c_str());
        }
        const QString missing = brokenCopy(path, QStringLiteral("nofs.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->findAndDeleteElement(DCM_SamplingFrequency);
        });
        auto r = ecg::readEcg(missing.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
        QVERIFY2(contains(r.error().message, "no Sampling Frequency"), r.error().message.c_str());
    }

    void channelCountZeroOrAbsurd() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString absurd = brokenCopy(path, QStringLiteral("ch.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertUint16(DCM_NumberOfWaveformChannels, 5000);
        });
        auto r = ecg::readEcg(absurd.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::TooLarge);
        QVERIFY2(contains(r.error().message, "5000 channels"), r.error().message.c_str());
        const QString zero = brokenCopy(path, QStringLiteral("ch0.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertUint16(DCM_NumberOfWaveformChannels, 0);
        });
        r = ecg::readEcg(zero.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
        QVERIFY2(contains(r.error().message, "declares 0 channels"), r.error().message.c_str());
        // 13 declared, 12 defined (and 12 × 2400 × 2 bytes of data): the definitions disagree.
        const QString thirteen = brokenCopy(path, QStringLiteral("ch13.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertUint16(DCM_NumberOfWaveformChannels, 13);
        });
        r = ecg::readEcg(thirteen.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
        QVERIFY2(contains(r.error().message,
                          "declares 13 channels but its Channel Definition Sequence defines 12"),
                 r.error().message.c_str());
    }

    void absurdSampleCountIsRefusedBeforeAllocating() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("samples.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertUint32(DCM_NumberOfWaveformSamples, 4000000000u);
        });
        auto r = ecg::readEcg(copy.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::TooLarge);
        QVERIFY2(contains(r.error().message, "12 channels × 4000000000 samples"), r.error().message.c_str());
        const QString zero = brokenCopy(path, QStringLiteral("samples0.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertUint32(DCM_NumberOfWaveformSamples, 0);
        });
        r = ecg::readEcg(zero.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
        QVERIFY2(contains(r.error().message, "0 samples"), r.error().message.c_str());
    }

    void unsupportedBitDepth() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        for (const Uint16 bits : {Uint16{12}, Uint16{32}}) {
            const QString copy = brokenCopy(path, QStringLiteral("bits.dcm"), [&](DcmDataset& ds) {
                firstGroup(ds)->putAndInsertUint16(DCM_WaveformBitsAllocated, bits);
            });
            auto r = ecg::readEcg(copy.toStdString());
            QVERIFY(!r.hasValue());
            QCOMPARE(r.error().code, dicom::ErrorCode::Unsupported);
            const std::string expected = std::to_string(bits) + "-bit samples";
            QVERIFY2(contains(r.error().message, expected.c_str()), r.error().message.c_str());
        }
        const QString mulaw = brokenCopy(path, QStringLiteral("mulaw.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertUint16(DCM_WaveformBitsAllocated, 8);
            firstGroup(ds)->putAndInsertString(DCM_WaveformSampleInterpretation, "MB");
        });
        auto r = ecg::readEcg(mulaw.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Unsupported);
        QVERIFY2(contains(r.error().message, "mu-law"), r.error().message.c_str());
        const QString contradiction = brokenCopy(path, QStringLiteral("sb16.dcm"), [](DcmDataset& ds) {
            firstGroup(ds)->putAndInsertString(DCM_WaveformSampleInterpretation, "SB");
        });
        r = ecg::readEcg(contradiction.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Malformed);
    }

    void totalSampleLimitAcrossGroups() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        ecg::ReadLimits limits;
        limits.maxTotalSamples = 12 * 2400 - 1;
        auto r = ecg::readEcg(path.toStdString(), limits);
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::TooLarge);
        QVERIFY2(contains(r.error().message, "28800 samples in all"), r.error().message.c_str());
    }

    void latin1TextIsReadAsUtf8() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("latin1.dcm"), [](DcmDataset& ds) {
            ds.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
            ds.putAndInsertString(DCM_PatientName, "M\xFCller^J\xFCrgen"); // Latin-1 bytes
        });
        const auto rec = readOk(copy);
        if (!rec.warnings.empty()) {
            QSKIP("this DCMTK build cannot convert character sets");
        }
        QCOMPARE(rec.patient.name, std::string("M\xC3\xBCller^J\xC3\xBCrgen"));
    }

    void iso2022JapaneseNameIsRead() {
        // Kanji (ISO 2022 IR 87), which DCMTK's whole-dataset conversion refuses on Debian; the bytes are
        // those of pydicom's charset_files/chrH31.dcm, whose name pydicom decodes as
        // "Yamada^Tarou=山田^太郎".
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("jis.dcm"), [](DcmDataset& ds) {
            ds.putAndInsertString(DCM_SpecificCharacterSet, "\\ISO 2022 IR 87");
            ds.putAndInsertString(DCM_PatientName, "Yamada^Tarou=\x1B$B;3ED\x1B(B^\x1B$BB@O:\x1B(B");
        });
        const auto rec = readOk(copy);
        QVERIFY(rec.warnings.empty());
        QCOMPARE(rec.patient.name,
                 std::string("Yamada^Tarou=\xE5\xB1\xB1\xE7\x94\xB0^\xE5\xA4\xAA\xE9\x83\x8E"));
    }

    void unknownCharacterSetIsShownAsBytesWithAWarning() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("unknown-charset.dcm"), [](DcmDataset& ds) {
            ds.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 999");
            ds.putAndInsertString(DCM_PatientName, "M\xFCller^J\xFCrgen");
        });
        const auto rec = readOk(copy);
        QCOMPARE(rec.patient.name, std::string("M\\xFCller^J\\xFCrgen"));
        QCOMPARE(rec.warnings.size(), std::size_t{1});
        QVERIFY2(contains(rec.warnings[0], "ISO_IR 999"), rec.warnings[0].c_str());
    }

    void missingSensitivityReadsUncalibratedWithAWarning() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("nosens.dcm"), [](DcmDataset& ds) {
            DcmSequenceOfItems* defs = nullptr;
            firstGroup(ds)->findAndGetSequence(DCM_ChannelDefinitionSequence, defs);
            defs->getItem(1)->findAndDeleteElement(DCM_ChannelSensitivity);
        });
        const auto rec = readOk(copy);
        const auto& lead2 = rec.groups[0].channels[1];
        QCOMPARE(lead2.label, std::string("II"));
        QVERIFY(!lead2.calibrated);
        QCOMPARE(lead2.unitsToMicrovolts, 0.0);
        QCOMPARE(lead2.raw[0], 48);
        QCOMPARE(lead2.physical(0), 48.0); // the stored integer, never dressed up as a voltage
        QVERIFY(rec.groups[0].channels[0].calibrated);
        QCOMPARE(rec.warnings.size(), std::size_t{1});
        QVERIFY2(contains(rec.warnings[0], "channel 2 (II) has no Channel Sensitivity"),
                 rec.warnings[0].c_str());
    }

    void mutatedCopiesNeverCrash() {
        // 300 copies of the real file (uncompressed), each with 1–8 random bytes overwritten and sometimes
        // cut: every one either reads into a consistent Recording or is refused with an error. (Run under the
        // asan preset, this also proves no out-of-bounds access.)
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString full = brokenCopy(path, QStringLiteral("plain.dcm"), [](DcmDataset&) {});
        QFile f(full);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray original = f.readAll();
        f.close();
        std::uint64_t state = 12345;
        const auto next = [&state] {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            return state >> 33;
        };
        int refused = 0;
        for (int round = 0; round < 300; ++round) {
            QByteArray bytes = original;
            const int flips = 1 + static_cast<int>(next() % 8);
            for (int k = 0; k < flips; ++k) {
                // Mostly the header region, where the sizes and counts live.
                const auto at = static_cast<qsizetype>(next() % (next() % 4 == 0 ? bytes.size() : 6000));
                bytes[at] = static_cast<char>(next() & 0xFF);
            }
            if (next() % 5 == 0) {
                bytes.truncate(static_cast<qsizetype>(next() % bytes.size()));
            }
            const QString mutated = m_dir.filePath(QStringLiteral("mutated.dcm"));
            QFile out(mutated);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(bytes);
            out.close();
            auto r = ecg::readEcg(mutated.toStdString());
            if (!r) {
                QVERIFY(!r.error().message.empty());
                ++refused;
                continue;
            }
            for (const auto& g : r->groups) {
                QVERIFY(g.samplingHz > 0 && g.samplingHz <= 100000);
                QVERIFY(!g.channels.empty() && g.channels.size() <= 64);
                for (const auto& ch : g.channels) {
                    QCOMPARE(ch.raw.size(), g.samples);
                }
            }
        }
        QVERIFY(refused > 0);
    }

    void annotationReferencesAreChecked() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString copy = brokenCopy(path, QStringLiteral("annot.dcm"), [](DcmDataset& ds) {
            DcmSequenceOfItems* seq = nullptr;
            ds.findAndGetSequence(DCM_WaveformAnnotationSequence, seq);
            DcmItem* a = seq->getItem(0);
            a->putAndInsertUint16Array(DCM_ReferencedWaveformChannels, std::array<Uint16, 2>{1, 0}.data(), 2);
            a->putAndInsertString(DCM_TemporalRangeType, "SEGMENT");
            const std::array<Uint32, 3> positions = {100, 300, 99999};
            a->putAndInsertUint32Array(DCM_ReferencedSamplePositions, positions.data(), positions.size());
            auto* second = new DcmItem();
            second->putAndInsertString(DCM_UnformattedTextValue, "Sinus rhythm");
            second->putAndInsertUint16Array(DCM_ReferencedWaveformChannels,
                                            std::array<Uint16, 2>{7, 1}.data(), 2);
            seq->append(second);
        });
        const auto rec = readOk(copy);
        QCOMPARE(rec.annotations.size(), std::size_t{2});
        const auto& hr = rec.annotations[0];
        QCOMPARE(hr.channels.size(), std::size_t{12}); // channel 0 = all channels of the group
        QCOMPARE(hr.temporalRangeType, std::string("SEGMENT"));
        QCOMPARE(hr.samplePositions, (std::vector<std::size_t>{99, 299})); // 1-based → 0-based; 99999 dropped
        QCOMPARE(hr.firstSample.value_or(0), std::size_t{99});
        QCOMPARE(hr.lastSample.value_or(0), std::size_t{299});
        QCOMPARE(rec.annotations[1].displayText(), std::string("Sinus rhythm"));
        QVERIFY(!rec.annotations[1].group.has_value()); // group 7 does not exist
        QCOMPARE(rec.warnings.size(), std::size_t{2});
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
                                     .arg(sample)
                                     .arg(channel)
                                     .arg(g.channels[channel].raw[sample])
                                     .arg(value)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestEcgDicom)
#include "tst_ecg_dicom.moc"
