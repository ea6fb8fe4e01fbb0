// Frame timing from the header: Frame Time Vector (standard, and with a first value that is not 0), Frame
// Time, Cine Rate, Recommended Display Frame Rate, Frame Delay, the Frame Increment Pointer, and bad values.
#include <veridicor/cine/timing.h>
#include <veridicor/dicom/dicom_env.h>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcvrat.h>

#include <QtTest>

using namespace veridicor;

class TestCineTiming : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void standardFrameTimeVectorIsIncrements() {
        DcmDataset ds;
        ds.putAndInsertString(DCM_FrameTimeVector, R"(0\40\40\50)");
        const auto t = cine::readFrameTiming(&ds, 4);
        QCOMPARE(t.source(), cine::TimingSource::FrameTimeVector);
        // Value i is the time from frame i-1 to frame i: frames start at 0, 40, 80, 130.
        QCOMPARE(t.startMs(0), 0.0);
        QCOMPARE(t.startMs(1), 40.0);
        QCOMPARE(t.startMs(2), 80.0);
        QCOMPARE(t.startMs(3), 130.0);
        QCOMPARE(t.durationMs(3), 50.0); // the last frame lasts as long as the last increment
        QVERIFY(t.notes.empty());
    }

    void nonZeroFirstValueIsReadAsDurations() {
        DcmDataset ds;
        ds.putAndInsertString(DCM_FrameTimeVector, "33.333\\50\\33.333");
        const auto t = cine::readFrameTiming(&ds, 3);
        QCOMPARE(t.durationMs(0), 33.333);
        QCOMPARE(t.durationMs(1), 50.0);
        QCOMPARE(t.startMs(2), 83.333);
        QCOMPARE(t.notes.size(), std::size_t{1});
        QVERIFY(QString::fromStdString(t.notes[0]).contains(QStringLiteral("not 0")));
    }

    void frameTimeCineRateAndRecommendedRate() {
        {
            DcmDataset ds;
            ds.putAndInsertString(DCM_FrameTime, "20");
            ds.putAndInsertString(DCM_CineRate, "25");
            const auto t = cine::readFrameTiming(&ds, 5);
            QCOMPARE(t.source(), cine::TimingSource::FrameTime);
            QCOMPARE(t.totalMs(), 100.0);
            QCOMPARE(t.meanFrameRate(), 50.0);
        }
        {
            DcmDataset ds;
            ds.putAndInsertString(DCM_CineRate, "25");
            ds.putAndInsertString(DCM_RecommendedDisplayFrameRate, "50");
            const auto t = cine::readFrameTiming(&ds, 5);
            QCOMPARE(t.source(), cine::TimingSource::CineRate);
            QCOMPARE(t.durationMs(0), 40.0);
        }
        {
            DcmDataset ds;
            ds.putAndInsertString(DCM_RecommendedDisplayFrameRate, "50");
            ds.putAndInsertString(DCM_FrameDelay, "12.5");
            const auto t = cine::readFrameTiming(&ds, 5);
            QCOMPARE(t.source(), cine::TimingSource::RecommendedDisplayRate);
            QCOMPARE(t.durationMs(0), 20.0);
            QCOMPARE(t.frameDelayMs, 12.5);
        }
    }

    void frameIncrementPointerChoosesTheAttribute() {
        DcmDataset ds;
        ds.putAndInsertString(DCM_FrameTimeVector, "0\\10\\10");
        ds.putAndInsertString(DCM_FrameTime, "25");
        auto* fip = new DcmAttributeTag(DCM_FrameIncrementPointer);
        fip->putTagVal(DCM_FrameTime);
        ds.insert(fip);
        QCOMPARE(cine::readFrameTiming(&ds, 3).source(), cine::TimingSource::FrameTime);
        QCOMPARE(cine::readFrameTiming(&ds, 3).durationMs(1), 25.0);
    }

    void unusableValuesFallBackWithANote() {
        {
            DcmDataset ds; // wrong count: ignored, Frame Time used
            ds.putAndInsertString(DCM_FrameTimeVector, "0\\10");
            ds.putAndInsertString(DCM_FrameTime, "30");
            const auto t = cine::readFrameTiming(&ds, 4);
            QCOMPARE(t.source(), cine::TimingSource::FrameTime);
            QVERIFY(!t.notes.empty());
        }
        {
            DcmDataset ds; // negative, zero and absurd values: nothing usable
            ds.putAndInsertString(DCM_FrameTime, "-5");
            ds.putAndInsertString(DCM_CineRate, "0");
            ds.putAndInsertString(DCM_RecommendedDisplayFrameRate, "1e300");
            const auto t = cine::readFrameTiming(&ds, 4);
            QCOMPARE(t.source(), cine::TimingSource::Assumed);
            QCOMPARE(t.meanFrameRate(), cine::kAssumedFrameRate);
            QVERIFY(QString::fromStdString(t.notes.back()).contains(QStringLiteral("assumed")));
        }
    }

    void frameAtMsIsHalfOpen() {
        const cine::FrameTiming t({10, 20, 30}, cine::TimingSource::FrameTimeVector);
        QCOMPARE(t.frameAtMs(-1), 0);
        QCOMPARE(t.frameAtMs(0), 0);
        QCOMPARE(t.frameAtMs(9.999), 0);
        QCOMPARE(t.frameAtMs(10), 1);
        QCOMPARE(t.frameAtMs(29.999), 1);
        QCOMPARE(t.frameAtMs(30), 2);
        QCOMPARE(t.frameAtMs(1e9), 2);
    }
};

QTEST_GUILESS_MAIN(TestCineTiming)
#include "tst_cine_timing.moc"
