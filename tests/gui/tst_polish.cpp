// The console's chrome, driven offscreen against a real embedded server (and
// a real `bulwark --headless` for restarts): keyboard shortcuts, remembered
// window state, the light and dark palettes, the language switch, the help
// dialogs, the Connect dialog's recent servers (with no keychain reachable:
// tests/keychain covers a real one), and reconnecting when a server goes
// away and comes back.
#include "HeadlessServer.h"
#include "models/RecentServers.h"
#include "models/ThingsModel.h"
#include "ui/Appearance.h"
#include "ui/ConnectDeviceHelpDialog.h"
#include "ui/ConnectDialog.h"
#include "ui/ConsoleWindow.h"
#include "ui/PreferencesDialog.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using Bulwark::Models::RecentServers;
using Bulwark::Ui::Appearance;
using Bulwark::Ui::AppearanceMode;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::ConsoleWindow;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 10000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
} // namespace

class TestPolish final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void iconsAreSharpAtAnyScale();
    void addressWithCredentialsIsRefused();
    void ctrlNumberSwitchesAreas();
    void ctrlFFocusesSearchField();
    void f5ReloadsEveryPage();
    void windowStateRoundTrips();
    void preferencesSwitchPalette();
    void languageSwitchRetranslates();
    void connectDeviceHelpShowsThisServer();
    void keyboardShortcutsAreListed();
    void connectDialogWithoutKeychain();
    void reconnectsAfterServerRestart();
    void retriesUnreachableServerWithBackoff();

private:
    [[nodiscard]] QListWidget *navigation() const;
    [[nodiscard]] int rowOf(const QString &area) const;
    [[nodiscard]] QString stateText() const;
    [[nodiscard]] QByteArray settingsFilesContent() const;
    [[nodiscard]] bool activate();

    QTemporaryDir m_dataDir;
    QTemporaryDir m_settingsDir;
    std::unique_ptr<ConsoleWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
};

QListWidget *TestPolish::navigation() const
{
    return m_window->findChild<QListWidget *>(u"navigationList"_s);
}

int TestPolish::rowOf(const QString &area) const
{
    for (int row = 0; row < navigation()->count(); ++row) {
        if (navigation()->item(row)->text() == area)
            return row;
    }
    return -1;
}

QString TestPolish::stateText() const
{
    return m_window->findChild<QLabel *>(u"connectionStateLabel"_s)->text();
}

QByteArray TestPolish::settingsFilesContent() const
{
    QSettings().sync();
    QByteArray content;
    QDirIterator files(m_settingsDir.path(), QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly))
            content += file.readAll();
    }
    return content;
}

bool TestPolish::activate()
{
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
    return QTest::qWaitForWindowActive(m_window.get());
}

void TestPolish::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    QVERIFY(m_settingsDir.isValid());
    // Settings in a scratch directory, never the developer's own.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    // No keychain: a session bus address that leads nowhere (tests/keychain
    // runs the real Secret Service).
    qputenv("DBUS_SESSION_BUS_ADDRESS",
            u"unix:path=%1/no-bus-here"_s.arg(m_settingsDir.path()).toUtf8());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    QApplication::setQuitOnLastWindowClosed(false); // the window is closed and shown again
    Appearance::instance()->applyStoredMode();

    Bulwark::Ui::ConsoleOptions options;
    options.embeddedServer.dataDir = m_dataDir.path();
    options.embeddedServer.port = 0;
    m_window = std::make_unique<ConsoleWindow>(options);
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
    QTRY_VERIFY_WITH_TIMEOUT(m_window->connection()->liveEventsState() ==
                                 Bulwark::Models::EventStream::State::Live,
                             UiTimeoutMs);
}

void TestPolish::cleanupTestCase()
{
    m_modelTester.reset();
    m_window.reset();
}

void TestPolish::iconsAreSharpAtAnyScale()
{
    const QStringList names{u"nav-organizations"_s,
                            u"nav-users"_s,
                            u"nav-app-keys"_s,
                            u"nav-directory"_s,
                            u"nav-things"_s,
                            u"nav-permissions"_s,
                            u"nav-devices"_s,
                            u"nav-transfers"_s,
                            u"nav-audit"_s,
                            u"connect"_s,
                            u"reload"_s,
                            u"preferences"_s,
                            u"help"_s};
    for (const QString &name : names) {
        const QIcon icon(u":/icons/%1.svg"_s.arg(name));
        // Rendered from the SVG at the screen's ratio, not scaled up.
        const QPixmap doubled = icon.pixmap(QSize(24, 24), 2.0);
        QVERIFY2(!doubled.isNull(), qPrintable(name));
        QCOMPARE(doubled.size(), QSize(48, 48));
        QCOMPARE(doubled.devicePixelRatio(), 2.0);
    }
    // Known areas get their icon in the navigation.
    const int things = rowOf(u"Things"_s);
    QVERIFY(things >= 0);
    QVERIFY(!navigation()->item(things)->icon().isNull());
    QVERIFY(!m_window->findChild<QAction *>(u"reloadAction"_s)->icon().isNull());
}

