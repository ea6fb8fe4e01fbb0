#include "stored_text.h"

#include <veridicor/base/text_bounds.h>
#include <veridicor/dicom/study_index.h>
#include <veridicor/verify/finding.h>
#include <veridicor/worklist/database.h>
#include <veridicor/worklist/severity.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStringList>
#include <QVariant>

#include <array>
#include <atomic>
#include <system_error>

namespace veridicor::worklist {

namespace {

/// A DICOM UID has at most 64 characters; a longer value is not stored as one.
constexpr qsizetype kMaxUidChars = 64;
/// Paths are kept whole (a cut path names another file); longer than any file system allows is refused.
constexpr qsizetype kMaxPathChars = 4096;

const QString kDriver = QStringLiteral("QSQLITE");

std::atomic<unsigned> g_connectionCounter{0};

Error queryError(const QSqlQuery& query, const QString& what) {
    return {ErrorCode::Query,
            QStringLiteral("The worklist database could not %1: %2").arg(what, query.lastError().text())};
}

Error databaseError(const QSqlDatabase& db, const QString& what) {
    return {ErrorCode::Query, QStringLiteral("The worklist database could not %1: %2").arg(what, db.lastError().text())};
}

QString pathKey(const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (ec) {
        absolute = path;
    }
    return QString::fromStdString(absolute.lexically_normal().string());
}

struct FileStamp {
    std::int64_t size = -1;
    std::int64_t mtime = -1;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

FileStamp stampOf(const std::filesystem::path& path) {
    std::error_code ec;
    FileStamp stamp;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) {
        stamp.size = static_cast<std::int64_t>(size);
    }
    const auto time = std::filesystem::last_write_time(path, ec);
    if (!ec) {
        stamp.mtime = static_cast<std::int64_t>(time.time_since_epoch().count());
    }
    return stamp;
}

QString text(const std::string& value, int maxChars = kMaxNameChars) {
    return storedText(value, maxChars);
}

QString uidText(const std::string& uid) {
    return uid.size() <= static_cast<std::size_t>(kMaxUidChars) ? QString::fromStdString(uid) : QString();
}

/// DICOM DA + TM ("20250312", "093015.123") as a date-time: the wall-clock time the modality wrote, kept
/// without a time-zone conversion (UTC stands for "as written").
QDateTime dicomDateTime(const QString& date, const QString& time) {
    const QDate d = QDate::fromString(date.left(8), QStringLiteral("yyyyMMdd"));
    if (!d.isValid()) {
        return {};
    }
    QString digits = time.left(6);
    while (digits.size() < 6) {
        digits += QLatin1Char('0');
    }
    QTime t = QTime::fromString(digits, QStringLiteral("HHmmss"));
    if (!t.isValid()) {
        t = QTime(0, 0);
    }
    return {d, t, Qt::UTC};
}

QString readingTimeText(const QDateTime& time) {
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

bool isUid(const QString& uid) {
    return verify::isValidUid(uid.toStdString());
}

// The schema (version kSchemaVersion). Why each table:
//   files    — every file seen under the indexed folders, DICOM or not, with the size and mtime it had when
//              read: unchanged files are not read again; study_uid is NULL for files that are not instances.
//   studies  — what the worklist shows of a study, from its instances' headers, and the AI summary.
//   readings — every reading recorded (an amendment is a new row that names the one it amends).
constexpr std::array kSchema{
    "CREATE TABLE files (path TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL, "
    "study_uid TEXT, sop_instance_uid TEXT, sop_class_uid TEXT, modality TEXT)",
    "CREATE INDEX files_by_study ON files(study_uid)",
    "CREATE TABLE studies (study_uid TEXT PRIMARY KEY NOT NULL, patient_name TEXT NOT NULL, "
    "patient_id TEXT NOT NULL, modality TEXT NOT NULL, description TEXT NOT NULL, study_date TEXT NOT NULL, "
    "study_time TEXT NOT NULL, ai_trusted INTEGER NOT NULL DEFAULT 0, ai_quarantined INTEGER NOT NULL DEFAULT 0, "
    "ai_rank INTEGER NOT NULL DEFAULT 0, ai_scheme TEXT, ai_value TEXT, ai_meaning TEXT, ai_label TEXT)",
    "CREATE TABLE readings (sop_instance_uid TEXT PRIMARY KEY NOT NULL, study_uid TEXT NOT NULL, "
    "status TEXT NOT NULL CHECK (status IN ('unread', 'preliminary', 'signed', 'amended')), "
    "reader TEXT NOT NULL, time TEXT NOT NULL, path TEXT NOT NULL, amends_uid TEXT)",
    "CREATE INDEX readings_by_study ON readings(study_uid, time)",
    "PRAGMA user_version = 2",
};
static_assert(kSchemaVersion == 2, "kSchema's user_version must be kSchemaVersion");

// The review rows (schema version 2, issue 12): one row per category of a reviewed study — the AI's and the
// clinician's call and the adjudicated label — so that agreement statistics over the worklist read no file.
// Keyed by (reading, model, version, category); indexed by signing time (the date-range filter) and study.
constexpr std::array kReviewSchema{
    "CREATE TABLE reviews (reading_uid TEXT NOT NULL, study_uid TEXT NOT NULL, model_name TEXT NOT NULL, "
    "model_version TEXT NOT NULL, category TEXT NOT NULL, reader TEXT NOT NULL, reading_time INTEGER NOT NULL, "
    "ai_positive INTEGER NOT NULL CHECK (ai_positive IN (0, 1)), "
    "clinician_positive INTEGER NOT NULL CHECK (clinician_positive IN (0, 1)), "
    "adjudicated INTEGER CHECK (adjudicated IS NULL OR adjudicated IN (0, 1)), "
    "disagree INTEGER NOT NULL DEFAULT 0 CHECK (disagree IN (0, 1)), "
    "PRIMARY KEY (reading_uid, model_name, model_version, category))",
    "CREATE INDEX reviews_by_time ON reviews(reading_time)",
    // In the order reviewSet() and agreementGroups() read — the latest reading of each (study, model, version,
    // category) first — and covering every column they read, so that the window function is one scan of the
    // index: no sort of the table and no lookup of its rows.
    "CREATE INDEX reviews_by_study ON reviews(study_uid, model_name, model_version, category, reading_time DESC, "
    "reading_uid DESC, reader, ai_positive, clinician_positive, adjudicated, disagree)",
};

/// Creates the review table (inside createSchema()'s transaction).
bool createReviewTables(QSqlQuery& q) {
    for (const char* statement : kReviewSchema) {
        if (!q.exec(QString::fromLatin1(statement))) {
            return false;
        }
    }
    return true;
}

enum class ContentState { Ours, Empty, Unusable };

} // namespace

QString readingStatusName(ReadingStatus status) {
    switch (status) {
    case ReadingStatus::Unread:
        return QStringLiteral("unread");
    case ReadingStatus::Preliminary:
        return QStringLiteral("preliminary");
    case ReadingStatus::Signed:
        return QStringLiteral("signed");
    case ReadingStatus::Amended:
        return QStringLiteral("amended");
    }
    return QStringLiteral("unread");
}

std::optional<ReadingStatus> parseReadingStatus(const QString& name) {
    for (const ReadingStatus s :
         {ReadingStatus::Unread, ReadingStatus::Preliminary, ReadingStatus::Signed, ReadingStatus::Amended}) {
        if (name == readingStatusName(s)) {
            return s;
        }
    }
    return std::nullopt;
}

struct Database::Impl {
    QString path;
    QString connection;
    QSqlDatabase db;
    OpenReport report;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(Impl&&) = delete;
    ~Impl() {
        if (db.isValid()) {
            db.close();
        }
        db = QSqlDatabase(); // the last handle must be gone before the connection is removed
        if (!connection.isEmpty()) {
            QSqlDatabase::removeDatabase(connection);
        }
    }

