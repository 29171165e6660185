"""Which cases there are (suites, real projects' recipes and sources), and which a run keeps (select, shards)."""
