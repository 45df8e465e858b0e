// Entry point of the desktop console: app/main.cpp builds the QApplication
// and hands over here.
#pragma once

#include "ServerConfig.h"

#include <QLocale>

class QApplication;
class QCoreApplication;

namespace Bulwark::Ui {

struct ConsoleOptions
{
    ServerConfig embeddedServer;
};

// Installs the translators and the appearance the user chose, shows the main
// window with an embedded server, and runs app.exec(); returns its exit code.
int runConsole(QApplication &app, const ConsoleOptions &options);

// Installs Bulwark's and Qt's translations for `locale` (the translators are
// parented to `app`), replacing any installed by an earlier call; every
// widget then receives QEvent::LanguageChange. Returns whether Bulwark's own
// catalogue was found (English needs none).
bool installTranslators(QCoreApplication &app, const QLocale &locale = QLocale());

// Preferences → Language.
enum class Language
{
    System,
    English,
    German
};

[[nodiscard]] QLocale localeFor(Language language);
// The stored choice (System when none).
[[nodiscard]] Language storedLanguage();
// Stores `language`, makes its locale the default and installs its
// translators at once.
void applyLanguage(QCoreApplication &app, Language language);

} // namespace Bulwark::Ui
