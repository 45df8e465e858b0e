#include "DevicesPage.h"

#include "InvokeServiceDialog.h"
#include "WritePropertyDialog.h"
#include "models/ApiClient.h"
#include "wire/Wire.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::DeviceMonitorModel;
using Models::LivePropertiesModel;

namespace {
// Re-sorting 10,000 rows costs a few milliseconds: once a second is live
// enough for a list that changes everywhere all the time.
constexpr int ResortIntervalMs = 1000;
constexpr int RowHeightPadding = 6;

QIcon themedIcon(const QString &themeName, const QString &resource)
{
    return QIcon::fromTheme(themeName, QIcon(resource));
}

QString percentEncoded(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}
} // namespace

DeviceSortFilterProxy::DeviceSortFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(false);
    setSortRole(DeviceMonitorModel::SortRole);
    setFilterRole(DeviceMonitorModel::FilterRole);
    setFilterKeyColumn(DeviceMonitorModel::ThingColumn);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void DeviceSortFilterProxy::resort()
{
    if (!filterRegularExpression().pattern().isEmpty())
        invalidateFilter();
    // With dynamic sorting off, sort() always sorts again.
    if (sortColumn() >= 0)
        sort(sortColumn(), sortOrder());
}

DevicesPage::DevicesPage(QWidget *parent)
    : ConsolePage(parent)
{
    setObjectName(u"devicesPage"_s);
    m_proxy.setSourceModel(&m_model);
    m_propertiesProxy.setSourceModel(&m_properties);
    m_propertiesProxy.setSortRole(LivePropertiesModel::SortRole);
    m_propertiesProxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_resortTimer.setSingleShot(true);
    connect(&m_resortTimer, &QTimer::timeout, this, &DevicesPage::resortNow);
    m_sinceResort.start();

    auto *bar = new QWidget(this);
    buildToolbar(bar);

    m_view = new QTableView(this);
    m_view->setObjectName(u"devicesView"_s);
    m_view->setModel(&m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(DeviceMonitorModel::ThingColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    // Fixed row heights and column widths: measuring 10,000 rows' contents
    // would cost more than drawing them.
    QHeaderView *rows = m_view->verticalHeader();
    rows->hide();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fontMetrics().height() + RowHeightPadding);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->setDefaultSectionSize(95);
    header->resizeSection(DeviceMonitorModel::ThingColumn, 170);
    header->resizeSection(DeviceMonitorModel::RemoteAddressColumn, 130);
    header->resizeSection(DeviceMonitorModel::UserColumn, 110);
    header->resizeSection(DeviceMonitorModel::SinceColumn, 130);
    header->resizeSection(DeviceMonitorModel::LastMessageColumn, 105);

    m_emptyState = new QLabel(this);
    m_emptyState->setObjectName(u"devicesEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_connectHelp = new QPushButton(tr("How to Connect a Device…"), this);
    m_connectHelp->setObjectName(u"connectDeviceHelpButton"_s);
    connect(m_connectHelp, &QPushButton::clicked, this, &DevicesPage::connectDeviceHelpRequested);
    m_emptyPanel = new QWidget(this);
    auto *emptyLayout = new QVBoxLayout(m_emptyPanel);
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(m_emptyState);
    emptyLayout->addWidget(m_connectHelp, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(1);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyPanel);

    m_message = new QLabel(this);
    m_message->setObjectName(u"devicesMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    // The table takes the full width (ten columns); the selected device's
    // details sit below it.
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"devicesSplitter"_s);
    splitter->addWidget(m_stack);
    splitter->addWidget(buildDetailPane());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QModelIndexList selected = m_view->selectionModel()->selectedRows();
        // A row that vanished (the device disconnected) keeps its details.
        if (!selected.isEmpty())
            showDevice(selected.constFirst().data(DeviceMonitorModel::ThingRole).toString());
    });
    connect(m_propertiesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DevicesPage::updateActions);
    connect(m_propertiesView, &QTableView::doubleClicked, this, &DevicesPage::openWriteDialog);

    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(&m_proxy, signal, this, &DevicesPage::updateState);
    connect(&m_proxy, &QAbstractItemModel::modelReset, this, &DevicesPage::updateState);
    connect(&m_proxy, &QAbstractItemModel::layoutChanged, this, &DevicesPage::updateState);
    connect(&m_model, &DeviceMonitorModel::batchApplied, this, &DevicesPage::scheduleResort);
    connect(&m_model, &DeviceMonitorModel::loaded, this, [this] {
        m_message->hide();
        scheduleResort();
        updateState();
    });
    connect(&m_model, &DeviceMonitorModel::loadFailed, this, [this](const QString &message) {
        m_message->setText(
            tr("The list of connected devices could not be refreshed: %1").arg(message));
        m_message->show();
        updateState();
    });
    connect(&m_properties, &LivePropertiesModel::loaded, this, [this] {
        m_detailMessage->hide();
        m_propertiesView->resizeColumnsToContents();
        updateActions();
    });
    connect(&m_properties, &LivePropertiesModel::loadFailed, this, [this](const QString &message) {
        m_detailMessage->setText(tr("The properties could not be loaded: %1").arg(message));
        m_detailMessage->show();
    });
    updateState();
    updateDetail();
}

