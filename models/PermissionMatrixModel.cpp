#include "PermissionMatrixModel.h"

#include <QFont>
#include <QUrl>

#include <bit>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array<QLatin1StringView, PermissionCount> PermissionNames{
    "Create"_L1,        "Read"_L1,          "Update"_L1,      "Delete"_L1,        "PropertyRead"_L1,
    "PropertyWrite"_L1, "ServiceInvoke"_L1, "EventInvoke"_L1, "EventSubscribe"_L1};

constexpr PermissionMask bit(Permission permission)
{
    return PermissionMask(1U << unsigned(permission));
}

constexpr PermissionMask DesignTimeMask = bit(Permission::Create) | bit(Permission::Read) |
                                          bit(Permission::Update) | bit(Permission::Delete);
constexpr PermissionMask RunTimeMask = AllPermissions & ~DesignTimeMask;

QString encoded(const QString &name)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(name));
}

} // namespace

QString permissionName(Permission permission)
{
    return PermissionNames.at(std::size_t(permission));
}

bool permissionFromName(QStringView name, Permission *permission)
{
    for (std::size_t i = 0; i < PermissionNames.size(); ++i) {
        if (name == PermissionNames.at(i)) {
            *permission = Permission(i);
            return true;
        }
    }
    return false;
}

PermissionKind kindOf(Permission permission)
{
    return int(permission) < FirstRunTimePermission ? PermissionKind::DesignTime
                                                    : PermissionKind::RunTime;
}

QString principalTypeName(PrincipalType type)
{
    return type == PrincipalType::User ? u"User"_s : u"Group"_s;
}

bool principalTypeFromName(QStringView name, PrincipalType *type)
{
    if (name == u"User")
        *type = PrincipalType::User;
    else if (name == u"Group")
        *type = PrincipalType::Group;
    else
        return false;
    return true;
}

// --- PermissionScope -------------------------------------------------------

QString PermissionScope::rulesPath() const
{
    switch (level) {
    case Level::Collection:
        return u"/api/Collections/%1/Permissions"_s.arg(encoded(collection));
    case Level::TemplateInstance:
        return u"/api/ThingTemplates/%1/InstancePermissions"_s.arg(encoded(name));
    case Level::Entity:
    case Level::Member:
        break;
    }
    return u"/api/%1/%2/Permissions"_s.arg(encoded(collection), encoded(name));
}

QString PermissionScope::entity() const
{
    switch (level) {
    case Level::Collection:
        return collection;
    case Level::TemplateInstance:
        return {};
    case Level::Entity:
    case Level::Member:
        break;
    }
    return collection + u'/' + name;
}

PermissionMask PermissionScope::applicablePermissions() const
{
    const bool things = collection == u"Things";
    switch (level) {
    case Level::Collection:
        return DesignTimeMask | (things ? RunTimeMask : 0);
    case Level::TemplateInstance:
        return AllPermissions;
    case Level::Entity:
        return PermissionMask((DesignTimeMask & ~bit(Permission::Create)) |
                              (things ? RunTimeMask : 0));
    case Level::Member:
        break;
    }
    switch (memberKind) {
    case MemberKind::Property:
        return bit(Permission::PropertyRead) | bit(Permission::PropertyWrite);
    case MemberKind::Service:
        return bit(Permission::ServiceInvoke);
    case MemberKind::Event:
        break;
    }
    return bit(Permission::EventInvoke) | bit(Permission::EventSubscribe);
}

QString PermissionScope::describe() const
{
    switch (level) {
    case Level::Collection:
        return PermissionMatrixModel::tr("every entity of the collection %1").arg(collection);
    case Level::TemplateInstance:
        return PermissionMatrixModel::tr("every Thing built from the template %1").arg(name);
    case Level::Entity:
        return PermissionMatrixModel::tr("%1 %2").arg(collection, name);
    case Level::Member:
        break;
    }
    switch (memberKind) {
    case MemberKind::Property:
        return PermissionMatrixModel::tr("the property %1 of %2 %3").arg(member, collection, name);
    case MemberKind::Service:
        return PermissionMatrixModel::tr("the service %1 of %2 %3").arg(member, collection, name);
    case MemberKind::Event:
        break;
    }
    return PermissionMatrixModel::tr("the event %1 of %2 %3").arg(member, collection, name);
}

// --- PermissionChange ------------------------------------------------------

