#include "MasterKey.h"

#include "Crypto.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace Bulwark::MasterKey {

namespace {

constexpr auto kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
// A keychain that has not answered in this time is treated as unreachable.
constexpr int kKeychainTimeoutMs = 15000;

void syncDirectory(const QString &path)
{
    if (const int dir = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(),
                               O_RDONLY | O_DIRECTORY);
        dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

struct JobResult
{
    bool finished = false;
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QString text;
};

// Runs a QtKeychain job to its end with a local event loop and a timeout.
// The job deletes itself when it finishes, even after a timeout, so that a
// late answer never reaches freed memory.
JobResult runJob(QKeychain::Job *job)
{
    auto result = std::make_shared<JobResult>();
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    QObject::connect(job, &QKeychain::Job::finished, &loop, [result, &loop](QKeychain::Job *j) {
        result->finished = true;
        result->error = j->error();
        result->errorString = j->errorString();
        if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(j))
            result->text = read->textData();
        loop.quit();
    });
    job->start();
    timer.start(kKeychainTimeoutMs);
    if (!result->finished)
        loop.exec();
    if (!result->finished) {
        result->errorString = QStringLiteral("the keychain did not answer within %1 s")
                                  .arg(kKeychainTimeoutMs / 1000);
        QObject::disconnect(job, nullptr, &loop, nullptr);
    }
    return *result;
}

Error keychainError(const QString &what, const JobResult &result)
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("Cannot %1 the master key in the OS keychain: %2. Is a Secret "
                                    "Service (gnome-keyring, KWallet) running and unlocked in "
                                    "this session?")
                         .arg(what, result.errorString));
}

} // namespace

Result<std::optional<QByteArray>> readFile(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return std::optional<QByteArray>();
    if ((QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                          QFileDevice::WriteGroup | QFileDevice::WriteOther)))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The master key file %1 is readable or writable by other "
                                        "users; run chmod 600 on it and start again.")
                             .arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Internal, QStringLiteral("Cannot read the master key file "
                                                             "%1: %2")
                                                  .arg(path, file.errorString()));
    const QByteArray key = QByteArray::fromBase64(file.readAll().trimmed());
    if (key.size() != Crypto::AesKeySize)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The master key file %1 does not hold a 256-bit key "
                                        "(base64 of 32 bytes).")
                             .arg(path));
    return std::optional<QByteArray>(key);
}

Status writeFile(const QString &path, const QByteArray &key)
{
    QFile file(path);
    // NewOnly with permissions: the file never exists with wider access.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly))
        return makeError(ErrorCode::Internal, QStringLiteral("Cannot create the master key file "
                                                             "%1: %2")
                                                  .arg(path, file.errorString()));
    if (file.write(key.toBase64() + '\n') < 0 || !file.flush() || ::fsync(file.handle()) != 0) {
        const QString why = file.errorString();
        file.close();
        file.remove();
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot write the master key file %1: %2").arg(path, why));
    }
    file.close();
    // The directory entry too, so that the key outlives a power cut.
    syncDirectory(path);
    return {};
}

Status replaceFile(const QString &from, const QString &to)
{
    if (::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot rename %1 to %2: %3")
                             .arg(from, to, QString::fromLocal8Bit(::strerror(errno))));
    syncDirectory(to);
    return {};
}

QString keychainEntry(const QString &installationId)
{
    return QStringLiteral("master-key/") + installationId;
}

KeychainAnswer readKeychain(const QString &entry)
{
    auto *job = new QKeychain::ReadPasswordJob(KeychainService);
    job->setKey(entry);
    const JobResult result = runJob(job);
    KeychainAnswer answer;
    if (result.finished && result.error == QKeychain::NoError) {
        answer.key = QByteArray::fromBase64(result.text.toLatin1());
        if (answer.key.size() == Crypto::AesKeySize) {
            answer.outcome = KeychainAnswer::Outcome::Found;
        } else {
            answer.key.clear();
            answer.outcome = KeychainAnswer::Outcome::Unreachable;
            answer.reason = QStringLiteral("the entry %1 does not hold a 256-bit key").arg(entry);
        }
    } else if (result.finished && result.error == QKeychain::EntryNotFound) {
        answer.outcome = KeychainAnswer::Outcome::NotFound;
    } else {
        answer.outcome = KeychainAnswer::Outcome::Unreachable;
        answer.reason = result.errorString.isEmpty() ? QStringLiteral("no keychain answered")
                                                     : result.errorString;
    }
    return answer;
}

Status writeKeychain(const QString &entry, const QByteArray &key)
{
    auto *job = new QKeychain::WritePasswordJob(KeychainService);
    job->setKey(entry);
    job->setTextData(QString::fromLatin1(key.toBase64()));
    const JobResult result = runJob(job);
    if (!result.finished || result.error != QKeychain::NoError)
        return keychainError(QStringLiteral("store"), result);
    return {};
}

Status removeKeychain(const QString &entry)
{
    auto *job = new QKeychain::DeletePasswordJob(KeychainService);
    job->setKey(entry);
    const JobResult result = runJob(job);
    if (!result.finished ||
        (result.error != QKeychain::NoError && result.error != QKeychain::EntryNotFound))
        return keychainError(QStringLiteral("remove"), result);
    return {};
}

} // namespace Bulwark::MasterKey
