// The console end to end: a real embedded server on a free loopback port,
// the real main window driven offscreen with mouse and key events, and an
// independent REST client that checks what the server really holds.
#include "RestProbe.h"
#include "models/CertificateProbe.h"
#include "models/ThingsModel.h"
#include "ui/ConnectDialog.h"
#include "ui/ConsolePage.h"
#include "ui/ConsoleWindow.h"
#include "ui/EmptyStatePage.h"
#include "ui/NewThingDialog.h"
#include "ui/ThingsPage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::ConsoleWindow;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 10000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
} // namespace

class TestConsole final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void statusBarShowsConnection();
    void everyAreaIsAPage();
    void emptyStateBeforeFirstThing();
    void invalidNameIsRefusedBeforeSending();
    void createsThingThroughDialog();
    void showsServerRefusal();
    void liveEventsShowChangesMadeElsewhere();
    void deletesThingAfterConfirmation();
    void connectsThroughConnectDialog();
    void probeReportsPinnedFingerprint();
    void wrongPinIsRefusedBeforeCredentials();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path,
                                  const QByteArray &body = {}) const;
    [[nodiscard]] QUrl serverUrl() const;
    [[nodiscard]] QString fingerprint() const;
    [[nodiscard]] QWidget *createThingViaDialog(const QString &name, const QString &description);
    [[nodiscard]] bool viewShows(const QString &name) const;

    QTemporaryDir m_dataDir;
    QTemporaryDir m_settingsDir;
    std::unique_ptr<ConsoleWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
};

RestAnswer TestConsole::rest(const QByteArray &verb, const QString &path,
                             const QByteArray &body) const
{
    QUrl url = serverUrl();
    url.setPath(path);
    return restCall(verb, url, u"Administrator"_s, AdminPassword, fingerprint(), body);
}

QUrl TestConsole::serverUrl() const
{
    QUrl url;
    url.setScheme(u"https"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_window->connection()->embeddedServerPort());
    return url;
}

QString TestConsole::fingerprint() const
{
    return m_window->connection()->endpoint().pinnedFingerprint;
}

void TestConsole::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    // Window state and recent servers go to a scratch directory, never the
    // developer's own settings.
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    Bulwark::Ui::ConsoleOptions options;
    options.embeddedServer.dataDir = m_dataDir.path();
    options.embeddedServer.port = 0;
    m_window = std::make_unique<ConsoleWindow>(options);
    // Checks every change the live data makes to the model, from the start.
    m_modelTester = std::make_unique<QAbstractItemModelTester>(
        m_window->thingsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_window->show();
    m_window->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->connection()->state() ==
                                     ConnectionManager::State::Connected ||
                                 !m_window->connection()->lastError().isEmpty(),
                             ServerTimeoutMs);
    QVERIFY2(m_window->connection()->lastError().isEmpty(),
             qPrintable(m_window->connection()->lastError()));
    QVERIFY(m_window->connection()->embeddedServerPort() != 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->connection()->liveEventsState() ==
                                 Bulwark::Models::EventStream::State::Live,
                             UiTimeoutMs);
}

void TestConsole::cleanupTestCase()
{
    m_modelTester.reset();
    m_window.reset();
}

void TestConsole::statusBarShowsConnection()
{
    const auto *server = m_window->findChild<QLabel *>(u"serverUrlLabel"_s);
    const auto *user = m_window->findChild<QLabel *>(u"userLabel"_s);
    const auto *state = m_window->findChild<QLabel *>(u"connectionStateLabel"_s);
    const auto *live = m_window->findChild<QLabel *>(u"liveEventsLabel"_s);
    QVERIFY(server && user && state && live);
    QVERIFY2(server->text().contains(u"https://127.0.0.1:%1"_s.arg(serverUrl().port())),
             qPrintable(server->text()));
    QVERIFY(user->text().contains(u"Administrator"_s));
    QCOMPARE(state->text(), u"Connected"_s);
    QCOMPARE(live->text(), u"Live events: on"_s);
}

void TestConsole::everyAreaIsAPage()
{
    auto *navigation = m_window->findChild<QListWidget *>(u"navigationList"_s);
    QVERIFY(navigation);
    const QStringList expected{
        u"Devices"_s,     u"Things"_s,         u"File transfers"_s, u"Organizations"_s,
        u"Permissions"_s, u"Users & Groups"_s, u"App keys"_s,       u"Directory services"_s,
        u"Audit"_s};
    QCOMPARE(navigation->count(), expected.size());
    auto *pages = m_window->findChild<QStackedWidget *>(u"areaPages"_s);
    QVERIFY(pages);
    QCOMPARE(pages->count(), expected.size());
    for (int row = 0; row < navigation->count(); ++row) {
        QCOMPARE(navigation->item(row)->text(), expected.at(row));
        QVERIFY2(!navigation->item(row)->icon().isNull(), qPrintable(expected.at(row)));
        // A real page, not a placeholder: each one gets the session.
        QVERIFY2(qobject_cast<Bulwark::Ui::ConsolePage *>(pages->widget(row)) ||
                     pages->widget(row) == m_window->thingsPage(),
                 qPrintable(expected.at(row)));
        QVERIFY(!qobject_cast<Bulwark::Ui::EmptyStatePage *>(pages->widget(row)));
    }

    // Clicking an entry shows its page.
    QListWidgetItem *things = navigation->item(1);
    QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {},
                      navigation->visualItemRect(things).center());
    QTRY_VERIFY(m_window->thingsPage()->isVisible());
    QCOMPARE(pages->currentWidget(), m_window->thingsPage());
}

