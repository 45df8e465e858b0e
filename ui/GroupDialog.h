// Creates a group or edits one: its description and direct members, users
// and other groups, picked from a searchable checklist. The server refuses a
// membership that would make a cycle; its message is shown as it is.
#pragma once

#include "models/UsersModel.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class GroupDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GroupDialog)

public:
    // An empty `group.name` creates a new group. `users` and `groups` are
    // the names offered as members.
    GroupDialog(Models::ApiClient *client, const Models::GroupSummary &group,
                const QStringList &users, const QStringList &groups, QWidget *parent = nullptr);

    // Checks or unchecks one offered member; false when it is not offered.
    bool setMemberChecked(Models::GroupMember::Kind kind, const QString &name, bool checked);

Q_SIGNALS:
    void groupSaved(const QString &name);

private:
    void addCandidate(Models::GroupMember::Kind kind, const QString &name, bool checked);
    void applyFilter(const QString &text);
    void updateValidity();
    void submit();

    QPointer<Models::ApiClient> m_client;
    bool m_creating;
    Models::GroupSummary m_original; // as it was when the dialog opened
    QLineEdit *m_name;
    QLineEdit *m_description;
    QLineEdit *m_filter;
    QListWidget *m_members;
    QLabel *m_error;
    QPushButton *m_save = nullptr;
    bool m_busy = false;
};

} // namespace Bulwark::Ui
