"""Pure rule code for the statutory health clocks (DOMAIN.md sections 1-5). No ORM here:
every function takes dates and plain values and returns plain values, so each rule can be
tested exhaustively."""