    Expected<void, Error> connect() {
        connection = QStringLiteral("veridicor-worklist-%1").arg(++g_connectionCounter);
        db = QSqlDatabase::addDatabase(kDriver, connection);
        db.setDatabaseName(path);
        if (!db.open()) {
            return Unexpected(Error{ErrorCode::Unopenable, QStringLiteral("The worklist database %1 cannot be opened: %2")
                                                                .arg(QDir::toNativeSeparators(path), db.lastError().text())});
        }
        return {};
    }

    /// Whether the open file is a sound database of our schema, an empty one, or unusable (and why).
    ContentState inspect(QString* why) const {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA quick_check")) || !q.next()) {
            *why = QStringLiteral("it cannot be read as an SQLite database (%1)").arg(q.lastError().text());
            return ContentState::Unusable;
        }
        if (q.value(0).toString() != QStringLiteral("ok")) {
            *why = QStringLiteral("it is damaged (SQLite reports: %1)").arg(storedText(q.value(0).toString(), kMaxNameChars));
            return ContentState::Unusable;
        }
        if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
            *why = QStringLiteral("its schema version cannot be read (%1)").arg(q.lastError().text());
            return ContentState::Unusable;
        }
        const int version = q.value(0).toInt();
        if (version == kSchemaVersion) {
            return ContentState::Ours;
        }
        if (version == 0) {
            if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM sqlite_schema")) || !q.next()) {
                *why = QStringLiteral("its tables cannot be listed (%1)").arg(q.lastError().text());
                return ContentState::Unusable;
            }
            if (q.value(0).toInt() == 0) {
                return ContentState::Empty;
            }
            *why = QStringLiteral("it holds tables that are not a worklist database");
            return ContentState::Unusable;
        }
        *why = QStringLiteral("it has schema version %1, and this version of Veridicor uses version %2")
                   .arg(version)
                   .arg(kSchemaVersion);
        return ContentState::Unusable;
    }

    Expected<void, Error> createSchema() {
        if (!db.transaction()) {
            return Unexpected(databaseError(db, QStringLiteral("start a transaction")));
        }
        QSqlQuery q(db);
        for (const char* statement : kSchema) {
            if (!q.exec(QString::fromLatin1(statement))) {
                Error e = queryError(q, QStringLiteral("create its tables"));
                db.rollback();
                return Unexpected(std::move(e));
            }
        }
        if (!createReviewTables(q)) {
            Error e = queryError(q, QStringLiteral("create its review table"));
            db.rollback();
            return Unexpected(std::move(e));
        }
        if (!db.commit()) {
            return Unexpected(databaseError(db, QStringLiteral("create its tables")));
        }
        return {};
    }

    Expected<void, Error> createAdjudicationTable();
    Expected<void, Error> fillAdjudicationStates(std::vector<StudyRow>& rows);
    Expected<void, Error> writeIndex(const dicom::StudyIndex& index, QSet<QString>& touched, IndexStats& stats);
    Expected<void, Error> refreshStudies(const QSet<QString>& touched);
};

namespace {

/// Renames `path` (and its rollback journal, if any) to "<path>.unusable-<UTC time>[-n]"; returns the new name.
Expected<QString, Error> moveAside(const QString& path) {
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    QString target = QStringLiteral("%1.unusable-%2").arg(path, stamp);
    for (int n = 2; QFileInfo::exists(target); ++n) {
        target = QStringLiteral("%1.unusable-%2-%3").arg(path, stamp).arg(n);
    }
    if (!QFile::rename(path, target)) {
        return Unexpected(Error{ErrorCode::Unopenable,
                                QStringLiteral("The worklist database %1 is unusable and could not be moved aside to %2.")
                                    .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(target))});
    }
    const QString journal = path + QStringLiteral("-journal");
    if (QFileInfo::exists(journal)) {
        QFile::rename(journal, target + QStringLiteral("-journal"));
    }
    return target;
}

