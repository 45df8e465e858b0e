#include "ConsoleWindow.h"

#include "ConnectDeviceHelpDialog.h"
#include "ConnectDialog.h"
#include "PreferencesDialog.h"
#include "models/RecentServers.h"
#include "models/ThingsModel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#ifndef BULWARK_VERSION
#define BULWARK_VERSION "development"
#endif

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::EventStream;

namespace {

constexpr int ErrorMessageTimeoutMs = 15000;
// Navigation items: the untranslated name, to translate again after a
// language switch (ConsoleAreas.cpp may set it; else recordAreaNames() finds it).
constexpr int AreaSourceNameRole = Qt::UserRole + 1;

const QString GeometryKey = u"mainWindow/geometry"_s;
const QString StateKey = u"mainWindow/state"_s;
const QString AreaKey = u"mainWindow/area"_s;

// The area names ConsoleAreas.cpp passes through ConsoleWindow::tr, and the
// icon of each (resources/icons/nav-<icon>.svg). Not marked for lupdate here:
// ConsoleAreas.cpp's tr() calls already are.
struct KnownArea
{
    const char *sourceName;
    const char *icon;
};
constexpr KnownArea KnownAreas[] = {
    {"Devices", "devices"},
    {"Things", "things"},
    {"File transfers", "transfers"},
    {"Organizations", "organizations"},
    {"Permissions", "permissions"},
    {"Users & Groups", "users"},
    {"App keys", "app-keys"},
    {"Directory services", "directory"},
    {"Audit", "audit"},
};

// The platform's binding for `key`, or `fallback` where it has none (Quit has
// none on some Linux desktops and offscreen).
QList<QKeySequence> standardOr(QKeySequence::StandardKey key, const QKeySequence &fallback)
{
    const QList<QKeySequence> bindings = QKeySequence::keyBindings(key);
    return bindings.isEmpty() ? QList<QKeySequence>{fallback} : bindings;
}

QString translatedArea(const QString &sourceName)
{
    return QCoreApplication::translate("Bulwark::Ui::ConsoleWindow",
                                       sourceName.toUtf8().constData());
}

} // namespace

