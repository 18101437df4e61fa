// Create a new project; the unique constraint on id turns a duplicate into a Conflict.
CREATE (p:Project)
SET p = $props
RETURN properties(p) AS project
