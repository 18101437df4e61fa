// Ids of projects that used the artifact $value (a `where: {usesArtifact: {id}}` condition).
MATCH (:Artifact {id: $value})<-[:USED]-(p:Project)
RETURN collect(DISTINCT p.id) AS ids
