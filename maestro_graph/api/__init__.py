"""The HTTP surface: the GraphQL API (Strawberry) on a small Starlette app."""
