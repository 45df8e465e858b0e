// EdgeClient's properties: push policies and scanning, the bounded offline
// queue, and the `update` messages that carry the values.
#include "EdgeClientPrivate.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace BulwarkEdge {

using namespace Qt::StringLiterals;

namespace {

QString qualityName(Quality quality)
{
    switch (quality) {
    case Quality::Good:
        return u"good"_s;
    case Quality::Uncertain:
        return u"uncertain"_s;
    case Quality::Bad:
        return u"bad"_s;
    }
    return u"good"_s;
}

// A value of a property declared OnChange is pushed when it differs from the
// last pushed one (numbers: by at least the threshold).
bool changedEnough(const QJsonValue &last, const QJsonValue &value, double threshold)
{
    if (last.isUndefined())
        return true;
    if (last.isDouble() && value.isDouble()) {
        const double difference = std::fabs(value.toDouble() - last.toDouble());
        if (threshold > 0)
            return difference >= threshold;
        return difference != 0;
    }
    return last != value;
}

} // namespace

EdgeClientPrivate::PropertyState &EdgeClientPrivate::property(const QString &thing,
                                                              const QString &name)
{
    return things[thing].properties[name];
}

void UpdateCall::acknowledge(qsizetype values, int accepted, int stale)
{
    if (finished)
        return;
    result.accepted += accepted;
    result.stale += stale;
    unanswered -= values;
    if (unanswered > 0)
        return;
    finished = true;
    if (done)
        done(result, nullptr);
}

void UpdateCall::refuse(const Error &error)
{
    if (finished)
        return;
    finished = true;
    if (done)
        done(result, &error);
}

void EdgeClientPrivate::offer(const QString &thing, const QString &name, const QJsonValue &value,
                              const QDateTime &time, Quality quality, const UpdateCompletion &done)
{
    PropertyState &state = property(thing, name);
    state.current = value;
    const bool push = state.options.push == PushPolicy::Always ||
                      (state.options.push == PushPolicy::OnChange &&
                       changedEnough(state.lastPushed, value, state.options.threshold));
    if (!push) {
        if (done) // nothing to send: answered at once, but never from inside the call
            QMetaObject::invokeMethod(
                q, [done] { done(UpdateResult{}, nullptr); }, Qt::QueuedConnection);
        return;
    }
    state.lastPushed = value;
    std::shared_ptr<UpdateCall> call;
    if (done)
        call = std::make_shared<UpdateCall>(UpdateCall{done, 1, {}, false});
    enqueue(
        QueuedValue{thing,
                    PropertyValue{name, value,
                                  time.isValid() ? time : QDateTime::currentDateTimeUtc(), quality},
                    call});
}

void EdgeClientPrivate::enqueue(QueuedValue entry)
{
    if (policy == QueuePolicy::KeepLatestPerProperty) {
        for (auto it = queue.begin(); it != queue.end(); ++it) {
            if (it->thing == entry.thing && it->value.property == entry.value.property) {
                if (it->call && it->call == entry.call)
                    --it->call->unanswered; // the call's own later value replaces it
                else
                    dropped(*it, u"a newer value of the same property replaced it in the offline "
                                 "queue (KeepLatestPerProperty)"_s);
                queue.erase(it);
                break;
            }
        }
    }
    if (policy == QueuePolicy::DropNewest && int(queue.size()) >= capacity) {
        qCWarning(lcEdgeSdk) << "offline queue full: dropped the new value of" << entry.thing
                             << entry.value.property;
        dropped(entry, u"the offline queue was full (DropNewest)"_s);
        Q_EMIT q->valuesDropped(1);
        return;
    }
    queue.push_back(std::move(entry));
    trimQueue();
    scheduleFlush();
}

void EdgeClientPrivate::requeue(const InFlightUpdate &update)
{
    for (auto value = update.values.crbegin(); value != update.values.crend(); ++value)
        queue.push_front(QueuedValue{update.thing, *value, update.call});
}

