"""A heterogeneous GraphSAGE for project success, evaluated beside the baselines.

Model: per node type a linear projection of the content inputs to `hidden` dims, then two
`HeteroConv` layers of `SAGEConv` (mean aggregation, one per relation, summed across relations)
with ReLU, then a linear head on project nodes giving the success logit:

    h_v^(l+1) = ReLU( sum_r  W_r^self h_v^(l) + W_r^neigh mean_{u in N_r(v)} h_u^(l) )

Trained full-batch with binary cross-entropy on training projects, early-stopped on validation
log-loss, then Platt-scaled on validation logits (2 parameters). Held-out projects only receive
messages (see `data/hetero.py`), so their predictions are inductive. Evaluation only for now:
serving it needs the request's project placed in the graph, which is not built yet.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def evaluate(data: Any, *, hidden: int = 32, epochs: int = 150, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated success probabilities for the validation and test projects (mask order)."""
    import torch
    from sklearn.linear_model import LogisticRegression
    from torch_geometric.nn import HeteroConv, Linear, SAGEConv

    torch.manual_seed(seed)
    relations = [et for et in data.edge_types if data[et].edge_index.size(1) > 0]

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = torch.nn.ModuleDict({t: Linear(-1, hidden) for t in data.node_types})
            self.convs = torch.nn.ModuleList(
                HeteroConv({et: SAGEConv((-1, -1), hidden) for et in relations}, aggr="sum") for _ in range(2)
            )
            self.head = Linear(hidden, 1)

        def forward(self, x: dict[str, Any], edges: dict[Any, Any]) -> Any:
            h = {t: self.embed[t](v).relu() for t, v in x.items()}
            for conv in self.convs:
                out = conv(h, edges)
                h = {t: out.get(t, h[t]).relu() for t in h}
            return self.head(h["project"]).squeeze(-1)

    x = {t: data[t].x for t in data.node_types}
    mu = x["project"].mean(0, keepdim=True)
    sd = x["project"].std(0, keepdim=True) + 1e-6
    x["project"] = (x["project"] - mu) / sd
    edges = {et: data[et].edge_index for et in relations}
    y = data["project"].y.float()
    train, valid, test = (data["project"][m] for m in ("train_mask", "valid_mask", "test_mask"))
    net = Net()
    with torch.no_grad():
        net(x, edges)  # materialise the lazy layers
    opt = torch.optim.Adam(net.parameters(), lr=0.01, weight_decay=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    best, best_state, patience = float("inf"), None, 0
    for _ in range(epochs):
        net.train()
        opt.zero_grad()
        logits = net(x, edges)
        loss_fn(logits[train], y[train]).backward()
        opt.step()
        net.eval()
        with torch.no_grad():
            v = float(loss_fn(net(x, edges)[valid], y[valid]))
        if v < best - 1e-4:
            best, best_state, patience = v, {k: t.clone() for k, t in net.state_dict().items()}, 0
        else:
            patience += 1
            if patience >= 20:
                break
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    with torch.no_grad():
        logits = net(x, edges).numpy()
    platt = LogisticRegression().fit(logits[valid.numpy()].reshape(-1, 1), y[valid].numpy())
    p = platt.predict_proba(logits.reshape(-1, 1))[:, 1]
    return p[valid.numpy()], p[test.numpy()]
