#include "AppKeysPage.h"

#include "AppKeyDialog.h"
#include "AppKeySecretDialog.h"
#include "models/ApiClient.h"
#include "models/AppKeysModel.h"
#include "wire/Wire.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::AppKeysModel;

AppKeysPage::AppKeysPage(QWidget *parent)
    : ConsolePage(parent)
    , m_model(new AppKeysModel(this))
    , m_filter(new QLineEdit(this))
    , m_message(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTableView(this))
    , m_emptyState(new QLabel(this))
{
    setObjectName(u"appKeysPage"_s);
    m_filter->setObjectName(u"appKeysFilterEdit"_s);
    m_filter->setPlaceholderText(tr("Search keys by name, user, address or state"));
    m_filter->setClearButtonEnabled(true);

    m_proxy.setSourceModel(m_model);
    m_proxy.setSortRole(AppKeysModel::SortRole);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterKeyColumn(-1);
    connect(m_filter, &QLineEdit::textChanged, &m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_view->setObjectName(u"appKeysView"_s);
    m_view->setModel(&m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AppKeysModel::NameColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(AppKeysModel::AddressesColumn, QHeaderView::Stretch);
    header->setStretchLastSection(false);

    m_emptyState->setObjectName(u"appKeysEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyState);

    m_message->setObjectName(u"appKeysMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_newKey = new QAction(style()->standardIcon(QStyle::SP_FileIcon), tr("New Key…"), this);
    m_newKey->setObjectName(u"newAppKeyAction"_s);
    m_newKey->setShortcut(QKeySequence::New);
    m_newKey->setToolTip(tr("Create a key that lets a program act as a user"));
    m_revoke = new QAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("Revoke"), this);
    m_revoke->setObjectName(u"revokeAppKeyAction"_s);
    m_revoke->setShortcut(QKeySequence::Delete);
    m_revoke->setToolTip(tr("Delete the selected key: programs using it are refused at once"));
    m_refresh = new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh"), this);
    m_refresh->setObjectName(u"refreshAppKeysAction"_s);
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_refresh->setToolTip(tr("Load the keys again (for example to see their last use)"));
    for (QAction *action : {m_newKey, m_revoke, m_refresh}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_newKey, &QAction::triggered, this, &AppKeysPage::openNewKey);
    connect(m_revoke, &QAction::triggered, this, &AppKeysPage::confirmRevoke);
    connect(m_refresh, &QAction::triggered, m_model, &AppKeysModel::refresh);

    auto *toolbar = new QToolBar(this);
    toolbar->setObjectName(u"appKeysToolBar"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addActions({m_newKey, m_revoke});
    toolbar->addSeparator();
    toolbar->addAction(m_refresh);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addWidget(m_filter);
    layout->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AppKeysPage::updateState);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &AppKeysPage::updateState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &AppKeysPage::updateState);
    connect(m_model, &AppKeysModel::loaded, this, [this] {
        if (!m_loadError.isEmpty())
            m_message->hide();
        m_loadError.clear();
        updateState();
    });
    connect(m_model, &AppKeysModel::loadFailed, this, [this](const QString &message) {
        m_loadError = message;
        showMessage(tr("Could not load the application keys: %1").arg(message), true);
        updateState();
    });
    updateState();
}

AppKeysPage::~AppKeysPage() = default;

void AppKeysPage::setSession(const ConsoleSession &session)
{
    m_client = session.client;
    m_user = session.user;
    m_loadError.clear();
    m_message->hide();
    m_model->setSource(session.client, session.events);
    updateState();
}

bool AppKeysPage::selectKey(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy.mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        m_filter->clear();
        index = m_proxy.mapFromSource(m_model->index(row, 0));
    }
    m_view->selectRow(index.row());
    m_view->scrollTo(index);
    return true;
}

QString AppKeysPage::selectedKey() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.constFirst().data(AppKeysModel::NameRole).toString();
}

void AppKeysPage::updateState()
{
    const bool connected = !m_client.isNull();
    m_newKey->setEnabled(connected);
    m_refresh->setEnabled(connected);
    m_revoke->setEnabled(connected && !selectedKey().isEmpty());
    if (m_model->rowCount() > 0) {
        m_stack->setCurrentWidget(m_view);
        return;
    }
    if (!connected)
        m_emptyState->setText(tr("Not connected to a server. Application keys appear here once "
                                 "the console is connected."));
    else if (!m_loadError.isEmpty())
        m_emptyState->setText(tr("The keys cannot be shown: %1").arg(m_loadError));
    else if (!m_model->isLoaded())
        m_emptyState->setText(tr("Loading application keys…"));
    else
        m_emptyState->setText(tr("No application keys yet — create one with New Key… A key lets "
                                 "a script or another system act as a user without their "
                                 "password."));
    m_stack->setCurrentWidget(m_emptyState);
}

void AppKeysPage::showMessage(const QString &text, bool isError)
{
    m_message->setText(text);
    m_message->setStyleSheet(isError ? u"color: #c62828; font-weight: bold;"_s : QString());
    m_message->show();
}

void AppKeysPage::openNewKey()
{
    if (!m_client)
        return;
    auto *dialog = new AppKeyDialog(m_client, m_user, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &AppKeyDialog::keyCreated, this, &AppKeysPage::showSecret);
    dialog->open();
}

void AppKeysPage::showSecret(const QString &name, const QString &secret)
{
    showMessage(tr("Created the application key %1.").arg(name), false);
    m_model->refresh();
    auto selectWhenLoaded = std::make_shared<QMetaObject::Connection>();
    *selectWhenLoaded =
        connect(m_model, &AppKeysModel::loaded, this, [this, name, selectWhenLoaded] {
            disconnect(*selectWhenLoaded);
            selectKey(name);
        });
    auto *dialog = new AppKeySecretDialog(name, secret, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void AppKeysPage::confirmRevoke()
{
    const QString name = selectedKey();
    if (name.isEmpty() || !m_client)
        return;
    const int row = m_model->rowOf(name);
    const QString user = row < 0 ? QString() : m_model->keyAt(row).user;
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Revoke Application Key"),
        tr("Revoke the key “%1” of %2? Every program that uses it is refused from the next "
           "request on, and its open live connections close. This cannot be undone: a new key "
           "gets a new secret.")
            .arg(name, user),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmRevokeDialog"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Revoke"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, name](QAbstractButton *button) {
        if (box->standardButton(button) == QMessageBox::Yes)
            revoke(name);
    });
    box->open();
}

void AppKeysPage::revoke(const QString &name)
{
    if (!m_client)
        return;
    m_client->remove(
        Models::ApiClient::entityPath(Wire::ApplicationKeys, name), this,
        [this, name](const ApiResult &result) {
            if (result.isOk())
                showMessage(tr("Revoked the key %1.").arg(name), false);
            else
                showMessage(tr("Could not revoke %1: %2").arg(name, result.errorMessage), true);
            m_model->refresh();
        });
}

} // namespace Bulwark::Ui
