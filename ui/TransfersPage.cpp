#include "TransfersPage.h"

#include "NewTransferDialog.h"
#include "TransferProgressDelegate.h"
#include "models/ApiClient.h"
#include "models/TransfersModel.h"
#include "wire/Wire.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
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
using Models::ApiResult;
using Models::TransferInfo;
using Models::TransfersModel;

namespace {
QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

QString checkLine(TransferInfo::Check check, const QString &ok, const QString &failed,
                  const QString &pending)
{
    switch (check) {
    case TransferInfo::Check::Ok:
        return u"<span style=\"color:#2e7d32\">✓</span> "_s + ok;
    case TransferInfo::Check::Failed:
        return u"<span style=\"color:#c62828\">✗ "_s + failed + u"</span>"_s;
    case TransferInfo::Check::Pending:
        break;
    }
    return u"… "_s + pending;
}

QString timeText(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::LongFormat);
}
} // namespace

TransfersPage::TransfersPage(QWidget *parent)
    : ConsolePage(parent)
    , m_model(new TransfersModel(this))
    , m_toolbar(new QToolBar(this))
    , m_newTransfer(new QAction(tr("&New transfer…"), this))
    , m_cancel(new QAction(tr("&Cancel transfer"), this))
    , m_retry(new QAction(tr("&Retry"), this))
    , m_refresh(new QAction(tr("Re&load"), this))
    , m_stateFilter(new QComboBox(this))
    , m_filter(new QLineEdit(this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTableView(this))
    , m_emptyState(new QLabel(this))
    , m_message(new QLabel(this))
    , m_details(new QLabel(this))
{
    setObjectName(u"transfersPage"_s);

    m_newTransfer->setObjectName(u"newTransferAction"_s);
    m_newTransfer->setShortcut(QKeySequence::New);
    m_newTransfer->setIcon(
        QIcon::fromTheme(u"document-new"_s, style()->standardIcon(QStyle::SP_FileIcon)));
    m_newTransfer->setToolTip(
        tr("Copy a file between a repository and a device (%1)")
            .arg(m_newTransfer->shortcut().toString(QKeySequence::NativeText)));
    m_cancel->setObjectName(u"cancelTransferAction"_s);
    m_cancel->setShortcut(QKeySequence::Delete);
    m_cancel->setIcon(
        QIcon::fromTheme(u"process-stop"_s, style()->standardIcon(QStyle::SP_BrowserStop)));
    m_cancel->setToolTip(tr("Stop the selected transfer; the partial file is deleted"));
    m_retry->setObjectName(u"retryTransferAction"_s);
    m_retry->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_retry->setIcon(
        QIcon::fromTheme(u"view-refresh"_s, style()->standardIcon(QStyle::SP_BrowserReload)));
    m_retry->setToolTip(tr("Start the selected failed or cancelled transfer again"));
    m_refresh->setObjectName(u"reloadTransfersAction"_s);
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_refresh->setToolTip(tr("Load the queue from the server again"));
    for (QAction *action : {m_newTransfer, m_cancel, m_retry, m_refresh}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    m_toolbar->setObjectName(u"transfersToolbar"_s);
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolbar->addAction(m_newTransfer);
    m_toolbar->addAction(m_cancel);
    m_toolbar->addAction(m_retry);
    m_toolbar->addSeparator();
    m_toolbar->addAction(m_refresh);

    m_stateFilter->setObjectName(u"transferStateFilter"_s);
    m_stateFilter->addItem(tr("All states"), QString());
    for (const char *state : {"queued", "running", "verifying", "done", "failed", "cancelled"}) {
        const QString wire = QString::fromLatin1(state);
        m_stateFilter->addItem(TransfersModel::stateText(wire), wire);
    }
    m_filter->setObjectName(u"transfersFilterEdit"_s);
    m_filter->setPlaceholderText(tr("Filter by Thing, file or state"));
    m_filter->setClearButtonEnabled(true);

    m_stateProxy.setSourceModel(m_model);
    m_stateProxy.setFilterRole(TransfersModel::StateRole);
    m_stateProxy.setFilterKeyColumn(TransfersModel::StateColumn);
    m_textProxy.setSourceModel(&m_stateProxy);
    m_textProxy.setSortRole(TransfersModel::SortRole);
    m_textProxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_textProxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_textProxy.setFilterKeyColumn(-1);
    connect(m_filter, &QLineEdit::textChanged, &m_textProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        const QString state = m_stateFilter->currentData().toString();
        m_stateProxy.setFilterRegularExpression(
            state.isEmpty() ? QString() : u"^"_s + QRegularExpression::escape(state) + u"$"_s);
        updateState();
    });

    m_view->setObjectName(u"transfersView"_s);
    m_view->setModel(&m_textProxy);
    m_view->setItemDelegateForColumn(TransfersModel::ProgressColumn,
                                     new TransferProgressDelegate(m_view));
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TransfersModel::CreatedColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TransfersModel::FileColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(TransfersModel::ProgressColumn, QHeaderView::Interactive);
    header->resizeSection(TransfersModel::ProgressColumn, 220);
    header->setStretchLastSection(false);

    m_emptyState->setObjectName(u"transfersEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyState);

    m_message->setObjectName(u"transfersMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_details->setObjectName(u"transferDetails"_s);
    m_details->setWordWrap(true);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMargin(8);
    auto *detailsScroll = new QScrollArea(this);
    detailsScroll->setObjectName(u"transferDetailsPane"_s);
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setWidget(m_details);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"transfersSplitter"_s);
    splitter->addWidget(m_stack);
    splitter->addWidget(detailsScroll);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({420, 280});

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_stateFilter);
    filters->addWidget(m_filter, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_toolbar);
    layout->addLayout(filters);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_newTransfer, &QAction::triggered, this, &TransfersPage::openNewTransferDialog);
    connect(m_cancel, &QAction::triggered, this, &TransfersPage::cancelSelected);
    connect(m_retry, &QAction::triggered, this, &TransfersPage::retrySelected);
    connect(m_refresh, &QAction::triggered, m_model, &TransfersModel::refresh);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TransfersPage::updateState);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &TransfersPage::updateState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TransfersPage::updateState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TransfersPage::updateState);
    connect(m_model, &TransfersModel::transfersChanged, this, &TransfersPage::updateState);
    connect(m_model, &TransfersModel::loaded, this, [this] {
        // A refused Cancel or Retry stays on screen; a load error is over.
        if (m_messageIsLoadError)
            m_message->hide();
        updateState();
    });
    connect(m_model, &TransfersModel::loadFailed, this, [this](const QString &message) {
        showError(tr("Could not load the transfers: %1").arg(message));
        m_messageIsLoadError = true;
        updateState();
    });
    updateState();
}

