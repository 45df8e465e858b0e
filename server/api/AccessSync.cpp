#include "AccessSync.h"

#include "storage/AccessStore.h"
#include "storage/EntityStore.h"

#include <QLoggingCategory>

namespace Bulwark::AccessSync {

Q_LOGGING_CATEGORY(lcAccess, "bulwark.access")

Status loadAll(Access::AccessModel &model, EntityStore &store)
{
    auto snapshot = AccessStore(store.database()).load();
    if (!snapshot)
        return snapshot.error();
    model.reset(std::move(*snapshot));
    return {};
}

namespace {

Status applyOne(Access::AccessModel &model, AccessStore &access, const AccessChange &change)
{
    using Kind = AccessChange::Kind;
    switch (change.kind) {
    case Kind::Entity: {
        auto facts = access.loadFacts(change.entity);
        if (!facts)
            return facts.error();
        model.setEntity(change.entity, *facts);
        return {};
    }
    case Kind::EntityRemoved:
        model.removeEntity(change.entity);
        return {};
    case Kind::Rules: {
        auto rules = access.rules(change.holder);
        if (!rules)
            return rules.error();
        model.setRules(change.holder, *rules);
        return {};
    }
    case Kind::Visibility: {
        auto units = access.visibility(change.holder);
        if (!units)
            return units.error();
        model.setVisibility(change.holder, *units);
        return {};
    }
    case Kind::Principals: {
        auto principals = access.loadPrincipals();
        if (!principals)
            return principals.error();
        model.setPrincipals(std::move(principals->first), std::move(principals->second));
        return {};
    }
    case Kind::Organizations: {
        // Unit renames and deletions also change visibility lists.
        auto organizations = access.loadOrganizations();
        if (!organizations)
            return organizations.error();
        auto visibility = access.loadVisibility();
        if (!visibility)
            return visibility.error();
        model.setOrganizations(std::move(organizations->first), std::move(organizations->second));
        model.setAllVisibility(std::move(*visibility));
        return {};
    }
    case Kind::Everything: {
        auto snapshot = access.load();
        if (!snapshot)
            return snapshot.error();
        model.reset(std::move(*snapshot));
        return {};
    }
    case Kind::AllRules: {
        auto rules = access.loadRules();
        if (!rules)
            return rules.error();
        model.setAllRules(std::move(*rules));
        return {};
    }
    }
    return {};
}

} // namespace

namespace {
// Set when the model could not follow a change: it then denies everything
// (fail closed) until a full reload succeeds, tried again at every write.
bool g_needsReload = false; // storage thread only
} // namespace

void apply(Access::AccessModel &model, EntityStore &store, const QList<AccessChange> &changes)
{
    if (g_needsReload) {
        if (auto all = loadAll(model, store); !all) {
            qCCritical(lcAccess).noquote()
                << "Authorization still cannot be reloaded:" << all.error().message;
            return;
        }
        g_needsReload = false;
        qCInfo(lcAccess) << "Authorization reloaded after an earlier failure.";
        return;
    }
    if (changes.isEmpty())
        return;
    AccessStore access(store.database());
    for (const AccessChange &change : changes) {
        if (auto s = applyOne(model, access, change); !s) {
            qCWarning(lcAccess).noquote() << "Could not read back an authorization change ("
                                          << s.error().message << "); reloading everything.";
            if (auto all = loadAll(model, store); !all) {
                qCCritical(lcAccess).noquote()
                    << "Could not reload authorization:" << all.error().message
                    << "- everything is denied to everyone until it can be.";
                model.reset({});
                g_needsReload = true;
            }
            return;
        }
    }
}

} // namespace Bulwark::AccessSync
