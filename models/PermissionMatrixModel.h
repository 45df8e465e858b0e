// The rules of one holder (a collection, a template's instance rules, an
// entity or one member of a Thing) as a matrix: one row per principal, one
// column per permission, each cell Inherit (no rule), Allow or Deny. Edits are
// staged: the model keeps the rules as loaded beside the user's changes, lists
// the changes, and builds the PUT body that replaces the holder's rules. When
// the server's rules changed meanwhile, rebase() takes the server's new rules
// as the base, keeps the user's changes and marks those that now conflict.
//
// Cells are stored in flat per-row arrays so that data() is O(1) and a
// thousand principals need no per-cell allocation.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <array>
#include <cstdint>

namespace Bulwark::Models {

// The nine permissions, design-time first, in the order of the matrix.
enum class Permission : std::uint8_t
{
    Create,
    Read,
    Update,
    Delete,
    PropertyRead,
    PropertyWrite,
    ServiceInvoke,
    EventInvoke,
    EventSubscribe,
};
inline constexpr int PermissionCount = 9;
inline constexpr int FirstRunTimePermission = int(Permission::PropertyRead);

enum class PermissionKind : std::uint8_t
{
    DesignTime,
    RunTime
};

enum class CellState : std::uint8_t
{
    Inherit, // no rule here: a less specific level decides
    Allow,
    Deny
};

enum class PrincipalType : std::uint8_t
{
    User,
    Group
};

// Which permissions a holder can carry, as a bit per Permission.
using PermissionMask = std::uint16_t;
inline constexpr PermissionMask AllPermissions = (1U << PermissionCount) - 1;

[[nodiscard]] QString permissionName(Permission permission);
[[nodiscard]] bool permissionFromName(QStringView name, Permission *permission);
[[nodiscard]] PermissionKind kindOf(Permission permission);
[[nodiscard]] QString principalTypeName(PrincipalType type);
[[nodiscard]] bool principalTypeFromName(QStringView name, PrincipalType *type);

struct PermissionPrincipal
{
    PrincipalType type = PrincipalType::User;
    QString name;

    friend bool operator==(const PermissionPrincipal &, const PermissionPrincipal &) = default;
};

// Where rules are read and written (docs/rest-api.md, "Rules").
struct PermissionScope
{
    enum class Level : std::uint8_t
    {
        Collection,       // /api/Collections/{collection}/Permissions
        TemplateInstance, // /api/ThingTemplates/{name}/InstancePermissions
        Entity,           // /api/{collection}/{name}/Permissions, rules without member
        Member,           // the same holder, rules naming `member`
    };
    enum class MemberKind : std::uint8_t
    {
        Property,
        Service,
        Event
    };

    Level level = Level::Entity;
    QString collection; // Things, ThingTemplates, Users, Groups, Organizations
    QString name;       // entity or template; empty for a collection
    QString member;     // Level::Member only
    MemberKind memberKind = MemberKind::Property;

    [[nodiscard]] QString rulesPath() const;
    // "Things/Boiler1" as explain and effective name it; the collection alone
    // for a collection; empty for a template's instance rules.
    [[nodiscard]] QString entity() const;
    [[nodiscard]] PermissionMask applicablePermissions() const;
    [[nodiscard]] QString describe() const;

    friend bool operator==(const PermissionScope &, const PermissionScope &) = default;
};

// One staged change, for the summary shown before applying.
struct PermissionChange
{
    PermissionPrincipal principal;
    Permission permission = Permission::Read;
    CellState from = CellState::Inherit;
    CellState to = CellState::Inherit;
    bool conflicts = false; // the server changed this cell since it was loaded

    // "Allow PropertyWrite to group Operators", in words.
    [[nodiscard]] QString describe() const;
};

class PermissionMatrixModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionMatrixModel)