bool hasSqliteHeader(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return false;
    }
    // "SQLite format 3" and a NUL: the first 16 bytes of every SQLite 3 database file.
    const QByteArray head = f.read(16);
    return head.size() == 16 && head.startsWith("SQLite format 3") && head.at(15) == '\0';
}

} // namespace

QString Database::defaultPath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/worklist.sqlite");
}

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::~Database() = default;

const QString& Database::path() const {
    return m_impl->path;
}

const OpenReport& Database::openReport() const {
    return m_impl->report;
}

Expected<std::unique_ptr<Database>, Error> Database::open(const QString& path) {
    if (!QSqlDatabase::isDriverAvailable(kDriver)) {
        return Unexpected(Error{ErrorCode::DriverMissing,
                                QStringLiteral("Qt's SQLite driver is not installed (Debian: libqt6sql6-sqlite), so the "
                                               "worklist cannot keep its database.")});
    }
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        return Unexpected(Error{ErrorCode::Unopenable, QStringLiteral("The folder of the worklist database, %1, cannot be made.")
                                                            .arg(QDir::toNativeSeparators(info.absolutePath()))});
    }
    if (info.exists() && !info.isFile()) {
        return Unexpected(Error{ErrorCode::Unopenable, QStringLiteral("The worklist database %1 is not a file.")
                                                            .arg(QDir::toNativeSeparators(path))});
    }
    auto impl = std::make_unique<Impl>();
    impl->path = info.absoluteFilePath();
    const bool existed = info.exists() && info.size() > 0;
    QString why;
    ContentState state = ContentState::Empty;
    if (existed) {
        if (!hasSqliteHeader(impl->path)) {
            why = QStringLiteral("it is not an SQLite database");
            state = ContentState::Unusable;
        } else {
            if (auto c = impl->connect(); !c) {
                return Unexpected(c.error());
            }
            state = impl->inspect(&why);
        }
    }
    OpenReport report;
    if (state == ContentState::Unusable) {
        const QString original = impl->path;
        impl.reset(); // closes the connection before the file is renamed
        auto moved = moveAside(original);
        if (!moved) {
            return Unexpected(moved.error());
        }
        report.outcome = OpenOutcome::Rebuilt;
        report.movedAsideTo = *moved;
        report.message = QStringLiteral("The worklist database %1 could not be used because %2. It was moved aside to %3 "
                                        "(nothing was deleted) and a new one was made; it fills again as the study "
                                        "folders are indexed.")
                             .arg(QDir::toNativeSeparators(original), why, QDir::toNativeSeparators(*moved));
        impl = std::make_unique<Impl>();
        impl->path = original;
    } else if (state == ContentState::Empty) {
        report.outcome = OpenOutcome::Created;
        report.message = QStringLiteral("A new worklist database was made at %1; it fills as the study folders are indexed.")
                             .arg(QDir::toNativeSeparators(impl->path));
    }
    if (!impl->db.isOpen()) {
        if (auto c = impl->connect(); !c) {
            return Unexpected(c.error());
        }
    }
    if (state != ContentState::Ours) {
        if (auto s = impl->createSchema(); !s) {
            return Unexpected(Error{ErrorCode::Unopenable, s.error().message});
        }
    }
    if (auto a = impl->createAdjudicationTable(); !a) {
        return Unexpected(Error{ErrorCode::Unopenable, a.error().message});
    }
    impl->report = report;
    return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Expected<void, Error> Database::Impl::writeIndex(const dicom::StudyIndex& index, QSet<QString>& touched,
                                                 IndexStats& stats) {
    QSqlQuery file(db);
    file.prepare(QStringLiteral("INSERT OR REPLACE INTO files (path, size, mtime, study_uid, sop_instance_uid, "
                                "sop_class_uid, modality) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    QSqlQuery study(db);
    study.prepare(QStringLiteral(
        "INSERT INTO studies (study_uid, patient_name, patient_id, modality, description, study_date, study_time) "
        "VALUES (?, ?, ?, '', ?, ?, ?) ON CONFLICT (study_uid) DO UPDATE SET patient_name = excluded.patient_name, "
        "patient_id = excluded.patient_id, description = excluded.description, study_date = excluded.study_date, "
        "study_time = excluded.study_time"));
    const auto writeFile = [&](const std::filesystem::path& path, const QVariant& studyUid,
                               const dicom::InstanceHeader* header) -> bool {
        const QString key = pathKey(path);
        if (key.size() > kMaxPathChars) {
            return true; // not a path any file system gives: nothing to cache
        }
        const FileStamp stamp = stampOf(path);
        file.addBindValue(key);
        file.addBindValue(QVariant::fromValue<qint64>(stamp.size));
        file.addBindValue(QVariant::fromValue<qint64>(stamp.mtime));
        file.addBindValue(studyUid);
        file.addBindValue(header != nullptr ? QVariant(uidText(header->sopInstanceUID)) : QVariant());
        file.addBindValue(header != nullptr ? QVariant(uidText(header->sopClassUID)) : QVariant());
        file.addBindValue(header != nullptr ? QVariant(text(header->modality)) : QVariant());
        return file.exec();
    };
    for (const dicom::PatientNode& patient : index.patients) {
        for (const dicom::StudyNode& s : patient.studies) {
            const QString uid = uidText(s.studyInstanceUID);
            if (uid.isEmpty()) {
                ++stats.problems; // no usable Study Instance UID: not a row of the worklist
                continue;
            }
            study.addBindValue(uid);
            study.addBindValue(text(patient.name));
            study.addBindValue(text(patient.patientID));
            study.addBindValue(text(s.description));
            study.addBindValue(text(s.date, 16));
            study.addBindValue(text(s.time, 32));
            if (!study.exec()) {
                return Unexpected(queryError(study, QStringLiteral("store a study")));
            }
            touched.insert(uid);
            for (const dicom::SeriesNode& series : s.series) {
                for (const dicom::InstanceHeader& instance : series.instances) {
                    if (!writeFile(instance.path, uid, &instance)) {
                        return Unexpected(queryError(file, QStringLiteral("store a file")));
                    }
                    ++stats.instances;
                }
            }
        }
    }
    for (const auto* list : {&index.problems, &index.skipped}) {
        for (const dicom::ScanProblem& p : *list) {
            if (!writeFile(p.path, QVariant(), nullptr)) {
                return Unexpected(queryError(file, QStringLiteral("store a file")));
            }
        }
    }
    stats.problems += index.problems.size();
    stats.cancelled = stats.cancelled || index.cancelled;
    return {};
}

Expected<void, Error> Database::Impl::refreshStudies(const QSet<QString>& touched) {
    QSqlQuery modalities(db);
    modalities.prepare(QStringLiteral(
        "SELECT DISTINCT modality FROM files WHERE study_uid = ? AND modality IS NOT NULL ORDER BY modality"));
    QSqlQuery update(db);
    update.prepare(QStringLiteral("UPDATE studies SET modality = ? WHERE study_uid = ?"));
    QSqlQuery orphan(db);
    orphan.prepare(QStringLiteral(
        "DELETE FROM studies WHERE study_uid = ? AND NOT EXISTS (SELECT 1 FROM files WHERE study_uid = ?) "
        "AND NOT EXISTS (SELECT 1 FROM readings WHERE study_uid = ?)"));
    for (const QString& uid : touched) {
        modalities.addBindValue(uid);
        if (!modalities.exec()) {
            return Unexpected(queryError(modalities, QStringLiteral("list a study's modalities")));
        }
        QStringList list;
        while (modalities.next()) {
            if (!modalities.value(0).toString().isEmpty()) {
                list << modalities.value(0).toString();
            }
        }
        update.addBindValue(storedText(list.join(QLatin1Char('/')), kMaxNameChars));
        update.addBindValue(uid);
        if (!update.exec()) {
            return Unexpected(queryError(update, QStringLiteral("store a study's modalities")));
        }
        orphan.addBindValue(uid);
        orphan.addBindValue(uid);
        orphan.addBindValue(uid);
        if (!orphan.exec()) {
            return Unexpected(queryError(orphan, QStringLiteral("remove a study without files")));
        }
    }
    return {};
}

Expected<IndexStats, Error> Database::indexStudies(const dicom::StudyIndex& index) {
    QSqlDatabase& db = m_impl->db;
    if (!db.transaction()) {
        return Unexpected(databaseError(db, QStringLiteral("start a transaction")));
    }
    IndexStats stats;
    stats.filesExamined = index.filesExamined;
    stats.filesRead = index.filesExamined;
    QSet<QString> touched;
    auto written = m_impl->writeIndex(index, touched, stats);
    if (written) {
        written = m_impl->refreshStudies(touched);
    }
    if (!written) {
        db.rollback();
        return Unexpected(written.error());
    }
    if (!db.commit()) {
        return Unexpected(databaseError(db, QStringLiteral("save the index")));
    }
    return stats;
}

Expected<IndexStats, Error> Database::indexFolders(const std::vector<std::filesystem::path>& folders) {
    return indexFolders(folders, dicom::ScanOptions{});
}

Expected<IndexStats, Error> Database::indexFolders(const std::vector<std::filesystem::path>& folders,
                                                   const dicom::ScanOptions& options) {
    QSqlDatabase& db = m_impl->db;
    struct Known {
        FileStamp stamp;
        QString studyUid;
    };
    QHash<QString, Known> known;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT path, size, mtime, study_uid FROM files"))) {
            return Unexpected(queryError(q, QStringLiteral("list its files")));
        }
        while (q.next()) {
            known.insert(q.value(0).toString(),
                         Known{FileStamp{q.value(1).toLongLong(), q.value(2).toLongLong()}, q.value(3).toString()});
        }
    }
    IndexStats stats;
    QSet<QString> seen;
    QStringList walkedRoots;
    std::vector<std::filesystem::path> changed;
    QSet<QString> touched;
    const auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(); };
    const QString ownPath = pathKey(std::filesystem::path(m_impl->path.toStdString()));
    const auto visit = [&](const std::filesystem::path& path) {
        const QString key = pathKey(path);
        if (key.startsWith(ownPath)) {
            return; // the database itself (and its journal, the files moved aside) when it lies in a study folder
        }
        ++stats.filesExamined;
        seen.insert(key);
        const auto it = known.constFind(key);
        if (it != known.constEnd() && it->stamp == stampOf(path) && it->stamp.size >= 0) {
            ++stats.filesUnchanged;
            return;
        }
        if (it != known.constEnd() && !it->studyUid.isEmpty()) {
            touched.insert(it->studyUid); // its study may lose this file
        }
        changed.push_back(path);
    };
    for (const std::filesystem::path& folder : folders) {
        std::error_code ec;
        const auto status = std::filesystem::symlink_status(folder, ec);
        if (ec || !std::filesystem::exists(status)) {
            continue; // an absent folder (an unplugged disk) forgets nothing
        }
        walkedRoots << pathKey(folder);
        if (std::filesystem::is_regular_file(status)) {
            visit(folder);
            continue;
        }
        if (!std::filesystem::is_directory(status)) {
            continue;
        }
        std::filesystem::recursive_directory_iterator it(
            folder, std::filesystem::directory_options::skip_permission_denied, ec);
        for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (stats.filesExamined >= options.maxFiles || cancelled()) {
                stats.cancelled = cancelled();
                break;
            }
            const std::filesystem::directory_entry& entry = *it;
            std::error_code entryEc;
            if (entry.is_symlink(entryEc) || !entry.is_regular_file(entryEc)) {
                continue; // symbolic links are never followed (a loop, or a file outside the folder)
            }
            visit(entry.path());
        }
    }
    std::vector<QString> removed;
    if (!stats.cancelled && stats.filesExamined < options.maxFiles) {
        for (auto it = known.constBegin(); it != known.constEnd(); ++it) {
            if (seen.contains(it.key())) {
                continue;
            }
            for (const QString& root : walkedRoots) {
                if (it.key() == root || it.key().startsWith(root + QLatin1Char('/'))) {
                    removed.push_back(it.key());
                    if (!it->studyUid.isEmpty()) {
                        touched.insert(it->studyUid);
                    }
                    break;
                }
            }
        }
    }
    const dicom::StudyIndex index = changed.empty() ? dicom::StudyIndex{} : dicom::scanPaths(changed, options);
    if (!db.transaction()) {
        return Unexpected(databaseError(db, QStringLiteral("start a transaction")));
    }
    auto fail = [&](Error e) -> Expected<IndexStats, Error> {
        db.rollback();
        return Unexpected(std::move(e));
    };
    {
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM files WHERE path = ?"));
        for (const QString& path : removed) {
            del.addBindValue(path);
            if (!del.exec()) {
                return fail(queryError(del, QStringLiteral("forget a removed file")));
            }
        }
        // A changed file that is no longer DICOM (or no longer readable) must not keep its old study.
        for (const std::filesystem::path& path : changed) {
            del.addBindValue(pathKey(path));
            if (!del.exec()) {
                return fail(queryError(del, QStringLiteral("forget a changed file")));
            }
        }
    }
    stats.filesRemoved = removed.size();
    stats.filesRead = index.filesExamined;
    if (auto w = m_impl->writeIndex(index, touched, stats); !w) {
        return fail(w.error());
    }
    if (auto r = m_impl->refreshStudies(touched); !r) {
        return fail(r.error());
    }
    if (!db.commit()) {
        return Unexpected(databaseError(db, QStringLiteral("save the index")));
    }
    return stats;
}

