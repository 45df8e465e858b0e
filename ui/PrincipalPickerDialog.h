// Picks users and groups from the server's lists, with a filter field:
// Add… in the unit members panel (and any page that adds principals) opens
// it. Loads GET /api/Users and /api/Groups through the given client.
#pragma once

#include "models/PrincipalsModel.h"

#include <QDialog>
#include <QSortFilterProxyModel>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace Bulwark::Ui {

class PrincipalPickerDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PrincipalPickerDialog)

public:
    PrincipalPickerDialog(Models::ApiClient *client, const QString &title,
                          QWidget *parent = nullptr);

    // Principals already chosen elsewhere (e.g. current members): left out.
    void setExcluded(const QList<Models::PrincipalEntry> &excluded);
    [[nodiscard]] QList<Models::PrincipalEntry> selectedPrincipals() const;
    // Selects one row (adds to the selection); false when it is not listed.
    bool selectPrincipal(Models::PrincipalEntry::Kind kind, const QString &name);
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] Models::PrincipalsModel *model() { return &m_model; }
    [[nodiscard]] QLineEdit *filterEdit() const { return m_filter; }

Q_SIGNALS:
    void principalsChosen(const QList<Bulwark::Models::PrincipalEntry> &principals);

private:
    void updateState();

    Models::PrincipalsModel m_model;
    QSortFilterProxyModel m_proxy;
    QList<Models::PrincipalEntry> m_excluded;
    QLineEdit *m_filter;
    QTableView *m_view;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    bool m_loaded = false;
};

} // namespace Bulwark::Ui
