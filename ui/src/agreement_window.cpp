#include "agreement_window.h"

#include "display_text.h"

#include <veridicor/review/categories.h>

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QCategoryAxis>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QMap>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace veridicor::ui {

namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QDate utcDay(std::int64_t seconds) {
    return QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc()).date();
}

bool inRange(const review::ReviewedStudy& s, std::optional<QDate> from, std::optional<QDate> to) {
    const QDate day = utcDay(s.readingTime);
    return (!from || day >= *from) && (!to || day <= *to);
}

/// "¹", "²", … "¹²": the footnote mark of an undefined figure.
QString superscript(int n) {
    static const QString digits = QStringLiteral("\u2070\u00B9\u00B2\u00B3\u2074\u2075\u2076\u2077\u2078\u2079");
    QString out;
    for (const QChar c : QString::number(n)) {
        out += digits.at(c.digitValue());
    }
    return out;
}

QString number(double v) {
    return QString::number(v, 'f', 3);
}

using RowKey = std::tuple<QString, QString, int, QString>; // model, version, category (-1: all), reader

} // namespace

std::vector<AgreementRow> agreementRows(const review::ReviewSet& set, bool byModel, bool byCategory, bool byReader,
                                        std::optional<QDate> from, std::optional<QDate> to) {
    review::AgreementGroups groups;
    for (const review::ReviewedStudy& s : set.studies) {
        if (inRange(s, from, to)) {
            review::addReviewedStudy(groups, s);
        }
    }
    std::map<RowKey, AgreementRow> merged;
    for (const auto& [key, group] : groups.groups()) {
        AgreementRow proto;
        if (byModel) {
            proto.modelName = boundedText(key.modelName, kMaxNameChars);
            proto.modelVersion = boundedText(key.modelVersion, kMaxNameChars);
        }
        if (byCategory) {
            proto.category = key.category;
        }
        if (byReader) {
            proto.reader = boundedText(key.reader, kMaxNameChars);
        }
        const RowKey k{proto.modelName, proto.modelVersion, proto.category ? static_cast<int>(*proto.category) : -1,
                       proto.reader};
        auto [it, inserted] = merged.try_emplace(k, proto);
        AgreementRow& row = it->second;
        row.table.tp += group.table.tp;
        row.table.fp += group.table.fp;
        row.table.fn += group.table.fn;
        row.table.tn += group.table.tn;
        row.disagreements += group.disagreements;
    }
    std::vector<AgreementRow> out;
    out.reserve(merged.size());
    for (auto& [key, row] : merged) {
        row.figures = review::agreement(row.table);
        out.push_back(std::move(row));
    }
    return out;
}

