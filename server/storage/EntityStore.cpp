#include "EntityStore.h"

#include "AccessStore.h"
#include "Database.h"
#include "Sql_p.h"
#include "core/EntityJson.h"
#include "core/Inheritance.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace Bulwark {

namespace {

QString definitionsText(const Definitions &d)
{
    return QString::fromUtf8(QJsonDocument(EntityJson::toJson(d)).toJson(QJsonDocument::Compact));
}

Result<Definitions> definitionsFrom(const QVariant &text, const QString &owner)
{
    const QJsonObject o = QJsonDocument::fromJson(text.toString().toUtf8()).object();
    auto d = EntityJson::definitionsFromJson(o, owner);
    if (!d)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Stored definitions of %1 are damaged: %2")
                             .arg(owner, d.error().message));
    return d;
}

Error notFound(const QString &kind, const QString &name)
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("%1 '%2' does not exist.").arg(kind, name));
}

Result<Thing> thingFrom(const QSqlQuery &q)
{
    Thing t;
    t.name = q.value(0).toString();
    t.description = q.value(1).toString();
    t.templateName = q.value(2).toString();
    auto d = definitionsFrom(q.value(3), QStringLiteral("Thing '%1'").arg(t.name));
    if (!d)
        return d.error();
    t.definitions = *d;
    t.created = Sql::fromText(q.value(4));
    t.modified = Sql::fromText(q.value(5));
    return t;
}

Result<ThingTemplate> templateFrom(const QSqlQuery &q)
{
    ThingTemplate t;
    t.name = q.value(0).toString();
    t.description = q.value(1).toString();
    t.baseTemplate = q.value(2).toString();
    auto d = definitionsFrom(q.value(3), QStringLiteral("ThingTemplate '%1'").arg(t.name));
    if (!d)
        return d.error();
    t.definitions = *d;
    t.created = Sql::fromText(q.value(4));
    t.modified = Sql::fromText(q.value(5));
    return t;
}

// Every row of a query (QSqlQuery or Sql::Statement), each turned into an
// entity by fromRow.
template <typename T, typename Query>
Result<QList<T>> allRows(Result<Query> query, Result<T> (*fromRow)(const QSqlQuery &))
{
    if (!query)
        return query.error();
    QList<T> rows;
    while (query->next()) {
        auto row = fromRow(Sql::rowsOf(*query));
        if (!row)
            return row.error();
        rows.append(*row);
    }
    return rows;
}

// The one row of a query by name, or NotFound naming kind.
template <typename T, typename Query>
Result<T> oneRow(Result<Query> query, Result<T> (*fromRow)(const QSqlQuery &), const QString &kind,
                 const QString &name)
{
    if (!query)
        return query.error();
    if (!query->next())
        return notFound(kind, name);
    return fromRow(Sql::rowsOf(*query));
}

} // namespace

EntityStore::EntityStore(Database &database)
    : m_database(database)
{}

Status EntityStore::inTransaction(const std::function<Status()> &work)
{
    // Nested calls join the outer transaction: a route's whole work commits
    // or rolls back as one.
    if (m_transactionDepth > 0)
        return work();
    QSqlDatabase &db = m_database.connection();
    // Faults (issue 7): a full disk, a read-only database or a lost
    // PostgreSQL connection answers Unavailable with what to do (Sql::failure).
    if (!db.transaction())
        return Sql::failure(db.lastError(), QStringLiteral("Cannot start a transaction"));
    ++m_transactionDepth;
    Status status = work();
    --m_transactionDepth;
    if (!status) {
        db.rollback();
        // What was kept may have been read from the undone writes.
        forgetEffectiveThings();
        return status;
    }
    if (!db.commit()) {
        const Error why = Sql::failure(db.lastError(), QStringLiteral("Cannot commit"));
        db.rollback();
        forgetEffectiveThings();
        return why;
    }
    return {};
}

Result<bool> EntityStore::exists(const char *table, const QString &name)
{
    // table is one of our own constant names, never user input.
    const QByteArray sql = QByteArray("SELECT 1 FROM ") + table + " WHERE name = ?";
    auto q = Sql::cached(m_database, sql.constData(), {name});
    if (!q)
        return q.error();
    return q->next();
}

// ---- Things ---------------------------------------------------------------

Result<QList<Thing>> EntityStore::listThings()
{
    return listThings(Access::ListFilter::everything());
}

