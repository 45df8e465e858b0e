#include "TransferManager_p.h"

#include "api/EventHub.h"
#include "core/EntityJson.h"
#include "edge/EdgeEndpoint.h"
#include "security/Access.h"
#include "storage/EntityStore.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QTimer>

Q_LOGGING_CATEGORY(lcTransfers, "bulwark.transfers")

namespace Bulwark {

using namespace Qt::StringLiterals;
using namespace TransferDetail;
using Access::EntityRef;
using Access::Permission;

TransferManager::TransferManager(FileRepositories &repositories, StorageThread &storage,
                                 const Access::AccessModel &access, EdgeEndpoint &edge,
                                 EventHub &events, QObject *parent)
    : QObject(parent)
    , m_repositories(repositories)
    , m_storage(storage)
    , m_access(access)
    , m_edge(edge)
    , m_events(events)
{
    m_thread.setObjectName(u"bulwark-files"_s);
    m_fileContext = new QObject;
    m_fileContext->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_fileContext, &QObject::deleteLater);
    m_thread.start();
    m_waitingTimer = new QTimer(this);
    connect(m_waitingTimer, &QTimer::timeout, this, &TransferManager::checkWaiting);
    m_waitingTimer->start(10 * 1000);
    load();
}

TransferManager::~TransferManager()
{
    stop();
}

void TransferManager::stop()
{
    m_stopped = true; // the storage thread has closed: nothing more is saved
    if (!m_thread.isRunning())
        return;
    m_thread.quit();
    m_thread.wait();
}

const FileSettings &TransferManager::settings() const
{
    return m_repositories.settings();
}

void TransferManager::onFileThread(std::function<void()> task)
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_fileContext, std::move(task), Qt::QueuedConnection);
}

const QStringList &TransferManager::stateNames()
{
    static const QStringList names{u"queued"_s, u"running"_s, u"verifying"_s,
                                   u"done"_s,   u"failed"_s,  u"cancelled"_s};
    static_assert(int(TransferState::Cancelled) == 5, "one name for each TransferState, in order");
    return names;
}

QString TransferManager::stateName(TransferState state)
{
    return stateNames().at(int(state));
}

// ---- Resolving a request ---------------------------------------------------

Result<TransferSpec> TransferManager::resolve(EntityStore &store, const Access::AccessModel &access,
                                              const FileRepositories &repositories,
                                              const QString &user, const QJsonObject &source,
                                              const QJsonObject &target, bool overwrite)
{
    const auto side = [&](const QJsonObject &given, const QString &what) -> Result<TransferSide> {
        const QString thing = given.value(Wire::Thing).toString();
        const QJsonValue path = given.value("path"_L1);
        if (thing.isEmpty() || !path.isString())
            return makeError(
                ErrorCode::BadRequest,
                u"Name the %1 as {\"thing\": \"…\", \"path\": \"dir/file\"}."_s.arg(what));
        const EntityRef ref{QString(Wire::Things), thing};
        if (!access.isVisible(user, ref))
            return Access::notFound(ref);
        auto repository = RepositoryCatalog::isRepository(store, thing);
        if (!repository)
            return repository.error().code == ErrorCode::NotFound ? Access::notFound(ref)
                                                                  : repository.error();
        auto checked = checkRepositoryPath(path.toString(), RootPath::Refuse);
        if (!checked)
            return makeError(ErrorCode::BadRequest,
                             u"The %1 path: %2"_s.arg(what, checked.error().message));
        TransferSide result{thing, *checked, {}};
        if (*repository) {
            auto id = RepositoryCatalog::repositoryId(store, thing);
            if (!id)
                return id.error();
            result.repositoryId = *id;
        } else if (!checked->contains(u'/')) {
            return makeError(ErrorCode::BadRequest,
                             u"The %1 path '%2' on device Thing '%3' must start with one of its "
                             "virtual directories, as in \"logs/today.txt\"."_s.arg(
                                 what, checked->left(256), thing));
        }
        return result;
    };
    auto from = side(source, u"source"_s);
    if (!from)
        return from.error();
    auto to = side(target, u"target"_s);
    if (!to)
        return to.error();
    if (!from->isRepository() && !to->isRepository())
        return makeError(ErrorCode::BadRequest,
                         u"A transfer copies a file to or from a file repository, and neither "
                         "'%1' nor '%2' is one (a repository is a Thing whose template derives "
                         "from FileRepository)."_s.arg(from->thing, to->thing));
    if (from->isRepository() && to->isRepository())
        return makeError(
            ErrorCode::BadRequest,
            u"Both '%1' and '%2' are repositories: a transfer moves a file between "
            "a repository and a device. Download the file and upload it with "
            "GET/PUT /api/Things/{name}/Files/Content instead."_s.arg(from->thing, to->thing));
    const TransferSide &repository = from->isRepository() ? *from : *to;
    const TransferSide &device = from->isRepository() ? *to : *from;
    const EntityRef repositoryRef{QString(Wire::Things), repository.thing};
    const EntityRef deviceRef{QString(Wire::Things), device.thing};
    if (auto s = access.require(user, repositoryRef,
                                from->isRepository() ? Permission::Read : Permission::Update);
        !s)
        return s.error();
    if (auto s = access.require(user, deviceRef, Permission::ServiceInvoke); !s)
        return s.error();
    if (from->isRepository()) {
        auto stat = repositories.stat(from->repositoryId, from->path);
        if (!stat)
            return stat.error();
    } else if (!overwrite) {
        if (auto stat = repositories.stat(to->repositoryId, to->path); stat)
            return makeError(ErrorCode::Conflict,
                             ExistsPrefix +
                                 u"'%1' already exists in repository '%2'; ask with "
                                 "\"overwrite\": true to replace it."_s.arg(to->path, to->thing));
    }
    return TransferSpec{*from, *to, overwrite, user};
}

