#include "OrganizationVisiblePanel.h"

#include "OrganizationOperations.h"
#include "models/ApiClient.h"
#include "models/EventStream.h"
#include "wire/Wire.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;

OrganizationVisiblePanel::OrganizationVisiblePanel(QWidget *parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTableView(this))
    , m_state(new QLabel(this))
{
    setObjectName(u"unitVisiblePanel"_s);
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(300);
    connect(&m_reloadTimer, &QTimer::timeout, this, &OrganizationVisiblePanel::reload);

    m_model.setColumnCount(ColumnCount);
    m_model.setHorizontalHeaderLabels({tr("Entity"), tr("Granted on"), tr("To unit")});
    m_proxy.setSourceModel(&m_model);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterKeyColumn(-1);

    m_filter->setObjectName(u"unitVisibleFilter"_s);
    m_filter->setPlaceholderText(tr("Filter by entity, where it was granted or unit"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, &m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_view->setObjectName(u"unitVisibleView"_s);
    m_view->setModel(&m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(EntityColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    m_state->setObjectName(u"unitVisibleState"_s);
    m_state->setAlignment(Qt::AlignCenter);
    m_state->setWordWrap(true);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_state);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_stack, 1);
}

void OrganizationVisiblePanel::setSession(Models::ApiClient *client, Models::EventStream *events)
{
    disconnect(m_eventConnection);
    m_client = client;
    // Grants change with visibility lists of any entity, and the tree with
    // the organization: reload shortly after any entity change.
    if (events)
        m_eventConnection = connect(events, &Models::EventStream::eventReceived, this,
                                    [this](const Models::LiveEvent &event) {
                                        if (!event.collection.isEmpty() && !m_unit.isEmpty())
                                            m_reloadTimer.start();
                                    });
    m_organization.clear();
    m_unit.clear();
    reload();
}

void OrganizationVisiblePanel::setUnit(const QString &organization, const QString &unit)
{
    if (organization == m_organization && unit == m_unit)
        return;
    m_organization = organization;
    m_unit = unit;
    reload();
}

void OrganizationVisiblePanel::reload()
{
    const quint64 generation = ++m_generation;
    m_loaded = false;
    if (!m_client || m_unit.isEmpty()) {
        m_model.removeRows(0, m_model.rowCount());
        showState(tr("Select a unit to see what its members see through it."));
        return;
    }
    if (m_model.rowCount() == 0)
        showState(tr("Loading…"));
    m_client->get(
        OrganizationOperations::unitPath(m_organization, m_unit) + u'/' + Wire::VisiblePart, this,
        [this, generation](const ApiResult &result) {
            if (generation != m_generation)
                return;
            m_model.removeRows(0, m_model.rowCount());
            if (!result.isOk()) {
                showState(
                    result.httpStatus == 403
                        ? tr("Only administrators can see what a unit sees. The "
                             "server said: %1")
                              .arg(result.errorMessage)
                        : tr("Could not load what the unit sees: %1").arg(result.errorMessage));
                return;
            }
            const QJsonArray items = result.body.object().value(Wire::Items).toArray();
            for (const QJsonValue &value : items) {
                const QJsonObject o = value.toObject();
                QList<QStandardItem *> row;
                for (const QString &text : {o.value(Wire::AccessEntity).toString(),
                                            o.value(Wire::AccessGrantedOn).toString(),
                                            o.value(Wire::AccessUnit).toString()}) {
                    auto *item = new QStandardItem(text);
                    item->setEditable(false);
                    row.append(item);
                }
                m_model.appendRow(row);
            }
            m_loaded = true;
            if (items.isEmpty()) {
                showState(tr("Nothing is visible through %1/%2 yet. Add the unit (or "
                             "a unit below it) to an entity's visibility in the "
                             "Permissions area.")
                              .arg(m_organization, m_unit));
            } else {
                m_stack->setCurrentWidget(m_view);
            }
        });
}

QString OrganizationVisiblePanel::stateText() const
{
    return m_stack->currentWidget() == m_state ? m_state->text() : QString();
}

void OrganizationVisiblePanel::showState(const QString &text)
{
    m_state->setText(text);
    m_stack->setCurrentWidget(m_state);
}

} // namespace Bulwark::Ui