ConsoleWindow::ConsoleWindow(ConsoleOptions options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(std::move(options))
    , m_connection(new ConnectionManager(this))
    , m_thingsModel(new Models::ThingsModel(this))
    , m_recentServers(new Models::RecentServers(this))
    , m_navigation(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_serverLabel(new QLabel(this))
    , m_userLabel(new QLabel(this))
    , m_connectionLabel(new QLabel(this))
    , m_liveEventsLabel(new QLabel(this))
{
    setObjectName(u"consoleWindow"_s);
    setWindowIcon(QIcon(u":/icons/nav-things.svg"_s));
    resize(1100, 700);
    buildMenus();
    buildAreas();
    buildStatusBar();
    recordAreaNames();
    updateAreaActions();
    retranslate();
    restoreWindowState();

    m_retryCountdown.setInterval(1000);
    connect(&m_retryCountdown, &QTimer::timeout, this, &ConsoleWindow::updateStatus);
    connect(m_connection, &ConnectionManager::stateChanged, this, &ConsoleWindow::updateStatus);
    connect(m_connection, &ConnectionManager::stateChanged, this,
            &ConsoleWindow::rememberConnectedServer);
    connect(m_connection, &ConnectionManager::liveEventsStateChanged, this,
            &ConsoleWindow::updateStatus);
    connect(m_connection, &ConnectionManager::sessionChanged, this, &ConsoleWindow::applySession);
    // Back after a drop: events were missed, so every page loads again.
    connect(m_connection, &ConnectionManager::reconnected, this, &ConsoleWindow::applySession);
    connect(m_connection, &ConnectionManager::retryScheduled, this, &ConsoleWindow::updateStatus);
    connect(m_connection, &ConnectionManager::passwordNeeded, this, &ConsoleWindow::askForPassword);
    connect(m_connection, &ConnectionManager::initialPasswordGenerated, this,
            &ConsoleWindow::showInitialPassword);
    connect(m_connection, &ConnectionManager::errorOccurred, this, [this](const QString &message) {
        statusBar()->showMessage(message, ErrorMessageTimeoutMs);
    });
    connect(m_navigation->model(), &QAbstractItemModel::rowsInserted, this,
            &ConsoleWindow::updateAreaActions);
    connect(m_navigation->model(), &QAbstractItemModel::rowsRemoved, this,
            &ConsoleWindow::updateAreaActions);
    updateStatus();
}

ConsoleWindow::~ConsoleWindow()
{
    // The connection manager outlives this object's own members while QObject
    // deletes children; its last signals must not reach a half-destroyed window.
    m_connection->disconnect(this);
}

void ConsoleWindow::start()
{
    m_connection->startEmbeddedServer(m_options.embeddedServer);
}

void ConsoleWindow::buildMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_connectAction = m_fileMenu->addAction(QIcon(u":/icons/connect.svg"_s), QString(), this,
                                            &ConsoleWindow::openConnectDialog);
    m_connectAction->setObjectName(u"connectAction"_s);
    m_connectAction->setShortcuts(standardOr(QKeySequence::Open, Qt::CTRL | Qt::Key_O));
    m_reconnectAction = m_fileMenu->addAction(QIcon(u":/icons/reload.svg"_s), QString(),
                                              m_connection, &ConnectionManager::reconnectNow);
    m_reconnectAction->setObjectName(u"reconnectAction"_s);
    m_reconnectAction->setEnabled(false);
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), qApp, &QApplication::closeAllWindows);
    m_quitAction->setObjectName(u"quitAction"_s);
    m_quitAction->setShortcuts(standardOr(QKeySequence::Quit, Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);

    m_editMenu = menuBar()->addMenu(QString());
    m_findAction = m_editMenu->addAction(QString(), this, &ConsoleWindow::focusSearchField);
    m_findAction->setObjectName(u"findAction"_s);
    m_findAction->setShortcuts(standardOr(QKeySequence::Find, Qt::CTRL | Qt::Key_F));
    m_editMenu->addSeparator();
    m_preferencesAction = m_editMenu->addAction(QIcon(u":/icons/preferences.svg"_s), QString(),
                                                this, &ConsoleWindow::showPreferences);
    m_preferencesAction->setObjectName(u"preferencesAction"_s);
    m_preferencesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_preferencesAction->setMenuRole(QAction::PreferencesRole);

    m_viewMenu = menuBar()->addMenu(QString());
    m_reloadAction = m_viewMenu->addAction(QIcon(u":/icons/reload.svg"_s), QString(), this,
                                           &ConsoleWindow::reload);
    m_reloadAction->setObjectName(u"reloadAction"_s);
    m_reloadAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_viewMenu->addSeparator();
    for (int index = 0; index < MaximumAreaShortcuts; ++index) {
        QAction *area = m_viewMenu->addAction(QString(), this, [this, index] {
            if (index < m_navigation->count())
                showArea(index);
        });
        area->setObjectName(u"showAreaAction%1"_s.arg(index + 1));
        area->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        m_areaActions.append(area);
    }

    m_helpMenu = menuBar()->addMenu(QString());
    m_connectDeviceAction = m_helpMenu->addAction(QIcon(u":/icons/help.svg"_s), QString(), this,
                                                  &ConsoleWindow::showConnectDeviceHelp);
    m_connectDeviceAction->setObjectName(u"connectDeviceHelpAction"_s);
    m_connectDeviceAction->setShortcuts(standardOr(QKeySequence::HelpContents, Qt::Key_F1));
    m_shortcutsAction =
        m_helpMenu->addAction(QString(), this, &ConsoleWindow::showKeyboardShortcuts);
    m_shortcutsAction->setObjectName(u"keyboardShortcutsAction"_s);
    m_helpMenu->addSeparator();
    m_aboutAction = m_helpMenu->addAction(QString(), this, &ConsoleWindow::showAbout);
    m_aboutAction->setObjectName(u"aboutAction"_s);
    m_aboutAction->setMenuRole(QAction::AboutRole);

    // The shortcuts work wherever the focus is in the window, menus open or not.
    addActions({m_connectAction, m_reconnectAction, m_quitAction, m_findAction, m_preferencesAction,
                m_reloadAction, m_connectDeviceAction});
    addActions(m_areaActions);
}

