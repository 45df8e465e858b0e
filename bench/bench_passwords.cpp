// Password hashing cost: Argon2id at the given parameters beside the peers,
// PBKDF2-HMAC-SHA512 at 100,000 iterations (ThingWorx) and PBKDF2-HMAC-SHA256
// at 600,000 (Bulwark before Argon2id). For each: the median time of one hash
// on one thread, and verifications per second with every core busy.
#include "security/Crypto.h"
#include "security/PasswordHasher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <QThreadPool>

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <vector>

using namespace Bulwark;

namespace {

struct Figures
{
    double medianMilliseconds = 0;
    double perSecond = 0;
};

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// One hash per call; returns false if the hash could not be computed.
using Work = std::function<bool()>;

Figures measure(const Work &work, int runs, int threads, bool &failed)
{
    Figures figures;
    work(); // warm up: page in the code, let the allocator settle
    std::vector<double> samples;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        failed |= !work();
        samples.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    figures.medianMilliseconds = median(samples);

    // Enough work for every thread to do `runs` hashes.
    QThreadPool pool;
    pool.setMaxThreadCount(threads);
    const int tasks = threads * std::max(runs, 2);
    std::atomic<int> failures{0};
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < tasks; ++i)
        pool.start([&work, &failures] {
            if (!work())
                ++failures;
        });
    pool.waitForDone();
    figures.perSecond = tasks / (double(timer.nsecsElapsed()) / 1e9);
    failed |= failures.load() > 0;
    return figures;
}

bool pbkdf2(const EVP_MD *digest, int iterations, int length)
{
    static const QByteArray password("correct horse battery staple");
    static const QByteArray salt = Crypto::randomBytes(16);
    QByteArray out(length, Qt::Uninitialized);
    return PKCS5_PBKDF2_HMAC(password.constData(), int(password.size()),
                             reinterpret_cast<const unsigned char *>(salt.constData()),
                             int(salt.size()), iterations, digest, length,
                             reinterpret_cast<unsigned char *>(out.data())) == 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_passwords"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Times one password hash per algorithm (median) and the verifications per "
                       "second with all cores busy."));
    parser.addHelpOption();
    const PasswordHasher::Parameters defaults;
    QCommandLineOption runsOption(QStringLiteral("runs"),
                                  QStringLiteral("Timed hashes per algorithm and per thread."),
                                  QStringLiteral("n"), QStringLiteral("9"));
    QCommandLineOption memoryOption(QStringLiteral("memory-kib"),
                                    QStringLiteral("Argon2id memory in KiB."),
                                    QStringLiteral("kib"), QString::number(defaults.memoryKiB));
    QCommandLineOption iterationsOption(QStringLiteral("iterations"),
                                        QStringLiteral("Argon2id passes."), QStringLiteral("t"),
                                        QString::number(defaults.iterations));
    QCommandLineOption parallelismOption(QStringLiteral("parallelism"),
                                         QStringLiteral("Argon2id lanes."), QStringLiteral("p"),
                                         QString::number(defaults.parallelism));
    parser.addOptions({runsOption, memoryOption, iterationsOption, parallelismOption});
    parser.process(app);

    auto number = [&parser](const QCommandLineOption &option, quint32 minimum) {
        bool ok = false;
        const quint32 value = parser.value(option).toUInt(&ok);
        if (!ok || value < minimum) {
            std::fprintf(stderr, "--%s must be a whole number of at least %u.\n",
                         qPrintable(option.names().constFirst()), minimum);
            std::exit(2);
        }
        return value;
    };
    const int runs = int(number(runsOption, 1));
    const PasswordHasher::Parameters parameters{
        number(memoryOption, 8), number(iterationsOption, 1), number(parallelismOption, 1)};
    const int threads = std::max(1, QThread::idealThreadCount());

    const QString password = QStringLiteral("correct horse battery staple");
    auto stored = PasswordHasher::hash(password, parameters);
    if (!stored) {
        std::fprintf(stderr, "%s\n", qPrintable(stored.error().message));
        return 1;
    }
    const QString hash = *stored;

    struct Row
    {
        QString name;
        Work work;
    };
    const std::vector<Row> rows = {
        {QStringLiteral("Argon2id m=%1 KiB, t=%2, p=%3")
             .arg(parameters.memoryKiB)
             .arg(parameters.iterations)
             .arg(parameters.parallelism),
         [&] { return PasswordHasher::verify(password, hash); }},
        {QStringLiteral("PBKDF2-HMAC-SHA512 100,000 (ThingWorx)"),
         [] { return pbkdf2(EVP_sha512(), 100000, 64); }},
        {QStringLiteral("PBKDF2-HMAC-SHA256 600,000 (previous)"),
         [] { return pbkdf2(EVP_sha256(), 600000, 32); }},
    };

    std::printf("# %d timed hashes per algorithm; throughput on %d threads (QThreadPool)\n", runs,
                threads);
    std::printf("%-42s %14s %18s\n", "algorithm", "median ms/hash", "per second, all cores");
    bool failed = false;
    for (const Row &row : rows) {
        const Figures f = measure(row.work, runs, threads, failed);
        std::printf("%-42s %14.1f %18.1f\n", qPrintable(row.name), f.medianMilliseconds,
                    f.perSecond);
        std::fflush(stdout);
    }
    if (failed) {
        std::fprintf(stderr, "A hash failed or a verification did not match.\n");
        return 1;
    }
    return 0;
}
