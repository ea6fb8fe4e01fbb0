#include "side_by_side_panel.h"

#include "display_text.h"
#include "finding_session.h"

#include <veridicor/review/categories.h>

#include <QColor>
#include <QFont>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace veridicor::ui {

namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// One side's codes in a cell: "Sinus rhythm (normal)", "ST elevation (implied by 401303003)"; "none stated
/// (negative)" when the side states nothing in the category.
QString codesText(const std::vector<review::StatedCode>& codes, bool positive) {
    if (codes.empty()) {
        // "ECG: overall" is derived: a side can be abnormal there without stating a code of its own.
        return positive ? SideBySidePanel::tr("abnormal (from its other categories)")
                        : SideBySidePanel::tr("none stated (negative)");
    }
    QStringList parts;
    for (const review::StatedCode& c : codes) {
        QString t = boundedText(c.meaning.empty() ? c.value : c.meaning, kMaxNameChars);
        if (const std::string_view territory = review::territoryName(c.territory); !territory.empty()) {
            t += SideBySidePanel::tr(", %1").arg(qs(territory));
        }
        if (c.normal) {
            t += SideBySidePanel::tr(" (normal)");
        }
        if (c.implied) {
            // By its meaning where the table knows the code (it always should: implications point into it).
            const review::CategoryEntry* by = review::findCategoryEntry(c.impliedBy);
            t += SideBySidePanel::tr(" (implied by %1)")
                     .arg(by != nullptr ? qs(by->meaning) : boundedText(c.impliedBy, kMaxNameChars));
        }
        parts << t;
    }
    return parts.join(QLatin1Char('\n'));
}

/// The state in words with what it rests on: "agree (both abnormal)", "agree (both negative)".
QString stateText(const review::Row& row) {
    QString t = rowStateText(row.state);
    if (row.state == review::RowState::Agree) {
        t += row.aiPositive ? SideBySidePanel::tr("\n(both abnormal)") : SideBySidePanel::tr("\n(both negative)");
    }
    return t;
}

/// Light backgrounds that keep black text readable; the state is always written in the cell too (never
/// colour alone).
QColor stateColour(review::RowState state) {
    switch (state) {
    case review::RowState::Agree:
        return {0xd8, 0xf0, 0xd8};
    case review::RowState::Disagree:
        return {0xf6, 0xc8, 0xc8};
    case review::RowState::AiOnly:
        return {0xfc, 0xe4, 0xb8};
    case review::RowState::ClinicianOnly:
        return {0xd0, 0xe0, 0xf8};
    }
    return {0xff, 0xff, 0xff};
}

/// A symbol beside the word, for the reader who scans the column (the word is what carries the meaning).
QString stateSymbol(review::RowState state) {
    switch (state) {
    case review::RowState::Agree:
        return QStringLiteral("\u2713 "); // check mark
    case review::RowState::Disagree:
        return QStringLiteral("\u2717 "); // ballot x
    case review::RowState::AiOnly:
    case review::RowState::ClinicianOnly:
        return QStringLiteral("\u25D0 "); // circle with left half black: one side only
    }
    return {};
}

} // namespace

QString rowStateText(review::RowState state) {
    switch (state) {
    case review::RowState::Agree:
        return SideBySidePanel::tr("agree");
    case review::RowState::Disagree:
        return SideBySidePanel::tr("disagree");
    case review::RowState::AiOnly:
        return SideBySidePanel::tr("AI only");
    case review::RowState::ClinicianOnly:
        return SideBySidePanel::tr("clinician only");
    }
    return {};
}

review::StudyInput sideBySideInput(const std::vector<const FindingEntry*>& entries,
                                   const std::vector<reading::CodedStatement>& statements, review::Domain domain,
                                   QStringList* notShown) {
    review::StudyInput in;
    in.domain = domain;
    in.clinician = statements;
    for (const FindingEntry* e : entries) {
        const bool hasStatement = e->checked.verdict && e->checked.verdict->statement;
        if (e->trusted() && hasStatement) {
            if (!e->displayed) {
                // Its content is not on screen (the display could not be recorded): it is not shown here either.
                if (notShown != nullptr) {
                    *notShown << SideBySidePanel::tr("%1 — not compared: its content is not shown (%2)")
                                     .arg(e->id, e->notShownReason.isEmpty()
                                                     ? SideBySidePanel::tr("not displayed")
                                                     : e->notShownReason);
                }
                continue;
            }
            for (const verify::Finding& f : e->checked.verdict->statement->findings) {
                review::AiFinding a;
                a.id = overlayKey(e->id, f.id).toStdString();
                a.code = f.code;
                a.trusted = true;
                in.ai.push_back(std::move(a));
            }
            continue;
        }
        // Untrusted: one entry for the bundle, without its content (what it claims is not shown unless the
        // reader chose Show anyway in the findings panel, and it is never counted).
        review::AiFinding a;
        a.id = e->id.toStdString();
        a.trusted = false;
        QStringList reasons;
        if (e->checked.verdict) {
            reasons = reasonTexts(*e->checked.verdict);
        } else {
            reasons << boundedText(e->checked.problem, kMaxTextChars);
        }
        a.reason = reasons.join(QStringLiteral("; ")).toStdString();
        in.ai.push_back(std::move(a));
    }
    return in;
}

