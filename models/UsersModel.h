// The users of one server as a table (Name, Authentication, Groups, Last
// login, Locked, Enabled). Loads GET /api/Users and GET /api/Groups (a user's
// groups are the groups that list it as a member) and reloads, batched, when
// live events say a user or group changed, or after the event stream had a gap.
#pragma once

#include "KeyedTableModel.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QStringList>
#include <QTimer>

namespace Bulwark::Models {

class ApiClient;
class EventStream;
struct LiveEvent;

struct UserSummary
{
    QString name;
    QString description;
    QString authSource; // "local" or a directory service's name
    bool enabled = true;
    bool locked = false;
    QDateTime lockedUntil; // invalid while unlocked or locked until unlocked
    QDateTime lastLogin;   // invalid before the first sign-in
    QString lastLoginAddress;
    QStringList groups; // direct memberships, sorted

    [[nodiscard]] bool isLocal() const;
    friend bool operator==(const UserSummary &, const UserSummary &) = default;
};

struct GroupMember
{
    enum class Kind
    {
        User,
        Group
    };
    Kind kind = Kind::User;
    QString name;

    friend bool operator==(const GroupMember &, const GroupMember &) = default;
};

struct GroupSummary
{
    QString name;
    QString description;
    QList<GroupMember> members;

    friend bool operator==(const GroupSummary &, const GroupSummary &) = default;
};

class UsersModel final : public KeyedTableModel<UserSummary>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersModel)

public:
    enum Column
    {
        NameColumn,
        AuthSourceColumn,
        GroupsColumn,
        LastLoginColumn,
        LockedColumn,
        EnabledColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1, // the user's name, whatever the column
        SortRole,                    // raw values (QDateTime, bool) for proxies
        EnabledRole,
        LockedRole,
    };

    explicit UsersModel(QObject *parent = nullptr);
    ~UsersModel() override;

    // Switches to another server (or none); clears and reloads.
    void setSource(ApiClient *client, EventStream *events);

    // Reloads at once; a request while one runs is coalesced into one more.
    void refresh();
    // Reloads soon, batching with other changes that arrive meanwhile.
    void scheduleRefresh();

    // Replaces the content, touching only rows that changed (keeps selections).
    void setUsers(const QList<UserSummary> &users);
    [[nodiscard]] static QList<UserSummary> parseUsers(const QJsonDocument &document);
    [[nodiscard]] static QList<GroupSummary> parseGroups(const QJsonDocument &document);
    // Fills each user's direct groups from the groups' member lists.
    static void assignGroups(QList<UserSummary> &users, const QList<GroupSummary> &groups);

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] const UserSummary &userAt(int row) const { return m_rows.at(row); }
    [[nodiscard]] const QList<GroupSummary> &groups() const { return m_groups; }

    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);

private:
    [[nodiscard]] QString rowKey(const UserSummary &row) const override { return row.name; }

    void applyEvent(const LiveEvent &event);
    void finishLoad(quint64 generation);

    QList<GroupSummary> m_groups;
    QPointer<ApiClient> m_client;
    QPointer<EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QMetaObject::Connection m_resyncConnection;
    QTimer m_batchTimer;
    quint64 m_generation = 0; // drops answers from a previous source or load
    // The two answers of the running load; applied together once both are in.
    QJsonDocument m_pendingUsers;
    QJsonDocument m_pendingGroups;
    QString m_pendingError;
    int m_pendingAnswers = 0;
    bool m_requestRunning = false;
    bool m_refreshAgain = false;
    bool m_loaded = false;
};

} // namespace Bulwark::Models
