#include "UsersPage.h"

#include "GroupDialog.h"
#include "UserDialog.h"
#include "models/ApiClient.h"
#include "models/GroupsTreeModel.h"
#include "models/UsersModel.h"
#include "wire/Wire.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::GroupMember;
using Models::GroupsTreeModel;
using Models::UsersModel;
using Models::UserSummary;

UsersPage::UsersPage(QWidget *parent)
    : ConsolePage(parent)
    , m_users(new UsersModel(this))
    , m_groups(new GroupsTreeModel(this))
    , m_filter(new QLineEdit(this))
    , m_message(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_usersView(new QTableView(this))
    , m_emptyState(new QLabel(this))
    , m_groupsView(new QTreeView(this))
{
    setObjectName(u"usersPage"_s);
    m_filter->setObjectName(u"usersFilterEdit"_s);
    m_filter->setPlaceholderText(tr("Search users by name, authentication, group or state"));
    m_filter->setClearButtonEnabled(true);

    m_proxy.setSourceModel(m_users);
    m_proxy.setSortRole(UsersModel::SortRole);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterKeyColumn(-1);
    connect(m_filter, &QLineEdit::textChanged, &m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_usersView->setObjectName(u"usersView"_s);
    m_usersView->setModel(&m_proxy);
    m_usersView->setSortingEnabled(true);
    m_usersView->sortByColumn(UsersModel::NameColumn, Qt::AscendingOrder);
    m_usersView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_usersView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_usersView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_usersView->verticalHeader()->hide();
    QHeaderView *header = m_usersView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(UsersModel::GroupsColumn, QHeaderView::Stretch);
    header->setStretchLastSection(false);

    m_emptyState->setObjectName(u"usersEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_stack->addWidget(m_usersView);
    m_stack->addWidget(m_emptyState);

    m_groupsView->setObjectName(u"groupsTree"_s);
    m_groupsView->setModel(m_groups);
    m_groupsView->setHeaderHidden(false);
    m_groupsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_groupsView->setUniformRowHeights(true);
    m_groupsView->header()->setSectionResizeMode(GroupsTreeModel::NameColumn,
                                                 QHeaderView::ResizeToContents);
    // Groups are few: show the whole nesting after every reload.
    connect(m_groups, &QAbstractItemModel::modelReset, m_groupsView, &QTreeView::expandAll);
    connect(m_users, &UsersModel::loaded, this, [this] { m_groups->setGroups(m_users->groups()); });

    m_message->setObjectName(u"usersMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto *toolbar = new QToolBar(this);
    toolbar->setObjectName(u"usersToolBar"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    buildActions();
    toolbar->addActions({m_newUser, m_editUser, m_toggleEnabled, m_unlock, m_resetPassword,
                         m_endSessions, m_deleteUser});
    toolbar->addSeparator();
    toolbar->addAction(m_refresh);
    // The group actions sit over the tree they act on.
    auto *groupsToolbar = new QToolBar(this);
    groupsToolbar->setObjectName(u"groupsToolBar"_s);
    groupsToolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    groupsToolbar->addActions({m_newGroup, m_editGroup, m_deleteGroup});

    auto *groupsPane = new QWidget(this);
    auto *groupsLayout = new QVBoxLayout(groupsPane);
    groupsLayout->setContentsMargins(0, 0, 0, 0);
    auto *groupsTitle = new QLabel(
        tr("Groups: the members of a group inside another belong to the outer group too"), this);
    groupsTitle->setWordWrap(true);
    groupsLayout->addWidget(groupsTitle);
    groupsLayout->addWidget(groupsToolbar);
    groupsLayout->addWidget(m_groupsView, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(u"usersSplitter"_s);
    splitter->addWidget(m_stack);
    splitter->addWidget(groupsPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addWidget(m_filter);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_usersView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &UsersPage::updateState);
    connect(m_usersView, &QAbstractItemView::doubleClicked, this, [this] { openEditUser(); });
    connect(m_groupsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &UsersPage::updateState);
    connect(m_groupsView, &QAbstractItemView::doubleClicked, this, [this] { openEditGroup(); });
    connect(m_users, &QAbstractItemModel::dataChanged, this, &UsersPage::updateState);
    connect(m_users, &QAbstractItemModel::rowsInserted, this, &UsersPage::updateState);
    connect(m_users, &QAbstractItemModel::rowsRemoved, this, &UsersPage::updateState);
    connect(m_users, &UsersModel::loaded, this, [this] {
        if (!m_loadError.isEmpty())
            m_message->hide();
        m_loadError.clear();
        updateState();
    });
    connect(m_users, &UsersModel::loadFailed, this, [this](const QString &message) {
        m_loadError = message;
        showMessage(tr("Could not load the users: %1").arg(message), true);
        updateState();
    });
    updateState();
}

UsersPage::~UsersPage() = default;

void UsersPage::buildActions()
{
    const auto make = [this](const QString &text, const QString &name, QStyle::StandardPixmap icon,
                             const QString &tip, const std::function<void()> &handler) {
        auto *action = new QAction(style()->standardIcon(icon), text, this);
        action->setObjectName(name);
        action->setToolTip(tip);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, handler);
        addAction(action);
        return action;
    };
    m_newUser = make(tr("New User…"), u"newUserAction"_s, QStyle::SP_FileIcon,
                     tr("Create a user account"), [this] { openNewUser(); });
    m_newUser->setShortcut(QKeySequence::New);
    m_editUser = make(tr("Edit…"), u"editUserAction"_s, QStyle::SP_FileDialogDetailedView,
                      tr("Change the selected user's description, state or authentication"),
                      [this] { openEditUser(); });
    m_editUser->setShortcut(Qt::Key_F2);
    m_toggleEnabled =
        make(tr("Disable"), u"toggleUserEnabledAction"_s, QStyle::SP_DialogCancelButton,
             tr("Disable or enable the selected user"), [this] { toggleEnabled(); });
    m_unlock = make(tr("Unlock"), u"unlockUserAction"_s, QStyle::SP_DialogOpenButton,
                    tr("End the lockout after too many wrong passwords"), [this] { unlockUser(); });
    m_resetPassword =
        make(tr("Reset Password…"), u"resetPasswordAction"_s, QStyle::SP_BrowserReload,
             tr("Set a new password for the selected user"), [this] { openResetPassword(); });
    m_endSessions =
        make(tr("End Sessions"), u"endSessionsAction"_s, QStyle::SP_BrowserStop,
             tr("Sign the selected user out everywhere and close their live connections"),
             [this] { endSessions(); });
    m_deleteUser = make(tr("Delete"), u"deleteUserAction"_s, QStyle::SP_TrashIcon,
                        tr("Delete the selected user"), [this] { deleteUser(); });
    m_deleteUser->setShortcut(QKeySequence::Delete);
    m_newGroup = make(tr("New Group…"), u"newGroupAction"_s, QStyle::SP_FileDialogNewFolder,
                      tr("Create a group"), [this] { openNewGroup(); });
    m_editGroup = make(tr("Edit Members…"), u"editGroupAction"_s, QStyle::SP_DirOpenIcon,
                       tr("Change the members of the group selected in the tree"),
                       [this] { openEditGroup(); });
    m_deleteGroup = make(tr("Delete Group"), u"deleteGroupAction"_s, QStyle::SP_TrashIcon,
                         tr("Delete the group selected in the tree"), [this] { deleteGroup(); });
    m_refresh = make(tr("Refresh"), u"refreshUsersAction"_s, QStyle::SP_BrowserReload,
                     tr("Load users and groups again"), [this] { m_users->refresh(); });
    m_refresh->setShortcut(QKeySequence::Refresh);
}

void UsersPage::setSession(const ConsoleSession &session)
{
    m_client = session.client;
    m_loadError.clear();
    m_message->hide();
    m_users->setSource(session.client, session.events);
    m_groups->setGroups({});
    updateState();
}

bool UsersPage::selectUser(const QString &name)
{
    const int row = m_users->rowOf(name);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy.mapFromSource(m_users->index(row, 0));
    if (!index.isValid()) {
        m_filter->clear();
        index = m_proxy.mapFromSource(m_users->index(row, 0));
    }
    m_usersView->selectRow(index.row());
    m_usersView->scrollTo(index);
    return true;
}

QString UsersPage::selectedUser() const
{
    const QModelIndexList rows = m_usersView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.constFirst().data(UsersModel::NameRole).toString();
}

const UserSummary *UsersPage::selectedSummary() const
{
    const int row = m_users->rowOf(selectedUser());
    return row < 0 ? nullptr : &m_users->userAt(row);
}

QString UsersPage::selectedGroup() const
{
    const QModelIndexList rows = m_groupsView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    QModelIndex index = rows.constFirst();
    // A user leaf stands for the group it is listed in.
    if (index.data(GroupsTreeModel::KindRole).toInt() == int(GroupMember::Kind::User))
        index = index.parent();
    return index.data(GroupsTreeModel::NameRole).toString();
}

void UsersPage::updateState()
{
    const bool connected = !m_client.isNull();
    const UserSummary *user = selectedSummary();
    m_newUser->setEnabled(connected);
    m_newGroup->setEnabled(connected);
    m_refresh->setEnabled(connected);
    m_editUser->setEnabled(connected && user);
    m_toggleEnabled->setEnabled(connected && user);
    m_toggleEnabled->setText(user && !user->enabled ? tr("Enable") : tr("Disable"));
    m_toggleEnabled->setIcon(style()->standardIcon(
        user && !user->enabled ? QStyle::SP_DialogApplyButton : QStyle::SP_DialogCancelButton));
    m_unlock->setEnabled(connected && user && user->locked);
    m_resetPassword->setEnabled(connected && user && user->isLocal());
    m_endSessions->setEnabled(connected && user);
    m_deleteUser->setEnabled(connected && user);
    const bool hasGroup = !selectedGroup().isEmpty();
    m_editGroup->setEnabled(connected && hasGroup);
    m_deleteGroup->setEnabled(connected && hasGroup);

    if (m_users->rowCount() > 0) {
        m_stack->setCurrentWidget(m_usersView);
        return;
    }
    if (!connected)
        m_emptyState->setText(tr("Not connected to a server. Users and groups appear here once "
                                 "the console is connected."));
    else if (!m_loadError.isEmpty())
        m_emptyState->setText(tr("The users cannot be shown: %1").arg(m_loadError));
    else
        m_emptyState->setText(tr("Loading users…"));
    m_stack->setCurrentWidget(m_emptyState);
}

void UsersPage::showMessage(const QString &text, bool isError)
{
    m_message->setText(text);
    m_message->setProperty("isError", isError);
    m_message->setStyleSheet(isError ? u"color: #c62828; font-weight: bold;"_s : QString());
    m_message->show();
}

void UsersPage::confirm(const QString &title, const QString &text, const QString &acceptText,
                        const std::function<void()> &onAccept)
{
    auto *box = new QMessageBox(QMessageBox::Question, title, text,
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmUserActionDialog"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(acceptText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [box, onAccept](QAbstractButton *button) {
        if (box->standardButton(button) == QMessageBox::Yes)
            onAccept();
    });
    // open(), not exec(): live updates keep arriving while it is shown.
    box->open();
}

void UsersPage::reportResult(const QString &success, const QString &failurePrefix,
                             const ApiResult &result)
{
    if (result.isOk())
        showMessage(success, false);
    else
        showMessage(failurePrefix + u' ' + result.errorMessage, true);
    m_users->refresh();
}

void UsersPage::openNewUser()
{
    if (!m_client)
        return;
    auto *dialog = new UserDialog(m_client, UserDialog::Mode::Create, {}, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &UserDialog::userSaved, this, [this](const QString &name) {
        showMessage(tr("Created the user %1.").arg(name), false);
        m_users->refresh();
        auto selectWhenLoaded = std::make_shared<QMetaObject::Connection>();
        *selectWhenLoaded =
            connect(m_users, &UsersModel::loaded, this, [this, name, selectWhenLoaded] {
                disconnect(*selectWhenLoaded);
                selectUser(name);
            });
    });
    dialog->open();
}

void UsersPage::openEditUser()
{
    const UserSummary *user = selectedSummary();
    if (!m_client || !user)
        return;
    auto *dialog = new UserDialog(m_client, UserDialog::Mode::Edit, *user, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &UserDialog::userSaved, this, [this](const QString &name) {
        showMessage(tr("Saved the user %1.").arg(name), false);
        m_users->refresh();
    });
    dialog->open();
}

void UsersPage::openResetPassword()
{
    const UserSummary *user = selectedSummary();
    if (!m_client || !user)
        return;
    auto *dialog = new UserDialog(m_client, UserDialog::Mode::ResetPassword, *user, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &UserDialog::userSaved, this, [this](const QString &name) {
        showMessage(tr("Set a new password for %1; their sessions have ended.").arg(name), false);
        m_users->refresh();
    });
    dialog->open();
}

void UsersPage::toggleEnabled()
{
    const UserSummary *user = selectedSummary();
    if (!m_client || !user)
        return;
    const UserSummary target = *user;
    const bool enable = !target.enabled;
    const QString text =
        enable ? tr("Enable the user “%1”? They can sign in again with their password or "
                    "directory account.")
                     .arg(target.name)
               : tr("Disable the user “%1”? They can no longer sign in, every session of theirs "
                    "ends and their live connections (event streams, device sessions) close at "
                    "once. You can enable them again later.")
                     .arg(target.name);
    confirm(enable ? tr("Enable User") : tr("Disable User"), text,
            enable ? tr("Enable") : tr("Disable"), [this, target, enable] {
                if (!m_client)
                    return;
                // PUT replaces these fields: send the others back unchanged.
                const QJsonObject body{
                    {Wire::Description, target.description},
                    {Wire::Enabled, enable},
                    {Wire::AuthSource, target.isLocal() ? u"local"_s : target.authSource}};
                m_client->put(Models::ApiClient::entityPath(Wire::Users, target.name), body, this,
                              [this, target, enable](const ApiResult &result) {
                                  reportResult(enable ? tr("Enabled the user %1.").arg(target.name)
                                                      : tr("Disabled the user %1; their sessions "
                                                           "have ended.")
                                                            .arg(target.name),
                                               tr("Could not change %1:").arg(target.name), result);
                              });
            });
}

void UsersPage::unlockUser()
{
    const UserSummary *user = selectedSummary();
    if (!m_client || !user)
        return;
    const QString name = user->name;
    confirm(tr("Unlock User"),
            tr("Unlock “%1”? The lockout ends and the count of wrong passwords starts again, so "
               "the next sign-in with the right password succeeds.")
                .arg(name),
            tr("Unlock"), [this, name] {
                if (!m_client)
                    return;
                m_client->post(Models::ApiClient::entityPath(Wire::Users, name) + u'/' +
                                   Wire::UnlockAction,
                               {}, this, [this, name](const ApiResult &result) {
                                   reportResult(tr("Unlocked %1.").arg(name),
                                                tr("Could not unlock %1:").arg(name), result);
                               });
            });
}

void UsersPage::endSessions()
{
    const UserSummary *user = selectedSummary();
    if (!m_client || !user)
        return;
    const QString name = user->name;
    confirm(tr("End Sessions"),
            tr("End every session of “%1”? They are signed out everywhere and their live "
               "connections (event streams and device sessions) close at once. Their password "
               "stays, so they can sign in again: use this for a lost laptop.")
                .arg(name),
            tr("End Sessions"), [this, name] {
                if (!m_client)
                    return;
                m_client->post(Models::ApiClient::entityPath(Wire::Users, name) + u'/' +
                                   Wire::EndSessionsAction,
                               {}, this, [this, name](const ApiResult &result) {
                                   reportResult(tr("Ended every session of %1.").arg(name),
                                                tr("Could not end the sessions of %1:").arg(name),
                                                result);
                               });
            });
}

void UsersPage::deleteUser()
{
    const UserSummary *user = selectedSummary();
    if (!m_client || !user)
        return;
    const QString name = user->name;
    confirm(tr("Delete User"),
            tr("Delete the user “%1”? Their application keys are deleted too, they leave every "
               "group and their sessions end. This cannot be undone.")
                .arg(name),
            tr("Delete"), [this, name] {
                if (!m_client)
                    return;
                m_client->remove(Models::ApiClient::entityPath(Wire::Users, name), this,
                                 [this, name](const ApiResult &result) {
                                     reportResult(tr("Deleted the user %1.").arg(name),
                                                  tr("Could not delete %1:").arg(name), result);
                                 });
            });
}

void UsersPage::openNewGroup()
{
    if (!m_client)
        return;
    QStringList users;
    for (int row = 0; row < m_users->rowCount(); ++row)
        users.append(m_users->userAt(row).name);
    QStringList groups;
    for (const Models::GroupSummary &group : m_users->groups())
        groups.append(group.name);
    auto *dialog = new GroupDialog(m_client, {}, users, groups, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &GroupDialog::groupSaved, this, [this](const QString &name) {
        showMessage(tr("Created the group %1.").arg(name), false);
        m_users->refresh();
    });
    dialog->open();
}

void UsersPage::openEditGroup()
{
    const QString name = selectedGroup();
    if (!m_client || name.isEmpty())
        return;
    Models::GroupSummary current;
    QStringList groups;
    for (const Models::GroupSummary &group : m_users->groups()) {
        groups.append(group.name);
        if (group.name == name)
            current = group;
    }
    if (current.name.isEmpty())
        return;
    QStringList users;
    for (int row = 0; row < m_users->rowCount(); ++row)
        users.append(m_users->userAt(row).name);
    auto *dialog = new GroupDialog(m_client, current, users, groups, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &GroupDialog::groupSaved, this, [this](const QString &saved) {
        showMessage(tr("Saved the members of %1.").arg(saved), false);
        m_users->refresh();
    });
    dialog->open();
}

void UsersPage::deleteGroup()
{
    const QString name = selectedGroup();
    if (!m_client || name.isEmpty())
        return;
    confirm(tr("Delete Group"),
            tr("Delete the group “%1”? Its members lose the rights they had through it, and "
               "groups that contain it lose its members. The users themselves stay. This "
               "cannot be undone.")
                .arg(name),
            tr("Delete"), [this, name] {
                if (!m_client)
                    return;
                m_client->remove(Models::ApiClient::entityPath(Wire::Groups, name), this,
                                 [this, name](const ApiResult &result) {
                                     reportResult(tr("Deleted the group %1.").arg(name),
                                                  tr("Could not delete the group %1:").arg(name),
                                                  result);
                                 });
            });
}

} // namespace Bulwark::Ui