QString PermissionChange::describe() const
{
    const QString who = principal.type == PrincipalType::User
                            ? PermissionMatrixModel::tr("user %1").arg(principal.name)
                            : PermissionMatrixModel::tr("group %1").arg(principal.name);
    const QString what = permissionName(permission);
    QString text;
    switch (to) {
    case CellState::Allow:
        text = from == CellState::Inherit
                   ? PermissionMatrixModel::tr("Allow %1 to %2").arg(what, who)
                   : PermissionMatrixModel::tr("Allow %1 to %2 (was Deny)").arg(what, who);
        break;
    case CellState::Deny:
        text = from == CellState::Inherit
                   ? PermissionMatrixModel::tr("Deny %1 to %2").arg(what, who)
                   : PermissionMatrixModel::tr("Deny %1 to %2 (was Allow)").arg(what, who);
        break;
    case CellState::Inherit:
        text = from == CellState::Allow
                   ? PermissionMatrixModel::tr("Remove the Allow of %1 for %2 (inherit)")
                         .arg(what, who)
                   : PermissionMatrixModel::tr("Remove the Deny of %1 for %2 (inherit)")
                         .arg(what, who);
        break;
    }
    if (conflicts)
        text += PermissionMatrixModel::tr(" — changed on the server since you loaded it");
    return text;
}

// --- PermissionMatrixModel ---------------------------------------------------

PermissionMatrixModel::PermissionMatrixModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    refreshTexts();
}

void PermissionMatrixModel::refreshTexts()
{
    for (std::size_t state = 0; state < m_stateTexts.size(); ++state)
        m_stateTexts[state] = stateText(CellState(state));
    m_notApplicableText = u"—"_s;
}

PermissionMatrixModel::~PermissionMatrixModel() = default;

QString PermissionMatrixModel::stateText(CellState state)
{
    // Translated here, cached per load (data() runs for every painted cell).
    switch (state) {
    case CellState::Allow:
        return tr("Allow");
    case CellState::Deny:
        return tr("Deny");
    case CellState::Inherit:
        break;
    }
    return tr("Inherit");
}

CellState PermissionMatrixModel::nextState(CellState state)
{
    switch (state) {
    case CellState::Inherit:
        return CellState::Allow;
    case CellState::Allow:
        return CellState::Deny;
    case CellState::Deny:
        break;
    }
    return CellState::Inherit;
}

QString PermissionMatrixModel::keyOf(const PermissionPrincipal &principal)
{
    return principalTypeName(principal.type) + u'/' + principal.name;
}

void PermissionMatrixModel::readRules(const QJsonObject &answer, QList<Row> *rows,
                                      QJsonArray *otherRules) const
{
    QHash<QString, int> index;
    const QJsonArray rules = answer.value("rules"_L1).toArray();
    for (const QJsonValue &value : rules) {
        const QJsonObject rule = value.toObject();
        const QString member = rule.value("member"_L1).toString();
        const QString wantedMember =
            m_scope.level == PermissionScope::Level::Member ? m_scope.member : QString();
        const QJsonObject principalObject = rule.value("principal"_L1).toObject();
        PermissionPrincipal principal;
        Permission permission{};
        if (member != wantedMember ||
            !principalTypeFromName(principalObject.value("type"_L1).toString(), &principal.type) ||
            !permissionFromName(rule.value("permission"_L1).toString(), &permission)) {
            otherRules->append(rule); // kept as it is on every PUT
            continue;
        }
        principal.name = principalObject.value("name"_L1).toString();
        const QString key = keyOf(principal);
        auto found = index.constFind(key);
        int row = 0;
        if (found == index.constEnd()) {
            row = int(rows->size());
            index.insert(key, row);
            Row fresh;
            fresh.principal = principal;
            fresh.sortKey = principal.name.toLower();
            rows->append(fresh);
        } else {
            row = *found;
        }
        const CellState state =
            rule.value("effect"_L1).toString() == u"Deny" ? CellState::Deny : CellState::Allow;
        Row &target = (*rows)[row];
        target.loaded[std::size_t(permission)] = state;
        target.staged[std::size_t(permission)] = state;
    }
}

void PermissionMatrixModel::load(const PermissionScope &scope, const QJsonObject &answer)
{
    beginResetModel();
    m_scope = scope;
    refreshTexts();
    m_applicable = scope.applicablePermissions();
    m_rows.clear();
    m_otherRules = {};
    readRules(answer, &m_rows, &m_otherRules);
    m_rowByKey.clear();
    m_rowByKey.reserve(m_rows.size());
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowByKey.insert(keyOf(m_rows.at(row).principal), row);
    m_version = answer.value("version"_L1).toString();
    m_holder = answer.value("holder"_L1).toString();
    m_loaded = true;
    endResetModel();
    countChanges();
}

void PermissionMatrixModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_rowByKey.clear();
    m_otherRules = {};
    m_version.clear();
    m_holder.clear();
    m_loaded = false;
    endResetModel();
    countChanges();
}