Result<QList<Thing>> EntityStore::listThings(const Access::ListFilter &filter)
{
    QVariantList binds;
    const QString condition = AccessStore::visibilityCondition(QStringLiteral("Things"), filter,
                                                               QStringLiteral("t"), binds);
    return allRows<Thing>(
        Sql::run(m_database.connection(),
                 QStringLiteral("SELECT t.name, t.description, t.template, t.definitions, "
                                "t.created, t.modified FROM things t WHERE %1 ORDER BY t.name")
                     .arg(condition),
                 binds),
        thingFrom);
}

Result<Thing> EntityStore::thing(const QString &name)
{
    return oneRow<Thing>(Sql::cached(m_database,
                                     "SELECT name, description, template, definitions, created, "
                                     "modified FROM things WHERE name = ?",
                                     {name}),
                         thingFrom, QStringLiteral("Thing"), name);
}

Status EntityStore::createThing(const Thing &thing)
{
    forgetEffectiveThings();
    auto found = exists("things", thing.name);
    if (!found)
        return found.error();
    if (*found)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("A Thing named '%1' already exists.").arg(thing.name));
    if (!thing.templateName.isEmpty()) {
        auto t = exists("thing_templates", thing.templateName);
        if (!t)
            return t.error();
        if (!*t)
            return notFound(QStringLiteral("ThingTemplate"), thing.templateName);
    }
    auto q = Sql::cached(m_database,
                         "INSERT INTO things (name, description, template, definitions, created, "
                         "modified) VALUES (?, ?, ?, ?, ?, ?)",
                         {thing.name, thing.description, Sql::nullable(thing.templateName),
                          definitionsText(thing.definitions), Sql::toText(thing.created),
                          Sql::toText(thing.modified)});
    if (!q)
        return q.error();
    return {};
}

