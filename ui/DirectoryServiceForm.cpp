#include "DirectoryServiceForm.h"

#include "models/EntityName.h"
#include "wire/Wire.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {
constexpr int DefaultTimeoutSeconds = 5;
const QString DefaultUserFilter = u"(uid={user})"_s;
const QString DefaultGroupFilter = u"(member={dn})"_s;
} // namespace

DirectoryServiceForm::DirectoryServiceForm(QWidget *parent)
    : QWidget(parent)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_url(new QLineEdit(this))
    , m_insecure(new QCheckBox(tr("Allow ldap:// without StartTLS (a lab only: the password "
                                  "travels in clear text)"),
                               this))
    , m_caFile(new QLineEdit(this))
    , m_bindDn(new QLineEdit(this))
    , m_bindPassword(new QLineEdit(this))
    , m_bindPasswordState(new QLabel(this))
    , m_userBase(new QLineEdit(this))
    , m_userFilter(new QLineEdit(this))
    , m_groupBase(new QLineEdit(this))
    , m_groupFilter(new QLineEdit(this))
    , m_groupMapping(new QTableWidget(0, 2, this))
    , m_provisionUsers(
          new QCheckBox(tr("Create a user on their first sign-in, in the mapped groups"), this))
    , m_timeout(new QSpinBox(this))
    , m_enabled(new QCheckBox(tr("Enabled: this directory's users can sign in"), this))
{
    setObjectName(u"directoryServiceForm"_s);
    m_name->setObjectName(u"directoryNameEdit"_s);
    m_name->setPlaceholderText(tr("e.g. corp (users name it as their authentication)"));
    m_description->setObjectName(u"directoryDescriptionEdit"_s);
    m_url->setObjectName(u"directoryUrlEdit"_s);
    m_url->setPlaceholderText(tr("ldaps://ldap.example.com, or ldap://host:389 with StartTLS"));
    m_insecure->setObjectName(u"directoryInsecureCheck"_s);
    m_caFile->setObjectName(u"directoryCaFileEdit"_s);
    m_caFile->setPlaceholderText(
        tr("Optional: absolute path of a PEM CA bundle on the server; empty: system CAs"));
    m_bindDn->setObjectName(u"directoryBindDnEdit"_s);
    m_bindDn->setPlaceholderText(tr("e.g. cn=bulwark,ou=services,dc=example,dc=com"));
    m_bindPassword->setObjectName(u"directoryBindPasswordEdit"_s);
    m_bindPassword->setEchoMode(QLineEdit::Password);
    m_bindPassword->setClearButtonEnabled(true);
    m_bindPasswordState->setObjectName(u"directoryBindPasswordState"_s);
    m_bindPasswordState->setWordWrap(true);
    m_userBase->setObjectName(u"directoryUserBaseEdit"_s);
    m_userBase->setPlaceholderText(tr("e.g. ou=people,dc=example,dc=com"));
    m_userFilter->setObjectName(u"directoryUserFilterEdit"_s);
    m_userFilter->setPlaceholderText(DefaultUserFilter);
    m_userFilter->setToolTip(tr("Must contain {user}, replaced by the escaped user name."));
    m_groupBase->setObjectName(u"directoryGroupBaseEdit"_s);
    m_groupBase->setPlaceholderText(tr("Optional: e.g. ou=groups,dc=example,dc=com"));
    m_groupFilter->setObjectName(u"directoryGroupFilterEdit"_s);
    m_groupFilter->setPlaceholderText(DefaultGroupFilter);
    m_groupFilter->setToolTip(tr("Contains {dn} (the user's DN) or {user}."));
    m_groupMapping->setObjectName(u"directoryGroupMappingTable"_s);
    m_groupMapping->setHorizontalHeaderLabels({tr("Directory group DN"), tr("Platform group")});
    m_groupMapping->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_groupMapping->verticalHeader()->hide();
    m_groupMapping->setMinimumHeight(90);
    m_groupMapping->setMaximumHeight(140);
    m_provisionUsers->setObjectName(u"directoryProvisionCheck"_s);
    m_timeout->setObjectName(u"directoryTimeoutSpin"_s);
    m_timeout->setRange(1, 60);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(tr("Bound on connecting, TLS and every directory operation."));
    m_enabled->setObjectName(u"directoryEnabledCheck"_s);

    auto *addMapping = new QPushButton(tr("Add Mapping"), this);
    addMapping->setObjectName(u"addGroupMappingButton"_s);
    auto *removeMapping = new QPushButton(tr("Remove Mapping"), this);
    removeMapping->setObjectName(u"removeGroupMappingButton"_s);
    connect(addMapping, &QPushButton::clicked, this, [this] {
        addMappingRow({}, {});
        m_groupMapping->editItem(m_groupMapping->item(m_groupMapping->rowCount() - 1, 0));
    });
    connect(removeMapping, &QPushButton::clicked, this, [this] {
        const int row = m_groupMapping->currentRow();
        if (row >= 0) {
            m_groupMapping->removeRow(row);
            setDirty(true);
        }
    });
    auto *mappingButtons = new QHBoxLayout;
    mappingButtons->addWidget(addMapping);
    mappingButtons->addWidget(removeMapping);
    mappingButtons->addStretch(1);

    auto *form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(QString(), m_insecure);
    form->addRow(tr("&CA file:"), m_caFile);
    form->addRow(tr("&Bind DN:"), m_bindDn);
    form->addRow(tr("Bind &password:"), m_bindPassword);
    form->addRow(QString(), m_bindPasswordState);
    form->addRow(tr("User &base:"), m_userBase);
    form->addRow(tr("User &filter:"), m_userFilter);
    form->addRow(tr("&Group base:"), m_groupBase);
    form->addRow(tr("Group filte&r:"), m_groupFilter);
    form->addRow(tr("Group &mapping:"), m_groupMapping);
    form->addRow(QString(), mappingButtons);
    form->addRow(QString(), m_provisionUsers);
    form->addRow(tr("&Timeout:"), m_timeout);
    form->addRow(QString(), m_enabled);

    for (QLineEdit *edit : {m_name, m_description, m_url, m_caFile, m_bindDn, m_bindPassword,
                            m_userBase, m_userFilter, m_groupBase, m_groupFilter})
        watch(edit);
    for (QCheckBox *box : {m_insecure, m_provisionUsers, m_enabled})
        connect(box, &QCheckBox::toggled, this, [this] { setDirty(true); });
    connect(m_timeout, &QSpinBox::valueChanged, this, [this] { setDirty(true); });
    connect(m_groupMapping, &QTableWidget::itemChanged, this, [this] { setDirty(true); });
    clearForNew();
}

