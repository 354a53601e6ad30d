"""Pure rules of the write-up (no ORM): growth, immunisations, sections, the loop's states
and action deadlines."""
