#include "AccessStore.h"

#include "Database.h"
#include "Sql_p.h"
#include "core/Names.h"

#include <array>

namespace Bulwark {

namespace {

using Access::EntityRef;
using Access::Holder;
using Access::Principal;
using Access::Rule;
using Access::UnitRef;

const QString ThingsCollection = QStringLiteral("Things");
const QString TemplatesCollection = QStringLiteral("ThingTemplates");
const QString UsersCollection = QStringLiteral("Users");
const QString GroupsCollection = QStringLiteral("Groups");
const QString OrganizationsCollection = QStringLiteral("Organizations");

// The table of each secured collection, and the column naming the template
// an entity is built from or derives from. Only these constant names are
// ever put into SQL text.
struct SecuredTable
{
    QString collection;
    QString table;
    QString templateColumn; // empty: none
};

const std::array<SecuredTable, 5> &securedTables()
{
    static const std::array<SecuredTable, 5> tables{{
        {ThingsCollection, QStringLiteral("things"), QStringLiteral("template")},
        {TemplatesCollection, QStringLiteral("thing_templates"), QStringLiteral("base_template")},
        {UsersCollection, QStringLiteral("users"), {}},
        {GroupsCollection, QStringLiteral("user_groups"), {}},
        {OrganizationsCollection, QStringLiteral("organizations"), {}},
    }};
    return tables;
}

// Empty for anything but a secured collection.
SecuredTable securedTable(const QString &collection)
{
    for (const SecuredTable &t : securedTables()) {
        if (t.collection == collection)
            return t;
    }
    return {};
}

QString tableOf(const QString &collection)
{
    return securedTable(collection).table;
}

// "SELECT <columns>, <the template column or NULL> FROM <table>"
QString selectWithTemplate(const SecuredTable &table, const char *columns)
{
    return QStringLiteral("SELECT %1, %2 FROM %3")
        .arg(QLatin1StringView(columns),
             table.templateColumn.isEmpty() ? QStringLiteral("NULL") : table.templateColumn,
             table.table);
}

Error unknownCollection(const QString &collection)
{
    return makeError(ErrorCode::BadRequest,
                     QStringLiteral("'%1' is not a collection that carries permissions: use one "
                                    "of Things, ThingTemplates, Users, Groups, Organizations.")
                         .arg(collection));
}

Error damaged(const QString &what)
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("The stored authorization data is damaged: %1. Restore a "
                                    "backup or correct the row.")
                         .arg(what));
}

Error unitNotFound(const UnitRef &unit)
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("Unit '%1' does not exist.").arg(unit.toString()));
}

QString placeholders(qsizetype count)
{
    QString text;
    text.reserve(count * 3);
    for (qsizetype i = 0; i < count; ++i)
        text += i == 0 ? QStringLiteral("?") : QStringLiteral(", ?");
    return text;
}

Result<Principal> principalFrom(const QVariant &kind, const QVariant &name)
{
    const auto parsed = Access::principalKindFromName(kind.toString());
    if (!parsed)
        return damaged(QStringLiteral("unknown principal type '%1' for '%2'")
                           .arg(kind.toString(), name.toString()));
    return Principal{*parsed, name.toString()};
}

// Columns: member, principal_kind, principal, permission, effect from first.
Result<Rule> ruleFrom(const QSqlQuery &q, int first)
{
    auto principal = principalFrom(q.value(first + 1), q.value(first + 2));
    if (!principal)
        return principal.error();
    const auto permission = Access::permissionFromName(q.value(first + 3).toString());
    if (!permission)
        return damaged(
            QStringLiteral("unknown permission '%1' in a rule").arg(q.value(first + 3).toString()));
    const auto effect = Access::effectFromName(q.value(first + 4).toString());
    if (!effect)
        return damaged(
            QStringLiteral("unknown effect '%1' in a rule").arg(q.value(first + 4).toString()));
    return Rule{*principal, *permission, *effect, q.value(first).toString()};
}

