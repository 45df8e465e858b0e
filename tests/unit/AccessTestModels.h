// What the AccessModel tests share (tst_access.cpp, tst_access_examples.cpp,
// tst_access_random.cpp):
// builders that write a snapshot in the words of docs/security-model.md's
// tables, and a naive reference implementation written from the doc's
// pseudo-code that the model is compared with.
#pragma once

// The models are written in the doc's words: plain literals convert to
// QString in the tests (include this first).
#undef QT_NO_CAST_FROM_ASCII

#include "security/Access.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <utility>

namespace BulwarkTest {

using namespace Bulwark;
using namespace Bulwark::Access;

using Level = ResolutionExplanation::Level;
using Through = VisibilityExplanation::Through;

inline Principal U(const QString &name)
{
    return {MemberKind::User, name};
}
inline Principal G(const QString &name)
{
    return {MemberKind::Group, name};
}
inline Rule R(const Principal &p, Permission permission, Effect effect, const QString &member = {})
{
    return {p, permission, effect, member};
}
inline EntityRef thing(const QString &name)
{
    return {QStringLiteral("Things"), name};
}
inline EntityRef tmpl(const QString &name)
{
    return {QStringLiteral("ThingTemplates"), name};
}
inline UnitRef unit(const QString &org, const QString &name)
{
    return {org, name};
}
inline const Holder Things = Holder::collectionOf(QStringLiteral("Things"));

inline constexpr Effect Allow = Effect::Allow;
inline constexpr Effect Deny = Effect::Deny;

// Builds a snapshot in the words of the doc's tables.
struct Builder
{
    AccessSnapshot s;

    Builder &users(const QStringList &names)
    {
        for (const QString &n : names) {
            s.users.insert(n);
            s.entities.insert({QStringLiteral("Users"), n}, {});
        }
        return *this;
    }
    Builder &group(const QString &name, const QList<Principal> &members)
    {
        s.groupMembers.insert(name, members);
        s.entities.insert({QStringLiteral("Groups"), name}, {});
        return *this;
    }
    // units: name -> parent (the root's parent empty)
    Builder &organization(const QString &org, const QList<std::pair<QString, QString>> &units)
    {
        for (const auto &[u, parent] : units)
            s.units[org].insert(u, parent);
        s.entities.insert({QStringLiteral("Organizations"), org}, {});
        return *this;
    }
    Builder &members(const UnitRef &u, const QList<Principal> &members)
    {
        s.unitMembers.insert(u, members);
        return *this;
    }
    Builder &rule(const Holder &holder, const Rule &rule)
    {
        s.rules[holder].append(rule);
        return *this;
    }
    Builder &visible(const Holder &holder, const QList<UnitRef> &units)
    {
        s.visibility[holder].append(units);
        return *this;
    }
    Builder &entity(const EntityRef &ref, const QString &templateName = {},
                    const QString &creator = {})
    {
        s.entities.insert(ref, EntityFacts{templateName, creator});
        return *this;
    }
    void load(AccessModel &model) const { model.reset(s); }
};

// E3's model (nested groups): also what the invalidation, tombstone and
// concurrency tests start from.
inline Builder e3()
{
    Builder b;
    b.users({"bob", "carol"})
        .group("NightShift", {U("bob")})
        .group("Operators", {G("NightShift"), U("carol")})
        .group("Staff", {G("Operators")})
        .organization("Works", {{"Works", ""}, {"Ops", "Works"}})
        .members(unit("Works", "Ops"), {G("Operators")})
        .entity(tmpl("Sensor"))
        .entity(thing("Boiler1"), "Sensor")
        .entity(thing("Boiler2"), "Sensor")
        .visible(Holder::entity(thing("Boiler1")), {unit("Works", "Ops")})
        .visible(Holder::entity(thing("Boiler2")), {unit("Works", "Ops")})
        .rule(Things, R(G("Staff"), Permission::Read, Allow))
        .rule(Holder::templateInstance("Sensor"),
              R(G("Operators"), Permission::PropertyRead, Allow))
        .rule(Holder::entity(thing("Boiler1")), R(G("NightShift"), Permission::PropertyRead, Deny));
    return b;
}

// ---- A naive reference, written from the doc's pseudo-code ----------------

struct Reference
{
    const AccessSnapshot &s;

