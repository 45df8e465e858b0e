#include "RecentServers.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {

const QString SettingsArray = u"recentServers"_s;

KeychainResult resultOf(const QKeychain::Job *job)
{
    KeychainResult result;
    switch (job->error()) {
    case QKeychain::NoError:
        result.outcome = KeychainResult::Outcome::Done;
        if (const auto *read = qobject_cast<const QKeychain::ReadPasswordJob *>(job))
            result.password = read->textData();
        return result;
    case QKeychain::EntryNotFound:
        result.outcome = KeychainResult::Outcome::NotFound;
        return result;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        result.outcome = KeychainResult::Outcome::Unavailable;
        result.message = RecentServers::unavailableMessage();
        return result;
    case QKeychain::OtherError:
        // What QtKeychain reports when no Secret Service (or no session bus)
        // answers at all: "Could not connect: …", "Cannot autolaunch D-Bus …".
        result.outcome = KeychainResult::Outcome::Unavailable;
        result.message = RecentServers::unavailableMessage();
        if (!job->errorString().isEmpty())
            result.message += u" ("_s + job->errorString() + u")"_s;
        return result;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
    case QKeychain::CouldNotDeleteEntry:
        break;
    }
    result.outcome = KeychainResult::Outcome::Failed;
    result.message = QCoreApplication::translate("Bulwark::Models::RecentServers",
                                                 "The system keychain refused: %1")
                         .arg(job->errorString());
    return result;
}

// QtKeychain runs every job of the process through one JobExecutor, a
// QObject living in the thread that used the keychain first: in the console
// that is the embedded server's thread (its master key). The executor learns
// of a job's end through a queued call into that thread and touches the job
// there, so a job must outlive that call (it is deleted a while after it
// finished, never while it may still be queued), and only one of ours may be
// queued at a time (RecentServers::startNext()).
constexpr int JobDisposalDelayMs = 60000;

// Starts `job` and hands its result to `done` exactly once: when it finishes,
// or after a timeout (a keychain that never answers is as good as none).
void runJob(QKeychain::Job *job, QObject *timeoutOwner, std::function<void(KeychainResult)> done)
{
    auto delivered = std::make_shared<bool>(false);
    auto deliver = [delivered, done = std::move(done)](const KeychainResult &result) {
        if (*delivered)
            return;
        *delivered = true;
        done(result);
    };
    job->setAutoDelete(false);
    job->setInsecureFallback(false); // never plain text
    QObject::connect(job, &QKeychain::Job::finished, job, [deliver](QKeychain::Job *finished) {
        QTimer::singleShot(JobDisposalDelayMs, finished, &QObject::deleteLater);
        deliver(resultOf(finished));
    });
    // A job that never finishes stays with the executor: it is not deleted.
    QTimer::singleShot(RecentServers::KeychainTimeoutMs, timeoutOwner, [deliver] {
        KeychainResult result;
        result.outcome = KeychainResult::Outcome::Unavailable;
        result.message = RecentServers::unavailableMessage();
        deliver(result);
    });
    job->start();
}

} // namespace

QString RecentServer::displayName() const
{
    return u"%1 @ %2"_s.arg(user, url.toDisplayString());
}

bool RecentServer::isSameAccount(const QUrl &otherUrl, const QString &otherUser) const
{
    return url.adjusted(QUrl::StripTrailingSlash) == otherUrl.adjusted(QUrl::StripTrailingSlash) &&
           user == otherUser;
}

RecentServers::RecentServers(QObject *parent)
    : QObject(parent)
{}

QString RecentServers::keychainService()
{
    return u"Bulwark Console"_s;
}

QString RecentServers::keychainKey(const QUrl &url, const QString &user)
{
    return u"%1@%2"_s.arg(user,
                          url.adjusted(QUrl::StripTrailingSlash | QUrl::RemoveUserInfo).toString());
}

QString RecentServers::unavailableMessage()
{
    return QCoreApplication::translate(
        "Bulwark::Models::RecentServers",
        "No system keychain is available (no Secret Service is running), so the password "
        "cannot be remembered: you will be asked for it each time. Bulwark never stores "
        "passwords in plain text.");
}