Expected<void, Error> Database::setAiSummary(const QString& studyUid, const AiSummary& summary) {
    QSqlQuery q(m_impl->db);
    q.prepare(QStringLiteral("UPDATE studies SET ai_trusted = ?, ai_quarantined = ?, ai_rank = ?, ai_scheme = ?, "
                             "ai_value = ?, ai_meaning = ?, ai_label = ? WHERE study_uid = ?"));
    const auto& c = summary.mostCritical;
    q.addBindValue(summary.trusted);
    q.addBindValue(summary.quarantined);
    q.addBindValue(c ? c->rank : kNoFindingRank);
    q.addBindValue(c ? QVariant(storedText(c->scheme, kMaxNameChars)) : QVariant());
    q.addBindValue(c ? QVariant(storedText(c->value, kMaxNameChars)) : QVariant());
    q.addBindValue(c ? QVariant(storedText(c->meaning, kMaxNameChars)) : QVariant());
    q.addBindValue(c ? QVariant(storedText(c->label, kMaxNameChars)) : QVariant());
    q.addBindValue(studyUid);
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("store an AI summary")));
    }
    if (q.numRowsAffected() == 0) {
        return Unexpected(Error{ErrorCode::InvalidArgument,
                                QStringLiteral("The worklist has no study %1.").arg(storedText(studyUid, kMaxNameChars))});
    }
    return {};
}

