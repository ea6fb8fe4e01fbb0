// Where the agreement statistics and the model monitor get their studies in the workstation: the worklist
// database's reviews table (worklist/README.md). A signed, verified reading shown beside verified AI findings
// puts one reviewed study per model into it (recordShownReview); the set the window and the monitor count is
// read back from the table (reloadReviewSet), so statistics over the worklist read no file. Export CSV… /
// Export JSON… write review/'s agreement_export.h forms, the same as `veridicor-cli agreement`.
#include <veridicor/ui/main_window.h>

#include "finding_session.h"
#include "reading_state.h"
#include "review_ui_state.h"
#include "side_by_side_panel.h"
#include "worklist_panel.h"

#include <veridicor/review/agreement_export.h>
#include <veridicor/review/collect.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/worklist/database_thread.h>
#include <veridicor/worklist/worklist_model.h>

#include <QAbstractItemModel>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QSet>
#include <QtConcurrent>
#include <QMessageBox>
#include <QSaveFile>
#include <QTableView>
#include <QStatusBar>

#include <map>
#include <tuple>

namespace veridicor::ui {

namespace {

/// The reviewed studies of the table's rows: one per (reading, model, version), each row of the table a row of
/// its side by side with the calls and the adjudicated label (the codes are not kept in the table).
review::ReviewSet reviewSetOfRows(const std::vector<worklist::ReviewRow>& rows) {
    std::map<std::tuple<QString, QString, QString>, review::ReviewedStudy> studies;
    for (const worklist::ReviewRow& r : rows) {
        review::ReviewedStudy& s = studies[{r.readingUid, r.modelName, r.modelVersion}];
        if (s.readingUid.empty()) {
            s.readingUid = r.readingUid.toStdString();
            s.studyUid = r.studyUid.toStdString();
            s.modelName = r.modelName.toStdString();
            s.modelVersion = r.modelVersion.toStdString();
            s.reader = r.reader.toStdString();
            s.readingTime = r.readingTime;
            s.domain = review::categoryDomain(r.category);
        }
        review::Row row;
        row.category = r.category;
        row.aiPositive = r.aiPositive;
        row.clinicianPositive = r.clinicianPositive;
        if (r.disagree) {
            row.state = review::RowState::Disagree;
        } else if (r.aiPositive != r.clinicianPositive) {
            row.state = r.aiPositive ? review::RowState::AiOnly : review::RowState::ClinicianOnly;
        }
        s.sideBySide.rows.push_back(std::move(row));
        if (r.adjudicated) {
            s.adjudicated.push_back({r.category, *r.adjudicated, {}});
        }
    }
    review::ReviewSet set;
    set.studies.reserve(studies.size());
    for (auto& [key, s] : studies) {
        set.studies.push_back(std::move(s));
    }
    return set;
}

/// Export with every key: the file carries the reader too, and pooling is left to whoever reads it.
void exportAgreement(const review::ReviewSet& shown, QWidget* parent, bool json) {
    const QString what = json ? QObject::tr("JSON") : QObject::tr("CSV");
    const QString path = QFileDialog::getSaveFileName(
        parent, QObject::tr("Export agreement statistics as %1").arg(what),
        json ? QStringLiteral("agreement.json") : QStringLiteral("agreement.csv"),
        json ? QObject::tr("JSON (*.json)") : QObject::tr("CSV (*.csv)"));
    if (path.isEmpty()) {
        return;
    }
    review::AgreementGroups groups;
    for (const review::ReviewedStudy& s : shown.studies) {
        review::addReviewedStudy(groups, s);
    }
    const review::GroupBy by{true, true, true};
    const std::string text = json ? review::agreementToJson(groups, shown.leftOut, by)
                                  : review::agreementToCsv(groups, shown.leftOut, by);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(text.data(), static_cast<qint64>(text.size())) !=
                                                 static_cast<qint64>(text.size()) ||
        !out.commit()) {
        QMessageBox::warning(parent, QObject::tr("Export agreement statistics"),
                             QObject::tr("%1 could not be written: %2").arg(path, out.errorString()));
    }
}

} // namespace

void MainWindow::installAgreementExport() {
    setAgreementExport([](const review::ReviewSet& s, QWidget* parent) { exportAgreement(s, parent, false); },
                       [](const review::ReviewSet& s, QWidget* parent) { exportAgreement(s, parent, true); });
}

