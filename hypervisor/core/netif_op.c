/* netif_op (30) [ours, ABI §13]: copy the request in, act through core/netif.c, copy it back. */
#include "hv/domain.h"
#include "hv/hypercall.h"
#include "hv/net.h"
#include "hv/netif.h"
#include "hv/uaccess.h"
#include "lib/string.h"

static int query(netif_op_t *op, const char **why)
{
    struct net_dev *n = op->dev == 0 ? net_device(0) : 0; /* one card is offered to the guest */
    if (!n)
        return *why = "no such network device", -XEN_ENODEV;
    memset(&op->u, 0, sizeof(op->u));
    memcpy(op->u.query.mac, n->mac, 6);
    op->u.query.mtu = 1500;
    op->u.query.link = n->link_up ? NETIF_LINK_UP : 0;
    op->u.query.model = n->model;
    op->u.query.features = netif_features(n);
    return 0;
}

long do_netif_op(uint32_t uop)
{
    struct domain *d = current_domain();
    netif_op_t op;
    const char *why = "";
    int rc;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return hv_refuse("netif_op", uop, -XEN_EFAULT, "request unreadable");
    /* Check, then act: connect takes references and a port, so its answer must be deliverable. */
    if (!guest_range_mapped(uop, sizeof(op), 1))
        return hv_refuse("netif_op", uop, -XEN_EFAULT, "answer unwritable");
    switch (op.cmd) {
    case NETIFOP_query:
        rc = query(&op, &why);
        break;
    case NETIFOP_connect:
        rc = netif_connect(d, op.dev, op.u.connect.tx_ring_mfn, op.u.connect.rx_ring_mfn,
                           &op.u.connect.port, &why);
        break;
    case NETIFOP_disconnect:
        rc = netif_disconnect(d, op.dev, &why);
        break;
    default:
        rc = -XEN_ENOSYS, why = "unknown command";
    }
    if (rc < 0)
        return hv_refuse("netif_op", op.cmd, rc, "%s", why);
    if (copy_to_guest(uop, &op, sizeof(op)))
        return hv_refuse("netif_op", uop, -XEN_EFAULT, "answer unwritable");
    return 0;
}
