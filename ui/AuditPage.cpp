#include "AuditPage.h"

#include "models/AuditModel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::AuditFilter;
using Models::AuditModel;
using Models::AuditRecord;
using Models::AuditVerification;

namespace {
constexpr int IconSize = 20;

QString row(const QString &label, const QString &value)
{
    return u"<tr><td style=\"padding-right:12px\"><b>"_s + label.toHtmlEscaped() +
           u"</b></td><td>"_s + value.toHtmlEscaped() + u"</td></tr>"_s;
}
} // namespace

AuditPage::AuditPage(QWidget *parent)
    : ConsolePage(parent)
    , m_model(new AuditModel(this))
    , m_toolbar(new QToolBar(this))
    , m_reload(new QAction(tr("Re&load"), this))
    , m_verify(new QAction(tr("&Verify chain"), this))
    , m_fromEnabled(new QCheckBox(tr("&From:"), this))
    , m_from(new QDateTimeEdit(this))
    , m_toEnabled(new QCheckBox(tr("&To:"), this))
    , m_to(new QDateTimeEdit(this))
    , m_actor(new QLineEdit(this))
    , m_category(new QComboBox(this))
    , m_outcome(new QComboBox(this))
    , m_entity(new QLineEdit(this))
    , m_apply(new QPushButton(tr("&Apply filter"), this))
    , m_clear(new QPushButton(tr("C&lear"), this))
    , m_textFilter(new QLineEdit(this))
    , m_verifyIcon(new QLabel(this))
    , m_verifyResult(new QLabel(this))
    , m_message(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTableView(this))
    , m_emptyState(new QLabel(this))
    , m_count(new QLabel(this))
    , m_loadMore(new QPushButton(tr("Load &more"), this))
    , m_details(new QLabel(this))
{
    setObjectName(u"auditPage"_s);

    m_reload->setObjectName(u"reloadAuditAction"_s);
    m_reload->setShortcut(QKeySequence::Refresh);
    m_reload->setIcon(
        QIcon::fromTheme(u"view-refresh"_s, style()->standardIcon(QStyle::SP_BrowserReload)));
    m_reload->setToolTip(tr("Load the newest records again"));
    m_verify->setObjectName(u"verifyAuditChainAction"_s);
    m_verify->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    m_verify->setIcon(QIcon(u":/icons/allow.svg"_s));
    m_verify->setToolTip(tr("Check every record's hash and the signed head: shows whether "
                            "anyone altered or deleted records. Takes a while on a large log."));
    for (QAction *action : {m_reload, m_verify}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    m_toolbar->setObjectName(u"auditToolbar"_s);
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolbar->addAction(m_reload);
    m_toolbar->addAction(m_verify);

    const QDateTime now = QDateTime::currentDateTime();
    m_fromEnabled->setObjectName(u"auditFromCheck"_s);
    m_from->setObjectName(u"auditFromEdit"_s);
    m_from->setCalendarPopup(true);
    m_from->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    m_from->setDateTime(now.addDays(-1));
    m_from->setEnabled(false);
    m_toEnabled->setObjectName(u"auditToCheck"_s);
    m_to->setObjectName(u"auditToEdit"_s);
    m_to->setCalendarPopup(true);
    m_to->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    m_to->setDateTime(now.addSecs(3600));
    m_to->setEnabled(false);
    connect(m_fromEnabled, &QCheckBox::toggled, m_from, &QWidget::setEnabled);
    connect(m_toEnabled, &QCheckBox::toggled, m_to, &QWidget::setEnabled);
    m_actor->setObjectName(u"auditActorEdit"_s);
    m_actor->setPlaceholderText(tr("exact user name, or system"));
    m_actor->setClearButtonEnabled(true);
    m_category->setObjectName(u"auditCategoryCombo"_s);
    m_category->addItem(tr("Any category"), QString());
    for (const QString &category : AuditModel::categories())
        m_category->addItem(category, category);
    m_outcome->setObjectName(u"auditOutcomeCombo"_s);
    m_outcome->addItem(tr("Any outcome"), QString());
    m_outcome->addItem(tr("success"), u"success"_s);
    m_outcome->addItem(tr("failure"), u"failure"_s);
    m_outcome->addItem(tr("denied"), u"denied"_s);
    m_entity->setObjectName(u"auditEntityEdit"_s);
    m_entity->setPlaceholderText(tr("e.g. Things/Pump1 (and everything below it)"));
    m_entity->setClearButtonEnabled(true);
    m_apply->setObjectName(u"applyAuditFilterButton"_s);
    m_apply->setDefault(true);
    m_clear->setObjectName(u"clearAuditFilterButton"_s);
    for (QLineEdit *edit : {m_actor, m_entity})
        connect(edit, &QLineEdit::returnPressed, this, &AuditPage::applyFilter);

    auto *filterBox = new QGroupBox(tr("Records to load from the server"), this);
    auto *grid = new QGridLayout(filterBox);
    grid->addWidget(m_fromEnabled, 0, 0);
    grid->addWidget(m_from, 0, 1);
    grid->addWidget(m_toEnabled, 0, 2);
    grid->addWidget(m_to, 0, 3);
    grid->addWidget(new QLabel(tr("Actor:"), this), 0, 4);
    grid->addWidget(m_actor, 0, 5);
    grid->addWidget(new QLabel(tr("Category:"), this), 1, 0);
    grid->addWidget(m_category, 1, 1);
    grid->addWidget(new QLabel(tr("Outcome:"), this), 1, 2);
    grid->addWidget(m_outcome, 1, 3);
    grid->addWidget(new QLabel(tr("Entity:"), this), 1, 4);
    grid->addWidget(m_entity, 1, 5);
    auto *filterButtons = new QHBoxLayout;
    filterButtons->addStretch(1);
    filterButtons->addWidget(m_clear);
    filterButtons->addWidget(m_apply);
    grid->addLayout(filterButtons, 2, 0, 1, 6);
    grid->setColumnStretch(5, 1);

    m_textFilter->setObjectName(u"auditTextFilterEdit"_s);
    m_textFilter->setPlaceholderText(tr("Search the loaded records"));
    m_textFilter->setClearButtonEnabled(true);

    m_verifyIcon->setObjectName(u"auditVerifyIcon"_s);
    m_verifyIcon->setFixedSize(IconSize, IconSize);
    m_verifyIcon->hide();
    m_verifyResult->setObjectName(u"auditVerifyResult"_s);
    m_verifyResult->setWordWrap(true);
    m_verifyResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verifyResult->hide();
    m_message->setObjectName(u"auditMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_proxy.setSourceModel(m_model);
    m_proxy.setSortRole(AuditModel::SortRole);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterKeyColumn(-1);
    connect(m_textFilter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy.setFilterFixedString(text);
        updateState();
    });

    m_view->setObjectName(u"auditView"_s);
    m_view->setModel(&m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AuditModel::IdColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(AuditModel::EntityColumn, QHeaderView::Stretch);
    header->setStretchLastSection(false);

    m_emptyState->setObjectName(u"auditEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyState);

    m_count->setObjectName(u"auditCountLabel"_s);
    m_loadMore->setObjectName(u"loadMoreAuditButton"_s);

    m_details->setObjectName(u"auditDetails"_s);
    m_details->setWordWrap(true);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMargin(8);
    auto *detailsScroll = new QScrollArea(this);
    detailsScroll->setObjectName(u"auditDetailsPane"_s);
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setWidget(m_details);

    auto *tableArea = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableArea);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_stack, 1);
    auto *pager = new QHBoxLayout;
    pager->addWidget(m_count, 1);
    pager->addWidget(m_loadMore);
    tableLayout->addLayout(pager);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"auditSplitter"_s);
    splitter->addWidget(tableArea);
    splitter->addWidget(detailsScroll);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({760, 440});

    auto *verifyRow = new QHBoxLayout;
    verifyRow->addWidget(m_verifyIcon);
    verifyRow->addWidget(m_verifyResult, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_toolbar);
    layout->addLayout(verifyRow);
    layout->addWidget(filterBox);
    layout->addWidget(m_textFilter);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_reload, &QAction::triggered, m_model, &AuditModel::reload);
    connect(m_verify, &QAction::triggered, this, &AuditPage::verifyChain);
    connect(m_apply, &QPushButton::clicked, this, &AuditPage::applyFilter);
    connect(m_clear, &QPushButton::clicked, this, &AuditPage::clearFilter);
    connect(m_loadMore, &QPushButton::clicked, m_model, &AuditModel::loadMore);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AuditPage::updateDetails);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AuditPage::updateDetails);
    connect(m_model, &AuditModel::loaded, this, [this] {
        // A failed verification stays on screen; a load error is over.
        if (m_messageIsLoadError)
            m_message->hide();
        updateState();
    });
    connect(m_model, &AuditModel::loadFailed, this, [this](const QString &message) {
        showError(tr("Could not load the audit log: %1").arg(message));
        m_messageIsLoadError = true;
        updateState();
    });
    connect(m_model, &AuditModel::verified, this, &AuditPage::showVerification);
    connect(m_model, &AuditModel::verifyFailed, this, [this](const QString &message) {
        m_verifying = false;
        showError(tr("Could not verify the audit chain: %1").arg(message));
        updateState();
    });
    updateState();
    updateDetails();
}

