#include "worklist_panel.h"

#include <veridicor/worklist/worklist_model.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace veridicor::ui {

namespace {

using worklist::ReadingStatus;
using worklist::WorklistModel;

} // namespace

WorklistPanel::WorklistPanel(worklist::WorklistModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_filter(new worklist::WorklistFilter(this)) {
    m_filter->setSourceModel(model);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0); // a dock's frame, or the start page's layout, gives the margins
    auto* controls = new QHBoxLayout;
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("worklistText"));
    m_text->setPlaceholderText(tr("Filter by patient name or ID"));
    m_text->setClearButtonEnabled(true);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("worklistStatus"));
    m_status->addItem(tr("Any status"), -1);
    for (const ReadingStatus s :
         {ReadingStatus::Unread, ReadingStatus::Preliminary, ReadingStatus::Signed, ReadingStatus::Amended}) {
        m_status->addItem(worklist::readingStatusName(s), static_cast<int>(s));
    }
    m_modality = new QComboBox(this);
    m_modality->setObjectName(QStringLiteral("worklistModality"));
    m_modality->addItem(tr("Any modality"), QString());
    m_modality->addItem(QStringLiteral("ECG"), QStringLiteral("ECG"));
    m_modality->addItem(QStringLiteral("US"), QStringLiteral("US"));
    m_severity = new QCheckBox(tr("Most critical first"), this);
    m_severity->setObjectName(QStringLiteral("worklistSeverityFirst"));
    m_severity->setToolTip(tr("Studies with a verified AI finding of the highest severity first (e.g. STEMI, "
                              "ventricular tachycardia, high-grade AV block, long QT), then the longest waiting"));
    // Two short rows, so that the dock beside a full ECG page stays narrow.
    layout->addWidget(m_text);
    controls->addWidget(m_status, 1);
    controls->addWidget(m_modality, 1);
    layout->addLayout(controls);
    layout->addWidget(m_severity);
    m_status->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modality->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_status->setMinimumContentsLength(6);
    m_modality->setMinimumContentsLength(6);
    // The dock may be made as narrow as the other docks (the page beside it needs the width); the controls
    // then shrink instead of widening the window.
    for (QWidget* w : std::initializer_list<QWidget*>{m_text, m_status, m_modality, m_severity}) {
        w->setSizePolicy(QSizePolicy::Ignored, w->sizePolicy().verticalPolicy());
    }

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("worklistTable"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(WorklistModel::Acquired, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setDefaultSectionSize(120);
    // What decides the next study first, in a narrow dock: who, what the AI says, whether it is read.
    m_table->horizontalHeader()->moveSection(WorklistModel::AiFindings, 1);
    m_table->horizontalHeader()->moveSection(WorklistModel::Status, 2);
    m_table->setWordWrap(false);
    layout->addWidget(m_table, 1);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("worklistCount"));
    m_count->setWordWrap(true);
    layout->addWidget(m_count);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("worklistNote"));
    m_note->setWordWrap(true);
    m_note->hide();
    layout->addWidget(m_note);

    connect(m_text, &QLineEdit::textChanged, m_filter, &worklist::WorklistFilter::setTextFilter);
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        const int v = m_status->currentData().toInt();
        m_filter->setStatusFilter(v < 0 ? std::nullopt : std::optional(static_cast<ReadingStatus>(v)));
    });
    connect(m_modality, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setModalityFilter(m_modality->currentData().toString()); });
    connect(m_severity, &QCheckBox::toggled, this, [this](bool on) {
        // The severity order is fixed; the header's sort indicator would otherwise claim a column order.
        m_table->horizontalHeader()->setSortIndicatorShown(!on);
        m_table->setSortingEnabled(!on);
        m_filter->setSeverityFirst(on);
        if (!on) {
            m_table->sortByColumn(WorklistModel::Acquired, Qt::AscendingOrder);
        }
    });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        const QString uid = index.data(WorklistModel::StudyUidRole).toString();
        if (!uid.isEmpty()) {
            emit studyChosen(uid);
        }
    });
    // The AI summary ("1 verified · 2 quarantined — <most critical finding>") is what decides the next study:
    // its column takes the width its text needs (up to a third of a wide screen) whenever the rows change,
    // instead of being cut to "1 verified · 2 qu…".
    auto fitAiColumn = [this] {
        m_table->resizeColumnToContents(WorklistModel::AiFindings);
        m_table->setColumnWidth(WorklistModel::AiFindings,
                                std::clamp(m_table->columnWidth(WorklistModel::AiFindings), 120, 480));
    };
    connect(m_filter, &QAbstractItemModel::modelReset, this, fitAiColumn);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, fitAiColumn);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &WorklistPanel::updateCount);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &WorklistPanel::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &WorklistPanel::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &WorklistPanel::updateCount);
    updateCount();
}

QString WorklistPanel::currentStudy() const {
    const QModelIndex i = m_table->currentIndex();
    return i.isValid() ? i.data(WorklistModel::StudyUidRole).toString() : QString();
}

bool WorklistPanel::selectStudy(const QString& studyUid) {
    const int source = m_model->rowOf(studyUid);
    if (source < 0) {
        return false;
    }
    const QModelIndex proxy = m_filter->mapFromSource(m_model->index(source, 0));
    if (!proxy.isValid()) {
        return false;
    }
    m_table->selectionModel()->setCurrentIndex(
        proxy, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(proxy);
    return true;
}

QString WorklistPanel::nextUnreadStudy() const {
    const QModelIndex i = m_table->currentIndex();
    const int from = i.isValid() ? i.row() : -1;
    int row = m_filter->nextUnread(from);
    if (row < 0 && from >= 0) {
        row = m_filter->nextUnread(-1); // past the last: on from the top, as a reader works down the list again
        if (row == from) {
            row = -1;
        }
    }
    return row < 0 ? QString() : m_filter->index(row, 0).data(WorklistModel::StudyUidRole).toString();
}

QString WorklistPanel::previousStudy() const {
    const QModelIndex i = m_table->currentIndex();
    if (!i.isValid()) {
        return {};
    }
    const int row = m_filter->previous(i.row());
    return row < 0 ? QString() : m_filter->index(row, 0).data(WorklistModel::StudyUidRole).toString();
}

void WorklistPanel::setNote(const QString& text) {
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

void WorklistPanel::updateCount() {
    int unread = 0;
    for (int r = 0; r < m_filter->rowCount(); ++r) {
        unread += m_filter->index(r, 0).data(WorklistModel::StatusRole).toInt() ==
                          static_cast<int>(ReadingStatus::Unread)
                      ? 1
                      : 0;
    }
    m_count->setText(m_model->rowCount() == 0
                         ? tr("No studies yet: open a folder (File › Open Folder…); every study opened is listed "
                              "here.")
                         : tr("%1 of %2 studies shown · %3 unread")
                               .arg(m_filter->rowCount())
                               .arg(m_model->rowCount())
                               .arg(unread));
}

} // namespace veridicor::ui
