// The projects whose `repository` (owner/name) is $repository: where a webhook's runs belong.
MATCH (p:Project {repository: $repository})
RETURN p.id AS id
ORDER BY id