void TransferManager::request(const QString &user, const QJsonObject &source,
                              const QJsonObject &target, bool overwrite,
                              std::function<void(Result<QJsonObject>)> done)
{
    const Access::AccessModel *access = &m_access;
    const FileRepositories *repositories = &m_repositories;
    m_storage.run<Result<TransferSpec>>(
        [access, repositories, user, source, target, overwrite](EntityStore &store) {
            // A repository's id is made on first use: one transaction.
            Result<TransferSpec> spec = makeError(ErrorCode::Internal, u"not resolved"_s);
            const Status status = store.inTransaction([&]() -> Status {
                spec = resolve(store, *access, *repositories, user, source, target, overwrite);
                return spec ? Status{} : Status{spec.error()};
            });
            if (!status && spec)
                return Result<TransferSpec>(status.error());
            return spec;
        },
        this,
        [this, done = std::move(done)](Result<TransferSpec> spec) {
            if (!spec) {
                done(spec.error());
                return;
            }
            create(*spec, done);
        });
}

// ---- The queue ---------------------------------------------------------------

void TransferManager::create(const TransferSpec &spec,
                             std::function<void(Result<QJsonObject>)> done)
{
    const QString device = spec.source.isRepository() ? spec.target.thing : spec.source.thing;
    int pending = 0;
    for (const auto &t : std::as_const(m_transfers))
        pending += !isFinal(t->state) && t->device() == device ? 1 : 0;
    if (pending >= MaximumPendingPerDevice) {
        done(makeError(ErrorCode::TooManyRequests,
                       u"%1 transfers with %2 are already waiting or running; let some finish "
                       "or cancel them, then ask again."_s.arg(pending)
                           .arg(device)));
        return;
    }
    auto transfer = std::make_shared<Transfer>();
    transfer->id = QUuid::createUuid();
    transfer->idText = transfer->id.toString(QUuid::WithoutBraces);
    transfer->spec = spec;
    transfer->key = FileKey::generate();
    transfer->chunkSize = settings().chunkSizeBytes();
    transfer->created = QDateTime::currentDateTimeUtc();
    transfer->waitingSince = transfer->created;
    m_transfers.insert(transfer->id, transfer);
    m_order.append(transfer->id);
    qCInfo(lcTransfers).noquote() << "Transfer" << transfer->idText << "by" << spec.requestedBy
                                  << "from" << spec.source.thing << spec.source.path << "to"
                                  << spec.target.thing << spec.target.path;
    // Forget the oldest finished transfers beyond the bound.
    qsizetype finishedCount = 0;
    for (const QUuid &id : std::as_const(m_order))
        finishedCount += isFinal(m_transfers.value(id)->state) ? 1 : 0;
    QList<QUuid> forgotten;
    for (qsizetype i = 0; finishedCount > MaximumKept && i < m_order.size();) {
        if (isFinal(m_transfers.value(m_order.at(i))->state)) {
            forgotten.append(m_order.takeAt(i));
            m_transfers.remove(forgotten.constLast());
            --finishedCount;
        } else {
            ++i;
        }
    }
    removeSaved(forgotten);
    // Answered once saved, then started from the event loop: whoever asked
    // answers first (the device hears {"transfer": id} before file.send or
    // file.receive). Not saved, it is dropped: nothing is acknowledged that
    // a crash would lose.
    const QJsonObject created = toJson(*transfer);
    const QUuid id = transfer->id;
    save(*transfer, [this, id, created, done = std::move(done)](const Status &status) {
        if (!status) {
            m_transfers.remove(id);
            m_order.removeOne(id);
            done(makeError(status.error().code,
                           u"The transfer was not started: it could not be saved. %1"_s.arg(
                               status.error().message)));
            return;
        }
        if (Transfer *t = lookup(id)) {
            t->saved = true;
            publish(*t);
        }
        done(created);
        postSchedule();
    });
}