    QSet<QString> groups(const QString &u) const
    {
        QSet<QString> p;
        for (bool grew = true; grew;) {
            grew = false;
            for (auto it = s.groupMembers.cbegin(); it != s.groupMembers.cend(); ++it) {
                if (p.contains(it.key()))
                    continue;
                for (const Principal &m : it.value()) {
                    if ((m.kind == MemberKind::User && m.name == u) ||
                        (m.kind == MemberKind::Group && p.contains(m.name))) {
                        p.insert(it.key());
                        grew = true;
                        break;
                    }
                }
            }
        }
        return p;
    }
    bool has(const QString &u, const QSet<QString> &g, const Principal &p) const
    {
        return p.kind == MemberKind::User ? p.name == u : g.contains(p.name);
    }
    bool isAncestorOrSelf(const UnitRef &m, UnitRef g) const
    {
        for (int i = 0; i < 100; ++i) {
            if (g == m)
                return true;
            const QString parent = s.units.value(g.organization).value(g.unit);
            if (parent.isEmpty())
                return false;
            g.unit = parent;
        }
        return false;
    }
    QStringList chain(const QString &t) const
    {
        QStringList c;
        for (QString x = t; !x.isEmpty() && !c.contains(x);
             x = s.entities.value({QStringLiteral("ThingTemplates"), x}).templateName)
            c.append(x);
        return c;
    }
    bool visible(const QString &u, const EntityRef &e) const
    {
        const QSet<QString> g = groups(u);
        if (g.contains(QStringLiteral("Administrators")))
            return true;
        const bool self = e.collection == QStringLiteral("Users") && e.name == u;
        if (!s.entities.contains(e))
            return self && s.users.contains(u);
        const EntityFacts f = s.entities.value(e);
        if ((!f.creator.isEmpty() && f.creator == u) || self)
            return true;
        QList<UnitRef> granted = s.visibility.value(Holder::entity(e)) +
                                 s.visibility.value(Holder::collectionOf(e.collection));
        if (e.collection == QStringLiteral("Things")) {
            for (const QString &t : chain(f.templateName))
                granted += s.visibility.value(Holder::templateInstance(t));
        }
        QList<UnitRef> mine;
        for (auto it = s.unitMembers.cbegin(); it != s.unitMembers.cend(); ++it) {
            for (const Principal &p : it.value()) {
                if (has(u, g, p))
                    mine.append(it.key());
            }
        }
        for (const UnitRef &gr : granted) {
            for (const UnitRef &m : mine) {
                if (isAncestorOrSelf(m, gr))
                    return true;
            }
        }
        return false;
    }
    // -1: no say; 0 deny; 1 allow
    int step(const QString &u, const QSet<QString> &g, const Holder &h, Permission p,
             const QString &member) const
    {
        int say = -1;
        for (const Rule &r : s.rules.value(h)) {
            if (r.permission != p || r.member != member || !has(u, g, r.principal))
                continue;
            if (r.effect == Effect::Deny)
                return 0;
            say = 1;
        }
        return say;
    }
    bool resolve(const QString &u, const EntityRef &e, Permission p, const QString &m) const
    {
        const QSet<QString> g = groups(u);
        QList<std::pair<Holder, QString>> steps;
        const bool isThing = e.collection == QStringLiteral("Things");
        const bool memberSteps = isThing && isRunTime(p) && !m.isEmpty();
        if (memberSteps)
            steps.append({Holder::entity(e), m});
        if (p != Permission::Create)
            steps.append({Holder::entity(e), QString()});
        if (isThing) {
            for (const QString &t : chain(s.entities.value(e).templateName)) {
                if (memberSteps)
                    steps.append({Holder::templateInstance(t), m});
                steps.append({Holder::templateInstance(t), QString()});
            }
        }
        steps.append({Holder::collectionOf(e.collection), QString()});
        for (const auto &[h, member] : steps) {
            const int say = step(u, g, h, p, member);
            if (say >= 0)
                return say == 1;
        }
        return false;
    }
    Answer answer(const QString &u, const EntityRef &e, Permission p, const QString &m) const
    {
        if (groups(u).contains(QStringLiteral("Administrators")))
            return Answer::Allow;
        if (!visible(u, e))
            return Answer::NotFound;
        return resolve(u, e, p, m) ? Answer::Allow : Answer::Forbidden;
    }
    bool mayCreate(const QString &u, const QString &t) const
    {
        const QSet<QString> g = groups(u);
        if (g.contains(QStringLiteral("Administrators")))
            return true;
        if (!t.isEmpty() && !visible(u, tmpl(t)))
            return false;
        for (const QString &x : chain(t)) {
            const int say = step(u, g, Holder::templateInstance(x), Permission::Create, {});
            if (say >= 0)
                return say == 1;
        }
        return step(u, g, Things, Permission::Create, {}) == 1;
    }
};

} // namespace BulwarkTest
