"""Sentence-transformers embeddings of projects and artifacts, and their upkeep in the store.

`encoder` loads the model lazily (torch is imported only when something is encoded), `texts`
says which words of a node are embedded, `upkeep` fills missing or stale vectors in batches and
`worker` does the same in the background of the API so that a mutation never waits for a model.
"""