void TestPolish::ctrlNumberSwitchesAreas()
{
    QVERIFY(activate());
    QListWidget *list = navigation();
    QVERIFY(list && list->count() >= 3);
    QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(list->currentRow(), 0);
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(list->currentRow(), 2);
    auto *pages = m_window->findChild<QStackedWidget *>(u"areaPages"_s);
    QCOMPARE(pages->currentIndex(), 2);
    const int last = qMin(list->count(), ConsoleWindow::MaximumAreaShortcuts);
    QTest::keyClick(m_window.get(), Qt::Key(Qt::Key_0 + last), Qt::ControlModifier);
    QCOMPARE(list->currentRow(), last - 1);
    if (list->count() < ConsoleWindow::MaximumAreaShortcuts) {
        // A number beyond the areas changes nothing.
        QTest::keyClick(m_window.get(), Qt::Key_9, Qt::ControlModifier);
        QCOMPARE(list->currentRow(), last - 1);
    }
}

void TestPolish::ctrlFFocusesSearchField()
{
    QVERIFY(activate());
    const int things = rowOf(u"Things"_s);
    QVERIFY(things >= 0);
    m_window->showArea(things);
    navigation()->setFocus();
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(QApplication::focusWidget());
    QCOMPARE(QApplication::focusWidget()->objectName(), u"thingsFilterEdit"_s);
}

void TestPolish::f5ReloadsEveryPage()
{
    QVERIFY(activate());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->thingsModel()->isLoaded(), UiTimeoutMs);
    QTest::keyClick(m_window.get(), Qt::Key_F5);
    QVERIFY(!m_window->thingsModel()->isLoaded()); // asked the server again
    QTRY_VERIFY_WITH_TIMEOUT(m_window->thingsModel()->isLoaded(), UiTimeoutMs);
}

void TestPolish::windowStateRoundTrips()
{
    m_window->showArea(1);
    m_window->resize(700, 500);
    QTRY_COMPARE(m_window->size(), QSize(700, 500));
    m_window->close(); // saves, as when the user closes it
    QVERIFY(settingsFilesContent().contains("mainWindow"));

    ConsoleWindow restored{Bulwark::Ui::ConsoleOptions{}};
    QCOMPARE(restored.findChild<QListWidget *>(u"navigationList"_s)->currentRow(), 1);
    QCOMPARE(restored.size(), QSize(700, 500));

    // And a second round with other values, through saveWindowState().
    restored.showArea(0);
    restored.resize(640, 480);
    restored.saveWindowState();
    ConsoleWindow again{Bulwark::Ui::ConsoleOptions{}};
    QCOMPARE(again.findChild<QListWidget *>(u"navigationList"_s)->currentRow(), 0);
    QCOMPARE(again.size(), QSize(640, 480));
    m_window->show();
}

void TestPolish::preferencesSwitchPalette()
{
    m_window->findChild<QAction *>(u"preferencesAction"_s)->trigger();
    auto *dialog = m_window->findChild<Bulwark::Ui::PreferencesDialog *>(u"preferencesDialog"_s);
    QVERIFY(dialog);
    auto *appearance = dialog->findChild<QComboBox *>(u"appearanceCombo"_s);
    QVERIFY(appearance);

    appearance->setCurrentIndex(appearance->findData(int(AppearanceMode::Dark)));
    QVERIFY(Appearance::isDark(QApplication::palette()));
    QTRY_VERIFY(Appearance::isDark(m_window->palette()));
    QVERIFY(m_window->palette().color(QPalette::Window).lightness() < 80);
    QCOMPARE(QSettings().value(u"appearance/mode"_s).toString(), u"dark"_s);

    appearance->setCurrentIndex(appearance->findData(int(AppearanceMode::Light)));
    QTRY_VERIFY(!Appearance::isDark(m_window->palette()));
    QVERIFY(m_window->palette().color(QPalette::Window).lightness() > 200);

    // "System": the offscreen platform's palette is a light one.
    appearance->setCurrentIndex(appearance->findData(int(AppearanceMode::System)));
    QCOMPARE(Appearance::instance()->isDarkActive(), Appearance::instance()->isSystemDark());
    QVERIFY(!Appearance::instance()->isDarkActive());
    QCOMPARE(QSettings().value(u"appearance/mode"_s).toString(), u"system"_s);
    // Another palette pushed on the application (as a platform plugin does on
    // a theme change): "System" checks the platform's scheme again.
    QApplication::setPalette(Appearance::darkPalette());
    QTRY_VERIFY(!Appearance::isDark(QApplication::palette()));
    QTRY_VERIFY(!Appearance::isDark(m_window->palette()));
    dialog->close();
}