DevicesPage::~DevicesPage()
{
    // The views must not outlive the proxies they show (members go first).
    m_view->setModel(nullptr);
    m_propertiesView->setModel(nullptr);
}

void DevicesPage::buildToolbar(QWidget *bar)
{
    m_filter = new QLineEdit(bar);
    m_filter->setObjectName(u"devicesFilterEdit"_s);
    m_filter->setPlaceholderText(tr("Filter devices by name, address or user"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy.setFilterFixedString(text);
        updateState();
    });
    m_count = new QLabel(bar);
    m_count->setObjectName(u"devicesCountLabel"_s);

    auto *find = new QAction(tr("Find"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(find);

    m_refreshAction = new QAction(themedIcon(u"view-refresh"_s, u":/icons/devices-refresh.svg"_s),
                                  tr("&Refresh"), this);
    m_refreshAction->setObjectName(u"devicesRefreshAction"_s);
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_refreshAction->setToolTip(
        tr("Reload the connected devices and their counters (%1)")
            .arg(QKeySequence(QKeySequence::Refresh).toString(QKeySequence::NativeText)));
    connect(m_refreshAction, &QAction::triggered, this, [this] {
        m_model.refresh();
        m_properties.refresh();
    });
    addAction(m_refreshAction);

    auto *toolbar = new QToolBar(bar);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_refreshAction);

    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter, 1);
    layout->addWidget(m_count);
    layout->addWidget(toolbar);
}