AuditPage::~AuditPage() = default;

void AuditPage::setSession(const ConsoleSession &session)
{
    m_session = session;
    m_verifying = false;
    m_message->hide();
    m_verifyIcon->hide();
    m_verifyResult->hide();
    m_model->setSource(session.client, session.events);
    updateState();
}

void AuditPage::applyFilter()
{
    AuditFilter filter;
    if (m_fromEnabled->isChecked())
        filter.from = m_from->dateTime();
    if (m_toEnabled->isChecked())
        filter.to = m_to->dateTime();
    filter.actor = m_actor->text().trimmed();
    filter.category = m_category->currentData().toString();
    filter.outcome = m_outcome->currentData().toString();
    filter.entity = m_entity->text().trimmed();
    m_message->hide();
    m_model->setFilter(filter);
    updateState();
}

void AuditPage::clearFilter()
{
    m_fromEnabled->setChecked(false);
    m_toEnabled->setChecked(false);
    m_actor->clear();
    m_category->setCurrentIndex(0);
    m_outcome->setCurrentIndex(0);
    m_entity->clear();
    m_textFilter->clear();
    applyFilter();
}

void AuditPage::verifyChain()
{
    if (!m_session.client || m_verifying)
        return;
    m_verifying = true;
    m_verifyIcon->hide();
    m_verifyResult->setText(tr("Verifying the audit chain… every record is read, so this "
                               "takes a while on a large log."));
    m_verifyResult->show();
    m_model->verifyChain();
    updateState();
}