// Columns: holder_kind, collection, holder from first.
Result<Holder> holderFrom(const QSqlQuery &q, int first)
{
    const auto kind = Holder::kindFromName(q.value(first).toString());
    if (!kind)
        return damaged(QStringLiteral("unknown holder kind '%1'").arg(q.value(first).toString()));
    return Holder{*kind, q.value(first + 1).toString(), q.value(first + 2).toString()};
}

Result<UnitRef> unitFrom(const QVariant &text)
{
    const auto unit = UnitRef::parse(text.toString());
    if (!unit)
        return damaged(QStringLiteral("the unit '%1' of a visibility grant is not written "
                                      "Organization/Unit")
                           .arg(text.toString()));
    return *unit;
}

QVariant nullable(const QString &text)
{
    return Sql::nullable(text);
}

// Runs a statement whose rows are not needed.
Status exec(Database &database, const char *sql, std::initializer_list<QVariant> values)
{
    auto q = Sql::run(database.connection(), sql, values);
    if (!q)
        return q.error();
    return {};
}

// Deletes holder's rows of table (access_rules or access_visibility).
Status clearHolder(Database &database, const char *table, const Holder &holder)
{
    auto q = Sql::run(database.connection(),
                      QStringLiteral("DELETE FROM %1 WHERE holder_kind = ? AND collection = ? AND "
                                     "holder = ?")
                          .arg(QLatin1StringView(table)),
                      {holder.kindName(), holder.collection, holder.name});
    if (!q)
        return q.error();
    return {};
}

// Every row of q made into a value by from(q), which may fail.
template <typename From> auto rowsOf(QSqlQuery &q, From from)
{
    QList<std::decay_t<decltype(*from(q))>> values;
    using Rows = Result<decltype(values)>;
    while (q.next()) {
        auto value = from(q);
        if (!value)
            return Rows(value.error());
        values.append(std::move(*value));
    }
    return Rows(std::move(values));
}

// For each row of q: into[keyOf(row)].append(valueOf(row)); either may
// fail (keyOf first).
template <typename Key, typename Value, typename KeyOf, typename ValueOf>
Status appendRows(QSqlQuery &q, QHash<Key, QList<Value>> &into, KeyOf keyOf, ValueOf valueOf)
{
    while (q.next()) {
        Result<Key> key = keyOf(std::as_const(q));
        if (!key)
            return key.error();
        Result<Value> value = valueOf(std::as_const(q));
        if (!value)
            return value.error();
        into[*key].append(std::move(*value));
    }
    return {};
}

Result<Holder> holderOfRow(const QSqlQuery &row)
{
    return holderFrom(row, 0);
}

Result<UnitRef> unitOfRow(const QSqlQuery &row)
{
    return unitFrom(row.value(3));
}

Error rootRefusal(const UnitRef &unit, const char *consequence)
{
    return makeError(ErrorCode::Conflict,
                     QStringLiteral("Unit '%1' is the root of its organization and %2")
                         .arg(unit.toString(), QString::fromUtf8(consequence)));
}

// Conflict if organization already has a unit called name.
Status refuseTakenUnitName(Database &database, const QString &organization, const QString &name)
{
    auto q = Sql::run(database.connection(),
                      "SELECT 1 FROM org_units WHERE organization = ? AND name = ?",
                      {organization, name});
    if (!q)
        return q.error();
    if (q->next())
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Organization '%1' already has a unit named '%2'.")
                             .arg(organization, name));
    return {};
}

} // namespace

AccessStore::AccessStore(Database &database)
    : m_database(database)
{}

// ---- Loading -----------------------------------------------------------------