QList<RecentServer> RecentServers::servers() const
{
    QSettings settings;
    QList<RecentServer> result;
    const int count = settings.beginReadArray(SettingsArray);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        RecentServer server;
        server.url = QUrl(settings.value(u"url"_s).toString());
        server.user = settings.value(u"user"_s).toString();
        server.fingerprint = settings.value(u"fingerprint"_s).toString();
        server.passwordRemembered = settings.value(u"passwordRemembered"_s, false).toBool();
        if (server.url.isValid() && !server.user.isEmpty())
            result.append(server);
    }
    settings.endArray();
    return result;
}

void RecentServers::writeServers(const QList<RecentServer> &servers)
{
    QSettings settings;
    settings.remove(SettingsArray); // also drops entries beyond the new size
    settings.beginWriteArray(SettingsArray, int(servers.size()));
    for (int i = 0; i < servers.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(u"url"_s, servers.at(i).url.toString(QUrl::RemoveUserInfo));
        settings.setValue(u"user"_s, servers.at(i).user);
        settings.setValue(u"fingerprint"_s, servers.at(i).fingerprint);
        settings.setValue(u"passwordRemembered"_s, servers.at(i).passwordRemembered);
    }
    settings.endArray();
    settings.sync();
}

void RecentServers::remember(const RecentServer &server)
{
    QList<RecentServer> list = servers();
    list.removeIf([&server](const RecentServer &entry) {
        return entry.isSameAccount(server.url, server.user);
    });
    list.prepend(server);
    while (list.size() > MaximumEntries)
        list.removeLast();
    writeServers(list);
}

void RecentServers::setPasswordRemembered(const QUrl &url, const QString &user, bool remembered)
{
    QList<RecentServer> list = servers();
    bool changed = false;
    for (RecentServer &entry : list) {
        if (entry.isSameAccount(url, user) && entry.passwordRemembered != remembered) {
            entry.passwordRemembered = remembered;
            changed = true;
        }
    }
    if (changed)
        writeServers(list);
}

void RecentServers::forget(const QUrl &url, const QString &user, QObject *context, Callback done)
{
    QList<RecentServer> list = servers();
    list.removeIf([&](const RecentServer &entry) { return entry.isSameAccount(url, user); });
    writeServers(list);
    removePassword(url, user, context, std::move(done));
}

void RecentServers::storePassword(const QUrl &url, const QString &user, const QString &password,
                                  QObject *context, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(keychainService());
    job->setKey(keychainKey(url, user));
    job->setTextData(password);
    // The list learns the outcome even when `context` is gone.
    const QPointer<RecentServers> self(this);
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    schedule(
        job, nullptr,
        [self, url, user, guard, hasContext, done = std::move(done)](const KeychainResult &result) {
            if (self)
                self->setPasswordRemembered(url, user, result.isOk());
            if (done && (!hasContext || guard))
                done(result);
        });
}

void RecentServers::readPassword(const QUrl &url, const QString &user, QObject *context,
                                 Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(keychainService());
    job->setKey(keychainKey(url, user));
    schedule(job, context, std::move(done));
}

void RecentServers::removePassword(const QUrl &url, const QString &user, QObject *context,
                                   Callback done)
{
    setPasswordRemembered(url, user, false);
    auto *job = new QKeychain::DeletePasswordJob(keychainService());
    job->setKey(keychainKey(url, user));
    schedule(job, context, [done = std::move(done)](const KeychainResult &result) {
        if (!done)
            return;
        KeychainResult answer = result;
        if (answer.outcome == KeychainResult::Outcome::NotFound)
            answer.outcome = KeychainResult::Outcome::Done;
        done(answer);
    });
}

void RecentServers::schedule(QKeychain::Job *job, QObject *context, Callback done)
{
    m_queue.append({job, context, context != nullptr, std::move(done)});
    startNext();
}

void RecentServers::startNext()
{
    if (m_jobRunning || m_queue.isEmpty())
        return;
    QueuedJob next = m_queue.takeFirst();
    m_jobRunning = true;
    const QPointer<RecentServers> self(this);
    runJob(next.job, this, [self, next](const KeychainResult &result) {
        if (self) {
            self->m_jobRunning = false;
            // After the executor's own bookkeeping for this job.
            QTimer::singleShot(0, self, &RecentServers::startNext);
        }
        if ((next.hasContext && !next.context) || !next.done)
            return;
        next.done(result);
    });
}

void RecentServers::checkKeychain(QObject *context, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(keychainService());
    job->setKey(u"availability-check"_s);
    schedule(job, context, std::move(done));
}

} // namespace Bulwark::Models