QWidget *DevicesPage::buildDetailPane()
{
    auto *pane = new QWidget(this);
    pane->setObjectName(u"deviceDetailPane"_s);
    m_detailStack = new QStackedWidget(pane);

    m_detailEmpty = new QLabel(tr("Select a device to watch its properties live, write them or "
                                  "call its services."),
                               pane);
    m_detailEmpty->setObjectName(u"deviceDetailEmptyState"_s);
    m_detailEmpty->setAlignment(Qt::AlignCenter);
    m_detailEmpty->setWordWrap(true);

    auto *detail = new QWidget(pane);
    m_detailTitle = new QLabel(detail);
    m_detailTitle->setObjectName(u"deviceTitleLabel"_s);
    QFont titleFont = m_detailTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_detailTitle->setFont(titleFont);
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailInfo = new QLabel(detail);
    m_detailInfo->setObjectName(u"deviceInfoLabel"_s);
    m_detailInfo->setWordWrap(true);
    m_detailInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_propertiesView = new QTableView(detail);
    m_propertiesView->setObjectName(u"devicePropertiesView"_s);
    m_propertiesView->setModel(&m_propertiesProxy);
    m_propertiesView->setSortingEnabled(true);
    m_propertiesView->sortByColumn(LivePropertiesModel::NameColumn, Qt::AscendingOrder);
    m_propertiesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_propertiesView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_propertiesView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_propertiesView->setWordWrap(false);
    m_propertiesView->verticalHeader()->hide();
    m_propertiesView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_propertiesView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() +
                                                              RowHeightPadding);
    m_propertiesView->setAlternatingRowColors(true);
    m_propertiesView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_propertiesView->horizontalHeader()->setSectionResizeMode(LivePropertiesModel::ValueColumn,
                                                               QHeaderView::Stretch);

    m_writeAction = new QAction(themedIcon(u"document-edit"_s, u":/icons/devices-write.svg"_s),
                                tr("&Write Property…"), this);
    m_writeAction->setObjectName(u"writePropertyAction"_s);
    m_writeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_writeAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_writeAction, &QAction::triggered, this, &DevicesPage::openWriteDialog);
    addAction(m_writeAction);
    m_invokeAction = new QAction(themedIcon(u"system-run"_s, u":/icons/devices-invoke.svg"_s),
                                 tr("&Invoke Service…"), this);
    m_invokeAction->setObjectName(u"invokeServiceAction"_s);
    m_invokeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_invokeAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_invokeAction, &QAction::triggered, this, &DevicesPage::openInvokeDialog);
    addAction(m_invokeAction);

    m_writeButton = new QToolButton(detail);
    m_writeButton->setObjectName(u"writePropertyButton"_s);
    m_writeButton->setDefaultAction(m_writeAction);
    m_writeButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_invokeButton = new QToolButton(detail);
    m_invokeButton->setObjectName(u"invokeServiceButton"_s);
    m_invokeButton->setDefaultAction(m_invokeAction);
    m_invokeButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *heading = new QHBoxLayout;
    heading->addWidget(m_detailTitle);
    heading->addSpacing(12);
    heading->addWidget(m_detailInfo, 1);
    heading->addWidget(m_writeButton);
    heading->addWidget(m_invokeButton);

    m_rights = new QLabel(detail);
    m_rights->setObjectName(u"deviceRightsLabel"_s);
    m_rights->setWordWrap(true);
    m_rights->hide();
    m_detailMessage = new QLabel(detail);
    m_detailMessage->setObjectName(u"deviceDetailMessageLabel"_s);
    m_detailMessage->setWordWrap(true);
    m_detailMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailMessage->hide();

    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addLayout(heading);
    detailLayout->addWidget(m_rights);
    detailLayout->addWidget(m_propertiesView, 1);
    detailLayout->addWidget(m_detailMessage);

    m_detailStack->addWidget(m_detailEmpty);
    m_detailStack->addWidget(detail);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_detailStack);
    return pane;
}

void DevicesPage::setSession(const ConsoleSession &session)
{
    m_session = session;
    ++m_detailGeneration;
    m_selectedThing.clear();
    m_services = {};
    m_servicesLoaded = false;
    m_canWrite.clear();
    m_canInvoke.clear();
    m_message->hide();
    m_detailMessage->hide();
    m_model.setSource(session.client, session.events);
    m_properties.setSource(session.client, session.events);
    updateState();
    updateDetail();
}

void DevicesPage::scheduleResort()
{
    if (m_resortTimer.isActive())
        return;
    const qint64 elapsed = m_sinceResort.elapsed();
    m_resortTimer.start(int(qMax<qint64>(0, ResortIntervalMs - elapsed)));
}

void DevicesPage::resortNow()
{
    m_resortTimer.stop();
    m_proxy.resort();
    m_sinceResort.restart();
    if (!m_selectedThing.isEmpty())
        updateDetail();
}

QString DevicesPage::emptyStateText() const
{
    return m_emptyState->text();
}

