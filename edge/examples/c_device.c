/*
 * c_device: a device in plain C on the Bulwark edge C API (bulwark_edge.h).
 *
 * It connects, binds one Thing, pushes its temperature, answers one call of
 * the service Reset(level) and exits 0 (1 on any failure).
 *
 *   BULWARK_APP_KEY=bwk_… c_device wss://HOST:PORT/edge SHA256-FINGERPRINT THING
 *
 * The app key comes from the environment, not the command line, which other
 * users of the machine can read. The fingerprint is the server certificate's
 * SHA-256, as the server logs it at start.
 */
#define _POSIX_C_SOURCE 200809L

#include "bulwark_edge.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the callbacks (on the library's thread) tell main(). */
struct device
{
    pthread_mutex_t mutex;
    pthread_cond_t changed;
    int pushed;   /* the platform stored the temperature */
    int answered; /* Reset was answered */
    int failed;   /* the platform refused something */
    int disconnected;
};

static void on_state(void *user_data, bulwark_edge_state state)
{
    static const char *const names[] = {"disconnected", "connecting", "authenticating", "connected",
                                        "waiting to reconnect"};
    struct device *device = (struct device *)user_data;
    printf("c_device: state %s\n", names[state]);
    fflush(stdout);
    pthread_mutex_lock(&device->mutex);
    device->disconnected = state == BULWARK_EDGE_STATE_DISCONNECTED;
    pthread_cond_broadcast(&device->changed);
    pthread_mutex_unlock(&device->mutex);
}

static void on_error(void *user_data, bulwark_edge_error code, const char *thing,
                     const char *message)
{
    struct device *device = (struct device *)user_data;
    fprintf(stderr, "c_device: %s%s%s: %s\n", bulwark_edge_error_name(code), thing ? " on " : "",
            thing ? thing : "", message);
    pthread_mutex_lock(&device->mutex);
    if (thing) /* a refused bind or value */
        device->failed = 1;
    pthread_cond_broadcast(&device->changed);
    pthread_mutex_unlock(&device->mutex);
}

static void on_update(void *user_data, const char *thing, int accepted, int stale)
{
    struct device *device = (struct device *)user_data;
    printf("c_device: %s: %d value(s) stored, %d stale\n", thing, accepted, stale);
    fflush(stdout);
    pthread_mutex_lock(&device->mutex);
    device->pushed = 1;
    pthread_cond_broadcast(&device->changed);
    pthread_mutex_unlock(&device->mutex);
}

/* Reset(level: INTEGER): STRING. parameters_json is {"level": N}. */
static void on_reset(void *user_data, const char *thing, const char *service,
                     const char *parameters_json, bulwark_edge_reply *reply)
{
    struct device *device = (struct device *)user_data;
    const char *level = strstr(parameters_json, "\"level\":");
    char output[64];
    long value;
    if (!level) {
        bulwark_edge_reply_error(reply, BULWARK_EDGE_E_BAD_REQUEST, "Reset needs a level.");
        return;
    }
    value = strtol(level + strlen("\"level\":"), NULL, 10);
    if (value < 0 || value > 5) {
        bulwark_edge_reply_error(reply, BULWARK_EDGE_E_BAD_REQUEST,
                                 "The level must be from 0 to 5.");
        return;
    }
    snprintf(output, sizeof output, "reset to %ld", value);
    bulwark_edge_reply_string(reply, output);
    printf("c_device: %s of %s answered: %s\n", service, thing, output);
    fflush(stdout);
    pthread_mutex_lock(&device->mutex);
    device->answered = 1;
    pthread_cond_broadcast(&device->changed);
    pthread_mutex_unlock(&device->mutex);
}

/* Waits until *flag is set, something failed, or seconds passed. */
static int wait_for(struct device *device, const int *flag, int seconds)
{
    struct timespec deadline;
    int result = 0;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += seconds;
    pthread_mutex_lock(&device->mutex);
    while (!*flag && !device->failed && result != ETIMEDOUT)
        result = pthread_cond_timedwait(&device->changed, &device->mutex, &deadline);
    result = *flag;
    pthread_mutex_unlock(&device->mutex);
    return result;
}

static int check(bulwark_edge_client *client, bulwark_edge_error code, const char *what)
{
    if (code == BULWARK_EDGE_OK)
        return 1;
    fprintf(stderr, "c_device: %s: %s (%s)\n", what, bulwark_edge_last_error(client),
            bulwark_edge_strerror(code));
    return 0;
}

int main(int argc, char **argv)
{
    struct device device;
    bulwark_edge_client *client;
    const char *app_key = getenv("BULWARK_APP_KEY");
    const char *thing;
    int ok;

    if (argc != 4 || !app_key) {
        fprintf(stderr,
                "usage: BULWARK_APP_KEY=bwk_... %s wss://HOST:PORT/edge "
                "SHA256-FINGERPRINT THING\n",
                argv[0]);
        return 1;
    }
    thing = argv[3];
    memset(&device, 0, sizeof device);
    pthread_mutex_init(&device.mutex, NULL);
    pthread_cond_init(&device.changed, NULL);

    client = bulwark_edge_create();
    if (!client) {
        fprintf(stderr, "c_device: %s\n", bulwark_edge_last_error(NULL));
        return 1;
    }
    ok = check(client, bulwark_edge_set_server_url(client, argv[1]), "server URL") &&
         check(client, bulwark_edge_set_pinned_fingerprint(client, argv[2]), "fingerprint") &&
         check(client, bulwark_edge_set_app_key(client, app_key), "app key") &&
         check(client, bulwark_edge_set_state_callback(client, on_state, &device), "callback") &&
         check(client, bulwark_edge_set_error_callback(client, on_error, &device), "callback") &&
         check(client, bulwark_edge_set_update_callback(client, on_update, &device), "callback") &&
         check(client, bulwark_edge_set_service_handler(client, thing, "Reset", on_reset, &device),
               "handler") &&
         check(client, bulwark_edge_bind_thing(client, thing), "bind") &&
         check(client, bulwark_edge_connect(client), "connect") &&
         check(client, bulwark_edge_wait_connected(client, 30000), "connection");
    if (ok)
        ok = check(client, bulwark_edge_set_property_number(client, thing, "temperature", 21.5),
                   "temperature");
    if (ok && !wait_for(&device, &device.pushed, 30)) {
        fprintf(stderr, "c_device: the platform did not store the temperature\n");
        ok = 0;
    }
    if (ok) {
        printf("c_device: ready\n");
        fflush(stdout);
        if (!wait_for(&device, &device.answered, 60)) {
            fprintf(stderr, "c_device: no call of Reset arrived\n");
            ok = 0;
        }
    }
    /* A clean close lets the answer to Reset leave before the connection ends. */
    pthread_mutex_lock(&device.mutex);
    device.failed = 0;
    pthread_mutex_unlock(&device.mutex);
    if (bulwark_edge_disconnect(client) == BULWARK_EDGE_OK)
        wait_for(&device, &device.disconnected, 10);
    bulwark_edge_destroy(client);
    pthread_cond_destroy(&device.changed);
    pthread_mutex_destroy(&device.mutex);
    return ok ? 0 : 1;
}
