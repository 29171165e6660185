"""What agents and CI take from a run: clusters, task files, claims, repro, reduction, the gate, merging shards."""