void ConsoleWindow::buildStatusBar()
{
    m_serverLabel->setObjectName(u"serverUrlLabel"_s);
    m_userLabel->setObjectName(u"userLabel"_s);
    m_connectionLabel->setObjectName(u"connectionStateLabel"_s);
    m_liveEventsLabel->setObjectName(u"liveEventsLabel"_s);
    m_reconnectButton = new QToolButton(this);
    m_reconnectButton->setObjectName(u"reconnectButton"_s);
    m_reconnectButton->setDefaultAction(m_reconnectAction);
    m_reconnectButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_reconnectButton->setAutoRaise(true);
    m_reconnectButton->hide();
    statusBar()->addPermanentWidget(m_serverLabel);
    statusBar()->addPermanentWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
    statusBar()->addPermanentWidget(m_reconnectButton);
    statusBar()->addPermanentWidget(m_liveEventsLabel);
}

void ConsoleWindow::recordAreaNames()
{
    for (int row = 0; row < m_navigation->count(); ++row) {
        QListWidgetItem *item = m_navigation->item(row);
        QString source = item->data(AreaSourceNameRole).toString();
        const char *icon = nullptr;
        for (const KnownArea &area : KnownAreas) {
            const QString name = QString::fromUtf8(area.sourceName);
            if ((source.isEmpty() && translatedArea(name) == item->text()) || source == name) {
                source = name;
                icon = area.icon;
                break;
            }
        }
        if (!source.isEmpty())
            item->setData(AreaSourceNameRole, source);
        if (icon && item->icon().isNull())
            item->setIcon(QIcon(u":/icons/nav-%1.svg"_s.arg(QString::fromLatin1(icon))));
    }
}

void ConsoleWindow::updateAreaActions()
{
    for (int index = 0; index < m_areaActions.size(); ++index) {
        QAction *action = m_areaActions.at(index);
        const bool exists = index < m_navigation->count();
        action->setVisible(exists);
        action->setText(exists ? m_navigation->item(index)->text() : QString());
        action->setIcon(exists ? m_navigation->item(index)->icon() : QIcon());
    }
}

void ConsoleWindow::retranslate()
{
    setWindowTitle(tr("Bulwark Console"));
    m_fileMenu->setTitle(tr("&File"));
    m_connectAction->setText(tr("&Connect to Server…"));
    m_reconnectAction->setText(tr("&Reconnect Now"));
    m_reconnectAction->setToolTip(tr("Try to reach the server again now, without waiting"));
    m_quitAction->setText(tr("&Quit"));
    m_editMenu->setTitle(tr("&Edit"));
    m_findAction->setText(tr("&Find in This Area"));
    m_preferencesAction->setText(tr("&Preferences…"));
    m_viewMenu->setTitle(tr("&View"));
    m_reloadAction->setText(tr("&Reload"));
    m_helpMenu->setTitle(tr("&Help"));
    m_connectDeviceAction->setText(tr("Connect a &Device…"));
    m_shortcutsAction->setText(tr("&Keyboard Shortcuts"));
    m_aboutAction->setText(tr("&About Bulwark"));
    for (int row = 0; row < m_navigation->count(); ++row) {
        QListWidgetItem *item = m_navigation->item(row);
        const QString source = item->data(AreaSourceNameRole).toString();
        if (!source.isEmpty())
            item->setText(translatedArea(source));
    }
    updateAreaActions();
    updateStatus();
}

void ConsoleWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void ConsoleWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

void ConsoleWindow::saveWindowState() const
{
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(StateKey, saveState());
    settings.setValue(AreaKey, m_navigation->currentRow());
}

void ConsoleWindow::restoreWindowState()
{
    const QSettings settings;
    if (settings.contains(GeometryKey))
        restoreGeometry(settings.value(GeometryKey).toByteArray());
    if (settings.contains(StateKey))
        restoreState(settings.value(StateKey).toByteArray());
    bool ok = false;
    const int area = settings.value(AreaKey).toInt(&ok);
    if (ok && area >= 0 && area < m_navigation->count())
        showArea(area);
}

void ConsoleWindow::reload()
{
    if (m_connection->canReconnectNow())
        m_connection->reconnectNow();
    else if (m_connection->state() == ConnectionManager::State::Connected)
        applySession();
}

