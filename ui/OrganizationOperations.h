// The changes the Organizations page makes, each one REST call (or a short
// sequence) whose answer is checked against what was asked: used for the
// page's actions and for undoing them. Also takes a snapshot of units (their
// members and the visibility grants to them) so that a deletion can say what
// it affects and be undone.
#pragma once

#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace Bulwark::Models {
class ApiClient;
struct ApiResult;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

// One unit as it was before a deletion.
struct UnitSnapshot
{
    QString name;
    QString parent; // empty for the root unit
    QString description;
    QJsonArray members;       // [{"type","name"}]
    QStringList grantHolders; // "Things/Boiler1", "ThingTemplates/Pump (instance)", "Things"
};

class OrganizationOperations final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrganizationOperations)

public:
    // Empty error: done as asked. Otherwise what went wrong, for the user.
    using Done = std::function<void(const QString &error)>;
    using Snapshot = std::function<void(const QString &error, const QList<UnitSnapshot> &units)>;

    explicit OrganizationOperations(QObject *parent = nullptr);

    void setClient(Models::ApiClient *client);

    void createOrganization(const QString &name, const QString &description, const Done &done);
    // Deletes an organization only while it still has nothing but its root
    // unit (undo of a creation must not take units added meanwhile).
    void deleteEmptyOrganization(const QString &name, const Done &done);
    void deleteOrganization(const QString &name, const Done &done);
    void createUnit(const QString &organization, const QString &name, const QString &parent,
                    const QString &description, const Done &done);
    void renameUnit(const QString &organization, const QString &from, const QString &to,
                    const Done &done);
    void moveUnit(const QString &organization, const QString &unit, const QString &parent,
                  const Done &done);
    // Deletes the units in the order given (children before their parent).
    void deleteUnits(const QString &organization, const QStringList &units, const Done &done);

    // The units (root first, then each after its parent is fine), with their
    // members and the grants made to each.
    void snapshot(const QString &organization, const QList<UnitSnapshot> &units,
                  const Snapshot &done);
    // Re-creates deleted units (in the order given: parents first), their
    // members and the grants to them. With `withOrganization`, the first
    // snapshot is the root and the organization is created first.
    void restore(const QString &organization, const QString &organizationDescription,
                 const QList<UnitSnapshot> &units, bool withOrganization, const Done &done);

    [[nodiscard]] static QString unitPath(const QString &organization, const QString &unit);
    // The visibility list a grant holder keeps ("Things/Boiler1" → its path).
    [[nodiscard]] static QString visibilityPath(const QString &holder);

private:
    using Step = std::function<void(const Done &next)>;
    void runSteps(QList<Step> steps, const Done &done);
    void addGrant(const QString &holder, const QString &unitName, const Done &done);

    QPointer<Models::ApiClient> m_client;
};

} // namespace Bulwark::Ui