Status EntityStore::updateThing(const Thing &thing)
{
    forgetEffectiveThings();
    if (!thing.templateName.isEmpty()) {
        auto t = exists("thing_templates", thing.templateName);
        if (!t)
            return t.error();
        if (!*t)
            return notFound(QStringLiteral("ThingTemplate"), thing.templateName);
    }
    auto q =
        Sql::cached(m_database,
                    "UPDATE things SET description = ?, template = ?, definitions = ?, "
                    "modified = ? WHERE name = ?",
                    {thing.description, Sql::nullable(thing.templateName),
                     definitionsText(thing.definitions), Sql::toText(thing.modified), thing.name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(QStringLiteral("Thing"), thing.name);
    return {};
}

Status EntityStore::deleteThing(const QString &name)
{
    forgetEffectiveThings();
    return inTransaction([&]() -> Status {
        auto values =
            Sql::cached(m_database, "DELETE FROM property_values WHERE thing = ?", {name});
        if (!values)
            return values.error();
        auto q = Sql::cached(m_database, "DELETE FROM things WHERE name = ?", {name});
        if (!q)
            return q.error();
        if (q->numRowsAffected() == 0)
            return notFound(QStringLiteral("Thing"), name);
        return AccessStore(m_database).forgetEntity({QStringLiteral("Things"), name});
    });
}

// ---- Templates ------------------------------------------------------------

Result<QList<ThingTemplate>> EntityStore::listTemplates()
{
    return listTemplates(Access::ListFilter::everything());
}

Result<QList<ThingTemplate>> EntityStore::listTemplates(const Access::ListFilter &filter)
{
    QVariantList binds;
    const QString condition = AccessStore::visibilityCondition(QStringLiteral("ThingTemplates"),
                                                               filter, QStringLiteral("t"), binds);
    return allRows<ThingTemplate>(
        Sql::run(m_database.connection(),
                 QStringLiteral("SELECT t.name, t.description, t.base_template, t.definitions, "
                                "t.created, t.modified FROM thing_templates t WHERE %1 "
                                "ORDER BY t.name")
                     .arg(condition),
                 binds),
        templateFrom);
}

Result<ThingTemplate> EntityStore::thingTemplate(const QString &name)
{
    return oneRow<ThingTemplate>(Sql::cached(m_database,
                                             "SELECT name, description, base_template, "
                                             "definitions, created, modified FROM thing_templates "
                                             "WHERE name = ?",
                                             {name}),
                                 templateFrom, QStringLiteral("ThingTemplate"), name);
}

namespace {
// A bound on memory, well above the Things one server's devices speak for at
// once; past it an arbitrary entry makes room (it is read again when needed).
constexpr qsizetype MaximumEffectiveThings = 20000;
} // namespace

void EntityStore::forgetEffectiveThings()
{
    m_effectiveThings.clear();
    ++m_entityGeneration;
}

Result<Thing> EntityStore::effectiveThing(const QString &name)
{
    // A migration or a reconnect may have changed what the kept ones came from.
    if (m_effectiveThingsDatabaseGeneration != m_database.generation()) {
        forgetEffectiveThings();
        m_effectiveThingsDatabaseGeneration = m_database.generation();
    }
    if (const auto kept = m_effectiveThings.constFind(name); kept != m_effectiveThings.cend())
        return *kept;
    auto found = thing(name);
    if (!found)
        return found.error();
    auto chain = templateChain(found->templateName);
    if (!chain)
        return chain.error();
    auto merged =
        Inheritance::effective(QStringLiteral("Thing '%1'").arg(name), found->definitions, *chain);
    if (!merged)
        return merged.error();
    found->definitions = *merged;
    if (m_effectiveThings.size() >= MaximumEffectiveThings)
        m_effectiveThings.erase(m_effectiveThings.begin());
    m_effectiveThings.insert(name, *found);
    return found;
}

Result<QList<ThingTemplate>> EntityStore::templateChain(const QString &name)
{
    QList<ThingTemplate> chain;
    QSet<QString> seen;
    QString next = name;
    while (!next.isEmpty()) {
        if (seen.contains(next))
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("ThingTemplate '%1' derives from itself through its "
                                            "base templates.")
                                 .arg(next));
        seen.insert(next);
        auto t = thingTemplate(next);
        if (!t)
            return t.error();
        next = t->baseTemplate;
        chain.append(*t);
    }
    return chain;
}

Result<QStringList> EntityStore::derivedTemplates(const QString &name)
{
    QStringList result;
    QStringList frontier{name};
    while (!frontier.isEmpty()) {
        const QString current = frontier.takeFirst();
        auto q = Sql::cached(
            m_database, "SELECT name FROM thing_templates WHERE base_template = ? ORDER BY name",
            {current});
        if (!q)
            return q.error();
        while (q->next()) {
            const QString derived = q->value(0).toString();
            if (!result.contains(derived) && derived != name) {
                result << derived;
                frontier << derived;
            }
        }
    }
    return result;
}

Result<QStringList> EntityStore::thingsUsingTemplates(const QStringList &templates)
{
    QStringList things;
    for (const QString &t : templates) {
        auto q = Sql::cached(m_database, "SELECT name FROM things WHERE template = ? ORDER BY name",
                             {t});
        if (!q)
            return q.error();
        while (q->next())
            things << q->value(0).toString();
    }
    return things;
}

Status EntityStore::createTemplate(const ThingTemplate &t)
{
    forgetEffectiveThings();
    auto found = exists("thing_templates", t.name);
    if (!found)
        return found.error();
    if (*found)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("A ThingTemplate named '%1' already exists.").arg(t.name));
    if (!t.baseTemplate.isEmpty()) {
        auto base = exists("thing_templates", t.baseTemplate);
        if (!base)
            return base.error();
        if (!*base)
            return notFound(QStringLiteral("ThingTemplate"), t.baseTemplate);
    }
    auto q = Sql::cached(m_database,
                         "INSERT INTO thing_templates (name, description, base_template, "
                         "definitions, created, modified) VALUES (?, ?, ?, ?, ?, ?)",
                         {t.name, t.description, Sql::nullable(t.baseTemplate),
                          definitionsText(t.definitions), Sql::toText(t.created),
                          Sql::toText(t.modified)});
    if (!q)
        return q.error();
    return {};
}