Result<Access::AccessSnapshot> AccessStore::load()
{
    Access::AccessSnapshot snapshot;
    auto principals = loadPrincipals();
    if (!principals)
        return principals.error();
    snapshot.users = std::move(principals->first);
    snapshot.groupMembers = std::move(principals->second);
    auto organizations = loadOrganizations();
    if (!organizations)
        return organizations.error();
    snapshot.units = std::move(organizations->first);
    snapshot.unitMembers = std::move(organizations->second);
    auto rules = loadRules();
    if (!rules)
        return rules.error();
    snapshot.rules = std::move(*rules);
    auto visibility = loadVisibility();
    if (!visibility)
        return visibility.error();
    snapshot.visibility = std::move(*visibility);

    // One query per table, whatever the number of entities.
    for (const SecuredTable &table : securedTables()) {
        auto q = Sql::run(m_database.connection(), selectWithTemplate(table, "name, creator"), {});
        if (!q)
            return q.error();
        while (q->next()) {
            snapshot.entities.insert(
                EntityRef{table.collection, q->value(0).toString()},
                Access::EntityFacts{q->value(2).toString(), q->value(1).toString()});
        }
    }
    return snapshot;
}

Result<std::pair<QSet<QString>, QHash<QString, QList<Principal>>>> AccessStore::loadPrincipals()
{
    QSet<QString> users;
    QHash<QString, QList<Principal>> groups;
    auto u = Sql::run(m_database.connection(), "SELECT name FROM users");
    if (!u)
        return u.error();
    while (u->next())
        users.insert(u->value(0).toString());
    auto g = Sql::run(m_database.connection(), "SELECT name FROM user_groups");
    if (!g)
        return g.error();
    while (g->next())
        groups.insert(g->value(0).toString(), {});
    auto m = Sql::run(m_database.connection(),
                      "SELECT group_name, member_kind, member_name FROM group_members "
                      "ORDER BY group_name, member_kind DESC, member_name");
    if (!m)
        return m.error();
    const auto added = appendRows(
        *m, groups, [](const QSqlQuery &row) { return Result<QString>(row.value(0).toString()); },
        [](const QSqlQuery &row) { return principalFrom(row.value(1), row.value(2)); });
    if (!added)
        return added.error();
    return std::pair{std::move(users), std::move(groups)};
}

Result<std::pair<QHash<QString, QHash<QString, QString>>, QHash<UnitRef, QList<Principal>>>>
AccessStore::loadOrganizations()
{
    QHash<QString, QHash<QString, QString>> units;
    QHash<UnitRef, QList<Principal>> members;
    auto o = Sql::run(m_database.connection(), "SELECT name FROM organizations");
    if (!o)
        return o.error();
    while (o->next())
        units.insert(o->value(0).toString(), {});
    auto u = Sql::run(m_database.connection(), "SELECT organization, name, parent FROM org_units");
    if (!u)
        return u.error();
    while (u->next())
        units[u->value(0).toString()].insert(u->value(1).toString(), u->value(2).toString());
    auto m = Sql::run(m_database.connection(),
                      "SELECT organization, unit, member_kind, member_name FROM unit_members "
                      "ORDER BY organization, unit, member_kind DESC, member_name");
    if (!m)
        return m.error();
    const auto added = appendRows(
        *m, members,
        [](const QSqlQuery &row) {
            return Result<UnitRef>(UnitRef{row.value(0).toString(), row.value(1).toString()});
        },
        [](const QSqlQuery &row) { return principalFrom(row.value(2), row.value(3)); });
    if (!added)
        return added.error();
    return std::pair{std::move(units), std::move(members)};
}

Result<QHash<Holder, QList<Rule>>> AccessStore::loadRules()
{
    QHash<Holder, QList<Rule>> rules;
    auto q = Sql::run(m_database.connection(),
                      "SELECT holder_kind, collection, holder, member, principal_kind, principal, "
                      "permission, effect FROM access_rules ORDER BY holder_kind, collection, "
                      "holder, member, principal_kind, principal, permission");
    if (!q)
        return q.error();
    const auto added =
        appendRows(*q, rules, holderOfRow, [](const QSqlQuery &row) { return ruleFrom(row, 3); });
    if (!added)
        return added.error();
    return rules;
}

