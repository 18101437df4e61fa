"""Hybrid similarity: semantic (store vectors), lexical (TF-IDF in process) and graph evidence.

`snapshot` holds what one graph's projects look like (texts, artifacts, people, tags) with a
TF-IDF index over their texts (`lexical`) and sparse incidence matrices for the graph evidence
(`graph_index`), and keeps it current without making a request wait on a large graph; `fusion` combines the three scores with weights learned from the
graph itself, or reciprocal rank fusion when the graph cannot teach any; `service` answers
`similarProjects` and the semantic part of `searchArtifacts`.
"""
