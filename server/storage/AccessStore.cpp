#include "AccessStore.h"

#include "Database.h"
#include "Sql_p.h"
#include "core/Names.h"

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

// The table of a secured collection; empty for anything else. Only these
// constant names are ever put into SQL text.
QString tableOf(const QString &collection)
{
    if (collection == ThingsCollection)
        return QStringLiteral("things");
    if (collection == TemplatesCollection)
        return QStringLiteral("thing_templates");
    if (collection == UsersCollection)
        return QStringLiteral("users");
    if (collection == GroupsCollection)
        return QStringLiteral("user_groups");
    if (collection == OrganizationsCollection)
        return QStringLiteral("organizations");
    return {};
}

// The column naming the template an entity is built from or derives from.
QString templateColumnOf(const QString &collection)
{
    if (collection == ThingsCollection)
        return QStringLiteral("template");
    if (collection == TemplatesCollection)
        return QStringLiteral("base_template");
    return {};
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
    for (const QString &collection : {ThingsCollection, TemplatesCollection, UsersCollection,
                                      GroupsCollection, OrganizationsCollection}) {
        const QString templateColumn = templateColumnOf(collection);
        const QString sql =
            QStringLiteral("SELECT name, creator, %1 FROM %2")
                .arg(templateColumn.isEmpty() ? QStringLiteral("NULL") : templateColumn,
                     tableOf(collection));
        auto q = Sql::run(m_database.connection(), sql, {});
        if (!q)
            return q.error();
        while (q->next()) {
            snapshot.entities.insert(
                EntityRef{collection, q->value(0).toString()},
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
    while (m->next()) {
        auto member = principalFrom(m->value(1), m->value(2));
        if (!member)
            return member.error();
        groups[m->value(0).toString()].append(*member);
    }
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
    while (m->next()) {
        auto member = principalFrom(m->value(2), m->value(3));
        if (!member)
            return member.error();
        members[UnitRef{m->value(0).toString(), m->value(1).toString()}].append(*member);
    }
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
    while (q->next()) {
        auto holder = holderFrom(*q, 0);
        if (!holder)
            return holder.error();
        auto rule = ruleFrom(*q, 3);
        if (!rule)
            return rule.error();
        rules[*holder].append(*rule);
    }
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
    while (q->next()) {
        auto holder = holderFrom(*q, 0);
        if (!holder)
            return holder.error();
        auto unit = unitFrom(q->value(3));
        if (!unit)
            return unit.error();
        visibility[*holder].append(*unit);
    }
    return visibility;
}

Result<Access::EntityFacts> AccessStore::loadFacts(const EntityRef &ref)
{
    const QString table = tableOf(ref.collection);
    if (table.isEmpty())
        return unknownCollection(ref.collection);
    const QString templateColumn = templateColumnOf(ref.collection);
    const QString sql =
        QStringLiteral("SELECT creator, %1 FROM %2 WHERE name = ?")
            .arg(templateColumn.isEmpty() ? QStringLiteral("NULL") : templateColumn, table);
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
    QList<Rule> rules;
    while (q->next()) {
        auto rule = ruleFrom(*q, 0);
        if (!rule)
            return rule.error();
        rules.append(*rule);
    }
    return rules;
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
    auto clear = Sql::run(m_database.connection(),
                          "DELETE FROM access_rules WHERE holder_kind = ? AND collection = ? AND "
                          "holder = ?",
                          {holder.kindName(), holder.collection, holder.name});
    if (!clear)
        return clear.error();
    for (const Rule &rule : rules) {
        auto q =
            Sql::run(m_database.connection(),
                     "INSERT INTO access_rules (holder_kind, collection, holder, member, "
                     "principal_kind, principal, permission, effect) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {holder.kindName(), holder.collection, holder.name, rule.member,
                      Access::principalKindName(rule.principal.kind), rule.principal.name,
                      Access::permissionName(rule.permission), Access::effectName(rule.effect)});
        if (!q)
            return q.error();
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
    QList<UnitRef> units;
    while (q->next()) {
        auto unit = unitFrom(q->value(0));
        if (!unit)
            return unit.error();
        units.append(*unit);
    }
    return units;
}

Status AccessStore::setVisibility(const Holder &holder, const QList<UnitRef> &units)
{
    auto clear = Sql::run(m_database.connection(),
                          "DELETE FROM access_visibility WHERE holder_kind = ? AND collection = ? "
                          "AND holder = ?",
                          {holder.kindName(), holder.collection, holder.name});
    if (!clear)
        return clear.error();
    QSet<QString> written;
    for (const UnitRef &unit : units) {
        const QString text = unit.toString();
        if (written.contains(text))
            continue;
        written.insert(text);
        auto q = Sql::run(m_database.connection(),
                          "INSERT INTO access_visibility (holder_kind, collection, holder, unit) "
                          "VALUES (?, ?, ?, ?)",
                          {holder.kindName(), holder.collection, holder.name, text});
        if (!q)
            return q.error();
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
                auto q = Sql::run(m_database.connection(),
                                  "UPDATE org_units SET position = ? WHERE organization = ? AND "
                                  "name = ?",
                                  {position, organization, unit.name});
                if (!q)
                    return q.error();
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
    QList<Principal> members;
    while (q->next()) {
        auto member = principalFrom(q->value(0), q->value(1));
        if (!member)
            return member.error();
        members.append(*member);
    }
    return members;
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
    auto clear = Sql::run(m_database.connection(),
                          "DELETE FROM unit_members WHERE organization = ? AND unit = ?",
                          {unit.organization, unit.unit});
    if (!clear)
        return clear.error();
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
    auto existing = unitRow({organization, unit.name});
    if (existing)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Organization '%1' already has a unit named '%2'.")
                             .arg(organization, unit.name));
    if (existing.error().code != ErrorCode::NotFound)
        return existing.error();
    // After every unit, so after its parent: the tree order still holds.
    auto last =
        Sql::run(m_database.connection(),
                 "SELECT MAX(position) FROM org_units WHERE organization = ?", {organization});
    if (!last)
        return last.error();
    const int position = last->next() ? last->value(0).toInt() + 1 : 0;
    auto q = Sql::run(m_database.connection(),
                      "INSERT INTO org_units (organization, name, parent, description, position) "
                      "VALUES (?, ?, ?, ?, ?)",
                      {organization, unit.name, unit.parent, unit.description, position});
    if (!q)
        return q.error();
    return {};
}

Status AccessStore::renameUnit(const UnitRef &unit, const QString &newName)
{
    auto row = unitRow(unit);
    if (!row)
        return row.error();
    if (row->parent.isEmpty())
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Unit '%1' is the root of its organization and bears its "
                                        "name: rename the organization instead.")
                             .arg(unit.toString()));
    if (newName == unit.unit)
        return {};
    if (auto s = Names::validate(QStringLiteral("organizational unit"), newName); !s)
        return s;
    auto taken = unitRow({unit.organization, newName});
    if (taken)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Organization '%1' already has a unit named '%2'.")
                             .arg(unit.organization, newName));
    if (taken.error().code != ErrorCode::NotFound)
        return taken.error();

    const UnitRef renamed{unit.organization, newName};
    auto self = Sql::run(m_database.connection(),
                         "UPDATE org_units SET name = ? WHERE organization = ? AND name = ?",
                         {newName, unit.organization, unit.unit});
    if (!self)
        return self.error();
    auto children = Sql::run(m_database.connection(),
                             "UPDATE org_units SET parent = ? WHERE organization = ? AND "
                             "parent = ?",
                             {newName, unit.organization, unit.unit});
    if (!children)
        return children.error();
    auto members = Sql::run(m_database.connection(),
                            "UPDATE unit_members SET unit = ? WHERE organization = ? AND unit = ?",
                            {newName, unit.organization, unit.unit});
    if (!members)
        return members.error();
    auto grants =
        Sql::run(m_database.connection(), "UPDATE access_visibility SET unit = ? WHERE unit = ?",
                 {renamed.toString(), unit.toString()});
    if (!grants)
        return grants.error();
    return {};
}

