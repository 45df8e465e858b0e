// Argon2id password hashes (format, verification, rehash decisions, hostile
// stored strings) and the password policy (length, common passwords through
// Debian's cracklib dictionary, user name).
#include "security/Crypto.h"
#include "security/PasswordHasher.h"
#include "security/PasswordPolicy.h"
#include "security/SecuritySettings.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <thread>
#include <vector>

using namespace Bulwark;
using PasswordHasher::Parameters;

namespace {
// Small enough to keep the suite fast; the defaults are tested once.
const Parameters kFast{64, 1, 1};
const auto kBase64 = QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals;

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(kBase64));
}

QString legacyHash(const QString &password, int iterations)
{
    const QByteArray salt = Crypto::randomBytes(16);
    const QByteArray derived = *Crypto::pbkdf2Sha256(password.toUtf8(), salt, iterations, 32);
    return QStringLiteral("$pbkdf2-sha256$i=%1$%2$%3").arg(iterations).arg(b64(salt), b64(derived));
}

QString message(const Status &status)
{
    return status.ok() ? QString() : status.error().message;
}

// Deterministic text of the given length from an alphabet without patterns.
QString randomText(int length, quint32 seed)
{
    static const QString alphabet =
        QStringLiteral("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.:;");
    QRandomGenerator generator(seed);
    QString text;
    for (int i = 0; i < length; ++i)
        text.append(alphabet.at(int(generator.bounded(quint32(alphabet.size())))));
    return text;
}
} // namespace