Result<QHash<Holder, QList<UnitRef>>> AccessStore::loadVisibility()
{
    QHash<Holder, QList<UnitRef>> visibility;
    auto q = Sql::run(m_database.connection(),
                      "SELECT holder_kind, collection, holder, unit FROM access_visibility "
                      "ORDER BY holder_kind, collection, holder, unit");
    if (!q)
        return q.error();
    const auto added = appendRows(*q, visibility, holderOfRow, unitOfRow);
    if (!added)
        return added.error();
    return visibility;
}

Result<Access::EntityFacts> AccessStore::loadFacts(const EntityRef &ref)
{
    const SecuredTable table = securedTable(ref.collection);
    if (table.table.isEmpty())
        return unknownCollection(ref.collection);
    const QString sql = selectWithTemplate(table, "creator") + QStringLiteral(" WHERE name = ?");
    auto q = Sql::run(m_database.connection(), sql, {ref.name});
    if (!q)
        return q.error();
    if (!q->next())
        return Access::notFound(ref);
    return Access::EntityFacts{q->value(1).toString(), q->value(0).toString()};
}

// ---- Rules and visibility ------------------------------------------------------

Result<QList<Rule>> AccessStore::rules(const Holder &holder)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT member, principal_kind, principal, permission, effect "
                      "FROM access_rules WHERE holder_kind = ? AND collection = ? AND holder = ? "
                      "ORDER BY member, principal_kind, principal, permission",
                      {holder.kindName(), holder.collection, holder.name});
    if (!q)
        return q.error();
    return rowsOf(*q, [](const QSqlQuery &row) { return ruleFrom(row, 0); });
}

Status AccessStore::setRules(const Holder &holder, const QList<Rule> &rules)
{
    for (qsizetype i = 0; i < rules.size(); ++i) {
        for (qsizetype j = 0; j < i; ++j) {
            const Rule &a = rules.at(i);
            const Rule &b = rules.at(j);
            if (a.member == b.member && a.principal == b.principal && a.permission == b.permission)
                return makeError(
                    ErrorCode::BadRequest,
                    QStringLiteral("Rules %1 and %2 of %3 are both for %4 '%5' and %6%7: a "
                                   "holder has one rule per member, principal and permission.")
                        .arg(j)
                        .arg(i)
                        .arg(holder.toString(), Access::principalKindName(a.principal.kind),
                             a.principal.name, Access::permissionName(a.permission),
                             a.member.isEmpty() ? QString()
                                                : QStringLiteral(" on '%1'").arg(a.member)));
        }
    }
    if (auto cleared = clearHolder(m_database, "access_rules", holder); !cleared)
        return cleared;
    for (const Rule &rule : rules) {
        if (auto done =
                exec(m_database,
                     "INSERT INTO access_rules (holder_kind, collection, holder, member, "
                     "principal_kind, principal, permission, effect) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {holder.kindName(), holder.collection, holder.name, rule.member,
                      Access::principalKindName(rule.principal.kind), rule.principal.name,
                      Access::permissionName(rule.permission), Access::effectName(rule.effect)});
            !done)
            return done;
    }
    return {};
}

Result<QList<UnitRef>> AccessStore::visibility(const Holder &holder)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT unit FROM access_visibility WHERE holder_kind = ? AND collection = ? "
                      "AND holder = ? ORDER BY unit",
                      {holder.kindName(), holder.collection, holder.name});
    if (!q)
        return q.error();
    return rowsOf(*q, [](const QSqlQuery &row) { return unitFrom(row.value(0)); });
}

