// The console's navigation areas and how each page gets the session: kept
// apart from the window's chrome (menus, status bar, dialogs) in
// ConsoleWindow.cpp.
#include "ConsoleWindow.h"

#include "AppKeysPage.h"
#include "AuditPage.h"
#include "ConsolePage.h"
#include "DevicesPage.h"
#include "DirectoryServicesPage.h"
#include "OrganizationsPage.h"
#include "PermissionsPage.h"
#include "ThingsPage.h"
#include "TransfersPage.h"
#include "UsersPage.h"
#include "models/ThingsModel.h"

#include <QListWidget>
#include <QPainter>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyledItemDelegate>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {

// Paints the selected area with a tint of the palette's highlight and the
// normal text colour, so that the (blue) icons stay visible on it; decided at
// paint time, so it follows a switch between the light and dark palettes.
class NavigationDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyleOptionViewItem plain = option;
        if (option.state & QStyle::State_Selected) {
            QColor tint = option.palette.color(QPalette::Highlight);
            tint.setAlpha(SelectionAlpha);
            painter->fillRect(option.rect, tint);
            plain.state &= ~QStyle::State_Selected;
            plain.font.setBold(true);
        }
        QStyledItemDelegate::paint(painter, plain, index);
    }

private:
    static constexpr int SelectionAlpha = 70;
};

constexpr int DevicesAreaIndex = 0;
constexpr int NavigationIconSize = 22;
constexpr int NavigationWidth = 190;
} // namespace

void ConsoleWindow::addArea(const char *sourceName, QWidget *page)
{
    auto *item = new QListWidgetItem(tr(sourceName), m_navigation);
    // The untranslated name: retranslate() and the icons go by it.
    item->setData(Qt::UserRole + 1, QString::fromUtf8(sourceName));
    m_pages->addWidget(page);
    if (auto *sessionPage = qobject_cast<ConsolePage *>(page))
        m_sessionPages.append(sessionPage);
}

void ConsoleWindow::buildAreas()
{
    m_navigation->setObjectName(u"navigationList"_s);
    m_pages->setObjectName(u"areaPages"_s);

    // Watching first, then what is watched, then who may do what, then the
    // record of it. The names are marked here for lupdate and translated in
    // addArea() (and again by retranslate() after a language switch).
    auto *devices = new DevicesPage(this);
    connect(devices, &DevicesPage::connectDeviceHelpRequested, this,
            &ConsoleWindow::showConnectDeviceHelp);
    addArea(QT_TR_NOOP("Devices"), devices);
    m_thingsPage = new ThingsPage(m_thingsModel, this);
    addArea(QT_TR_NOOP("Things"), m_thingsPage);
    addArea(QT_TR_NOOP("File transfers"), new TransfersPage(this));
    addArea(QT_TR_NOOP("Organizations"), new OrganizationsPage(this));
    addArea(QT_TR_NOOP("Permissions"), new PermissionsPage(this));
    addArea(QT_TR_NOOP("Users & Groups"), new UsersPage(this));
    addArea(QT_TR_NOOP("App keys"), new AppKeysPage(this));
    addArea(QT_TR_NOOP("Directory services"), new DirectoryServicesPage(this));
    addArea(QT_TR_NOOP("Audit"), new AuditPage(this));

    connect(m_navigation, &QListWidget::currentRowChanged, m_pages,
            &QStackedWidget::setCurrentIndex);
    m_navigation->setIconSize(QSize(NavigationIconSize, NavigationIconSize));
    m_navigation->setItemDelegate(new NavigationDelegate(m_navigation));
    m_navigation->setSpacing(2);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(u"mainSplitter"_s);
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_pages);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(0, false);
    splitter->setSizes({NavigationWidth, 1000});
    setCentralWidget(splitter);
    showArea(DevicesAreaIndex);
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
