// RFC 4515 (filter) and RFC 4514 (DN) escaping through libldap.
#include "security/Ldap.h"

#include <QTest>

using namespace Bulwark;
using namespace Qt::StringLiterals;

class TestLdapEscape final : public QObject
{
    Q_OBJECT

private slots:
    void filterValue_data();
    void filterValue();
    void dnValue_data();
    void dnValue();
    void dnValueRoundTrips_data();
    void dnValueRoundTrips();
    void normalizeDn();
};

void TestLdapEscape::filterValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("escaped");
    QTest::newRow("plain") << u"alice"_s << u"alice"_s;
    QTest::newRow("star") << u"*"_s << u"\\2A"_s;
    QTest::newRow("parentheses") << u"(x)"_s << u"\\28x\\29"_s;
    QTest::newRow("backslash") << u"a\\b"_s << u"a\\5Cb"_s;
    QTest::newRow("nul") << QString(QChar(0)) << u"\\00"_s;
    QTest::newRow("injection") << u"*)(uid=*))(|(uid=*"_s
                               << u"\\2A\\29\\28uid=\\2A\\29\\29\\28|\\28uid=\\2A"_s;
    // Characters that are special only in DNs pass through a filter value.
    // libldap escapes every non-ASCII octet; RFC 4515 allows it.
    QTest::newRow("utf-8") << u"José"_s << u"Jos\\C3\\A9"_s;
    QTest::newRow("dn specials") << u"a,b+c=d"_s << u"a,b+c=d"_s;
}

void TestLdapEscape::filterValue()
{
    QFETCH(QString, value);
    QFETCH(QString, escaped);
    QCOMPARE(Ldap::escapeFilterValue(value), escaped);
}

void TestLdapEscape::dnValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("escaped");
    // libldap writes the RFC 4514 hexpair form (\2C rather than \,); both
    // are valid and parse to the same value.
    QTest::newRow("plain") << u"alice"_s << u"alice"_s;
    QTest::newRow("comma") << u"Smith, Dave"_s << u"Smith\\2C Dave"_s;
    QTest::newRow("plus") << u"a+b"_s << u"a\\2Bb"_s;
    QTest::newRow("quote") << u"a\"b"_s << u"a\\22b"_s;
    QTest::newRow("backslash") << u"a\\b"_s << u"a\\5Cb"_s;
    QTest::newRow("angle brackets") << u"<a>"_s << u"\\3Ca\\3E"_s;
    QTest::newRow("semicolon") << u"a;b"_s << u"a\\3Bb"_s;
    QTest::newRow("leading hash") << u"#a"_s << u"\\23a"_s;
    QTest::newRow("leading space") << u" a"_s << u"\\20a"_s;
    QTest::newRow("trailing space") << u"a "_s << u"a\\20"_s;
    QTest::newRow("injection") << u"x,cn=admin"_s << u"x\\2Ccn\\3Dadmin"_s;
    QTest::newRow("nul") << (u"a"_s + QChar(0) + u"b"_s) << u"a\\00b"_s;
    // Non-ASCII UTF-8 octets as hexpairs, which RFC 4514 allows.
    QTest::newRow("utf-8") << u"José"_s << u"Jos\\C3\\A9"_s;
}

void TestLdapEscape::dnValue()
{
    QFETCH(QString, value);
    QFETCH(QString, escaped);
    QCOMPARE(Ldap::escapeDnValue(value), escaped);
}

void TestLdapEscape::dnValueRoundTrips_data()
{
    QTest::addColumn<QString>("value");
    for (const QString &v : {u"Smith, Dave"_s, u"#1 ; <x> + \"y\" \\ z "_s, u" lead"_s,
                             u"José Müller"_s, u"a=b,c=d"_s})
        QTest::newRow(qPrintable(v)) << v;
}

void TestLdapEscape::dnValueRoundTrips()
{
    // An escaped value stays one attribute value: the DN built from it has
    // exactly one RDN and compares equal to itself after normalisation.
    QFETCH(QString, value);
    const QString dn = u"cn="_s + Ldap::escapeDnValue(value) + u",dc=example,dc=test"_s;
    const QString normal = Ldap::normalizeDn(dn);
    QVERIFY2(!normal.isEmpty(), qPrintable(dn));
    QVERIFY(normal.endsWith(u",dc=example,dc=test"_s));
    QCOMPARE(Ldap::normalizeDn(normal), normal);
    // Three RDNs (cn, dc, dc): the value did not add any. libldap's output
    // escapes commas inside values as \2C, so the commas left are separators.
    QCOMPARE(normal.count(u','), 2);
}

void TestLdapEscape::normalizeDn()
{
    QCOMPARE(Ldap::normalizeDn(u"CN=Operators, OU=Groups,DC=Example,DC=Test"_s),
             u"cn=operators,ou=groups,dc=example,dc=test"_s);
    QCOMPARE(Ldap::normalizeDn(u"not a dn"_s), QString());
    QCOMPARE(Ldap::normalizeDn(u"cn=a,,dc=b"_s), QString());
}

QTEST_GUILESS_MAIN(TestLdapEscape)
#include "tst_ldapescape.moc"
