// The console's copy of the server's naming rule, table by table.
#include "models/EntityName.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Bulwark::Models::EntityName;

class TestEntityName final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validity_data();
    void validity();
};

void TestEntityName::validity_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("letter") << u"a"_s << true;
    QTest::newRow("digit first") << u"7up"_s << true;
    QTest::newRow("all allowed") << u"Pump_07-b.v2"_s << true;
    QTest::newRow("128 chars") << QString(128, u'x') << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("129 chars") << QString(129, u'x') << false;
    QTest::newRow("underscore first") << u"_pump"_s << false;
    QTest::newRow("dot first") << u".pump"_s << false;
    QTest::newRow("space") << u"my pump"_s << false;
    QTest::newRow("slash") << u"a/b"_s << false;
    QTest::newRow("umlaut") << u"Pümpe"_s << false;
    QTest::newRow("fullwidth digit") << u"\uFF11"_s << false;
}

void TestEntityName::validity()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(EntityName::isValid(name), valid);
    // Every refusal explains itself.
    QCOMPARE(EntityName::problem(name).isEmpty(), valid);
}

QTEST_GUILESS_MAIN(TestEntityName)
#include "tst_entityname.moc"
