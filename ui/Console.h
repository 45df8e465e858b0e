// Entry point of the desktop console: app/main.cpp builds the QApplication
// and hands over here.
#pragma once

#include "ServerConfig.h"

class QApplication;
class QCoreApplication;

namespace Bulwark::Ui {

struct ConsoleOptions
{
    ServerConfig embeddedServer;
};

// Installs the translators, shows the main window with an embedded server,
// and runs app.exec(); returns its exit code.
int runConsole(QApplication &app, const ConsoleOptions &options);

// Installs Bulwark's and Qt's translations for the system locale (the
// translators are parented to `app`). Returns whether Bulwark's own was found.
bool installTranslators(QCoreApplication &app);

} // namespace Bulwark::Ui
