#include "findings_panel.h"
#include "display_text.h"

#include <veridicor/verify/finding.h>
#include <veridicor/verify/reason.h>

#include <chrono>

#include <QCheckBox>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <map>

namespace veridicor::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

/// A name from a file or payload, bounded and made visible.
QString name(const std::string& s) {
    return boundedText(s, kMaxNameChars);
}
QString name(const QString& s) {
    return boundedText(s, kMaxNameChars);
}
/// A sentence from a file or payload, bounded and made visible (line breaks kept).
QString sentence(const std::string& s) {
    return boundedText(s, kMaxTextChars, true);
}
QString sentence(const QString& s) {
    return boundedText(s, kMaxTextChars, true);
}

constexpr const char* kGreen = "#1b7f3a";
constexpr const char* kRed = "#b00020";
constexpr const char* kAmber = "#8a5a00"; // warnings on trusted findings: readable, not alarming

QLabel* badge(const QString& text, const char* colour, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setObjectName(QStringLiteral("trustBadge"));
    l->setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; border-radius: 3px; "
                       "padding: 2px 8px; }")
            .arg(QLatin1String(colour)));
    l->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    return l;
}

QLabel* textLabel(const QString& text, QWidget* parent, const QString& style = {}) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!style.isEmpty()) {
        l->setStyleSheet(style);
    }
    return l;
}

/// A one-line label that elides what does not fit (long file names), keeping its full text as text() and as
/// tool tip: a file name must not widen the panel beyond the dock.
class ElidedLabel : public QLabel {
public:
    ElidedLabel(const QString& text, QWidget* parent) : QLabel(text, parent) {
        setToolTip(text);
        setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        setTextFormat(Qt::PlainText);
    }
    [[nodiscard]] QSize minimumSizeHint() const override { return {0, QLabel::minimumSizeHint().height()}; }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setPen(palette().color(foregroundRole()));
        const QRect r = contentsRect();
        p.drawText(r, static_cast<int>(alignment()),
                   fontMetrics().elidedText(text(), Qt::ElideMiddle, r.width()));
    }
};

QString number(double v) {
    QString s = QString::number(v, 'g', 6);
    return s;
}

QString regionText(const verify::Region& r) {
    switch (r.kind) {
    case verify::RegionKind::Ecg: {
        QStringList leads;
        for (const auto& l : r.leads) {
            leads << name(l);
        }
        return QObject::tr("Leads %1, %2–%3 s")
            .arg(leads.join(QStringLiteral(", ")), QString::number(r.startSeconds, 'f', 2),
                 QString::number(r.endSeconds, 'f', 2));
    }
    case verify::RegionKind::Cine:
        // The signed region counts frames from 0; the reader sees them numbered from 1, as the cine view's
        // frame counter and overlay labels do ("Frame 7/120").
        return QObject::tr("Frames %1–%2%3")
            .arg(r.firstFrame + 1)
            .arg(r.lastFrame + 1)
            .arg(r.polygon.empty() ? QString() : QObject::tr(", outlined region"));
    }
    return {};
}

/// Who signed, as the trust policy authorized them (R2.3): the identity that met a signing rule, with its
/// type, rather than whatever name the certificate happens to list first.
QString signerText(const verify::SignerInfo& s) {
    if (!s.authorizedAs.empty()) {
        const std::size_t colon = s.authorizedAs.find(':');
        const std::string type = s.authorizedAs.substr(0, colon);
        const QString kind = type == "dns"     ? QObject::tr("DNS name")
                             : type == "uri"   ? QObject::tr("URI")
                             : type == "email" ? QObject::tr("e-mail address")
                                               : QObject::tr("certificate name");
        return QObject::tr("Signed by %1 (%2, authorized by the trust policy; certificate issued by %3)")
            .arg(name(s.authorizedAs.substr(colon + 1)), kind, name(s.issuer));
    }
    const QString who = s.identities.empty() ? QObject::tr("(no identity)") : name(s.identities.front());
    return QObject::tr("Signed by %1 (not authorized by the trust policy; certificate issued by %2)")
        .arg(who, name(s.issuer));
}

} // namespace