TransferManager::Transfer *TransferManager::lookup(const QUuid &id)
{
    const auto it = m_transfers.find(id);
    return it == m_transfers.end() ? nullptr : it->get();
}

bool TransferManager::maySee(const QString &user, const Transfer &transfer) const
{
    if (transfer.spec.requestedBy == user || m_access.isAdministrator(user))
        return true;
    return m_access.check(user, {QString(Wire::Things), transfer.spec.source.thing},
                          Permission::Read) == Access::Answer::Allow &&
           m_access.check(user, {QString(Wire::Things), transfer.spec.target.thing},
                          Permission::Read) == Access::Answer::Allow;
}

Result<QJsonObject> TransferManager::find(const QString &user, const QUuid &id) const
{
    const auto it = m_transfers.constFind(id);
    if (id.isNull() || it == m_transfers.cend() || !maySee(user, **it))
        return makeError(ErrorCode::NotFound,
                         u"There is no transfer '%1' (or you may not see it)."_s.arg(
                             id.isNull() ? u"?"_s : id.toString(QUuid::WithoutBraces)));
    return toJson(**it);
}

QJsonArray TransferManager::list(const QString &user, const QString &state) const
{
    QJsonArray result;
    for (auto i = m_order.size() - 1; i >= 0; --i) {
        const Transfer &transfer = *m_transfers.value(m_order.at(i));
        if (!state.isEmpty() && stateName(transfer.state) != state)
            continue;
        if (maySee(user, transfer))
            result.append(toJson(transfer));
    }
    return result;
}

void TransferManager::cancel(const QString &user, const QUuid &id,
                             std::function<void(Result<QJsonObject>)> done)
{
    auto found = find(user, id);
    if (!found) {
        done(found);
        return;
    }
    Transfer &transfer = *lookup(id);
    if (transfer.spec.requestedBy != user && !m_access.isAdministrator(user)) {
        done(makeError(ErrorCode::Forbidden,
                       u"Only the user who asked for transfer %1 (%2) or an administrator may "
                       "cancel it."_s.arg(transfer.idText, transfer.spec.requestedBy)));
        return;
    }
    if (isFinal(transfer.state)) {
        done(makeError(ErrorCode::Conflict,
                       u"Transfer %1 has already ended (%2); nothing to cancel."_s.arg(
                           transfer.idText, stateName(transfer.state))));
        return;
    }
    // Verifying: the receiver checks and commits; the outcome (done or
    // failed) comes in a moment and is what happened.
    if (transfer.state == TransferState::Verifying) {
        done(makeError(ErrorCode::Conflict,
                       u"Transfer %1 is being verified and committed; it ends in a moment as "
                       "done or failed, and cannot be cancelled now."_s.arg(transfer.idText)));
        return;
    }
    // Answered once the cancellation is saved: a crash before that would
    // resume the transfer.
    const QString idText = transfer.idText;
    auto cancelled = std::make_shared<QJsonObject>();
    finishCancelled(
        transfer, u"Cancelled by %1."_s.arg(user),
        [idText, cancelled, done = std::move(done)](const Status &status) {
            if (status)
                done(*cancelled);
            else
                done(makeError(status.error().code,
                               u"Transfer %1 stopped, but its cancellation could not be "
                               "saved: %2 Should Bulwark restart, the transfer resumes: cancel "
                               "it again once the database can be written."_s.arg(
                                   idText, status.error().message)));
        });
    *cancelled = toJson(transfer);
}

