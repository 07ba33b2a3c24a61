/* The paravirtual network card's driver (netfront.c), for the rest of guest/net/. */
#ifndef NET_NETFRONT_H
#define NET_NETFRONT_H

#include <stdint.h>

struct netif;

struct netfront_stats {
    uint64_t rx_bytes, tx_bytes;
    uint32_t rx_packets, tx_packets, rx_errors, tx_errors, rx_drops, tx_drops;
    uint32_t events, kicks, link_changes;
    uint32_t rx_lent, rx_lent_max; /* receive buffers lent to lwIP now, and the most ever */
    uint32_t rx_copied;            /* frames copied because RX_LENT_MAX were lent already */
    uint32_t tx_acks_merged;       /* pure ACKs that replaced a queued one (ackmerge.c) */
    uint32_t tx_csum_blank;        /* TCP segments sent for the hypervisor to checksum */
};

extern int netfront_present;
int netfront_init(void);  /* 0, or -1: no card (or it could not be set up) */
void netfront_poll(void); /* in the net thread: responses, reposts, link changes */
/* Transmit kicks: held from netfront_tx_hold until netfront_tx_flush, which gives one for all
 * the frames queued meanwhile (if the hypervisor asked for one) and ends the hold. */
void netfront_tx_hold(void);
void netfront_tx_flush(void);
struct netif *netfront_netif(void);
const char *netfront_model_name(void);
const struct netfront_stats *netfront_stats(void);
/* netrx=copy (netconf.c): no frame is lent to lwIP; every one is copied into its heap. */
void netfront_rx_copy_all(void);
/* txcsum=off (netconf.c): TCP checksums computed by lwIP even when the hypervisor offers them. */
void netfront_tx_csum_off(void);

#endif