class TestPasswords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void phcShape()
    {
        const auto hash = PasswordHasher::hash(QStringLiteral("correct horse battery"), kFast);
        QVERIFY2(hash.ok(), qPrintable(hash.ok() ? QString() : hash.error().message));
        // 16-byte salt -> 22 characters, 32-byte hash -> 43, base64 without padding.
        static const QRegularExpression shape(
            QStringLiteral("^\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$"
                           "[A-Za-z0-9+/]{43}$"));
        QVERIFY2(shape.match(*hash).hasMatch(), qPrintable(*hash));
        QVERIFY(!hash->contains(QStringLiteral("horse")));
        const auto phc = PasswordHasher::parsePhc(*hash);
        QVERIFY(phc.has_value());
        QCOMPARE(phc->parameters, kFast);
        QCOMPARE(phc->salt.size(), 16);
        QCOMPARE(phc->hash.size(), 32);
    }

    void uniqueSalts()
    {
        QSet<QByteArray> salts;
        for (int i = 0; i < 8; ++i) {
            const auto hash = PasswordHasher::hash(QStringLiteral("the same password"), kFast);
            QVERIFY(hash.ok());
            salts.insert(PasswordHasher::parsePhc(*hash)->salt);
        }
        QCOMPARE(salts.size(), 8);
    }

    void verifyRightAndWrong()
    {
        const QString password = QStringLiteral("correct horse battery");
        const auto hash = PasswordHasher::hash(password, kFast);
        QVERIFY(hash.ok());
        QVERIFY(PasswordHasher::verify(password, *hash));
        QVERIFY(!PasswordHasher::verify(QStringLiteral("correct horse batterY"), *hash));
        QVERIFY(!PasswordHasher::verify(QString(), *hash));
        // A changed parameter changes the hash: the stored parameters are bound.
        QString changed = *hash;
        changed.replace(QStringLiteral("t=1"), QStringLiteral("t=2"));
        QVERIFY(!PasswordHasher::verify(password, changed));
    }

    void unicodeIsNormalised()
    {
        const QString composed = QStringLiteral("caf\u00e9 au lait, s'il vous pla\u00eet");
        const QString decomposed = QStringLiteral("cafe\u0301 au lait, s'il vous plai\u0302t");
        QVERIFY(composed != decomposed);
        const auto hash = PasswordHasher::hash(composed, kFast);
        QVERIFY(hash.ok());
        QVERIFY(PasswordHasher::verify(decomposed, *hash));
        QVERIFY(PasswordHasher::verify(composed, *hash));
    }

    void defaultParameters()
    {
        QCOMPARE(Parameters::from(PasswordSettings{}), Parameters{});
        const auto hash = PasswordHasher::hash(QStringLiteral("a default-cost passphrase"));
        QVERIFY(hash.ok());
        QVERIFY(hash->startsWith(QStringLiteral("$argon2id$v=19$m=19456,t=2,p=1$")));
        QVERIFY(PasswordHasher::verify(QStringLiteral("a default-cost passphrase"), *hash));
        QVERIFY(!PasswordHasher::needsRehash(*hash, Parameters{}));
    }

    void referenceImplementationHash()
    {
        // phc-winner-argon2 src/test.c: argon2id, t=2, m=2^16, p=1, "somesalt".
        const QString reference = QStringLiteral("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
                                                 "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");
        QVERIFY(PasswordHasher::verify(QStringLiteral("password"), reference));
        QVERIFY(!PasswordHasher::verify(QStringLiteral("Password"), reference));
    }

    void legacyPbkdf2()
    {
        const QString password = QStringLiteral("an old password");
        const QString stored = legacyHash(password, 1000);
        QVERIFY(PasswordHasher::verify(password, stored));
        QVERIFY(!PasswordHasher::verify(QStringLiteral("an old passworD"), stored));
        QVERIFY(PasswordHasher::needsRehash(stored, kFast));
        QVERIFY(PasswordHasher::needsRehash(stored, Parameters{}));
        // Out-of-range iteration counts never verify.
        QString weak = stored;
        weak.replace(QStringLiteral("i=1000"), QStringLiteral("i=999"));
        QVERIFY(!PasswordHasher::verify(password, weak));
    }

    void needsRehash()
    {
        const auto hash = PasswordHasher::hash(QStringLiteral("some password here"), kFast);
        QVERIFY(hash.ok());
        QVERIFY(!PasswordHasher::needsRehash(*hash, kFast));
        QVERIFY(PasswordHasher::needsRehash(*hash, Parameters{128, 1, 1}));
        QVERIFY(PasswordHasher::needsRehash(*hash, Parameters{64, 2, 1}));
        QVERIFY(PasswordHasher::needsRehash(*hash, Parameters{64, 1, 2}));
        // Stronger than configured: kept.
        QVERIFY(!PasswordHasher::needsRehash(*hash, Parameters{32, 1, 1}));
        // Another hash length, a short salt, or nothing parseable: rehash.
        const QString salt16 = b64(QByteArray(16, '\x11'));
        QVERIFY(PasswordHasher::needsRehash(QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                                                .arg(salt16, b64(QByteArray(64, 'h'))),
                                            kFast));
        QVERIFY(
            PasswordHasher::needsRehash(QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                                            .arg(b64(QByteArray(8, 's')), b64(QByteArray(32, 'h'))),
                                        kFast));
        QVERIFY(PasswordHasher::needsRehash(QString(), kFast));
    }

    void hostileStoredStrings_data()
    {
        QTest::addColumn<QString>("stored");
        const QString salt = b64(QByteArray(16, '\x22'));
        const QString hash = b64(QByteArray(32, '\x33'));
        auto phc = [&](const QString &costs) {
            return QStringLiteral("$argon2id$v=19$%1$%2$%3").arg(costs, salt, hash);
        };
        QTest::newRow("empty") << QString();
        QTest::newRow("dollar") << QStringLiteral("$");
        QTest::newRow("prefix only") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$");
        QTest::newRow("no hash") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1").arg(salt);
        QTest::newRow("empty hash") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$").arg(salt);
        QTest::newRow("extra field") << phc(QStringLiteral("m=64,t=1,p=1")) + QStringLiteral("$x");
        QTest::newRow("argon2i") << QString(phc(QStringLiteral("m=64,t=1,p=1")))
                                        .replace(QStringLiteral("argon2id"),
                                                 QStringLiteral("argon2i"));
        QTest::newRow("version 16") << QString(phc(QStringLiteral("m=64,t=1,p=1")))
                                           .replace(QStringLiteral("v=19"), QStringLiteral("v=16"));
        QTest::newRow("no version")
            << QStringLiteral("$argon2id$m=64,t=1,p=1$%1$%2").arg(salt, hash);
        QTest::newRow("huge m") << phc(QStringLiteral("m=4194305,t=1,p=1"));
        QTest::newRow("overflowing m") << phc(QStringLiteral("m=99999999999999999999,t=1,p=1"));
        QTest::newRow("zero m") << phc(QStringLiteral("m=0,t=1,p=1"));
        QTest::newRow("m below 8p") << phc(QStringLiteral("m=8,t=1,p=2"));
        QTest::newRow("huge t") << phc(QStringLiteral("m=64,t=101,p=1"));
        QTest::newRow("zero t") << phc(QStringLiteral("m=64,t=0,p=1"));
        QTest::newRow("huge p") << phc(QStringLiteral("m=4096,t=1,p=65"));
        QTest::newRow("negative p") << phc(QStringLiteral("m=64,t=1,p=-1"));
        QTest::newRow("plus sign") << phc(QStringLiteral("m=+64,t=1,p=1"));
        QTest::newRow("leading zero") << phc(QStringLiteral("m=064,t=1,p=1"));
        QTest::newRow("reordered") << phc(QStringLiteral("t=1,m=64,p=1"));
        QTest::newRow("missing p") << phc(QStringLiteral("m=64,t=1"));
        QTest::newRow("spaces") << phc(QStringLiteral("m=64, t=1, p=1"));
        QTest::newRow("bad base64") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                                           .arg(salt, QStringLiteral("!!!!"));
        QTest::newRow("padded base64")
            << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2=").arg(salt, hash);
        QTest::newRow("url-safe base64")
            << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                   .arg(b64(QByteArray(16, '\xfb')).replace(u'+', u'-').replace(u'/', u'_'), hash);
        // 16 zero bytes are "AAAAAAAAAAAAAAAAAAAAAA"; a B sets an unused bit.
        QTest::newRow("non-canonical base64")
            << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAB$%1").arg(hash);
        QTest::newRow("impossible length")
            << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$AAAAA$%1").arg(hash);
        QTest::newRow("salt too short") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                                               .arg(b64(QByteArray(7, 's')), hash);
        QTest::newRow("salt too long") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                                              .arg(b64(QByteArray(65, 's')), hash);
        QTest::newRow("hash too short") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                                               .arg(salt, b64(QByteArray(15, 'h')));
        QTest::newRow("hash too long") << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$%2")
                                              .arg(salt, b64(QByteArray(65, 'h')));
        QTest::newRow("nul inside")
            << QString(phc(QStringLiteral("m=64,t=1,p=1"))).insert(20, QChar(0));
        QTest::newRow("non-latin")
            << QString(phc(QStringLiteral("m=64,t=1,p=1"))).replace(30, 1, QChar(0x263A));
        QTest::newRow("10k characters")
            << QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$%1$").arg(salt) + QString(10000, u'A');
        QTest::newRow("10k dollars") << QString(10000, u'$');
        QTest::newRow("legacy garbage") << QStringLiteral("$pbkdf2-sha256$i=abc$$");
        QTest::newRow("legacy huge i")
            << QStringLiteral("$pbkdf2-sha256$i=2000000000$%1$%2").arg(salt, hash);
        QTest::newRow("legacy 10k")
            << QStringLiteral("$pbkdf2-sha256$i=1000$") + QString(10000, u'A');
    }

    void hostileStoredStrings()
    {
        QFETCH(QString, stored);
        QVERIFY(!PasswordHasher::parsePhc(stored).has_value());
        QVERIFY(!PasswordHasher::verify(QStringLiteral("password"), stored));
        QVERIFY(!PasswordHasher::verify(QString(), stored));
        QVERIFY(PasswordHasher::needsRehash(stored, kFast));
    }

    void mutatedStoredStrings()
    {
        // Every single-character change of a real hash is either refused by
        // the parser or fails verification; none verifies, none crashes.
        const QString password = QStringLiteral("mutation target");
        const auto hash = PasswordHasher::hash(password, kFast);
        QVERIFY(hash.ok());
        QRandomGenerator generator(20240611);
        const QString replacements = QStringLiteral("$=,+/0189AZaz-_ \u00e9");
        for (int i = 0; i < 400; ++i) {
            QString mutated = *hash;
            const int at = int(generator.bounded(quint32(mutated.size())));
            const QChar by = replacements.at(int(generator.bounded(quint32(replacements.size()))));
            if (mutated.at(at) == by)
                continue;
            switch (generator.bounded(3)) {
            case 0:
                mutated[at] = by;
                break;
            case 1:
                mutated.remove(at, 1);
                break;
            default:
                mutated.insert(at, by);
                break;
            }
            QVERIFY2(!PasswordHasher::verify(password, mutated), qPrintable(mutated));
        }
    }

    void decoy()
    {
        const QString &decoy = PasswordHasher::decoyHash(kFast);
        QVERIFY(PasswordHasher::parsePhc(decoy).has_value());
        QCOMPARE(PasswordHasher::parsePhc(decoy)->parameters, kFast);
        QVERIFY(!PasswordHasher::verify(QString(), decoy));
        QVERIFY(!PasswordHasher::verify(QStringLiteral("password"), decoy));
        // Cached per parameter set, and the same from every thread.
        QCOMPARE(&PasswordHasher::decoyHash(kFast), &decoy);
        const Parameters other{72, 1, 1};
        std::vector<const QString *> seen(6, nullptr);
        std::vector<std::thread> threads;
        for (size_t i = 0; i < seen.size(); ++i)
            threads.emplace_back(
                [&seen, i, other] { seen[i] = &PasswordHasher::decoyHash(other); });
        for (auto &thread : threads)
            thread.join();
        for (const QString *s : seen)
            QCOMPARE(s, seen.front());
        QVERIFY(seen.front() != &decoy);
        QVERIFY(seen.front()->contains(QStringLiteral("m=72,t=1,p=1")));
    }

    void hashRefusesParametersOutOfRange()
    {
        QVERIFY(!PasswordHasher::hash(QStringLiteral("x"), Parameters{64, 0, 1}).ok());
        QVERIFY(!PasswordHasher::hash(QStringLiteral("x"), Parameters{8, 1, 2}).ok());
        QVERIFY(!PasswordHasher::hash(QStringLiteral("x"), Parameters{64, 1, 65}).ok());
    }

    void policyLength()
    {
        const PasswordSettings settings;
        const Status eleven = PasswordPolicy::check(randomText(11, 1), QString(), settings);
        QVERIFY(!eleven.ok());
        QCOMPARE(eleven.error().code, ErrorCode::BadRequest);
        QVERIFY2(message(eleven).contains(QStringLiteral("11")) &&
                     message(eleven).contains(QStringLiteral("12")),
                 qPrintable(message(eleven)));
        QVERIFY2(PasswordPolicy::check(QStringLiteral("vq7Lm-Tz4kRw"), QString(), settings).ok(),
                 qPrintable(
                     message(PasswordPolicy::check(QStringLiteral("vq7Lm-Tz4kRw"), {}, settings))));
        const QString long128 = randomText(128, 2);
        QVERIFY2(PasswordPolicy::check(long128, QString(), settings).ok(),
                 qPrintable(message(PasswordPolicy::check(long128, QString(), settings))));

        PasswordSettings capped;
        capped.maximumLength = 128;
        const Status over = PasswordPolicy::check(randomText(129, 3), QString(), capped);
        QVERIFY(!over.ok());
        QCOMPARE(over.error().code, ErrorCode::BadRequest);
        QVERIFY2(message(over).contains(QStringLiteral("129")) &&
                     message(over).contains(QStringLiteral("128")),
                 qPrintable(message(over)));
        QVERIFY(!PasswordPolicy::check(randomText(1025, 4), QString(), settings).ok());
        // A configured maximum below 128 still accepts 128.
        PasswordSettings low;
        low.maximumLength = 64;
        QVERIFY(PasswordPolicy::check(long128, QString(), low).ok());
    }

    void policyCountsCodePoints()
    {
        // Six characters outside the BMP are twelve UTF-16 units but six
        // characters: refused, and the message says six.
        const QString six =
            QString::fromUcs4(U"\U0001F511\U0001F512\U0001F513\U0001F514\U0001F515\U0001F516");
        QCOMPARE(six.size(), 12);
        const Status status = PasswordPolicy::check(six, QString(), PasswordSettings{});
        QVERIFY(!status.ok());
        QVERIFY2(message(status).contains(QStringLiteral("has 6 characters")),
                 qPrintable(message(status)));
        // A decomposed accent counts once.
        PasswordSettings exact;
        exact.rejectCommon = false;
        exact.minimumLength = 12;
        QVERIFY(PasswordPolicy::check(QStringLiteral("e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e"
                                                     "\u0301e\u0301e\u0301e\u0301e\u0301"),
                                      QString(), exact)
                    .error()
                    .message.contains(QStringLiteral("has 11 characters")));
    }

    void policyCommon_data()
    {
        QTest::addColumn<QString>("password");
        QTest::newRow("password1234") << QStringLiteral("password1234");
        QTest::newRow("Summer2024!!") << QStringLiteral("Summer2024!!");
        QTest::newRow("P@ssw0rd2024") << QStringLiteral("P@ssw0rd2024");
        QTest::newRow("2024Sunshine!") << QStringLiteral("2024Sunshine!");
        QTest::newRow("iloveyou2024") << QStringLiteral("iloveyou2024");
        QTest::newRow("dictionary word") << QStringLiteral("international");
        QTest::newRow("keyboard run") << QStringLiteral("Qwerty123456");
    }

    void policyCommon()
    {
        QFETCH(QString, password);
        const Status status =
            PasswordPolicy::check(password, QStringLiteral("operator"), PasswordSettings{});
        QVERIFY2(!status.ok(), qPrintable(password));
        qInfo().noquote() << password << "->" << message(status);
        QCOMPARE(status.error().code, ErrorCode::BadRequest);
        QVERIFY2(message(status).contains(QStringLiteral("too common")) ||
                     message(status).contains(QStringLiteral("too easy to guess")),
                 qPrintable(message(status)));
        // The refusal explains itself and never echoes the password.
        QVERIFY(!message(status).contains(password));
        QVERIFY(message(status).contains(QStringLiteral("passphrase")));
    }

    void policyCommonMessage()
    {
        const Status status =
            PasswordPolicy::check(QStringLiteral("Summer2024!!"), QString(), PasswordSettings{});
        QVERIFY(!status.ok());
        QVERIFY2(message(status).startsWith(QStringLiteral("This password is too common")),
                 qPrintable(message(status)));
        QVERIFY(message(status).contains(QStringLiteral("dictionary word")));
    }

    void policyUserName()
    {
        const Status status = PasswordPolicy::check(QStringLiteral("zq-Gertrude-91x"),
                                                    QStringLiteral("gertrude"), PasswordSettings{});
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::BadRequest);
        QCOMPARE(message(status), QStringLiteral("The password contains the user name. Choose one "
                                                 "that does not."));
        // The same password is fine for someone else.
        QVERIFY(PasswordPolicy::check(QStringLiteral("zq-Gertrude-91x"), QStringLiteral("harold"),
                                      PasswordSettings{})
                    .ok());
    }

    void policyAcceptsPassphrases()
    {
        const PasswordSettings settings;
        for (const QString &good :
             {QStringLiteral("plinth orbit marsh velvet"), QStringLiteral("vq7Lm-Tz4kRw"),
              randomText(20, 5), QStringLiteral("Gr\u00fcne Fl\u00fcsse tanzen leise")}) {
            const Status status = PasswordPolicy::check(good, QStringLiteral("operator"), settings);
            QVERIFY2(status.ok(), qPrintable(good + QStringLiteral(": ") + message(status)));
        }
    }

    void policyCanBeRelaxed()
    {
        PasswordSettings relaxed;
        relaxed.rejectCommon = false;
        QVERIFY(PasswordPolicy::check(QStringLiteral("password1234"), QString(), relaxed).ok());
        // Length still applies.
        QVERIFY(!PasswordPolicy::check(QStringLiteral("password"), QString(), relaxed).ok());
    }

    void policyFromManyThreads()
    {
        // cracklib is not thread-safe; the policy serialises it.
        std::vector<int> refused(4, 0);
        std::vector<std::thread> threads;
        for (size_t t = 0; t < refused.size(); ++t)
            threads.emplace_back([&refused, t] {
                for (int i = 0; i < 25; ++i) {
                    if (!PasswordPolicy::check(QStringLiteral("password1234"), QString(),
                                               PasswordSettings{})
                             .ok())
                        ++refused[t];
                    if (!PasswordPolicy::check(randomText(16, quint32(100 * t + i)), QString(),
                                               PasswordSettings{})
                             .ok())
                        refused[t] += 1000;
                }
            });
        for (auto &thread : threads)
            thread.join();
        for (int count : refused)
            QCOMPARE(count, 25);
    }
};

QTEST_GUILESS_MAIN(TestPasswords)
#include "tst_passwords.moc"
