#include "ThingsPage.h"

#include "NewThingDialog.h"
#include "models/ApiClient.h"
#include "models/ThingsModel.h"
#include "wire/Wire.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::ThingsModel;

ThingsPage::ThingsPage(ThingsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new QLineEdit(this))
    , m_newThing(new QPushButton(tr("&New Thing…"), this))
    , m_delete(new QPushButton(tr("&Delete"), this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTableView(this))
    , m_emptyState(new QLabel(this))
    , m_message(new QLabel(this))
{
    setObjectName(u"thingsPage"_s);
    m_filter->setObjectName(u"thingsFilterEdit"_s);
    m_filter->setPlaceholderText(tr("Filter Things by name, description or template"));
    m_filter->setClearButtonEnabled(true);
    m_newThing->setObjectName(u"newThingButton"_s);
    m_delete->setObjectName(u"deleteThingButton"_s);

    m_proxy.setSourceModel(model);
    m_proxy.setSortRole(ThingsModel::SortRole);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterKeyColumn(-1); // any column
    connect(m_filter, &QLineEdit::textChanged, &m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_view->setObjectName(u"thingsView"_s);
    m_view->setModel(&m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ThingsModel::NameColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    // The description takes the room; the other columns fit their contents.
    QHeaderView *header = m_view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ThingsModel::DescriptionColumn, QHeaderView::Stretch);

    m_emptyState->setObjectName(u"thingsEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyState);

    m_message->setObjectName(u"thingsMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_filter, 1);
    toolbar->addWidget(m_newThing);
    toolbar->addWidget(m_delete);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    connect(m_newThing, &QPushButton::clicked, this, &ThingsPage::openNewThingDialog);
    connect(m_delete, &QPushButton::clicked, this, &ThingsPage::confirmDelete);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ThingsPage::updateState);
    connect(model, &QAbstractItemModel::rowsInserted, this, &ThingsPage::updateState);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &ThingsPage::updateState);
    connect(model, &QAbstractItemModel::modelReset, this, &ThingsPage::updateState);
    connect(model, &ThingsModel::loaded, this, [this] {
        m_message->hide();
        updateState();
    });
    connect(model, &ThingsModel::loadFailed, this, &ThingsPage::showError);
    updateState();
}

void ThingsPage::setClient(Models::ApiClient *client)
{
    m_client = client;
    updateState();
}

void ThingsPage::updateState()
{
    const bool connected = !m_client.isNull();
    m_newThing->setEnabled(connected);
    m_delete->setEnabled(connected && !selectedName().isEmpty());
    if (m_model->rowCount() > 0) {
        m_stack->setCurrentWidget(m_view);
        return;
    }
    if (!connected)
        m_emptyState->setText(tr("Not connected to a server. Things appear here once the "
                                 "console is connected."));
    else if (!m_model->isLoaded())
        m_emptyState->setText(tr("Loading Things…"));
    else
        m_emptyState->setText(tr("No Things yet — create one with New Thing…"));
    m_stack->setCurrentWidget(m_emptyState);
}

QString ThingsPage::selectedName() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return rows.constFirst().data(ThingsModel::NameRole).toString();
}

void ThingsPage::openNewThingDialog()
{
    if (!m_client)
        return;
    auto *dialog = new NewThingDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &NewThingDialog::thingCreated, this, [this](const QString &name) {
        m_message->hide();
        m_model->refresh();
        // Select the new Thing as soon as the reload shows it.
        auto selectWhenLoaded = std::make_shared<QMetaObject::Connection>();
        *selectWhenLoaded =
            connect(m_model, &ThingsModel::loaded, this, [this, name, selectWhenLoaded] {
                disconnect(*selectWhenLoaded);
                const int row = m_model->rowOf(name);
                if (row < 0)
                    return;
                const QModelIndex index = m_proxy.mapFromSource(m_model->index(row, 0));
                m_view->selectRow(index.row());
                m_view->scrollTo(index);
            });
    });
    // open(), not exec(): the event loop (and live updates) keep running.
    dialog->open();
}

void ThingsPage::confirmDelete()
{
    const QString name = selectedName();
    if (name.isEmpty() || !m_client)
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Delete Thing"),
                                tr("Delete the Thing “%1”? Its properties and history are "
                                   "deleted with it; this cannot be undone.")
                                    .arg(name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmDeleteDialog"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Delete"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, name](QAbstractButton *button) {
        if (box->standardButton(button) == QMessageBox::Yes)
            deleteThing(name);
    });
    box->open();
}

void ThingsPage::deleteThing(const QString &name)
{
    if (!m_client)
        return;
    m_client->remove(Models::ApiClient::entityPath(Wire::Things, name), this,
                     [this, name](const ApiResult &result) {
                         if (!result.isOk())
                             showError(
                                 tr("Could not delete “%1”: %2").arg(name, result.errorMessage));
                         m_model->refresh();
                     });
}

void ThingsPage::showError(const QString &message)
{
    m_message->setText(message);
    m_message->show();
}

} // namespace Bulwark::Ui
