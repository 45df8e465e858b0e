// The settings of one LDAP directory service as a form (the fields of
// docs/rest-api.md "Directory services"). The bind password is write-only:
// the form never shows a stored one, it only says whether one is stored and
// sends a new one when typed.
#pragma once

#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace Bulwark::Ui {

class DirectoryServiceForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DirectoryServiceForm)

public:
    explicit DirectoryServiceForm(QWidget *parent = nullptr);

    // Shows a stored service (as GET answers it), or empty fields for a new one.
    void load(const QJsonObject &service);
    void clearForNew();
    // The body for POST (new) or PUT: every setting; the bind password only
    // when one was typed.
    [[nodiscard]] QJsonObject toJson() const;

    [[nodiscard]] bool isNew() const { return m_isNew; }
    [[nodiscard]] QString name() const;
    [[nodiscard]] bool isDirty() const { return m_dirty; }
    void setDirty(bool dirty);
    // What must be fixed before saving, in words; empty when ready.
    [[nodiscard]] QString problem() const;

Q_SIGNALS:
    void edited();

private:
    void addMappingRow(const QString &dn, const QString &group);
    void watch(QLineEdit *edit);

    QLineEdit *m_name;
    QLineEdit *m_description;
    QLineEdit *m_url;
    QCheckBox *m_insecure;
    QLineEdit *m_caFile;
    QLineEdit *m_bindDn;
    QLineEdit *m_bindPassword;
    QLabel *m_bindPasswordState;
    QLineEdit *m_userBase;
    QLineEdit *m_userFilter;
    QLineEdit *m_groupBase;
    QLineEdit *m_groupFilter;
    QTableWidget *m_groupMapping;
    QCheckBox *m_provisionUsers;
    QSpinBox *m_timeout;
    QCheckBox *m_enabled;
    bool m_isNew = true;
    bool m_hasBindPassword = false;
    bool m_dirty = false;
    bool m_loading = false;
};

} // namespace Bulwark::Ui