void DirectoryServiceForm::watch(QLineEdit *edit)
{
    connect(edit, &QLineEdit::textEdited, this, [this] { setDirty(true); });
}

void DirectoryServiceForm::setDirty(bool dirty)
{
    if (m_loading)
        return;
    m_dirty = dirty;
    Q_EMIT edited();
}

void DirectoryServiceForm::addMappingRow(const QString &dn, const QString &group)
{
    const int row = m_groupMapping->rowCount();
    m_groupMapping->insertRow(row);
    m_groupMapping->setItem(row, 0, new QTableWidgetItem(dn));
    m_groupMapping->setItem(row, 1, new QTableWidgetItem(group));
}

void DirectoryServiceForm::clearForNew()
{
    load({});
    m_isNew = true;
    m_name->setReadOnly(false);
    m_bindPasswordState->setText(tr("Required: the service account's password. It is stored "
                                    "encrypted and never shown again."));
}

void DirectoryServiceForm::load(const QJsonObject &service)
{
    m_loading = true;
    m_isNew = service.isEmpty();
    m_name->setText(service.value(Wire::Name).toString());
    m_name->setReadOnly(!m_isNew);
    m_description->setText(service.value(Wire::Description).toString());
    m_url->setText(service.value(Wire::Url).toString());
    m_insecure->setChecked(service.value(Wire::Insecure).toBool(false));
    m_caFile->setText(service.value(Wire::CaFile).toString());
    m_bindDn->setText(service.value(Wire::BindDn).toString());
    m_bindPassword->clear();
    m_hasBindPassword = service.value(Wire::HasBindPassword).toBool(false);
    m_bindPassword->setPlaceholderText(m_hasBindPassword ? tr("Stored — leave empty to keep it")
                                                         : tr("The service account's password"));
    m_bindPasswordState->setText(
        m_hasBindPassword
            ? tr("A password is stored (never shown). Changing the URL, bind DN, CA file or "
                 "the TLS option needs it typed again.")
            : tr("No password is stored yet."));
    m_userBase->setText(service.value(Wire::UserBase).toString());
    m_userFilter->setText(service.value(Wire::UserFilter).toString());
    m_groupBase->setText(service.value(Wire::GroupBase).toString());
    m_groupFilter->setText(service.value(Wire::GroupFilter).toString());
    m_groupMapping->setRowCount(0);
    const QJsonObject mapping = service.value(Wire::GroupMapping).toObject();
    for (auto it = mapping.begin(); it != mapping.end(); ++it)
        addMappingRow(it.key(), it.value().toString());
    m_provisionUsers->setChecked(service.value(Wire::ProvisionUsers).toBool(false));
    m_timeout->setValue(service.value(Wire::TimeoutSeconds).toInt(DefaultTimeoutSeconds));
    m_enabled->setChecked(service.value(Wire::Enabled).toBool(true));
    m_loading = false;
    m_dirty = false;
    Q_EMIT edited();
}