Status AccessStore::setVisibility(const Holder &holder, const QList<UnitRef> &units)
{
    if (auto cleared = clearHolder(m_database, "access_visibility", holder); !cleared)
        return cleared;
    QSet<QString> written;
    for (const UnitRef &unit : units) {
        const QString text = unit.toString();
        if (written.contains(text))
            continue;
        written.insert(text);
        if (auto done =
                exec(m_database,
                     "INSERT INTO access_visibility (holder_kind, collection, holder, unit) "
                     "VALUES (?, ?, ?, ?)",
                     {holder.kindName(), holder.collection, holder.name, text});
            !done)
            return done;
    }
    return {};
}

// ---- Units -------------------------------------------------------------------

Result<AccessStore::UnitRow> AccessStore::unitRow(const UnitRef &unit)
{
    auto o = Sql::run(m_database.connection(), "SELECT 1 FROM organizations WHERE name = ?",
                      {unit.organization});
    if (!o)
        return o.error();
    if (!o->next())
        return makeError(
            ErrorCode::NotFound,
            QStringLiteral("Organization '%1' does not exist.").arg(unit.organization));
    auto q = Sql::run(m_database.connection(),
                      "SELECT parent, position FROM org_units WHERE organization = ? AND name = ?",
                      {unit.organization, unit.unit});
    if (!q)
        return q.error();
    if (!q->next())
        return unitNotFound(unit);
    return UnitRow{q->value(0).toString(), q->value(1).toInt()};
}

Result<QList<AccessStore::TreeUnit>> AccessStore::tree(const QString &organization)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT name, parent, position FROM org_units WHERE organization = ? "
                      "ORDER BY position, name",
                      {organization});
    if (!q)
        return q.error();
    QList<TreeUnit> units;
    while (q->next())
        units.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toInt()});
    return units;
}

Status AccessStore::renumber(const QString &organization)
{
    // Root first, then each unit after its parent, keeping the stored order
    // where it already holds: what EntityStore::organization() returns.
    auto units = tree(organization);
    if (!units)
        return units.error();
    QList<TreeUnit> pending = *units;
    QSet<QString> placed;
    int position = 0;
    while (!pending.isEmpty()) {
        bool progress = false;
        for (qsizetype i = 0; i < pending.size();) {
            const TreeUnit &unit = pending.at(i);
            if (!unit.parent.isEmpty() && !placed.contains(unit.parent)) {
                ++i;
                continue;
            }
            if (unit.position != position) {
                if (auto done = exec(m_database,
                                     "UPDATE org_units SET position = ? WHERE organization = ? AND "
                                     "name = ?",
                                     {position, organization, unit.name});
                    !done)
                    return done;
            }
            ++position;
            placed.insert(unit.name);
            pending.removeAt(i);
            progress = true;
        }
        if (!progress)
            return damaged(
                QStringLiteral("the units of organization '%1' do not form a tree "
                               "(unit '%2' has parent '%3')")
                    .arg(organization, pending.constFirst().name, pending.constFirst().parent));
    }
    return {};
}

Result<QList<Principal>> AccessStore::unitMembers(const UnitRef &unit)
{
    if (auto row = unitRow(unit); !row)
        return row.error();
    auto q = Sql::run(m_database.connection(),
                      "SELECT member_kind, member_name FROM unit_members WHERE organization = ? "
                      "AND unit = ? ORDER BY member_kind DESC, member_name",
                      {unit.organization, unit.unit});
    if (!q)
        return q.error();
    return rowsOf(*q,
                  [](const QSqlQuery &row) { return principalFrom(row.value(0), row.value(1)); });
}

