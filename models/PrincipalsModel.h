// A list of principals (users and groups) as a table (Name, Kind,
// Description): either every user and group of the server (load(), from
// GET /api/Users and /api/Groups — for pickers), or a list the caller sets
// (setPrincipals(), e.g. the members of a unit). Shared: any page that lets
// an operator choose users or groups can use it.
#pragma once

#include <QAbstractTableModel>
#include <QIcon>
#include <QJsonArray>
#include <QPointer>

namespace Bulwark::Models {

class ApiClient;

struct PrincipalEntry
{
    enum class Kind
    {
        User,
        Group
    };
    Kind kind = Kind::User;
    QString name;
    QString description;

    [[nodiscard]] QString typeName() const;   // "User" / "Group", as the API writes it
    [[nodiscard]] QJsonObject toJson() const; // {"type","name"}
    [[nodiscard]] static PrincipalEntry fromJson(const QJsonObject &object);
    friend bool operator==(const PrincipalEntry &a, const PrincipalEntry &b)
    {
        return a.kind == b.kind && a.name == b.name;
    }
};

class PrincipalsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PrincipalsModel)

public:
    enum Column
    {
        NameColumn,
        KindColumn,
        DescriptionColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        KindRole, // "User" / "Group"
    };
    enum class Which
    {
        UsersAndGroups,
        UsersOnly
    };

    explicit PrincipalsModel(QObject *parent = nullptr);
    ~PrincipalsModel() override;

    void setIcons(const QIcon &user, const QIcon &group);

    // Loads every user (and group) the client may read; emits loaded() or
    // loadFailed(). A later load() drops an earlier one's answer.
    void load(ApiClient *client, Which which = Which::UsersAndGroups);
    // Replaces the list (users first, then groups, each by name).
    void setPrincipals(QList<PrincipalEntry> principals);
    void clear() { setPrincipals({}); }

    [[nodiscard]] const QList<PrincipalEntry> &principals() const { return m_principals; }
    [[nodiscard]] const PrincipalEntry &principalAt(int row) const { return m_principals.at(row); }
    [[nodiscard]] int rowOf(const PrincipalEntry &principal) const;
    [[nodiscard]] QJsonArray toJson() const;
    [[nodiscard]] static QList<PrincipalEntry> fromJson(const QJsonArray &array);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message, int httpStatus);

private:
    QList<PrincipalEntry> m_principals;
    QIcon m_userIcon;
    QIcon m_groupIcon;
    quint64 m_generation = 0;
};

} // namespace Bulwark::Models
