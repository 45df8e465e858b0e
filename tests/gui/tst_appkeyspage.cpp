// The Application keys page against a real embedded server over TLS: a key
// made through the dialog shows its secret once, that secret really signs in
// (appKey header and Bearer), and after Revoke the server refuses it.
#include "RestProbe.h"
#include "models/AppKeysModel.h"
#include "ui/AppKeyDialog.h"
#include "ui/AppKeySecretDialog.h"
#include "ui/AppKeysPage.h"
#include "ui/ConnectionManager.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace Qt::StringLiterals;
using Bulwark::Models::AppKeysModel;
using Bulwark::Ui::AppKeyDialog;
using Bulwark::Ui::AppKeySecretDialog;
using Bulwark::Ui::AppKeysPage;
using Bulwark::Ui::ConnectionManager;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 10000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
const QString KeyName = u"backup-script"_s;
} // namespace

class TestAppKeys final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void emptyStateExplainsKeys();
    void createdKeyShowsSecretOnceAndWorks();
    void revokedKeyIsRefused();
    void disconnectedPageSaysSo();

private:
    [[nodiscard]] QUrl url(const QString &path) const;
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path) const;
    // GET /api/auth/session with only this header as credentials.
    [[nodiscard]] RestAnswer sessionWith(const QByteArray &header, const QByteArray &value) const;
    [[nodiscard]] bool clickToolButton(const QString &actionName) const;

    QTemporaryDir m_dataDir;
    std::unique_ptr<AppKeysPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<ConnectionManager> m_connection;
    QString m_secret;
};

QUrl TestAppKeys::url(const QString &path) const
{
    QUrl result;
    result.setScheme(u"https"_s);
    result.setHost(u"127.0.0.1"_s);
    result.setPort(m_connection->embeddedServerPort());
    result.setPath(path);
    return result;
}

RestAnswer TestAppKeys::rest(const QByteArray &verb, const QString &path) const
{
    return restCall(verb, url(path), u"Administrator"_s, AdminPassword,
                    m_connection->endpoint().pinnedFingerprint);
}

RestAnswer TestAppKeys::sessionWith(const QByteArray &header, const QByteArray &value) const
{
    QNetworkAccessManager network;
    QNetworkRequest request(url(u"/api/auth/session"_s));
    request.setRawHeader(header, value);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    const QString fingerprint = m_connection->endpoint().pinnedFingerprint;
    QObject::connect(reply.get(), &QNetworkReply::sslErrors, reply.get(),
                     [&reply, fingerprint](const QList<QSslError> &errors) {
                         const QString digest =
                             QString::fromLatin1(reply->sslConfiguration()
                                                     .peerCertificate()
                                                     .digest(QCryptographicHash::Sha256)
                                                     .toHex(':')
                                                     .toUpper());
                         if (digest == fingerprint)
                             reply->ignoreSslErrors(errors);
                     });
    if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 15000))
        return {};
    RestAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = QJsonDocument::fromJson(reply->readAll());
    return answer;
}

bool TestAppKeys::clickToolButton(const QString &actionName) const
{
    auto *toolbar = m_page->findChild<QToolBar *>(u"appKeysToolBar"_s);
    auto *action = m_page->findChild<QAction *>(actionName);
    if (!toolbar || !action)
        return false;
    auto *button = qobject_cast<QToolButton *>(toolbar->widgetForAction(action));
    if (!button || !button->isEnabled())
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

void TestAppKeys::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    m_page = std::make_unique<AppKeysPage>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_page->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_page->resize(1100, 600);
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
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->isLoaded(), UiTimeoutMs);
}

void TestAppKeys::cleanupTestCase()
{
    m_tester.reset();
    m_page.reset();
    m_connection.reset();
}

void TestAppKeys::emptyStateExplainsKeys()
{
    QCOMPARE(m_page->model()->rowCount(), 0);
    auto *empty = m_page->findChild<QLabel *>(u"appKeysEmptyState"_s);
    QVERIFY(empty && empty->isVisible());
    QVERIFY2(empty->text().startsWith(u"No application keys yet"_s), qPrintable(empty->text()));
}

