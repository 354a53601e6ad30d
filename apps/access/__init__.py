"""Who may do what to which record: one role x capability table (``capabilities``)."""

from apps.access.capabilities import Capability, Relation, may, register_relation, roles_with

__all__ = ["Capability", "Relation", "may", "register_relation", "roles_with"]