Result<QPair<QJsonObject, QJsonObject>>
TransferManager::retrySides(const QString &user, const QUuid &id, bool *overwrite) const
{
    const auto it = m_transfers.constFind(id);
    if (it == m_transfers.cend() || !maySee(user, **it))
        return makeError(ErrorCode::NotFound,
                         u"There is no transfer '%1' (or you may not see it)."_s.arg(
                             id.toString(QUuid::WithoutBraces)));
    const Transfer &transfer = **it;
    if (transfer.state != TransferState::Failed && transfer.state != TransferState::Cancelled)
        return makeError(
            ErrorCode::Conflict,
            u"Transfer %1 is %2: only a failed or cancelled transfer is retried."_s.arg(
                transfer.idText, stateName(transfer.state)));
    *overwrite = transfer.spec.overwrite;
    const auto side = [](const TransferSide &s) {
        return QJsonObject{{Wire::Thing, s.thing}, {"path"_L1, s.path}};
    };
    return qMakePair(side(transfer.spec.source), side(transfer.spec.target));
}

QJsonObject TransferManager::toJson(const Transfer &t) const
{
    const auto side = [](const TransferSide &s) {
        return QJsonObject{{Wire::Thing, s.thing}, {"path"_L1, s.path}};
    };
    QJsonObject object{{"id"_L1, t.idText},
                       {"state"_L1, stateName(t.state)},
                       {"source"_L1, side(t.spec.source)},
                       {"target"_L1, side(t.spec.target)},
                       {"overwrite"_L1, t.spec.overwrite},
                       {"requestedBy"_L1, t.spec.requestedBy},
                       {"size"_L1, t.size < 0 ? QJsonValue() : QJsonValue(t.size)},
                       {"bytes"_L1, t.bytes},
                       {"chunkSize"_L1, t.chunkSize},
                       {"chunksVerified"_L1, qint64(t.verified)},
                       {"chunksDurable"_L1, qint64(t.durable)},
                       {"bytesPerSecond"_L1, t.bytesPerSecond},
                       {"resumes"_L1, t.resumes},
                       {"created"_L1, EntityJson::timestamp(t.created)},
                       {"verification"_L1, QJsonObject{{"chunks"_L1, t.checkChunks},
                                                       {"size"_L1, t.checkSize},
                                                       {"md5"_L1, t.checkMd5},
                                                       {"sha256"_L1, t.checkSha256}}}};
    if (!t.waiting.isEmpty())
        object.insert("waiting"_L1, t.waiting);
    if (!t.interruption.isEmpty() && t.state == TransferState::Queued)
        object.insert("interrupted"_L1, t.interruption);
    if (t.started.isValid())
        object.insert("started"_L1, EntityJson::timestamp(t.started));
    if (t.finished.isValid())
        object.insert("finished"_L1, EntityJson::timestamp(t.finished));
    if (!t.md5.isEmpty())
        object.insert("md5"_L1, QString::fromLatin1(t.md5));
    if (!t.sha256.isEmpty())
        object.insert("sha256"_L1, QString::fromLatin1(t.sha256));
    if (!t.errorCode.isEmpty())
        object.insert("error"_L1,
                      QJsonObject{{"code"_L1, t.errorCode}, {"message"_L1, t.errorMessage}});
    return object;
}

void TransferManager::publish(const Transfer &transfer)
{
    m_events.publish({{Wire::Type, Wire::EventTransferChanged}, {"transfer"_L1, toJson(transfer)}});
}

void TransferManager::progressed(Transfer &t)
{
    if (t.toDevice())
        t.bytes = t.size < 0 ? 0 : qMin<qint64>(qint64(t.verified) * t.chunkSize, t.size);
    const qint64 elapsed = t.runClock.isValid() ? t.runClock.elapsed() : 0;
    if (elapsed > 0)
        t.bytesPerSecond = double(t.bytes - t.runStartBytes) * 1000.0 / double(elapsed);
    const qint64 now = elapsed;
    if (now - t.publishedAt >= ProgressIntervalMs) {
        t.publishedAt = now;
        publish(t);
    }
}

quint32 TransferManager::totalChunks(const Transfer &t) const
{
    if (t.size <= 0)
        return 1;
    return quint32((t.size + t.chunkSize - 1) / t.chunkSize);
}

int TransferManager::windowChunks(const Transfer &t) const
{
    return int(qBound<qint64>(1, WindowBytes / t.chunkSize, qint64(Window)));
}

void TransferManager::postSchedule()
{
    if (m_schedulePosted)
        return;
    m_schedulePosted = true;
    QMetaObject::invokeMethod(
        this,
        [this]() {
            m_schedulePosted = false;
            schedule();
        },
        Qt::QueuedConnection);
}