void TestConsole::emptyStateBeforeFirstThing()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_window->thingsModel()->isLoaded(), UiTimeoutMs);
    QCOMPARE(m_window->thingsModel()->rowCount(), 0);
    const auto *empty = m_window->thingsPage()->findChild<QLabel *>(u"thingsEmptyState"_s);
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QCOMPARE(empty->text(), u"No Things yet — create one with New Thing…"_s);
}

QWidget *TestConsole::createThingViaDialog(const QString &name, const QString &description)
{
    auto *newThing = m_window->findChild<QPushButton *>(u"newThingButton"_s);
    if (!newThing || !newThing->isEnabled())
        return nullptr;
    QTest::mouseClick(newThing, Qt::LeftButton);
    auto *dialog = m_window->findChild<QDialog *>(u"newThingDialog"_s);
    if (!dialog || !dialog->isVisible())
        return nullptr;
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"thingNameEdit"_s), name);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"thingDescriptionEdit"_s), description);
    return dialog;
}

bool TestConsole::viewShows(const QString &name) const
{
    const QAbstractItemModel *model = m_window->thingsPage()->view()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data().toString() == name)
            return true;
    }
    return false;
}

void TestConsole::invalidNameIsRefusedBeforeSending()
{
    QWidget *dialog = createThingViaDialog(u"_bad name"_s, u"x"_s);
    QVERIFY(dialog);
    auto *create = dialog->findChild<QPushButton *>(u"createThingButton"_s);
    auto *error = dialog->findChild<QLabel *>(u"thingErrorLabel"_s);
    QVERIFY(create && error);
    QVERIFY(!create->isEnabled());
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"start with a letter"_s), qPrintable(error->text()));

    // Fixing the name enables Create again.
    auto *nameEdit = dialog->findChild<QLineEdit *>(u"thingNameEdit"_s);
    nameEdit->clear();
    QTest::keyClicks(nameEdit, u"Fine.Name"_s);
    QVERIFY(create->isEnabled());
    QVERIFY(!error->isVisible());
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!m_window->findChild<QDialog *>(u"newThingDialog"_s));
    QCOMPARE(rest("GET", u"/api/Things/Fine.Name"_s).status, 404);
}

void TestConsole::createsThingThroughDialog()
{
    QWidget *dialog = createThingViaDialog(u"Pump-07"_s, u"Basement pump"_s);
    QVERIFY(dialog);
    auto *create = dialog->findChild<QPushButton *>(u"createThingButton"_s);
    QVERIFY(create->isEnabled());
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->findChild<QDialog *>(u"newThingDialog"_s), UiTimeoutMs);

    const RestAnswer answer = rest("GET", u"/api/Things/Pump-07"_s);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.body.object().value(u"name"_s).toString(), u"Pump-07"_s);
    QCOMPARE(answer.body.object().value(u"description"_s).toString(), u"Basement pump"_s);

    QTRY_VERIFY_WITH_TIMEOUT(viewShows(u"Pump-07"_s), UiTimeoutMs);
    QTRY_VERIFY(m_window->thingsPage()->view()->isVisible());
}

void TestConsole::showsServerRefusal()
{
    // The name is valid for the client; the server refuses a duplicate.
    QWidget *dialog = createThingViaDialog(u"Pump-07"_s, u"again"_s);
    QVERIFY(dialog);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"createThingButton"_s), Qt::LeftButton);
    auto *error = dialog->findChild<QLabel *>(u"thingErrorLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), UiTimeoutMs);
    QVERIFY(!error->text().isEmpty());
    QVERIFY(dialog->isVisible()); // the user can correct the name
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!m_window->findChild<QDialog *>(u"newThingDialog"_s));
}

void TestConsole::liveEventsShowChangesMadeElsewhere()
{
    const RestAnswer created =
        rest("POST", u"/api/Things"_s,
             R"({"name":"Sensor-9","description":"made by a script","properties":[],)"
             R"("services":[],"events":[]})");
    QCOMPARE(created.status, 201);
    // No refresh by the console itself: only the live event can bring it in.
    QTRY_VERIFY_WITH_TIMEOUT(viewShows(u"Sensor-9"_s), UiTimeoutMs);

    QCOMPARE(rest("DELETE", u"/api/Things/Sensor-9"_s).status, 204);
    QTRY_VERIFY_WITH_TIMEOUT(!viewShows(u"Sensor-9"_s), UiTimeoutMs);
}

