"""The HeteroData export: content inputs only, held-out projects receive messages but send none."""

from __future__ import annotations

import pytest

from gnn.data.features import FeatureSpace
from gnn.data.hetero import to_hetero
from gnn.data.snapshot import Snapshot
from gnn.data.split import time_split

torch = pytest.importorskip("torch")


def test_graph_has_every_node_type_and_day_one_edges_for_a_new_project(snapshot: Snapshot) -> None:
    split = time_split(snapshot.projects)
    space = FeatureSpace.fit(snapshot, split.train)
    data = to_hetero(snapshot, space, split)
    assert set(data.node_types) == {"project", "artifact", "person", "tag", "problem_class"}
    assert data["project"].num_nodes == len(snapshot.projects)
    planned = [i for i, p in enumerate(snapshot.projects) if p.status == "planned"]
    assert planned  # no usage yet, still reached through its tags and class
    receivers = set(data["tag", "tags", "project"].edge_index[1].tolist())
    receivers &= set(data["problem_class", "has_project", "project"].edge_index[1].tolist())
    assert set(planned) <= receivers


def test_held_out_projects_send_no_message(snapshot: Snapshot) -> None:
    split = time_split(snapshot.projects)
    space = FeatureSpace.fit(snapshot, split.train)
    data = to_hetero(snapshot, space, split, hide_usage=True)
    held = {i for i, pid in enumerate(data["project"].ids) if pid in split.held_out()}
    for src, rel, dst in data.edge_types:
        edges = data[src, rel, dst].edge_index
        if src == "project":
            assert not set(edges[0].tolist()) & held, rel
        if dst == "project" and rel == "used_by":
            assert not set(edges[1].tolist()) & held  # usage of held-out projects is the target
    labelled = data["project"].y >= 0
    masks = data["project"].train_mask | data["project"].valid_mask | data["project"].test_mask
    assert bool((masks == labelled).all())
    assert not bool((data["project"].train_mask & data["project"].test_mask).any())