void TestPolish::languageSwitchRetranslates()
{
    m_window->findChild<QAction *>(u"preferencesAction"_s)->trigger();
    auto *dialog = m_window->findChild<Bulwark::Ui::PreferencesDialog *>(u"preferencesDialog"_s);
    QVERIFY(dialog);
    auto *language = dialog->findChild<QComboBox *>(u"languageCombo"_s);
    QVERIFY(language);
    const QList<QAction *> menus = m_window->menuBar()->actions();
    QVERIFY(!menus.isEmpty());
    QCOMPARE(menus.first()->text(), u"&File"_s);

    language->setCurrentIndex(language->findData(int(Bulwark::Ui::Language::German)));
    QTRY_COMPARE(menus.first()->text(), u"&Datei"_s);
    QCOMPARE(menus.last()->text(), u"&Hilfe"_s);
    QCOMPARE(stateText(), u"Verbunden"_s);
    QCOMPARE(QSettings().value(u"appearance/language"_s).toString(), u"de"_s);

    language->setCurrentIndex(language->findData(int(Bulwark::Ui::Language::English)));
    QTRY_COMPARE(menus.first()->text(), u"&File"_s);
    QCOMPARE(stateText(), u"Connected"_s);
    dialog->close();
}

void TestPolish::connectDeviceHelpShowsThisServer()
{
    m_window->findChild<QAction *>(u"connectDeviceHelpAction"_s)->trigger();
    auto *dialog =
        m_window->findChild<Bulwark::Ui::ConnectDeviceHelpDialog *>(u"connectDeviceHelpDialog"_s);
    QVERIFY(dialog);
    const auto &endpoint = m_window->connection()->endpoint();
    const QString text = dialog->text();
    QVERIFY2(text.contains(u"B="_s + endpoint.baseUrl.toString()), qPrintable(text));
    QVERIFY(text.contains(u"--fingerprint "_s + endpoint.pinnedFingerprint));
    QVERIFY(text.contains(u"--server wss://127.0.0.1:%1/edge"_s.arg(endpoint.baseUrl.port())));
    QVERIFY(text.contains(m_dataDir.path() + u"/tls/server.crt"_s));
    QVERIFY(QFile::exists(m_dataDir.path() + u"/tls/server.crt"_s));

    QTest::mouseClick(dialog->findChild<QPushButton *>(u"copyInstructionsButton"_s),
                      Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), text);
    dialog->close();
}

void TestPolish::keyboardShortcutsAreListed()
{
    m_window->findChild<QAction *>(u"keyboardShortcutsAction"_s)->trigger();
    auto *dialog = m_window->findChild<QDialog *>(u"keyboardShortcutsDialog"_s);
    QVERIFY(dialog);
    auto *table = dialog->findChild<QTableWidget *>(u"shortcutsTable"_s);
    QVERIFY(table);
    QStringList rows;
    for (int row = 0; row < table->rowCount(); ++row)
        rows << table->item(row, 0)->text() + u" = "_s + table->item(row, 1)->text();
    const QString all = rows.join(u'\n');
    QVERIFY2(all.contains(u"Reload = F5"_s), qPrintable(all));
    QVERIFY2(all.contains(u"Go to Things = Ctrl+%1"_s.arg(rowOf(u"Things"_s) + 1)),
             qPrintable(all));
    QVERIFY(all.contains(u"Preferences… = Ctrl+,"_s));
    QVERIFY(all.contains(u"Find in This Area = Ctrl+F"_s));
    QVERIFY(all.contains(u"Quit = Ctrl+Q"_s));
    dialog->close();
}

