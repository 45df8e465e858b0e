/*
 * bulwark_edge.h: the C API of the Bulwark edge SDK (docs/edge-sdk.md, "C API").
 *
 * For hosts that cannot use the C++ SDK directly: C programs, .NET
 * (P/Invoke), Android (JNI), iOS. No C++ type crosses this boundary:
 * clients are opaque handles, strings are NUL-terminated UTF-8, JSON values
 * travel as JSON text, and every fallible call returns a bulwark_edge_error.
 *
 * Threads. The library runs its own event loop on a thread of its own (with
 * its own QCoreApplication when the host has none; in a Qt host, a QThread of
 * the host's application). Every function may be called from any host
 * thread. Every callback is called on that loop thread, one at a time: keep
 * callbacks short, never block in them, and never call bulwark_edge_destroy()
 * or a bulwark_edge_wait_*() function from one (those return or report
 * BULWARK_EDGE_E_WRONG_THREAD). A callback may call any other function.
 * Strings passed to a callback are valid only during the call.
 *
 * Errors. A function that fails returns an error code; a message a person can
 * act on is then available from bulwark_edge_last_error() on the same thread.
 * What fails later, on the network, arrives through the error callback.
 *
 * The header is C89/C99 and C++ clean.
 */
#ifndef BULWARK_EDGE_H
#define BULWARK_EDGE_H

#include <stddef.h>

#if defined(_WIN32)
#if defined(BULWARK_EDGE_C_BUILD)
#define BULWARK_EDGE_API __declspec(dllexport)
#else
#define BULWARK_EDGE_API __declspec(dllimport)
#endif
#else
#define BULWARK_EDGE_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes. The values are part of the ABI and never change. */
typedef enum bulwark_edge_error
{
    BULWARK_EDGE_OK = 0,
    /* Refused by the library before anything was sent. */
    BULWARK_EDGE_E_INVALID_ARGUMENT = 1, /* a NULL or malformed argument (see the message) */
    BULWARK_EDGE_E_WRONG_THREAD = 2,     /* a blocking call made from a callback */
    BULWARK_EDGE_E_TIMEOUT = 3,          /* a bulwark_edge_wait_*() timed out */
    BULWARK_EDGE_E_NOT_CONNECTED = 4,    /* needs a connection, and there is none */
    BULWARK_EDGE_E_INTERNAL = 5,         /* a bug: please report it with the message */
    /* The edge protocol's codes (docs/protocol.md). */
    BULWARK_EDGE_E_BAD_REQUEST = 10,
    BULWARK_EDGE_E_UNAUTHORIZED = 11,
    BULWARK_EDGE_E_FORBIDDEN = 12,
    BULWARK_EDGE_E_NOT_FOUND = 13,
    BULWARK_EDGE_E_NOT_BOUND = 14,
    BULWARK_EDGE_E_TYPE_MISMATCH = 15,
    BULWARK_EDGE_E_TOO_MANY_REQUESTS = 16,
    BULWARK_EDGE_E_UNAVAILABLE = 17,
    BULWARK_EDGE_E_UNSUPPORTED = 18,
    BULWARK_EDGE_E_VERIFICATION_FAILED = 19,
    BULWARK_EDGE_E_TOO_LARGE = 20,
    BULWARK_EDGE_E_QUOTA_EXCEEDED = 21,
    BULWARK_EDGE_E_EXISTS = 22,
    BULWARK_EDGE_E_CANCELLED = 23,
    BULWARK_EDGE_E_CONFLICT = 24,
    /* The SDK's own. */
    BULWARK_EDGE_E_INVALID_CONFIGURATION = 30,
    BULWARK_EDGE_E_CONNECTION_FAILED = 31,
    BULWARK_EDGE_E_TLS_FAILED = 32,
    BULWARK_EDGE_E_PROTOCOL_VIOLATION = 33
} bulwark_edge_error;

typedef enum bulwark_edge_state
{
    BULWARK_EDGE_STATE_DISCONNECTED = 0, /* not connected and not trying */
    BULWARK_EDGE_STATE_CONNECTING = 1,
    BULWARK_EDGE_STATE_AUTHENTICATING = 2,
    BULWARK_EDGE_STATE_CONNECTED = 3, /* signed in and the Things' bind answered */
    BULWARK_EDGE_STATE_BACKOFF = 4    /* waiting before the next attempt */
} bulwark_edge_state;

typedef enum bulwark_edge_transfer_event
{
    BULWARK_EDGE_TRANSFER_STARTED = 0,
    BULWARK_EDGE_TRANSFER_PROGRESS = 1,
    BULWARK_EDGE_TRANSFER_FINISHED = 2, /* size, MD5 and SHA-256 verified */
    BULWARK_EDGE_TRANSFER_FAILED = 3
} bulwark_edge_transfer_event;

typedef struct bulwark_edge_client bulwark_edge_client; /* opaque */
typedef struct bulwark_edge_reply bulwark_edge_reply;   /* opaque, valid during its callback */

