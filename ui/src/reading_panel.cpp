#include <veridicor/ui/reading_panel.h>

#include "display_text.h"

#include <veridicor/reading/statement_codes.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace veridicor::ui {

namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

constexpr int kSctRole = Qt::UserRole + 1;
constexpr int kSiteRole = Qt::UserRole + 2; ///< the Finding Site of a regional statement; empty: none

/// "Hypokinesis (SCT 37706002)", with " at left ventricle inferior segment (SCT 367598003)" for a site.
QString statementLabel(const reading::CodedStatement& s) {
    QString label = QCoreApplication::translate("veridicor::ui::ReadingPanel", "%1 (SCT %2)")
                        .arg(boundedText(s.meaning, kMaxNameChars), boundedText(s.value, kMaxNameChars));
    if (s.site) {
        label += QCoreApplication::translate("veridicor::ui::ReadingPanel", " at %1 (SCT %2)")
                     .arg(boundedText(s.site->meaning, kMaxNameChars), boundedText(s.site->value, kMaxNameChars));
    }
    return label;
}

QLabel* wrapping(const QString& text, QWidget* parent, const QString& style = {}) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    // A long file name cannot wrap: it must not widen the dock beyond the screen (it is cut instead).
    l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    if (!style.isEmpty()) {
        l->setStyleSheet(style);
    }
    return l;
}

QString numberText(double v) {
    // Seconds from the start of the recording to the millisecond: what a caliper can resolve.
    return QString::number(v, 'f', 3);
}

QString assessmentText(reading::Assessment a) {
    switch (a) {
    case reading::Assessment::Agree:
        return ReadingPanel::tr("agree");
    case reading::Assessment::Disagree:
        return ReadingPanel::tr("disagree");
    case reading::Assessment::Modified:
        return ReadingPanel::tr("modify");
    }
    return {};
}

/// What a verified reading says, for the panel: every part of the content, bounded (it came from a file).
/// With `aiHidden`, its assessments of AI findings are not listed (they would name the findings).
QString contentText(const reading::Reading& r, bool aiHidden) {
    auto b = [](const std::string& s) { return boundedText(s, kMaxNameChars); };
    QStringList lines;
    for (const auto& s : r.statements) {
        lines << ReadingPanel::tr("Statement: %1 (%2 %3)").arg(b(s.meaning), b(s.scheme), b(s.value));
    }
    if (!r.text.empty()) {
        lines << ReadingPanel::tr("Text: %1").arg(boundedText(r.text, kMaxTextChars, true));
    }
    for (const auto& m : r.measurements) {
        lines << ReadingPanel::tr("Measurement: %1 %2 %3%4")
                     .arg(b(m.name), b(m.value), b(m.unit),
                          m.lead.empty() ? QString() : ReadingPanel::tr(" (lead %1)").arg(b(m.lead)));
    }
    for (const auto& d : r.deviceStatements) {
        lines << ReadingPanel::tr("Device statement: %1 — %2")
                     .arg(b(d.text), d.confirmed ? ReadingPanel::tr("confirmed") : ReadingPanel::tr("rejected"));
    }
    if (!r.assessments.empty()) {
        if (aiHidden) {
            lines << ReadingPanel::tr("Its assessments of AI results are hidden until you commit your reading.");
        } else {
            for (const auto& a : r.assessments) {
                lines << ReadingPanel::tr("AI finding %1 (bundle %2…): %3%4")
                             .arg(b(a.findingId), b(a.bundleSha256.substr(0, 12)), assessmentText(a.assessment),
                                  a.reason.empty() ? QString()
                                                   : QStringLiteral(" — ") + boundedText(a.reason, kMaxTextChars));
            }
        }
    }
    lines << (r.blind ? ReadingPanel::tr("Read blind (AI results hidden until it was committed).")
                      : ReadingPanel::tr("Not read blind."));
    return lines.join(QLatin1Char('\n'));
}

/// The search field: Down moves into the list, Enter adds the highlighted statement.
class SearchField : public QLineEdit {
public:
    SearchField(ReadingPanel* panel, QListWidget* list, QWidget* parent)
        : QLineEdit(parent), m_panel(panel), m_list(list) {}

protected:
    void keyPressEvent(QKeyEvent* e) override {
        if (e->key() == Qt::Key_Down || e->key() == Qt::Key_Up) {
            const int step = e->key() == Qt::Key_Down ? 1 : -1;
            for (int row = m_list->currentRow() + step; row >= 0 && row < m_list->count(); row += step) {
                if (!m_list->item(row)->isHidden()) {
                    m_list->setCurrentRow(row);
                    break;
                }
            }
            return;
        }
        if ((e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) && e->modifiers() == Qt::NoModifier) {
            m_panel->addHighlightedStatement();
            return;
        }
        QLineEdit::keyPressEvent(e);
    }

private:
    ReadingPanel* m_panel;
    QListWidget* m_list;
};