void EdgeClientPrivate::dropped(const QueuedValue &entry, const QString &why)
{
    if (entry.call)
        entry.call->refuse(
            Error{ErrorCode::Cancelled,
                  u"The value of property '%1' of Thing '%2' was not sent: %3."_s.arg(
                      entry.value.property, entry.thing, why)});
}

void EdgeClientPrivate::trimQueue()
{
    int count = 0;
    while (int(queue.size()) > capacity) {
        const bool newest = policy == QueuePolicy::DropNewest;
        dropped(newest ? queue.back() : queue.front(), u"the offline queue was full"_s);
        if (newest)
            queue.pop_back();
        else
            queue.pop_front();
        ++count;
    }
    if (count > 0) {
        qCWarning(lcEdgeSdk) << "offline queue full: dropped" << count << "value(s)";
        Q_EMIT q->valuesDropped(count);
    }
}

void EdgeClientPrivate::scheduleFlush()
{
    if (state == State::Connected && !flushTimer.isActive() && !queue.empty())
        flushTimer.start(batchIntervalMs);
}

void EdgeClientPrivate::flush()
{
    if (state != State::Connected)
        return;
    // Per bound Thing (and per call with a completion), in queue order.
    struct Batch
    {
        QString thing;
        std::shared_ptr<UpdateCall> call;
        QList<PropertyValue> values;
    };
    std::vector<Batch> batches;
    std::map<std::pair<QString, const UpdateCall *>, std::size_t> batchOf;
    std::deque<QueuedValue> kept;
    for (QueuedValue &entry : queue) {
        auto it = things.find(entry.thing);
        if (it == things.end() || !it->second.bound) {
            kept.push_back(std::move(entry));
            continue;
        }
        const auto [index, added] =
            batchOf.try_emplace({entry.thing, entry.call.get()}, batches.size());
        if (added)
            batches.push_back(Batch{entry.thing, entry.call, {}});
        batches[index->second].values.append(std::move(entry.value));
    }
    queue = std::move(kept);
    for (const Batch &batch : batches) {
        for (qsizetype start = 0; start < batch.values.size(); start += 1000)
            sendUpdate(batch.thing, batch.values.mid(start, 1000), batch.call);
    }
}

// One `update` message of at most 1,000 values.
void EdgeClientPrivate::sendUpdate(const QString &thing, const QList<PropertyValue> &values,
                                   const std::shared_ptr<UpdateCall> &call)
{
    QJsonArray array;
    for (const PropertyValue &value : values) {
        QJsonObject entry{{"property"_L1, value.property},
                          {"value"_L1, value.value.isUndefined() ? QJsonValue() : value.value},
                          {"time"_L1, isoTime(value.time)}};
        if (value.quality != Quality::Good)
            entry.insert("quality"_L1, qualityName(value.quality));
        array.append(entry);
    }
    const qint64 id = nextId;
    inFlight.insert(id, InFlightUpdate{thing, values, call});
    request({{"type"_L1, "update"_L1}, {"thing"_L1, thing}, {"values"_L1, array}},
            [this, id](const QJsonObject &reply) { onUpdateReply(id, reply); });
}

void EdgeClientPrivate::onUpdateReply(qint64 id, const QJsonObject &reply)
{
    const InFlightUpdate update = inFlight.take(id);
    if (reply.value("type"_L1).toString() == u"result"_s) {
        const QJsonObject result = reply.value("result"_L1).toObject();
        const int accepted = result["accepted"_L1].toInt();
        const int stale = result["stale"_L1].toInt();
        Q_EMIT q->updateAcknowledged(update.thing, accepted, stale);
        if (update.call)
            update.call->acknowledge(update.values.size(), accepted, stale);
        return;
    }
    const Error error = errorOf(reply);
    if (error.code == ErrorCode::ConnectionFailed)
        return; // endSession() already put the values back
    if (error.code == ErrorCode::Unavailable || error.code == ErrorCode::TooManyRequests) {
        // Nothing was stored: send again shortly.
        requeue(update);
        trimQueue();
        if (state == State::Connected)
            flushTimer.start(std::max(batchIntervalMs, 1000));
        return;
    }
    fail(error.code,
         u"The server refused an update of Thing '%1' (nothing of it was stored): %2"_s.arg(
             update.thing, error.message));
    Q_EMIT q->updateRejected(update.thing, error);
    if (update.call)
        update.call->refuse(error);
}

