"""Query fields, one module per topic; `api/schema.py::Query` inherits them."""
