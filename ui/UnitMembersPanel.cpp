#include "UnitMembersPanel.h"

#include "OrganizationOperations.h"
#include "PrincipalPickerDialog.h"
#include "models/ApiClient.h"
#include "models/EventStream.h"
#include "wire/Wire.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::PrincipalEntry;
using Models::PrincipalsModel;

UnitMembersPanel::UnitMembersPanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_view(new QTableView(this))
    , m_add(new QPushButton(QIcon(u":/icons/unit-user.svg"_s), tr("&Add…"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_message(new QLabel(this))
{
    setObjectName(u"unitMembersPanel"_s);
    m_model.setIcons(QIcon(u":/icons/unit-user.svg"_s), QIcon(u":/icons/unit-group.svg"_s));
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(150);
    connect(&m_reloadTimer, &QTimer::timeout, this, &UnitMembersPanel::reload);

    m_title->setObjectName(u"unitMembersTitle"_s);
    m_title->setWordWrap(true);
    m_proxy.setSourceModel(&m_model);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_view->setObjectName(u"unitMembersView"_s);
    m_view->setModel(&m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(PrincipalsModel::NameColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Member lists carry names and kinds only.
    m_view->setColumnHidden(PrincipalsModel::DescriptionColumn, true);
    m_add->setObjectName(u"addUnitMembersButton"_s);
    m_add->setToolTip(tr("Add users or groups to this unit"));
    m_remove->setObjectName(u"removeUnitMembersButton"_s);
    m_remove->setToolTip(tr("Remove the selected members from this unit"));
    m_message->setObjectName(u"unitMembersMessage"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_message);

    connect(m_add, &QPushButton::clicked, this, &UnitMembersPanel::openPicker);
    connect(m_remove, &QPushButton::clicked, this, &UnitMembersPanel::removeSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &UnitMembersPanel::updateState);
    connect(&m_model, &QAbstractItemModel::modelReset, this, &UnitMembersPanel::updateState);
    updateState();
}

void UnitMembersPanel::setSession(Models::ApiClient *client, Models::EventStream *events)
{
    disconnect(m_eventConnection);
    m_client = client;
    m_events = events;
    if (events)
        m_eventConnection = connect(events, &Models::EventStream::eventReceived, this,
                                    [this](const Models::LiveEvent &event) { applyEvent(event); });
    setUnit({}, {});
}

void UnitMembersPanel::applyEvent(const Models::LiveEvent &event)
{
    // Member changes arrive as an update of the organization.
    if (event.collection == Wire::Organizations && event.name == m_organization &&
        !m_unit.isEmpty() && !m_writing)
        m_reloadTimer.start();
}

void UnitMembersPanel::setUnit(const QString &organization, const QString &unit)
{
    if (organization == m_organization && unit == m_unit && m_client)
        return;
    m_organization = organization;
    m_unit = unit;
    m_message->hide();
    m_title->setText(unit.isEmpty() ? QString()
                                    : tr("Users and groups in unit %1/%2 (members of a group "
                                         "belong through it):")
                                          .arg(organization, unit));
    reload();
}

QString UnitMembersPanel::membersPath() const
{
    return OrganizationOperations::unitPath(m_organization, m_unit) + u'/' + Wire::MembersPart;
}

void UnitMembersPanel::reload()
{
    const quint64 generation = ++m_generation;
    m_loaded = false;
    m_version.clear();
    if (!m_client || m_unit.isEmpty()) {
        m_model.clear();
        updateState();
        return;
    }
    m_client->get(membersPath(), this, [this, generation](const ApiResult &result) {
        if (generation != m_generation)
            return;
        if (!result.isOk()) {
            m_model.clear();
            showMessage(result.httpStatus == 403
                            ? tr("Only administrators can see and change the members of units. "
                                 "The server said: %1")
                                  .arg(result.errorMessage)
                            : tr("Could not load the members: %1").arg(result.errorMessage));
            updateState();
            return;
        }
        const QJsonObject object = result.body.object();
        m_model.setPrincipals(PrincipalsModel::fromJson(object.value(Wire::Members).toArray()));
        m_version = object.value(Wire::Version).toString();
        m_loaded = true;
        updateState();
    });
    updateState();
}

void UnitMembersPanel::openPicker()
{
    if (!m_client || !m_loaded)
        return;
    auto *picker = new PrincipalPickerDialog(
        m_client, tr("Add members to %1/%2").arg(m_organization, m_unit), this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    picker->setExcluded(m_model.principals());
    connect(picker, &PrincipalPickerDialog::principalsChosen, this, &UnitMembersPanel::addMembers);
    picker->open();
}

void UnitMembersPanel::addMembers(const QList<PrincipalEntry> &principals)
{
    QList<PrincipalEntry> members = m_model.principals();
    QStringList names;
    for (const PrincipalEntry &p : principals) {
        if (!members.contains(p)) {
            members.append(p);
            names.append(p.name);
        }
    }
    if (names.isEmpty())
        return;
    writeMembers(members, tr("add %1").arg(names.join(u", "_s)));
}

void UnitMembersPanel::removeMembers(const QList<PrincipalEntry> &principals)
{
    QList<PrincipalEntry> members = m_model.principals();
    QStringList names;
    for (const PrincipalEntry &p : principals) {
        if (members.removeAll(p) > 0)
            names.append(p.name);
    }
    if (names.isEmpty())
        return;
    writeMembers(members, tr("remove %1").arg(names.join(u", "_s)));
}

void UnitMembersPanel::removeSelected()
{
    QList<PrincipalEntry> selected;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        selected.append(m_model.principalAt(m_proxy.mapToSource(index).row()));
    removeMembers(selected);
}

void UnitMembersPanel::writeMembers(const QList<PrincipalEntry> &members, const QString &what)
{
    if (!m_client || !m_loaded || m_writing)
        return;
    QJsonArray array;
    for (const PrincipalEntry &p : members)
        array.append(p.toJson());
    m_writing = true;
    updateState();
    const QString organization = m_organization;
    const QString unit = m_unit;
    const quint64 generation = m_generation;
    m_client->put(membersPath(), {{Wire::Members, array}, {Wire::Version, m_version}}, this,
                  [this, organization, unit, what, generation](const ApiResult &result) {
                      m_writing = false;
                      if (generation != m_generation) {
                          updateState();
                          return;
                      }
                      if (result.httpStatus == 409) {
                          const QString message =
                              tr("The members of %1/%2 were changed elsewhere since they were "
                                 "loaded, so nothing was written. The list now shows the "
                                 "current members: check it and %3 again if still needed.")
                                  .arg(organization, unit, what);
                          reload();
                          showMessage(message);
                          Q_EMIT conflictDetected(message);
                          return;
                      }
                      if (!result.isOk()) {
                          showMessage(tr("Could not %1: %2").arg(what, result.errorMessage));
                          updateState();
                          return;
                      }
                      const QJsonObject object = result.body.object();
                      m_model.setPrincipals(
                          PrincipalsModel::fromJson(object.value(Wire::Members).toArray()));
                      m_version = object.value(Wire::Version).toString();
                      m_message->hide();
                      updateState();
                      Q_EMIT membersChanged(organization, unit);
                  });
}

QString UnitMembersPanel::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void UnitMembersPanel::showMessage(const QString &message)
{
    m_message->setText(message);
    m_message->show();
}

void UnitMembersPanel::updateState()
{
    const bool ready = m_client && m_loaded && !m_writing;
    m_add->setEnabled(ready);
    m_remove->setEnabled(ready && m_view->selectionModel()->hasSelection());
}

} // namespace Bulwark::Ui