AgreementWindow::AgreementWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
    setObjectName(QStringLiteral("agreementWindow"));
    setWindowTitle(tr("Agreement statistics — AI against the clinician"));
    auto* layout = new QVBoxLayout(this);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Count:"), this));
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("agreementSource"));
    m_source->addItem(tr("the whole worklist"), WholeWorklist);
    m_source->addItem(tr("the studies the worklist shows (its filters)"), WorklistShown);
    m_source->addItem(tr("a folder…"), Folder);
    m_source->setToolTip(tr("The worklist's counts come from its database (signed, verified readings beside "
                            "verified AI findings); a folder's are verified from its files."));
    connect(m_source, &QComboBox::activated, this,
            [this](int i) { emit sourceRequested(static_cast<Source>(m_source->itemData(i).toInt())); });
    controls->addWidget(m_source);
    controls->addSpacing(24);
    controls->addWidget(new QLabel(tr("Group by:"), this));
    m_byModel = new QCheckBox(tr("model version"), this);
    m_byModel->setChecked(true);
    m_byCategory = new QCheckBox(tr("category"), this);
    m_byCategory->setChecked(true);
    m_byReader = new QCheckBox(tr("reader"), this);
    for (QCheckBox* c : {m_byModel, m_byCategory, m_byReader}) {
        controls->addWidget(c);
        connect(c, &QCheckBox::toggled, this, [this] { refresh(); });
    }
    controls->addSpacing(24);
    m_useFrom = new QCheckBox(tr("signed from"), this);
    m_from = new QDateEdit(this);
    m_useTo = new QCheckBox(tr("to"), this);
    m_to = new QDateEdit(this);
    for (QDateEdit* d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setTimeSpec(Qt::UTC);
        d->setEnabled(false);
        connect(d, &QDateEdit::dateChanged, this, [this] { refresh(); });
    }
    connect(m_useFrom, &QCheckBox::toggled, m_from, &QWidget::setEnabled);
    connect(m_useTo, &QCheckBox::toggled, m_to, &QWidget::setEnabled);
    connect(m_useFrom, &QCheckBox::toggled, this, [this] { refresh(); });
    connect(m_useTo, &QCheckBox::toggled, this, [this] { refresh(); });
    controls->addWidget(m_useFrom);
    controls->addWidget(m_from);
    controls->addWidget(m_useTo);
    controls->addWidget(m_to);
    controls->addWidget(new QLabel(tr("(UTC)"), this));
    controls->addStretch(1);
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);
    m_exportJson = new QPushButton(tr("Export JSON…"), this);
    for (QPushButton* b : {m_exportCsv, m_exportJson}) {
        b->setEnabled(false);
        b->setToolTip(tr("Export is not available in this build"));
        controls->addWidget(b);
    }
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        if (m_csv) {
            m_csv(shownSet(), this);
        }
    });
    connect(m_exportJson, &QPushButton::clicked, this, [this] {
        if (m_json) {
            m_json(shownSet(), this);
        }
    });
    layout->addLayout(controls);

    m_sourceText = new QLabel(tr("Counting the whole worklist."), this);
    m_sourceText->setObjectName(QStringLiteral("agreementSourceText"));
    m_sourceText->setWordWrap(true);
    layout->addWidget(m_sourceText);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(split);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(0, ColumnCount, top);
    m_table->setObjectName(QStringLiteral("agreementTable"));
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Version"), tr("Category"), tr("Reader"), tr("n"), tr("TP"),
                                        tr("FP"), tr("FN"), tr("TN"), tr("Disagree*"), tr("Agreement"),
                                        tr("κ [95 % CI]"), tr("PABAK"), tr("AC1"), tr("PPA"), tr("NPA"), tr("PPV"),
                                        tr("NPV")});
    const QStringList tips = {
        {}, {}, {}, tr("The signer of the reading"), tr("Readings counted (one per study and category)"),
        tr("AI positive, clinician positive"), tr("AI positive, clinician negative"),
        tr("AI negative, clinician positive"), tr("AI negative, clinician negative"),
        tr("Both positive with codes that are not compatible (counted in TP too)"),
        tr("Raw agreement (TP + TN) / n"), tr("Cohen's κ with its 95 % confidence interval (Fleiss, Cohen & Everitt SE)"),
        tr("Prevalence- and bias-adjusted κ = 2 × agreement − 1"), tr("Gwet's AC1"),
        tr("Positive percent agreement: TP / (TP + FN), the AI's sensitivity against the clinician"),
        tr("Negative percent agreement: TN / (TN + FP), the AI's specificity against the clinician"),
        tr("Positive predictive value TP / (TP + FP)"), tr("Negative predictive value TN / (TN + FN)")};
    for (int c = 0; c < ColumnCount; ++c) {
        if (!tips.at(c).isEmpty()) {
            m_table->horizontalHeaderItem(c)->setToolTip(tips.at(c));
        }
    }
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    topLayout->addWidget(m_table, 1);
    m_footnotes = new QLabel(top);
    m_footnotes->setObjectName(QStringLiteral("agreementFootnotes"));
    m_footnotes->setWordWrap(true);
    m_footnotes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    topLayout->addWidget(m_footnotes);

    auto* tabs = new QTabWidget(split);
    auto* charts = new QSplitter(Qt::Horizontal, tabs);
    m_categoryChart = new QChartView(charts);
    m_categoryChart->setRenderHint(QPainter::Antialiasing);
    m_categoryChart->setMinimumHeight(320);
    m_timeChart = new QChartView(charts);
    m_timeChart->setRenderHint(QPainter::Antialiasing);
    charts->addWidget(m_categoryChart);
    charts->setChildrenCollapsible(false);
    charts->addWidget(m_timeChart);
    auto* chartsPage = new QWidget(tabs);
    auto* chartsLayout = new QVBoxLayout(chartsPage);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(charts, 1);
    auto* chartNote = new QLabel(
        tr("Left: bars are Cohen's κ per category and model version; the black lines are its 95 % confidence "
           "interval (Fleiss, Cohen & Everitt SE), drawn as line segments because Qt Charts has no error bars. A "
           "category marked [κ — 2.0] has no κ for version 2.0, [κ —] none for any version (undefined: see the "
           "table's footnotes) — no bar there means undefined, not 0; [no CI 2.0]: κ without an interval. Right: per model version and calendar month of signing, raw agreement (solid) "
           "and κ (dashed) over all categories of that month pooled; a month whose κ is undefined has no κ point."),
        chartsPage);
    chartNote->setWordWrap(true);
    chartsLayout->addWidget(chartNote);
    tabs->addTab(chartsPage, tr("Charts"));
    m_leftOut = new QListWidget(tabs);
    m_leftOut->setObjectName(QStringLiteral("agreementLeftOut"));
    m_leftOut->setWordWrap(true);
    tabs->addTab(m_leftOut, tr("Left out (%1)").arg(0));
    m_tabs = tabs;
    split->addWidget(top);
    split->addWidget(tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    resize(1500, 950);
    refresh();
}

