// The study index: files found recursively by content, grouped patient → study → series → instance,
// broken files listed with their reason, nothing else lost.
#include "test_data.h"

#include <veridicor/dicom/study_index.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace veridicor;

class TestStudyIndex : public QObject {
    Q_OBJECT

    static bool copyTo(const QString& from, const QString& to) {
        QDir().mkpath(QFileInfo(to).absolutePath());
        return QFile::copy(from, to);
    }

private slots:
    void folderTreeIsIndexedByContent() {
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        VERIDICOR_SHARED_FILE(us1, "us/US1_UNCR.dcm");
        VERIDICOR_SHARED_FILE(us2, "us/US1_J2KR.dcm");
        VERIDICOR_SHARED_FILE(cine, "us/IM00001.implicit_little_endian.dcm");
        QTemporaryDir dir;
        QVERIFY(copyTo(ecg, dir.filePath(QStringLiteral("a/b/ECG0001"))));   // no extension
        QVERIFY(copyTo(us1, dir.filePath(QStringLiteral("a/us1.bin"))));     // odd extension
        QVERIFY(copyTo(us2, dir.filePath(QStringLiteral("c/us1-j2k.dcm")))); // same image, its own UID
        QVERIFY(copyTo(us1, dir.filePath(QStringLiteral("z/copy-of-us1")))); // same SOP Instance UID
        QVERIFY(copyTo(cine, dir.filePath(QStringLiteral("c/d/e/cine"))));
        {
            QFile notes(dir.filePath(QStringLiteral("a/README.txt")));
            QVERIFY(notes.open(QIODevice::WriteOnly));
            notes.write("not dicom\n");
            QFile broken(dir.filePath(QStringLiteral("c/broken.dcm")));
            QFile src(us1);
            QVERIFY(broken.open(QIODevice::WriteOnly) && src.open(QIODevice::ReadOnly));
            broken.write(src.read(5000)); // truncated copy inside the pixel data
        }

        const dicom::StudyIndex index = dicom::scanPaths({dir.path().toStdString()});
        QCOMPARE(index.filesExamined, std::size_t{7});
        // The second copy of US1_UNCR repeats its SOP Instance UID: reported, not indexed twice.
        QCOMPARE(index.instances, std::size_t{4});
        QCOMPARE(index.problems.size(), std::size_t{2});
        bool sawTruncated = false;
        bool sawDuplicate = false;
        for (const auto& p : index.problems) {
            sawTruncated |= p.error.code == dicom::ErrorCode::Truncated && p.path.filename() == "broken.dcm";
            sawDuplicate |= p.error.message.find("repeats SOP Instance UID") != std::string::npos;
        }
        QVERIFY(sawTruncated);
        QVERIFY(sawDuplicate);
        // The file that is not DICOM is not indexed, and not dropped silently either.
        QCOMPARE(index.skipped.size(), std::size_t{1});
        QCOMPARE(index.skipped.front().path.filename().string(), std::string("README.txt"));
        QCOMPARE(index.skipped.front().error.code, dicom::ErrorCode::NotDicom);
        QVERIFY(index.skipped.front().error.message.find("is not a DICOM file") != std::string::npos);

        const auto* h = index.find(dir.filePath(QStringLiteral("a/b/ECG0001")).toStdString());
        QVERIFY(h != nullptr);
        QCOMPARE(h->modality, std::string("ECG"));
        QCOMPARE(h->transferSyntaxUID, std::string("1.2.840.10008.1.2.1.99"));

        // Each instance sits under exactly one patient/study/series, and series hold one modality.
        std::size_t counted = 0;
        for (const auto& p : index.patients)
            for (const auto& st : p.studies)
                for (const auto& se : st.series) {
                    QVERIFY(!se.instances.empty());
                    for (const auto& in : se.instances) {
                        QCOMPARE(in.seriesInstanceUID, se.seriesInstanceUID);
                        QCOMPARE(in.studyInstanceUID, st.studyInstanceUID);
                        QCOMPARE(in.modality, se.modality);
                        ++counted;
                    }
                }
        QCOMPARE(counted, index.instances);
    }

    void missingPathIsAProblemNotACrash() {
        const dicom::StudyIndex index = dicom::scanPaths({"/nonexistent/veridicor"});
        QCOMPARE(index.instances, std::size_t{0});
        QCOMPARE(index.problems.size(), std::size_t{1});
        QCOMPARE(index.problems.front().error.code, dicom::ErrorCode::Unreadable);
    }

    void cancelStopsTheScan() {
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        for (int i = 0; i < 5; ++i) {
            QVERIFY(copyTo(ecg, dir.filePath(QStringLiteral("f%1").arg(i))));
        }
        std::atomic<bool> cancel{false};
        dicom::ScanOptions opts;
        opts.cancel = &cancel;
        opts.progress = [&](std::size_t n, const std::filesystem::path&) {
            if (n == 2)
                cancel = true;
        };
        const dicom::StudyIndex index = dicom::scanPaths({dir.path().toStdString()}, opts);
        QVERIFY(index.cancelled);
        QCOMPARE(index.filesExamined, std::size_t{2});
    }
};

QTEST_GUILESS_MAIN(TestStudyIndex)
#include "tst_study_index.moc"