Status AccessStore::setUnitMembers(const UnitRef &unit, const QList<Principal> &members)
{
    if (auto row = unitRow(unit); !row)
        return row.error();
    for (const Principal &member : members) {
        auto q = member.kind == MemberKind::User
                     ? Sql::run(m_database.connection(), "SELECT 1 FROM users WHERE name = ?",
                                {member.name})
                     : Sql::run(m_database.connection(), "SELECT 1 FROM user_groups WHERE name = ?",
                                {member.name});
        if (!q)
            return q.error();
        if (!q->next())
            return makeError(ErrorCode::NotFound,
                             QStringLiteral("%1 '%2' does not exist.")
                                 .arg(Access::principalKindName(member.kind), member.name));
    }
    if (auto done = exec(m_database, "DELETE FROM unit_members WHERE organization = ? AND unit = ?",
                         {unit.organization, unit.unit});
        !done)
        return done;
    QList<Principal> written;
    for (const Principal &member : members) {
        if (written.contains(member))
            continue;
        written.append(member);
        auto q = Sql::run(
            m_database.connection(),
            "INSERT INTO unit_members (organization, unit, member_kind, member_name) "
            "VALUES (?, ?, ?, ?)",
            {unit.organization, unit.unit, Access::principalKindName(member.kind), member.name});
        if (!q)
            return q.error();
    }
    return {};
}

Status AccessStore::createUnit(const QString &organization, const OrganizationalUnit &unit)
{
    if (auto s = Names::validate(QStringLiteral("organizational unit"), unit.name); !s)
        return s;
    if (unit.parent.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Unit '%1' needs a parent: only the root unit '%2' has "
                                        "none.")
                             .arg(unit.name, organization));
    auto parent = unitRow({organization, unit.parent});
    if (!parent)
        return parent.error();
    if (auto free = refuseTakenUnitName(m_database, organization, unit.name); !free)
        return free;
    // After every unit, so after its parent: the tree order still holds.
    auto last =
        Sql::run(m_database.connection(),
                 "SELECT MAX(position) FROM org_units WHERE organization = ?", {organization});
    if (!last)
        return last.error();
    const int position = last->next() ? last->value(0).toInt() + 1 : 0;
    return exec(m_database,
                "INSERT INTO org_units (organization, name, parent, description, position) "
                "VALUES (?, ?, ?, ?, ?)",
                {organization, unit.name, unit.parent, unit.description, position});
}

Status AccessStore::renameUnit(const UnitRef &unit, const QString &newName)
{
    auto row = unitRow(unit);
    if (!row)
        return row.error();
    if (row->parent.isEmpty())
        return rootRefusal(unit, "bears its name: rename the organization instead.");
    if (newName == unit.unit)
        return {};
    if (auto s = Names::validate(QStringLiteral("organizational unit"), newName); !s)
        return s;
    if (auto free = refuseTakenUnitName(m_database, unit.organization, newName); !free)
        return free;

    const UnitRef renamed{unit.organization, newName};
    if (auto done =
            exec(m_database, "UPDATE org_units SET name = ? WHERE organization = ? AND name = ?",
                 {newName, unit.organization, unit.unit});
        !done)
        return done;
    if (auto done = exec(m_database,
                         "UPDATE org_units SET parent = ? WHERE organization = ? AND "
                         "parent = ?",
                         {newName, unit.organization, unit.unit});
        !done)
        return done;
    if (auto done =
            exec(m_database, "UPDATE unit_members SET unit = ? WHERE organization = ? AND unit = ?",
                 {newName, unit.organization, unit.unit});
        !done)
        return done;
    return exec(m_database, "UPDATE access_visibility SET unit = ? WHERE unit = ?",
                {renamed.toString(), unit.toString()});
}

