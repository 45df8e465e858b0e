#include "GroupDialog.h"

#include "models/ApiClient.h"
#include "models/EntityName.h"
#include "wire/Wire.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QIcon>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::GroupMember;

namespace {
constexpr int KindRole = Qt::UserRole + 1;
constexpr int NameRole = Qt::UserRole + 2;
} // namespace

GroupDialog::GroupDialog(Models::ApiClient *client, const Models::GroupSummary &group,
                         const QStringList &users, const QStringList &groups, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_creating(group.name.isEmpty())
    , m_original(group)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_filter(new QLineEdit(this))
    , m_members(new QListWidget(this))
    , m_error(new QLabel(this))
{
    setObjectName(u"groupDialog"_s);
    setWindowTitle(m_creating ? tr("New Group") : tr("Members of %1").arg(group.name));
    m_name->setObjectName(u"groupNameEdit"_s);
    m_name->setMaxLength(int(Models::EntityName::MaximumLength));
    m_name->setPlaceholderText(tr("e.g. Operators"));
    m_name->setText(group.name);
    m_name->setReadOnly(!m_creating);
    m_description->setObjectName(u"groupDescriptionEdit"_s);
    m_description->setText(group.description);
    m_filter->setObjectName(u"groupMemberFilterEdit"_s);
    m_filter->setPlaceholderText(tr("Search users and groups"));
    m_filter->setClearButtonEnabled(true);
    m_members->setObjectName(u"groupMembersList"_s);
    m_members->setToolTip(tr("Checked users and groups are direct members. A member group's "
                             "members belong to this group too."));
    m_error->setObjectName(u"groupErrorLabel"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the server's words, never markup
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    QSet<QString> memberGroups;
    QSet<QString> memberUsers;
    for (const GroupMember &member : group.members)
        (member.kind == GroupMember::Kind::Group ? memberGroups : memberUsers).insert(member.name);
    for (const QString &name : groups) {
        if (name != group.name)
            addCandidate(GroupMember::Kind::Group, name, memberGroups.contains(name));
    }
    for (const QString &name : users)
        addCandidate(GroupMember::Kind::User, name, memberUsers.contains(name));

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&Members:"), m_filter);
    form->addRow(QString(), m_members);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_save = buttons->addButton(m_creating ? tr("&Create Group") : tr("&Save"),
                                QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"saveGroupButton"_s);
    m_save->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &GroupDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(420);

    connect(m_filter, &QLineEdit::textChanged, this, &GroupDialog::applyFilter);
    connect(m_name, &QLineEdit::textChanged, this, &GroupDialog::updateValidity);
    updateValidity();
}

void GroupDialog::addCandidate(GroupMember::Kind kind, const QString &name, bool checked)
{
    const bool isGroup = kind == GroupMember::Kind::Group;
    auto *item = new QListWidgetItem(
        QIcon(isGroup ? u":/icons/unit-group.svg"_s : u":/icons/unit-user.svg"_s),
        isGroup ? tr("Group %1").arg(name) : name, m_members);
    item->setData(KindRole, int(kind));
    item->setData(NameRole, name);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

bool GroupDialog::setMemberChecked(GroupMember::Kind kind, const QString &name, bool checked)
{
    for (int row = 0; row < m_members->count(); ++row) {
        QListWidgetItem *item = m_members->item(row);
        if (item->data(KindRole).toInt() == int(kind) && item->data(NameRole) == name) {
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            return true;
        }
    }
    return false;
}

void GroupDialog::applyFilter(const QString &text)
{
    for (int row = 0; row < m_members->count(); ++row) {
        QListWidgetItem *item = m_members->item(row);
        item->setHidden(!text.isEmpty() && !item->text().contains(text, Qt::CaseInsensitive));
    }
}

void GroupDialog::updateValidity()
{
    const QString name = m_name->text();
    const QString problem = m_creating ? Models::EntityName::problem(name) : QString();
    if (!name.isEmpty() && !problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
    } else if (!m_busy) {
        m_error->hide();
    }
    m_save->setEnabled(problem.isEmpty() && !m_busy && m_client);
}

void GroupDialog::submit()
{
    if (!m_save->isEnabled() || !m_client)
        return;
    QJsonArray members;
    for (int row = 0; row < m_members->count(); ++row) {
        const QListWidgetItem *item = m_members->item(row);
        if (item->checkState() != Qt::Checked)
            continue;
        const bool isGroup = item->data(KindRole).toInt() == int(GroupMember::Kind::Group);
        members.append(QJsonObject{{Wire::Type, isGroup ? u"Group"_s : u"User"_s},
                                   {Wire::Name, item->data(NameRole).toString()}});
    }
    const QString name = m_name->text();
    QJsonObject body{{Wire::Description, m_description->text()}, {Wire::Members, members}};
    m_busy = true;
    updateValidity();
    const auto done = [this, name](const ApiResult &result) {
        m_busy = false;
        updateValidity();
        if (!result.isOk()) {
            m_error->setText(result.errorMessage);
            m_error->show();
            return;
        }
        Q_EMIT groupSaved(name);
        accept();
    };
    if (m_creating) {
        body.insert(Wire::Name, name);
        m_client->post(Wire::ApiPrefix + Wire::Groups, body, this, done);
        return;
    }
    // A PUT replaces the members: first make sure nobody changed the group
    // since this dialog showed it, so that their change is not overwritten.
    const QString path = Models::ApiClient::entityPath(Wire::Groups, name);
    m_client->get(path, this, [this, path, body, done](const ApiResult &current) {
        if (!current.isOk()) {
            done(current);
            return;
        }
        QJsonArray wrapped{current.body.object()};
        const QList<Models::GroupSummary> now =
            Models::UsersModel::parseGroups(QJsonDocument(QJsonObject{{Wire::Items, wrapped}}));
        if (now.size() != 1 || now.constFirst() != m_original) {
            m_busy = false;
            updateValidity();
            m_error->setText(tr("Someone changed this group since you opened it; nothing was "
                                "saved. Close this dialog and open the group again to see "
                                "their change."));
            m_error->show();
            return;
        }
        m_client->put(path, body, this, done);
    });
}

} // namespace Bulwark::Ui
