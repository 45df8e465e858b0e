// Which Things are file repositories, and the stable ids that name their
// directories (table file_repositories, schema version 6).
#include "FileRepository.h"

#include "storage/Database.h"
#include "storage/EntityStore.h"
#include "storage/Sql_p.h"

#include <QUuid>

namespace Bulwark {

namespace RepositoryCatalog {

namespace {

Result<bool> templateIsRepository(EntityStore &store, const QString &templateName,
                                  QHash<QString, bool> *cache = nullptr)
{
    if (templateName.isEmpty())
        return false;
    if (cache && cache->contains(templateName))
        return cache->value(templateName);
    auto chain = store.templateChain(templateName);
    if (!chain)
        return chain.error();
    const bool found = std::any_of(chain->cbegin(), chain->cend(), [](const ThingTemplate &t) {
        return t.name == FileRepositoryTemplate;
    });
    if (cache)
        cache->insert(templateName, found);
    return found;
}

} // namespace

Result<bool> isRepository(EntityStore &store, const QString &thing)
{
    auto t = store.thing(thing);
    if (!t)
        return t.error();
    return templateIsRepository(store, t->templateName);
}

Result<QString> repositoryId(EntityStore &store, const QString &thing)
{
    auto is = isRepository(store, thing);
    if (!is)
        return is.error();
    if (!*is)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Thing '%1' is not a file repository: its template does "
                                        "not derive from %2.")
                             .arg(thing, FileRepositoryTemplate));
    QSqlDatabase &db = store.database().connection();
    auto q = Sql::run(db, "SELECT id FROM file_repositories WHERE thing = ?", {thing});
    if (!q)
        return q.error();
    if (q->next())
        return q->value(0).toString();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto insert =
        Sql::run(db, "INSERT INTO file_repositories (thing, id, created) VALUES (?, ?, ?)",
                 {thing, id, Sql::toText(QDateTime::currentDateTimeUtc())});
    if (!insert)
        return insert.error();
    return id;
}

Result<QList<RepositoryThing>> list(EntityStore &store)
{
    auto things = store.listThings();
    if (!things)
        return things.error();
    QHash<QString, QString> ids;
    auto q = Sql::run(store.database().connection(), "SELECT thing, id FROM file_repositories");
    if (!q)
        return q.error();
    while (q->next())
        ids.insert(q->value(0).toString(), q->value(1).toString());
    QHash<QString, bool> cache;
    QList<RepositoryThing> result;
    for (const Thing &thing : *things) {
        auto is = templateIsRepository(store, thing.templateName, &cache);
        if (!is)
            return is.error();
        if (*is)
            result.append({thing.name, thing.description, ids.value(thing.name)});
    }
    return result;
}

Result<QSet<QString>> knownIds(EntityStore &store)
{
    auto q = Sql::run(store.database().connection(), "SELECT id FROM file_repositories");
    if (!q)
        return q.error();
    QSet<QString> ids;
    while (q->next())
        ids.insert(q->value(0).toString());
    return ids;
}

} // namespace RepositoryCatalog

} // namespace Bulwark