TransfersPage::~TransfersPage() = default;

void TransfersPage::setSession(const ConsoleSession &session)
{
    m_session = session;
    m_message->hide();
    m_model->setSource(session.client, session.events);
    updateState();
}

QString TransfersPage::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.constFirst().data(TransfersModel::IdRole).toString();
}

bool TransfersPage::selectTransfer(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index =
        m_textProxy.mapFromSource(m_stateProxy.mapFromSource(m_model->index(row, 0)));
    if (!index.isValid())
        return false;
    m_view->selectRow(index.row());
    m_view->scrollTo(index);
    return true;
}

void TransfersPage::updateState()
{
    const bool connected = m_session.isActive();
    const QString id = selectedId();
    const int row = id.isEmpty() ? -1 : m_model->rowOf(id);
    const TransferInfo *selected = row >= 0 ? &m_model->transferAt(row) : nullptr;
    m_newTransfer->setEnabled(connected);
    m_refresh->setEnabled(connected);
    m_cancel->setEnabled(connected && selected && selected->canCancel());
    m_retry->setEnabled(connected && selected && selected->canRetry());
    updateDetails();

    if (m_textProxy.rowCount() > 0) {
        m_stack->setCurrentWidget(m_view);
        return;
    }
    if (!connected)
        m_emptyState->setText(tr("Not connected to a server. File transfers appear here once "
                                 "the console is connected."));
    else if (!m_model->isLoaded())
        m_emptyState->setText(tr("Loading file transfers…"));
    else if (m_model->rowCount() == 0)
        m_emptyState->setText(
            tr("No file transfers yet — start one with New transfer…, or let a device upload"));
    else
        m_emptyState->setText(tr("No transfer matches the filter."));
    m_stack->setCurrentWidget(m_emptyState);
}

