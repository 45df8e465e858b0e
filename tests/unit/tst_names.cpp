#include "core/Names.h"

#include <QTest>

using namespace Bulwark;

class TestNames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validate_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("simple") << QStringLiteral("Pump1") << true << QString();
        QTest::newRow("punctuation") << QStringLiteral("site-3.pump_1") << true << QString();
        QTest::newRow("digit first") << QStringLiteral("3Pumps") << true << QString();
        QTest::newRow("max length") << QString(128, u'a') << true << QString();
        QTest::newRow("empty") << QString() << false << QStringLiteral("missing");
        QTest::newRow("too long") << QString(129, u'a') << false
                                  << QStringLiteral("129 characters");
        QTest::newRow("space") << QStringLiteral("bad name") << false
                               << QStringLiteral("' ' at position 4");
        QTest::newRow("slash") << QStringLiteral("a/b") << false << QStringLiteral("'/'");
        QTest::newRow("leading dot")
            << QStringLiteral(".hidden") << false << QStringLiteral("start with a letter or digit");
        QTest::newRow("non-ascii") << QStringLiteral("Pümpe") << false << QStringLiteral("'ü'");
        QTest::newRow("control") << QStringLiteral("a\nb") << false << QStringLiteral("U+000a");
        QTest::newRow("percent") << QStringLiteral("a%20b") << false << QStringLiteral("'%'");
    }

    void validate()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QFETCH(QString, messagePart);
        const Status status = Names::validate(QStringLiteral("Thing"), name);
        QCOMPARE(status.ok(), valid);
        if (!valid) {
            QCOMPARE(status.error().code, ErrorCode::InvalidName);
            QVERIFY2(status.error().message.contains(messagePart),
                     qPrintable(status.error().message));
            QVERIFY(status.error().message.contains(QStringLiteral("Thing")));
        }
    }
};

QTEST_GUILESS_MAIN(TestNames)
#include "tst_names.moc"