AgreementWindow::Source AgreementWindow::source() const {
    return static_cast<Source>(m_source->currentData().toInt());
}

void AgreementWindow::setSourceText(const QString& text) {
    m_sourceText->setText(text);
}

void AgreementWindow::setReviewSet(review::ReviewSet set) {
    m_set = std::move(set);
    if (!m_set.studies.empty()) {
        // The date editors start at the set's first and last signing day (filtering only when ticked).
        const auto [lo, hi] = std::minmax_element(
            m_set.studies.begin(), m_set.studies.end(),
            [](const review::ReviewedStudy& a, const review::ReviewedStudy& b) { return a.readingTime < b.readingTime; });
        const QSignalBlocker b1(m_from);
        const QSignalBlocker b2(m_to);
        if (!m_useFrom->isChecked()) {
            m_from->setDate(utcDay(lo->readingTime));
        }
        if (!m_useTo->isChecked()) {
            m_to->setDate(utcDay(hi->readingTime));
        }
    }
    refresh();
}

review::ReviewSet AgreementWindow::shownSet() const {
    review::ReviewSet out;
    out.leftOut = m_set.leftOut;
    for (const review::ReviewedStudy& s : m_set.studies) {
        if (inRange(s, fromDate(), toDate())) {
            out.studies.push_back(s);
        }
    }
    return out;
}

void AgreementWindow::setExportCsv(ExportHandler handler) {
    m_csv = std::move(handler);
    m_exportCsv->setEnabled(static_cast<bool>(m_csv));
    m_exportCsv->setToolTip(m_csv ? tr("Export the studies shown (within the dates) as CSV")
                                  : tr("Export is not available in this build"));
}

void AgreementWindow::setExportJson(ExportHandler handler) {
    m_json = std::move(handler);
    m_exportJson->setEnabled(static_cast<bool>(m_json));
    m_exportJson->setToolTip(m_json ? tr("Export the studies shown (within the dates) as JSON")
                                    : tr("Export is not available in this build"));
}

