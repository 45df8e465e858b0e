// The Directory services page against a real embedded server over TLS: a
// configuration saved through the form, "Test Connection" against an
// address nobody listens on (a clear failure sentence), the write-only bind
// password, and, with the suite's real slapd (tests/common/Slapd.h), a
// successful and a refused "Test Login".
#include "RestProbe.h"
#include "Slapd.h"
#include "ui/ConnectionManager.h"
#include "ui/DirectoryServiceForm.h"
#include "ui/DirectoryServicesPage.h"

#include <QApplication>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::DirectoryServicesPage;
using BulwarkTest::Slapd;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 20000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
} // namespace

class TestDirectoryServices final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void unreachableDirectoryFailsInWords();
    void changedUrlNeedsBindPasswordAgain();
    void testLoginAgainstSlapd();
    void disconnectedPageSaysSo();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path) const;
    [[nodiscard]] QLineEdit *edit(const QString &name) const;
    void type(const QString &editName, const QString &text) const;
    [[nodiscard]] QLabel *label(const QString &name) const;
    [[nodiscard]] QPushButton *button(const QString &name) const;

    QTemporaryDir m_dataDir;
    std::unique_ptr<DirectoryServicesPage> m_page;
    std::unique_ptr<ConnectionManager> m_connection;
};

RestAnswer TestDirectoryServices::rest(const QByteArray &verb, const QString &path) const
{
    QUrl url;
    url.setScheme(u"https"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_connection->embeddedServerPort());
    url.setPath(path);
    return restCall(verb, url, u"Administrator"_s, AdminPassword,
                    m_connection->endpoint().pinnedFingerprint);
}

QLineEdit *TestDirectoryServices::edit(const QString &name) const
{
    return m_page->findChild<QLineEdit *>(name);
}

// Replaces a field's text the way a user does: select all, type over it.
void TestDirectoryServices::type(const QString &editName, const QString &text) const
{
    QLineEdit *field = edit(editName);
    QVERIFY2(field, qPrintable(editName));
    field->setFocus();
    field->selectAll();
    if (text.isEmpty())
        QTest::keyClick(field, Qt::Key_Delete);
    else
        QTest::keyClicks(field, text);
    QCOMPARE(field->text(), text);
}

QLabel *TestDirectoryServices::label(const QString &name) const
{
    return m_page->findChild<QLabel *>(name);
}

QPushButton *TestDirectoryServices::button(const QString &name) const
{
    return m_page->findChild<QPushButton *>(name);
}

void TestDirectoryServices::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    m_page = std::make_unique<DirectoryServicesPage>();
    m_page->resize(1100, 900);
    m_page->show();

    m_connection = std::make_unique<ConnectionManager>();
    Bulwark::ServerConfig config;
    config.dataDir = m_dataDir.path();
    config.port = 0;
    config.security.passwords.argonMemoryKiB = 8192;
    config.security.passwords.argonIterations = 1;
    config.security.masterKeySource = Bulwark::MasterKeySource::File;
    m_connection->startEmbeddedServer(config);
    QTRY_VERIFY_WITH_TIMEOUT(m_connection->state() == ConnectionManager::State::Connected ||
                                 !m_connection->lastError().isEmpty(),
                             ServerTimeoutMs);
    QVERIFY2(m_connection->lastError().isEmpty(), qPrintable(m_connection->lastError()));
    m_page->setSession({m_connection->client(), m_connection->events(), u"Administrator"_s});
    QTRY_VERIFY(m_page->findChild<QWidget *>(u"directoryServiceForm"_s)->isVisible());
}

void TestDirectoryServices::cleanupTestCase()
{
    m_page.reset();
    m_connection.reset();
}

