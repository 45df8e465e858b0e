// The Users & Groups area: a searchable, sortable table of users beside the
// groups as a tree (nesting shown), with a toolbar for everything an
// administrator does to accounts: create, edit, disable or enable, unlock,
// reset the password, end sessions, delete, and create or edit groups.
// Every action that changes what a user can do asks first and says so.
#pragma once

#include "ConsolePage.h"

#include <QPointer>
#include <QSortFilterProxyModel>

#include <functional>

class QAction;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;
class QTreeView;

namespace Bulwark::Models {
class ApiClient;
struct ApiResult;
class GroupsTreeModel;
class UsersModel;
struct UserSummary;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class UsersPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersPage)

public:
    explicit UsersPage(QWidget *parent = nullptr);
    ~UsersPage() override;

    void setSession(const ConsoleSession &session) override;

    [[nodiscard]] Models::UsersModel *usersModel() const { return m_users; }
    [[nodiscard]] Models::GroupsTreeModel *groupsModel() const { return m_groups; }
    [[nodiscard]] QTableView *usersView() const { return m_usersView; }
    [[nodiscard]] QTreeView *groupsView() const { return m_groupsView; }

    // Selects the user in the table (clearing the search if it hides them);
    // false when the table does not show that user.
    bool selectUser(const QString &name);
    [[nodiscard]] QString selectedUser() const;
    [[nodiscard]] QString selectedGroup() const;

private:
    void buildActions();
    void updateState();
    void showMessage(const QString &text, bool isError);
    void confirm(const QString &title, const QString &text, const QString &acceptText,
                 const std::function<void()> &onAccept);
    [[nodiscard]] const Models::UserSummary *selectedSummary() const;

    void openNewUser();
    void openEditUser();
    void openResetPassword();
    void toggleEnabled();
    void unlockUser();
    void endSessions();
    void deleteUser();
    void openNewGroup();
    void openEditGroup();
    void deleteGroup();
    void reportResult(const QString &success, const QString &failurePrefix,
                      const Models::ApiResult &result);

    QPointer<Models::ApiClient> m_client;
    Models::UsersModel *m_users;
    Models::GroupsTreeModel *m_groups;
    QSortFilterProxyModel m_proxy;
    QLineEdit *m_filter;
    QLabel *m_message;
    QStackedWidget *m_stack;
    QTableView *m_usersView;
    QLabel *m_emptyState;
    QTreeView *m_groupsView;
    QString m_loadError;

    QAction *m_newUser = nullptr;
    QAction *m_editUser = nullptr;
    QAction *m_toggleEnabled = nullptr;
    QAction *m_unlock = nullptr;
    QAction *m_resetPassword = nullptr;
    QAction *m_endSessions = nullptr;
    QAction *m_deleteUser = nullptr;
    QAction *m_newGroup = nullptr;
    QAction *m_editGroup = nullptr;
    QAction *m_deleteGroup = nullptr;
    QAction *m_refresh = nullptr;
};

} // namespace Bulwark::Ui
