// How many artifacts there are (a label count, constant time): decides exact or indexed
// nearest-neighbour search in searchArtifacts.
MATCH (a:Artifact)
RETURN count(a) AS n
