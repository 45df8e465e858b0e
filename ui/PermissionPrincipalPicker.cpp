#include "PermissionPrincipalPicker.h"

#include "models/ApiClient.h"

#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::PermissionPrincipal;
using Models::PrincipalType;

namespace {
constexpr int TypeRole = Qt::UserRole + 1;
constexpr int NameRole = Qt::UserRole + 2;
} // namespace

PermissionPrincipalPicker::PermissionPrincipalPicker(Models::ApiClient *client, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_filter(new QLineEdit(this))
    , m_list(new QListWidget(this))
    , m_status(new QLabel(this))
    , m_add(nullptr)
{
    setObjectName(u"principalPickerDialog"_s);
    setWindowTitle(tr("Add users or groups"));
    m_filter->setObjectName(u"principalPickerFilter"_s);
    m_filter->setPlaceholderText(tr("Search users and groups"));
    m_filter->setClearButtonEnabled(true);
    m_list->setObjectName(u"principalPickerList"_s);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setSortingEnabled(true);
    m_status->setObjectName(u"principalPickerStatus"_s);
    m_status->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_add = buttons->addButton(tr("&Add"), QDialogButtonBox::AcceptRole);
    m_add->setObjectName(u"principalPickerAddButton"_s);
    m_add->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Choose the users and groups to add as rows of the matrix. "
                                    "They get rules only when you set a cell and apply."),
                                 this));
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(380, 460);

    connect(m_filter, &QLineEdit::textChanged, this, &PermissionPrincipalPicker::applyFilter);
    connect(m_list, &QListWidget::itemSelectionChanged, this,
            &PermissionPrincipalPicker::updateButtons);
    connect(m_list, &QListWidget::itemDoubleClicked, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(this, &QDialog::accepted, this, [this] {
        const QList<PermissionPrincipal> chosen = selectedPrincipals();
        if (!chosen.isEmpty())
            Q_EMIT principalsChosen(chosen);
    });

    m_status->setText(tr("Loading users and groups…"));
    load(PrincipalType::User);
    load(PrincipalType::Group);
    updateButtons();
}

void PermissionPrincipalPicker::load(PrincipalType type)
{
    if (!m_client) {
        m_status->setText(tr("Not connected to a server."));
        return;
    }
    ++m_pending;
    const QString path = type == PrincipalType::User ? u"/api/Users"_s : u"/api/Groups"_s;
    m_client->get(path, this, [this, type](const Models::ApiResult &result) {
        --m_pending;
        if (!result.isOk()) {
            m_errors.append(type == PrincipalType::User
                                ? tr("Users could not be listed: %1").arg(result.errorMessage)
                                : tr("Groups could not be listed: %1").arg(result.errorMessage));
        } else {
            const QJsonArray items = result.body.object().value("items"_L1).toArray();
            for (const QJsonValue &value : items) {
                const QString name = value.toObject().value("name"_L1).toString();
                auto *item =
                    new QListWidgetItem(type == PrincipalType::User ? tr("%1 (user)").arg(name)
                                                                    : tr("%1 (group)").arg(name),
                                        m_list);
                item->setData(TypeRole, int(type));
                item->setData(NameRole, name);
            }
        }
        if (m_pending == 0)
            m_status->setText(m_errors.isEmpty()
                                  ? tr("%n user(s) and group(s).", nullptr, m_list->count())
                                  : m_errors.join(u'\n'));
        applyFilter(m_filter->text());
    });
}

void PermissionPrincipalPicker::applyFilter(const QString &text)
{
    const QString needle = text.trimmed();
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *item = m_list->item(row);
        item->setHidden(!needle.isEmpty() &&
                        !item->data(NameRole).toString().contains(needle, Qt::CaseInsensitive));
    }
}

void PermissionPrincipalPicker::updateButtons()
{
    m_add->setEnabled(!m_list->selectedItems().isEmpty());
}

QList<PermissionPrincipal> PermissionPrincipalPicker::selectedPrincipals() const
{
    QList<PermissionPrincipal> result;
    const QList<QListWidgetItem *> items = m_list->selectedItems();
    for (const QListWidgetItem *item : items) {
        if (item->isHidden())
            continue;
        result.append(
            {PrincipalType(item->data(TypeRole).toInt()), item->data(NameRole).toString()});
    }
    return result;
}

} // namespace Bulwark::Ui