void TransferManager::schedule()
{
    int runningTotal = 0;
    QHash<QString, int> perDevice;
    for (const auto &t : std::as_const(m_transfers)) {
        if (t->state == TransferState::Running || t->state == TransferState::Verifying) {
            ++runningTotal;
            ++perDevice[t->device()];
        }
    }
    const QList<QUuid> order = m_order;
    for (const QUuid &id : order) {
        Transfer *t = lookup(id);
        if (!t || t->state != TransferState::Queued || !t->saved)
            continue;
        const QString device = t->device();
        // The session that takes it must be allowed too: its user gets the
        // key and the file (to the device) or supplies what is stored (from
        // it), so it needs ServiceInvoke on the device and Read on the
        // source or Update on the target repository, as the requester does.
        const TransferSide &repository = t->toDevice() ? t->spec.source : t->spec.target;
        const Permission onRepository = t->toDevice() ? Permission::Read : Permission::Update;
        const quint64 session = m_edge.fileSession(device, [&](const QString &user) {
            return m_access.require(user, {QString(Wire::Things), device},
                                    Permission::ServiceInvoke) &&
                   m_access.require(user, {QString(Wire::Things), repository.thing}, onRepository);
        });
        QString waiting;
        if (session == 0 && m_edge.fileSession(device) != 0)
            waiting = u"the connected device's user may not take it (it needs ServiceInvoke "
                      "on %1 and %2 on %3)"_s.arg(device, t->toDevice() ? u"Read"_s : u"Update"_s,
                                                  repository.thing);
        else if (session == 0)
            waiting = u"device not connected"_s;
        else if (runningTotal >= settings().runningTotal)
            waiting =
                u"waiting for a free slot (%1 transfers running on the server)"_s.arg(runningTotal);
        else if (perDevice.value(device) >= settings().runningPerDevice)
            waiting = u"waiting for a free slot (%1 transfers running with %2)"_s
                          .arg(perDevice.value(device))
                          .arg(device);
        if (!waiting.isEmpty()) {
            if (t->waiting != waiting) {
                t->waiting = waiting;
                publish(*t);
            }
            continue;
        }
        ++runningTotal;
        ++perDevice[device];
        start(*t, session);
    }
}

void TransferManager::start(Transfer &t, quint64 session)
{
    // Authorization applies at each start: a permission taken away while it
    // waited ends it.
    const QString user = t.spec.requestedBy;
    const TransferSide &repository = t.toDevice() ? t.spec.source : t.spec.target;
    Status allowed = m_access.require(user, {QString(Wire::Things), repository.thing},
                                      t.toDevice() ? Permission::Read : Permission::Update);
    if (allowed)
        allowed =
            m_access.require(user, {QString(Wire::Things), t.device()}, Permission::ServiceInvoke);
    if (!allowed) {
        fail(t, allowed.error().code == ErrorCode::NotFound ? u"not-found"_s : u"forbidden"_s,
             allowed.error().message, std::nullopt, false);
        return;
    }
    t.state = TransferState::Running;
    t.session = session;
    t.lastSession = session;
    ++t.attempt;
    if (t.everRan)
        ++t.resumes;
    t.everRan = true;
    if (!t.started.isValid())
        t.started = QDateTime::currentDateTimeUtc();
    t.waiting.clear();
    t.interruption.clear();
    t.runClock.start();
    t.runStartBytes = t.bytes;
    t.publishedAt = 0;
    publish(t);
    // Under way once saved: a restart then counts this start among resumes.
    const QUuid id = t.id;
    const int attempt = t.attempt;
    save(t, [this, id, attempt](const Status &) {
        Transfer *t = lookup(id);
        if (!t || t->attempt != attempt || t->state != TransferState::Running)
            return;
        if (t->toDevice())
            startDownload(*t);
        else
            startUpload(*t);
    });
}

void TransferManager::interrupt(Transfer &t, const QString &waiting)
{
    qCInfo(lcTransfers).noquote() << "Transfer" << t.idText << "waits:" << waiting;
    t.state = TransferState::Queued;
    t.waiting = waiting;
    t.interruption = u"connection-lost"_s;
    t.waitingSince = QDateTime::currentDateTimeUtc();
    t.session = 0;
    ++t.attempt; // answers and frames of the attempt that ended are ignored
    t.bytesPerSecond = 0;
    if (t.toDevice()) {
        t.requested = t.verified;
        t.sent = t.verified;
    }
    save(t);
    publish(t);
}