void DevicesPage::updateState()
{
    const int total = m_model.rowCount();
    const int shown = m_proxy.rowCount();
    if (!m_session.isActive())
        m_count->clear();
    else if (shown == total)
        m_count->setText(total == 1 ? tr("1 device connected")
                                    : tr("%1 devices connected").arg(QLocale().toString(total)));
    else
        m_count->setText(
            tr("%1 of %2 devices shown").arg(QLocale().toString(shown), QLocale().toString(total)));
    m_refreshAction->setEnabled(m_session.isActive());

    if (shown > 0) {
        m_stack->setCurrentWidget(m_view);
        return;
    }
    m_connectHelp->setVisible(m_session.isActive() && m_model.isLoaded() && total == 0);
    if (!m_session.isActive())
        m_emptyState->setText(tr("Not connected to a server. Connected devices appear here once "
                                 "the console is connected."));
    else if (!m_model.isLoaded() && !m_model.lastError().isEmpty())
        m_emptyState->setText(
            tr("The server did not list the connected devices: %1").arg(m_model.lastError()));
    else if (!m_model.isLoaded())
        m_emptyState->setText(tr("Loading connected devices…"));
    else if (total == 0)
        m_emptyState->setText(tr("No devices connected yet — see Help → Connect a device"));
    else
        m_emptyState->setText(tr("No connected device matches “%1” — change or clear the filter.")
                                  .arg(m_filter->text()));
    m_stack->setCurrentWidget(m_emptyPanel);
}

bool DevicesPage::selectThing(const QString &thing)
{
    const int row = m_model.rowOf(thing);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy.mapFromSource(m_model.index(row, 0));
    if (!index.isValid())
        return false;
    m_view->selectRow(index.row());
    m_view->scrollTo(index);
    return m_selectedThing == thing;
}

bool DevicesPage::selectProperty(const QString &property)
{
    const int row = m_properties.rowOf(property);
    if (row < 0)
        return false;
    const QModelIndex index = m_propertiesProxy.mapFromSource(m_properties.index(row, 0));
    m_propertiesView->selectRow(index.row());
    return selectedProperty() == property;
}

QString DevicesPage::selectedProperty() const
{
    const QModelIndexList rows = m_propertiesView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.constFirst().data(LivePropertiesModel::NameRole).toString();
}

void DevicesPage::showDevice(const QString &thing)
{
    if (thing == m_selectedThing)
        return;
    ++m_detailGeneration;
    m_selectedThing = thing;
    m_services = {};
    m_servicesLoaded = false;
    m_canWrite.clear();
    m_canInvoke.clear();
    m_detailMessage->hide();
    m_properties.setThing(thing);
    if (!thing.isEmpty() && m_session.isActive()) {
        loadThingDetails(thing);
        loadRights(thing);
    }
    updateDetail();
}

void DevicesPage::loadThingDetails(const QString &thing)
{
    const quint64 generation = m_detailGeneration;
    m_session.client->get(Models::ApiClient::entityPath(Wire::Things, thing), this,
                          [this, generation](const ApiResult &result) {
                              if (generation != m_detailGeneration)
                                  return;
                              m_servicesLoaded = result.isOk();
                              m_services = result.body.object().value(Wire::Services).toArray();
                              updateActions();
                          });
}

void DevicesPage::loadRights(const QString &thing)
{
    if (m_session.user.isEmpty())
        return;
    const quint64 generation = m_detailGeneration;
    const QString path = Wire::ApiPrefix + Wire::PermissionsCollection + u'/' +
                         Wire::EffectiveQuery + u"?user="_s + percentEncoded(m_session.user) +
                         u"&entity="_s + percentEncoded(Wire::Things + u'/' + thing);
    m_session.client->get(path, this, [this, generation](const ApiResult &result) {
        if (generation != m_detailGeneration || !result.isOk())
            return; // unknown rights: the server decides when asked, and says why
        const QJsonArray members = result.body.object().value(Wire::Members).toArray();
        for (const QJsonValue &entry : members) {
            const QJsonObject member = entry.toObject();
            const QString name = member.value(Wire::AccessMember).toString();
            const QString kind = member.value(Wire::AccessKind).toString();
            for (const QJsonValue &permission : member.value(Wire::AccessPermissions).toArray()) {
                const QJsonObject decision = permission.toObject();
                const bool allowed = decision.value(Wire::AccessDecision).toString() == u"allow"_s;
                const QString which = decision.value(Wire::AccessPermission).toString();
                if (kind == u"property"_s && which == u"PropertyWrite"_s)
                    m_canWrite.insert(name, allowed);
                else if (kind == u"service"_s && which == u"ServiceInvoke"_s)
                    m_canInvoke.insert(name, allowed);
            }
        }
        updateActions();
    });
}

