// Every USED edge (training only). The recorded usage score is returned for labels and impact
// estimates, never as a model input: it is derived from the outcome.
MATCH (p:Project)-[u:USED]->(a:Artifact)
RETURN p.id AS project, a.id AS artifact, u.at AS at, u.score AS score
ORDER BY project, artifact
