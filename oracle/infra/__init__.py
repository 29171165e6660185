"""What every stage stands on: processes, backends (local, sandbox, docker), images, scratch folders, the reference cache."""