void TestPolish::connectDialogWithoutKeychain()
{
    const auto &embedded = m_window->connection()->endpoint();
    const QUrl url = embedded.baseUrl;
    const QString fingerprint = embedded.pinnedFingerprint;

    m_window->findChild<QAction *>(u"connectAction"_s)->trigger();
    auto *dialog = m_window->findChild<Bulwark::Ui::ConnectDialog *>(u"connectDialog"_s);
    QVERIFY(dialog);
    auto *keychainStatus = dialog->findChild<QLabel *>(u"keychainStatusLabel"_s);
    auto *remember = dialog->findChild<QCheckBox *>(u"rememberPasswordCheck"_s);
    QTRY_VERIFY_WITH_TIMEOUT(keychainStatus->isVisible(), RecentServers::KeychainTimeoutMs + 5000);
    QVERIFY2(keychainStatus->text().startsWith(RecentServers::unavailableMessage()),
             qPrintable(keychainStatus->text()));
    QVERIFY(!remember->isEnabled());
    QVERIFY(!remember->isChecked());
    auto *recent = dialog->findChild<QComboBox *>(u"recentServersCombo"_s);
    QCOMPARE(recent->count(), 1); // only "New server…"

    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"serverUrlEdit"_s),
                     u"127.0.0.1:%1"_s.arg(url.port()));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), AdminPassword);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"fetchCertificateButton"_s),
                      Qt::LeftButton);
    auto *trust = dialog->findChild<QCheckBox *>(u"trustCertificateCheck"_s);
    QTRY_VERIFY_WITH_TIMEOUT(trust->isEnabled(), UiTimeoutMs);
    trust->setChecked(true);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->connection()->state() == ConnectionManager::State::Connected,
                             UiTimeoutMs);

    // Remembered once connected: address, user and fingerprint, no password.
    QTRY_COMPARE(m_window->recentServers()->servers().size(), 1);
    const auto server = m_window->recentServers()->servers().first();
    QCOMPARE(server.url, url);
    QCOMPARE(server.fingerprint, fingerprint);
    QVERIFY(!server.passwordRemembered);
    const QByteArray settings = settingsFilesContent();
    QVERIFY(settings.contains(fingerprint.toUtf8()));
    QVERIFY(!settings.contains(AdminPassword.toUtf8()));

    // The next time it is offered first, with its certificate accepted.
    m_window->findChild<QAction *>(u"connectAction"_s)->trigger();
    dialog = m_window->findChild<Bulwark::Ui::ConnectDialog *>(u"connectDialog"_s);
    QVERIFY(dialog);
    recent = dialog->findChild<QComboBox *>(u"recentServersCombo"_s);
    QCOMPARE(recent->count(), 2);
    QCOMPARE(recent->currentIndex(), 1);
    QCOMPARE(dialog->findChild<QLineEdit *>(u"serverUrlEdit"_s)->text(), url.toDisplayString());
    QVERIFY(dialog->findChild<QCheckBox *>(u"trustCertificateCheck"_s)->isChecked());
    QVERIFY(dialog->findChild<QLabel *>(u"fingerprintLabel"_s)->text().contains(fingerprint));
    auto *connectButton = dialog->findChild<QPushButton *>(u"connectButton"_s);
    QVERIFY(!connectButton->isEnabled()); // no password remembered
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"passwordEdit"_s), AdminPassword);
    QVERIFY(connectButton->isEnabled());
    QCOMPARE(dialog->endpoint().pinnedFingerprint, fingerprint);

    // Forget: gone from the list and from the settings file.
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"forgetServerButton"_s), Qt::LeftButton);
    QCOMPARE(recent->count(), 1);
    QVERIFY(m_window->recentServers()->servers().isEmpty());
    QVERIFY(!settingsFilesContent().contains(fingerprint.toUtf8()));
    dialog->reject();
}

