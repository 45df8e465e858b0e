#include "PrincipalPickerDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::PrincipalEntry;
using Models::PrincipalsModel;

namespace {

// Hides principals that are already chosen.
class ExcludingProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    const QList<PrincipalEntry> *excluded = nullptr;

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        if (excluded) {
            const auto *model = static_cast<const PrincipalsModel *>(sourceModel());
            if (excluded->contains(model->principalAt(row)))
                return false;
        }
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }
};

} // namespace

PrincipalPickerDialog::PrincipalPickerDialog(Models::ApiClient *client, const QString &title,
                                             QWidget *parent)
    : QDialog(parent)
    , m_filter(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"principalPickerDialog"_s);
    setWindowTitle(title);
    resize(520, 420);
    m_model.setIcons(QIcon(u":/icons/unit-user.svg"_s), QIcon(u":/icons/unit-group.svg"_s));

    m_filter->setObjectName(u"principalPickerFilter"_s);
    m_filter->setPlaceholderText(tr("Filter users and groups by name or description"));
    m_filter->setClearButtonEnabled(true);

    m_proxy.setSourceModel(&m_model);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setFilterKeyColumn(-1);
    connect(m_filter, &QLineEdit::textChanged, &m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_view->setObjectName(u"principalPickerView"_s);
    m_view->setModel(&m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(PrincipalsModel::NameColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);

    m_status->setObjectName(u"principalPickerStatus"_s);
    m_status->setWordWrap(true);
    m_status->setText(tr("Loading users and groups…"));

    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        const QList<PrincipalEntry> chosen = selectedPrincipals();
        if (chosen.isEmpty())
            return;
        Q_EMIT principalsChosen(chosen);
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_view, &QAbstractItemView::doubleClicked, m_buttons, &QDialogButtonBox::accepted);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PrincipalPickerDialog::updateState);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);

    connect(&m_model, &PrincipalsModel::loaded, this, [this] {
        m_loaded = true;
        m_view->resizeColumnToContents(PrincipalsModel::NameColumn);
        m_status->clear();
        m_status->hide();
        updateState();
    });
    connect(&m_model, &PrincipalsModel::loadFailed, this, [this](const QString &message) {
        m_status->setText(tr("Could not load users and groups: %1").arg(message));
    });
    m_model.load(client);
    m_filter->setFocus();
    updateState();
}

void PrincipalPickerDialog::setExcluded(const QList<PrincipalEntry> &excluded)
{
    m_excluded = excluded;
    // The proxy is a plain QSortFilterProxyModel; filter with the exclusion
    // list through a second proxy stage.
    auto *excluding = new ExcludingProxy(this);
    excluding->excluded = &m_excluded;
    excluding->setSourceModel(&m_model);
    m_proxy.setSourceModel(excluding);
}

QList<PrincipalEntry> PrincipalPickerDialog::selectedPrincipals() const
{
    QList<PrincipalEntry> chosen;
    const QModelIndexList rows =
        m_view->selectionModel()->selectedRows(PrincipalsModel::NameColumn);
    for (const QModelIndex &index : rows) {
        PrincipalEntry entry;
        entry.name = index.data(PrincipalsModel::NameRole).toString();
        entry.kind = index.data(PrincipalsModel::KindRole).toString() == u"Group"_s
                         ? PrincipalEntry::Kind::Group
                         : PrincipalEntry::Kind::User;
        chosen.append(entry);
    }
    return chosen;
}

bool PrincipalPickerDialog::selectPrincipal(PrincipalEntry::Kind kind, const QString &name)
{
    PrincipalEntry wanted;
    wanted.kind = kind;
    wanted.name = name;
    for (int row = 0; row < m_proxy.rowCount(); ++row) {
        const QModelIndex index = m_proxy.index(row, PrincipalsModel::NameColumn);
        if (index.data(PrincipalsModel::NameRole).toString() == name &&
            index.data(PrincipalsModel::KindRole).toString() == wanted.typeName()) {
            m_view->selectionModel()->select(index, QItemSelectionModel::Select |
                                                        QItemSelectionModel::Rows);
            m_view->scrollTo(index);
            return true;
        }
    }
    return false;
}

void PrincipalPickerDialog::updateState()
{
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(m_loaded && m_view->selectionModel()->hasSelection());
}

} // namespace Bulwark::Ui
