"""Real projects as suites: their recipes, their sources, and source trees' hashes and copies
(building and bisecting them is the judge's: oracle/judge/projects)."""
