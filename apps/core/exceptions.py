class StaleEdit(Exception):
    """The record changed since the editor loaded it (optimistic concurrency): HTTP 409."""

    def __init__(self, model_name: str, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(
            f"This {model_name} was changed by someone else while you were editing it "
            f"(it is now at version {current_version}). Reload it and make your change again."
        )