Expected<void, Error> Database::recordReading(const Reading& reading) {
    if (!isUid(reading.sopInstanceUid) || !isUid(reading.studyUid) ||
        (!reading.amendsUid.isEmpty() && !isUid(reading.amendsUid))) {
        return Unexpected(Error{ErrorCode::InvalidArgument, QStringLiteral("A reading's UIDs must be DICOM UIDs.")});
    }
    if (!reading.time.isValid()) {
        return Unexpected(Error{ErrorCode::InvalidArgument, QStringLiteral("A reading needs the time it was made.")});
    }
    if (reading.path.size() > kMaxPathChars) {
        return Unexpected(Error{ErrorCode::InvalidArgument, QStringLiteral("A reading's file path is too long.")});
    }
    QSqlQuery q(m_impl->db);
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO readings (sop_instance_uid, study_uid, status, reader, time, "
                             "path, amends_uid) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(reading.sopInstanceUid);
    q.addBindValue(reading.studyUid);
    q.addBindValue(readingStatusName(reading.status));
    q.addBindValue(storedText(reading.reader, kMaxNameChars));
    q.addBindValue(readingTimeText(reading.time));
    q.addBindValue(reading.path);
    q.addBindValue(reading.amendsUid.isEmpty() ? QVariant() : QVariant(reading.amendsUid));
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("store a reading")));
    }
    return {};
}

Expected<std::vector<Reading>, Error> Database::readingsOf(const QString& studyUid) {
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT sop_instance_uid, study_uid, status, reader, time, path, amends_uid FROM readings "
                             "WHERE study_uid = ? ORDER BY time, rowid"));
    q.addBindValue(studyUid);
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("list a study's readings")));
    }
    std::vector<Reading> out;
    while (q.next()) {
        Reading r;
        r.sopInstanceUid = q.value(0).toString();
        r.studyUid = q.value(1).toString();
        r.status = parseReadingStatus(q.value(2).toString()).value_or(ReadingStatus::Unread);
        r.reader = q.value(3).toString();
        r.time = QDateTime::fromString(q.value(4).toString(), Qt::ISODateWithMs);
        r.path = q.value(5).toString();
        r.amendsUid = q.value(6).toString();
        out.push_back(std::move(r));
    }
    return out;
}