FindingsPanel::FindingsPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_summary = textLabel(QString(), this, QStringLiteral("font-weight: bold;"));
    m_summary->setObjectName(QStringLiteral("findingsSummary"));
    m_trust = textLabel(QString(), this);
    m_trust->setObjectName(QStringLiteral("trustStoreStatus"));
    layout->addWidget(m_summary);
    layout->addWidget(m_trust);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // cards wrap their text instead
    m_cards = new QWidget(scroll);
    m_cardsLayout = new QVBoxLayout(m_cards);
    m_cardsLayout->setContentsMargins(0, 0, 0, 0);
    m_cardsLayout->addStretch(1);
    scroll->setWidget(m_cards);
    layout->addWidget(scroll, 1);

    m_footer = new QWidget(this);
    m_footerLayout = new QVBoxLayout(m_footer);
    m_footerLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_footer);
    setMinimumWidth(360);
}

void FindingsPanel::clearCards() {
    // Rebuild from scratch: no widget keeps text of a previous state. Old widgets are hidden at once (so they
    // are no longer visible text) and deleted later (one of them may be emitting the signal that got us
    // here).
    for (QVBoxLayout* l : {m_cardsLayout, m_footerLayout}) {
        while (QLayoutItem* item = l->takeAt(0)) {
            if (QWidget* w = item->widget()) {
                w->hide();
                w->deleteLater();
            }
            delete item;
        }
    }
}

void FindingsPanel::showHidden(const QString& message) {
    clearCards();
    m_cardsLayout->addStretch(1);
    m_summary->setText(message);
    m_trust->clear();
    m_trust->hide();
    m_footer->hide();
}

void FindingsPanel::setEntries(const std::vector<CardPresentation>& cards, const FindingSession& session,
                               const FindingsPanelContext& context) {
    clearCards();

    const QString recording = name(QFileInfo(context.recordingPath).fileName());
    int trusted = 0;
    int untrusted = 0;
    for (const CardPresentation& c : cards) {
        (c.verified ? trusted : untrusted) += 1;
    }
    if (context.checking && !session.hasResult()) {
        m_summary->setText(tr("Checking AI findings…"));
    } else if (context.recordingPath.isEmpty()) {
        m_summary->setText(tr("No recording open."));
    } else if (cards.empty()) {
        m_summary->setText(tr("No AI findings for %1.").arg(recording));
    } else {
        m_summary->setText(tr("AI findings for %1: %2 verified, %3 untrusted%4")
                               .arg(recording)
                               .arg(trusted)
                               .arg(untrusted)
                               .arg(context.checking ? tr(" (checking again…)") : QString()));
    }

    const auto& result = session.result();
    if (!session.hasResult()) {
        m_trust->clear();
        m_trust->hide();
    } else if (result.trustStoreLoaded) {
        m_trust->setStyleSheet(QString());
        m_trust->setText(
            tr("Trust store %1 (%2); checked at %3.")
                .arg(sentence(QFileInfo(context.trustStore).absoluteFilePath()),
                     sentence(result.trustStoreSummary),
                     qs(verify::formatRfc3339(std::chrono::floor<std::chrono::seconds>(result.at)))));
        m_trust->show();
    } else {
        m_trust->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(QLatin1String(kRed)));
        m_trust->setText(sentence(result.trustStoreProblem));
        m_trust->show();
    }

    for (const CardPresentation& c : cards) {
        QWidget* card = makeCard(c, session, context);
        m_cardsLayout->addWidget(card);
        card->show(); // now, not at the next event loop pass: what the panel says is on screen at once
    }
    m_cardsLayout->addStretch(1);

    if (!context.others.empty()) {
        m_footerLayout->addWidget(textLabel(tr("Other open recordings with AI findings:"), m_footer));
        m_footerLayout->itemAt(0)->widget()->show();
        for (const auto& other : context.others) {
            auto* b = new QPushButton(tr("Show %1 (%2 verified, %3 untrusted)")
                                          .arg(name(QFileInfo(other.path).fileName()))
                                          .arg(other.trusted)
                                          .arg(other.untrusted),
                                      m_footer);
            b->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
            b->setToolTip(sentence(other.path));
            const QString path = other.path;
            connect(b, &QPushButton::clicked, this, [this, path] { emit recordingRequested(path); });
            m_footerLayout->addWidget(b);
            b->show();
        }
    }
    const auto unopened = session.unopened();
    if (!unopened.empty()) {
        std::map<QString, QStringList> byRecording;
        for (const FindingEntry* e : unopened) {
            byRecording[name(e->checked.recording.filename().string())] << name(e->bundleFileName());
        }
        QStringList parts;
        for (const auto& [belongsTo, bundles] : byRecording) {
            parts << tr("%1 (for %2)").arg(bundles.join(QStringLiteral(", ")), belongsTo);
        }
        auto* note = textLabel(tr("Not checked, because the recording they belong to is not open: %1")
                                   .arg(parts.join(QStringLiteral("; "))),
                               m_footer, QStringLiteral("color: #555;"));
        note->setToolTip(note->text());
        note->setSizePolicy(QSizePolicy::Ignored,
                            QSizePolicy::Preferred); // long file names must not widen the dock
        m_footerLayout->addWidget(note);
        note->show();
    }
    m_footer->setVisible(m_footerLayout->count() > 0);
}