Status EntityStore::updateTemplate(const ThingTemplate &t)
{
    forgetEffectiveThings();
    if (!t.baseTemplate.isEmpty()) {
        auto base = exists("thing_templates", t.baseTemplate);
        if (!base)
            return base.error();
        if (!*base)
            return notFound(QStringLiteral("ThingTemplate"), t.baseTemplate);
    }
    auto q = Sql::cached(m_database,
                         "UPDATE thing_templates SET description = ?, base_template = ?, "
                         "definitions = ?, modified = ? WHERE name = ?",
                         {t.description, Sql::nullable(t.baseTemplate),
                          definitionsText(t.definitions), Sql::toText(t.modified), t.name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(QStringLiteral("ThingTemplate"), t.name);
    return {};
}

Status EntityStore::deleteTemplate(const QString &name)
{
    return inTransaction([&]() -> Status { return deleteTemplateNow(name); });
}

Status EntityStore::deleteTemplateNow(const QString &name)
{
    forgetEffectiveThings();
    auto found = exists("thing_templates", name);
    if (!found)
        return found.error();
    if (!*found)
        return notFound(QStringLiteral("ThingTemplate"), name);
    auto derived = derivedTemplates(name);
    if (!derived)
        return derived.error();
    auto users = thingsUsingTemplates({name});
    if (!users)
        return users.error();
    if (!derived->isEmpty() || !users->isEmpty()) {
        QStringList parts;
        if (!users->isEmpty())
            parts << QStringLiteral("Things %1").arg(users->mid(0, 5).join(QStringLiteral(", ")));
        if (!derived->isEmpty())
            parts << QStringLiteral("ThingTemplates %1")
                         .arg(derived->mid(0, 5).join(QStringLiteral(", ")));
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("ThingTemplate '%1' is still used by %2: change or "
                                        "delete those first.")
                             .arg(name, parts.join(QStringLiteral(" and "))));
    }
    auto q = Sql::cached(m_database, "DELETE FROM thing_templates WHERE name = ?", {name});
    if (!q)
        return q.error();
    return AccessStore(m_database).forgetEntity({QStringLiteral("ThingTemplates"), name});
}

// ---- Property values -----------------------------------------------------

Result<QHash<QString, PropertyValue>> EntityStore::propertyValues(const QString &thing)
{
    auto q = Sql::cached(
        m_database, "SELECT property, value, time FROM property_values WHERE thing = ?", {thing});
    if (!q)
        return q.error();
    QHash<QString, PropertyValue> values;
    while (q->next()) {
        const QJsonDocument doc =
            QJsonDocument::fromJson("[" + q->value(1).toString().toUtf8() + "]");
        values.insert(q->value(0).toString(),
                      PropertyValue{doc.array().at(0), Sql::fromText(q->value(2))});
    }
    return values;
}

Status EntityStore::setPropertyValue(const QString &thing, const QString &property,
                                     const PropertyValue &value)
{
    // Stored as the JSON text of the value; wrapping in an array lets scalars
    // go through QJsonDocument.
    QByteArray text = QJsonDocument(QJsonArray{value.value}).toJson(QJsonDocument::Compact);
    text = text.mid(1, text.size() - 2);
    auto q = Sql::cached(m_database,
                         "INSERT INTO property_values (thing, property, value, time, quality) "
                         "VALUES (?, ?, ?, ?, 'good') ON CONFLICT (thing, property) DO UPDATE SET "
                         "value = excluded.value, time = excluded.time, quality = 'good'",
                         {thing, property, QString::fromUtf8(text), Sql::toText(value.time)});
    if (!q)
        return q.error();
    return {};
}

namespace {
// The JSON text of a value; wrapping in an array lets scalars go through QJsonDocument.
QString valueText(const QJsonValue &value)
{
    QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}
} // namespace

Result<QHash<QString, QualifiedValue>> EntityStore::qualifiedValues(const QString &thing)
{
    auto q = Sql::cached(
        m_database, "SELECT property, value, time, quality FROM property_values WHERE thing = ?",
        {thing});
    if (!q)
        return q.error();
    QHash<QString, QualifiedValue> values;
    while (q->next()) {
        const QJsonDocument doc =
            QJsonDocument::fromJson("[" + q->value(1).toString().toUtf8() + "]");
        values.insert(
            q->value(0).toString(),
            QualifiedValue{doc.array().at(0), Sql::fromText(q->value(2)), q->value(3).toString()});
    }
    return values;
}

Result<bool> EntityStore::setNewestPropertyValue(const QString &thing, const QString &property,
                                                 const QualifiedValue &value)
{
    // Times are stored as UTC ISO 8601 with milliseconds, so text order is
    // time order; an older value leaves the row (and the count) untouched.
    auto q = Sql::cached(
        m_database,
        "INSERT INTO property_values (thing, property, value, time, quality) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (thing, property) DO UPDATE SET "
        "value = excluded.value, time = excluded.time, quality = excluded.quality "
        "WHERE property_values.time <= excluded.time",
        {thing, property, valueText(value.value), Sql::toText(value.time), value.quality});
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

Status EntityStore::deletePropertyValue(const QString &thing, const QString &property)
{
    auto q = Sql::cached(m_database, "DELETE FROM property_values WHERE thing = ? AND property = ?",
                         {thing, property});
    if (!q)
        return q.error();
    return {};
}

} // namespace Bulwark