Expected<std::vector<StudyRow>, Error> Database::studies() {
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    // The latest reading decides the status; (study_uid, time) is indexed, so each lookup is one seek.
    if (!q.exec(QStringLiteral(
            "SELECT s.study_uid, s.patient_name, s.patient_id, s.modality, s.description, s.study_date, s.study_time, "
            "s.ai_trusted, s.ai_quarantined, s.ai_rank, s.ai_scheme, s.ai_value, s.ai_meaning, s.ai_label, "
            "(SELECT COUNT(*) FROM files f WHERE f.study_uid = s.study_uid), r.status, r.reader "
            "FROM studies s LEFT JOIN readings r ON r.rowid = (SELECT rowid FROM readings WHERE study_uid = s.study_uid "
            "ORDER BY time DESC, rowid DESC LIMIT 1) ORDER BY s.study_uid"))) {
        return Unexpected(queryError(q, QStringLiteral("list its studies")));
    }
    std::vector<StudyRow> rows;
    while (q.next()) {
        StudyRow row;
        row.studyUid = q.value(0).toString();
        row.patientName = q.value(1).toString();
        row.patientId = q.value(2).toString();
        row.modality = q.value(3).toString();
        row.description = q.value(4).toString();
        row.acquired = dicomDateTime(q.value(5).toString(), q.value(6).toString());
        row.ai.trusted = q.value(7).toInt();
        row.ai.quarantined = q.value(8).toInt();
        if (q.value(9).toInt() > kNoFindingRank) {
            row.ai.mostCritical = CriticalFinding{q.value(10).toString(), q.value(11).toString(), q.value(12).toString(),
                                                  q.value(9).toInt(), q.value(13).toString()};
        }
        row.instances = q.value(14).toInt();
        row.status = q.value(15).isNull() ? ReadingStatus::Unread
                                          : parseReadingStatus(q.value(15).toString()).value_or(ReadingStatus::Unread);
        row.reader = q.value(16).toString();
        rows.push_back(std::move(row));
    }
    if (auto a = m_impl->fillAdjudicationStates(rows); !a) {
        return Unexpected(a.error());
    }
    return rows;
}

Expected<std::vector<InstanceFile>, Error> Database::instancesOf(const QString& studyUid) {
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT path, size, mtime FROM files WHERE study_uid = ? ORDER BY path"));
    q.addBindValue(studyUid);
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("list a study's files")));
    }
    std::vector<InstanceFile> out;
    while (q.next()) {
        out.push_back({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong()});
    }
    return out;
}

namespace {

std::optional<review::Category> categoryFromId(const QString& id) {
    for (const review::Category c : review::allCategories()) {
        if (id == QLatin1String(review::categoryId(c).data(), static_cast<qsizetype>(review::categoryId(c).size()))) {
            return c;
        }
    }
    return std::nullopt;
}

QString categoryText(review::Category c) {
    const std::string_view id = review::categoryId(c);
    return QString::fromLatin1(id.data(), static_cast<qsizetype>(id.size()));
}

} // namespace

review::AgreementGroups agreementGroupsOf(const std::vector<ReviewRow>& rows) {
    review::AgreementGroups groups;
    for (const ReviewRow& r : rows) {
        const review::GroupKey key{r.modelName.toStdString(), r.modelVersion.toStdString(), r.category,
                                   r.reader.toStdString()};
        groups.add(key, r.aiPositive, r.adjudicated.value_or(r.clinicianPositive));
        if (!r.adjudicated && r.disagree) {
            groups.countDisagreement(key);
        }
    }
    return groups;
}

Expected<void, Error> Database::recordReview(const review::ReviewedStudy& study) {
    return recordReviews({study});
}

