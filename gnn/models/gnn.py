"""A heterogeneous GraphSAGE for project success, evaluated beside the baselines.

Model: per node type a linear projection of the content inputs to `hidden` dims, then two
`HeteroConv` layers of `SAGEConv` (mean aggregation, one per relation, summed across relations)
with ReLU, then a linear head on project nodes giving the success logit:

    h_v^(l+1) = ReLU( sum_r  W_r^self h_v^(l) + W_r^neigh mean_{u in N_r(v)} h_u^(l) )

Trained full-batch with class-balanced binary cross-entropy (positives weighted by
negatives/positives) on the older 80% of the labelled training projects, with dropout and weight
decay; early-stopped on the newest 20% of them (an inner, time-ordered stopping set) and
Platt-scaled on that same set. Validation projects are touched by nothing but the final
prediction, so the GNN's validation figures are as honest as the baselines' (they were not:
early stopping and Platt scaling used to run on validation itself). Project inputs are
standardised with training-project statistics. Held-out projects only receive messages (see
`data/hetero.py`), so their predictions are inductive. Evaluation only for now: serving it needs
the request's project placed in the graph, which is not built yet.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def evaluate(data: Any, *, hidden: int = 16, epochs: int = 300, lr: float = 0.005, dropout: float = 0.3,
             seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
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
            drop = torch.nn.functional.dropout
            h = {t: drop(self.embed[t](v).relu(), dropout, self.training) for t, v in x.items()}
            for conv in self.convs:
                out = conv(h, edges)
                h = {t: drop(out.get(t, h[t]).relu(), dropout, self.training) for t in h}
            return self.head(h["project"]).squeeze(-1)

    x = {t: data[t].x for t in data.node_types}
    edges = {et: data[et].edge_index for et in relations}
    y = data["project"].y.float()
    labelled, valid, test = (data["project"][m] for m in ("train_mask", "valid_mask", "test_mask"))
    train, stop = _inner_split(labelled, data["project"].order)
    mu = x["project"][train].mean(0, keepdim=True)
    sd = x["project"][train].std(0, keepdim=True) + 1e-6
    x["project"] = (x["project"] - mu) / sd
    net = Net()
    with torch.no_grad():
        net(x, edges)  # materialise the lazy layers
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=5e-3)
    positives = float(y[train].sum())
    balance = torch.tensor((float(train.sum()) - positives) / max(1.0, positives))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=balance)
    stop_loss = torch.nn.BCEWithLogitsLoss()
    best, best_state, patience = float("inf"), None, 0
    for _ in range(epochs):
        net.train()
        opt.zero_grad()
        logits = net(x, edges)
        loss_fn(logits[train], y[train]).backward()
        opt.step()
        net.eval()
        with torch.no_grad():
            v = float(stop_loss(net(x, edges)[stop], y[stop]))
        if v < best - 1e-4:
            best, best_state, patience = v, {k: t.clone() for k, t in net.state_dict().items()}, 0
        else:
            patience += 1
            if patience >= 30:
                break
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    with torch.no_grad():
        logits = net(x, edges).numpy()
    platt = LogisticRegression().fit(logits[stop.numpy()].reshape(-1, 1), y[stop].numpy())
    p = platt.predict_proba(logits.reshape(-1, 1))[:, 1]
    return p[valid.numpy()], p[test.numpy()]


def _inner_split(labelled: Any, order: Any) -> tuple[Any, Any]:
    """The older 80% of the labelled training projects (by start date) to fit, the newest 20% to
    stop and calibrate on."""
    import torch

    index = torch.nonzero(labelled).flatten()
    index = index[torch.argsort(order[index])]
    n_stop = max(2, int(round(len(index) * 0.2)))
    train, stop = torch.zeros_like(labelled), torch.zeros_like(labelled)
    train[index[:-n_stop]] = True
    stop[index[-n_stop:]] = True
    return train, stop