void EdgeClientPrivate::startScanning()
{
    for (auto &[thingName, thing] : things) {
        for (auto &[propertyName, state] : thing.properties) {
            if (state.options.scanIntervalMs <= 0 || !state.options.provider)
                continue;
            if (!state.scanTimer) {
                state.scanTimer = std::make_unique<QTimer>();
                const QString t = thingName;
                const QString p = propertyName;
                QObject::connect(state.scanTimer.get(), &QTimer::timeout, q,
                                 [this, t, p] { scan(t, p); });
            }
            state.scanTimer->start(state.options.scanIntervalMs);
            scan(thingName, propertyName);
        }
    }
}

void EdgeClientPrivate::stopScanning()
{
    for (auto &[thingName, thing] : things) {
        for (auto &[propertyName, state] : thing.properties) {
            if (state.scanTimer)
                state.scanTimer->stop();
        }
    }
}

void EdgeClientPrivate::scan(const QString &thing, const QString &name)
{
    PropertyState &state = property(thing, name);
    if (!state.options.provider)
        return;
    const QJsonValue value = state.options.provider();
    if (value.isUndefined())
        return; // the provider has no value this time
    offer(thing, name, value, QDateTime(), Quality::Good);
}

bool EdgeClient::declareProperty(const QString &thing, const QString &property,
                                 const PropertyOptions &options)
{
    if (!(options.threshold >= 0) || !std::isfinite(options.threshold)) {
        d->fail(ErrorCode::InvalidConfiguration,
                u"The threshold of property '%1' of Thing '%2' must be a finite number >= 0."_s.arg(
                    property, thing));
        return false;
    }
    if (options.scanIntervalMs < 0 || (options.scanIntervalMs > 0 && !options.provider)) {
        d->fail(ErrorCode::InvalidConfiguration,
                u"Property '%1' of Thing '%2': a scan interval needs a value provider, and the "
                "interval cannot be negative."_s.arg(property, thing));
        return false;
    }
    auto &state = d->property(thing, property);
    state.options = options;
    if (state.scanTimer)
        state.scanTimer->stop();
    if (d->state == State::Connected && options.scanIntervalMs > 0)
        d->startScanning();
    return true;
}

void EdgeClient::setPropertyValue(const QString &thing, const QString &property,
                                  const QJsonValue &value, const QDateTime &time, Quality quality,
                                  const UpdateCompletion &done)
{
    d->offer(thing, property, value, time, quality, done);
}

void EdgeClient::updateProperties(const QString &thing, const QList<PropertyValue> &values,
                                  const UpdateCompletion &done)
{
    std::shared_ptr<UpdateCall> call;
    if (done) {
        if (values.isEmpty()) {
            QMetaObject::invokeMethod(
                this, [done] { done(UpdateResult{}, nullptr); }, Qt::QueuedConnection);
            return;
        }
        call = std::make_shared<UpdateCall>(UpdateCall{done, values.size(), {}, false});
    }
    for (PropertyValue value : values) {
        if (!value.time.isValid())
            value.time = QDateTime::currentDateTimeUtc();
        auto &state = d->property(thing, value.property);
        state.current = value.value;
        state.lastPushed = value.value;
        d->enqueue(EdgeClientPrivate::QueuedValue{thing, value, call});
    }
}

QJsonValue EdgeClient::propertyValue(const QString &thing, const QString &property) const
{
    const auto it = d->things.find(thing);
    if (it == d->things.end())
        return QJsonValue(QJsonValue::Undefined);
    const auto p = it->second.properties.find(property);
    return p == it->second.properties.end() ? QJsonValue(QJsonValue::Undefined) : p->second.current;
}

} // namespace BulwarkEdge
