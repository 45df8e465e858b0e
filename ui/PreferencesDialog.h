// Edit → Preferences (Ctrl+,): appearance (follow the system, light, dark)
// and language (system, English, Deutsch). Each choice applies at once and is
// stored in QSettings; there is nothing to confirm.
#pragma once

#include <QDialog>

class QComboBox;
class QLabel;

namespace Bulwark::Ui {

class PreferencesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreferencesDialog)

public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QComboBox *m_appearance;
    QComboBox *m_language;
    QLabel *m_appearanceLabel;
    QLabel *m_languageLabel;
};

} // namespace Bulwark::Ui
