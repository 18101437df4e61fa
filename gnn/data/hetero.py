"""The organisation as a `torch_geometric.data.HeteroData` graph for the GNN.

Node types: `project`, `artifact`, `person`, and attribute nodes `tag` and `problem_class`, so a
new project is connected on day one (its tags and class) before it uses anything. Node inputs
are content only, never a learned id (inductive): projects get `FeatureSpace` rows without the
usage columns (usage is edges here), artifacts a type one-hot, attribute and person nodes a
constant (they carry information through their edges).

Edges go both ways for training projects. A held-out project (validation or test) only
receives: edges into it stay, edges out of it are dropped, so nothing about it reaches another
node; its own USED edges are dropped altogether when `hide_usage` (recommendation targets).
Labels: `project.y` (success as 0/1, -1 unknown) with `train_mask`, `valid_mask`, `test_mask`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gnn.data.features import FeatureSpace
from gnn.data.snapshot import Snapshot
from gnn.data.split import Split

ARTIFACT_TYPES = ("feature_pipeline", "model_template", "schema", "notebook", "dataset", "library", "other")


def to_hetero(snapshot: Snapshot, space: FeatureSpace, split: Split, *, hide_usage: bool = False) -> Any:
    import torch
    from torch_geometric.data import HeteroData

    projects = snapshot.projects
    p_index = {p.id: i for i, p in enumerate(projects)}
    a_index = {a.id: i for i, a in enumerate(snapshot.artifacts)}
    people = sorted({u for u, _ in snapshot.memberships})
    u_index = {u: i for i, u in enumerate(people)}
    tags = sorted({t for p in projects for t in p.tags})
    t_index = {t: i for i, t in enumerate(tags)}
    c_index = {c: i for i, c in enumerate(space.classes)}
    held = split.held_out()

    data = HeteroData()
    data["project"].x = torch.tensor(space.transform(snapshot, projects, with_usage=False), dtype=torch.float32)
    data["artifact"].x = torch.tensor(
        [[float(a.artifact_type == t) for t in ARTIFACT_TYPES] for a in snapshot.artifacts], dtype=torch.float32
    ).reshape(len(snapshot.artifacts), len(ARTIFACT_TYPES))
    data["person"].x = torch.ones((len(people), 1))
    data["tag"].x = torch.ones((len(tags), 1))
    data["problem_class"].x = torch.eye(len(space.classes))

    def from_training(pid: str) -> bool:
        return pid not in held

    uses = [(p_index[p], a_index[a]) for p, a in snapshot.usages
            if p in p_index and a in a_index and from_training(p)]
    held_uses = [] if hide_usage else [(p_index[p], a_index[a]) for p, a in snapshot.usages
                                       if p in held and a in a_index]
    data["project", "uses", "artifact"].edge_index = _edges(torch, uses)  # out of projects: training only
    data["artifact", "used_by", "project"].edge_index = _edges(torch, [(a, p) for p, a in uses + held_uses])
    tagged = [(p_index[p.id], t_index[t]) for p in projects for t in sorted(set(p.tags))]
    data["project", "tagged", "tag"].edge_index = _edges(torch, [e for e in tagged if from_training(projects[e[0]].id)])
    data["tag", "tags", "project"].edge_index = _edges(torch, [(t, p) for p, t in tagged])
    classed = [(p_index[p.id], c_index.get(p.problem_class, c_index["other"])) for p in projects]
    data["project", "in_class", "problem_class"].edge_index = _edges(
        torch, [e for e in classed if from_training(projects[e[0]].id)])
    data["problem_class", "has_project", "project"].edge_index = _edges(torch, [(c, p) for p, c in classed])
    members = [(u_index[u], p_index[p]) for u, p in snapshot.memberships if p in p_index]
    data["person", "member_of", "project"].edge_index = _edges(torch, members)
    data["project", "has_member", "person"].edge_index = _edges(
        torch, [(p, u) for u, p in members if from_training(projects[p].id)])

    y = [(-1 if p.success is None else int(p.success)) for p in projects]
    data["project"].y = torch.tensor(y)
    for name, ids in (("train_mask", split.train), ("valid_mask", split.valid), ("test_mask", split.test)):
        mask = np.zeros(len(projects), dtype=bool)
        mask[[p_index[i] for i in ids]] = True
        data["project"][name] = torch.tensor(mask) & (data["project"].y >= 0)
    data["project"].ids = [p.id for p in projects]
    ranked = sorted(range(len(projects)), key=lambda i: (projects[i].started_at or -1, projects[i].id))
    order = [0] * len(projects)
    for position, i in enumerate(ranked):
        order[i] = position
    data["project"].order = torch.tensor(order)  # start-date rank: the GNN's inner stopping split
    return data


def _edges(torch: Any, pairs: list[tuple[int, int]]) -> Any:
    if not pairs:
        return torch.zeros((2, 0), dtype=torch.long)
    return torch.tensor(pairs, dtype=torch.long).t().contiguous()