/* A virtual directory of a bound Thing: the platform sees `name` as the
 * first segment of a path; the files live under `local_root`. */
typedef struct bulwark_edge_directory
{
    const char *name;
    const char *local_root;
} bulwark_edge_directory;

/* A file transfer this device takes part in (valid during the callback). */
typedef struct bulwark_edge_transfer
{
    const char *id;         /* UUID, 36 characters */
    int to_device;          /* 1: the device receives (download); 0: it sends (upload) */
    const char *thing;      /* the bound Thing */
    const char *path;       /* device-side logical path, "logs/today.txt" */
    const char *local_file; /* absolute local file */
    double size;            /* plaintext bytes; -1 while unknown */
    double bytes;           /* bytes verified or acknowledged so far */
    const char *md5;        /* lowercase hex once finished, else "" */
    const char *sha256;     /* lowercase hex once finished, else "" */
} bulwark_edge_transfer;

/* ---- Callbacks (all on the loop thread) ---- */

typedef void (*bulwark_edge_state_fn)(void *user_data, bulwark_edge_state state);
/* Something failed after the call that started it returned: a refused
 * connection or sign-in, a refused bind (thing set), a refused property
 * update (thing set; nothing of it was stored). thing may be NULL. */
typedef void (*bulwark_edge_error_fn)(void *user_data, bulwark_edge_error code, const char *thing,
                                      const char *message);
/* The platform stored an update of thing: accepted values, and stale ones
 * (older than what it had). */
typedef void (*bulwark_edge_update_fn)(void *user_data, const char *thing, int accepted, int stale);
/* A property write from the platform: answer through reply before returning
 * (bulwark_edge_reply_ok() applies the requested value). */
typedef void (*bulwark_edge_write_fn)(void *user_data, const char *thing, const char *property,
                                      const char *value_json, bulwark_edge_reply *reply);
/* A service call: answer with the output (bulwark_edge_reply_string(), …)
 * or an error before returning. An unanswered call is refused. */
typedef void (*bulwark_edge_service_fn)(void *user_data, const char *thing, const char *service,
                                        const char *parameters_json, bulwark_edge_reply *reply);
/* The end of an asynchronous call: code is BULWARK_EDGE_OK or why it failed. */
typedef void (*bulwark_edge_done_fn)(void *user_data, bulwark_edge_error code, const char *message);
/* A transfer started from the device was queued (transfer_id set) or refused. */
typedef void (*bulwark_edge_transfer_queued_fn)(void *user_data, const char *transfer_id,
                                                bulwark_edge_error code, const char *message);
/* Progress of every transfer the device takes part in. code and message are
 * set for BULWARK_EDGE_TRANSFER_FAILED only. */
typedef void (*bulwark_edge_transfer_fn)(void *user_data, bulwark_edge_transfer_event event,
                                         const bulwark_edge_transfer *transfer,
                                         bulwark_edge_error code, const char *message);

/* ---- Errors ---- */

/* A short English description of code ("the server refused the credentials"). */
BULWARK_EDGE_API const char *bulwark_edge_strerror(bulwark_edge_error code);
/* The code as on the wire ("not-found"), or "ok". */
BULWARK_EDGE_API const char *bulwark_edge_error_name(bulwark_edge_error code);
/* The message of the last failed call on client from this thread ("" if
 * none); valid until the next call on client from this thread. client may
 * be NULL (for bulwark_edge_create()). */
BULWARK_EDGE_API const char *bulwark_edge_last_error(const bulwark_edge_client *client);

/* ---- Life cycle ---- */

/* A new client, or NULL (then see bulwark_edge_last_error(NULL)). Starts
 * the loop thread with the first client. */
BULWARK_EDGE_API bulwark_edge_client *bulwark_edge_create(void);
/* Disconnects and frees client; no callback runs once it returns. Not from
 * a callback. NULL is ignored. */
BULWARK_EDGE_API void bulwark_edge_destroy(bulwark_edge_client *client);
/* "0.1.0" */
BULWARK_EDGE_API const char *bulwark_edge_version(void);

/* ---- Configuration (before bulwark_edge_connect(); applies at the next connection) ---- */

/* wss://HOST:PORT/edge; only wss is accepted. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_server_url(bulwark_edge_client *client,
                                                                const char *url);
/* An app key (recommended for devices), or a user and password; setting one clears the other. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_app_key(bulwark_edge_client *client,
                                                             const char *app_key);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_user_credentials(bulwark_edge_client *client,
                                                                      const char *user,
                                                                      const char *password);
/* Trust only the CAs in this PEM file (instead of the system store). */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_ca_file(bulwark_edge_client *client,
                                                             const char *path);
/* Accept exactly the server certificate with this SHA-256 fingerprint (hex,
 * ':' separators allowed). */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_pinned_fingerprint(bulwark_edge_client *client,
                                                                        const char *sha256_hex);
