// The DICOM text layer: names in every character set pydicom's charset_files use decode to what pydicom
// decodes (tests/tools/reference_names.py, independent of our code); unknown character sets and invalid bytes
// come out as visible bytes, said so, never as text; hostile values never crash and always give valid UTF-8.
#include "pydicom_names.h"

#include <veridicor/dicom/load.h>
#include <veridicor/dicom/text.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <QRandomGenerator>
#include <QtTest>

#include <array>
#include <sstream>
#include <string_view>

using namespace veridicor;

namespace {

/// The item that holds the name pydicom found: the dataset, or the first item of the named sequence.
DcmItem* itemOf(DcmDataset* ds, const QString& where) {
    if (where == QStringLiteral("dataset")) {
        return ds;
    }
    const QString keyword = where.left(where.indexOf(QLatin1Char('[')));
    const DcmDataDictionary& dict = dcmDataDict.rdlock();
    const DcmDictEntry* entry = dict.findEntry(keyword.toLatin1().constData());
    const DcmTagKey key = entry != nullptr ? entry->getKey() : DcmTagKey();
    dcmDataDict.rdunlock();
    DcmItem* item = nullptr;
    return ds->findAndGetSequenceItem(key, item, 0).good() ? item : nullptr;
}

/// pydicom leaves out trailing empty component groups ("Wang^XiaoDong=王^小東=" is "Wang^XiaoDong=王^小東").
QString withoutTrailingDelimiters(QString pn) {
    while (pn.endsWith(QLatin1Char('=')) || pn.endsWith(QLatin1Char('^'))) {
        pn.chop(1);
    }
    return pn;
}

bool isValidUtf8(const std::string& s) {
    const QByteArray bytes = QByteArray::fromStdString(s);
    return QString::fromUtf8(bytes).toUtf8() == bytes;
}

} // namespace

class TestText : public QObject {
    Q_OBJECT

private slots:
    void charsetFilesDecodeToPydicomsNames() {
        VERIDICOR_PYDICOM_NAMES(names);
        QVERIFY(names.size() >= 15);
        for (const auto& n : names) {
            const QByteArray what = n.file.toUtf8();
            auto file = dicom::loadFile(n.file.toStdString());
            QVERIFY2(file.hasValue(), what.constData());
            DcmItem* item = itemOf(file->dataset(), n.where);
            QVERIFY2(item != nullptr, what.constData());
            const dicom::DecodedText text = dicom::readText(item, DCM_PatientName);
            QVERIFY2(text.decoded, (what + ": " + QByteArray::fromStdString(text.problem)).constData());
            QCOMPARE(withoutTrailingDelimiters(QString::fromStdString(text.utf8)), n.value);
            QCOMPARE(QString::fromStdString(dicom::getPersonName(item, DCM_PatientName)), n.display);
        }
    }

    void headerListingShowsPydicomsNames() {
        VERIDICOR_PYDICOM_NAMES(names);
        for (const auto& n : names) {
            auto file = dicom::loadFile(n.file.toStdString());
            QVERIFY(file.hasValue());
            dicom::convertForDisplay(*file->dataset());
            std::ostringstream out;
            file->dataset()->print(out);
            const QString listing = QString::fromStdString(out.str());
            QVERIFY2(listing.contains(n.value), qPrintable(n.file + QStringLiteral(": ") + listing));
            QVERIFY2(!listing.contains(QChar::ReplacementCharacter), qPrintable(n.file));
        }
    }