void AgreementWindow::setGrouping(bool byModel, bool byCategory, bool byReader) {
    const QSignalBlocker b1(m_byModel);
    const QSignalBlocker b2(m_byCategory);
    const QSignalBlocker b3(m_byReader);
    m_byModel->setChecked(byModel);
    m_byCategory->setChecked(byCategory);
    m_byReader->setChecked(byReader);
    refresh();
}

void AgreementWindow::setDateRange(std::optional<QDate> from, std::optional<QDate> to) {
    const QSignalBlocker b1(m_useFrom);
    const QSignalBlocker b2(m_useTo);
    const QSignalBlocker b3(m_from);
    const QSignalBlocker b4(m_to);
    m_useFrom->setChecked(from.has_value());
    m_useTo->setChecked(to.has_value());
    m_from->setEnabled(from.has_value());
    m_to->setEnabled(to.has_value());
    if (from) {
        m_from->setDate(*from);
    }
    if (to) {
        m_to->setDate(*to);
    }
    refresh();
}

std::optional<QDate> AgreementWindow::fromDate() const {
    return m_useFrom->isChecked() ? std::optional<QDate>(m_from->date()) : std::nullopt;
}

std::optional<QDate> AgreementWindow::toDate() const {
    return m_useTo->isChecked() ? std::optional<QDate>(m_to->date()) : std::nullopt;
}

void AgreementWindow::refresh() {
    m_rows = agreementRows(m_set, m_byModel->isChecked(), m_byCategory->isChecked(), m_byReader->isChecked(),
                           fromDate(), toDate());
    std::size_t counted = 0;
    for (const review::ReviewedStudy& s : m_set.studies) {
        counted += inRange(s, fromDate(), toDate()) ? 1 : 0;
    }
    m_summary->setText(
        tr("%1 reviewed studies counted (%2 outside the dates), %3 left out (see \"Left out\"). Each study adds one "
           "reading per category: the AI's verified findings against the signed, verified reading (an "
           "adjudicated label replaces the clinician's call where there is one). κ alone misleads when a "
           "category is rare: read it with PABAK, AC1, PPA and NPA.")
            .arg(counted)
            .arg(m_set.studies.size() - counted)
            .arg(m_set.leftOut.size()));
    fillTable();
    fillCategoryChart();
    fillTimeChart();
    fillLeftOut();
}