void TestPolish::reconnectsAfterServerRestart()
{
    BulwarkTest::HeadlessServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    server.setPort(server.port()); // restarts keep the address
    Bulwark::Models::ServerEndpoint endpoint;
    endpoint.baseUrl = server.url(QString());
    endpoint.user = BulwarkTest::kAdministrator;
    endpoint.password = BulwarkTest::kAdminPassword;
    endpoint.pinnedFingerprint = server.fingerprint();
    ConnectionManager *connection = m_window->connection();
    connection->connectTo(endpoint);
    QTRY_VERIFY_WITH_TIMEOUT(
        connection->liveEventsState() == Bulwark::Models::EventStream::State::Live, UiTimeoutMs);
    QCOMPARE(stateText(), u"Connected"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->thingsModel()->isLoaded(), UiTimeoutMs);

    QSignalSpy reconnected(connection, &ConnectionManager::reconnected);
    QCOMPARE(server.stop(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), ConnectionManager::State::Reconnecting,
                              UiTimeoutMs);
    QCOMPARE(stateText(), u"Reconnecting…"_s);
    auto *reconnectButton = m_window->findChild<QToolButton *>(u"reconnectButton"_s);
    QVERIFY(reconnectButton->isVisible());

    QVERIFY2(server.start(), qPrintable(server.errorString()));
    // A Thing made while the console was away: only a reload can show it.
    QCOMPARE(server.post(u"/api/Things"_s, QJsonObject{{u"name"_s, u"MadeWhileAway"_s}}).status,
             201);
    QTest::mouseClick(reconnectButton, Qt::LeftButton); // no need to wait for the backoff
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), ConnectionManager::State::Connected,
                              UiTimeoutMs);
    QCOMPARE(reconnected.count(), 1);
    QCOMPARE(stateText(), u"Connected"_s);
    QVERIFY(!reconnectButton->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->thingsModel()->isLoaded(), UiTimeoutMs);
    bool shown = false;
    for (int row = 0; row < m_window->thingsModel()->rowCount(); ++row)
        shown |= m_window->thingsModel()->index(row, 0).data().toString() == u"MadeWhileAway"_s;
    QVERIFY(shown);
    QCOMPARE(server.stop(), 0);
}

void TestPolish::retriesUnreachableServerWithBackoff()
{
    BulwarkTest::HeadlessServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    server.setPort(server.port());
    Bulwark::Models::ServerEndpoint endpoint;
    endpoint.baseUrl = server.url(QString());
    endpoint.user = BulwarkTest::kAdministrator;
    endpoint.password = BulwarkTest::kAdminPassword;
    endpoint.pinnedFingerprint = server.fingerprint();
    QCOMPARE(server.stop(), 0); // nobody listens there now

    ConnectionManager *connection = m_window->connection();
    QSignalSpy retries(connection, &ConnectionManager::retryScheduled);
    connection->connectTo(endpoint);
    QTRY_VERIFY_WITH_TIMEOUT(retries.count() >= 2, UiTimeoutMs);
    QCOMPARE(retries.at(0).at(0).toInt(), ConnectionManager::FirstRetryDelayMs);
    QCOMPARE(retries.at(1).at(0).toInt(), 2 * ConnectionManager::FirstRetryDelayMs);
    QVERIFY2(stateText().startsWith(u"Server unreachable — retrying in"_s),
             qPrintable(stateText()));
    QVERIFY(!connection->lastError().isEmpty());
    auto *reconnectButton = m_window->findChild<QToolButton *>(u"reconnectButton"_s);
    QVERIFY(reconnectButton->isVisible());

    QVERIFY2(server.start(), qPrintable(server.errorString()));
    // An attempt may be under way as the server comes up: wait for its end.
    QTRY_VERIFY_WITH_TIMEOUT(connection->isRetryScheduled() ||
                                 connection->state() == ConnectionManager::State::Connected,
                             UiTimeoutMs);
    if (connection->isRetryScheduled())
        m_window->findChild<QAction *>(u"reconnectAction"_s)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(connection->state(), ConnectionManager::State::Connected,
                              UiTimeoutMs);
    QVERIFY(!connection->isRetryScheduled());
    QCOMPARE(stateText(), u"Connected"_s);
    QVERIFY(!reconnectButton->isVisible());
    QCOMPARE(server.stop(), 0);
}

// A password typed into the address would be remembered and shown: the
// address is refused; the user and password have their own fields.
void TestPolish::addressWithCredentialsIsRefused()
{
    using Bulwark::Ui::ConnectDialog;
    QVERIFY(
        ConnectDialog::parseServerUrl(u"https://admin:secret@bulwark.example:8443"_s).isEmpty());
    QVERIFY(ConnectDialog::parseServerUrl(u"https://admin@bulwark.example:8443"_s).isEmpty());
    QCOMPARE(ConnectDialog::parseServerUrl(u"bulwark.example:8443/some/path?x=1"_s),
             QUrl(u"https://bulwark.example:8443"_s));
}

QTEST_MAIN(TestPolish)
#include "tst_polish.moc"