QString DirectoryServiceForm::name() const
{
    return m_name->text().trimmed();
}

QString DirectoryServiceForm::problem() const
{
    if (m_isNew) {
        if (name().isEmpty())
            return tr("Give the directory a name.");
        if (const QString problem = Models::EntityName::problem(name()); !problem.isEmpty())
            return problem;
    }
    if (m_url->text().trimmed().isEmpty())
        return tr("Give the directory's URL (ldaps://… or ldap://…).");
    if (m_isNew && m_bindPassword->text().isEmpty())
        return tr("Type the service account's bind password.");
    return {};
}

QJsonObject DirectoryServiceForm::toJson() const
{
    const auto orDefault = [](const QLineEdit *edit, const QString &fallback) {
        const QString text = edit->text().trimmed();
        return text.isEmpty() ? fallback : text;
    };
    QJsonObject mapping;
    for (int row = 0; row < m_groupMapping->rowCount(); ++row) {
        const QTableWidgetItem *dn = m_groupMapping->item(row, 0);
        const QTableWidgetItem *group = m_groupMapping->item(row, 1);
        if (dn && group && !dn->text().trimmed().isEmpty())
            mapping.insert(dn->text().trimmed(), group->text().trimmed());
    }
    QJsonObject body{{Wire::Name, name()},
                     {Wire::Description, m_description->text()},
                     {Wire::Url, m_url->text().trimmed()},
                     {Wire::Insecure, m_insecure->isChecked()},
                     {Wire::CaFile, m_caFile->text().trimmed()},
                     {Wire::BindDn, m_bindDn->text().trimmed()},
                     {Wire::UserBase, m_userBase->text().trimmed()},
                     {Wire::UserFilter, orDefault(m_userFilter, DefaultUserFilter)},
                     {Wire::GroupBase, m_groupBase->text().trimmed()},
                     {Wire::GroupFilter, orDefault(m_groupFilter, DefaultGroupFilter)},
                     {Wire::GroupMapping, mapping},
                     {Wire::ProvisionUsers, m_provisionUsers->isChecked()},
                     {Wire::TimeoutSeconds, m_timeout->value()},
                     {Wire::Enabled, m_enabled->isChecked()}};
    if (!m_bindPassword->text().isEmpty())
        body.insert(Wire::BindPassword, m_bindPassword->text());
    return body;
}

} // namespace Bulwark::Ui