bool ConsoleWindow::focusSearchField()
{
    QWidget *page = m_pages->currentWidget();
    if (!page)
        return false;
    const auto fields = page->findChildren<QLineEdit *>();
    for (QLineEdit *field : fields) {
        const QString name = field->objectName();
        if (field->isVisibleTo(page) &&
            (name.endsWith(u"SearchField"_s) || name.endsWith(u"FilterField"_s) ||
             name.endsWith(u"SearchEdit"_s) || name.endsWith(u"FilterEdit"_s))) {
            field->setFocus(Qt::ShortcutFocusReason);
            field->selectAll();
            return true;
        }
    }
    return false;
}

void ConsoleWindow::updateStatus()
{
    const Models::ServerEndpoint &endpoint = m_connection->endpoint();
    const bool embedded = m_connection->embeddedServerPort() != 0 &&
                          endpoint.baseUrl.port() == m_connection->embeddedServerPort();
    if (endpoint.baseUrl.isEmpty())
        m_serverLabel->setText(tr("No server"));
    else if (embedded)
        m_serverLabel->setText(tr("%1 (embedded)").arg(endpoint.baseUrl.toDisplayString()));
    else
        m_serverLabel->setText(endpoint.baseUrl.toDisplayString());
    m_userLabel->setText(endpoint.user.isEmpty() ? QString() : tr("User: %1").arg(endpoint.user));

    QString tip = m_connection->lastError();
    switch (m_connection->state()) {
    case ConnectionManager::State::StartingServer:
        m_connectionLabel->setText(tr("Starting embedded server…"));
        break;
    case ConnectionManager::State::Connecting:
        m_connectionLabel->setText(tr("Connecting…"));
        break;
    case ConnectionManager::State::Connected:
        m_connectionLabel->setText(tr("Connected"));
        break;
    case ConnectionManager::State::Reconnecting:
        m_connectionLabel->setText(tr("Reconnecting…"));
        tip = tr("The link to the server dropped (is it restarting?). The console keeps trying; "
                 "the pages show what they had loaded and reload once it is back.");
        break;
    case ConnectionManager::State::Disconnected:
        if (m_connection->isRetryScheduled()) {
            const int seconds = (m_connection->millisecondsUntilRetry() + 999) / 1000;
            m_connectionLabel->setText(tr("Server unreachable — retrying in %n s", "", seconds));
        } else {
            m_connectionLabel->setText(tr("Disconnected"));
        }
        break;
    }
    m_connectionLabel->setToolTip(tip);

    // The embedded server reads its master key from the OS keychain on its
    // own thread as it starts; QtKeychain must not be used from two threads
    // at once, so the Connect dialog (recent servers' passwords) waits.
    m_connectAction->setEnabled(m_connection->state() != ConnectionManager::State::StartingServer);
    const bool canReconnect = m_connection->canReconnectNow();
    m_reconnectAction->setEnabled(canReconnect);
    m_reconnectButton->setVisible(canReconnect);
    if (m_connection->isRetryScheduled()) {
        if (!m_retryCountdown.isActive())
            m_retryCountdown.start();
    } else {
        m_retryCountdown.stop();
    }

    switch (m_connection->liveEventsState()) {
    case EventStream::State::Live:
        m_liveEventsLabel->setText(tr("Live events: on"));
        break;
    case EventStream::State::Connecting:
        m_liveEventsLabel->setText(tr("Live events: connecting…"));
        break;
    case EventStream::State::Off:
        m_liveEventsLabel->setText(tr("Live events: off"));
        break;
    }
}

void ConsoleWindow::askForPassword(const QString &reason)
{
    const Models::ServerEndpoint &endpoint = m_connection->endpoint();
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(u"loginDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Log In"));
    dialog->setLabelText(tr("%1\n\nPassword of %2 at %3:")
                             .arg(reason, endpoint.user, endpoint.baseUrl.toDisplayString()));
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setOkButtonText(tr("Log In"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString &password) {
        // A password typed here replaces a remembered one that failed.
        if (m_pendingServer)
            m_pendingServer->endpoint.password = password;
        m_connection->retryWithPassword(password);
    });
    dialog->open();
}

void ConsoleWindow::showInitialPassword(const QString &password)
{
    // Non-modal: it must never hold up the console (or an offscreen test).
    auto *box = new QMessageBox(QMessageBox::Information, tr("Administrator Password"),
                                tr("The server created the user Administrator with this password:"),
                                QMessageBox::Ok, this);
    box->setObjectName(u"initialPasswordDialog"_s);
    box->setInformativeText(
        password + u"\n\n"_s +
        tr("Store it in your password manager now: it is shown only this once and cannot "
           "be recovered."));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);
    box->show();
}