void AuditPage::showVerification(const AuditVerification &result)
{
    m_verifying = false;
    m_verifyIcon->setPixmap(QIcon(result.intact ? u":/icons/allow.svg"_s : u":/icons/deny.svg"_s)
                                .pixmap(IconSize, IconSize, QIcon::Normal));
    m_verifyIcon->setToolTip(result.intact ? tr("Intact") : tr("Broken"));
    m_verifyIcon->show();
    m_verifyResult->setText(result.sentence());
    m_verifyResult->show();
    updateState();
}

void AuditPage::showError(const QString &message)
{
    m_messageIsLoadError = false;
    m_message->setText(message);
    m_message->show();
}

void AuditPage::updateState()
{
    const bool connected = m_session.isActive();
    for (QWidget *widget : std::initializer_list<QWidget *>{m_apply, m_clear})
        widget->setEnabled(connected);
    m_reload->setEnabled(connected);
    m_verify->setEnabled(connected && !m_verifying);
    m_loadMore->setEnabled(connected && m_model->canLoadMore() && !m_model->isLoading());
    m_loadMore->setVisible(m_model->canLoadMore());
    if (m_model->isLoaded())
        m_count->setText(tr("Showing %1 of %2 records matching the filter.")
                             .arg(QLocale().toString(m_model->rowCount()),
                                  QLocale().toString(m_model->total())));
    else
        m_count->clear();

    if (m_proxy.rowCount() > 0) {
        m_stack->setCurrentWidget(m_view);
        return;
    }
    if (!connected)
        m_emptyState->setText(tr("Not connected to a server. The audit log appears here once "
                                 "the console is connected."));
    else if (!m_model->isLoaded() && m_message->isVisible())
        m_emptyState->setText(tr("The audit log could not be loaded (see the message above). "
                                 "Only administrators may read it."));
    else if (!m_model->isLoaded())
        m_emptyState->setText(tr("Loading the audit log…"));
    else if (m_model->rowCount() == 0)
        m_emptyState->setText(tr("No audit records match the filter. Clear the filter to see "
                                 "every record."));
    else
        m_emptyState->setText(
            tr("None of the loaded records contains “%1”.").arg(m_textFilter->text()));
    m_stack->setCurrentWidget(m_emptyState);
}

void AuditPage::updateDetails()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_details->setText(tr("Select a record to see all it says."));
        return;
    }
    const int sourceRow = m_proxy.mapToSource(rows.constFirst()).row();
    if (sourceRow < 0 || sourceRow >= m_model->rowCount()) {
        m_details->clear();
        return;
    }
    m_details->setText(detailsHtml(m_model->recordAt(sourceRow)));
}

QString AuditPage::detailsHtml(const AuditRecord &record)
{
    QString html = u"<table>"_s;
    html += row(tr("Record"), QLocale().toString(record.id));
    html += row(tr("Time"), QLocale().toString(record.time.toLocalTime(), QLocale::LongFormat) +
                                u" ("_s + record.time.toUTC().toString(Qt::ISODateWithMs) + u')');
    html += row(tr("Actor"), record.actor.isEmpty() ? tr("(anonymous)") : record.actor);
    html += row(tr("Source"), record.source);
    html += row(tr("Category"), record.category);
    html += row(tr("Action"), record.action);
    html += row(tr("Entity"), record.entity);
    html += row(tr("Outcome"), record.outcome);
    for (auto it = record.details.constBegin(); it != record.details.constEnd(); ++it) {
        const QJsonValue value = it.value();
        QString text;
        if (value.isString())
            text = value.toString();
        else if (value.isObject())
            text =
                QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        else if (value.isArray())
            text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        else
            text = value.toVariant().toString();
        html += row(it.key(), text);
    }
    // 64 hex digits do not wrap by themselves: two lines of 32.
    const auto hashRow = [](const QString &label, const QString &hash) -> QString {
        return u"<tr><td style=\"padding-right:12px\"><b>"_s + label.toHtmlEscaped() +
               u"</b></td><td><code>"_s + hash.left(32).toHtmlEscaped() + u"<br>"_s +
               hash.mid(32).toHtmlEscaped() + u"</code></td></tr>"_s;
    };
    html += hashRow(tr("Previous hash"), record.previousHash);
    html += hashRow(tr("Hash"), record.hash);
    html += u"</table>"_s;
    return html;
}

} // namespace Bulwark::Ui