void TestAppKeys::createdKeyShowsSecretOnceAndWorks()
{
    QVERIFY(clickToolButton(u"newAppKeyAction"_s));
    QPointer<AppKeyDialog> dialog = m_page->findChild<AppKeyDialog *>(u"appKeyDialog"_s);
    QVERIFY(dialog && dialog->isVisible());
    auto *create = dialog->findChild<QPushButton *>(u"createAppKeyButton"_s);
    QVERIFY(!create->isEnabled()); // no name yet
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"appKeyNameEdit"_s), KeyName);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"appKeyAddressesEdit"_s),
                     u"127.0.0.1, 10.0.0.0/8"_s);
    QVERIFY(create->isEnabled());
    QTest::mouseClick(create, Qt::LeftButton);

    QPointer<AppKeySecretDialog> secretDialog;
    QTRY_VERIFY_WITH_TIMEOUT(
        (secretDialog = m_page->findChild<AppKeySecretDialog *>(u"appKeySecretDialog"_s)) &&
            secretDialog->isVisible(),
        UiTimeoutMs);
    QVERIFY(!dialog || !dialog->isVisible());
    auto *secretEdit = secretDialog->findChild<QLineEdit *>(u"appKeySecretEdit"_s);
    m_secret = secretEdit->text();
    QVERIFY2(m_secret.startsWith(u"bwk_"_s), qPrintable(m_secret));
    QVERIFY(secretEdit->isReadOnly());
    QVERIFY(secretDialog->findChild<QLabel *>(u"appKeySecretWarning"_s)
                ->text()
                .contains(u"shown only this once"_s));
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(secretDialog->findChild<QPushButton *>(u"copySecretButton"_s),
                      Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), m_secret);
    QTest::mouseClick(secretDialog->findChild<QPushButton *>(u"secretStoredButton"_s),
                      Qt::LeftButton);
    QTRY_VERIFY(!secretDialog || !secretDialog->isVisible());

    // The list shows the key, selected, with what the dialog set.
    AppKeysModel *model = m_page->model();
    QTRY_COMPARE_WITH_TIMEOUT(m_page->selectedKey(), KeyName, UiTimeoutMs);
    const int row = model->rowOf(KeyName);
    QCOMPARE(model->index(row, AppKeysModel::UserColumn).data().toString(), u"Administrator"_s);
    QCOMPARE(model->index(row, AppKeysModel::AddressesColumn).data().toString(),
             u"127.0.0.1, 10.0.0.0/8"_s);
    QCOMPARE(model->index(row, AppKeysModel::StateColumn).data().toString(), u"Active"_s);
    QCOMPARE(model->index(row, AppKeysModel::LastUsedColumn).data().toString(), u"Never"_s);
    const QDateTime expires =
        model->index(row, AppKeysModel::ExpiresColumn).data(AppKeysModel::SortRole).toDateTime();
    const qint64 days = QDateTime::currentDateTimeUtc().daysTo(expires);
    QVERIFY2(days >= 29 && days <= 30, qPrintable(expires.toString(Qt::ISODate)));

    // The secret works, in both ways a program may send it.
    const RestAnswer viaHeader = sessionWith("appKey", m_secret.toLatin1());
    QCOMPARE(viaHeader.status, 200);
    QCOMPARE(viaHeader.body.object().value("appKey"_L1).toString(), KeyName);
    QCOMPARE(viaHeader.body.object().value("user"_L1).toString(), u"Administrator"_s);
    QCOMPARE(sessionWith("Authorization", "Bearer " + m_secret.toLatin1()).status, 200);
    // …and the server never shows it again.
    const RestAnswer stored = rest("GET", u"/api/ApplicationKeys/"_s + KeyName);
    QCOMPARE(stored.status, 200);
    QVERIFY(!stored.body.object().contains("secret"_L1));

    // Refresh shows the use.
    QVERIFY(clickToolButton(u"refreshAppKeysAction"_s));
    QTRY_VERIFY_WITH_TIMEOUT(model->index(model->rowOf(KeyName), AppKeysModel::LastUsedColumn)
                                 .data()
                                 .toString()
                                 .contains(u"127.0.0.1"_s),
                             UiTimeoutMs);
}

void TestAppKeys::revokedKeyIsRefused()
{
    QVERIFY(!m_secret.isEmpty());
    QVERIFY(m_page->selectKey(KeyName));
    QVERIFY(clickToolButton(u"revokeAppKeyAction"_s));
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = m_page->findChild<QMessageBox *>(u"confirmRevokeDialog"_s)) &&
                box->isVisible());
    QVERIFY2(box->text().contains(u"refused"_s), qPrintable(box->text()));
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(rest("GET", u"/api/ApplicationKeys/"_s + KeyName).status, 404,
                              UiTimeoutMs);
    QCOMPARE(sessionWith("appKey", m_secret.toLatin1()).status, 401);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(KeyName) < 0, UiTimeoutMs);
}

void TestAppKeys::disconnectedPageSaysSo()
{
    m_page->setSession({});
    QCOMPARE(m_page->model()->rowCount(), 0);
    auto *empty = m_page->findChild<QLabel *>(u"appKeysEmptyState"_s);
    QVERIFY(empty->text().startsWith(u"Not connected"_s));
}

QTEST_MAIN(TestAppKeys)
#include "tst_appkeyspage.moc"
