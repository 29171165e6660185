"""What flows from stage to stage: cases, verdicts, records, errors, text shown safely."""