/* 1: accept ANY certificate (a bench test only; logged loudly). */
BULWARK_EDGE_API bulwark_edge_error
bulwark_edge_set_insecure_skip_verification(bulwark_edge_client *client, int insecure);
/* Reconnection delays (exponential backoff with jitter); default 1000 / 60000 ms. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_reconnect_delays(bulwark_edge_client *client,
                                                                      int minimum_ms,
                                                                      int maximum_ms);

/* ---- Callbacks (NULL removes one; user_data is passed back as given) ---- */

BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_state_callback(bulwark_edge_client *client,
                                                                    bulwark_edge_state_fn callback,
                                                                    void *user_data);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_error_callback(bulwark_edge_client *client,
                                                                    bulwark_edge_error_fn callback,
                                                                    void *user_data);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_update_callback(
    bulwark_edge_client *client, bulwark_edge_update_fn callback, void *user_data);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_transfer_callback(
    bulwark_edge_client *client, bulwark_edge_transfer_fn callback, void *user_data);
/* property / service NULL: every one of the Thing without its own handler. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_write_handler(bulwark_edge_client *client,
                                                                   const char *thing,
                                                                   const char *property,
                                                                   bulwark_edge_write_fn handler,
                                                                   void *user_data);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_service_handler(
    bulwark_edge_client *client, const char *thing, const char *service,
    bulwark_edge_service_fn handler, void *user_data);

/* ---- Answering a request (only inside its write or service callback) ---- */

/* Success with a JSON result (the service output, or the value a write
 * applied); NULL: no output / the requested value. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_reply_json(bulwark_edge_reply *reply,
                                                            const char *result_json);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_reply_ok(bulwark_edge_reply *reply);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_reply_string(bulwark_edge_reply *reply,
                                                              const char *result);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_reply_number(bulwark_edge_reply *reply,
                                                              double result);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_reply_bool(bulwark_edge_reply *reply, int result);
/* A refusal: the message reaches the REST caller, write it for a person. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_reply_error(bulwark_edge_reply *reply,
                                                             bulwark_edge_error code,
                                                             const char *message);

/* ---- Connection ---- */

/* Starts connecting, and reconnecting after every loss, until
 * bulwark_edge_disconnect(). A wrong configuration or refused credentials
 * end in DISCONNECTED (see the error callback); anything else is retried. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_connect(bulwark_edge_client *client);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_disconnect(bulwark_edge_client *client);
BULWARK_EDGE_API bulwark_edge_state bulwark_edge_get_state(bulwark_edge_client *client);
/* Blocks until CONNECTED (OK), DISCONNECTED after a failure (the failure's
 * code), or timeout_ms (BULWARK_EDGE_E_TIMEOUT). Not from a callback. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_wait_connected(bulwark_edge_client *client,
                                                                int timeout_ms);

/* ---- Things, properties, events ---- */

/* Binds thing now when connected, and after every reconnection. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_bind_thing(bulwark_edge_client *client,
                                                            const char *thing);
/* The same, declaring count virtual directories for file transfers. */
BULWARK_EDGE_API bulwark_edge_error
bulwark_edge_bind_thing_with_directories(bulwark_edge_client *client, const char *thing,
                                         const bulwark_edge_directory *directories, size_t count);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_unbind_thing(bulwark_edge_client *client,
                                                              const char *thing);

/* Sets a property's value; it is pushed when it changed (queued while
 * offline). The platform's answer comes to the update or error callback. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_property_number(bulwark_edge_client *client,
                                                                     const char *thing,
                                                                     const char *property,
                                                                     double value);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_property_bool(bulwark_edge_client *client,
                                                                   const char *thing,
                                                                   const char *property, int value);
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_property_string(bulwark_edge_client *client,
                                                                     const char *thing,
                                                                     const char *property,
                                                                     const char *value);
/* value_json: any JSON value ("null" stores no value). */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_set_property_json(bulwark_edge_client *client,
                                                                   const char *thing,
                                                                   const char *property,
                                                                   const char *value_json);

/* Fires an event; data_json is a JSON object or NULL. Not queued while
 * offline. done (may be NULL) says whether the platform took it. */
BULWARK_EDGE_API bulwark_edge_error bulwark_edge_fire_event(bulwark_edge_client *client,
                                                            const char *thing, const char *event,
                                                            const char *data_json,
                                                            bulwark_edge_done_fn done,
                                                            void *user_data);

/* ---- Files (the Thing must be bound with directories) ---- */

/* Copies the device's path ("logs/today.txt") into repository at
 * repository_path. queued (may be NULL) gets the transfer id; progress
 * comes to the transfer callback. */
BULWARK_EDGE_API bulwark_edge_error
bulwark_edge_upload_file(bulwark_edge_client *client, const char *thing, const char *path,
                         const char *repository, const char *repository_path, int overwrite,
                         bulwark_edge_transfer_queued_fn queued, void *user_data);
/* Copies repository_path of repository to the device's path. */
BULWARK_EDGE_API bulwark_edge_error
bulwark_edge_download_file(bulwark_edge_client *client, const char *thing, const char *repository,
                           const char *repository_path, const char *path, int overwrite,
                           bulwark_edge_transfer_queued_fn queued, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* BULWARK_EDGE_H */