QWidget* FindingsPanel::makeCard(const CardPresentation& c, const FindingSession& session,
                                 const FindingsPanelContext& context) {
    const FindingEntry& e = *c.entry;
    auto* card = new QFrame(m_cards);
    card->setObjectName(QStringLiteral("findingCard"));
    card->setProperty("findingId", e.id);
    card->setFrameShape(QFrame::StyledPanel);
    card->setStyleSheet(QStringLiteral("QFrame#findingCard { border: 2px solid %1; border-radius: 4px; }")
                            .arg(QLatin1String(c.verified ? kGreen : kRed)));
    auto* layout = new QVBoxLayout(card);
    layout->setSpacing(4);

    auto* head = new QHBoxLayout();
    head->addWidget(badge(c.badge, c.verified ? kGreen : kRed, card));
    // The file name is the sender's choice: shown bounded and with anything invisible made visible.
    auto* fileName = new ElidedLabel(name(e.bundleFileName()), card);
    fileName->setStyleSheet(QStringLiteral("color: #555;"));
    head->addWidget(fileName, 1);
    layout->addLayout(head);
    if (!c.verifiedNote.isEmpty()) {
        auto* note = textLabel(c.verifiedNote, card, QStringLiteral("color: %1;").arg(QLatin1String(kGreen)));
        note->setObjectName(QStringLiteral("verifiedNote"));
        layout->addWidget(note);
    }

    // Why it is untrusted, in plain words (every reason).
    for (const QString& r : c.reasons) {
        layout->addWidget(
            textLabel(QStringLiteral("• ") + r, card, QStringLiteral("color: %1;").arg(QLatin1String(kRed))));
    }
    if (!c.mismatchNote.isEmpty()) {
        auto* l = textLabel(c.mismatchNote, card, QStringLiteral("color: %1;").arg(QLatin1String(kRed)));
        l->setObjectName(QStringLiteral("displayMismatch"));
        layout->addWidget(l);
    }
    if (c.showContent) {
        addFindingContent(layout, card, c, session, context);
    } else if (!c.message.isEmpty()) {
        layout->addWidget(textLabel(
            c.message, card,
            c.messageIsProblem ? QStringLiteral("color: %1; font-weight: bold;").arg(QLatin1String(kRed))
                               : QString()));
    }

    auto* buttons = new QHBoxLayout();
    if (c.offerShowAnyway) {
        auto* b = new QPushButton(tr("Show anyway…"), card);
        b->setObjectName(QStringLiteral("showAnyway"));
        b->setToolTip(
            tr("Show this untrusted finding after confirming; it stays marked UNTRUSTED and the display is "
               "recorded in the audit log."));
        const QString id = e.id;
        connect(b, &QPushButton::clicked, this, [this, id] { emit showAnywayRequested(id); });
        buttons->addWidget(b);
    }
    if (e.checked.verdict) {
        auto* d = new QPushButton(tr("Verification details…"), card);
        d->setObjectName(QStringLiteral("details"));
        const QString id = e.id;
        connect(d, &QPushButton::clicked, this, [this, id] { emit detailsRequested(id); });
        buttons->addWidget(d);
    }
    buttons->addStretch(1);
    layout->addLayout(buttons);
    return card;
}