Expected<void, Error> Database::recordReviews(const std::vector<review::ReviewedStudy>& studies) {
    for (const review::ReviewedStudy& study : studies) {
        if (!isUid(QString::fromStdString(study.readingUid)) || !isUid(QString::fromStdString(study.studyUid))) {
            return Unexpected(Error{ErrorCode::InvalidArgument, QStringLiteral("A review's UIDs must be DICOM UIDs.")});
        }
        if (study.modelName.empty()) {
            return Unexpected(Error{ErrorCode::InvalidArgument, QStringLiteral("A review needs the model's name.")});
        }
    }
    QSqlDatabase& db = m_impl->db;
    if (!db.transaction()) {
        return Unexpected(databaseError(db, QStringLiteral("start a transaction")));
    }
    QSqlQuery del(db);
    QSqlQuery ins(db);
    bool ok = del.prepare(QStringLiteral("DELETE FROM reviews WHERE reading_uid = ? AND model_name = ? AND "
                                         "model_version = ?")) &&
              ins.prepare(QStringLiteral("INSERT OR REPLACE INTO reviews (reading_uid, study_uid, model_name, "
                                         "model_version, category, reader, reading_time, ai_positive, "
                                         "clinician_positive, adjudicated, disagree) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                                         "?, ?, ?)"));
    QSqlQuery* failed = ok ? nullptr : &ins;
    for (std::size_t i = 0; ok && i < studies.size(); ++i) {
        const review::ReviewedStudy& study = studies[i];
        const QString readingUid = QString::fromStdString(study.readingUid);
        const QString model = text(study.modelName);
        const QString version = text(study.modelVersion);
        del.addBindValue(readingUid);
        del.addBindValue(model);
        del.addBindValue(version);
        if (!del.exec()) {
            ok = false;
            failed = &del;
            break;
        }
        for (const review::Row& row : study.sideBySide.rows) {
            const review::AdjudicatedLabel* label = study.adjudicatedLabel(row.category);
            ins.addBindValue(readingUid);
            ins.addBindValue(QString::fromStdString(study.studyUid));
            ins.addBindValue(model);
            ins.addBindValue(version);
            ins.addBindValue(categoryText(row.category));
            ins.addBindValue(text(study.reader));
            ins.addBindValue(static_cast<qlonglong>(study.readingTime));
            ins.addBindValue(row.aiPositive ? 1 : 0);
            ins.addBindValue(row.clinicianPositive ? 1 : 0);
            ins.addBindValue(label != nullptr ? QVariant(label->positive ? 1 : 0) : QVariant());
            ins.addBindValue(row.state == review::RowState::Disagree ? 1 : 0);
            if (!ins.exec()) {
                ok = false;
                failed = &ins;
                break;
            }
        }
    }
    if (!ok) {
        Error e = queryError(*failed, QStringLiteral("store a review"));
        db.rollback();
        return Unexpected(std::move(e));
    }
    if (!db.commit()) {
        return Unexpected(databaseError(db, QStringLiteral("store a review")));
    }
    return {};
}

namespace {

/// The rows of the latest reading of each (study, model, version, category) that `filter` selects, as a
/// subquery (its parameters bound by bindReviewFilter, in order).
QString latestReviewsSql(const ReviewFilter& filter) {
    QStringList where;
    if (filter.from) {
        where << QStringLiteral("reading_time >= ?");
    }
    if (filter.to) {
        where << QStringLiteral("reading_time <= ?");
    }
    if (!filter.studyUids.empty()) {
        QStringList marks;
        for (std::size_t i = 0; i < filter.studyUids.size(); ++i) {
            marks << QStringLiteral("?");
        }
        where << QStringLiteral("study_uid IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    // Of each (study, model, version, category), the row of the latest reading: an amended study counts once.
    return QStringLiteral("SELECT * FROM (SELECT reading_uid, study_uid, model_name, model_version, category, reader, "
                          "reading_time, ai_positive, clinician_positive, adjudicated, disagree, ROW_NUMBER() OVER "
                          "(PARTITION BY study_uid, model_name, model_version, category ORDER BY reading_time DESC, "
                          "reading_uid DESC) AS latest FROM reviews%1) WHERE latest = 1")
        .arg(where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")));
}

void bindReviewFilter(QSqlQuery& q, const ReviewFilter& filter) {
    if (filter.from) {
        q.addBindValue(static_cast<qlonglong>(*filter.from));
    }
    if (filter.to) {
        q.addBindValue(static_cast<qlonglong>(*filter.to));
    }
    for (const QString& uid : filter.studyUids) {
        q.addBindValue(uid);
    }
}

Error tooManyStudies() {
    return Error{ErrorCode::InvalidArgument,
                 QStringLiteral("A review filter may name at most %1 studies.").arg(kMaxReviewFilterStudies)};
}

} // namespace

Expected<review::AgreementGroups, Error> Database::agreementGroups(const ReviewFilter& filter) {
    if (filter.studyUids.size() > kMaxReviewFilterStudies) {
        return Unexpected(tooManyStudies());
    }
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    // The reference side is the adjudicated label where there is one; a disagreement counts only while not
    // adjudicated (review::addReviewedStudy's rules).
    const QString sql =
        QStringLiteral("SELECT model_name, model_version, category, reader, ai_positive, "
                       "COALESCE(adjudicated, clinician_positive) AS reference, COUNT(*), "
                       "SUM(CASE WHEN adjudicated IS NULL AND disagree = 1 THEN 1 ELSE 0 END) FROM (%1) "
                       "GROUP BY model_name, model_version, category, reader, ai_positive, reference")
            .arg(latestReviewsSql(filter));
    if (!q.prepare(sql)) {
        return Unexpected(queryError(q, QStringLiteral("count review rows")));
    }
    bindReviewFilter(q, filter);
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("count review rows")));
    }
    review::AgreementGroups groups;
    while (q.next()) {
        const auto category = categoryFromId(q.value(2).toString());
        if (!category) {
            continue; // as in reviewSet(): a category this build does not know is not counted
        }
        const review::GroupKey key{q.value(0).toString().toStdString(), q.value(1).toString().toStdString(), *category,
                                   q.value(3).toString().toStdString()};
        const bool ai = q.value(4).toInt() != 0;
        const bool reference = q.value(5).toInt() != 0;
        const qlonglong n = q.value(6).toLongLong();
        const qlonglong disagreements = q.value(7).toLongLong();
        for (qlonglong i = 0; i < n; ++i) {
            groups.add(key, ai, reference);
        }
        for (qlonglong i = 0; i < disagreements; ++i) {
            groups.countDisagreement(key);
        }
    }
    return groups;
}

Expected<std::vector<ReviewRow>, Error> Database::reviewSet(const ReviewFilter& filter) {
    if (filter.studyUids.size() > kMaxReviewFilterStudies) {
        return Unexpected(tooManyStudies());
    }
    const QString sql = QStringLiteral("SELECT reading_uid, study_uid, model_name, model_version, category, reader, "
                                       "reading_time, ai_positive, clinician_positive, adjudicated, disagree FROM "
                                       "(%1) ORDER BY study_uid, model_name, model_version, category")
                            .arg(latestReviewsSql(filter));
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        return Unexpected(queryError(q, QStringLiteral("select review rows")));
    }
    bindReviewFilter(q, filter);
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("select review rows")));
    }
    std::vector<ReviewRow> out;
    while (q.next()) {
        const auto category = categoryFromId(q.value(4).toString());
        if (!category) {
            continue; // a category id this build does not know (a newer build's row): not counted
        }
        ReviewRow r;
        r.readingUid = q.value(0).toString();
        r.studyUid = q.value(1).toString();
        r.modelName = q.value(2).toString();
        r.modelVersion = q.value(3).toString();
        r.category = *category;
        r.reader = q.value(5).toString();
        r.readingTime = q.value(6).toLongLong();
        r.aiPositive = q.value(7).toInt() != 0;
        r.clinicianPositive = q.value(8).toInt() != 0;
        if (!q.value(9).isNull()) {
            r.adjudicated = q.value(9).toInt() != 0;
        }
        r.disagree = q.value(10).toInt() != 0;
        out.push_back(std::move(r));
    }
    return out;
}

// ---- Adjudication requests ("Send to adjudication", the "to adjudicate" filter, status "adjudicated").
//
// adjudications — one row per request to adjudicate a study's reading, and the verified adjudication that
// answered it (NULL while open). Made, when missing, on every open (CREATE TABLE IF NOT EXISTS): a database of
// schema version 1 made before it gains the table and keeps its data, so the table needs no version of its own.