SideBySidePanel::SideBySidePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("sideBySideHeading"));
    m_heading->setWordWrap(true);
    QFont bold = m_heading->font();
    bold.setBold(true);
    m_heading->setFont(bold);
    layout->addWidget(m_heading);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("sideBySideTable"));
    m_table->setHorizontalHeaderLabels({tr("Category: AI (verified) · clinician"), tr("State")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(true);
    m_table->verticalHeader()->hide();
    // Rows follow their wrapped text as the column's width changes (the dock is resized).
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(RowColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(StateColumn, QHeaderView::ResizeToContents);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_table, 1);

    m_notCountedTitle = new QLabel(tr("Not counted: not verified"), this);
    layout->addWidget(m_notCountedTitle);
    m_notCounted = new QListWidget(this);
    m_notCounted->setObjectName(QStringLiteral("sideBySideNotCounted"));
    m_notCounted->setWordWrap(true);
    m_notCounted->setMaximumHeight(110);
    layout->addWidget(m_notCounted);

    m_uncategorisedTitle = new QLabel(tr("Codes without a review category (not compared)"), this);
    layout->addWidget(m_uncategorisedTitle);
    m_uncategorised = new QListWidget(this);
    m_uncategorised->setObjectName(QStringLiteral("sideBySideUncategorised"));
    m_uncategorised->setWordWrap(true);
    m_uncategorised->setMaximumHeight(90);
    layout->addWidget(m_uncategorised);
    showMessage(tr("The side-by-side review appears once your reading is committed."));
}

QString SideBySidePanel::message() const {
    return m_heading->text();
}

void SideBySidePanel::showMessage(const QString& message) {
    m_heading->setText(message);
    m_rows.clear();
    m_table->setRowCount(0);
    m_notCounted->clear();
    m_uncategorised->clear();
    for (QWidget* w : {static_cast<QWidget*>(m_table), static_cast<QWidget*>(m_notCountedTitle),
                       static_cast<QWidget*>(m_notCounted), static_cast<QWidget*>(m_uncategorisedTitle),
                       static_cast<QWidget*>(m_uncategorised)}) {
        w->setVisible(false);
    }
}

void SideBySidePanel::setSideBySide(const review::SideBySide& s, const QString& heading, const QStringList& notShown) {
    m_heading->setText(heading);
    m_table->setVisible(true);
    m_table->setRowCount(static_cast<int>(s.rows.size()));
    m_rows.clear();
    int r = 0;
    for (const review::Row& row : s.rows) {
        ShownRow shown;
        shown.category = qs(review::categoryName(row.category));
        shown.ai = codesText(row.ai, row.aiPositive);
        shown.clinician = codesText(row.clinician, row.clinicianPositive);
        shown.state = stateSymbol(row.state) + stateText(row);
        shown.note = boundedText(row.note, kMaxTextChars);
        QString text = tr("%1\nAI: %2\nClinician: %3")
                           .arg(shown.category, QString(shown.ai).replace(QLatin1Char('\n'), QStringLiteral("; ")),
                                QString(shown.clinician).replace(QLatin1Char('\n'), QStringLiteral("; ")));
        if (!shown.note.isEmpty()) {
            text += tr("\nNote: %1").arg(shown.note);
        }
        auto* item = new QTableWidgetItem(text);
        item->setTextAlignment(Qt::AlignLeft | Qt::AlignTop);
        auto* state = new QTableWidgetItem(shown.state);
        state->setData(Qt::UserRole, QString::fromUtf8(review::rowStateName(row.state).data()));
        state->setBackground(stateColour(row.state));
        state->setForeground(QColor(Qt::black));
        state->setTextAlignment(Qt::AlignLeft | Qt::AlignTop);
        state->setToolTip(row.state == review::RowState::Disagree
                              ? tr("Both called this category abnormal, with codes that are not compatible")
                              : QString());
        m_table->setItem(r, RowColumn, item);
        m_table->setItem(r, StateColumn, state);
        m_rows.push_back(std::move(shown));
        ++r;
    }
    m_table->resizeRowsToContents();
    m_table->clearSelection();
    m_table->setCurrentItem(nullptr);

    m_notCounted->clear();
    for (const review::NotCounted& n : s.notCounted) {
        m_notCounted->addItem(tr("%1 — %2").arg(boundedText(n.findingId, kMaxNameChars),
                                                boundedText(n.reason, kMaxTextChars)));
    }
    for (const QString& n : notShown) {
        m_notCounted->addItem(n);
    }
    const bool anyNotCounted = m_notCounted->count() > 0;
    m_notCountedTitle->setVisible(anyNotCounted);
    m_notCounted->setVisible(anyNotCounted);

    m_uncategorised->clear();
    for (const review::Uncategorised& u : s.uncategorised) {
        const QString side = u.side == review::Side::Ai ? tr("AI") : tr("Clinician");
        m_uncategorised->addItem(tr("%1: %2 %3 %4").arg(side, boundedText(u.scheme, kMaxNameChars),
                                                          boundedText(u.value, kMaxNameChars),
                                                          boundedText(u.meaning, kMaxNameChars)));
    }
    const bool anyUncategorised = m_uncategorised->count() > 0;
    m_uncategorisedTitle->setVisible(anyUncategorised);
    m_uncategorised->setVisible(anyUncategorised);
}

} // namespace veridicor::ui