/// The list of chosen statements: Delete removes the current one.
class ChosenList : public QListWidget {
public:
    ChosenList(std::vector<reading::CodedStatement>* statements, QWidget* parent)
        : QListWidget(parent), m_statements(statements) {}

protected:
    void keyPressEvent(QKeyEvent* e) override {
        if ((e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) && currentRow() >= 0) {
            const int row = currentRow();
            m_statements->erase(m_statements->begin() + row);
            delete takeItem(row);
            return;
        }
        QListWidget::keyPressEvent(e);
    }

private:
    std::vector<reading::CodedStatement>* m_statements;
};

QComboBox* choice(const QStringList& items, QWidget* parent) {
    auto* c = new QComboBox(parent);
    c->addItems(items);
    return c;
}

} // namespace

ReadingPanel::ReadingPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("readingPanel"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* content = new QWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    m_existing = wrapping(QString(), content);
    m_existing->setObjectName(QStringLiteral("existingReadings"));
    m_existing->hide();
    layout->addWidget(m_existing);

    auto* statements = new QGroupBox(tr("Statements"), content);
    auto* sl = new QVBoxLayout(statements);
    m_codes = new QListWidget(statements);
    m_codes->setObjectName(QStringLiteral("statementCodes"));
    auto* search = new SearchField(this, m_codes, statements);
    m_search = search;
    m_search->setObjectName(QStringLiteral("statementSearch"));
    m_search->setPlaceholderText(tr("Type to find a statement (↓ to choose, Enter to add)"));
    m_search->setClearButtonEnabled(true);
    for (const reading::StatementCode& c : reading::statementCodes()) {
        auto* item = new QListWidgetItem(
            tr("%1 — %2 (SCT %3)").arg(qs(c.meaning), qs(reading::statementGroupName(c.group)), qs(c.sctId)),
            m_codes);
        item->setData(kSctRole, qs(c.sctId));
        // Regional wall motion is said of a wall: each wall motion statement is offered at each wall of
        // CID 3232 too (the segments of the 17-segment model are in reading::statementSites() for readings
        // written elsewhere; five walls keep the list short enough to scan).
        if (c.group == reading::StatementGroup::EchoWallMotion) {
            for (const reading::StatementSite& site : reading::statementSites().first(5)) {
                auto* regional = new QListWidgetItem(tr("%1 at %2 — %3 (SCT %4, site %5)")
                                                         .arg(qs(c.meaning), qs(site.meaning).toLower(),
                                                              qs(reading::statementGroupName(c.group)), qs(c.sctId),
                                                              qs(site.sctId)),
                                                     m_codes);
                regional->setData(kSctRole, qs(c.sctId));
                regional->setData(kSiteRole, qs(site.sctId));
            }
        }
    }
    m_codes->setMaximumHeight(140);
    connect(m_search, &QLineEdit::textChanged, this, [this] { refilter(); });
    connect(m_codes, &QListWidget::itemActivated, this, [this] { addHighlightedStatement(); });
    m_chosen = new ChosenList(&m_statements, statements);
    m_chosen->setObjectName(QStringLiteral("chosenStatements"));
    m_chosen->setMaximumHeight(70);
    m_chosen->setToolTip(tr("Delete removes the selected statement"));
    sl->addWidget(m_search);
    sl->addWidget(m_codes);
    sl->addWidget(wrapping(tr("In the reading (Delete removes):"), statements));
    sl->addWidget(m_chosen);
    layout->addWidget(statements);

    auto* textBox = new QGroupBox(tr("Free text"), content);
    auto* tl = new QVBoxLayout(textBox);
    m_text = new QPlainTextEdit(textBox);
    m_text->setObjectName(QStringLiteral("readingText"));
    m_text->setTabChangesFocus(true); // Tab leaves the text for the next control: the panel works by keyboard
    m_text->setMaximumHeight(70);
    tl->addWidget(m_text);
    layout->addWidget(textBox);

    auto* measuredBox = new QGroupBox(tr("Measurements"), content);
    auto* ml = new QVBoxLayout(measuredBox);
    m_measurements = new QListWidget(measuredBox);
    m_measurements->setObjectName(QStringLiteral("readerMeasurements"));
    m_measurements->setMaximumHeight(70);
    m_measurements->setFocusPolicy(Qt::NoFocus); // only a list of what the calipers measured
    ml->addWidget(m_measurements);
    layout->addWidget(measuredBox);

    auto* deviceBox = new QGroupBox(tr("Device statements"), content);
    auto* dl = new QVBoxLayout(deviceBox);
    m_device = new QWidget(deviceBox);
    m_deviceLayout = new QVBoxLayout(m_device);
    m_deviceLayout->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(m_device);
    layout->addWidget(deviceBox);

    auto* aiBox = new QGroupBox(tr("AI results"), content);
    auto* al = new QVBoxLayout(aiBox);
    m_ai = new QWidget(aiBox);
    m_aiLayout = new QVBoxLayout(m_ai);
    m_aiLayout->setContentsMargins(0, 0, 0, 0);
    al->addWidget(m_ai);
    layout->addWidget(aiBox);
    layout->addStretch(1);

    m_amending = wrapping(QString(), this, QStringLiteral("color: #8a5a00;"));
    m_amending->setObjectName(QStringLiteral("amending"));
    m_amending->hide();
    outer->addWidget(m_amending);
    auto* buttons = new QHBoxLayout();
    m_commit = new QPushButton(tr("Commit"), this);
    m_commit->setObjectName(QStringLiteral("commitReading"));
    m_commit->setToolTip(tr("Save the reading as a preliminary (unsigned) report (Ctrl+Shift+Return)"));
    m_sign = new QPushButton(tr("Sign"), this);
    m_sign->setObjectName(QStringLiteral("signReading"));
    m_sign->setToolTip(tr("Sign the reading with your key: the final report (Ctrl+Return)"));
    m_amend = new QPushButton(tr("Amend"), this);
    m_amend->setObjectName(QStringLiteral("amendReading"));
    m_amend->setToolTip(tr("Start a new reading that amends the signed one (nothing is overwritten)"));
    buttons->addWidget(m_commit);
    buttons->addWidget(m_sign);
    buttons->addWidget(m_amend);
    buttons->addStretch(1);
    outer->addLayout(buttons);
    m_signWhyNot = wrapping(QString(), this, QStringLiteral("color: #555;"));
    m_signWhyNot->setObjectName(QStringLiteral("signUnavailable"));
    outer->addWidget(m_signWhyNot);
    m_status = wrapping(QString(), this);
    m_status->setObjectName(QStringLiteral("readingStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    outer->addWidget(m_status);
    connect(m_commit, &QPushButton::clicked, this, &ReadingPanel::commitRequested);
    connect(m_sign, &QPushButton::clicked, this, &ReadingPanel::signRequested);
    connect(m_amend, &QPushButton::clicked, this, &ReadingPanel::amendRequested);

    // Keyboard order: find, choose, chosen, text, then each review and assessment, then the buttons (the rows
    // are made in that order, so Qt's creation order already is the tab order inside each section).
    setTabOrder(m_search, m_codes);
    setTabOrder(m_codes, m_chosen);
    setTabOrder(m_chosen, m_text);
    setMinimumWidth(340);
    setAssessableFindings({}, QString());
    rebuildDevice();
    updateButtons();
}

void ReadingPanel::clearReading() {
    m_statements.clear();
    m_chosen->clear();
    m_text->clear();
    m_search->clear();
    for (auto& r : m_deviceRows) {
        r.confirmed.reset();
    }
    rebuildDevice();
    for (auto& r : m_aiRows) {
        r.assessment.reset();
        r.reason.clear();
    }
    rebuildAssessments();
    setAmending({});
    setStatus({});
}

void ReadingPanel::setReading(const reading::Reading& content) {
    m_statements.clear();
    m_chosen->clear();
    for (const auto& s : content.statements) {
        m_statements.push_back(s);
        m_chosen->addItem(statementLabel(s));
    }
    m_text->setPlainText(QString::fromStdString(content.text));
    for (auto& row : m_deviceRows) {
        row.confirmed.reset();
        for (const auto& d : content.deviceStatements) {
            if (d.text == row.text.toStdString()) {
                row.confirmed = d.confirmed;
            }
        }
    }
    rebuildDevice();
    for (auto& row : m_aiRows) {
        row.assessment.reset();
        row.reason.clear();
        for (const auto& a : content.assessments) {
            if (a.bundleSha256 == row.finding.bundleSha256 && a.findingId == row.finding.findingId) {
                row.assessment = a.assessment;
                row.reason = QString::fromStdString(a.reason);
            }
        }
    }
    rebuildAssessments();
}

reading::Reading ReadingPanel::reading() const {
    reading::Reading r;
    r.statements = m_statements;
    r.text = m_text->toPlainText().trimmed().toStdString();
    r.measurements = m_measured;
    for (const auto& row : m_deviceRows) {
        if (row.confirmed) { // a statement not reviewed is not part of the reading
            // Member by member, not a braced list: the structs of reading/ may gain members with defaults.
            reading::DeviceStatement d;
            d.text = row.text.toStdString();
            d.confirmed = *row.confirmed;
            r.deviceStatements.push_back(std::move(d));
        }
    }
    if (m_aiHiddenReason.isEmpty()) {
        for (const auto& row : m_aiRows) {
            if (row.assessment) {
                reading::FindingAssessment a;
                a.bundleSha256 = row.finding.bundleSha256;
                a.findingId = row.finding.findingId;
                a.verdict = row.finding.verdict;
                a.assessment = *row.assessment;
                a.reason = row.reason.trimmed().toStdString();
                r.assessments.push_back(std::move(a));
            }
        }
    }
    return r;
}

void ReadingPanel::setMeasurements(const std::vector<registry::ReaderMeasurement>& measurements) {
    m_measured.clear();
    m_measurements->clear();
    for (const auto& m : measurements) {
        reading::Measurement out;
        out.name = m.name.toStdString();
        out.value = m.value.toStdString();
        out.unit = m.unit.toStdString();
        out.lead = m.lead.toStdString();
        if (m.startSeconds) {
            out.start = numberText(*m.startSeconds).toStdString();
        }
        if (m.endSeconds) {
            out.end = numberText(*m.endSeconds).toStdString();
        }
        m_measured.push_back(std::move(out));
        QString line = tr("%1: %2 %3").arg(m.name, m.value, m.unit);
        if (!m.method.isEmpty()) {
            line += tr(" (%1)").arg(m.method);
        }
        if (!m.lead.isEmpty()) {
            line += tr(", lead %1").arg(m.lead);
        }
        m_measurements->addItem(line);
    }
    if (measurements.empty()) {
        m_measurements->addItem(tr("None: measurements made with the calipers are listed here."));
    }
}

void ReadingPanel::setDeviceStatements(const std::vector<registry::DeviceStatement>& statements) {
    std::vector<DeviceRow> rows;
    for (const auto& s : statements) {
        DeviceRow row;
        row.text = s.text;
        for (const auto& old : m_deviceRows) {
            if (old.text == s.text) {
                row.confirmed = old.confirmed;
            }
        }
        rows.push_back(std::move(row));
    }
    m_deviceRows = std::move(rows);
    rebuildDevice();
}

void ReadingPanel::rebuildDevice() {
    while (QLayoutItem* item = m_deviceLayout->takeAt(0)) {
        if (QWidget* w = item->widget()) {
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    if (m_deviceRows.empty()) {
        m_deviceLayout->addWidget(wrapping(tr("The recording states nothing of its own."), m_device,
                                           QStringLiteral("color: #555;")));
    }
    for (std::size_t i = 0; i < m_deviceRows.size(); ++i) {
        DeviceRow& row = m_deviceRows[i];
        auto* line = new QWidget(m_device);
        auto* h = new QHBoxLayout(line);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(wrapping(boundedText(row.text, kMaxNameChars), line), 1);
        row.combo = choice({tr("Not reviewed"), tr("Confirm"), tr("Reject")}, line);
        row.combo->setObjectName(QStringLiteral("deviceReview"));
        row.combo->setCurrentIndex(!row.confirmed ? 0 : *row.confirmed ? 1 : 2);
        connect(row.combo, &QComboBox::currentIndexChanged, this, [this, i](int index) {
            if (i < m_deviceRows.size()) {
                m_deviceRows[i].confirmed =
                    index == 0 ? std::nullopt : std::optional<bool>(index == 1);
            }
        });
        h->addWidget(row.combo);
        m_deviceLayout->addWidget(line);
    }
}

void ReadingPanel::setAssessableFindings(const std::vector<AssessableFinding>& findings,
                                         const QString& hiddenReason) {
    m_aiHiddenReason = hiddenReason;
    std::vector<AiRow> rows;
    if (hiddenReason.isEmpty()) {
        for (const auto& f : findings) {
            AiRow row;
            row.finding = f;
            for (const auto& old : m_aiRows) {
                if (old.finding.key == f.key && old.finding.bundleSha256 == f.bundleSha256) {
                    row.assessment = old.assessment;
                    row.reason = old.reason;
                }
            }
            rows.push_back(std::move(row));
        }
    } else {
        // Hidden: the choices already made are kept (in memory, not in any widget) for when they are shown.
        rows = m_aiRows;
    }
    m_aiRows = std::move(rows);
    rebuildAssessments();
}

void ReadingPanel::rebuildAssessments() {
    while (QLayoutItem* item = m_aiLayout->takeAt(0)) {
        if (QWidget* w = item->widget()) {
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    for (AiRow& row : m_aiRows) {
        row.combo = nullptr;
        row.reasonEdit = nullptr;
    }
    if (!m_aiHiddenReason.isEmpty()) {
        auto* l = wrapping(m_aiHiddenReason, m_ai, QStringLiteral("font-weight: bold;"));
        l->setObjectName(QStringLiteral("aiHidden"));
        m_aiLayout->addWidget(l);
        return;
    }
    if (m_aiRows.empty()) {
        m_aiLayout->addWidget(
            wrapping(tr("No AI finding is shown for this recording."), m_ai, QStringLiteral("color: #555;")));
    }
    for (AiRow& row : m_aiRows) {
        auto* box = new QWidget(m_ai);
        auto* v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 4);
        v->addWidget(wrapping(row.finding.verdict == "trusted"
                                  ? row.finding.label
                                  : tr("UNTRUSTED: %1").arg(row.finding.label),
                              box, QStringLiteral("font-weight: bold;")));
        auto* h = new QHBoxLayout();
        row.combo = choice({tr("Not assessed"), tr("Agree"), tr("Disagree"), tr("Modify")}, box);
        row.combo->setObjectName(QStringLiteral("aiAssessment"));
        row.combo->setProperty("findingKey", row.finding.key);
        row.combo->setCurrentIndex(!row.assessment ? 0 : static_cast<int>(*row.assessment) + 1);
        row.reasonEdit = new QLineEdit(row.reason, box);
        row.reasonEdit->setObjectName(QStringLiteral("aiReason"));
        row.reasonEdit->setPlaceholderText(tr("Reason (optional)"));
        const QString key = row.finding.key;
        connect(row.combo, &QComboBox::currentIndexChanged, this, [this, key](int index) {
            for (AiRow& r : m_aiRows) {
                if (r.finding.key == key) {
                    r.assessment = index == 0 ? std::nullopt
                                              : std::optional<reading::Assessment>(
                                                    static_cast<reading::Assessment>(index - 1));
                }
            }
        });
        connect(row.reasonEdit, &QLineEdit::textEdited, this, [this, key](const QString& text) {
            for (AiRow& r : m_aiRows) {
                if (r.finding.key == key) {
                    r.reason = text;
                }
            }
        });
        h->addWidget(row.combo);
        h->addWidget(row.reasonEdit, 1);
        v->addLayout(h);
        m_aiLayout->addWidget(box);
    }
}

void ReadingPanel::setExistingReadings(const std::vector<ShownReading>& readings, bool aiHidden) {
    QStringList parts;
    for (const ShownReading& r : readings) {
        QString part = r.headline;
        if (r.trusted && r.content) {
            part += QLatin1Char('\n') + contentText(*r.content, aiHidden);
        }
        parts << part;
    }
    m_existing->setText(parts.join(QStringLiteral("\n\n")));
    m_existing->setVisible(!parts.isEmpty());
}

void ReadingPanel::setSigningAvailable(bool available, const QString& whyNot) {
    m_signAvailable = available;
    m_signWhyNot->setText(available ? QString() : whyNot);
    m_signWhyNot->setVisible(!available && !whyNot.isEmpty());
    updateButtons();
}

void ReadingPanel::setAmendable(bool available) {
    m_amendAvailable = available;
    updateButtons();
}

void ReadingPanel::setAmending(const QString& what) {
    m_amending->setText(what.isEmpty() ? QString() : tr("Amending %1: Commit or Sign writes a new report that "
                                                        "references it; nothing is overwritten.")
                                                         .arg(what));
    m_amending->setVisible(!what.isEmpty());
}

void ReadingPanel::setRecordingAvailable(bool available) {
    m_recordingAvailable = available;
    updateButtons();
}

void ReadingPanel::updateButtons() {
    m_commit->setEnabled(m_recordingAvailable);
    m_sign->setEnabled(m_recordingAvailable && m_signAvailable);
    m_amend->setEnabled(m_recordingAvailable && m_amendAvailable);
}

void ReadingPanel::setStatus(const QString& text, bool problem) {
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: #b00020; font-weight: bold;") : QString());
    m_status->setVisible(!text.isEmpty());
}

QString ReadingPanel::status() const {
    return m_status->text();
}

void ReadingPanel::refilter() {
    const QString needle = m_search->text().simplified();
    // The highlighted statement (Enter adds it) is the first whose name starts with what was typed, so "st elev"
    // gives "ST elevation" rather than an infarction listed earlier whose name contains the words; failing
    // that, the first that contains it anywhere.
    int first = -1;
    int firstPrefix = -1;
    for (int i = 0; i < m_codes->count(); ++i) {
        QListWidgetItem* item = m_codes->item(i);
        const bool match = needle.isEmpty() || item->text().contains(needle, Qt::CaseInsensitive);
        item->setHidden(!match);
        if (match && first < 0) {
            first = i;
        }
        if (match && firstPrefix < 0 && !needle.isEmpty() && item->text().startsWith(needle, Qt::CaseInsensitive)) {
            firstPrefix = i;
        }
    }
    m_codes->setCurrentRow(firstPrefix >= 0 ? firstPrefix : first);
}

int ReadingPanel::search(const QString& text) {
    m_search->setText(text);
    int n = 0;
    for (int i = 0; i < m_codes->count(); ++i) {
        n += m_codes->item(i)->isHidden() ? 0 : 1;
    }
    return n;
}

bool ReadingPanel::addHighlightedStatement() {
    const QListWidgetItem* item = m_codes->currentItem();
    if (item == nullptr || item->isHidden()) {
        return false;
    }
    return addStatement(item->data(kSctRole).toString(), item->data(kSiteRole).toString());
}

bool ReadingPanel::addStatement(const QString& sctId, const QString& siteId) {
    const reading::StatementCode* code = reading::findStatement(sctId.toStdString());
    if (code == nullptr) {
        return false;
    }
    reading::CodedStatement statement;
    statement.scheme = "SCT";
    statement.value = std::string(code->sctId);
    statement.meaning = std::string(code->meaning);
    if (!siteId.isEmpty()) {
        const reading::StatementSite* site = reading::findStatementSite(siteId.toStdString());
        if (site == nullptr || code->group != reading::StatementGroup::EchoWallMotion) {
            return false;
        }
        statement.site = reading::CodedConcept{"SCT", std::string(site->sctId), std::string(site->meaning)};
    }
    for (const auto& s : m_statements) {
        if (s.value == statement.value && s.site == statement.site) {
            return true; // already in the reading
        }
    }
    m_chosen->addItem(statementLabel(statement));
    m_statements.push_back(std::move(statement));
    return true;
}

void ReadingPanel::setFreeText(const QString& text) {
    m_text->setPlainText(text);
}

bool ReadingPanel::setDeviceReview(int index, std::optional<bool> confirmed) {
    if (index < 0 || static_cast<std::size_t>(index) >= m_deviceRows.size()) {
        return false;
    }
    DeviceRow& row = m_deviceRows[static_cast<std::size_t>(index)];
    if (row.combo != nullptr) {
        row.combo->setCurrentIndex(!confirmed ? 0 : *confirmed ? 1 : 2); // as choosing it does
    }
    row.confirmed = confirmed;
    return true;
}

bool ReadingPanel::setAssessment(const QString& key, std::optional<reading::Assessment> assessment,
                                 const QString& reason) {
    if (!m_aiHiddenReason.isEmpty()) {
        return false;
    }
    for (AiRow& row : m_aiRows) {
        if (row.finding.key == key) {
            if (row.combo != nullptr) {
                row.combo->setCurrentIndex(!assessment ? 0 : static_cast<int>(*assessment) + 1);
            }
            if (row.reasonEdit != nullptr) {
                row.reasonEdit->setText(reason);
            }
            row.assessment = assessment;
            row.reason = reason;
            return true;
        }
    }
    return false;
}

void ReadingPanel::focusSearch() {
    m_search->setFocus();
    m_search->selectAll();
}

} // namespace veridicor::ui
