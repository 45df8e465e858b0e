// The console's look: the Fusion style with a light or a dark palette of our
// own, chosen by the user (Preferences → Appearance) or following the
// system's colour scheme. Qt 6.4 has no QStyleHints::colorScheme(), so
// "System" reads the platform palette's window colour and re-checks whenever
// the platform theme or palette changes.
#pragma once

#include <QObject>
#include <QPalette>
#include <QPointer>

namespace Bulwark::Ui {

enum class AppearanceMode
{
    System,
    Light,
    Dark
};

class Appearance final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Appearance)

public:
    // The application's one instance (made on first use, owned by qApp);
    // switches the application to the Fusion style.
    [[nodiscard]] static Appearance *instance();

    [[nodiscard]] static QPalette lightPalette();
    [[nodiscard]] static QPalette darkPalette();
    [[nodiscard]] static bool isDark(const QPalette &palette);

    // Applies `mode` at once and stores it in QSettings.
    void setMode(AppearanceMode mode);
    [[nodiscard]] AppearanceMode mode() const { return m_mode; }
    // What the application shows now.
    [[nodiscard]] bool isDarkActive() const { return m_darkActive; }
    // The platform's own palette is dark (as last checked).
    [[nodiscard]] bool isSystemDark() const { return m_systemDark; }

    // The stored choice (System when none).
    [[nodiscard]] static AppearanceMode storedMode();
    // Applies the stored choice; call once at start.
    void applyStoredMode();

Q_SIGNALS:
    void darkActiveChanged(bool dark);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit Appearance(QObject *parent);
    void apply();
    [[nodiscard]] bool readSystemDark();

    AppearanceMode m_mode = AppearanceMode::System;
    bool m_darkActive = false;
    bool m_systemDark = false;
    bool m_applying = false;
    bool m_recheckPending = false;
    QPalette m_applied;
};

} // namespace Bulwark::Ui
