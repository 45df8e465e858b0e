// AccessModel against a naive reference implementation written from
// docs/security-model.md (AccessTestModels.h): random models of users,
// nested groups, unit trees, template chains, rules and visibility lists,
// queried through check(), evaluate(), decide(), isVisible(),
// decideCreate(), requireCreate() and listFilter(). BULWARK_ACCESS_SEED
// replays another seed.
// The models are written in the doc's words: plain literals convert to QString here.
#undef QT_NO_CAST_FROM_ASCII

#include "AccessTestModels.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Bulwark;
using namespace Bulwark::Access;
using namespace BulwarkTest;

class TestAccessRandom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Random models: check(), evaluate() and decide() against the reference.
    void randomized()
    {
        const quint32 seed = qEnvironmentVariableIsSet("BULWARK_ACCESS_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("BULWARK_ACCESS_SEED"))
                                 : 20240611u;
        QRandomGenerator rng(seed);
        const auto pick = [&](const QStringList &from) { return from[rng.bounded(from.size())]; };
        const auto chance = [&](int percent) { return int(rng.bounded(100)) < percent; };
        const QStringList users{"u0", "u1", "u2", "u3", "u4", "u5"};
        const QStringList groups{"g0", "g1", "g2", "g3", "g4", "Administrators"};
        const QStringList templates{"t0", "t1", "t2", "t3"};
        const QStringList things{"th0", "th1", "th2", "th3", "th4", "th5"};
        const QStringList members{"", "m1", "m2"};
        const QStringList orgs{"A", "B"};
        const QStringList unitNames{"A", "x1", "x2", "x3", "x4", "x5"};

        for (int model_ = 0; model_ < 2000; ++model_) {
            Builder b;
            b.users(users);
            // Groups form a DAG (group i holds only groups after it); Administrators rarely filled.
            for (int i = 0; i < groups.size(); ++i) {
                QList<Principal> ms;
                const bool admins = groups[i] == u"Administrators";
                for (const QString &u : users) {
                    if (chance(admins ? 3 : 25))
                        ms.append(U(u));
                }
                for (int j = i + 1; j < groups.size() - 1; ++j) {
                    if (chance(admins ? 5 : 30))
                        ms.append(G(groups[j]));
                }
                b.group(groups[i], ms);
            }
            QList<UnitRef> allUnits;
            for (const QString &org : orgs) {
                QList<std::pair<QString, QString>> tree{{org, ""}};
                allUnits.append(unit(org, org));
                for (int i = 1; i < unitNames.size(); ++i) {
                    const QString name = unitNames[i];
                    const int parent = int(rng.bounded(i));
                    tree.append({name, parent == 0 ? org : unitNames[parent]});
                    allUnits.append(unit(org, name));
                }
                b.organization(org, tree);
            }
            const auto randomPrincipal = [&] {
                return chance(50) ? U(pick(users)) : G(pick(groups.mid(0, 5)));
            };
            for (const UnitRef &u : allUnits) {
                QList<Principal> ms;
                for (int k = int(rng.bounded(3)); k > 0; --k)
                    ms.append(randomPrincipal());
                if (!ms.isEmpty())
                    b.members(u, ms);
            }
            for (int i = 0; i < templates.size(); ++i)
                b.entity(tmpl(templates[i]),
                         i > 0 && chance(60) ? templates[rng.bounded(i)] : QString(),
                         chance(10) ? pick(users) : QString());
            for (const QString &t : things)
                b.entity(thing(t), chance(80) ? pick(templates) : QString(),
                         chance(10) ? pick(users) : QString());
            QList<Holder> ruleHolders{Things, Holder::collectionOf("ThingTemplates"),
                                      Holder::collectionOf("Users")};
            for (const QString &t : templates) {
                ruleHolders.append(Holder::templateInstance(t));
                ruleHolders.append(Holder::entity(tmpl(t)));
            }
            for (const QString &t : things)
                ruleHolders.append(Holder::entity(thing(t)));
            ruleHolders.append(Holder::entity({"Users", "u1"}));
            for (int k = int(rng.bounded(25)); k > 0; --k) {
                const Holder h = ruleHolders[rng.bounded(ruleHolders.size())];
                const Permission p = Permission(rng.bounded(PermissionCount));
                const bool memberOk = isRunTime(p) && h.kind != HolderKind::Collection;
                b.rule(h, R(randomPrincipal(), p, chance(35) ? Deny : Allow,
                            memberOk && chance(50) ? pick(members.mid(1)) : QString()));
            }
            for (int k = int(rng.bounded(8)); k > 0; --k)
                b.visible(ruleHolders[rng.bounded(ruleHolders.size())],
                          {allUnits[rng.bounded(allUnits.size())]});

            AccessModel model;
            b.load(model);
            const Reference ref{b.s};
            for (int q = 0; q < 50; ++q) {
                const QString user = pick(users);
                const int kind = int(rng.bounded(10));
                const EntityRef e = kind < 6   ? thing(chance(95) ? pick(things) : "missing")
                                    : kind < 8 ? tmpl(pick(templates))
                                               : EntityRef{"Users", pick(users)};
                const Permission p = Permission(rng.bounded(PermissionCount));
                const QString member = isRunTime(p) ? pick(members) : QString();
                const Answer expected = ref.answer(user, e, p, member);
                const QString where = QStringLiteral("seed %1, model %2, query %3: %4 %5 %6 %7")
                                          .arg(seed)
                                          .arg(model_)
                                          .arg(q)
                                          .arg(user, e.toString(), permissionName(p), member);
                QVERIFY2(model.check(user, e, p, member) == expected, qPrintable(where));
                QVERIFY2(model.evaluate(user, e, p, member) == expected, qPrintable(where));
                const Decision d = model.decide(user, e, p, member);
                QVERIFY2(d.allowed == (expected == Answer::Allow), qPrintable(where));
                QVERIFY2(d.visibility.visible == (expected != Answer::NotFound), qPrintable(where));
                QVERIFY2(model.isVisible(user, e) == ref.visible(user, e), qPrintable(where));
                if (expected != Answer::NotFound)
                    QVERIFY2(d.resolution.allowed == (expected == Answer::Allow),
                             qPrintable(where));
                if (q % 5 == 0) {
                    const QString t = chance(80) ? pick(templates) : QString();
                    const bool may = ref.mayCreate(user, t);
                    QVERIFY2(model.decideCreate(user, "Things", t).allowed == may,
                             qPrintable(where + " create from " + t));
                    QVERIFY2(model.requireCreate(user, "Things", t).ok() == may,
                             qPrintable(where + " create from " + t));
                }
                if (q % 10 == 0 && e.collection == u"Things" && e.name != u"missing") {
                    // The list filter admits exactly the visible Things.
                    const ListFilter f = model.listFilter(user, "Things");
                    const EntityFacts facts = b.s.entities.value(e);
                    bool listed = f.all ||
                                  (!facts.creator.isEmpty() && f.creator == facts.creator) ||
                                  f.templates.contains(facts.templateName);
                    for (const UnitRef &u : b.s.visibility.value(Holder::entity(e)))
                        listed |= f.units.contains(u.toString());
                    QVERIFY2(listed == ref.visible(user, e), qPrintable(where + " listFilter"));
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestAccessRandom)
#include "tst_access_random.moc"
