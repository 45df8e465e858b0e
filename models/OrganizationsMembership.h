// Which units a user belongs to, across every organization: listed as a
// member, or in a listed group (directly or through nested groups), as the
// server decides visibility (docs/security-model.md). Reads GET /api/Groups
// and the members of each unit; the answer comes back as a signal.
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

namespace Bulwark::Models {

class ApiClient;

class OrganizationsMembership final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrganizationsMembership)

public:
    explicit OrganizationsMembership(QObject *parent = nullptr);
    ~OrganizationsMembership() override;

    // `unitPaths` are "Organization/Unit". A new call drops the previous one.
    void find(ApiClient *client, const QString &user, const QStringList &unitPaths);
    void cancel();

    // The groups `user` is in, directly or through nested groups, each with
    // the chain that leads there ("alice → NightShift → Operators").
    [[nodiscard]] static QHash<QString, QString>
    groupsOf(const QString &user, const QHash<QString, QList<QPair<bool, QString>>> &members);

Q_SIGNALS:
    // "Organization/Unit" → why the user belongs there.
    void found(const QString &user, const QHash<QString, QString> &unitsWithReasons);
    void failed(const QString &user, const QString &message);

private:
    quint64 m_generation = 0;
};

} // namespace Bulwark::Models
