"""One case's verdict: its kind's steps, the reference and the candidate, classification, the comparison."""
