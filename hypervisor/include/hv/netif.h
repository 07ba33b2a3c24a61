/* The netif backend (ABI §13): the guest's transmit and receive rings for device 0, validated
 * request by request (core/netif.c), and netif_op (core/netif_op.c). */
#ifndef HV_NETIF_H
#define HV_NETIF_H

#include <stdint.h>
#include <public/netif.h>

struct domain;
struct net_dev;

int netif_connect(struct domain *d, unsigned dev, uint32_t tx_mfn, uint32_t rx_mfn, uint32_t *port,
                  const char **why);
int netif_disconnect(struct domain *d, unsigned dev, const char **why);
/* The guest kicked the device's port: consume both rings now (a hypercall is a safe point). */
void netif_kick(struct domain *d, unsigned dev);
/* After the drivers' service at a safe point: retry stalled transmits, publish responses. */
void netif_flush(void);
void netif_get_stats(netif_stats_t *s);
/* NETIF_F_* offered to the guest for device n (the card's engines and txcsum=). */
uint32_t netif_features(const struct net_dev *n);

/* From core/net.c for the backend: a received frame, a link change. */
int netif_rx_frame(struct net_dev *n, const void *frame, uint32_t len);
void netif_link_event(struct net_dev *n);

long do_netif_op(uint32_t uop);

#endif