void TestDirectoryServices::unreachableDirectoryFailsInWords()
{
    m_page->newService();
    type(u"directoryNameEdit"_s, u"corp"_s);
    type(u"directoryUrlEdit"_s, u"ldap://127.0.0.1:1"_s);
    type(u"directoryBindDnEdit"_s, u"cn=bulwark,ou=services,dc=example,dc=org"_s);
    type(u"directoryBindPasswordEdit"_s, u"service-secret"_s);
    type(u"directoryUserBaseEdit"_s, u"ou=people,dc=example,dc=org"_s);
    m_page->findChild<QSpinBox *>(u"directoryTimeoutSpin"_s)->setValue(2);

    // Test Connection saves the new settings first: the server tests what it stores.
    QTest::mouseClick(button(u"testConnectionButton"_s), Qt::LeftButton);
    QLabel *result = label(u"directoryTestResult"_s);
    QTRY_VERIFY_WITH_TIMEOUT(result->isVisible() && result->text().startsWith(u"The test"_s),
                             UiTimeoutMs);
    QVERIFY2(result->text().startsWith(u"The test failed at “Connect”: Cannot connect to the "
                                       u"directory at ldap://127.0.0.1:1"_s),
             qPrintable(result->text()));
    QVERIFY(!result->text().contains(u'{')); // words, not JSON
    QCOMPARE(result->property("testPassed").toBool(), false);
    QVERIFY(label(u"directoryTestIcon"_s)->isVisible());
    QVERIFY(!label(u"directoryTestIcon"_s)->pixmap().isNull());

    // Stored on the server; the bind password is kept but never shown back.
    const RestAnswer stored = rest("GET", u"/api/DirectoryServices/corp"_s);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.body.object().value("url"_L1).toString(), u"ldap://127.0.0.1:1"_s);
    QCOMPARE(stored.body.object().value("timeoutSeconds"_L1).toInt(), 2);
    QCOMPARE(stored.body.object().value("hasBindPassword"_L1).toBool(), true);
    QVERIFY(edit(u"directoryBindPasswordEdit"_s)->text().isEmpty());
    QVERIFY(label(u"directoryBindPasswordState"_s)->text().contains(u"stored"_s));
    QCOMPARE(m_page->list()->currentItem()->text(), u"corp"_s);
}

void TestDirectoryServices::changedUrlNeedsBindPasswordAgain()
{
    QVERIFY(m_page->selectService(u"corp"_s));
    type(u"directoryUrlEdit"_s, u"ldap://127.0.0.1:2"_s);
    QTest::mouseClick(button(u"saveDirectoryButton"_s), Qt::LeftButton);
    QLabel *message = label(u"directoryMessageLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible() && message->text().contains(u"bindPassword"_s),
                             UiTimeoutMs);
    QVERIFY2(message->text().startsWith(u"Could not save the directory corp:"_s),
             qPrintable(message->text()));
    QCOMPARE(rest("GET", u"/api/DirectoryServices/corp"_s).body.object().value("url"_L1).toString(),
             u"ldap://127.0.0.1:1"_s);
}

void TestDirectoryServices::testLoginAgainstSlapd()
{
    BULWARK_REQUIRE_SLAPD();
    Slapd slapd;
    QVERIFY2(slapd.error().isEmpty(), qPrintable(slapd.error()));

    QVERIFY(m_page->selectService(u"corp"_s));
    type(u"directoryUrlEdit"_s, slapd.url()); // ldap:// + StartTLS with the fixture's CA
    type(u"directoryCaFileEdit"_s, slapd.caFile());
    type(u"directoryBindDnEdit"_s, Slapd::serviceDn);
    type(u"directoryBindPasswordEdit"_s, Slapd::servicePassword);
    type(u"directoryUserBaseEdit"_s, Slapd::peopleDn);
    type(u"directoryGroupBaseEdit"_s, Slapd::groupsDn);
    QTest::mouseClick(button(u"saveDirectoryButton"_s), Qt::LeftButton);
    QLabel *message = label(u"directoryMessageLabel"_s);
    QTRY_COMPARE_WITH_TIMEOUT(message->text(), u"Saved the directory corp."_s, UiTimeoutMs);

    QLabel *result = label(u"directoryTestResult"_s);
    QTest::mouseClick(button(u"testConnectionButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(u"The connection works"_s), UiTimeoutMs);
    QCOMPARE(result->property("testPassed").toBool(), true);

    type(u"testUserEdit"_s, u"alice"_s);
    type(u"testPasswordEdit"_s, Slapd::alicePassword);
    QTest::mouseClick(button(u"testLoginButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(u"The login works"_s), UiTimeoutMs);
    QVERIFY2(result->text().contains(u"operators"_s), qPrintable(result->text()));
    QCOMPARE(result->property("testPassed").toBool(), true);
    QVERIFY(label(u"directoryTestDetails"_s)->text().contains(u"✔ Login: Signed in as"_s));

    type(u"testPasswordEdit"_s, Slapd::bobPassword);
    QTest::mouseClick(button(u"testLoginButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(u"The test failed at “Login”"_s),
                             UiTimeoutMs);
    QVERIFY2(result->text().contains(u"refused the password"_s), qPrintable(result->text()));
    QCOMPARE(result->property("testPassed").toBool(), false);
}

void TestDirectoryServices::disconnectedPageSaysSo()
{
    m_page->setSession({});
    QCOMPARE(m_page->list()->count(), 0);
    auto *empty = label(u"directoryEmptyState"_s);
    QVERIFY(empty->isVisible());
    QVERIFY(empty->text().startsWith(u"Not connected"_s));
}

QTEST_MAIN(TestDirectoryServices)
#include "tst_directoryservices.moc"