void TransferManager::sessionEnded(quint64 session)
{
    bool changed = false;
    for (const auto &t : std::as_const(m_transfers)) {
        if (t->session == session && t->state == TransferState::Running) {
            interrupt(*t, u"device not connected"_s);
            changed = true;
        }
    }
    if (changed)
        postSchedule();
}

void TransferManager::thingUnbound(const QString &thing, quint64 session)
{
    bool changed = false;
    for (const auto &t : std::as_const(m_transfers)) {
        if (t->session == session && t->device() == thing && t->state == TransferState::Running) {
            interrupt(*t, u"device not connected"_s);
            changed = true;
        }
    }
    if (changed)
        postSchedule();
}

void TransferManager::deviceAvailable(const QString &)
{
    postSchedule();
}

void TransferManager::checkWaiting()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 windowSeconds = qint64(settings().resumeWindowMinutes) * 60;
    const QList<QUuid> order = m_order;
    for (const QUuid &id : order) {
        Transfer *t = lookup(id);
        if (!t || t->state != TransferState::Queued || t->waitingSince.secsTo(now) < windowSeconds)
            continue;
        if (t->waiting == u"device not connected")
            fail(*t, u"not-connected"_s,
                 u"No device spoke for '%1' (bound with directories) within the resume window "
                 "of %2 minutes ([files] resume_window_minutes); retry once it is connected."_s
                     .arg(t->device())
                     .arg(settings().resumeWindowMinutes),
                 std::nullopt, false);
        else
            fail(*t, u"not-started"_s,
                 u"Transfer %1 waited longer than the resume window of %2 minutes ([files] "
                 "resume_window_minutes): %3. Retry it later."_s.arg(t->idText)
                     .arg(settings().resumeWindowMinutes)
                     .arg(t->waiting.isEmpty() ? u"it never started"_s : t->waiting),
                 std::nullopt, false);
    }
}

void TransferManager::fail(Transfer &t, const QString &code, const QString &message,
                           std::optional<Check> check, bool tellDevice)
{
    if (isFinal(t.state))
        return;
    qCInfo(lcTransfers).noquote() << "Transfer" << t.idText << "failed:" << message;
    if (check) {
        switch (*check) {
        case Check::Chunks:
            t.checkChunks = u"failed"_s;
            break;
        case Check::Size:
            t.checkSize = u"mismatch"_s;
            break;
        case Check::Md5:
            t.checkMd5 = u"mismatch"_s;
            break;
        case Check::Sha256:
            t.checkSha256 = u"mismatch"_s;
            break;
        }
    }
    if (tellDevice && t.session != 0)
        m_edge.sendToSession(
            t.session,
            {{Wire::Type, "file.cancel"_L1}, {"transfer"_L1, t.idText}, {"reason"_L1, message}});
    t.state = TransferState::Failed;
    t.errorCode = code;
    t.errorMessage = message;
    ended(t);
}

void TransferManager::finishCancelled(Transfer &t, const QString &reason,
                                      std::function<void(const Status &)> saved)
{
    if (t.session != 0)
        m_edge.sendToSession(
            t.session,
            {{Wire::Type, "file.cancel"_L1}, {"transfer"_L1, t.idText}, {"reason"_L1, reason}});
    t.state = TransferState::Cancelled;
    t.errorCode = u"cancelled"_s;
    t.errorMessage = reason;
    ended(t, std::move(saved));
}

void TransferManager::ended(Transfer &t, std::function<void(const Status &)> saved)
{
    t.finished = QDateTime::currentDateTimeUtc();
    if (t.session != 0)
        t.lastSession = t.session;
    t.session = 0;
    t.waiting.clear();
    t.interruption.clear();
    ++t.attempt;
    save(t, std::move(saved));
    // The staging file goes (unless committed); the file thread lets go of
    // everything it held for this transfer. The end is published once that
    // is done, so whoever hears of it finds no staging file left.
    auto pipe = t.pipe;
    const bool abandon = t.state != TransferState::Done;
    const QUuid id = t.id;
    onFileThread([this, pipe, abandon, id]() {
        pipe->failed = abandon;
        pipe->release(abandon);
        QMetaObject::invokeMethod(
            this,
            [this, id]() {
                if (const Transfer *ended = lookup(id))
                    publish(*ended);
            },
            Qt::QueuedConnection);
    });
    // The key is needed no more.
    t.key = FileKey{};
    postSchedule();
}

} // namespace Bulwark