int PermissionMatrixModel::rebase(const QJsonObject &answer)
{
    QList<Row> server;
    QJsonArray serverOther;
    readRules(answer, &server, &serverOther);
    QHash<QString, int> serverIndex;
    for (int row = 0; row < server.size(); ++row)
        serverIndex.insert(keyOf(server.at(row).principal), row);

    beginResetModel();
    for (Row &row : m_rows) {
        const auto found = serverIndex.constFind(keyOf(row.principal));
        const Cells serverCells =
            found == serverIndex.constEnd() ? Cells{} : server.at(*found).loaded;
        for (std::size_t p = 0; p < std::size_t(PermissionCount); ++p) {
            const CellState before = row.loaded[p];
            const CellState now = serverCells[p];
            const auto mask = std::uint16_t(1U << p);
            if (row.staged[p] != before) { // the user changed this cell
                if (row.staged[p] == now)
                    row.conflicts &= std::uint16_t(~mask); // the server did the same
                else if (now != before)
                    row.conflicts |= mask;
            } else {
                row.staged[p] = now;
                row.conflicts &= std::uint16_t(~mask);
            }
            row.loaded[p] = now;
        }
    }
    for (const Row &row : std::as_const(server)) {
        const QString key = keyOf(row.principal);
        if (m_rowByKey.contains(key))
            continue;
        m_rowByKey.insert(key, int(m_rows.size()));
        m_rows.append(row);
    }
    m_otherRules = serverOther;
    m_version = answer.value("version"_L1).toString();
    m_holder = answer.value("holder"_L1).toString();
    endResetModel();
    countChanges();
    return conflictCount();
}

int PermissionMatrixModel::addPrincipal(const PermissionPrincipal &principal)
{
    const QString key = keyOf(principal);
    if (const auto found = m_rowByKey.constFind(key); found != m_rowByKey.constEnd())
        return *found;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    Row fresh;
    fresh.principal = principal;
    fresh.sortKey = principal.name.toLower();
    m_rows.append(fresh);
    m_rowByKey.insert(key, row);
    endInsertRows();
    return row;
}

int PermissionMatrixModel::rowOf(const PermissionPrincipal &principal) const
{
    return m_rowByKey.value(keyOf(principal), -1);
}

PermissionPrincipal PermissionMatrixModel::principalAt(int row) const
{
    return m_rows.at(row).principal;
}

CellState PermissionMatrixModel::cell(int row, Permission permission) const
{
    return m_rows.at(row).staged[std::size_t(permission)];
}

CellState PermissionMatrixModel::loadedCell(int row, Permission permission) const
{
    return m_rows.at(row).loaded[std::size_t(permission)];
}

bool PermissionMatrixModel::setCell(int row, Permission permission, CellState state)
{
    if (row < 0 || row >= m_rows.size() || !(m_applicable & bit(permission)))
        return false;
    Row &target = m_rows[row];
    const auto p = std::size_t(permission);
    if (target.staged[p] == state)
        return true;
    const bool wasChanged = target.staged[p] != target.loaded[p];
    target.staged[p] = state;
    const bool isChanged = state != target.loaded[p];
    if (!isChanged)
        target.conflicts &= std::uint16_t(~(1U << p));
    emitCellChanged(row, permission);
    if (wasChanged != isChanged) {
        m_changedCells += isChanged ? 1 : -1;
        Q_EMIT changesChanged(m_changedCells);
    }
    return true;
}

bool PermissionMatrixModel::cycleCell(const QModelIndex &index)
{
    if (!index.isValid() || index.model() != this || !isPermissionColumn(index.column()))
        return false;
    const Permission permission = permissionAt(index.column());
    return setCell(index.row(), permission, nextState(cell(index.row(), permission)));
}

void PermissionMatrixModel::emitCellChanged(int row, Permission permission)
{
    const QModelIndex changed = index(row, columnOf(permission));
    Q_EMIT dataChanged(changed, changed);
    // The principal column shows whether the row has unapplied changes.
    const QModelIndex principal = index(row, PrincipalColumn);
    Q_EMIT dataChanged(principal, principal);
}

void PermissionMatrixModel::countChanges()
{
    int count = 0;
    for (const Row &row : std::as_const(m_rows)) {
        for (std::size_t p = 0; p < std::size_t(PermissionCount); ++p)
            count += row.staged[p] != row.loaded[p] ? 1 : 0;
    }
    m_changedCells = count;
    Q_EMIT changesChanged(count);
}

int PermissionMatrixModel::conflictCount() const
{
    int count = 0;
    for (const Row &row : m_rows)
        count += std::popcount(row.conflicts);
    return count;
}

QList<PermissionChange> PermissionMatrixModel::changes() const
{
    QList<PermissionChange> result;
    for (const Row &row : m_rows) {
        for (std::size_t p = 0; p < std::size_t(PermissionCount); ++p) {
            if (row.staged[p] == row.loaded[p])
                continue;
            result.append({row.principal, Permission(p), row.loaded[p], row.staged[p],
                           (row.conflicts & (1U << p)) != 0});
        }
    }
    return result;
}

