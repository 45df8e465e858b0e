#include "ConsoleWindow.h"

#include "ConnectDialog.h"
#include "models/ThingsModel.h"

#include <QApplication>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

#ifndef BULWARK_VERSION
#define BULWARK_VERSION "development"
#endif

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::EventStream;

namespace {
constexpr int ErrorMessageTimeoutMs = 15000;
} // namespace

ConsoleWindow::ConsoleWindow(ConsoleOptions options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(std::move(options))
    , m_connection(new ConnectionManager(this))
    , m_thingsModel(new Models::ThingsModel(this))
    , m_navigation(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_serverLabel(new QLabel(this))
    , m_userLabel(new QLabel(this))
    , m_connectionLabel(new QLabel(this))
    , m_liveEventsLabel(new QLabel(this))
{
    setObjectName(u"consoleWindow"_s);
    setWindowTitle(tr("Bulwark Console"));
    resize(1100, 700);
    buildMenus();
    buildAreas();
    buildStatusBar();

    connect(m_connection, &ConnectionManager::stateChanged, this, &ConsoleWindow::updateStatus);
    connect(m_connection, &ConnectionManager::liveEventsStateChanged, this,
            &ConsoleWindow::updateStatus);
    connect(m_connection, &ConnectionManager::sessionChanged, this, &ConsoleWindow::applySession);
    connect(m_connection, &ConnectionManager::passwordNeeded, this, &ConsoleWindow::askForPassword);
    connect(m_connection, &ConnectionManager::initialPasswordGenerated, this,
            &ConsoleWindow::showInitialPassword);
    connect(m_connection, &ConnectionManager::errorOccurred, this, [this](const QString &message) {
        statusBar()->showMessage(message, ErrorMessageTimeoutMs);
    });
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
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *connectAction =
        file->addAction(tr("&Connect to Server…"), this, &ConsoleWindow::openConnectDialog);
    connectAction->setObjectName(u"connectAction"_s);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setObjectName(u"quitAction"_s);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Bulwark"), this, &ConsoleWindow::showAbout);
    about->setObjectName(u"aboutAction"_s);
    about->setMenuRole(QAction::AboutRole);
}

void ConsoleWindow::buildStatusBar()
{
    m_serverLabel->setObjectName(u"serverUrlLabel"_s);
    m_userLabel->setObjectName(u"userLabel"_s);
    m_connectionLabel->setObjectName(u"connectionStateLabel"_s);
    m_liveEventsLabel->setObjectName(u"liveEventsLabel"_s);
    statusBar()->addPermanentWidget(m_serverLabel);
    statusBar()->addPermanentWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
    statusBar()->addPermanentWidget(m_liveEventsLabel);
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
    case ConnectionManager::State::Disconnected:
        m_connectionLabel->setText(tr("Disconnected"));
        break;
    }
    m_connectionLabel->setToolTip(m_connection->lastError());

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
    connect(dialog, &QInputDialog::textValueSelected, m_connection,
            &ConnectionManager::retryWithPassword);
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
    auto *dialog = new ConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { m_connection->connectTo(dialog->endpoint()); });
    dialog->open();
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
