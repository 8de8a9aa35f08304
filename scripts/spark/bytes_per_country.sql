-- Cross-border bytes per server country, from `borderflow flows` NDJSON (DuckDB).
SELECT serverCountry, sum(bytesToServer + bytesToClient) AS bytes
FROM read_json_auto('flows.ndjson')
WHERE crossBorder
GROUP BY serverCountry
ORDER BY bytes DESC;
