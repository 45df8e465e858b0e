#include "PropertyIngest.h"

#include "api/EventHub.h"
#include "api/ThingRoutes.h"
#include "core/EntityJson.h"
#include "security/Access.h"
#include "security/Vault.h"
#include "storage/EntityStore.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QLoggingCategory>

#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcEdge)

namespace Bulwark {

namespace W = Wire;

namespace {

struct Outcome
{
    Result<IngestCounts> counts = IngestCounts{};
    QList<QJsonObject> events;
};

// Checks every value of a batch before any is written: the first failing
// one is named by index and property.
Status checkBatch(const IngestBatch &batch, const Thing &thing, const Access::AccessModel &access,
                  QList<QJsonValue> &checked)
{
    const Access::EntityRef ref{QString(W::Things), batch.thing};
    for (qsizetype i = 0; i < batch.values.size(); ++i) {
        const IngestValue &v = batch.values.at(i);
        const QString where =
            QStringLiteral("Value %1 (property '%2')").arg(i).arg(v.property.left(128));
        const PropertyDefinition *p = thing.definitions.property(v.property);
        if (!p)
            return makeError(ErrorCode::NotFound, QStringLiteral("%1: Thing '%2' has no property "
                                                                 "'%3'; nothing was stored.")
                                                      .arg(where, batch.thing, v.property));
        if (auto allowed =
                access.require(batch.user, ref, Access::Permission::PropertyWrite, v.property);
            !allowed)
            return makeError(
                allowed.error().code,
                QStringLiteral("%1: %2 Nothing was stored.").arg(where, allowed.error().message));
        auto value = BaseTypes::check(
            p->baseType, v.value,
            QStringLiteral("Property '%1' of Thing '%2'").arg(v.property, batch.thing));
        if (!value)
            return makeError(
                value.error().code,
                QStringLiteral("%1: %2 Nothing was stored.").arg(where, value.error().message));
        checked.append(*value);
    }
    return {};
}

} // namespace

PropertyIngest::PropertyIngest(StorageThread &storage, const Access::AccessModel &access,
                               const Vault &vault, EventHub &events, QObject *parent)
    : QObject(parent)
    , m_storage(storage)
    , m_access(access)
    , m_vault(vault)
    , m_events(events)
{}

void PropertyIngest::submit(IngestBatch batch, Done done)
{
    m_queue.append(Queued{std::move(batch), std::move(done)});
    if (!m_committing)
        commitNext();
}

void PropertyIngest::commitNext()
{
    if (m_queue.isEmpty())
        return;
    m_committing = true;
    QList<Queued> taken;
    taken.swap(m_queue);
    QList<IngestBatch> batches;
    batches.reserve(taken.size());
    for (const Queued &q : taken)
        batches.append(q.batch);
    const Access::AccessModel *access = &m_access;
    const Vault *vault = &m_vault;
    m_storage.run<QList<Outcome>>(
        [batches, access, vault](EntityStore &store) {
            QList<Outcome> outcomes(batches.size());
            QHash<QString, std::optional<Result<Thing>>> things;
            const Status committed = store.inTransaction([&]() -> Status {
                for (qsizetype b = 0; b < batches.size(); ++b) {
                    const IngestBatch &batch = batches.at(b);
                    auto &thing = things[batch.thing];
                    if (!thing)
                        thing = Routes::effectiveThing(store, batch.thing);
                    if (!*thing) {
                        outcomes[b].counts = thing->error();
                        continue;
                    }
                    QList<QJsonValue> checked;
                    if (auto s = checkBatch(batch, **thing, *access, checked); !s) {
                        outcomes[b].counts = s.error();
                        continue;
                    }
                    IngestCounts counts;
                    for (qsizetype i = 0; i < batch.values.size(); ++i) {
                        const IngestValue &v = batch.values.at(i);
                        const bool secret = (*thing)->definitions.property(v.property)->baseType ==
                                            BaseType::Password;
                        QualifiedValue stored{checked.at(i), v.time, v.quality};
                        if (secret && stored.value.isString()) {
                            auto sealed = vault->seal(stored.value.toString().toUtf8(),
                                                      SealContext{QStringLiteral("property_values"),
                                                                  QStringLiteral("value"),
                                                                  batch.thing + u'/' + v.property});
                            if (!sealed)
                                return sealed.error();
                            stored.value = *sealed;
                        }
                        auto applied =
                            store.setNewestPropertyValue(batch.thing, v.property, stored);
                        if (!applied)
                            return applied.error();
                        if (!*applied) {
                            ++counts.stale;
                            continue;
                        }
                        ++counts.accepted;
                        QJsonValue shown = checked.at(i);
                        if (secret)
                            shown = shown.isNull() ? QJsonValue() : QJsonValue(W::PasswordMask);
                        outcomes[b].events.append({{W::Type, W::EventPropertyChanged},
                                                   {W::Thing, batch.thing},
                                                   {W::Property, v.property},
                                                   {W::Value, shown},
                                                   {W::Time, EntityJson::timestamp(v.time)},
                                                   {W::Quality, v.quality},
                                                   {W::Source, W::SourceEdge}});
                    }
                    outcomes[b].counts = counts;
                }
                return {};
            });
            if (!committed) {
                // Nothing of this transaction is stored: every batch in it says so.
                for (Outcome &outcome : outcomes) {
                    if (outcome.counts)
                        outcome.counts = committed.error();
                    outcome.events.clear();
                }
            }
            return outcomes;
        },
        this,
        [this, taken](QList<Outcome> outcomes) {
            for (qsizetype i = 0; i < taken.size(); ++i) {
                taken.at(i).done(outcomes.at(i).counts);
                for (const QJsonObject &event : outcomes.at(i).events)
                    m_events.publish(event);
            }
            m_committing = false;
            commitNext();
        });
}

} // namespace Bulwark