Expected<void, Error> Database::Impl::createAdjudicationTable() {
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS adjudications (study_uid TEXT NOT NULL, reading_uid TEXT NOT NULL, "
            "requested_by TEXT NOT NULL, requested_at TEXT NOT NULL, categories TEXT NOT NULL, "
            "adjudication_uid TEXT, adjudicator TEXT, adjudicated_at TEXT, adjudication_path TEXT, "
            "PRIMARY KEY (study_uid, reading_uid))"))) {
        return Unexpected(queryError(q, QStringLiteral("create its adjudication table")));
    }
    return {};
}

namespace {
constexpr int kMaxAdjudicationCategories = 16;
} // namespace

/// The adjudication state of each row's study: of its latest request.
Expected<void, Error> Database::Impl::fillAdjudicationStates(std::vector<StudyRow>& rows) {
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT a.study_uid, a.adjudication_uid FROM adjudications a WHERE a.rowid = "
                               "(SELECT rowid FROM adjudications b WHERE b.study_uid = a.study_uid "
                               "ORDER BY requested_at DESC, rowid DESC LIMIT 1)"))) {
        return Unexpected(queryError(q, QStringLiteral("list its adjudications")));
    }
    QHash<QString, AdjudicationState> states;
    while (q.next()) {
        states.insert(q.value(0).toString(),
                      q.value(1).isNull() ? AdjudicationState::Requested : AdjudicationState::Adjudicated);
    }
    for (auto& row : rows) {
        row.adjudication = states.value(row.studyUid, AdjudicationState::None);
    }
    return {};
}

Expected<void, Error> Database::requestAdjudication(const AdjudicationRequest& request) {
    if (!isUid(request.studyUid) || !isUid(request.readingUid)) {
        return Unexpected(Error{ErrorCode::InvalidArgument,
                                QStringLiteral("An adjudication request's study and reading UIDs must be DICOM UIDs.")});
    }
    if (!request.requestedAt.isValid()) {
        return Unexpected(Error{ErrorCode::InvalidArgument, QStringLiteral("An adjudication request needs its time.")});
    }
    if (request.categories.size() > kMaxAdjudicationCategories) {
        return Unexpected(Error{ErrorCode::InvalidArgument,
                                QStringLiteral("An adjudication request names more than %1 categories.")
                                    .arg(kMaxAdjudicationCategories)});
    }
    QStringList categories;
    for (const QString& c : request.categories) {
        categories << storedText(c, kMaxNameChars).remove(QLatin1Char(','));
    }
    QSqlQuery q(m_impl->db);
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO adjudications (study_uid, reading_uid, requested_by, requested_at, "
                             "categories) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(request.studyUid);
    q.addBindValue(request.readingUid);
    q.addBindValue(storedText(request.requestedBy, kMaxNameChars));
    q.addBindValue(readingTimeText(request.requestedAt));
    q.addBindValue(categories.join(QLatin1Char(',')));
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("store an adjudication request")));
    }
    return {};
}

Expected<void, Error> Database::recordAdjudication(const QString& studyUid, const QString& readingUid,
                                                   const QString& adjudicationUid, const QString& adjudicator,
                                                   const QDateTime& time, const QString& path) {
    if (!isUid(studyUid) || !isUid(readingUid) || !isUid(adjudicationUid)) {
        return Unexpected(Error{ErrorCode::InvalidArgument, QStringLiteral("An adjudication's UIDs must be DICOM UIDs.")});
    }
    if (!time.isValid() || path.size() > kMaxPathChars) {
        return Unexpected(Error{ErrorCode::InvalidArgument,
                                QStringLiteral("An adjudication needs its time and a file path of bounded length.")});
    }
    QSqlQuery q(m_impl->db);
    q.prepare(QStringLiteral("UPDATE adjudications SET adjudication_uid = ?, adjudicator = ?, adjudicated_at = ?, "
                             "adjudication_path = ? WHERE study_uid = ? AND reading_uid = ?"));
    q.addBindValue(adjudicationUid);
    q.addBindValue(storedText(adjudicator, kMaxNameChars));
    q.addBindValue(readingTimeText(time));
    q.addBindValue(path);
    q.addBindValue(studyUid);
    q.addBindValue(readingUid);
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("store an adjudication")));
    }
    if (q.numRowsAffected() != 1) {
        return Unexpected(Error{ErrorCode::InvalidArgument,
                                QStringLiteral("No adjudication was requested for this study's reading.")});
    }
    return {};
}

Expected<std::optional<AdjudicationRequest>, Error> Database::adjudicationOf(const QString& studyUid) {
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT study_uid, reading_uid, requested_by, requested_at, categories, adjudication_uid, "
                             "adjudicator, adjudicated_at, adjudication_path FROM adjudications WHERE study_uid = ? "
                             "ORDER BY requested_at DESC, rowid DESC LIMIT 1"));
    q.addBindValue(studyUid);
    if (!q.exec()) {
        return Unexpected(queryError(q, QStringLiteral("read an adjudication request")));
    }
    if (!q.next()) {
        return std::optional<AdjudicationRequest>();
    }
    AdjudicationRequest r;
    r.studyUid = q.value(0).toString();
    r.readingUid = q.value(1).toString();
    r.requestedBy = q.value(2).toString();
    r.requestedAt = QDateTime::fromString(q.value(3).toString(), Qt::ISODateWithMs);
    const QString categories = q.value(4).toString();
    r.categories = categories.isEmpty() ? QStringList() : categories.split(QLatin1Char(','));
    r.adjudicationUid = q.value(5).toString();
    r.adjudicator = q.value(6).toString();
    if (!q.value(7).isNull()) {
        r.adjudicatedAt = QDateTime::fromString(q.value(7).toString(), Qt::ISODateWithMs);
    }
    r.adjudicationPath = q.value(8).toString();
    return std::optional<AdjudicationRequest>(std::move(r));
}

} // namespace veridicor::worklist
