// Property values from devices, stored by group commit: every batch that
// arrives while one transaction runs on the storage thread goes into the
// next one together, and each batch is answered only once its transaction
// has committed (durable), after which its values are published as live
// propertyChanged events. Each batch is checked on the storage thread
// against the Thing's definitions and the AccessModel (PropertyWrite per
// value) and is stored all or nothing.
#pragma once

#include "core/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <functional>

namespace Bulwark {

class EventHub;
class StorageThread;
class Vault;
namespace Access {
class AccessModel;
}

struct IngestValue
{
    QString property;
    QJsonValue value;
    QDateTime time;
    QString quality; // "good", "uncertain" or "bad"
};

struct IngestBatch
{
    QString user; // whose PropertyWrite decides
    QString thing;
    QList<IngestValue> values;
};

struct IngestCounts
{
    int accepted = 0;
    int stale = 0; // acknowledged, but older than the stored value
};

class PropertyIngest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PropertyIngest)

public:
    using Done = std::function<void(Result<IngestCounts>)>;

    PropertyIngest(StorageThread &storage, const Access::AccessModel &access, const Vault &vault,
                   EventHub &events, QObject *parent = nullptr);

    // done is called on this object's thread once the batch is committed or refused.
    void submit(IngestBatch batch, Done done);
    [[nodiscard]] qsizetype queued() const { return m_queue.size(); }

private:
    struct Queued
    {
        IngestBatch batch;
        Done done;
    };
    void commitNext();

    StorageThread &m_storage;
    const Access::AccessModel &m_access;
    const Vault &m_vault;
    EventHub &m_events;
    QList<Queued> m_queue;
    bool m_committing = false;
};

} // namespace Bulwark
