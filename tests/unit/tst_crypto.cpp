#include "security/Crypto.h"

#include <QTest>

using namespace Bulwark;

class TestCrypto : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selfTest()
    {
        const Status status = Crypto::selfTest();
        QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error().message));
    }

    void knownAnswers()
    {
        // The primitives the self-test covers, checked here as well so that a
        // self-test that always passed would not hide a broken primitive.
        QCOMPARE(Crypto::sha256("abc").toHex(),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(Crypto::hmacSha256("Jefe", "what do ya want for nothing?").toHex(),
                 QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    }

    void hkdf()
    {
        // RFC 5869 appendix A.1 (test case 1).
        const QByteArray ikm(22, '\x0b');
        auto okm = Crypto::hkdfSha256(ikm, QByteArray::fromHex("000102030405060708090a0b0c"),
                                      QByteArray::fromHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        QVERIFY(okm.ok());
        QCOMPARE(okm->toHex(), QByteArray("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d"
                                          "56ecc4c5bf34007208d5b887185865"));
        // RFC 5869 appendix A.3 (test case 3): empty salt and info.
        okm = Crypto::hkdfSha256(ikm, QByteArray(), QByteArray(), 42);
        QVERIFY(okm.ok());
        QCOMPARE(okm->toHex(), QByteArray("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e"
                                          "5f3c738d2d9d201395faa4b61a96c8"));
        // Different info, different keys; lengths outside 1..8160 refused.
        QVERIFY(*Crypto::hkdfSha256(ikm, {}, "a", 32) != *Crypto::hkdfSha256(ikm, {}, "b", 32));
        QCOMPARE(Crypto::hkdfSha256(ikm, {}, {}, 8160)->size(), 8160);
        QVERIFY(!Crypto::hkdfSha256(ikm, {}, {}, 0).ok());
        QVERIFY(!Crypto::hkdfSha256(ikm, {}, {}, 8161).ok());
    }

    void aesGcmRoundTrip()
    {
        const QByteArray key = Crypto::randomBytes(Crypto::AesKeySize);
        const auto sealed = Crypto::aesGcmEncrypt(key, "attack at dawn", "Things/A/p");
        QVERIFY(sealed.ok());
        QCOMPARE(sealed->size(), Crypto::GcmNonceSize + 14 + Crypto::GcmTagSize);
        QCOMPARE(*Crypto::aesGcmDecrypt(key, *sealed, "Things/A/p"), QByteArray("attack at dawn"));
        // Fresh nonce per call.
        QVERIFY(*Crypto::aesGcmEncrypt(key, "attack at dawn", "Things/A/p") != *sealed);
        QVERIFY(!Crypto::aesGcmDecrypt(key, *sealed, "Things/B/p").ok());
        QByteArray tampered = *sealed;
        tampered[tampered.size() - 1] = char(tampered.at(tampered.size() - 1) ^ 0x80);
        QVERIFY(!Crypto::aesGcmDecrypt(key, tampered, "Things/A/p").ok());
        QVERIFY(!Crypto::aesGcmDecrypt(key, sealed->left(Crypto::GcmNonceSize + 3), "").ok());
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