void AgreementWindow::fillTable() {
    m_table->setRowCount(static_cast<int>(m_rows.size()));
    QMap<QString, int> notes; // reason → footnote number, in order of first use
    QStringList noteOrder;
    auto mark = [&](const QString& what, const std::string& why) {
        const QString reason = tr("%1 undefined: %2").arg(what, qs(why));
        auto it = notes.find(reason);
        if (it == notes.end()) {
            it = notes.insert(reason, static_cast<int>(notes.size()) + 1);
            noteOrder << reason;
        }
        return std::make_pair(superscript(it.value()), reason);
    };
    auto figure = [&](int row, int column, const QString& what, const review::Figure& f) {
        auto* item = new QTableWidgetItem;
        if (f.value) {
            item->setText(number(*f.value));
            item->setData(Qt::UserRole, *f.value);
        } else {
            const auto [sup, reason] = mark(what, f.why);
            item->setText(QStringLiteral("—") + sup);
            item->setToolTip(reason);
        }
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, column, item);
    };
    auto count = [&](int row, int column, std::uint64_t v) {
        auto* item = new QTableWidgetItem(QString::number(v));
        item->setData(Qt::UserRole, static_cast<qulonglong>(v));
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, column, item);
    };
    const QString all = tr("all");
    int r = 0;
    for (const AgreementRow& row : m_rows) {
        const review::Agreement& a = row.figures;
        m_table->setItem(r, ModelColumn, new QTableWidgetItem(m_byModel->isChecked() ? row.modelName : all));
        m_table->setItem(r, VersionColumn, new QTableWidgetItem(m_byModel->isChecked() ? row.modelVersion : all));
        m_table->setItem(r, CategoryColumn,
                         new QTableWidgetItem(row.category ? qs(review::categoryName(*row.category)) : all));
        m_table->setItem(r, ReaderColumn, new QTableWidgetItem(m_byReader->isChecked() ? row.reader : all));
        count(r, NColumn, a.n);
        count(r, TpColumn, row.table.tp);
        count(r, FpColumn, row.table.fp);
        count(r, FnColumn, row.table.fn);
        count(r, TnColumn, row.table.tn);
        count(r, DisagreeColumn, row.disagreements);
        figure(r, AgreementColumn, tr("Agreement"), a.agreement);
        // κ and its interval in one cell: "0.700 [0.523, 0.877]".
        auto* kappa = new QTableWidgetItem;
        kappa->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (!a.kappa.value) {
            const auto [sup, reason] = mark(tr("κ"), a.kappa.why);
            kappa->setText(QStringLiteral("—") + sup);
            kappa->setToolTip(reason);
        } else {
            kappa->setData(Qt::UserRole, *a.kappa.value);
            if (a.kappaCi) {
                kappa->setText(tr("%1 [%2, %3]").arg(number(*a.kappa.value), number(a.kappaCi->lo),
                                                     number(a.kappaCi->hi)));
            } else {
                const auto [sup, reason] = mark(tr("95 % CI of κ"), a.kappaSe.why);
                kappa->setText(tr("%1 [—%2]").arg(number(*a.kappa.value), sup));
                kappa->setToolTip(reason);
            }
        }
        m_table->setItem(r, KappaColumn, kappa);
        figure(r, PabakColumn, tr("PABAK"), a.pabak);
        figure(r, Ac1Column, tr("AC1"), a.ac1);
        figure(r, PpaColumn, tr("PPA"), a.ppa);
        figure(r, NpaColumn, tr("NPA"), a.npa);
        figure(r, PpvColumn, tr("PPV"), a.ppv);
        figure(r, NpvColumn, tr("NPV"), a.npv);
        ++r;
    }
    QStringList lines;
    lines << tr("* Disagree: both called the category abnormal with codes that are not compatible (e.g. atrial "
                "fibrillation vs flutter); such readings are counted in TP as well.");
    lines << tr("— : the figure is undefined for that group (never shown as 0):");
    for (const QString& n : noteOrder) {
        lines << superscript(notes.value(n)) + QLatin1Char(' ') + n;
    }
    if (noteOrder.isEmpty()) {
        lines.removeLast();
    }
    m_footnotes->setText(lines.join(QLatin1Char('\n')));
}