Status AccessStore::moveUnit(const UnitRef &unit, const QString &newParent)
{
    auto row = unitRow(unit);
    if (!row)
        return row.error();
    if (row->parent.isEmpty())
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Unit '%1' is the root of its organization and cannot "
                                        "be moved.")
                             .arg(unit.toString()));
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
    auto q = Sql::run(m_database.connection(),
                      "UPDATE org_units SET parent = ? WHERE organization = ? AND name = ?",
                      {newParent, unit.organization, unit.unit});
    if (!q)
        return q.error();
    return renumber(unit.organization);
}

Status AccessStore::describeUnit(const UnitRef &unit, const QString &description)
{
    if (auto row = unitRow(unit); !row)
        return row.error();
    auto q = Sql::run(m_database.connection(),
                      "UPDATE org_units SET description = ? WHERE organization = ? AND name = ?",
                      {description, unit.organization, unit.unit});
    if (!q)
        return q.error();
    return {};
}

Status AccessStore::deleteUnit(const UnitRef &unit)
{
    auto row = unitRow(unit);
    if (!row)
        return row.error();
    if (row->parent.isEmpty())
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Unit '%1' is the root of its organization and cannot "
                                        "be deleted: delete the organization instead.")
                             .arg(unit.toString()));
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
    auto q = Sql::run(m_database.connection(),
                      "DELETE FROM org_units WHERE organization = ? AND name = ?",
                      {unit.organization, unit.unit});
    if (!q)
        return q.error();
    return {};
}

