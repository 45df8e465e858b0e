// Where a console talks to and as whom: one value object handed to the API
// client and the live-event stream so both always use the same credentials
// and the same pinned certificate.
#pragma once

#include <QString>
#include <QUrl>

namespace Bulwark::Models {

struct ServerEndpoint
{
    QUrl baseUrl; // https://host:port, no path
    QString user;
    QString password;
    QString pinnedFingerprint; // SHA-256 "AB:CD:…"; empty: trust the system's CAs
};

} // namespace Bulwark::Models
