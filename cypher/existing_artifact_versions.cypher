// Artifacts already in the graph under the given names (an import checks name+version uniqueness).
UNWIND $names AS name
MATCH (a:Artifact {name: name})
RETURN a.id AS id, a.name AS name, a.version AS version