void MainWindow::recordShownReview(const QString& readingUid, const QString& reader, std::int64_t signedAt,
                                   const std::vector<reading::CodedStatement>& statements,
                                   const std::vector<const FindingEntry*>& entries, review::Domain domain) {
    if (!m_worklistDb || readingUid.isEmpty()) {
        return;
    }
    // One reviewed study per model: a study read by two models is two rows of the statistics, one per model.
    std::map<std::pair<std::string, std::string>, std::vector<const FindingEntry*>> byModel;
    for (const FindingEntry* e : entries) {
        if (e->trusted() && e->displayed && e->checked.verdict && e->checked.verdict->statement) {
            const verify::ModelRef& m = e->checked.verdict->statement->model;
            byModel[{m.name, m.version}].push_back(e);
        }
    }
    std::vector<review::ReviewedStudy> studies;
    for (const auto& [model, modelEntries] : byModel) {
        QStringList notShown;
        review::ReviewedStudy s;
        s.studyUid = m_reading->study.toStdString();
        s.domain = domain;
        s.modelName = model.first;
        s.modelVersion = model.second;
        s.reader = reader.toStdString();
        s.readingUid = readingUid.toStdString();
        s.readingTime = signedAt;
        s.sideBySide = review::sideBySide(sideBySideInput(modelEntries, statements, domain, &notShown));
        QString key = readingUid + QLatin1Char('|') + QString::fromStdString(model.first) + QLatin1Char('|') +
                      QString::fromStdString(model.second);
        for (const review::Row& r : s.sideBySide.rows) {
            key += QStringLiteral("|%1%2%3").arg(int(r.aiPositive)).arg(int(r.clinicianPositive)).arg(int(r.state));
        }
        if (!m_review->recorded.contains(key)) {
            m_review->recorded.insert(key);
            studies.push_back(std::move(s));
        }
    }
    if (studies.empty()) {
        return;
    }
    using Done = Expected<void, worklist::Error>;
    m_worklistDb->query<Done>(
        [studies = std::move(studies)](worklist::Database* db) -> Done {
            if (db == nullptr) {
                return Unexpected(worklist::Error{worklist::ErrorCode::Unopenable, QStringLiteral("no worklist database")});
            }
            return db->recordReviews(studies);
        },
        this,
        [this](const Done& done) {
            if (!done) {
                statusBar()->showMessage(tr("The review of this study could not be recorded for the agreement "
                                            "statistics: %1")
                                             .arg(done.error().message));
                return;
            }
            reloadReviewSet();
        });
}

void MainWindow::countAgreementSource(int source) {
    ReviewUiState& v = *m_review;
    if (v.agreement.isNull()) {
        return;
    }
    AgreementWindow* window = v.agreement;
    if (source == AgreementWindow::WholeWorklist) {
        window->setSourceText(tr("Counting the whole worklist: every signed, verified reading beside verified AI "
                                 "findings recorded in its database."));
        window->setReviewSet(v.set);
        return;
    }
    if (source == AgreementWindow::WorklistShown) {
        // The worklist's filters (text, status, modality, "to adjudicate") decide the studies, as on screen.
        QSet<QString> shown;
        const QAbstractItemModel* rows = m_worklistDockPanel->table()->model();
        for (int r = 0; r < rows->rowCount(); ++r) {
            shown.insert(rows->index(r, 0).data(worklist::WorklistModel::StudyUidRole).toString());
        }
        review::ReviewSet set;
        set.leftOut = v.set.leftOut;
        for (const review::ReviewedStudy& s : v.set.studies) {
            if (shown.contains(QString::fromStdString(s.studyUid))) {
                set.studies.push_back(s);
            }
        }
        window->setSourceText(tr("Counting the %n study(ies) the worklist shows now (its filters).", nullptr,
                                 static_cast<int>(shown.size())));
        window->setReviewSet(std::move(set));
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(window, tr("Count the agreement over a folder"));
    if (folder.isEmpty()) {
        return;
    }
    window->setSourceText(tr("Verifying the readings and AI findings under %1…").arg(folder));
    const std::string trust = m_trustStore.toStdString();
    const verify::TimePoint at = m_at.value_or(verify::now());
    auto* watcher = new QFutureWatcher<review::ReviewSet>(window);
    connect(watcher, &QFutureWatcher<review::ReviewSet>::finished, window, [window, watcher, folder] {
        window->setSourceText(tr("Counting %1: its files verified now (signed, verified readings beside verified AI "
                                 "findings; the rest is under \"Left out\").")
                                  .arg(folder));
        window->setReviewSet(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([folder, trust, at]() -> review::ReviewSet {
        auto store = verify::TrustStore::load(trust);
        if (!store) {
            review::ReviewSet none;
            none.leftOut.push_back({folder.toStdString(), {}, "the trust store cannot be read: " + store.error().message});
            return none;
        }
        return review::collectReviewSet({std::filesystem::path(folder.toStdString())}, *store, at);
    }));
}

void MainWindow::reloadReviewSet() {
    if (!m_worklistDb) {
        return;
    }
    using Rows = Expected<std::vector<worklist::ReviewRow>, worklist::Error>;
    m_worklistDb->query<Rows>(
        [](worklist::Database* db) -> Rows {
            if (db == nullptr) {
                return Unexpected(worklist::Error{worklist::ErrorCode::Unopenable, QStringLiteral("no worklist database")});
            }
            return db->reviewSet();
        },
        this,
        [this](Rows rows) {
            if (!rows) {
                statusBar()->showMessage(tr("The agreement statistics cannot be read from the worklist database: %1")
                                             .arg(rows.error().message));
                return;
            }
            setReviewSet(reviewSetOfRows(*rows));
        });
}

} // namespace veridicor::ui