Status AccessStore::moveUnit(const UnitRef &unit, const QString &newParent)
{
    auto row = unitRow(unit);
    if (!row)
        return row.error();
    if (row->parent.isEmpty())
        return rootRefusal(unit, "cannot be moved.");
    if (newParent.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Unit '%1' needs a parent: only the root unit has none.")
                             .arg(unit.toString()));
    if (newParent == row->parent)
        return {};
    auto units = tree(unit.organization);
    if (!units)
        return units.error();
    QHash<QString, QString> parents;
    for (const TreeUnit &u : std::as_const(*units))
        parents.insert(u.name, u.parent);
    if (!parents.contains(newParent))
        return unitNotFound({unit.organization, newParent});
    // Refuse a cycle: the new parent may be neither the unit nor below it.
    QString ancestor = newParent;
    for (qsizetype steps = 0; !ancestor.isEmpty() && steps <= parents.size(); ++steps) {
        if (ancestor == unit.unit)
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("Unit '%1' cannot move under '%2': '%2' is %3, "
                                            "which would make a cycle.")
                                 .arg(unit.toString(), newParent,
                                      newParent == unit.unit ? QStringLiteral("the unit itself")
                                                             : QStringLiteral("below it")));
        ancestor = parents.value(ancestor);
    }
    if (auto done =
            exec(m_database, "UPDATE org_units SET parent = ? WHERE organization = ? AND name = ?",
                 {newParent, unit.organization, unit.unit});
        !done)
        return done;
    return renumber(unit.organization);
}

Status AccessStore::describeUnit(const UnitRef &unit, const QString &description)
{
    if (auto row = unitRow(unit); !row)
        return row.error();
    return exec(m_database,
                "UPDATE org_units SET description = ? WHERE organization = ? AND name = ?",
                {description, unit.organization, unit.unit});
}

Status AccessStore::deleteUnit(const UnitRef &unit)
{
    auto row = unitRow(unit);
    if (!row)
        return row.error();
    if (row->parent.isEmpty())
        return rootRefusal(unit, "cannot be deleted: delete the organization instead.");
    auto children = Sql::run(m_database.connection(),
                             "SELECT name FROM org_units WHERE organization = ? AND parent = ? "
                             "ORDER BY name",
                             {unit.organization, unit.unit});
    if (!children)
        return children.error();
    QStringList names;
    while (children->next())
        names << children->value(0).toString();
    if (!names.isEmpty())
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Unit '%1' still has the child units %2: move or delete "
                                        "them first.")
                             .arg(unit.toString(), names.join(QStringLiteral(", "))));
    if (auto s = forgetUnits(unit.organization, {unit.unit}); !s)
        return s;
    return exec(m_database, "DELETE FROM org_units WHERE organization = ? AND name = ?",
                {unit.organization, unit.unit});
}

// ---- Clean-ups ---------------------------------------------------------------

Status AccessStore::forgetEntity(const EntityRef &ref)
{
    QList<Holder> holders{Holder::entity(ref)};
    if (ref.collection == TemplatesCollection)
        holders << Holder::templateInstance(ref.name);
    for (const Holder &holder : std::as_const(holders)) {
        for (const char *table : {"access_rules", "access_visibility"}) {
            if (auto cleared = clearHolder(m_database, table, holder); !cleared)
                return cleared;
        }
    }
    return {};
}

Status AccessStore::forgetPrincipal(const Principal &principal)
{
    const QString kind = Access::principalKindName(principal.kind);
    if (auto done =
            exec(m_database, "DELETE FROM access_rules WHERE principal_kind = ? AND principal = ?",
                 {kind, principal.name});
        !done)
        return done;
    return exec(m_database, "DELETE FROM unit_members WHERE member_kind = ? AND member_name = ?",
                {kind, principal.name});
}

Status AccessStore::forgetOrganization(const QString &organization)
{
    if (auto done =
            exec(m_database, "DELETE FROM unit_members WHERE organization = ?", {organization});
        !done)
        return done;
    // Every grant whose unit starts with "Organization/". Names hold no LIKE
    // wildcards but '_', so compare the prefix instead of using LIKE.
    const QString prefix = organization + u'/';
    return exec(m_database, "DELETE FROM access_visibility WHERE substr(unit, 1, ?) = ?",
                {int(prefix.size()), prefix});
}

Status AccessStore::forgetUnits(const QString &organization, const QStringList &units)
{
    for (const QString &unit : units) {
        if (auto done =
                exec(m_database, "DELETE FROM unit_members WHERE organization = ? AND unit = ?",
                     {organization, unit});
            !done)
            return done;
        if (auto done = exec(m_database, "DELETE FROM access_visibility WHERE unit = ?",
                             {UnitRef{organization, unit}.toString()});
            !done)
            return done;
    }
    return {};
}