void AgreementWindow::fillCategoryChart() {
    // One bar set per model version over the categories, the CI as line segments (Qt Charts 6.4 has no
    // error bars); always by model version and category here, pooled over readers.
    const std::vector<AgreementRow> rows = agreementRows(m_set, true, true, false, fromDate(), toDate());
    std::vector<review::Category> categories;
    std::vector<std::pair<QString, QString>> versions;
    for (const AgreementRow& r : rows) {
        if (std::find(categories.begin(), categories.end(), *r.category) == categories.end()) {
            categories.push_back(*r.category);
        }
        const std::pair<QString, QString> v{r.modelName, r.modelVersion};
        if (std::find(versions.begin(), versions.end(), v) == versions.end()) {
            versions.push_back(v);
        }
    }
    std::sort(categories.begin(), categories.end());
    auto* chart = new QChart;
    chart->setTitle(tr("Cohen's κ per category, with its 95 % CI"));
    auto* bars = new QBarSeries;
    QStringList labels;
    // Per category, what a missing bar or interval means, by version: "κ — 2.0", "no CI 1.0" (a zero-height bar
    // alone cannot tell an undefined κ from κ = 0).
    std::vector<QStringList> marks(categories.size());
    const int sets = static_cast<int>(versions.size());
    const double groupWidth = 0.5; // QBarSeries' default bar width: the group's share of a category
    bars->setBarWidth(groupWidth);
    double lowest = 0;
    std::vector<QLineSeries*> whiskers;
    for (int v = 0; v < sets; ++v) {
        auto* set = new QBarSet(tr("%1 %2").arg(versions[static_cast<std::size_t>(v)].first,
                                                  versions[static_cast<std::size_t>(v)].second));
        for (std::size_t c = 0; c < categories.size(); ++c) {
            const AgreementRow* found = nullptr;
            for (const AgreementRow& r : rows) {
                if (*r.category == categories[c] && r.modelName == versions[static_cast<std::size_t>(v)].first &&
                    r.modelVersion == versions[static_cast<std::size_t>(v)].second) {
                    found = &r;
                }
            }
            const QString version = versions[static_cast<std::size_t>(v)].second;
            if (found == nullptr || !found->figures.kappa.value) {
                set->append(0); // zero height: no bar; the axis label says why
                marks[c] << (found == nullptr ? tr("no data %1").arg(version) : tr("κ — %1").arg(version));
                continue;
            }
            if (!found->figures.kappaCi) {
                marks[c] << tr("no CI %1").arg(version);
            }
            set->append(*found->figures.kappa.value);
            lowest = std::min(lowest, *found->figures.kappa.value);
            if (found->figures.kappaCi) {
                const double x = static_cast<double>(c) - groupWidth / 2 + (v + 0.5) * groupWidth / sets;
                const double cap = groupWidth / sets / 4;
                const auto& ci = *found->figures.kappaCi;
                auto* w = new QLineSeries;
                w->setName(tr("95 % CI"));
                *w << QPointF(x - cap, ci.hi) << QPointF(x + cap, ci.hi) << QPointF(x, ci.hi) << QPointF(x, ci.lo)
                   << QPointF(x - cap, ci.lo) << QPointF(x + cap, ci.lo);
                w->setPen(QPen(Qt::black, 1.5));
                whiskers.push_back(w);
                lowest = std::min(lowest, ci.lo);
            }
        }
        bars->append(set);
    }
    for (std::size_t c = 0; c < categories.size(); ++c) {
        // Undefined for every version: one short mark (a long label is elided under its bars).
        const bool allUndefined =
            static_cast<int>(marks[c].size()) == sets &&
            std::all_of(marks[c].begin(), marks[c].end(), [](const QString& m) { return m.startsWith(QStringLiteral("κ —")); });
        const QString mark = allUndefined ? tr("κ —") : marks[c].join(QStringLiteral(", "));
        labels << qs(review::categoryName(categories[c])) + (mark.isEmpty() ? QString() : QStringLiteral(" [%1]").arg(mark));
    }
    chart->addSeries(bars);
    auto* x = new QBarCategoryAxis;
    x->append(labels);
    auto* y = new QValueAxis;
    const double bottom = std::max(-1.0, std::floor(lowest * 5) / 5);
    y->setRange(bottom, 1.0);
    y->setTickCount(static_cast<int>(std::lround((1.0 - bottom) / 0.2)) + 1); // a tick every 0.2
    y->setTitleText(tr("Cohen's κ"));
    y->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    bars->attachAxis(x);
    bars->attachAxis(y);
    bool first = true;
    for (QLineSeries* w : whiskers) {
        chart->addSeries(w);
        w->attachAxis(x);
        w->attachAxis(y);
        // One legend entry for all the intervals.
        for (QLegendMarker* m : chart->legend()->markers(w)) {
            m->setVisible(first);
        }
        first = false;
    }
    if (categories.empty()) {
        chart->setTitle(tr("No reviewed study in the dates: nothing to chart."));
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    QChart* old = m_categoryChart->chart();
    m_categoryChart->setChart(chart);
    delete old;
}

void AgreementWindow::fillTimeChart() {
    // Per model version and calendar month (UTC) of signing: raw agreement and κ over every category of the
    // month's readings pooled (one 2×2 table per month and version).
    std::map<std::pair<std::string, std::string>, std::map<int, review::Table>> months; // month: year·12 + m − 1
    int first = 0;
    int last = 0;
    bool any = false;
    for (const review::ReviewedStudy& s : m_set.studies) {
        if (!inRange(s, fromDate(), toDate())) {
            continue;
        }
        const QDate day = utcDay(s.readingTime);
        const int month = day.year() * 12 + day.month() - 1;
        first = any ? std::min(first, month) : month;
        last = any ? std::max(last, month) : month;
        any = true;
        review::Table& t = months[{s.modelName, s.modelVersion}][month];
        for (const review::Row& row : s.sideBySide.rows) {
            t.add(row.aiPositive, s.referencePositive(row));
        }
    }
    auto* chart = new QChart;
    chart->setTitle(tr("Agreement and κ by month of signing (all categories pooled)"));
    // Months as whole numbers, one label per month on its own value (a date axis puts its ticks anywhere).
    auto* x = new QCategoryAxis;
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    for (int m = first; any && m <= last; ++m) {
        x->append(QStringLiteral("%1-%2").arg(m / 12).arg(m % 12 + 1, 2, 10, QLatin1Char('0')), m - first);
    }
    x->setRange(-0.5, any ? last - first + 0.5 : 0.5);
    x->setTitleText(tr("month of signing (UTC)"));
    auto* y = new QValueAxis;
    y->setTitleText(tr("agreement (solid), κ (dashed)"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    double lowest = 0;
    static const QList<QColor> palette = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                                          QColor(0x94, 0x67, 0xbd), QColor(0xff, 0x7f, 0x0e), QColor(0x8c, 0x56, 0x4b)};
    int colour = 0;
    for (const auto& [version, perMonth] : months) {
        const QString name = tr("%1 %2").arg(boundedText(version.first, kMaxNameChars),
                                             boundedText(version.second, kMaxNameChars));
        auto* po = new QLineSeries;
        po->setName(tr("%1 agreement").arg(name));
        auto* kappa = new QLineSeries;
        kappa->setName(tr("%1 κ").arg(name));
        const QColor c = palette.at(colour++ % palette.size());
        po->setPen(QPen(c, 2));
        kappa->setPen(QPen(c, 2, Qt::DashLine));
        for (QLineSeries* s : {po, kappa}) {
            s->setPointsVisible(true);
            s->setMarkerSize(8);
        }
        for (const auto& [month, table] : perMonth) {
            const review::Agreement a = review::agreement(table);
            if (a.agreement.value) {
                po->append(month - first, *a.agreement.value);
            }
            if (a.kappa.value) {
                kappa->append(month - first, *a.kappa.value);
                lowest = std::min(lowest, *a.kappa.value);
            }
        }
        for (QLineSeries* s : {po, kappa}) {
            chart->addSeries(s);
            s->attachAxis(x);
            s->attachAxis(y);
        }
    }
    const double bottom = std::max(-1.0, std::floor(lowest * 5) / 5);
    y->setRange(bottom, 1.0);
    y->setTickCount(static_cast<int>(std::lround((1.0 - bottom) / 0.2)) + 1);
    y->setLabelFormat(QStringLiteral("%.1f"));
    if (!any) {
        chart->setTitle(tr("No reviewed study in the dates: nothing to chart."));
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    QChart* old = m_timeChart->chart();
    m_timeChart->setChart(chart);
    delete old;
}

void AgreementWindow::fillLeftOut() {
    m_tabs->setTabText(1, tr("Left out (%1)").arg(m_set.leftOut.size()));
    m_leftOut->clear();
    for (const review::LeftOut& l : m_set.leftOut) {
        m_leftOut->addItem(tr("%1%2 — %3")
                               .arg(boundedText(l.path, kMaxTextChars),
                                    l.studyUid.empty() ? QString()
                                                       : tr(" (study %1)").arg(boundedText(l.studyUid, kMaxNameChars)),
                                    boundedText(l.reason, kMaxTextChars)));
    }
    if (m_set.leftOut.empty()) {
        m_leftOut->addItem(tr("Nothing was left out: every study given is counted."));
    }
}

} // namespace veridicor::ui