public:
    enum Role
    {
        CellStateRole = Qt::UserRole + 1, // int(CellState) of the staged value
        LoadedStateRole,                  // int(CellState) as loaded from the server
        ChangedRole,                      // bool: staged value differs from the loaded one
        ConflictRole,                     // bool: changed here and on the server
        ApplicableRole,                   // bool: the permission can be set at this scope
        PrincipalTypeRole,                // int(PrincipalType), any column
        PrincipalNameRole,                // the principal's name, any column
        SortRole,
    };
    static constexpr int PrincipalColumn = 0;
    static constexpr int ColumnCount = 1 + PermissionCount;

    explicit PermissionMatrixModel(QObject *parent = nullptr);
    ~PermissionMatrixModel() override;

    [[nodiscard]] static int columnOf(Permission permission) { return 1 + int(permission); }
    [[nodiscard]] static bool isPermissionColumn(int column)
    {
        return column >= 1 && column < ColumnCount;
    }
    [[nodiscard]] static Permission permissionAt(int column) { return Permission(column - 1); }

    // Replaces everything with the holder's rules (the body of a GET or PUT
    // answer: holder, level, rules, version) seen at `scope`; drops staged
    // changes and principals added by the user.
    void load(const PermissionScope &scope, const QJsonObject &answer);
    // Empties the matrix (disconnected, or another scope being loaded).
    void clear();
    // The server's rules changed since load(): take `answer` as the new base,
    // keep the staged changes (dropping those the server already made) and
    // mark the ones on cells the server changed. Returns how many conflict.
    int rebase(const QJsonObject &answer);

    [[nodiscard]] const PermissionScope &scope() const { return m_scope; }
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] QString version() const { return m_version; }
    [[nodiscard]] QString holder() const { return m_holder; }

    // Adds a row for a principal without rules here (no-op if present);
    // returns its row.
    int addPrincipal(const PermissionPrincipal &principal);
    [[nodiscard]] int rowOf(const PermissionPrincipal &principal) const;
    [[nodiscard]] PermissionPrincipal principalAt(int row) const;

    // Stages a value; refused for permissions that do not apply here.
    bool setCell(int row, Permission permission, CellState state);
    // Inherit → Allow → Deny → Inherit.
    bool cycleCell(const QModelIndex &index);
    [[nodiscard]] CellState cell(int row, Permission permission) const;
    [[nodiscard]] CellState loadedCell(int row, Permission permission) const;
    [[nodiscard]] static CellState nextState(CellState state);

    [[nodiscard]] bool hasChanges() const { return m_changedCells > 0; }
    [[nodiscard]] int changeCount() const { return m_changedCells; }
    [[nodiscard]] int conflictCount() const;
    [[nodiscard]] QList<PermissionChange> changes() const;
    // Back to the loaded rules: drops staged values, conflicts and empty rows.
    void discardChanges();

    // The PUT body {"rules":[…],"version":…}: the staged matrix plus the
    // holder's rules for other members, untouched.
    [[nodiscard]] QJsonObject requestBody() const;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    [[nodiscard]] Qt::ItemFlags flags(const QModelIndex &index) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

    [[nodiscard]] static QString stateText(CellState state);

Q_SIGNALS:
    // Staged changes appeared, changed or went (count = changeCount()).
    void changesChanged(int count);

private:
    using Cells = std::array<CellState, PermissionCount>;
    struct Row
    {
        PermissionPrincipal principal;
        Cells loaded{};
        Cells staged{};
        std::uint16_t conflicts = 0; // bit per permission
        QString sortKey;             // lower-case name, for the proxy
    };

    [[nodiscard]] static QString keyOf(const PermissionPrincipal &principal);
    void readRules(const QJsonObject &answer, QList<Row> *rows, QJsonArray *otherRules) const;
    void countChanges();
    void emitCellChanged(int row, Permission permission);
    void refreshTexts();

    PermissionScope m_scope;
    QList<Row> m_rows;
    QHash<QString, int> m_rowByKey;
    QJsonArray m_otherRules; // rules of this holder for other members
    QString m_version;
    QString m_holder;
    PermissionMask m_applicable = 0;
    std::array<QString, 3> m_stateTexts;
    QString m_notApplicableText;
    int m_changedCells = 0;
    bool m_loaded = false;
};

} // namespace Bulwark::Models