void PermissionMatrixModel::discardChanges()
{
    beginResetModel();
    QList<Row> kept;
    kept.reserve(m_rows.size());
    for (Row &row : m_rows) {
        row.staged = row.loaded;
        row.conflicts = 0;
        if (row.loaded != Cells{})
            kept.append(row);
    }
    m_rows = std::move(kept);
    m_rowByKey.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowByKey.insert(keyOf(m_rows.at(row).principal), row);
    endResetModel();
    countChanges();
}

QJsonObject PermissionMatrixModel::requestBody() const
{
    QJsonArray rules = m_otherRules;
    const bool member = m_scope.level == PermissionScope::Level::Member;
    for (const Row &row : m_rows) {
        for (std::size_t p = 0; p < std::size_t(PermissionCount); ++p) {
            if (row.staged[p] == CellState::Inherit)
                continue;
            QJsonObject rule{
                {"principal"_L1, QJsonObject{{"type"_L1, principalTypeName(row.principal.type)},
                                             {"name"_L1, row.principal.name}}},
                {"permission"_L1, permissionName(Permission(p))},
                {"effect"_L1, row.staged[p] == CellState::Deny ? u"Deny"_s : u"Allow"_s}};
            if (member)
                rule.insert("member"_L1, m_scope.member);
            rules.append(rule);
        }
    }
    QJsonObject body{{"rules"_L1, rules}};
    if (!m_version.isEmpty())
        body.insert("version"_L1, m_version);
    return body;
}

int PermissionMatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PermissionMatrixModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PermissionMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case PrincipalTypeRole:
        return int(row.principal.type);
    case PrincipalNameRole:
        return row.principal.name;
    default:
        break;
    }
    if (index.column() == PrincipalColumn) {
        switch (role) {
        case Qt::DisplayRole:
            return row.principal.name;
        case SortRole:
            return row.sortKey;
        case Qt::ToolTipRole:
            return row.principal.type == PrincipalType::User
                       ? tr("User %1").arg(row.principal.name)
                       : tr("Group %1").arg(row.principal.name);
        case ChangedRole: {
            for (std::size_t p = 0; p < std::size_t(PermissionCount); ++p) {
                if (row.staged[p] != row.loaded[p])
                    return true;
            }
            return false;
        }
        default:
            return {};
        }
    }

    const auto p = std::size_t(index.column() - 1);
    const CellState staged = row.staged[p];
    const bool applicable = (m_applicable & (1U << p)) != 0;
    switch (role) {
    case Qt::DisplayRole:
        return applicable ? m_stateTexts.at(std::size_t(staged)) : m_notApplicableText;
    case CellStateRole:
    case SortRole:
        return int(staged);
    case LoadedStateRole:
        return int(row.loaded[p]);
    case ChangedRole:
        return staged != row.loaded[p];
    case ConflictRole:
        return (row.conflicts & (1U << p)) != 0;
    case ApplicableRole:
        return applicable;
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case Qt::ToolTipRole: {
        if (!applicable)
            return tr("%1 cannot be set at this level.").arg(permissionName(Permission(p)));
        QString tip =
            tr("%1 for %2: %3")
                .arg(permissionName(Permission(p)), row.principal.name, stateText(staged));
        if (staged != row.loaded[p])
            tip += u'\n' + tr("Changed from %1; not applied yet.").arg(stateText(row.loaded[p]));
        if (row.conflicts & (1U << p))
            tip += u'\n' + tr("Someone changed this cell on the server since you loaded it: "
                              "review it before applying.");
        return tip;
    }
    default:
        return {};
    }
}

bool PermissionMatrixModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid) ||
        !isPermissionColumn(index.column()) || (role != Qt::EditRole && role != CellStateRole))
        return false;
    bool ok = false;
    const int state = value.toInt(&ok);
    if (!ok || state < 0 || state > int(CellState::Deny))
        return false;
    return setCell(index.row(), permissionAt(index.column()), CellState(state));
}

Qt::ItemFlags PermissionMatrixModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    if (index.column() == PrincipalColumn)
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!(m_applicable & bit(permissionAt(index.column()))))
        return Qt::ItemIsSelectable;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

QVariant PermissionMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return section == PrincipalColumn ? tr("User or group")
                                          : permissionName(permissionAt(section));
    if (role == Qt::ToolTipRole && section != PrincipalColumn)
        return (m_applicable & bit(permissionAt(section)))
                   ? tr("Click a cell or press Space to cycle Inherit → Allow → Deny.")
                   : tr("This permission cannot be set at this level.");
    return {};
}

} // namespace Bulwark::Models
