// Authorization decisions on a model of the size issue 4 names: 100,000
// Things over 50 templates (chains up to 3 deep), 1,000 users, 200 groups
// nested 5 deep, organizations 8 units deep, a mix of collection, template
// and entity rules and visibility grants at every depth. Prints the medians
// of several runs: loading the model (reset), decisions per second
// remembered (check() on a repeated working set) and cold (evaluate()), the
// first decision for each user after a change (its groups and units worked
// out again), and how the cold cost grows with group depth, unit depth and
// rules per holder. Figures only: nothing here asserts a time.
#include "security/Access.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Bulwark;
using namespace Bulwark::Access;

namespace {

struct Shape
{
    QString label;
    int things = 100'000;
    int templates = 50;
    int users = 1'000;
    int groups = 200;
    int groupDepth = 5;
    int organizations = 4;
    int unitDepth = 8;
    int rulesPerHolder = 5;
};

struct Query
{
    QString user;
    EntityRef ref;
    Permission permission;
    QString member;
};

struct Built
{
    AccessSnapshot snapshot;
    std::vector<Query> queries;
};

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

QString name(const char *prefix, int i)
{
    return QLatin1String(prefix) + QString::number(i);
}

Built build(const Shape &shape, int queryCount)
{
    QRandomGenerator rng(4711);
    Built b;
    AccessSnapshot &s = b.snapshot;
    const auto pick = [&](int n) { return int(rng.bounded(n)); };
    const auto chance = [&](int percent) { return pick(100) < percent; };

    for (int i = 0; i < shape.users; ++i) {
        s.users.insert(name("user", i));
        s.entities.insert({QStringLiteral("Users"), name("user", i)}, {});
    }

    // Groups in chains of groupDepth: group k of a chain is a member of group
    // k+1, so a user in a chain's first group has groupDepth groups.
    QStringList leafGroups;
    QStringList allGroups;
    for (int i = 0; i < shape.groups; ++i) {
        const QString g = name("group", i);
        allGroups.append(g);
        s.groupMembers[g];
        if (i % shape.groupDepth == 0)
            leafGroups.append(g);
        else
            s.groupMembers[g].append({MemberKind::Group, name("group", i - 1)});
    }
    for (int i = 0; i < shape.users; ++i) {
        for (int k = 1 + pick(2); k > 0; --k)
            s.groupMembers[leafGroups[pick(leafGroups.size())]].append(
                {MemberKind::User, name("user", i)});
    }
    s.groupMembers.insert(QStringLiteral("Administrators"),
                          {{MemberKind::User, QStringLiteral("user0")}});

    // Organizations: level 0 is the root; level k holds up to 24 units, each
    // under a unit of level k-1.
    QList<UnitRef> allUnits;
    for (int o = 0; o < shape.organizations; ++o) {
        const QString org = name("org", o);
        QStringList previous{org};
        s.units[org].insert(org, QString());
        allUnits.append({org, org});
        for (int level = 1; level < shape.unitDepth; ++level) {
            QStringList current;
            const int width = std::min(24, 1 << level);
            for (int i = 0; i < width; ++i) {
                const QString unit =
                    org + u'_' + QString::number(level) + u'_' + QString::number(i);
                s.units[org].insert(unit, previous[pick(previous.size())]);
                current.append(unit);
                allUnits.append({org, unit});
            }
            previous = current;
        }
    }
    for (int i = 1; i < shape.users; ++i) {
        for (int k = 1 + pick(2); k > 0; --k)
            s.unitMembers[allUnits[pick(allUnits.size())]].append(
                {MemberKind::User, name("user", i)});
    }
    for (const QString &g : std::as_const(allGroups)) {
        if (chance(30))
            s.unitMembers[allUnits[pick(allUnits.size())]].append({MemberKind::Group, g});
    }

    const QList<Permission> runTime{Permission::PropertyRead, Permission::PropertyWrite,
                                    Permission::ServiceInvoke, Permission::EventInvoke,
                                    Permission::EventSubscribe};
    const auto randomRule = [&](bool members) {
        Rule r;
        r.principal = chance(80) ? Principal{MemberKind::Group, allGroups[pick(allGroups.size())]}
                                 : Principal{MemberKind::User, name("user", pick(shape.users))};
        r.permission = Permission(pick(PermissionCount));
        r.effect = chance(25) ? Effect::Deny : Effect::Allow;
        if (members && isRunTime(r.permission) && chance(30))
            r.member = name("member", pick(8));
        return r;
    };
    const auto rules = [&](const Holder &holder, int count, bool members) {
        QList<Rule> &list = s.rules[holder];
        for (int i = 0; i < count; ++i)
            list.append(randomRule(members));
    };

    // Templates: every third starts a chain, the next two derive from it.
    for (int t = 0; t < shape.templates; ++t) {
        const QString base = t % 3 == 0 ? QString() : name("template", t - 1);
        s.entities.insert({QStringLiteral("ThingTemplates"), name("template", t)}, {base, {}});
        rules(Holder::templateInstance(name("template", t)), shape.rulesPerHolder, true);
        if (chance(40))
            s.visibility[Holder::templateInstance(name("template", t))].append(
                allUnits[pick(allUnits.size())]);
    }
    const Holder things = Holder::collectionOf(QStringLiteral("Things"));
    rules(things, shape.rulesPerHolder, false);
    // Everyone in a group chain may read Things (through the chain's top group).
    for (int i = shape.groupDepth - 1; i < shape.groups; i += shape.groupDepth)
        s.rules[things].append(
            {{MemberKind::Group, allGroups[i]}, Permission::Read, Effect::Allow, {}});
    s.visibility[Holder::collectionOf(QStringLiteral("ThingTemplates"))] = {allUnits.first()};

    for (int i = 0; i < shape.things; ++i) {
        const EntityRef ref{QStringLiteral("Things"), name("thing", i)};
        s.entities.insert(ref, {name("template", pick(shape.templates)),
                                chance(5) ? name("user", pick(shape.users)) : QString()});
        if (chance(30)) {
            for (int k = 1 + pick(2); k > 0; --k)
                s.visibility[Holder::entity(ref)].append(allUnits[pick(allUnits.size())]);
        }
        if (chance(10))
            rules(Holder::entity(ref), std::max(1, shape.rulesPerHolder / 2), true);
    }

    // Most requests name what the user can see (lists only show that), found
    // as a storage query would find it, through listFilter(); one in five
    // names any Thing.
    QHash<QString, QList<int>> byUnit;
    QHash<QString, QList<int>> byTemplate;
    for (int i = 0; i < shape.things; ++i) {
        const EntityRef ref{QStringLiteral("Things"), name("thing", i)};
        for (const UnitRef &u : s.visibility.value(Holder::entity(ref)))
            byUnit[u.toString()].append(i);
        byTemplate[s.entities.value(ref).templateName].append(i);
    }
    AccessModel model;
    model.reset(s);
    QHash<QString, QList<int>> visibleTo;
    const auto visibleThings = [&](const QString &user) -> const QList<int> & {
        auto it = visibleTo.find(user);
        if (it != visibleTo.end())
            return *it;
        const ListFilter f = model.listFilter(user, QStringLiteral("Things"));
        QList<int> list;
        for (const QString &u : f.units)
            list += byUnit.value(u);
        for (const QString &t : f.templates)
            list += byTemplate.value(t);
        return *visibleTo.insert(user, list);
    };
    for (int i = 0; i < queryCount; ++i) {
        Query q;
        q.user = name("user", 1 + pick(shape.users - 1));
        const QList<int> &visible = visibleThings(q.user);
        const bool any = visible.isEmpty() || chance(20);
        q.ref = {QStringLiteral("Things"),
                 name("thing", any ? pick(shape.things) : visible[pick(visible.size())])};
        q.permission = chance(50) ? Permission::Read : runTime[pick(runTime.size())];
        if (isRunTime(q.permission) && chance(70))
            q.member = name("member", pick(8));
        b.queries.push_back(q);
    }
    return b;
}

struct Figures
{
    double loadMilliseconds = 0;
    double coldPerSecond = 0;
    double cachedPerSecond = 0;
    double firstPerUserMicroseconds = 0;
    double allowedPercent = 0;
    double notFoundPercent = 0;
};

Figures measure(const Shape &shape, int queryCount, int runs)
{
    const Built b = build(shape, queryCount);
    Figures f;
    AccessModel model;

    std::vector<double> samples;
    for (int r = 0; r < runs; ++r) {
        QElapsedTimer t;
        t.start();
        model.reset(b.snapshot);
        samples.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    f.loadMilliseconds = median(samples);

    // The first decision for each user after a change works out its groups
    // and units again.
    samples.clear();
    for (int r = 0; r < runs; ++r) {
        model.setRules(Holder::collectionOf(QStringLiteral("Users")), {});
        QElapsedTimer t;
        t.start();
        for (int u = 0; u < shape.users; ++u)
            (void)model.evaluate(name("user", u), b.queries.front().ref, Permission::Read);
        samples.push_back(double(t.nsecsElapsed()) / 1e3 / shape.users);
    }
    f.firstPerUserMicroseconds = median(samples);

    // Cold: every query resolved anew (the per-user facts are already known).
    samples.clear();
    int allowed = 0;
    int notFound = 0;
    for (int r = 0; r < runs; ++r) {
        allowed = notFound = 0;
        QElapsedTimer t;
        t.start();
        for (const Query &q : b.queries) {
            const Answer a = model.evaluate(q.user, q.ref, q.permission, q.member);
            allowed += a == Answer::Allow;
            notFound += a == Answer::NotFound;
        }
        samples.push_back(double(b.queries.size()) / (double(t.nsecsElapsed()) / 1e9));
    }
    f.coldPerSecond = median(samples);
    f.allowedPercent = 100.0 * allowed / double(b.queries.size());
    f.notFoundPercent = 100.0 * notFound / double(b.queries.size());

    // Remembered: a working set of 10,000 requests asked again and again.
    const size_t working = std::min<size_t>(10'000, b.queries.size());
    for (size_t i = 0; i < working; ++i) {
        const Query &q = b.queries[i];
        (void)model.check(q.user, q.ref, q.permission, q.member);
    }
    samples.clear();
    for (int r = 0; r < runs; ++r) {
        QElapsedTimer t;
        t.start();
        size_t asked = 0;
        for (int pass = 0; pass < 10; ++pass) {
            for (size_t i = 0; i < working; ++i, ++asked) {
                const Query &q = b.queries[i];
                (void)model.check(q.user, q.ref, q.permission, q.member);
            }
        }
        samples.push_back(double(asked) / (double(t.nsecsElapsed()) / 1e9));
    }
    f.cachedPerSecond = median(samples);
    return f;
}

void printRow(const Shape &shape, const Figures &f)
{
    std::printf("%-26s %6d %5d %5d %9.0f %12.0f %12.0f %10.1f %6.0f%% %5.0f%%\n",
                qPrintable(shape.label), shape.groupDepth, shape.unitDepth, shape.rulesPerHolder,
                f.loadMilliseconds, f.coldPerSecond, f.cachedPerSecond, f.firstPerUserMicroseconds,
                f.allowedPercent, f.notFoundPercent);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Authorization decisions per second."));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"),
                                   QStringLiteral("A small model and few runs (a smoke test)."));
    parser.addOption(quick);
    parser.process(app);

    const bool isQuick = parser.isSet(quick);
    const int runs = isQuick ? 3 : 5;
    const int queryCount = isQuick ? 20'000 : 200'000;
    Shape base;
    base.label = QStringLiteral("issue 4 model");
    if (isQuick)
        base.things = 10'000;

    std::printf("Things %d, templates %d, users %d, groups %d, organizations %d; "
                "%d queries, median of %d runs, one thread.\n",
                base.things, base.templates, base.users, base.groups, base.organizations,
                queryCount, runs);
    std::printf("%-26s %6s %5s %5s %9s %12s %12s %10s %7s %6s\n", "model", "groups", "units",
                "rules", "load ms", "cold /s", "cached /s", "1st/user us", "allow", "404");

    printRow(base, measure(base, queryCount, runs));
    for (int depth : {1, 10}) {
        Shape s = base;
        s.groupDepth = depth;
        s.label = QStringLiteral("group depth %1").arg(depth);
        printRow(s, measure(s, queryCount, runs));
    }
    for (int depth : {2, 16}) {
        Shape s = base;
        s.unitDepth = depth;
        s.label = QStringLiteral("unit depth %1").arg(depth);
        printRow(s, measure(s, queryCount, runs));
    }
    for (int rules : {1, 10, 100}) {
        Shape s = base;
        s.rulesPerHolder = rules;
        s.label = QStringLiteral("rules per holder %1").arg(rules);
        printRow(s, measure(s, queryCount, runs));
    }
    return 0;
}
