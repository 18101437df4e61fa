// Ids of projects that used any version of the artifact named $value.
MATCH (:Artifact {name: $value})<-[:USED]-(p:Project)
RETURN collect(DISTINCT p.id) AS ids