void ConsoleWindow::openConnectDialog()
{
    auto *dialog = new ConnectDialog(m_recentServers, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_pendingServer = PendingServer{dialog->endpoint(), dialog->rememberPassword()};
        m_connection->connectTo(dialog->endpoint());
    });
    dialog->open();
}

void ConsoleWindow::rememberConnectedServer()
{
    // Only a server that let us in joins the list (with its password, if
    // the user asked, in the keychain).
    if (!m_pendingServer || m_connection->state() != ConnectionManager::State::Connected)
        return;
    const PendingServer pending = *m_pendingServer;
    const Models::ServerEndpoint &current = m_connection->endpoint();
    if (current.baseUrl != pending.endpoint.baseUrl || current.user != pending.endpoint.user)
        return;
    m_pendingServer.reset();
    m_recentServers->remember(
        {current.baseUrl, current.user, current.pinnedFingerprint, /*passwordRemembered=*/false});
    const auto report = [this](const Models::KeychainResult &result) {
        if (!result.isOk())
            statusBar()->showMessage(result.message, ErrorMessageTimeoutMs);
    };
    if (pending.rememberPassword)
        m_recentServers->storePassword(current.baseUrl, current.user, current.password, this,
                                       report);
    else
        m_recentServers->removePassword(current.baseUrl, current.user, this, nullptr);
}

void ConsoleWindow::showPreferences()
{
    if (auto *open = findChild<PreferencesDialog *>()) {
        open->raise();
        open->activateWindow();
        return;
    }
    auto *dialog = new PreferencesDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void ConsoleWindow::showKeyboardShortcuts()
{
    auto *dialog = new QDialog(this);
    dialog->setObjectName(u"keyboardShortcutsDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Keyboard Shortcuts"));
    auto *table = new QTableWidget(dialog);
    table->setObjectName(u"shortcutsTable"_s);
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    // Built from the actions themselves, so the list cannot drift from them.
    QList<QAction *> actions{m_connectAction, m_reconnectAction, m_reloadAction, m_findAction,
                             m_preferencesAction};
    for (QAction *area : std::as_const(m_areaActions)) {
        if (area->isVisible())
            actions.append(area);
    }
    actions << m_connectDeviceAction << m_quitAction;
    for (const QAction *action : std::as_const(actions)) {
        if (action->shortcut().isEmpty())
            continue;
        const int row = table->rowCount();
        table->insertRow(row);
        QString text = action->text().remove(u'&');
        if (m_areaActions.contains(action))
            text = tr("Go to %1").arg(text);
        table->setItem(row, 0, new QTableWidgetItem(text));
        table->setItem(row, 1,
                       new QTableWidgetItem(action->shortcut().toString(QKeySequence::NativeText)));
    }
    table->resizeColumnsToContents();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog->resize(460, 420);
    dialog->show();
}

void ConsoleWindow::showConnectDeviceHelp()
{
    const Models::ServerEndpoint &endpoint = m_connection->endpoint();
    DeviceHelpTarget target;
    target.serverUrl = endpoint.baseUrl;
    target.user = endpoint.user;
    target.fingerprint = endpoint.pinnedFingerprint;
    const bool embedded = m_connection->embeddedServerPort() != 0 &&
                          endpoint.baseUrl.port() == m_connection->embeddedServerPort();
    if (embedded) {
        // The embedded server's certificate file is at hand for curl.
        target.certificateFile =
            !m_options.embeddedServer.tlsCertFile.isEmpty()
                ? m_options.embeddedServer.tlsCertFile
                : QDir(m_options.embeddedServer.dataDir).filePath(u"tls/server.crt"_s);
    }
    auto *dialog = new ConnectDeviceHelpDialog(target, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void ConsoleWindow::showAbout()
{
    auto *box = new QMessageBox(
        QMessageBox::NoIcon, tr("About Bulwark"),
        tr("<h3>Bulwark Console %1</h3><p>Administration console for the Bulwark secure IoT "
           "platform.</p><p>Built with Qt %2.</p>")
            .arg(QString::fromLatin1(BULWARK_VERSION), QString::fromLatin1(qVersion())),
        QMessageBox::Ok, this);
    box->setObjectName(u"aboutDialog"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace Bulwark::Ui