void TransfersPage::updateDetails()
{
    const QString id = selectedId();
    const int row = id.isEmpty() ? -1 : m_model->rowOf(id);
    if (row < 0) {
        m_details->setText(tr("Select a transfer to see its details and verification."));
        return;
    }
    m_details->setText(detailsHtml(m_model->transferAt(row)));
}

QString TransfersPage::detailsHtml(const TransferInfo &transfer)
{
    QString html =
        u"<p><b>"_s +
        tr("%1 from %2 to %3")
            .arg(escaped(transfer.sourcePath), escaped(transfer.sourceThing),
                 escaped(transfer.targetThing)) +
        u"</b><br>"_s +
        tr("Target: %1:%2").arg(escaped(transfer.targetThing), escaped(transfer.targetPath)) +
        u"</p><p>"_s;
    html += tr("State: %1").arg(escaped(TransfersModel::stateText(transfer.state)));
    if (!transfer.waiting.isEmpty())
        html += u" — "_s + escaped(transfer.waiting);
    if (!transfer.errorMessage.isEmpty())
        html += u"<br><span style=\"color:#c62828\">"_s +
                escaped(tr("Error (%1): %2").arg(transfer.errorCode, transfer.errorMessage)) +
                u"</span>"_s;
    html += u"<br>"_s;
    if (transfer.size >= 0)
        html += tr("Transferred: %1 of %2 (%3 %)")
                    .arg(TransfersModel::formatBytes(transfer.bytes),
                         TransfersModel::formatBytes(transfer.size))
                    .arg(transfer.percent());
    else
        html += tr("Transferred: %1 (size not known yet)")
                    .arg(TransfersModel::formatBytes(transfer.bytes));
    if (transfer.state == "running"_L1) {
        html +=
            u"<br>"_s + tr("Speed: %1").arg(TransfersModel::formatSpeed(transfer.bytesPerSecond));
        const qint64 left = transfer.secondsLeft();
        if (left >= 0)
            html += u"<br>"_s + tr("Time left: %1").arg(TransfersModel::formatDuration(left));
    }
    html += u"<br>"_s + tr("Resumes after a lost connection: %1").arg(transfer.resumes);
    html += u"<br>"_s + tr("Requested by %1").arg(escaped(transfer.requestedBy));
    html += u"<br>"_s + tr("Created %1").arg(timeText(transfer.created));
    if (transfer.started.isValid())
        html += u"<br>"_s + tr("Started %1").arg(timeText(transfer.started));
    if (transfer.finished.isValid())
        html += u"<br>"_s + tr("Finished %1").arg(timeText(transfer.finished));
    html += u"<br>"_s + (transfer.overwrite ? tr("Replaces an existing target file")
                                            : tr("Does not replace an existing target file"));
    html += u"</p><p><b>"_s + tr("Verification") + u"</b><br>"_s;

    const qint64 chunks = transfer.chunkCount();
    QString chunksOk = chunks > 0 ? tr("all %n chunks authenticated", nullptr, int(chunks))
                                  : tr("all chunks authenticated");
    QString chunksPending =
        chunks > 0 ? tr("%1 of %n chunks authenticated so far", nullptr, int(chunks))
                         .arg(transfer.chunksVerified)
                   : tr("%n chunks authenticated so far", nullptr, int(transfer.chunksVerified));
    html += checkLine(transfer.chunksCheck, chunksOk,
                      tr("a chunk failed authentication: the data was altered or cut short"),
                      chunksPending) +
            u"<br>"_s;
    html += checkLine(transfer.sizeCheck,
                      tr("size matches (%1)").arg(TransfersModel::formatBytes(transfer.size)),
                      tr("size does not match"), tr("size not checked yet")) +
            u"<br>"_s;
    html += checkLine(transfer.md5Check, tr("MD5 matches"), tr("MD5 does not match"),
                      tr("MD5 not checked yet"));
    if (!transfer.md5.isEmpty())
        html += u" <code>"_s + escaped(transfer.md5) + u"</code>"_s;
    html += u"<br>"_s;
    html += checkLine(transfer.sha256Check, tr("SHA-256 matches"), tr("SHA-256 does not match"),
                      tr("SHA-256 not checked yet"));
    if (!transfer.sha256.isEmpty())
        html += u" <code>"_s + escaped(transfer.sha256) + u"</code>"_s;
    html += u"</p><p><small>"_s + tr("Transfer %1").arg(escaped(transfer.id)) + u"</small></p>"_s;
    return html;
}

