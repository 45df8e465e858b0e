// The console's navigation areas and how each page gets the session: kept
// apart from the window's chrome (menus, status bar, dialogs) in
// ConsoleWindow.cpp.
#include "ConsoleWindow.h"

#include "ConsolePage.h"
#include "EmptyStatePage.h"
#include "ThingsPage.h"
#include "models/ThingsModel.h"

#include <QListWidget>
#include <QSplitter>
#include <QStackedWidget>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {
constexpr int ThingsAreaIndex = 2;
} // namespace

void ConsoleWindow::addArea(const QString &name, QWidget *page)
{
    m_navigation->addItem(name);
    m_pages->addWidget(page);
    if (auto *sessionPage = qobject_cast<ConsolePage *>(page))
        m_sessionPages.append(sessionPage);
}

void ConsoleWindow::buildAreas()
{
    m_navigation->setObjectName(u"navigationList"_s);
    m_pages->setObjectName(u"areaPages"_s);
    const QString later = tr("This area arrives in a later version of Bulwark.");
    const auto placeholder = [this, &later](const QString &title, const QString &what) {
        return new EmptyStatePage(title, what + u"\n\n"_s + later, this);
    };

    addArea(tr("Organizations"),
            placeholder(tr("Organizations"),
                        tr("Organizations and their units decide who can see which entities. "
                           "Here you will build organization trees and grant visibility to "
                           "units; a grant to a unit is also seen by the units above it.")));
    addArea(tr("Users & Groups"),
            placeholder(tr("Users & Groups"),
                        tr("Here you will add users, reset passwords, nest groups and see who "
                           "belongs to Administrators.")));
    m_thingsPage = new ThingsPage(m_thingsModel, this);
    addArea(tr("Things"), m_thingsPage);
    addArea(tr("Permissions"),
            placeholder(tr("Permissions"),
                        tr("Here you will grant and deny design-time (create, read, update, "
                           "delete) and run-time (property, service, event) permissions, and "
                           "ask why a user may or may not do something.")));
    addArea(tr("Devices"),
            placeholder(tr("Devices"),
                        tr("Devices and gateways connected over the edge protocol will be listed "
                           "here with their sessions, bound properties and last contact.")));
    addArea(tr("File transfers"),
            placeholder(tr("File transfers"),
                        tr("File repositories and transfers to and from devices will be shown "
                           "here, with their progress and MD5/SHA-256 checks.")));
    addArea(
        tr("Audit"),
        placeholder(tr("Audit"), tr("The audit trail will be searchable here: every administrative "
                                    "action and security decision, who made it and when.")));

    connect(m_navigation, &QListWidget::currentRowChanged, m_pages,
            &QStackedWidget::setCurrentIndex);
    m_navigation->setMaximumWidth(220);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_pages);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);
    showArea(ThingsAreaIndex);
}

void ConsoleWindow::showArea(int index)
{
    m_navigation->setCurrentRow(index);
}

void ConsoleWindow::applySession()
{
    const bool connected = m_connection->state() == ConnectionManager::State::Connected;
    Models::ApiClient *client = connected ? m_connection->client() : nullptr;
    m_thingsModel->setSource(client, connected ? m_connection->events() : nullptr);
    m_thingsPage->setClient(client);
    ConsoleSession session;
    if (connected) {
        session.client = client;
        session.events = m_connection->events();
        session.user = m_connection->endpoint().user;
    }
    for (ConsolePage *page : std::as_const(m_sessionPages))
        page->setSession(session);
    updateStatus();
}

} // namespace Bulwark::Ui