void FindingsPanel::addFindingContent(QVBoxLayout* layout, QWidget* card, const CardPresentation& c,
                                      const FindingSession& session, const FindingsPanelContext& context) {
    const FindingEntry& e = *c.entry;
    const verify::Verdict& v = *e.checked.verdict;
    const verify::FindingStatement& st = *v.statement;
    const bool marked = c.markUntrusted; // shown anyway: UNTRUSTED wherever its content appears
    const QString mark = marked ? tr("UNTRUSTED: ") : QString();

    layout->addWidget(textLabel(tr("Model: %1 %2").arg(name(st.model.name), name(st.model.version)), card));
    if (v.signer) {
        layout->addWidget(textLabel(signerText(*v.signer), card));
    }
    layout->addWidget(textLabel(tr("Produced: %1").arg(name(st.producedAtText)), card));
    if (v.signedAt) {
        layout->addWidget(textLabel(tr("Signature timestamped: %1")
                                        .arg(QString::fromStdString(verify::formatRfc3339(
                                            std::chrono::floor<std::chrono::seconds>(*v.signedAt)))),
                                    card));
    }
    // What verification does not cover, even for a trusted finding (e.g. a binding that leaves the header
    // out): said on the card itself, not only in the details.
    for (const std::string& w : v.warnings) {
        auto* l = textLabel(QStringLiteral("⚠ ") + sentence(w), card,
                            QStringLiteral("color: %1;").arg(QLatin1String(kAmber)));
        l->setObjectName(QStringLiteral("bindingWarning"));
        layout->addWidget(l);
    }

    // A signed statement may list any number of findings and measurements: the panel lists a bounded number.
    constexpr std::size_t kMaxFindingsListed = 100;
    constexpr std::size_t kMaxMeasurementsListed = 100;
    if (st.findings.size() > kMaxFindingsListed) {
        layout->addWidget(textLabel(
            tr("%1 findings; the first %2 are listed.").arg(st.findings.size()).arg(kMaxFindingsListed), card,
            QStringLiteral("color: #666;")));
    }
    std::size_t listed = 0;
    for (const verify::Finding& f : st.findings) {
        if (++listed > kMaxFindingsListed) {
            break;
        }
        const QString key = overlayKey(e.id, f.id);
        const bool selected = key == context.selectedKey;
        auto* box = new QFrame(card);
        box->setObjectName(QStringLiteral("finding"));
        box->setStyleSheet(selected
                               ? QStringLiteral("QFrame#finding { background: #e8f0fe; border-radius: 3px; }")
                               : QString());
        auto* fl = new QVBoxLayout(box);
        fl->setContentsMargins(6, 4, 6, 4);
        const QString title = sentence(f.code.meaning.empty() ? f.code.value : f.code.meaning);
        fl->addWidget(
            textLabel(mark + title, box,
                      QStringLiteral("font-weight: bold; %1")
                          .arg(marked ? QStringLiteral("color: %1;").arg(QLatin1String(kRed)) : QString())));
        fl->addWidget(textLabel(mark + sentence(f.text), box));
        fl->addWidget(textLabel(
            tr("%1 %2 · confidence %3 %")
                .arg(name(f.code.scheme), name(f.code.value), QString::number(f.confidence * 100.0, 'f', 0)),
            box, QStringLiteral("color: #444;")));
        fl->addWidget(textLabel(regionText(f.region), box, QStringLiteral("color: #444;")));
        auto* visible = new QCheckBox(tr("Show on the image"), box);
        visible->setObjectName(QStringLiteral("visibility"));
        visible->setChecked(!session.isHidden(key));
        visible->setEnabled(context.overlaysSupported);
        connect(visible, &QCheckBox::toggled, this,
                [this, key](bool on) { emit visibilityChanged(key, on); });
        auto* controls = new QHBoxLayout();
        controls->addWidget(visible, 1);
        auto* select = new QPushButton(selected ? tr("Selected") : tr("Go to finding"), box);
        select->setObjectName(QStringLiteral("selectFinding"));
        select->setToolTip(tr("Select: list its measurements and bring its region into view"));
        connect(select, &QPushButton::clicked, this, [this, key] { emit findingSelected(key); });
        controls->addWidget(select);
        fl->addLayout(controls);
        if (!context.overlaysSupported) {
            fl->addWidget(textLabel(tr("This view cannot draw findings on the image."), box,
                                    QStringLiteral("color: #666;")));
        }
        if (selected) {
            QStringList lines;
            for (const auto& m : f.measurements) {
                if (static_cast<std::size_t>(lines.size()) >= kMaxMeasurementsListed) {
                    lines << tr("… %1 measurements in all; the first %2 are listed.")
                                 .arg(f.measurements.size())
                                 .arg(kMaxMeasurementsListed);
                    break;
                }
                lines << QStringLiteral("%1%2: %3 %4").arg(mark, name(m.name), number(m.value), name(m.unit));
            }
            auto* ml = textLabel(lines.isEmpty() ? tr("No measurements.")
                                                 : tr("Measurements:\n%1").arg(lines.join(QLatin1Char('\n'))),
                                 box);
            ml->setObjectName(QStringLiteral("measurements"));
            fl->addWidget(ml);
        }
        layout->addWidget(box);
    }
}

} // namespace veridicor::ui