void TransfersPage::openNewTransferDialog()
{
    if (!m_session.client)
        return;
    auto *dialog = new NewTransferDialog(m_session.client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &NewTransferDialog::transferStarted, this, [this](const QJsonObject &object) {
        m_message->hide();
        m_model->applyTransfer(object);
        selectTransfer(object.value("id"_L1).toString());
    });
    // open(), not exec(): live updates keep arriving while it is shown.
    dialog->open();
}

void TransfersPage::cancelSelected()
{
    const QString id = selectedId();
    const int row = id.isEmpty() ? -1 : m_model->rowOf(id);
    if (row < 0 || !m_session.client)
        return;
    const TransferInfo &transfer = m_model->transferAt(row);
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Cancel Transfer"),
        tr("Cancel the transfer of “%1” from %2 to %3? What was copied so far is deleted; "
           "you can start it again later with Retry.")
            .arg(transfer.sourcePath, transfer.sourceThing, transfer.targetThing),
        QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(u"confirmCancelTransferDialog"_s);
    box->setDefaultButton(QMessageBox::No);
    box->button(QMessageBox::Yes)->setText(tr("Cancel transfer"));
    box->button(QMessageBox::No)->setText(tr("Keep it running"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, id](QAbstractButton *button) {
        if (box->standardButton(button) == QMessageBox::Yes)
            cancelTransfer(id);
    });
    box->open();
}

void TransfersPage::cancelTransfer(const QString &id)
{
    if (!m_session.client)
        return;
    m_session.client->post(
        Wire::ApiPrefix + Wire::Transfers + u'/' + id + u"/Cancel"_s, {}, this,
        [this](const ApiResult &result) {
            if (!result.isOk()) {
                showError(tr("The transfer was not cancelled: %1").arg(result.errorMessage));
                m_model->refresh();
                return;
            }
            m_message->hide();
            m_model->applyTransfer(result.body.object());
        });
}

void TransfersPage::retrySelected()
{
    const QString id = selectedId();
    if (id.isEmpty() || !m_session.client)
        return;
    m_session.client->post(
        Wire::ApiPrefix + Wire::Transfers + u'/' + id + u"/Retry"_s, {}, this,
        [this](const ApiResult &result) {
            if (!result.isOk()) {
                showError(tr("The transfer was not started again: %1").arg(result.errorMessage));
                m_model->refresh();
                return;
            }
            m_message->hide();
            const QJsonObject object = result.body.object();
            m_model->applyTransfer(object);
            selectTransfer(object.value("id"_L1).toString());
        });
}

void TransfersPage::showError(const QString &message)
{
    m_messageIsLoadError = false;
    m_message->setText(message);
    m_message->show();
}

} // namespace Bulwark::Ui
