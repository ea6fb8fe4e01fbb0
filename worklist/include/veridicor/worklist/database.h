#pragma once
/// \file
/// The local worklist database: an SQLite file (through Qt SQL) that caches what the study folders hold —
/// studies and their instances (path, size, modification time), each study's AI summary, the readings and
/// their statuses — so that a worklist of 1 000 studies opens without reading a file. It is only a cache:
/// deleted or unusable, it is rebuilt by indexing the same folders, and the worklist is the same.
///
/// One Database is one SQLite connection with its own connection name: several may live in one process, and
/// one may be used on a worker thread — the thread that opened it, only (Qt SQL's rule for a connection).

#include <veridicor/base/expected.h>
#include <veridicor/review/agreement.h>
#include <veridicor/review/reviewed_study.h>
#include <veridicor/worklist/ai_summary.h>
#include <veridicor/worklist/error.h>

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace veridicor::dicom {
struct StudyIndex;
struct ScanOptions;
} // namespace veridicor::dicom

namespace veridicor::worklist {

/// The schema this build reads and writes (PRAGMA user_version). A file of another version is moved aside.
/// Version 2 added the `reviews` table (review rows, issue 12).
inline constexpr int kSchemaVersion = 2;

enum class ReadingStatus { Unread, Preliminary, Signed, Amended };

/// "unread", "preliminary", "signed", "amended" (as stored).
QString readingStatusName(ReadingStatus status);
std::optional<ReadingStatus> parseReadingStatus(const QString& name);

/// A reading as the SR module records it. Strings are bounded when stored (base/text_bounds.h).
struct Reading {
    QString sopInstanceUid; ///< of the reading's SR; a DICOM UID
    QString studyUid;       ///< the study read; a DICOM UID
    ReadingStatus status = ReadingStatus::Preliminary;
    QString reader;
    QDateTime time; ///< stored as UTC with milliseconds
    QString path;   ///< the SR file
    QString amendsUid; ///< the SOP Instance UID of the reading this one replaces; empty: none
    friend bool operator==(const Reading&, const Reading&) = default;
};

/// Where a study stands in adjudication (a second reader settling a discordance between the AI and the
/// reading): no request, an open request, or a verified adjudication recorded.
enum class AdjudicationState { None, Requested, Adjudicated };

/// A request to adjudicate a study's reading, and the adjudication that answered it. Strings are bounded when
/// stored; the adjudication fields are empty while the request is open.
struct AdjudicationRequest {
    QString studyUid;     ///< a DICOM UID
    QString readingUid;   ///< the SOP Instance UID of the reading SR to adjudicate
    QString requestedBy;
    QDateTime requestedAt;
    QStringList categories; ///< the discordant categories (review::categoryId), at most 16
    QString adjudicationUid; ///< the adjudication SR's SOP Instance UID; empty: open
    QString adjudicator;
    QDateTime adjudicatedAt;
    QString adjudicationPath;
    [[nodiscard]] bool open() const { return adjudicationUid.isEmpty(); }
    friend bool operator==(const AdjudicationRequest&, const AdjudicationRequest&) = default;
};

/// One worklist row: a study, its AI summary and the state of its latest reading.
struct StudyRow {
    QString studyUid;
    QString patientName; ///< display form (dicom/text.h), bounded
    QString patientId;
    QString modality;    ///< the study's modalities, sorted, joined by "/"
    QString description;
    /// The study's date and time (dicom::InstanceHeader carries StudyDate/StudyTime): invalid when absent.
    QDateTime acquired;
    int instances = 0;
    AiSummary ai;
    ReadingStatus status = ReadingStatus::Unread; ///< of the latest reading (by time); Unread without one
    QString reader;                               ///< of the latest reading
    AdjudicationState adjudication = AdjudicationState::None; ///< of the latest request
    friend bool operator==(const StudyRow&, const StudyRow&) = default;
};

/// One row of the `reviews` table: one category of one reviewed study (review::ReviewedStudy), what the
/// agreement statistics count, so that they are computed over the worklist without reading a file.
struct ReviewRow {
    QString readingUid; ///< SOP Instance UID of the signed reading in force
    QString studyUid;
    QString modelName;
    QString modelVersion;
    review::Category category = review::Category::EcgOverall;
    QString reader;
    std::int64_t readingTime = 0; ///< when the reading was signed: seconds since 1970-01-01 UTC
    bool aiPositive = false;
    bool clinicianPositive = false;
    std::optional<bool> adjudicated{}; ///< the adjudicated label; empty: not adjudicated
    bool disagree = false;             ///< both positive with incompatible codes (review::RowState::Disagree)
    friend bool operator==(const ReviewRow&, const ReviewRow&) = default;
};

/// Which review rows reviewSet() returns: readings signed within [from, to] (seconds since 1970 UTC, both
/// ends included; empty: unbounded), of the given studies (empty: all).
struct ReviewFilter {
    std::optional<std::int64_t> from{};
    std::optional<std::int64_t> to{};
    std::vector<QString> studyUids{};
};

/// At most this many study UIDs in one ReviewFilter (each is a bound parameter of the query).
inline constexpr std::size_t kMaxReviewFilterStudies = 10000;

/// The agreement tables of review rows (as review::addReviewedStudy() builds them from reviewed studies: the
/// adjudicated label in place of the clinician's, a disagreement counted only while not adjudicated).
review::AgreementGroups agreementGroupsOf(const std::vector<ReviewRow>& rows);

struct InstanceFile {
    QString path;
    std::int64_t size = -1;
    std::int64_t mtime = -1; ///< file clock ticks; only compared for equality
};

enum class OpenOutcome {
    Opened,  ///< an existing database of this schema version
    Created, ///< there was none: a new one was made
    Rebuilt, ///< the file was unusable: it was moved aside (kept, never deleted) and a new one made
};

struct OpenReport {
    OpenOutcome outcome = OpenOutcome::Opened;
    QString movedAsideTo; ///< where the unusable file now is (Rebuilt only)
    QString message;      ///< plain words for the reader; empty when Opened
};

/// What one indexing pass did.
struct IndexStats {
    std::size_t filesExamined = 0;
    std::size_t filesRead = 0;      ///< new or changed (size or mtime): their headers were read
    std::size_t filesUnchanged = 0; ///< known with the same size and mtime: not read
    std::size_t filesRemoved = 0;   ///< known under the folders but gone
    std::size_t instances = 0;      ///< DICOM instances written
    std::size_t problems = 0;       ///< DICOM files that could not be indexed (dicom::StudyIndex::problems)
    bool cancelled = false;
};

class Database {
public:
    /// The workstation's database: QStandardPaths::AppDataLocation + "/worklist.sqlite".
    static QString defaultPath();