// ---- Clean-ups ---------------------------------------------------------------

Status AccessStore::forgetEntity(const EntityRef &ref)
{
    QList<Holder> holders{Holder::entity(ref)};
    if (ref.collection == TemplatesCollection)
        holders << Holder::templateInstance(ref.name);
    for (const Holder &holder : std::as_const(holders)) {
        const QVariant kind = holder.kindName();
        auto rules = Sql::run(m_database.connection(),
                              "DELETE FROM access_rules WHERE holder_kind = ? AND collection = ? "
                              "AND holder = ?",
                              {kind, holder.collection, holder.name});
        if (!rules)
            return rules.error();
        auto grants = Sql::run(m_database.connection(),
                               "DELETE FROM access_visibility WHERE holder_kind = ? AND "
                               "collection = ? AND holder = ?",
                               {kind, holder.collection, holder.name});
        if (!grants)
            return grants.error();
    }
    return {};
}

Status AccessStore::forgetPrincipal(const Principal &principal)
{
    const QString kind = Access::principalKindName(principal.kind);
    auto rules = Sql::run(m_database.connection(),
                          "DELETE FROM access_rules WHERE principal_kind = ? AND principal = ?",
                          {kind, principal.name});
    if (!rules)
        return rules.error();
    auto members = Sql::run(m_database.connection(),
                            "DELETE FROM unit_members WHERE member_kind = ? AND member_name = ?",
                            {kind, principal.name});
    if (!members)
        return members.error();
    return {};
}

Status AccessStore::forgetOrganization(const QString &organization)
{
    auto members = Sql::run(m_database.connection(),
                            "DELETE FROM unit_members WHERE organization = ?", {organization});
    if (!members)
        return members.error();
    // Every grant whose unit starts with "Organization/". Names hold no LIKE
    // wildcards but '_', so compare the prefix instead of using LIKE.
    const QString prefix = organization + u'/';
    auto grants = Sql::run(m_database.connection(),
                           "DELETE FROM access_visibility WHERE substr(unit, 1, ?) = ?",
                           {int(prefix.size()), prefix});
    if (!grants)
        return grants.error();
    return {};
}

Status AccessStore::forgetUnits(const QString &organization, const QStringList &units)
{
    for (const QString &unit : units) {
        auto members = Sql::run(m_database.connection(),
                                "DELETE FROM unit_members WHERE organization = ? AND unit = ?",
                                {organization, unit});
        if (!members)
            return members.error();
        auto grants =
            Sql::run(m_database.connection(), "DELETE FROM access_visibility WHERE unit = ?",
                     {UnitRef{organization, unit}.toString()});
        if (!grants)
            return grants.error();
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
    while (q->next()) {
        auto holder = holderFrom(*q, 0);
        if (!holder)
            return holder.error();
        auto unit = unitFrom(q->value(3));
        if (!unit)
            return unit.error();
        grants.append({*holder, *unit});
    }
    return grants;
}

} // namespace Bulwark
