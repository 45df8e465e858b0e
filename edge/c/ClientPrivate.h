// What the files of the C API share (not installed): the client and reply
// behind the opaque handles, the per-thread last error, the conversions
// between the C and SDK codes and JSON text, and the argument checks.
#pragma once

#include "bulwark_edge.h"

#include <BulwarkEdge/EdgeClient.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

struct bulwark_edge_client
{
    std::unique_ptr<BulwarkEdge::EdgeClient> sdk; // made and deleted on the loop thread

    // Callbacks: set and read on the loop thread only.
    bulwark_edge_state_fn stateCallback = nullptr;
    void *stateData = nullptr;
    bulwark_edge_error_fn errorCallback = nullptr;
    void *errorData = nullptr;
    bulwark_edge_update_fn updateCallback = nullptr;
    void *updateData = nullptr;
    bulwark_edge_transfer_fn transferCallback = nullptr;
    void *transferData = nullptr;

    // What bulwark_edge_wait_connected() waits on.
    std::mutex mutex;
    std::condition_variable changed;
    bulwark_edge_state state = BULWARK_EDGE_STATE_DISCONNECTED;
    bool connectRequested = false;
    bulwark_edge_error lastFailure = BULWARK_EDGE_OK;
    std::string lastFailureMessage;
};

struct bulwark_edge_reply
{
    BulwarkEdge::Reply reply;
    bool answered = false;
};

namespace BulwarkEdge::C {

// Records message as the client's last error (nullptr: bulwark_edge_create)
// on this thread, and returns code.
bulwark_edge_error fail(const bulwark_edge_client *client, bulwark_edge_error code,
                        const QString &message);
// Clears the client's last error on this thread; returns BULWARK_EDGE_OK.
bulwark_edge_error succeed(const bulwark_edge_client *client);
[[nodiscard]] const char *lastError(const bulwark_edge_client *client);
void forgetErrors(const bulwark_edge_client *client);

[[nodiscard]] bulwark_edge_error toC(ErrorCode code);
[[nodiscard]] bulwark_edge_state toC(EdgeClient::State state);
// For refusals a host sends to the platform; the C-only codes have no wire
// equivalent and go as bad-request.
[[nodiscard]] ErrorCode toSdk(bulwark_edge_error code);

// Any JSON value from text (QJsonDocument alone takes only objects and arrays).
[[nodiscard]] bool parseJsonValue(const char *text, QJsonValue &value, QString &error);
[[nodiscard]] QByteArray toJsonText(const QJsonValue &value);

} // namespace BulwarkEdge::C

// Checks the handle and the named strings; the error names the first NULL.
#define BULWARK_REQUIRE_CLIENT(client)                                                             \
    if (!(client))                                                                                 \
    return fail(nullptr, BULWARK_EDGE_E_INVALID_ARGUMENT, u"The client is NULL."_s)
#define BULWARK_REQUIRE_STRING(client, string)                                                     \
    if (!(string) || !*(string))                                                                   \
    return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,                                           \
                u"The argument " #string " is NULL or empty."_s)