    /// Opens (or creates) the database at `path`. A file that is not SQLite, is corrupt, or has another
    /// schema version is renamed to "<path>.unusable-<UTC time>" and a new one is made (openReport() says
    /// so); the caller then indexes its folders again to fill it. Errors: DriverMissing, Unopenable (the
    /// folder cannot be made, the file cannot be moved aside or created).
    static Expected<std::unique_ptr<Database>, Error> open(const QString& path);

    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    Database(Database&&) = delete;
    Database& operator=(Database&&) = delete;

    [[nodiscard]] const QString& path() const;
    [[nodiscard]] const OpenReport& openReport() const;

    /// Writes the instances of an index (one transaction), with the size and mtime each file has now, and the
    /// files it skipped or could not index (so that they are not read again until they change).
    Expected<IndexStats, Error> indexStudies(const dicom::StudyIndex& index);

    /// Brings the database in step with `folders`: walks them (symbolic links are not followed), reads the
    /// headers of new and changed files only (dicom::scanPaths with `options`' progress, cancel and bound),
    /// and forgets files that are gone. Studies left with no file and no reading are removed.
    Expected<IndexStats, Error> indexFolders(const std::vector<std::filesystem::path>& folders,
                                             const dicom::ScanOptions& options);
    Expected<IndexStats, Error> indexFolders(const std::vector<std::filesystem::path>& folders);

    /// Replaces the AI summary of a study (summarizeVerdicts()). InvalidArgument when the study is unknown.
    Expected<void, Error> setAiSummary(const QString& studyUid, const AiSummary& summary);

    /// Records (or replaces, by SOP Instance UID) a reading. InvalidArgument when a UID is not a DICOM UID.
    Expected<void, Error> recordReading(const Reading& reading);
    /// The readings of a study, oldest first.
    Expected<std::vector<Reading>, Error> readingsOf(const QString& studyUid);

    /// Records a request to adjudicate the study's reading `request.readingUid` ("Send to adjudication"; the
    /// adjudication fields are ignored). Asking again for the same reading keeps the first request.
    /// InvalidArgument: a UID that is not a DICOM UID, no time, more than 16 categories.
    Expected<void, Error> requestAdjudication(const AdjudicationRequest& request);
    /// Records the verified adjudication that answers the request for (studyUid, readingUid): the study is then
    /// "adjudicated". InvalidArgument: bad UIDs or no time; NotFound-like InvalidArgument: no such request.
    Expected<void, Error> recordAdjudication(const QString& studyUid, const QString& readingUid,
                                             const QString& adjudicationUid, const QString& adjudicator,
                                             const QDateTime& time, const QString& path);
    /// The study's latest adjudication request (by request time), or nullopt.
    Expected<std::optional<AdjudicationRequest>, Error> adjudicationOf(const QString& studyUid);

    /// Every study, ordered by study UID (the worklist model orders them for display).
    Expected<std::vector<StudyRow>, Error> studies();
    /// The files of a study, by path.
    Expected<std::vector<InstanceFile>, Error> instancesOf(const QString& studyUid);

    /// Records the rows of a reviewed study (one per side-by-side row), replacing those of the same reading
    /// and model (name and version), in one transaction. InvalidArgument when a UID is not a DICOM UID or the
    /// model has no name.
    Expected<void, Error> recordReview(const review::ReviewedStudy& study);
    /// The same for many reviewed studies in one transaction (all or none are stored).
    Expected<void, Error> recordReviews(const std::vector<review::ReviewedStudy>& studies);
    /// The review rows `filter` selects — of each (study, model, version, category) only the row of the
    /// latest reading (by signing time, then UID), so that a study read again (an amendment) counts once —
    /// ordered by study, model, version, category id. InvalidArgument when the filter names more than
    /// kMaxReviewFilterStudies studies.
    Expected<std::vector<ReviewRow>, Error> reviewSet(const ReviewFilter& filter = {});
    /// The agreement tables of the rows reviewSet(filter) returns, counted by SQLite (GROUP BY over the latest
    /// rows) — the same tables as agreementGroupsOf(reviewSet(filter)), without carrying every row out.
    Expected<review::AgreementGroups, Error> agreementGroups(const ReviewFilter& filter = {});

private:
    struct Impl;
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace veridicor::worklist
