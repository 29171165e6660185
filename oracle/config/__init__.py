"""What a run is told: the option table, settings files, the probed toolchains and targets."""