    void unknownCharacterSetShowsTheBytes() {
        const dicom::DecodedText t =
            dicom::decodeText("Buc^J\xE9r\xF4me", "ISO_IR 999", dicom::TextKind::PersonName);
        QVERIFY(!t.decoded);
        QCOMPARE(t.utf8, std::string("Buc^J\\xE9r\\xF4me"));
        QVERIFY(t.problem.find("ISO_IR 999") != std::string::npos);

        DcmItem item;
        QVERIFY(item.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 999").good());
        QVERIFY(item.putAndInsertString(DCM_PatientName, "Buc^J\xE9r\xF4me").good());
        const std::string shown = dicom::getPersonName(&item, DCM_PatientName);
        QVERIFY2(shown.rfind("Buc, J\\xE9r\\xF4me (undecoded bytes: ", 0) == 0, shown.c_str());
        QVERIFY(shown.find("ISO_IR 999") != std::string::npos);
    }

    void undeclaredNonAsciiShowsTheBytes() {
        // Without (0008,0005) only ASCII is defined; Latin-1 (or UTF-8) bytes are a guess, not a name.
        DcmItem item;
        QVERIFY(item.putAndInsertString(DCM_PatientName, "M\xFCller^Hans").good());
        const dicom::DecodedText t = dicom::readText(&item, DCM_PatientName);
        QVERIFY(!t.decoded);
        QCOMPARE(t.utf8, std::string("M\\xFCller^Hans"));
    }

    void invalidBytesInTheDeclaredSetShowTheBytes() {
        const dicom::DecodedText utf8 = dicom::decodeText("Ab\xFF\xC3", "ISO_IR 192", dicom::TextKind::Text);
        QVERIFY(!utf8.decoded);
        QCOMPARE(utf8.utf8, std::string("Ab\\xFF\\xC3"));
        // Kanji cut in half, an escape sequence to a set that is not declared, an escape at the very end.
        for (const char* bytes :
             {"\x1B$B;3E", "\x1B$B;", "\x1B$(D;3", "\x1B", "\x1B$", "Yamada\x1B$)C\xFB\xF3"}) {
            const dicom::DecodedText t =
                dicom::decodeText(bytes, "\\ISO 2022 IR 87", dicom::TextKind::PersonName);
            QVERIFY2(!t.decoded, bytes);
            QVERIFY(isValidUtf8(t.utf8));
        }
    }

    void loneKanjiSetIsDecoded() {
        // Seen in files although the first value should be one without code extensions; bytes of pydicom's
        // chrJapMulti.dcm, which pydicom decodes as "やまだ^たろう" (its hiragana, U+3084 U+307E U+3060 ...).
        const dicom::DecodedText t = dicom::decodeText("\x1B$B$d$^$@\x1B(B^\x1B$B$?$m$&\x1B(B",
                                                       "ISO 2022 IR 87", dicom::TextKind::PersonName);
        QVERIFY2(t.decoded, t.problem.c_str());
        QCOMPARE(QString::fromStdString(t.utf8),
                 QString::fromUtf16(u"\u3084\u307E\u3060^\u305F\u308D\u3046"));
    }

    void plainAsciiIsUnchanged() {
        DcmItem item;
        QVERIFY(item.putAndInsertString(DCM_PatientName, "Doe^John").good());
        QVERIFY(item.putAndInsertString(DCM_StudyDescription, "  Echo\\TTE ").good());
        QCOMPARE(dicom::readText(&item, DCM_PatientName).utf8, std::string("Doe^John"));
        QCOMPARE(dicom::getText(&item, DCM_StudyDescription), std::string("Echo\\TTE"));
        QCOMPARE(dicom::getText(&item, DCM_InstitutionName), std::string());
        QCOMPARE(dicom::getText(nullptr, DCM_InstitutionName), std::string());
    }

    void personNameDisplayFormat() {
        QCOMPARE(dicom::formatPersonName("Doe^John"), std::string("Doe, John"));
        QCOMPARE(dicom::formatPersonName("Adams^John Robert^^Rev.^B.A."),
                 std::string("Adams, Rev. John Robert, B.A."));
        QCOMPARE(dicom::formatPersonName("Doe^John^Quincy"), std::string("Doe, John Quincy"));
        QCOMPARE(dicom::formatPersonName("Doe"), std::string("Doe"));
        QCOMPARE(dicom::formatPersonName("^John"), std::string("John"));
        QCOMPARE(dicom::formatPersonName("=Doe^John"), std::string("Doe, John"));
        QCOMPARE(dicom::formatPersonName("^^^^"), std::string());
        QCOMPARE(dicom::formatPersonName(""), std::string());
        QCOMPARE(dicom::formatPersonName("Doe^John\\Roe^Jane"), std::string("Doe, John; Roe, Jane"));
    }

    void sequenceItemsInheritTheCharacterSet() {
        DcmItem ds;
        QVERIFY(ds.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100").good());
        DcmItem* child = nullptr;
        QVERIFY(ds.findOrCreateSequenceItem(DCM_OtherPatientIDsSequence, child, -2).good());
        QVERIFY(child->putAndInsertString(DCM_PatientName, "\xC4neas").good());
        QCOMPARE(dicom::specificCharacterSet(*child), std::string("ISO_IR 100"));
        QCOMPARE(dicom::readText(child, DCM_PatientName).utf8, std::string("\xC3\x84neas"));
    }

    void hostileBytesNeverCrashAndGiveUtf8() {
        const std::array<const char*, 8> sets{"",
                                              "ISO_IR 100",
                                              "ISO_IR 192",
                                              "GB18030",
                                              "\\ISO 2022 IR 87",
                                              "ISO 2022 IR 13\\ISO 2022 IR 87\\ISO 2022 IR 159",
                                              "\\ISO 2022 IR 149",
                                              "ISO_IR 999"};
        QRandomGenerator rng(20261202);
        for (int round = 0; round < 3000; ++round) {
            std::string bytes(static_cast<std::size_t>(rng.bounded(40)), '\0');
            for (char& c : bytes) {
                // Mostly escapes, delimiters and high bytes, where decoders go wrong.
                static constexpr std::string_view pool =
                    "\x1B$B()JID^=\\\xA4\xB3\xFB\xF3\x8E\x8F\xC3\xFF;3Ea ";
                c = pool[rng.bounded(static_cast<quint32>(pool.size()))];
            }
            for (const char* set : sets) {
                for (auto kind :
                     {dicom::TextKind::Text, dicom::TextKind::MultiValue, dicom::TextKind::PersonName}) {
                    const dicom::DecodedText t = dicom::decodeText(bytes, set, kind);
                    QVERIFY(isValidUtf8(t.utf8));
                    QCOMPARE(t.decoded, t.problem.empty());
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestText)
#include "tst_text.moc"
