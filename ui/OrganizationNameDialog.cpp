#include "OrganizationNameDialog.h"

#include "models/EntityName.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

OrganizationNameDialog::OrganizationNameDialog(const QString &title, const QString &prompt,
                                               const QString &okText, QWidget *parent)
    : QDialog(parent)
    , m_form(new QFormLayout)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"organizationNameDialog"_s);
    setWindowTitle(title);
    m_name->setObjectName(u"organizationNameEdit"_s);
    m_name->setPlaceholderText(tr("Letters, digits, _ - . (e.g. Plant1)"));
    m_name->setMaxLength(int(Models::EntityName::MaximumLength));
    m_description->setObjectName(u"organizationDescriptionEdit"_s);
    m_description->setPlaceholderText(tr("Optional: what it stands for"));
    m_problem->setObjectName(u"organizationNameProblem"_s);
    m_problem->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(okText);

    auto *intro = new QLabel(prompt, this);
    intro->setWordWrap(true);
    m_form->addRow(tr("&Name:"), m_name);
    m_form->addRow(tr("&Description:"), m_description);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(m_form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_name, &QLineEdit::textChanged, this, &OrganizationNameDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!Models::EntityName::isValid(name()))
            return;
        Q_EMIT submitted(name(), description());
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

void OrganizationNameDialog::setName(const QString &name)
{
    m_name->setText(name);
    m_name->selectAll();
}

void OrganizationNameDialog::setDescription(const QString &description)
{
    m_description->setText(description);
}

void OrganizationNameDialog::setDescriptionVisible(bool visible)
{
    m_form->setRowVisible(m_description, visible);
}

QString OrganizationNameDialog::name() const
{
    return m_name->text().trimmed();
}

QString OrganizationNameDialog::description() const
{
    return m_description->text().trimmed();
}

void OrganizationNameDialog::validate()
{
    const QString problem = name().isEmpty() ? QString() : Models::EntityName::problem(name());
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(Models::EntityName::isValid(name()));
}

} // namespace Bulwark::Ui
