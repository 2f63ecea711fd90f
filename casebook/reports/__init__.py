"""Pattern reports and research exports: aggregates of the record, never a record itself."""
