// Every project with the fields the meta-model learns from, and its team size (training only).
// Outcome fields come back so the trainer can build labels; gnn/data/features.py keeps them out
// of the model inputs. No vector is returned here (learn_project_embeddings carries those).
MATCH (p:Project)
OPTIONAL MATCH (m:Person)-[:MEMBER_OF]->(p)
WITH p, count(m) AS teamSize
RETURN p.id AS id, p.name AS name, p.description AS description, p.tags AS tags,
       p.problemClass AS problemClass, p.complexityScore AS complexityScore, p.status AS status,
       p.startedAt AS startedAt, p.completedAt AS completedAt, p.metadata AS metadata,
       p.success AS success, p.durationDays AS durationDays, p.costUsd AS costUsd, teamSize
ORDER BY id
