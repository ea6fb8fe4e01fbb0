#include <veridicor/worklist/database_thread.h>

namespace veridicor::worklist {

DatabaseThread::DatabaseThread() : m_worker(new QObject) {
    m_thread.setObjectName(QStringLiteral("worklist-db"));
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

DatabaseThread::~DatabaseThread() {
    // The connection is closed on the thread that opened it; then the thread ends, after every posted job.
    post([this](Database*) { m_database.reset(); });
    m_thread.quit();
    m_thread.wait();
}

void DatabaseThread::open(const QString& path, QObject* context,
                          std::function<void(Expected<OpenReport, Error>)> done) {
    query<Expected<OpenReport, Error>>(
        [this, path](Database*) -> Expected<OpenReport, Error> {
            m_database.reset(); // one connection at a time
            auto opened = Database::open(path);
            if (!opened) {
                return Unexpected(opened.error());
            }
            m_database = std::move(*opened);
            return m_database->openReport();
        },
        context, std::move(done));
}

void DatabaseThread::post(std::function<void(Database*)> job) {
    QMetaObject::invokeMethod(
        m_worker, [this, job = std::move(job)] { job(m_database.get()); }, Qt::QueuedConnection);
}

} // namespace veridicor::worklist