void TestConsole::deletesThingAfterConfirmation()
{
    QTableView *view = m_window->thingsPage()->view();
    QTRY_VERIFY_WITH_TIMEOUT(viewShows(u"Pump-07"_s), UiTimeoutMs);
    int row = -1;
    for (int r = 0; r < view->model()->rowCount(); ++r) {
        if (view->model()->index(r, 0).data().toString() == u"Pump-07"_s)
            row = r;
    }
    QVERIFY(row >= 0);
    const QRect cell = view->visualRect(view->model()->index(row, 0));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    auto *remove = m_window->findChild<QPushButton *>(u"deleteThingButton"_s);
    QVERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);

    auto *box = m_window->findChild<QMessageBox *>(u"confirmDeleteDialog"_s);
    QVERIFY(box);
    QVERIFY2(box->text().contains(u"Pump-07"_s), qPrintable(box->text()));
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);

    QTRY_VERIFY_WITH_TIMEOUT(!viewShows(u"Pump-07"_s), UiTimeoutMs);
    QCOMPARE(rest("GET", u"/api/Things/Pump-07"_s).status, 404);
    const auto *empty = m_window->thingsPage()->findChild<QLabel *>(u"thingsEmptyState"_s);
    QTRY_VERIFY(empty->isVisible());
}

void TestConsole::connectsThroughConnectDialog()
{
    // Treat the embedded server as a remote one: fetch, accept and pin its
    // certificate, then log in through the dialog.
    m_window->findChild<QAction *>(u"connectAction"_s)->trigger();
    auto *dialog = m_window->findChild<Bulwark::Ui::ConnectDialog *>(u"connectDialog"_s);
    QVERIFY(dialog);
    auto *connectButton = dialog->findChild<QPushButton *>(u"connectButton"_s);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"serverUrlEdit"_s),
                     u"127.0.0.1:%1"_s.arg(serverUrl().port()));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), AdminPassword);
    QVERIFY(!connectButton->isEnabled()); // no accepted certificate yet
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"fetchCertificateButton"_s),
                      Qt::LeftButton);
    auto *fingerprintLabel = dialog->findChild<QLabel *>(u"fingerprintLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(fingerprintLabel->text().contains(fingerprint()), UiTimeoutMs);
    auto *trust = dialog->findChild<QCheckBox *>(u"trustCertificateCheck"_s);
    QVERIFY(!connectButton->isEnabled());
    QTest::mouseClick(trust, Qt::LeftButton, {}, QPoint(2, trust->height() / 2));
    QVERIFY(trust->isChecked());
    QVERIFY(connectButton->isEnabled());
    const QPointer<Bulwark::Models::ApiClient> previous = m_window->connection()->client();
    QTest::mouseClick(connectButton, Qt::LeftButton);

    // A new session replaced the embedded one's.
    QTRY_VERIFY_WITH_TIMEOUT(previous.isNull() && m_window->connection()->state() ==
                                                      ConnectionManager::State::Connected,
                             UiTimeoutMs);
    QCOMPARE(m_window->connection()->endpoint().pinnedFingerprint, fingerprint());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->thingsModel()->isLoaded(), UiTimeoutMs);
}

void TestConsole::probeReportsPinnedFingerprint()
{
    Bulwark::Models::CertificateProbeResult result;
    bool done = false;
    Bulwark::Models::CertificateProbe::fetch(serverUrl(), this,
                                             [&](const Bulwark::Models::CertificateProbeResult &r) {
                                                 result = r;
                                                 done = true;
                                             });
    QTRY_VERIFY_WITH_TIMEOUT(done, UiTimeoutMs);
    QVERIFY2(result.isOk(), qPrintable(result.errorMessage));
    QCOMPARE(result.fingerprint, fingerprint());
    QVERIFY(!result.trustedBySystem); // self-signed
}

void TestConsole::wrongPinIsRefusedBeforeCredentials()
{
    Bulwark::Models::ServerEndpoint endpoint;
    endpoint.baseUrl = serverUrl();
    endpoint.user = u"Administrator"_s;
    endpoint.password = AdminPassword;
    endpoint.pinnedFingerprint = QString(u"00:"_s).repeated(31) + u"00"_s;
    Bulwark::Models::ApiClient client(endpoint);
    Bulwark::Models::ApiResult result;
    bool done = false;
    client.get(u"/api/Things"_s, this, [&](const Bulwark::Models::ApiResult &r) {
        result = r;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, UiTimeoutMs);
    QVERIFY(!result.isOk());
    QCOMPARE(result.errorCode, u"certificate"_s);
    QCOMPARE(result.httpStatus, 0); // nothing reached the HTTP layer
}

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