void DevicesPage::updateDetail()
{
    if (m_selectedThing.isEmpty()) {
        m_detailStack->setCurrentWidget(m_detailEmpty);
        updateActions();
        return;
    }
    m_detailStack->setCurrentIndex(1);
    m_detailTitle->setText(m_selectedThing);
    const int row = m_model.rowOf(m_selectedThing);
    if (row >= 0) {
        const Models::DeviceConnection &connection = m_model.connectionAt(row);
        const QString since =
            QLocale().toString(connection.since.toLocalTime(), QLocale::ShortFormat);
        m_detailInfo->setText(
            connection.user.isEmpty()
                ? tr("Connected from %1 since %2.").arg(connection.remoteAddress, since)
                : tr("Connected from %1 since %2 as %3.")
                      .arg(connection.remoteAddress, since, connection.user));
    } else {
        m_detailInfo->setText(tr("Not connected now. A value written now is stored, and the "
                                 "device reads it when it connects again."));
    }
    updateActions();
}

void DevicesPage::updateActions()
{
    const bool ready = m_session.isActive() && !m_selectedThing.isEmpty();
    const QString property = selectedProperty();
    const bool mayWrite = m_canWrite.value(property, true);
    m_writeAction->setEnabled(ready && !property.isEmpty() && mayWrite);
    if (!ready)
        m_writeAction->setToolTip(tr("Select a device first."));
    else if (property.isEmpty())
        m_writeAction->setToolTip(tr("Select a property to write (or double-click it)."));
    else if (!mayWrite)
        m_writeAction->setToolTip(tr("You may not write “%1”.").arg(property));
    else
        m_writeAction->setToolTip(
            tr("Write “%1” (%2)")
                .arg(property, m_writeAction->shortcut().toString(QKeySequence::NativeText)));

    bool anyService = !m_services.isEmpty();
    bool mayInvoke = false;
    for (const QJsonValue &service : std::as_const(m_services))
        mayInvoke |= m_canInvoke.value(service.toObject().value(Wire::Name).toString(), true);
    m_invokeAction->setEnabled(ready && anyService && mayInvoke);
    if (!ready)
        m_invokeAction->setToolTip(tr("Select a device first."));
    else if (!m_servicesLoaded)
        m_invokeAction->setToolTip(tr("Loading the Thing's services…"));
    else if (!anyService)
        m_invokeAction->setToolTip(tr("This Thing declares no services."));
    else if (!mayInvoke)
        m_invokeAction->setToolTip(tr("You may not invoke any service of this Thing."));
    else
        m_invokeAction->setToolTip(
            tr("Call a service on the device (%1)")
                .arg(m_invokeAction->shortcut().toString(QKeySequence::NativeText)));

    // Say why an action is off, in words, where the user looks.
    QStringList reasons;
    if (ready && !property.isEmpty() && !mayWrite)
        reasons.append(tr("You may read “%1” but not write it: PropertyWrite is not granted to "
                          "you on it. An administrator can grant it under Permissions.")
                           .arg(property));
    if (ready && anyService && !mayInvoke)
        reasons.append(tr("You may not invoke this Thing's services: ServiceInvoke is not "
                          "granted to you."));
    m_rights->setText(reasons.join(u'\n'));
    m_rights->setVisible(!reasons.isEmpty());
}

void DevicesPage::openWriteDialog()
{
    const QString property = selectedProperty();
    const int row = m_properties.rowOf(property);
    if (!m_writeAction->isEnabled() || row < 0 || !m_session.client)
        return;
    auto *dialog = new WritePropertyDialog(m_session.client, m_selectedThing,
                                           m_properties.propertyAt(row), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // open(), not exec(): live updates keep flowing while it is up.
    dialog->open();
}

void DevicesPage::openInvokeDialog()
{
    if (!m_invokeAction->isEnabled() || !m_session.client)
        return;
    auto *dialog =
        new InvokeServiceDialog(m_session.client, m_selectedThing, m_services, m_canInvoke, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace Bulwark::Ui
