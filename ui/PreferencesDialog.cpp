#include "PreferencesDialog.h"

#include "Appearance.h"
#include "Console.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent)
    , m_appearance(new QComboBox(this))
    , m_language(new QComboBox(this))
    , m_appearanceLabel(new QLabel(this))
    , m_languageLabel(new QLabel(this))
{
    setObjectName(u"preferencesDialog"_s);
    m_appearance->setObjectName(u"appearanceCombo"_s);
    m_language->setObjectName(u"languageCombo"_s);
    m_appearanceLabel->setBuddy(m_appearance);
    m_languageLabel->setBuddy(m_language);
    // Item data: the enum's value; the texts come from retranslate().
    for (const AppearanceMode mode :
         {AppearanceMode::System, AppearanceMode::Light, AppearanceMode::Dark})
        m_appearance->addItem(QString(), int(mode));
    for (const Language language : {Language::System, Language::English, Language::German})
        m_language->addItem(QString(), int(language));
    retranslate();
    m_appearance->setCurrentIndex(m_appearance->findData(int(Appearance::instance()->mode())));
    m_language->setCurrentIndex(m_language->findData(int(storedLanguage())));

    auto *form = new QFormLayout;
    form->addRow(m_appearanceLabel, m_appearance);
    form->addRow(m_languageLabel, m_language);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch();
    layout->addWidget(buttons);

    connect(m_appearance, &QComboBox::currentIndexChanged, this, [this](int index) {
        Appearance::instance()->setMode(AppearanceMode(m_appearance->itemData(index).toInt()));
    });
    connect(m_language, &QComboBox::currentIndexChanged, this, [this](int index) {
        applyLanguage(*QCoreApplication::instance(), Language(m_language->itemData(index).toInt()));
    });
}

void PreferencesDialog::retranslate()
{
    setWindowTitle(tr("Preferences"));
    m_appearanceLabel->setText(tr("&Appearance:"));
    m_languageLabel->setText(tr("&Language:"));
    m_appearance->setItemText(0, tr("Follow the system"));
    m_appearance->setItemText(1, tr("Light"));
    m_appearance->setItemText(2, tr("Dark"));
    m_language->setItemText(0, tr("System language"));
    // Each language in its own name, so that it can be found when the
    // console speaks one the user does not.
    m_language->setItemText(1, u"English"_s);
    m_language->setItemText(2, u"Deutsch"_s);
}

void PreferencesDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

} // namespace Bulwark::Ui
