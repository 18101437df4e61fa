// Set the given properties of one project; no row when the id is unknown.
MATCH (p:Project {id: $id})
SET p += $props
RETURN properties(p) AS project