Status AccessStore::setCreator(const EntityRef &ref, const QString &user)
{
    const QString table = tableOf(ref.collection);
    if (table.isEmpty())
        return unknownCollection(ref.collection);
    auto q = Sql::run(m_database.connection(),
                      QStringLiteral("UPDATE %1 SET creator = ? WHERE name = ?").arg(table),
                      {nullable(user), ref.name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return Access::notFound(ref);
    return {};
}

// ---- Listing -----------------------------------------------------------------

QString AccessStore::visibilityCondition(const QString &collection,
                                         const Access::ListFilter &filter, const QString &alias,
                                         QVariantList &binds)
{
    if (filter.all)
        return QStringLiteral("1=1");
    if (tableOf(collection).isEmpty())
        return QStringLiteral("1=0");
    // Only placeholders go into the text; every name is bound.
    QStringList terms;
    if (!filter.creator.isEmpty()) {
        terms << alias + QStringLiteral(".creator = ?");
        binds << filter.creator;
    }
    if (collection == UsersCollection && !filter.self.isEmpty()) {
        terms << alias + QStringLiteral(".name = ?");
        binds << filter.self;
    }
    if (collection == ThingsCollection && !filter.templates.isEmpty()) {
        terms << alias +
                     QStringLiteral(".template IN (%1)").arg(placeholders(filter.templates.size()));
        for (const QString &name : filter.templates)
            binds << name;
    }
    if (!filter.units.isEmpty()) {
        terms << QStringLiteral("EXISTS (SELECT 1 FROM access_visibility access_grant WHERE "
                                "access_grant.holder_kind = ? AND access_grant.collection = ? "
                                "AND access_grant.holder = %1.name AND access_grant.unit IN (%2))")
                     .arg(alias, placeholders(filter.units.size()));
        binds << Holder::entity({collection, {}}).kindName() << collection;
        for (const QString &unit : filter.units)
            binds << unit;
    }
    if (terms.isEmpty())
        return QStringLiteral("1=0");
    return u'(' + terms.join(QStringLiteral(" OR ")) + u')';
}

Result<QStringList> AccessStore::visibleNames(const QString &collection,
                                              const Access::ListFilter &filter)
{
    const QString table = tableOf(collection);
    if (table.isEmpty())
        return unknownCollection(collection);
    QVariantList binds;
    const QString condition =
        visibilityCondition(collection, filter, QStringLiteral("listed"), binds);
    auto q =
        Sql::run(m_database.connection(),
                 QStringLiteral("SELECT listed.name FROM %1 listed WHERE %2 ORDER BY listed.name")
                     .arg(table, condition),
                 binds);
    if (!q)
        return q.error();
    QStringList names;
    while (q->next())
        names << q->value(0).toString();
    return names;
}

Result<QList<std::pair<Holder, UnitRef>>> AccessStore::grantsTo(const QList<UnitRef> &units)
{
    QList<std::pair<Holder, UnitRef>> grants;
    if (units.isEmpty())
        return grants;
    QVariantList binds;
    for (const UnitRef &unit : units)
        binds << unit.toString();
    auto q = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT holder_kind, collection, holder, unit FROM "
                                     "access_visibility WHERE unit IN (%1) ORDER BY collection, "
                                     "holder, holder_kind, unit")
                          .arg(placeholders(units.size())),
                      binds);
    if (!q)
        return q.error();
    return rowsOf(*q, [](const QSqlQuery &row) -> Result<std::pair<Holder, UnitRef>> {
        auto holder = holderOfRow(row);
        if (!holder)
            return holder.error();
        auto unit = unitOfRow(row);
        if (!unit)
            return unit.error();
        return std::pair{*holder, *unit};
    });
}

} // namespace Bulwark
