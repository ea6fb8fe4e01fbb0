#pragma once
/// \file
/// The worklist database on a thread of its own. The GUI thread never waits for SQLite: it posts jobs, which run
/// in order on the database's thread (Qt SQL allows a connection only on the thread that opened it), and gets
/// results back on its own thread through a context object.

#include <veridicor/base/expected.h>
#include <veridicor/worklist/database.h>

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>
#include <utility>

namespace veridicor::worklist {

class DatabaseThread {
public:
    DatabaseThread();
    /// Runs the jobs already posted, closes the database on its thread and stops the thread.
    ~DatabaseThread();
    DatabaseThread(const DatabaseThread&) = delete;
    DatabaseThread& operator=(const DatabaseThread&) = delete;
    DatabaseThread(DatabaseThread&&) = delete;
    DatabaseThread& operator=(DatabaseThread&&) = delete;

    /// Opens (or creates, or rebuilds) the database at `path` on the thread, closing the one open before;
    /// `done` runs on `context`'s thread with the open report, or the error.
    void open(const QString& path, QObject* context, std::function<void(Expected<OpenReport, Error>)> done);

    /// Runs `job` on the database's thread with the open database, or with nullptr when none is open.
    void post(std::function<void(Database*)> job);

    /// Runs `job` on the database's thread and `done` with its result on `context`'s thread (not at all when
    /// `context` is gone by then). `job` gets nullptr when no database is open.
    template <class Result>
    void query(std::function<Result(Database*)> job, QObject* context, std::function<void(Result)> done) {
        post([job = std::move(job), ctx = QPointer<QObject>(context), done = std::move(done)](Database* db) {
            auto result = std::make_shared<Result>(job(db));
            if (ctx) {
                QMetaObject::invokeMethod(
                    ctx.data(), [ctx, done, result] { if (ctx) done(std::move(*result)); }, Qt::QueuedConnection);
            }
        });
    }

private:
    QThread m_thread;
    QObject* m_worker = nullptr;            ///< lives on m_thread: posted jobs are its queued calls
    std::unique_ptr<Database> m_database; ///< touched on m_thread only
};

} // namespace veridicor::worklist
