// Asks for the name (and description) of a new organization or unit, or a
// unit's new name, and explains a name the server would refuse before it is
// sent.
#pragma once

#include <QDialog>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace Bulwark::Ui {

class OrganizationNameDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrganizationNameDialog)

public:
    OrganizationNameDialog(const QString &title, const QString &prompt, const QString &okText,
                           QWidget *parent = nullptr);

    void setName(const QString &name);
    void setDescription(const QString &description);
    // A rename asks for the name only.
    void setDescriptionVisible(bool visible);
    [[nodiscard]] QString name() const;
    [[nodiscard]] QString description() const;
    [[nodiscard]] QLineEdit *nameEdit() const { return m_name; }
    [[nodiscard]] QLineEdit *descriptionEdit() const { return m_description; }

Q_SIGNALS:
    void submitted(const QString &name, const QString &description);

private:
    void validate();

    QFormLayout *m_form;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace Bulwark::Ui
