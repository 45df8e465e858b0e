#include "Inheritance.h"

#include <QHash>

namespace Bulwark::Inheritance {

namespace {

template <typename Member>
Status merge(const QString &owner, const QString &kind, QList<Member> &into,
             const QList<Member> &from, const QString &declarer,
             QHash<QString, QString> &declaredBy)
{
    for (Member m : from) {
        const auto existing = declaredBy.constFind(m.name);
        if (existing != declaredBy.cend())
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("%1 '%2' of %3 is declared both by %4 and by %5; "
                                            "rename one of them.")
                                 .arg(kind, m.name, owner, *existing, declarer));
        declaredBy.insert(m.name, declarer);
        into.append(std::move(m));
    }
    return {};
}

} // namespace

Result<Definitions> effective(const QString &owner, const Definitions &own,
                              const QList<ThingTemplate> &chain)
{
    Definitions result;
    QHash<QString, QString> properties, services, events;
    const QString self = owner;
    if (auto s = merge(owner, QStringLiteral("Property"), result.properties, own.properties, self,
                       properties);
        !s)
        return s.error();
    if (auto s =
            merge(owner, QStringLiteral("Service"), result.services, own.services, self, services);
        !s)
        return s.error();
    if (auto s = merge(owner, QStringLiteral("Event"), result.events, own.events, self, events); !s)
        return s.error();

    for (const ThingTemplate &t : chain) {
        Definitions inherited = t.definitions;
        for (auto &p : inherited.properties)
            p.inheritedFrom = t.name;
        for (auto &s : inherited.services)
            s.inheritedFrom = t.name;
        for (auto &e : inherited.events)
            e.inheritedFrom = t.name;
        const QString declarer = QStringLiteral("ThingTemplate '%1'").arg(t.name);
        if (auto s = merge(owner, QStringLiteral("Property"), result.properties,
                           inherited.properties, declarer, properties);
            !s)
            return s.error();
        if (auto s = merge(owner, QStringLiteral("Service"), result.services, inherited.services,
                           declarer, services);
            !s)
            return s.error();
        if (auto s = merge(owner, QStringLiteral("Event"), result.events, inherited.events,
                           declarer, events);
            !s)
            return s.error();
    }
    return result;
}

} // namespace Bulwark::Inheritance
