"""The service layer: plain async functions over a `GraphStore`, shared by the API and the CLI.

Functions take typed inputs, raise the domain errors of `maestro_graph.errors`, and return
plain values (property dicts and `Page`s). They hold the rules; the API only translates.
"""
