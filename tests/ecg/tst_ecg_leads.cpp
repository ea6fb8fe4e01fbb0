// Lead names from SCP-ECG and MDC codes (DICOM PS3.16 CID 3001), the naming fallbacks, unit factors and exact
// decimal export of scaled samples.
#include <veridicor/ecg/export.h>
#include <veridicor/ecg/lead_names.h>

#include <QtTest>

#include <array>
#include <sstream>
#include <utility>

using namespace veridicor::ecg;

class TestEcgLeads : public QObject {
    Q_OBJECT

private slots:
    void scpEcgCodes_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("name");
        // DICOM PS3.16 CID 3001 "ECG Leads", coding scheme SCPECG.
        const auto table = std::to_array<std::pair<const char*, const char*>>({
            {"5.6.3-9-1", "I"},    {"5.6.3-9-2", "II"},   {"5.6.3-9-61", "III"}, {"5.6.3-9-62", "aVR"},
            {"5.6.3-9-63", "aVL"}, {"5.6.3-9-64", "aVF"}, {"5.6.3-9-3", "V1"},   {"5.6.3-9-4", "V2"},
            {"5.6.3-9-5", "V3"},   {"5.6.3-9-6", "V4"},   {"5.6.3-9-7", "V5"},   {"5.6.3-9-8", "V6"},
            {"5.6.3-9-9", "V7"},   {"5.6.3-9-66", "V8"},  {"5.6.3-9-67", "V9"},  {"5.6.3-9-10", "V2R"},
            {"5.6.3-9-11", "V3R"}, {"5.6.3-9-12", "V4R"}, {"5.6.3-9-13", "V5R"}, {"5.6.3-9-14", "V6R"},
            {"5.6.3-9-16", "X"},   {"5.6.3-9-17", "Y"},   {"5.6.3-9-18", "Z"},   {"5.6.3-9-65", "-aVR"},
        });
        for (const auto& [code, name] : table) {
            QTest::newRow(code) << QString::fromLatin1(code) << QString::fromLatin1(name);
        }
    }
    void scpEcgCodes() {
        QFETCH(QString, code);
        QFETCH(QString, name);
        QCOMPARE(QString::fromStdString(leadNameFromCode("SCPECG", code.toStdString()).value_or("?")), name);
        // The writer's reverse mapping gives back the same code.
        QCOMPARE(QString::fromStdString(scpEcgCodeForLead(name.toStdString()).value_or("?")), code);
    }

    void mdcCodes_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("name");
        // CID 3001 / ISO/IEEE 11073-10101 MDC_ECG_LEAD_* in partition 2, written "2:<code>" in DICOM.
        const auto table = std::to_array<std::pair<const char*, const char*>>({
            {"2:1", "I"},
            {"2:2", "II"},
            {"2:61", "III"},
            {"2:62", "aVR"},
            {"2:63", "aVL"},
            {"2:64", "aVF"},
            {"2:3", "V1"},
            {"2:4", "V2"},
            {"2:5", "V3"},
            {"2:6", "V4"},
            {"2:7", "V5"},
            {"2:8", "V6"},
            {"2:9", "V7"},
            {"2:11", "V3R"},
            {"2:12", "V4R"},
            {"2:16", "X"},
            {"2:17", "Y"},
            {"2:18", "Z"},
            // the 32-bit context-free form (2 << 16 | code) and the reference ids
            {"131073", "I"},
            {"131133", "III"},
            {"131134", "aVR"},
            {"MDC_ECG_LEAD_AVL", "aVL"},
            {"MDC_ECG_LEAD_aVF", "aVF"},
            {"MDC_ECG_LEAD_V3", "V3"},
            {"MDC_ECG_LEAD_VX", "X"},
        });
        for (const auto& [code, name] : table) {
            QTest::newRow(code) << QString::fromLatin1(code) << QString::fromLatin1(name);
        }
    }
    void mdcCodes() {
        QFETCH(QString, code);
        QFETCH(QString, name);
        QCOMPARE(QString::fromStdString(leadNameFromCode("MDC", code.toStdString()).value_or("?")), name);
    }

    void unknownCodesAreNotGuessed() {
        QVERIFY(!leadNameFromCode("SCPECG", "5.6.3-9-999").has_value());
        QVERIFY(!leadNameFromCode("SCPECG", "5.6.3-9-").has_value());
        QVERIFY(!leadNameFromCode("MDC", "3:1").has_value()); // another partition
        QVERIFY(!leadNameFromCode("LN", "2:1").has_value());
        QVERIFY(!leadNameFromCode("SCPECG", "2:1").has_value());
    }

    void namingFallsBackToLabelThenMeaning() {
        // Code first.
        QCOMPARE(deriveLeadLabel("SCPECG", "5.6.3-9-62", "weird", "Lead aVR", 0), std::string("aVR"));
        // A label or meaning that spells a standard lead.
        QCOMPARE(deriveLeadLabel("99LOCAL", "X1", "Lead V3", "", 0), std::string("V3"));
        QCOMPARE(deriveLeadLabel("99LOCAL", "X2", "", "Lead I (Einthoven)", 0), std::string("I"));
        QCOMPARE(deriveLeadLabel("", "", "avf", "", 0), std::string("aVF"));
        // Other channels: Channel Label as recorded, else the code meaning, else a number.
        QCOMPARE(deriveLeadLabel("MDC", "2:4229", "ART", "Arterial pressure", 3), std::string("ART"));
        QCOMPARE(deriveLeadLabel("MDC", "2:4229", "", "Arterial pressure", 3),
                 std::string("Arterial pressure"));
        QCOMPARE(deriveLeadLabel("", "", "", "", 3), std::string("Channel 4"));
    }

    void unitFactors() {
        QCOMPARE(unitsToMicrovoltsFactor("uV"), 1.0);
        QCOMPARE(unitsToMicrovoltsFactor("mV"), 1000.0);
        QCOMPARE(unitsToMicrovoltsFactor("V"), 1e6);
        QCOMPARE(unitsToMicrovoltsFactor("nV"), 1e-3);
        QCOMPARE(unitsToMicrovoltsFactor("\xC2\xB5V"), 1.0);
        QCOMPARE(unitsToMicrovoltsFactor("", "millivolt"), 1000.0);
        QCOMPARE(unitsToMicrovoltsFactor("mm[Hg]"), 0.0);
        QCOMPARE(unitsToMicrovoltsFactor("MV"), 0.0); // UCUM is case-sensitive: megavolt is no ECG unit
    }

    void exactDecimalExport() {
        Channel ch;
        ch.label = "I";
        ch.units = "mV";
        ch.sensitivity = 0.00122;
        ch.unitsToMicrovolts = 1000;
        ch.raw = {186, -392, 0, 1264, 7};
        QCOMPARE(exactValueText(ch, 0), std::string("226.92"));
        QCOMPARE(exactValueText(ch, 1), std::string("-478.24"));
        QCOMPARE(exactValueText(ch, 2), std::string("0"));
        QCOMPARE(exactValueText(ch, 3), std::string("1542.08"));
        ch.correction = 1.5;
        ch.baseline = -0.25; // mV
        QCOMPARE(exactValueText(ch, 4),
                 std::string("-237.19")); // (7 × 0.00122 × 1.5 − 0.25) mV = −0.23719 mV
        Channel pressure;
        pressure.label = "ART";
        pressure.units = "mm[Hg]";
        pressure.unitsToMicrovolts = 0;
        pressure.sensitivity = 0.1;
        pressure.raw = {1205};
        QCOMPARE(exportUnits(pressure), std::string("mm[Hg]"));
        QCOMPARE(exactValueText(pressure, 0), std::string("120.5"));
        Channel raw;
        raw.label = "Ch 3";
        raw.calibrated = false;
        raw.unitsToMicrovolts = 0;
        raw.raw = {-5};
        QCOMPARE(exactValueText(raw, 0), std::string("-5"));

        WaveformGroup g;
        g.samples = 1;
        ch.raw = {186};
        ch.correction = 1;
        ch.baseline = 0;
        pressure.label = "ART, radial";
        g.channels = {ch, pressure, raw};
        std::ostringstream csv;
        writeCsv(g, csv);
        QCOMPARE(csv.str(), std::string("I,\"ART, radial [mm[Hg]]\",Ch 3 [raw]\n226.92,120.5,-5\n"));
    }
};

QTEST_GUILESS_MAIN(TestEcgLeads)
#include "tst_ecg_leads.moc"
